"""Two connections at once (PostgreSQL row locks): one activation, however the race goes."""

import threading

import pytest
from django.db import connection

from packages import services
from packages.models import Order, OrderTransition, Subscription
from tests.factories import ContractVersionFactory, MembershipFactory, OrderFactory, catalog

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def race(worker, n=2):
    """Run ``worker()`` in ``n`` threads (each its own database connection) released together."""
    barrier = threading.Barrier(n)
    results, errors = [], []

    def run():
        try:
            barrier.wait()
            results.append(worker())
        except Exception as exc:  # reported to the test below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return results, errors


def test_double_tamamla_from_two_connections_activates_once():
    packages = catalog()
    contract = ContractVersionFactory()
    membership = MembershipFactory()
    order = OrderFactory(
        service_provider=membership.service_provider,
        package=packages["ileti-5"],
        status=Order.Status.DRAFT,
        created_by=membership.user,
    )

    results, errors = race(
        lambda: services.order_confirm_contract(
            order_id=order.pk, contract_version_id=contract.pk, actor=membership.user
        )[1]
    )
    assert errors == []
    assert sorted(results) == [False, True]
    assert Subscription.objects.filter(service_provider=membership.service_provider).count() == 1
    assert OrderTransition.objects.filter(order=order, to_status=Order.Status.ACTIVE).count() == 1


def test_two_clerks_confirming_one_transfer_activate_once():
    order = OrderFactory(status=Order.Status.AWAITING_TRANSFER)
    results, errors = race(
        lambda: services.order_mark_paid(order_id=order.pk, actor=None, note="EFT")[1], n=3
    )
    assert errors == []
    assert sorted(results) == [False, False, True]
    assert Subscription.objects.filter(order=order).count() == 1
    assert OrderTransition.objects.filter(order=order, to_status=Order.Status.PAID).count() == 1
