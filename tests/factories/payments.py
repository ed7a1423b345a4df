"""Factories for the payments app."""

__all__: list[str] = []
