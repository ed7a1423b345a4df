"""The access log through its Redis buffer (production: Redis is the cache), on a real Redis:
a call is recorded in Redis and written to PostgreSQL by the flush, once, whatever fails in
between; without Redis (or with the buffer full) the row is written at once."""

import os
import uuid
from datetime import UTC, datetime

import pytest
from django.test import override_settings
from django_celery_beat.models import PeriodicTask

from integration import accesslog
from integration.accesslog import access_log_flush, access_log_write, recipient_digest
from integration.models import AccessLog, AccessLogFlush
from integration.tasks import access_log_flush_task

from .conftest import KNOWN, Api, make_world

REDIS = os.environ.get("CELERY_BROKER_URL", "redis://127.0.0.1:6379/15")


def _redis_cache(location: str = REDIS, **options) -> dict:
    return {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": location,
            "KEY_PREFIX": f"iys-test-{uuid.uuid4().hex[:8]}",  # this test's own keys
            "OPTIONS": options,
        }
    }


@pytest.fixture
def redis_cache(settings):
    """The cache on a real Redis, as production; the buffer's keys are this test's own."""
    if not REDIS.startswith("redis://"):
        pytest.skip("no Redis configured")
    settings.CACHES = _redis_cache()
    buffer = accesslog._redis()
    yield buffer
    leftover = [*buffer.client.keys(f"{buffer.keys[accesslog.BUFFER].split('{')[0]}*")]
    if leftover:
        buffer.client.delete(*leftover)


def _row(**changes) -> dict:
    values = {
        "at": datetime(2026, 11, 28, 12, 0, 0, 123456, tzinfo=UTC),
        "api_user_id": None,
        "integrator_id": None,
        "service_provider_id": None,
        "brand_id": None,
        "grant_id": None,
        "endpoint": "consent_status",
        "http_status": 200,
        "error_code": "",
        "recipient_hash": "ab" * 32,
    }
    return {**values, **changes}


def _buffered(buffer) -> int:
    return buffer.client.llen(buffer.keys[accesslog.BUFFER])


def test_a_call_is_buffered_then_written_once_by_the_flush(db, client, redis_cache):
    world = make_world()
    before = AccessLog.objects.count()
    response = Api(client, world.token).post(
        f"/sps/{world.provider.iys_code}/brands/{world.brand.code}/consents/status",
        {"recipient": KNOWN, "recipientType": "BIREYSEL", "type": "MESAJ"},
    )
    assert response.status_code == 200, response.content
    assert AccessLog.objects.count() == before  # not yet: in Redis
    assert _buffered(redis_cache) == 1

    assert access_log_flush() == 1
    row = AccessLog.objects.get(endpoint="consent_status")
    assert (row.api_user_id, row.integrator_id) == (world.api_user.pk, world.grant.integrator_id)
    assert (row.service_provider_id, row.brand_id, row.grant_id) == (
        world.provider.pk,
        world.brand.pk,
        world.grant.pk,
    )
    assert (row.http_status, row.error_code) == (200, "")
    assert row.recipient_hash == recipient_digest(KNOWN)
    assert _buffered(redis_cache) == 0
    assert access_log_flush() == 0  # nothing twice
    assert AccessLog.objects.count() == before + 1
    assert AccessLogFlush.objects.get().rows == 1


def test_values_come_back_exactly(db, redis_cache):
    """Text that COPY's format escapes, empty and missing values, the time to the microsecond."""
    world = make_world()
    odd = "a\tb\\c\nd"
    access_log_write(**_row(endpoint=odd[:30], error_code="x\\y", recipient_hash=""))
    access_log_write(**_row(api_user_id=world.api_user.pk, http_status=429, error_code=""))
    assert access_log_flush() == 2
    first, second = AccessLog.objects.order_by("id")
    assert (first.endpoint, first.error_code, first.recipient_hash) == (odd, "x\\y", "")
    assert first.api_user_id is None and first.at == _row()["at"]
    assert (second.api_user_id, second.http_status) == (world.api_user.pk, 429)


def test_a_flush_that_failed_before_its_commit_is_written_by_the_next(db, redis_cache, monkeypatch):
    for _ in range(3):
        access_log_write(**_row())

    def broken(client, key):
        raise RuntimeError("PostgreSQL went away")

    with monkeypatch.context() as patch:
        patch.setattr(accesslog, "_copy", broken)
        with pytest.raises(RuntimeError):
            access_log_flush()
    assert AccessLog.objects.count() == 0
    access_log_write(**_row())  # a call after the failed flush: a new buffer
    assert access_log_flush() == 4
    assert AccessLog.objects.count() == 4
    assert redis_cache.client.scard(redis_cache.keys[accesslog.PENDING]) == 0


def test_a_flush_that_crashed_after_its_commit_is_not_written_twice(db, redis_cache, monkeypatch):
    for _ in range(3):
        access_log_write(**_row())

    def crash(*keys):
        raise ConnectionError("the worker died here")

    with monkeypatch.context() as patch:
        patch.setattr(redis_cache.client, "delete", crash)
        with pytest.raises(ConnectionError):
            access_log_flush()
    assert AccessLog.objects.count() == 3  # committed, but still pending in Redis
    assert redis_cache.client.scard(redis_cache.keys[accesslog.PENDING]) == 1
    assert access_log_flush() == 0
    assert AccessLog.objects.count() == 3
    assert redis_cache.client.scard(redis_cache.keys[accesslog.PENDING]) == 0


def test_a_row_naming_an_object_deleted_before_the_flush_is_kept_without_it(db, redis_cache):
    world = make_world()
    access_log_write(**_row(api_user_id=world.api_user.pk + 10_000, grant_id=world.grant.pk))
    assert access_log_flush() == 1
    row = AccessLog.objects.get()
    assert row.api_user_id is None and row.grant_id == world.grant.pk


def test_a_full_buffer_or_no_redis_writes_the_row_at_once(db, redis_cache, settings):
    settings.INTEGRATION_ACCESS_LOG_BUFFER_LIMIT = 2
    for _ in range(3):
        access_log_write(**_row())
    assert _buffered(redis_cache) == 2 and AccessLog.objects.count() == 1

    settings.CACHES = _redis_cache(
        "redis://127.0.0.1:1/0", SOCKET_CONNECT_TIMEOUT=0.2, SOCKET_TIMEOUT=0.2
    )
    access_log_write(**_row())
    assert AccessLog.objects.count() == 2


@override_settings(CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}})
def test_without_redis_every_call_is_written_at_once_and_the_flush_does_nothing(db):
    access_log_write(**_row())
    assert AccessLog.objects.count() == 1
    assert access_log_flush() == 0


def test_beat_flushes_every_five_seconds(db, redis_cache):
    task = PeriodicTask.objects.get(task="integration.access_log_flush")
    assert task.enabled and (task.interval.every, task.interval.period) == (5, "seconds")
    assert task.expire_seconds == 30  # runs queued while no worker was free are dropped
    access_log_write(**_row())
    assert access_log_flush_task.apply().get() == 1
    assert AccessLog.objects.count() == 1


def test_the_status_query_is_counted_and_recorded_in_one_command(db, client, redis_cache):
    """Same limit, same counter and the same answers as when counted before the reads: three
    within the limit, then 429 with Retry-After; every call recorded once, as answered."""
    import time_machine
    from django.utils import timezone

    from integration.ratelimit import rate_limit_wait

    world = make_world()
    world.api_user.rate_limit = 4
    world.api_user.save(update_fields=["rate_limit"])
    api = Api(client, world.token)
    path = f"/sps/{world.provider.iys_code}/brands/{world.brand.code}/consents/status"
    body = {"recipient": KNOWN, "recipientType": "BIREYSEL", "type": "MESAJ"}
    with time_machine.travel(timezone.now().replace(second=5), tick=False):
        # one counted before its work (a write's way): the same counter
        assert rate_limit_wait(key=f"user:{world.api_user.pk}", limit=4) is None
        codes = [api.post(path, body).status_code for _ in range(4)]
        refused = api.post(path, body)
    assert codes == [200, 200, 200, 429]
    assert refused.status_code == 429 and refused.json()["errors"][0]["code"] == "rate_limited"
    assert refused["Retry-After"] == "55"
    assert access_log_flush() == 5
    logged = sorted(AccessLog.objects.values_list("http_status", "error_code"))
    assert logged == [(200, "")] * 3 + [(429, "rate_limited")] * 2


def test_the_status_query_with_a_full_buffer_is_written_at_once(db, client, redis_cache, settings):
    settings.INTEGRATION_ACCESS_LOG_BUFFER_LIMIT = 0
    world = make_world()
    response = Api(client, world.token).post(
        f"/sps/{world.provider.iys_code}/brands/{world.brand.code}/consents/status",
        {"recipient": KNOWN, "recipientType": "BIREYSEL", "type": "MESAJ"},
    )
    assert response.status_code == 200
    assert AccessLog.objects.filter(endpoint="consent_status", http_status=200).count() == 1
    assert _buffered(redis_cache) == 0


def test_the_admin_lists_the_flushes_read_only(client, db, redis_cache):
    from tests.factories import UserFactory

    admin_client = client
    admin_client.force_login(UserFactory(is_staff=True, is_superuser=True))
    access_log_write(**_row())
    access_log_flush()
    response = admin_client.get("/yonetim/integration/accesslogflush/")
    assert response.status_code == 200
    flush = AccessLogFlush.objects.get()
    assert flush.batch in response.content.decode()
    assert admin_client.get("/yonetim/integration/accesslogflush/add/").status_code == 403
    response = admin_client.post(f"/yonetim/integration/accesslogflush/{flush.pk}/delete/")
    assert response.status_code == 403 and AccessLogFlush.objects.filter(pk=flush.pk).exists()
