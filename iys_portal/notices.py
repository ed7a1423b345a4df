"""The one e-mail pattern: a notice row, recorded once, sent at least once and never lost.

A service records the notice (``notice_record``: a unique constraint on the concrete model makes
a repeated trigger record nothing) and the notice's Celery task is queued after commit; the task
calls the app's send service, which sends through ``notice_send``.

What "once" means here (SMTP has no exactly-once): ``notice_send`` commits a claim
(``sending_at``, ``attempts``) *before* the e-mail is handed to SMTP and stamps ``sent_at`` in a
second transaction after. A task killed between the two (SIGKILL, a lost machine) leaves
``sending_at`` set and ``sent_at`` empty: the e-mail *may* have left. The broker gives the task
back (late acknowledgement) and the rule for these notices is to **send again with the same
Message-ID** (``Notice.message_id``: the same for every attempt of one notice, so mail systems
that deduplicate by Message-ID show one message), recorded as a further attempt and logged. So a
notice is sent at least once, at most once per crashed attempt, each copy with the same
Message-ID; a notice with ``sent_at`` is never sent again. On PostgreSQL a session advisory lock
per notice keeps two deliveries of the same task from sending it side by side.
"""

import logging
import zlib
from collections.abc import Callable
from contextlib import contextmanager
from datetime import timedelta
from email.utils import parseaddr

from django.apps import apps
from django.conf import settings
from django.db import DatabaseError, IntegrityError, connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .tasks import queue_task

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 10
STALE_AFTER = timedelta(minutes=30)  # longer than a task's own retries (5 × 3 min)


class Notice(models.Model):
    """An e-mail owed to someone. Concrete models add what it is about, a unique constraint,
    and ``SEND_TASK``: the name of the Celery task that sends one (by id)."""

    SEND_TASK = ""

    created_at = models.DateTimeField(_("oluşturulma"), default=timezone.now)
    sent_at = models.DateTimeField(_("gönderilme"), null=True, blank=True)
    recipients = models.CharField(_("alıcılar"), max_length=500, blank=True)
    # The claim of the latest attempt, committed before the e-mail is handed to SMTP: set while
    # sent_at is empty means "may have been sent" (the attempt did not record its outcome).
    sending_at = models.DateTimeField(_("son gönderim denemesi"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("gönderim denemesi sayısı"), default=0)

    class Meta:
        abstract = True

    @property
    def message_id(self) -> str:
        """The e-mail's Message-ID: the same on every attempt for this notice, unique across
        notices (model, id, recording time) and across installations (the sender's domain)."""
        return notice_message_id(self)


def notice_message_id(notice: Notice) -> str:
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "iys.localhost"
    domain = domain.encode("idna").decode("ascii")
    stamp = int(notice.created_at.timestamp())
    return f"<notice.{notice._meta.label_lower}.{notice.pk}.{stamp}@{domain}>"


def notice_record(model: type[Notice], *, defaults: dict | None = None, **lookup) -> Notice | None:
    """Record the notice ``lookup`` and queue its e-mail after commit; None when it was
    recorded before (by an earlier trigger or a parallel run), so each one goes out once."""
    try:
        with transaction.atomic():
            notice, created = model.objects.get_or_create(**lookup, defaults=defaults or {})
    except IntegrityError:
        return None
    if not created:
        return None
    queue_task(model.SEND_TASK, notice.pk, robust=True)
    return notice


@contextmanager
def _one_sender(model: type[Notice], notice_id: int):
    """Serialise the senders of one notice across both transactions (PostgreSQL: a session
    advisory lock, released here or when the process dies with its connection)."""
    if connection.vendor != "postgresql":
        yield
        return
    key = (zlib.crc32(model._meta.db_table.encode()) & 0x7FFFFFFF, notice_id % 2**31)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s, %s)", key)
    try:
        yield
    finally:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", key)
        except DatabaseError:  # the connection is gone, and its session's locks with it
            logger.warning("notice %s #%s: advisory lock not released", model.__name__, notice_id)


def notice_send(
    queryset: models.QuerySet, *, notice_id: int, send: Callable[[Notice], list[str]]
) -> bool:
    """Send the notice ``notice_id`` (see the module's docstring for the guarantee).
    ``send(notice)`` e-mails it with ``notice.message_id`` and returns the recipients, or an
    empty list when there is nothing to send now (then it stays unsent, as before the attempt).
    True when sent now; False when sent before, gone, or not sent.

    Call it outside a transaction (a Celery task): the claim must be committed before SMTP."""
    model = queryset.model
    with _one_sender(model, notice_id):
        with transaction.atomic():
            notice = queryset.select_for_update(of=("self",)).filter(pk=notice_id).first()
            if notice is None or notice.sent_at is not None:
                return False
            before = {"sending_at": notice.sending_at, "attempts": notice.attempts}
            if notice.sending_at is not None:
                logger.warning(
                    "%s #%s may have been sent by attempt %s at %s (no outcome recorded): "
                    "sending it again with the same Message-ID %s",
                    model.__name__,
                    notice_id,
                    notice.attempts,
                    notice.sending_at.isoformat(),
                    notice.message_id,
                )
            notice.sending_at = timezone.now()
            notice.attempts += 1
            notice.save(update_fields=["sending_at", "attempts"])
        # Committed: from here until sent_at is stamped the notice counts as "maybe sent".
        recipients = send(notice)
        with transaction.atomic():
            if not recipients:  # nothing went out: undo the claim
                model.objects.filter(pk=notice_id).update(**before)
                return False
            model.objects.filter(pk=notice_id).update(
                sent_at=timezone.now(), recipients=", ".join(recipients)[:500]
            )
        return True


def notices_requeue_stale(*, now=None) -> int:
    """Queue again every notice claimed more than ``STALE_AFTER`` ago without an outcome (its
    attempt failed and nothing retries it), up to ``MAX_ATTEMPTS``; the number queued."""
    cutoff = (now or timezone.now()) - STALE_AFTER
    queued = 0
    for model in apps.get_models():
        if not issubclass(model, Notice):
            continue
        stale = model.objects.filter(sent_at__isnull=True, sending_at__lt=cutoff)
        for pk, attempts in stale.order_by("pk").values_list("pk", "attempts"):
            if attempts >= MAX_ATTEMPTS:
                logger.error(
                    "%s #%s not sent after %s attempts: left for an operator",
                    model.__name__,
                    pk,
                    attempts,
                )
                continue
            queue_task(model.SEND_TASK, pk, robust=True)
            queued += 1
    return queued
