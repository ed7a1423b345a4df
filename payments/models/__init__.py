"""Card payments (card.py) and bank transfers (transfer.py)."""

from .card import *  # noqa: F403
from .transfer import *  # noqa: F403
