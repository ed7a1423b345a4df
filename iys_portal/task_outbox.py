"""The task outbox: a Celery send that cannot reach the broker is held, not lost.

Every task of the portal is an ``OutboxTask`` (``iys_portal.celery`` makes it the app's task
class), so ``task.delay(...)`` and ``task.apply_async(...)`` anywhere in the code (usually in
``transaction.on_commit``) behave the same when Redis is down: instead of raising into the web
request, the send is recorded as a ``HeldTask`` row. ``held_tasks_release()`` sends the held
rows once the broker answers again; the beat task ``iys_portal.release_held_tasks`` calls it
every minute and ``manage.py release_held_tasks`` on demand. A release may, if the database
commit after a send fails, send a row twice: the tasks are idempotent, so the effect is once.

Options such as ``countdown`` are not kept: a released task runs as soon as a worker takes it.
"""

import logging
import uuid

from celery import Task
from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

logger = logging.getLogger(__name__)

# What a send raises when the broker is unreachable (kombu wraps most of them in BrokerError).
BROKER_ERRORS = (BrokerError, ConnectionError, TimeoutError)


class OutboxTask(Task):
    def apply_async(self, args=None, kwargs=None, task_id=None, **options):
        if self.app.conf.task_always_eager:
            return super().apply_async(args, kwargs, task_id=task_id, **options)
        task_id = task_id or str(uuid.uuid4())
        try:
            return super().apply_async(args, kwargs, task_id=task_id, **options)
        except BROKER_ERRORS as exc:
            task_hold(task_name=self.name, task_id=task_id, args=args, kwargs=kwargs, error=exc)
            return self.AsyncResult(task_id)


def task_hold(*, task_name: str, task_id: str, args, kwargs, error: Exception):
    from .models import HeldTask

    logger.warning("Broker unreachable, task %s held in the outbox: %s", task_name, error)
    return HeldTask.objects.create(
        task_id=task_id,
        task_name=task_name,
        args=list(args or ()),
        kwargs=dict(kwargs or {}),
        attempts=1,
        last_error=str(error)[:1000],
    )


def held_tasks_release(*, limit: int = 500) -> int:
    """Send the held tasks, oldest first; stop at the first broker error. Returns how many
    were sent."""
    from .celery import app
    from .models import HeldTask

    pending = list(
        HeldTask.objects.filter(sent_at__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
    sent = 0
    for pk in pending:
        with transaction.atomic():
            row = (
                HeldTask.objects.select_for_update(skip_locked=True)
                .filter(pk=pk, sent_at__isnull=True)
                .first()
            )
            if row is None:
                continue
            try:
                app.send_task(row.task_name, args=row.args, kwargs=row.kwargs, task_id=row.task_id)
            except BROKER_ERRORS as exc:
                row.attempts += 1
                row.last_error = str(exc)[:1000]
                row.save(update_fields=["attempts", "last_error"])
                logger.warning("Broker still unreachable; %s tasks stay held", len(pending) - sent)
                return sent
            row.sent_at = timezone.now()
            row.save(update_fields=["sent_at"])
            sent += 1
    return sent
