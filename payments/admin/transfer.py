"""The accounting desk: bank accounts and transfer confirmation."""
