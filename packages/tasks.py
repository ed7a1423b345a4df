"""Celery tasks of the packages app: each takes ids and calls one service.

The daily ones are registered with django-celery-beat by migration
``0002_periodic_tasks`` (PeriodicTask rows on a CrontabSchedule, editable in the admin).
"""

from celery import shared_task

from . import services


@shared_task(name="packages.render_contract_pdf", autoretry_for=(OSError,), max_retries=3)
def render_contract_pdf(acceptance_id: int) -> str:
    acceptance = services.contract_pdf_render(acceptance_id=acceptance_id)
    return acceptance.pdf.name


@shared_task(name="packages.send_subscription_reminder", autoretry_for=(OSError,), max_retries=5)
def send_subscription_reminder(reminder_id: int) -> bool:
    return services.subscription_reminder_email(reminder_id=reminder_id)


@shared_task(name="packages.record_subscription_reminders")
def record_subscription_reminders() -> int:
    return len(services.subscription_reminders_record())


@shared_task(name="packages.lapse_subscriptions")
def lapse_subscriptions() -> int:
    return services.subscriptions_lapse_due()


@shared_task(name="packages.expire_overdue_orders")
def expire_overdue_orders() -> int:
    return services.orders_expire_overdue()


@shared_task(name="packages.send_quote_offer", autoretry_for=(OSError,), max_retries=5)
def send_quote_offer(quote_id: int) -> bool:
    from .quotes import quote_offer_email

    return quote_offer_email(quote_id=quote_id)
