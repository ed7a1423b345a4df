from celery import shared_task

from .services import batch_process


@shared_task(bind=True, acks_late=True, max_retries=5, default_retry_delay=10)
def batch_process_task(self, batch_id: int) -> None:
    """One task per batch; running it twice is harmless (``batch_process`` is idempotent)."""
    try:
        batch_process(batch_id=batch_id)
    except Exception as error:  # a database hiccup: the transaction rolled back, try again
        raise self.retry(exc=error) from error


@shared_task(name="integration.access_log_flush", ignore_result=True)
def access_log_flush_task() -> int:
    """Every 5 seconds (beat, ``0004_access_log_flush_schedule``): the access log's Redis
    buffer into PostgreSQL. A failed run leaves the rows in Redis for the next one."""
    from .accesslog import access_log_flush

    return access_log_flush()
