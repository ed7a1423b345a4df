"""The one e-mail pattern: a notice row, recorded once and sent once.

A service records the notice (``notice_record``: a unique constraint on the concrete model makes
a repeated trigger record nothing) and the notice's Celery task is queued after commit; the task
calls the app's send service, which sends through ``notice_send`` (row lock, ``sent_at`` guards
a task retried by the broker).
"""

from collections.abc import Callable

from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .tasks import queue_task


class Notice(models.Model):
    """An e-mail owed to someone. Concrete models add what it is about, a unique constraint,
    and ``SEND_TASK``: the name of the Celery task that sends one (by id)."""

    SEND_TASK = ""

    created_at = models.DateTimeField(_("oluşturulma"), default=timezone.now)
    sent_at = models.DateTimeField(_("gönderilme"), null=True, blank=True)
    recipients = models.CharField(_("alıcılar"), max_length=500, blank=True)

    class Meta:
        abstract = True


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


def notice_send(
    queryset: models.QuerySet, *, notice_id: int, send: Callable[[Notice], list[str]]
) -> bool:
    """Send the notice ``notice_id`` once. ``send(notice)`` e-mails it and returns the
    recipients, or an empty list when there is nothing to send now (then it stays unsent).
    True when sent now; False when sent before, gone, or not sent."""
    with transaction.atomic():
        notice = queryset.select_for_update(of=("self",)).filter(pk=notice_id).first()
        if notice is None or notice.sent_at is not None:
            return False
        recipients = send(notice)
        if not recipients:
            return False
        notice.sent_at = timezone.now()
        notice.recipients = ", ".join(recipients)[:500]
        notice.save(update_fields=["sent_at", "recipients"])
        return True
