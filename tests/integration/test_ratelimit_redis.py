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


@override_settings(
    CACHES={
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
            "OPTIONS": {
                "IGNORE_EXCEPTIONS": True,  # as production
                "SOCKET_CONNECT_TIMEOUT": 0.2,
                "SOCKET_TIMEOUT": 0.2,
            },
        }
    }
)
def test_without_redis_calls_are_refused_not_let_through(db, client):
    """Fails closed: 503 with Retry-After, never an uncounted call (nor a 500)."""
    from .conftest import KNOWN, Api, error_code, make_world

    world = make_world()
    response = Api(client, world.token).post(
        f"/sps/{world.provider.iys_code}/brands/{world.brand.code}/consents/status",
        {"recipient": KNOWN, "recipientType": "BIREYSEL", "type": "MESAJ"},
    )
    assert response.status_code == 503, response.content
    assert error_code(response) == "rate_limit_unavailable"
    assert response["Retry-After"] == "5"
    response = Api(client, None).post(
        "/oauth2/token", {"grant_type": "password", "username": world.username, "password": "x"}
    )
    assert response.status_code == 503 and error_code(response) == "rate_limit_unavailable"
