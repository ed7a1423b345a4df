"""The API's rate limit on a real Redis (as production): one pipelined round trip per call,
the same counter key and expiry as django-redis's own ``incr``."""

import os
import uuid

from django.core.cache import cache
from django.test import override_settings

from integration.ratelimit import WINDOW, rate_limit_wait

REDIS = os.environ.get("CELERY_BROKER_URL", "redis://127.0.0.1:6379/15")


@override_settings(
    CACHES={
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS,
            "KEY_PREFIX": "iys-test",
        }
    }
)
def test_counts_per_window_on_redis_and_expires():
    key = f"user:{uuid.uuid4()}"
    now = 1_800_000_000.0  # the start of a window
    assert [rate_limit_wait(key=key, limit=3, now=now + i) for i in range(3)] == [None] * 3
    assert rate_limit_wait(key=key, limit=3, now=now + 10) == WINDOW - 10
    name = f"iys-api-rate:{key}:{int(now // WINDOW)}"
    assert cache.get(name) == 4  # django-redis reads the same counter
    assert 0 < cache.ttl(name) <= WINDOW * 2
    assert rate_limit_wait(key=key, limit=3, now=now + WINDOW) is None  # a new window
    cache.delete_many([name, f"iys-api-rate:{key}:{int(now // WINDOW) + 1}"])
