"""Factories for the brands app."""

__all__: list[str] = []
