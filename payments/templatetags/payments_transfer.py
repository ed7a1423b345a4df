"""What the bank-transfer part of the payment step needs, so the step page's view (card side)
does not have to know about it: ``{% load payments_transfer %}``."""

from django import template
from django.conf import settings

from ..selectors.transfer import bank_accounts_active, bank_transfer_latest_rejection

register = template.Library()


@register.simple_tag
def transfer_bank_accounts():
    return bank_accounts_active()


@register.simple_tag
def transfer_accounting_email():
    return settings.ACCOUNTING_EMAIL


@register.simple_tag
def transfer_rejection(order):
    """The latest rejection of a transfer for ``order`` while it waits to be paid again."""
    if order.payment_method != "transfer" or order.status not in ("awaiting_payment", "failed"):
        return None
    return bank_transfer_latest_rejection(order=order)


@register.simple_tag
def transfer_expiry_days():
    return settings.BANK_TRANSFER_EXPIRY_DAYS
