"""Card payment tasks: the receipt after a payment, and the periodic reconciliation."""

from celery import shared_task

from ..services import card as services
from ..services.card_reconcile import payments_reconcile

__all__ = ["reconcile_card_payments", "send_card_receipt"]


@shared_task(name="payments.send_card_receipt", autoretry_for=(OSError,), max_retries=5)
def send_card_receipt(payment_id: int) -> bool:
    payment = services.payment_receipt_issue(payment_id=payment_id)
    return payment.receipt_sent_at is not None


@shared_task(name="payments.reconcile_card_payments")
def reconcile_card_payments() -> int:
    return payments_reconcile()
