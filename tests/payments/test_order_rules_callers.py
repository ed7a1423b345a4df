"""Issue 11 point 5: the payments app asks ``packages.order_rules`` whether an order may be paid
(card step, «Öde», bank-transfer choice, the accounting desk) instead of listing states.

Two kinds of proof: state by state, each caller does what the rule says; and when the
transition map changes, every caller follows it (no copy of the rule is left behind)."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from iys_portal.errors import ApplicationError
from packages import order_rules
from packages.models import Order
from payments.gateways import Card
from payments.services import card as card_services
from payments.services.transfer import bank_transfer_confirm, bank_transfer_reject
from tests.factories import OrderFactory

pytestmark = pytest.mark.django_db
S = Order.Status
M = Order.PaymentMethod
ALL = list(S)


def _order(provider, status, **kwargs):
    return OrderFactory(service_provider=provider, status=status, **kwargs)


def _step_shows_the_card_form(client, order) -> bool:
    response = client.get(reverse("payments:step", args=[order.code]))
    assert response.status_code in (200, 302)
    return response.status_code == 200 and 'name="card_number"' in response.content.decode()


def _transfer_choice_is_offered(client, order) -> bool:
    response = client.get(reverse("payments:transfer_choose", args=[order.code]))
    assert response.status_code in (200, 302)
    return response.status_code == 200


def _card_payment_starts(order) -> bool:
    card = Card(
        holder_name="Ayşe Yılmaz",
        number="5528790000000008",
        expire_month="12",
        expire_year="2030",
        cvc="123",
    )
    try:
        card_services.payment_start(
            order_id=order.pk,
            card=card,
            installment=1,
            actor=order.created_by,
            ip="127.0.0.1",
            callback_url="http://testserver/odeme/geri-donus/",
        )
    except ApplicationError:
        return False
    return True


def _confirm(order, clerk, account) -> bool:
    try:
        bank_transfer_confirm(
            order_id=order.pk,
            actor=clerk,
            amount_received=order.total_amount,
            value_date=timezone.localdate(),
            bank_account_id=account.pk,
            bank_reference=f"EFT-{order.pk}",
        )
    except ApplicationError:
        return False
    return True


@pytest.mark.parametrize("status", ALL)
def test_the_card_step_and_pay_follow_the_rule(provider_client, provider, status):
    order = _order(provider, status)
    payable = order_rules.order_can_wait_for(order, M.CARD)
    assert _step_shows_the_card_form(provider_client, order) is payable
    assert _card_payment_starts(order) is payable


@pytest.mark.parametrize("status", ALL)
def test_the_transfer_choice_follows_the_rule(provider_client, provider, status):
    order = _order(provider, status)
    offered = order_rules.order_can_wait_for(order, M.TRANSFER) and status != S.AWAITING_TRANSFER
    assert _transfer_choice_is_offered(provider_client, order) is offered


@pytest.mark.parametrize("status", ALL)
def test_the_accounting_desk_follows_the_rule(status, bank_account, accountant):
    order = OrderFactory(status=status, payment_method=M.TRANSFER)
    assert _confirm(order, accountant, bank_account) is order_rules.order_can_confirm_transfer(
        order
    )
    other = OrderFactory(status=status, payment_method=M.TRANSFER)
    try:
        bank_transfer_reject(order_id=other.pk, actor=accountant, reason="Para gelmedi")
        rejected = True
    except ApplicationError:
        rejected = False
    assert rejected is order_rules.order_can_reject_transfer(other)
    other.refresh_from_db()
    assert other.status == (S.AWAITING_PAYMENT if status == S.AWAITING_TRANSFER else status)


# Change the map in one place: every caller follows ---------------------------------------------


@pytest.fixture
def expired_orders_may_be_paid_again(monkeypatch):
    """A different pipeline: an expired order may go back to waiting for a payment."""
    monkeypatch.setitem(
        order_rules.TRANSITIONS,
        S.EXPIRED,
        order_rules.TRANSITIONS[S.EXPIRED] | {S.AWAITING_PAYMENT, S.AWAITING_TRANSFER},
    )


def test_callers_follow_the_map_when_expired_orders_become_payable(
    expired_orders_may_be_paid_again, provider_client, provider
):
    from packages.selectors import STEP_PAYMENT, order_checkout_step

    order = _order(provider, S.EXPIRED, payment_method=M.CARD)
    assert order_rules.order_is_payable(order)
    assert order_checkout_step(order=order) == STEP_PAYMENT
    assert _step_shows_the_card_form(provider_client, order)
    assert _transfer_choice_is_offered(provider_client, order)
    assert _card_payment_starts(order)
    order.refresh_from_db()
    assert order.status == S.AWAITING_PAYMENT


def test_callers_follow_the_map_when_late_transfers_are_no_longer_accepted(
    monkeypatch, bank_account, accountant
):
    monkeypatch.setitem(order_rules.TRANSITIONS, S.EXPIRED, frozenset({S.CANCELLED}))
    order = OrderFactory(status=S.EXPIRED)
    assert order.payment_method == M.TRANSFER
    with pytest.raises(ApplicationError) as refused:
        bank_transfer_confirm(
            order_id=order.pk,
            actor=accountant,
            amount_received=order.total_amount,
            value_date=timezone.localdate(),
            bank_account_id=bank_account.pk,
            bank_reference="EFT-LATE",
        )
    # The desk's own answer (a form error naming the order), not the pipeline's refusal deep
    # inside order_mark_paid.
    assert refused.value.code == "not_awaiting_transfer"
    assert order.code in str(refused.value.message)


def test_a_free_order_is_not_payable_by_card(provider_client, provider):
    order = _order(provider, S.CONTRACT_ACCEPTED, free=True)
    assert order.total_amount == Decimal("0.00")
    assert not _step_shows_the_card_form(provider_client, order)
    assert not _card_payment_starts(order)
