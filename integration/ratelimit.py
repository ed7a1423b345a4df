"""Requests per minute per API user, counted in the Django cache (Redis in production, shared
by every worker process): a fixed one-minute window, ``incr`` is atomic there."""

import math
import time

from django.conf import settings
from django.core.cache import cache

WINDOW = 60


def default_limit() -> int:
    return getattr(settings, "INTEGRATION_RATE_LIMIT_PER_MINUTE", 600)


def rate_limit_wait(*, key: str, limit: int, now: float | None = None) -> int | None:
    """Count one request; return the seconds until the window ends when over ``limit``."""
    now = time.time() if now is None else now
    window = int(now // WINDOW)
    name = f"iys-api-rate:{key}:{window}"
    cache.add(name, 0, timeout=WINDOW * 2)
    try:
        count = cache.incr(name)
    except ValueError:  # expired between add and incr
        cache.add(name, 1, timeout=WINDOW * 2)
        count = 1
    if count <= limit:
        return None
    return max(1, math.ceil((window + 1) * WINDOW - now))
