"""e-Devlet login (OAuth2 authorization code): the client, and a simulator of the same protocol."""
