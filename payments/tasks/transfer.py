"""Celery tasks for bank transfers: each takes ids and calls one service.

The daily reminder scan is registered with django-celery-beat by a payments data migration
(a PeriodicTask row, editable in the admin). Expiry is packages' ``expire_overdue_orders``.
"""

from celery import shared_task

from ..services import transfer as services

__all__ = ["record_transfer_reminders", "send_transfer_notice"]


@shared_task(name="payments.send_transfer_notice", autoretry_for=(OSError,), max_retries=5)
def send_transfer_notice(notice_id: int) -> bool:
    return services.transfer_notice_send(notice_id=notice_id)


@shared_task(name="payments.record_transfer_reminders")
def record_transfer_reminders() -> int:
    return len(services.transfer_reminders_record())
