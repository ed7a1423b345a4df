"""Factories for the packages app."""

__all__: list[str] = []
