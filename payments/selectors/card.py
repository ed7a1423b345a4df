"""Reads for card payments, always through an order of the current company."""

from packages.models import Order

from ..models import Payment


def card_payment_latest_for(*, order: Order) -> Payment | None:
    return Payment.objects.filter(order=order).order_by("-created_at", "-id").first()


def card_payment_succeeded_for(*, order: Order) -> Payment | None:
    return (
        Payment.objects.filter(order=order, status=Payment.Status.SUCCEEDED)
        .order_by("-completed_at", "-id")
        .first()
    )


def card_payment_unresolved_for(*, order: Order) -> Payment | None:
    """A payment whose card may have been charged and whose outcome is not known yet."""
    return (
        Payment.objects.filter(order=order, status__in=Payment.UNRESOLVED)
        .order_by("-created_at", "-id")
        .first()
    )
