"""What may happen to an order now: the order state pipeline (one transition map) and the pure
questions derived from it. Services, selectors, views and the payments app ask these instead of
listing states by hand; ``packages.services.order_transition`` enforces the same map.

Pure functions of the order's fields: no queries, no writes.
"""

from .models import Order

S = Order.Status
PaymentMethod = Order.PaymentMethod

# The order state pipeline: every legal move, and nothing else.
TRANSITIONS: dict[str, frozenset[str]] = {
    S.DRAFT: frozenset({S.CONTRACT_ACCEPTED, S.CANCELLED, S.EXPIRED}),
    S.CONTRACT_ACCEPTED: frozenset(
        {S.AWAITING_PAYMENT, S.AWAITING_TRANSFER, S.ACTIVE, S.CANCELLED, S.EXPIRED}
    ),
    S.AWAITING_PAYMENT: frozenset({S.AWAITING_TRANSFER, S.PAID, S.FAILED, S.CANCELLED, S.EXPIRED}),
    S.AWAITING_TRANSFER: frozenset({S.AWAITING_PAYMENT, S.PAID, S.CANCELLED, S.EXPIRED}),
    S.FAILED: frozenset({S.AWAITING_PAYMENT, S.AWAITING_TRANSFER, S.PAID, S.CANCELLED, S.EXPIRED}),
    # Money that arrives after the deadline is still money: accounting may confirm it.
    S.EXPIRED: frozenset({S.PAID, S.CANCELLED}),
    S.PAID: frozenset({S.ACTIVE}),
    S.ACTIVE: frozenset(),
    S.CANCELLED: frozenset(),
}

# The state an order waits in once the customer chose how to pay.
WAITING_STATUS: dict[str, str] = {
    PaymentMethod.CARD: S.AWAITING_PAYMENT,
    PaymentMethod.TRANSFER: S.AWAITING_TRANSFER,
}


def _reachable(status: str) -> frozenset[str]:
    seen, todo = {status}, [status]
    while todo:
        for target in TRANSITIONS[todo.pop()]:
            if target not in seen:
                seen.add(target)
                todo.append(target)
    return frozenset(seen)


# The money is in: paid and everything after it.
SETTLED_STATUSES: frozenset[str] = _reachable(S.PAID)
# Money received now may settle an order in these (the database-filter form of
# ``order_can_mark_paid``, for lists such as the bank statement's candidates).
MARK_PAID_STATUSES: frozenset[str] = frozenset(
    s for s, targets in TRANSITIONS.items() if S.PAID in targets
)
# Nothing can happen to these any more.
FINAL_STATUSES: frozenset[str] = frozenset(s for s, targets in TRANSITIONS.items() if not targets)


def can_move(from_status: str, to_status: str) -> bool:
    """Whether the pipeline allows ``from_status`` → ``to_status``."""
    return to_status in TRANSITIONS.get(from_status, frozenset())


def order_can_wait_for(order: Order, method: str) -> bool:
    """Whether the customer may (still) choose to pay ``order`` by ``method`` now: it waits for
    that method already or may be moved to wait for it, and there is something to pay."""
    target = WAITING_STATUS.get(method)
    if target is None or order.total_amount <= 0:
        return False
    return order.status == target or can_move(order.status, target)


def order_is_payable(order: Order) -> bool:
    """Whether the customer may pay ``order`` now (by card or by bank transfer)."""
    return any(order_can_wait_for(order, method) for method in WAITING_STATUS)


def order_is_paid(order: Order) -> bool:
    """The money is in (paid, or paid and activated)."""
    return order.status in SETTLED_STATUSES


def order_can_mark_paid(order: Order) -> bool:
    """Whether money received now may settle ``order`` (a late transfer on an expired order
    counts: the money arrived)."""
    return order.total_amount > 0 and can_move(order.status, S.PAID)


def order_can_fail(order: Order) -> bool:
    """A failed card attempt shows on the order only while the order waits for the card."""
    return can_move(order.status, S.FAILED)


def order_can_reopen_for_payment(order: Order) -> bool:
    """An order waiting for a bank transfer may be sent back to the payment step (the transfer
    was rejected): from there the customer pays again or cancels."""
    return order.status == WAITING_STATUS[PaymentMethod.TRANSFER] and can_move(
        order.status, WAITING_STATUS[PaymentMethod.CARD]
    )


def order_can_confirm_transfer(order: Order) -> bool:
    """Accounting may confirm money received by transfer for an order the customer chose to
    pay by transfer, as long as money may still settle it."""
    return order.payment_method == PaymentMethod.TRANSFER and order_can_mark_paid(order)


# A transfer is awaited, or its deadline passed with nobody deciding.
TRANSFER_UNDECIDED_STATUSES: frozenset[str] = frozenset(
    {WAITING_STATUS[PaymentMethod.TRANSFER], S.EXPIRED}
)


def order_can_reject_transfer(order: Order) -> bool:
    return (
        order.payment_method == PaymentMethod.TRANSFER
        and order.status in TRANSFER_UNDECIDED_STATUSES
        and order_can_confirm_transfer(order)
    )


def order_transfer_sent_back(order: Order) -> bool:
    """A transfer order that a rejection sent back to the payment step (payable again, no
    longer waiting for the transfer)."""
    return (
        order.payment_method == PaymentMethod.TRANSFER
        and order_is_payable(order)
        and order.status != WAITING_STATUS[PaymentMethod.TRANSFER]
    )


def order_can_cancel(order: Order) -> bool:
    return can_move(order.status, S.CANCELLED)


def order_can_expire(order: Order) -> bool:
    return can_move(order.status, S.EXPIRED)


def order_can_complete_free(order: Order) -> bool:
    """A free order whose contract is accepted: «Tamamla» activates it without payment."""
    return order.total_amount == 0 and not order_is_paid(order) and can_move(order.status, S.ACTIVE)
