from celery import shared_task
from django.db import connection


@shared_task(name="iys_portal.healthcheck")
def healthcheck() -> dict:
    """Lets operators (and the broker test) see that a worker runs and reaches the database."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        (value,) = cursor.fetchone()
    return {"worker": "ok", "database": value == 1}
