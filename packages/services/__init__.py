"""Writes for the packages app, by subject: orders (the state pipeline), contracts,
subscriptions and quotes. Callers import the entry points from here.
"""

from .contracts import contract_pdf_render, order_accept_contract, order_confirm_contract
from .orders import (
    TRANSITIONS,
    IllegalTransition,
    order_cancel,
    order_choose_payment_method,
    order_complete_free,
    order_expire,
    order_fail,
    order_lock,
    order_mark_paid,
    order_reopen_for_payment,
    order_start,
    order_transition,
    orders_expire_overdue,
)
from .quotes import quote_request_create
from .subscriptions import (
    REMINDER_DAYS,
    subscription_activate,
    subscription_lapse,
    subscription_reminder_email,
    subscription_reminders_record,
    subscriptions_lapse_due,
)

__all__ = [
    "REMINDER_DAYS",
    "TRANSITIONS",
    "IllegalTransition",
    "contract_pdf_render",
    "order_accept_contract",
    "order_cancel",
    "order_choose_payment_method",
    "order_complete_free",
    "order_confirm_contract",
    "order_expire",
    "order_fail",
    "order_lock",
    "order_mark_paid",
    "order_reopen_for_payment",
    "order_start",
    "order_transition",
    "orders_expire_overdue",
    "quote_request_create",
    "subscription_activate",
    "subscription_lapse",
    "subscription_reminder_email",
    "subscription_reminders_record",
    "subscriptions_lapse_due",
]
