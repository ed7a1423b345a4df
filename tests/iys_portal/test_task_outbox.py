"""A send the broker refuses is held in the outbox, not raised into the request, and released
once the broker answers (here: a port nothing listens on, then an in-memory broker)."""

import pytest
from celery import Task
from django.core.management import call_command
from kombu.exceptions import OperationalError

from iys_portal.celery import app
from iys_portal.models import HeldTask
from iys_portal.task_outbox import held_tasks_release
from iys_portal.tasks import healthcheck
from tests.multi.harness import free_port


@pytest.fixture
def broker(settings, monkeypatch):
    # Celery reads CELERY_BROKER_URL from the environment before its own configuration (CI sets
    # it): without this the test would talk to the real broker whatever it configures.
    monkeypatch.delenv("CELERY_BROKER_URL", raising=False)
    previous = {k: app.conf[k] for k in ("broker_url", "task_always_eager")}
    settings.CELERY_TASK_ALWAYS_EAGER = False

    def use(url: str):
        app.conf.update(broker_url=url, task_always_eager=False)
        app.__dict__.pop("pool", None)
        app._pool = None
        vars(app.amqp).pop("_producer_pool", None)
        app.amqp._producer_pool = None

    yield use
    use(previous["broker_url"])
    app.conf.update(**previous)


def test_unreachable_broker_holds_the_send_and_release_sends_it_once(db, broker, capsys):
    broker(f"redis://127.0.0.1:{free_port()}/0")
    with pytest.raises(OperationalError):  # what any caller met before the outbox
        Task.apply_async(healthcheck._get_current_object())

    result = healthcheck.delay()  # no exception into the caller

    held = HeldTask.objects.get()
    assert held.task_name == "iys_portal.healthcheck" and held.task_id == result.id
    assert held.sent_at is None
    assert held_tasks_release() == 0  # still down: kept, attempt counted
    held.refresh_from_db()
    assert held.sent_at is None and held.attempts == 2 and "111" in held.last_error

    broker("memory://localhost//")
    call_command("release_held_tasks")
    assert "1 held task(s) sent." in capsys.readouterr().out
    held.refresh_from_db()
    assert held.sent_at is not None
    assert held_tasks_release() == 0


def test_eager_mode_runs_the_task_and_holds_nothing(db):
    assert healthcheck.delay().get() == {"worker": "ok", "database": True}
    assert not HeldTask.objects.exists()
