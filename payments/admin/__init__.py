"""The accounting desk (transfer.py, statement.py) and card payment records (card.py)."""

from . import card, statement, transfer  # noqa: F401
