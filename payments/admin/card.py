"""Admin for card payments and their event log."""
