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
    try:  # one round trip once the window's counter exists
        count = cache.incr(name)
    except ValueError:  # the window's first request (or two racing: ``add`` picks one)
        count = 1 if cache.add(name, 1, timeout=WINDOW * 2) else cache.incr(name)
    if count <= limit:
        return None
    return max(1, math.ceil((window + 1) * WINDOW - now))
