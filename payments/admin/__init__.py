"""The accounting desk (transfer.py) and card payment records (card.py) in the Django admin."""

from . import card, transfer  # noqa: F401
