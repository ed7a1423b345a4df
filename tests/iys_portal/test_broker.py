import pytest

from iys_portal.tasks import healthcheck


@pytest.mark.broker
def test_task_runs_on_a_real_worker_through_redis(celery_broker_worker):
    result = healthcheck.delay()
    assert result.get(timeout=20) == {"worker": "ok", "database": True}
    assert result.backend.__class__.__name__ == "RedisBackend"
