"""Side work on Celery: the one way services queue it, and the kernel's own health check.

Services queue a task by its name with ``queue_task`` (after the transaction commits); tasks
import the services they call. So imports run one way, tasks → services, and no service
imports a tasks module.
"""

from celery import shared_task
from django.db import connection, transaction

from .celery import app


def _task(name: str):
    if name not in app.tasks:
        # A web process has not imported the apps' tasks modules yet (a worker has).
        app.loader.import_default_modules()
    return app.tasks[name]


def queue_task(name: str, *args, robust: bool = False) -> None:
    """Queue the task ``name`` with ``args`` once the current transaction commits (at once
    outside one). ``robust``: a failure to queue is logged instead of raised."""
    transaction.on_commit(lambda: _task(name).delay(*args), robust=robust)


@shared_task(name="iys_portal.healthcheck")
def healthcheck() -> dict:
    """Lets operators (and the broker test) see that a worker runs and reaches the database."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        (value,) = cursor.fetchone()
    return {"worker": "ok", "database": value == 1}


@shared_task(name="iys_portal.release_held_tasks")
def release_held_tasks() -> int:
    """Beat, every minute: send the tasks held while the broker was unreachable."""
    from .task_outbox import held_tasks_release

    return held_tasks_release()


@shared_task(name="iys_portal.requeue_stale_notices")
def requeue_stale_notices() -> int:
    """Beat, every 10 minutes: e-mail notices whose attempt failed and nothing retries."""
    from .notices import notices_requeue_stale

    return notices_requeue_stale()
