"""Card payments (card.py), bank transfers (transfer.py) and bank statements (statement.py)."""

from .card import *  # noqa: F403
from .statement import *  # noqa: F403
from .transfer import *  # noqa: F403
