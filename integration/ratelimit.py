"""Requests per minute per API user, counted in the Django cache (Redis in production, shared
by every worker process): a fixed one-minute window, ``incr`` is atomic there."""

import math
import time

from django.conf import settings
from django.core.cache import cache, caches

WINDOW = 60

try:
    from django_redis.cache import RedisCache
except ImportError:  # pragma: no cover (a dependency; only the type check needs it)
    RedisCache = None


class RateLimitUnavailable(Exception):
    """The counter could not be reached (Redis down): the caller refuses the call (fails
    closed) rather than let it through uncounted."""


def default_limit() -> int:
    return getattr(settings, "INTEGRATION_RATE_LIMIT_PER_MINUTE", 600)


# One command per call: the counter and, on the window's first request, its expiry.
_COUNT = """
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return count
"""


def _redis_count(backend, name: str) -> int:
    """Count on Redis in one command (``EVALSHA`` of ``_COUNT``: the script is sent once per
    Redis, then only its digest). django-redis's own ``incr`` sends a whole Lua script with
    every call and needs an ``add`` first in each window; the counter is the same key and
    value either way."""
    from redis.exceptions import RedisError

    try:
        client = backend.client.get_client(write=True)
        key = backend.client.make_key(name)
        return int(client.register_script(_COUNT)(keys=[key], args=[WINDOW * 2]))
    except RedisError as error:
        raise RateLimitUnavailable from error


def _count(name: str) -> int:
    backend = caches["default"]
    if RedisCache is not None and isinstance(backend, RedisCache):
        return _redis_count(backend, name)
    try:  # one round trip once the window's counter exists
        count = cache.incr(name)
    except ValueError:  # the window's first request (or two racing: ``add`` picks one)
        count = 1 if cache.add(name, 1, timeout=WINDOW * 2) else cache.incr(name)
    if count is None:  # a cache that swallows its errors
        raise RateLimitUnavailable
    return count


def window_key(key: str, now: float) -> tuple[str, int]:
    """The counter's name in the current window, and the window."""
    window = int(now // WINDOW)
    return f"iys-api-rate:{key}:{window}", window


def wait_after(count: int, *, limit: int, window: int, now: float) -> int | None:
    """None while ``count`` is within ``limit``; else the seconds until the window ends."""
    if count <= limit:
        return None
    return max(1, math.ceil((window + 1) * WINDOW - now))


def rate_limit_wait(*, key: str, limit: int, now: float | None = None) -> int | None:
    """Count one request; return the seconds until the window ends when over ``limit``.
    Raises ``RateLimitUnavailable`` when the counter cannot be reached."""
    now = time.time() if now is None else now
    name, window = window_key(key, now)
    return wait_after(_count(name), limit=limit, window=window, now=now)
