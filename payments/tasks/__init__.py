"""Celery tasks of the payments app (autodiscovered as ``payments.tasks``)."""

from .card import *  # noqa: F403
from .transfer import *  # noqa: F403
