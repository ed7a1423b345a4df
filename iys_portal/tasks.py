from celery import shared_task
from django.db import connection


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
