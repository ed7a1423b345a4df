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


def default_limit() -> int:
    return getattr(settings, "INTEGRATION_RATE_LIMIT_PER_MINUTE", 600)


def _redis_count(backend, name: str) -> int:
    """Count on Redis in one round trip: ``INCR`` and ``EXPIRE`` pipelined. django-redis's own
    ``incr`` runs a Lua script (``EXISTS`` then ``INCRBY``) sent with every call, and needs an
    ``add`` first in each window; the counter is the same key and value either way."""
    key = backend.client.make_key(name)
    pipeline = backend.client.get_client(write=True).pipeline(transaction=False)
    pipeline.incr(key)
    pipeline.expire(key, WINDOW * 2)
    count, _expires = pipeline.execute()
    return int(count)


def _count(name: str) -> int:
    backend = caches["default"]
    if RedisCache is not None and isinstance(backend, RedisCache):
        return _redis_count(backend, name)
    try:  # one round trip once the window's counter exists
        return cache.incr(name)
    except ValueError:  # the window's first request (or two racing: ``add`` picks one)
        return 1 if cache.add(name, 1, timeout=WINDOW * 2) else cache.incr(name)


def rate_limit_wait(*, key: str, limit: int, now: float | None = None) -> int | None:
    """Count one request; return the seconds until the window ends when over ``limit``."""
    now = time.time() if now is None else now
    window = int(now // WINDOW)
    count = _count(f"iys-api-rate:{key}:{window}")
    if count <= limit:
        return None
    return max(1, math.ceil((window + 1) * WINDOW - now))
