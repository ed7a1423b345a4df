"""Order state pipeline: every legal and illegal move, the services payments call, history."""

from decimal import Decimal

import pytest
from django.utils import timezone

from iys_portal.errors import ApplicationError
from packages import services
from packages.models import Order, OrderTransition, Subscription
from packages.selectors import order_get_for_provider, subscription_active_for
from packages.services import TRANSITIONS, IllegalTransition
from tests.factories import OrderFactory, ServiceProviderFactory, SubscriptionFactory, UserFactory

S = Order.Status
pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("from_status", "to_status"),
    [(f, t) for f in S.values for t in S.values],
)
def test_transition_map_is_enforced(from_status, to_status):
    order = OrderFactory(status=from_status)
    actor = UserFactory()
    before = OrderTransition.objects.filter(order=order).count()
    if to_status in TRANSITIONS[from_status]:
        moved = services.order_transition(
            order_id=order.pk, to_status=to_status, actor=actor, note="test"
        )
        assert moved.status == to_status
        last = OrderTransition.objects.filter(order=order).last()
        assert (last.from_status, last.to_status, last.actor, last.note) == (
            from_status,
            to_status,
            actor,
            "test",
        )
        assert OrderTransition.objects.filter(order=order).count() == before + 1
    else:
        with pytest.raises(IllegalTransition):
            services.order_transition(order_id=order.pk, to_status=to_status, actor=actor)
        order.refresh_from_db()
        assert order.status == from_status
        assert OrderTransition.objects.filter(order=order).count() == before


def test_terminal_states_have_no_way_out():
    assert TRANSITIONS[S.ACTIVE] == frozenset()
    assert TRANSITIONS[S.CANCELLED] == frozenset()
    assert S.ACTIVE not in TRANSITIONS[S.AWAITING_TRANSFER]  # paid first, then active


def test_mark_paid_activates_once_however_often_called():
    order = OrderFactory(status=S.AWAITING_TRANSFER)
    clerk = UserFactory()
    order, changed = services.order_mark_paid(order_id=order.pk, actor=clerk, note="EFT 123")
    assert changed is True
    assert order.status == S.ACTIVE and order.paid_at and order.activated_at
    sub = subscription_active_for(service_provider=order.service_provider)
    assert sub.order == order and sub.package == order.package
    assert sub.ends_at == sub.starts_at.replace(year=sub.starts_at.year + 1)

    again, changed = services.order_mark_paid(order_id=order.pk, actor=UserFactory())
    assert changed is False and again.status == S.ACTIVE
    assert Subscription.objects.filter(service_provider=order.service_provider).count() == 1
    moves = list(order.transitions.values_list("from_status", "to_status", "actor", "note"))
    assert moves[-2:] == [
        (S.AWAITING_TRANSFER, S.PAID, clerk.pk, "EFT 123"),
        (S.PAID, S.ACTIVE, clerk.pk, "Paket etkinleştirildi."),
    ]


def test_late_payment_on_expired_transfer_is_confirmable():
    order = OrderFactory(status=S.EXPIRED)
    order, changed = services.order_mark_paid(order_id=order.pk, actor=UserFactory())
    assert changed and order.status == S.ACTIVE


def test_payment_on_cancelled_order_is_refused_in_turkish():
    order = OrderFactory(status=S.CANCELLED)
    with pytest.raises(ApplicationError, match="iptal edilmiş"):
        services.order_mark_paid(order_id=order.pk, actor=None)
    assert not Subscription.objects.exists()


@pytest.mark.parametrize("status", [S.DRAFT, S.CONTRACT_ACCEPTED])
def test_payment_before_the_payment_step_is_refused(status):
    order = OrderFactory(status=status)
    with pytest.raises(ApplicationError):
        services.order_mark_paid(order_id=order.pk, actor=None)
    order.refresh_from_db()
    assert order.status == status


def test_choose_payment_method_and_switch(settings):
    settings.BANK_TRANSFER_EXPIRY_DAYS = 5
    order = OrderFactory(status=S.CONTRACT_ACCEPTED)
    order = services.order_choose_payment_method(order_id=order.pk, method="transfer", actor=None)
    assert order.status == S.AWAITING_TRANSFER and order.payment_method == "transfer"
    remaining = order.payment_due_at - timezone.now()
    assert timezone.timedelta(days=4, hours=23) < remaining <= timezone.timedelta(days=5)

    order = services.order_choose_payment_method(order_id=order.pk, method="card", actor=None)
    assert order.status == S.AWAITING_PAYMENT and order.payment_due_at is None
    rows = order.transitions.count()
    same = services.order_choose_payment_method(order_id=order.pk, method="card", actor=None)
    assert same.status == S.AWAITING_PAYMENT and order.transitions.count() == rows


@pytest.mark.parametrize("method", ["free", "bitcoin", ""])
def test_choose_payment_method_rejects_unknown_methods(method):
    order = OrderFactory(status=S.CONTRACT_ACCEPTED)
    with pytest.raises(ApplicationError):
        services.order_choose_payment_method(order_id=order.pk, method=method, actor=None)


@pytest.mark.parametrize("status", [S.DRAFT, S.PAID, S.ACTIVE, S.CANCELLED, S.EXPIRED])
def test_choose_payment_method_only_while_payable(status):
    order = OrderFactory(status=status)
    with pytest.raises(ApplicationError):
        services.order_choose_payment_method(order_id=order.pk, method="card", actor=None)


def test_cancel_and_expire_are_idempotent():
    order = OrderFactory(status=S.AWAITING_TRANSFER)
    services.order_expire(order_id=order.pk)
    services.order_expire(order_id=order.pk)
    assert order.transitions.filter(to_status=S.EXPIRED).count() == 1
    services.order_cancel(order_id=order.pk, actor=None, note="müşteri vazgeçti")
    services.order_cancel(order_id=order.pk, actor=None)
    assert order.transitions.filter(to_status=S.CANCELLED).count() == 1


@pytest.mark.parametrize("status", [S.PAID, S.ACTIVE])
def test_paid_orders_can_be_neither_cancelled_nor_expired(status):
    order = OrderFactory(status=status)
    with pytest.raises(ApplicationError):
        services.order_cancel(order_id=order.pk, actor=None)
    with pytest.raises(ApplicationError):
        services.order_expire(order_id=order.pk)


def test_overdue_transfers_expire_and_others_stay():
    overdue = OrderFactory(status=S.AWAITING_TRANSFER)
    Order.objects.filter(pk=overdue.pk).update(
        payment_due_at=timezone.now() - timezone.timedelta(minutes=1)
    )
    waiting = OrderFactory(status=S.AWAITING_TRANSFER)
    assert services.orders_expire_overdue() == 1
    assert services.orders_expire_overdue() == 0
    overdue.refresh_from_db()
    waiting.refresh_from_db()
    assert (overdue.status, waiting.status) == (S.EXPIRED, S.AWAITING_TRANSFER)


def test_order_get_for_provider_is_scoped():
    order = OrderFactory()
    assert order_get_for_provider(service_provider=order.service_provider, code=order.code) == order
    with pytest.raises(Order.DoesNotExist):
        order_get_for_provider(service_provider=ServiceProviderFactory(), code=order.code)


def test_factory_builds_consistent_amounts():
    order = OrderFactory(status=S.AWAITING_PAYMENT)
    assert order.net_amount == Decimal("19212.50")
    assert order.vat_amount == Decimal("3842.50")
    assert order.total_amount == Decimal("23055.00")
    assert order.payment_method == "card"
    sub = SubscriptionFactory(service_provider=order.service_provider)
    assert subscription_active_for(service_provider=order.service_provider) == sub
