"""Factories for every app; each app's live in its own module, re-exported here."""

from .accounts import *  # noqa: F403
from .brands import *  # noqa: F403
from .packages import *  # noqa: F403
from .payments import *  # noqa: F403
