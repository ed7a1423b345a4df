"""Issue 11 point 5: one source of truth for what may happen to an order now.

The table pins the rule for every state; the service tests show that ``packages.services``
does what the rule says, state by state. (The payments side: tests/payments/test_order_rules_
callers.py.)"""

from decimal import Decimal

import pytest

from iys_portal.errors import ApplicationError
from packages import order_rules, selectors, services
from packages.models import Order, OrderTransition
from tests.factories import OrderFactory

S = Order.Status
M = Order.PaymentMethod
ALL = list(S)
PAID_TOTAL = Decimal("23055.00")


def _order(status, *, total=PAID_TOTAL, method=""):
    return Order(status=status, total_amount=total, payment_method=method)


# status: (card, transfer, paid, cancel, expire, money may settle it)
TABLE = {
    S.DRAFT: (False, False, False, True, True, False),
    S.CONTRACT_ACCEPTED: (True, True, False, True, True, False),
    S.AWAITING_PAYMENT: (True, True, False, True, True, True),
    S.AWAITING_TRANSFER: (True, True, False, True, True, True),
    S.FAILED: (True, True, False, True, True, True),
    S.EXPIRED: (False, False, False, True, False, True),
    S.PAID: (False, False, True, False, False, False),
    S.ACTIVE: (False, False, True, False, False, False),
    S.CANCELLED: (False, False, False, False, False, False),
}


def test_the_table_covers_every_state():
    assert set(TABLE) == set(ALL) == set(order_rules.TRANSITIONS)


@pytest.mark.parametrize("status", ALL)
def test_what_may_happen_to_a_paid_order_in_each_state(status):
    card, transfer, paid, cancel, expire, mark_paid = TABLE[status]
    order = _order(status)
    assert order_rules.order_can_wait_for(order, M.CARD) is card
    assert order_rules.order_can_wait_for(order, M.TRANSFER) is transfer
    assert order_rules.order_is_payable(order) is (card or transfer)
    assert order_rules.order_is_paid(order) is paid
    assert order_rules.order_can_cancel(order) is cancel
    assert order_rules.order_can_expire(order) is expire
    assert order_rules.order_can_mark_paid(order) is mark_paid
    assert order_rules.order_can_complete_free(order) is False
    assert order_rules.order_can_wait_for(order, M.FREE) is False


@pytest.mark.parametrize("status", ALL)
def test_a_free_order_is_never_payable_and_completes_after_the_contract(status):
    order = _order(status, total=Decimal("0.00"), method=M.FREE)
    assert order_rules.order_is_payable(order) is False
    assert order_rules.order_can_mark_paid(order) is False
    assert order_rules.order_can_complete_free(order) is (status == S.CONTRACT_ACCEPTED)


@pytest.mark.parametrize("status", ALL)
def test_the_accounting_desk_rules_in_each_state(status):
    transfer_order = _order(status, method=M.TRANSFER)
    card_order = _order(status, method=M.CARD)
    assert order_rules.order_can_confirm_transfer(transfer_order) is (
        status in {S.AWAITING_TRANSFER, S.EXPIRED, S.AWAITING_PAYMENT, S.FAILED}
    )
    assert order_rules.order_can_reject_transfer(transfer_order) is (
        status in {S.AWAITING_TRANSFER, S.EXPIRED}
    )
    assert order_rules.order_transfer_sent_back(transfer_order) is (
        status in {S.CONTRACT_ACCEPTED, S.AWAITING_PAYMENT, S.FAILED}
    )
    assert order_rules.order_can_reopen_for_payment(transfer_order) is (
        status == S.AWAITING_TRANSFER
    )
    assert not order_rules.order_can_confirm_transfer(card_order)
    assert not order_rules.order_can_reject_transfer(card_order)


PAYABLE = {S.CONTRACT_ACCEPTED, S.AWAITING_PAYMENT, S.AWAITING_TRANSFER, S.FAILED}


@pytest.mark.parametrize("status", ALL)
@pytest.mark.parametrize("free", [False, True])
def test_the_checkout_step_follows_the_rules(status, free):
    order = _order(status, total=Decimal("0.00") if free else PAID_TOTAL)
    expected = (
        selectors.STEP_CONTRACT
        if status == S.DRAFT or (free and status == S.CONTRACT_ACCEPTED)
        else selectors.STEP_PAYMENT
        if not free and status in PAYABLE
        else selectors.STEP_DONE
        if status in {S.PAID, S.ACTIVE}
        else selectors.STEP_CLOSED
    )
    assert selectors.order_checkout_step(order=order) == expected


# The services do what the rules say, state by state ------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("status", ALL)
@pytest.mark.parametrize("method", [M.CARD, M.TRANSFER])
def test_choosing_a_payment_method_succeeds_exactly_when_the_rule_allows(status, method):
    order = OrderFactory(status=status)
    allowed = order_rules.order_can_wait_for(order, method)
    try:
        moved = services.order_choose_payment_method(
            order_id=order.pk, method=method, actor=order.created_by
        )
    except ApplicationError:
        moved = None
    assert (moved is not None) is allowed
    order.refresh_from_db()
    if allowed:
        assert order.status == order_rules.WAITING_STATUS[method]
        assert order.payment_method == method
    else:
        assert order.status == status


@pytest.mark.django_db
@pytest.mark.parametrize("status", ALL)
def test_cancelling_succeeds_exactly_when_the_rule_allows(status):
    order = OrderFactory(status=status)
    allowed = order_rules.order_can_cancel(order) or status == S.CANCELLED
    try:
        services.order_cancel(order_id=order.pk, actor=order.created_by)
    except ApplicationError:
        assert not allowed
    else:
        assert allowed
    order.refresh_from_db()
    assert order.status == (S.CANCELLED if allowed else status)


@pytest.mark.django_db
@pytest.mark.parametrize("status", ALL)
def test_reopen_for_payment_moves_only_an_order_waiting_for_a_transfer(status):
    order = OrderFactory(status=status)
    clerk = order.created_by
    before = OrderTransition.objects.filter(order=order).count()

    reopened, changed = services.order_reopen_for_payment(
        order_id=order.pk, actor=clerk, note="Havale/EFT reddedildi: tutar eksik"
    )

    assert changed is (status == S.AWAITING_TRANSFER)
    assert reopened.status == (S.AWAITING_PAYMENT if changed else status)
    assert OrderTransition.objects.filter(order=order).count() == before + changed
    if changed:
        step = OrderTransition.objects.filter(order=order).last()
        assert (step.from_status, step.to_status, step.actor, step.note) == (
            S.AWAITING_TRANSFER,
            S.AWAITING_PAYMENT,
            clerk,
            "Havale/EFT reddedildi: tutar eksik",
        )
        # Idempotent: a second call changes nothing.
        assert services.order_reopen_for_payment(order_id=order.pk, actor=clerk)[1] is False


def test_packages_never_imports_payments():
    import ast
    from pathlib import Path

    root = Path(order_rules.__file__).parent
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = (
                [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else []
            )
            assert not any(n.split(".")[0] == "payments" for n in names), path


# Paket Yönetimi's buttons ------------------------------------------------------------------


def _buttons(client, order) -> tuple[bool, bool]:
    from django.urls import reverse

    html = client.get(reverse("packages:manage")).content.decode()
    row = html[html.index(f'data-testid="order-{order.code}"') :]
    row = row[: row.index("</tr>")]
    return (
        reverse("payments:step", kwargs={"code": order.code}) in row,
        reverse("packages:cancel", kwargs={"code": order.code}) in row,
    )


@pytest.mark.django_db
@pytest.mark.parametrize("status", sorted(Order.IN_PROGRESS))
def test_manage_offers_pay_and_cancel_as_the_rules_say(provider_client, provider, status):
    order = OrderFactory(service_provider=provider, status=status)
    pay, cancel = _buttons(provider_client, order)
    assert pay is order_rules.order_is_payable(order)
    assert cancel is order_rules.order_can_cancel(order)


@pytest.mark.django_db
def test_manage_follows_a_changed_map(provider_client, provider, monkeypatch):
    monkeypatch.setitem(order_rules.TRANSITIONS, S.PAID, frozenset({S.ACTIVE, S.CANCELLED}))
    order = OrderFactory(service_provider=provider, status=S.PAID)
    assert _buttons(provider_client, order) == (False, True)
