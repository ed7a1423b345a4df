"""Subscriptions: one year, upgrade with pro-rata credit, renewal/downgrade scheduling,
reminders and lapse on a frozen clock."""

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.db import IntegrityError, transaction

from iys_portal.errors import ApplicationError
from packages import services
from packages.models import Order, Subscription, SubscriptionReminder
from packages.pricing import subscription_credit
from packages.selectors import subscription_active_exists, subscription_active_for
from tests.factories import MembershipFactory, OrderFactory, SubscriptionFactory

IST = ZoneInfo("Europe/Istanbul")
S = Order.Status
pytestmark = pytest.mark.django_db


def at(*args):
    return datetime(*args, tzinfo=IST)


@pytest.fixture
def actor(provider):
    return MembershipFactory(service_provider=provider).user


def paid_subscription(provider, package, start):
    order = OrderFactory(service_provider=provider, package=package, status=S.ACTIVE)
    return SubscriptionFactory(
        service_provider=provider,
        package=package,
        order=order,
        starts_at=start,
        ends_at=start.replace(year=start.year + 1),
    )


def test_credit_is_pro_rata_by_days_in_decimal(provider, packages):
    sub = paid_subscription(provider, packages["ileti-150"], at(2026, 1, 1, 10))
    # 90 of 365 days used, 275 unused: 23 055,00 × 275 / 365 = 17 370,2054… → 17 370,21
    credit = subscription_credit(subscription=sub, at=at(2026, 4, 1, 15))
    assert credit == Decimal("17370.21") and isinstance(credit, Decimal)
    assert subscription_credit(subscription=sub, at=at(2026, 1, 1, 12)) == Decimal("23055.00")
    assert subscription_credit(subscription=sub, at=at(2026, 12, 31, 23)) == Decimal("63.16")
    assert subscription_credit(subscription=sub, at=at(2027, 1, 2)) == Decimal("0.00")


def test_free_packages_give_no_credit(provider, packages):
    sub = SubscriptionFactory(service_provider=provider, package=packages["ileti-75"])
    assert subscription_credit(subscription=sub) == Decimal("0.00")


def test_upgrade_credits_the_old_package_and_starts_a_new_year(provider, packages, actor):
    old = paid_subscription(provider, packages["ileti-150"], at(2026, 1, 1, 10))
    with time_machine.travel(at(2026, 4, 1, 15), tick=False):
        order = services.order_start(
            service_provider=provider,
            package_id=packages["ileti-250"].pk,
            phone_count=200_000,
            email_count=0,
            actor=actor,
        )
        assert order.kind == Order.Kind.UPGRADE and order.replaces == old
        assert (order.net_amount, order.vat_amount, order.credit_amount, order.total_amount) == (
            Decimal("24569.17"),
            Decimal("4913.83"),
            Decimal("17370.21"),
            Decimal("12112.79"),
        )
        services.order_transition(order_id=order.pk, to_status=S.CONTRACT_ACCEPTED, actor=actor)
        services.order_choose_payment_method(order_id=order.pk, method="card", actor=actor)
        services.order_mark_paid(order_id=order.pk, actor=None)
        new = subscription_active_for(service_provider=provider)
        assert new.package == packages["ileti-250"]
        assert (new.starts_at, new.ends_at) == (at(2026, 4, 1, 15), at(2027, 4, 1, 15))
    old.refresh_from_db()
    assert old.status == Subscription.Status.ENDED
    assert old.end_reason == Subscription.EndReason.UPGRADED


def test_smaller_package_waits_for_the_renewal(provider, packages, actor):
    current = paid_subscription(provider, packages["ileti-150"], at(2026, 1, 1, 10))
    with time_machine.travel(at(2026, 6, 1), tick=False):
        order = services.order_start(
            service_provider=provider,
            package_id=packages["ileti-75"].pk,
            phone_count=70_000,
            email_count=0,
            actor=actor,
        )
        assert order.kind == Order.Kind.RENEWAL and order.credit_amount == 0
        services.order_transition(order_id=order.pk, to_status=S.CONTRACT_ACCEPTED, actor=actor)
        services.order_choose_payment_method(order_id=order.pk, method="transfer", actor=actor)
        services.order_mark_paid(order_id=order.pk, actor=None)
        assert subscription_active_for(service_provider=provider) == current
    scheduled = Subscription.objects.get(order=order)
    assert scheduled.status == Subscription.Status.SCHEDULED
    assert scheduled.starts_at == current.ends_at

    with time_machine.travel(at(2027, 1, 1, 10, 5), tick=False):
        assert services.subscriptions_lapse_due() == 1
        assert subscription_active_for(service_provider=provider) == scheduled
    current.refresh_from_db()
    assert current.end_reason == Subscription.EndReason.LAPSED


def test_smaller_package_only_if_the_address_count_fits(provider, packages, actor):
    paid_subscription(provider, packages["ileti-150"], at(2026, 1, 1, 10))
    with pytest.raises(ApplicationError, match="seçilemez"):
        services.order_start(
            service_provider=provider,
            package_id=packages["ileti-75"].pk,
            phone_count=80_000,
            email_count=0,
            actor=actor,
        )
    assert not Order.objects.filter(kind=Order.Kind.RENEWAL).exists()


def test_only_one_active_subscription_per_provider(provider, packages):
    SubscriptionFactory(service_provider=provider, package=packages["ileti-5"])
    with pytest.raises(IntegrityError), transaction.atomic():
        SubscriptionFactory(service_provider=provider, package=packages["ileti-25"])


@pytest.fixture
def ending_subscription(provider, packages):
    return SubscriptionFactory(
        service_provider=provider,
        package=packages["ileti-75"],
        starts_at=at(2026, 1, 10, 9),
        ends_at=at(2027, 1, 10, 9),
    )


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (at(2026, 12, 10, 8), []),  # 31 days left
        (at(2026, 12, 11, 8), [30]),
        (at(2027, 1, 3, 8), [7]),
        (at(2027, 1, 9, 8), [1]),
    ],
)
def test_reminders_on_a_frozen_clock(
    ending_subscription, django_capture_on_commit_callbacks, day, expected
):
    with time_machine.travel(day, tick=False), django_capture_on_commit_callbacks(execute=True):
        services.subscription_reminders_record()
    assert list(ending_subscription.reminders.values_list("days_before", flat=True)) == expected
    assert len(mail.outbox) == len(expected)
    if expected:
        assert "İLETİ-75" in mail.outbox[0].subject
        assert "10 Ocak 2027" in mail.outbox[0].body
        assert mail.outbox[0].to == [ending_subscription.service_provider.email]


def test_reminders_run_twice_send_one_email(
    ending_subscription, django_capture_on_commit_callbacks
):
    with time_machine.travel(at(2027, 1, 3, 8), tick=False):
        for _ in range(2):
            with django_capture_on_commit_callbacks(execute=True):
                services.subscription_reminders_record()
        # the e-mail task retried by the broker does not send again either
        reminder = SubscriptionReminder.objects.get()
        assert services.subscription_reminder_email(reminder_id=reminder.pk) is False
    assert len(mail.outbox) == 1


def test_a_missed_beat_sends_only_the_due_reminder(
    ending_subscription, django_capture_on_commit_callbacks
):
    with (
        time_machine.travel(at(2026, 12, 11, 8), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.subscription_reminders_record()
    with (
        time_machine.travel(at(2027, 1, 8, 8), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.subscription_reminders_record()  # the 7-day run was missed: 2 days left
        services.subscription_reminders_record()
    assert sorted(ending_subscription.reminders.values_list("days_before", flat=True)) == [7, 30]
    assert len(mail.outbox) == 2


def test_lapse_to_basic_services_at_the_end(ending_subscription):
    provider = ending_subscription.service_provider
    with time_machine.travel(at(2027, 1, 10, 8, 59), tick=False):
        assert services.subscriptions_lapse_due() == 0
        assert subscription_active_for(service_provider=provider) == ending_subscription
    with time_machine.travel(at(2027, 1, 10, 9, 0), tick=False):
        assert subscription_active_for(service_provider=provider) is None  # at once, by date
        assert services.subscriptions_lapse_due() == 1
        assert services.subscriptions_lapse_due() == 0  # idempotent
    ending_subscription.refresh_from_db()
    assert ending_subscription.status == Subscription.Status.ENDED
    assert ending_subscription.end_reason == Subscription.EndReason.LAPSED


def test_periodic_tasks_are_registered_with_celery_beat():
    from django_celery_beat.models import PeriodicTask

    from iys_portal.celery import app

    tasks = set(PeriodicTask.objects.filter(enabled=True).values_list("task", flat=True))
    wanted = {
        "packages.record_subscription_reminders",
        "packages.lapse_subscriptions",
        "packages.expire_overdue_orders",
    }
    assert wanted <= tasks
    app.loader.import_default_modules()
    assert wanted <= set(app.tasks)


def test_active_exists_follows_the_same_rule_as_active_for(provider, packages):
    sub = paid_subscription(provider, packages["ileti-150"], at(2026, 1, 1, 10))
    for moment in [at(2025, 12, 31), at(2026, 1, 1, 10), at(2026, 6, 1), at(2027, 1, 1, 10)]:
        found = subscription_active_for(service_provider=provider, at=moment)
        assert subscription_active_exists(service_provider=provider, at=moment) is (
            found is not None
        )
    assert subscription_active_for(service_provider=provider, at=at(2026, 6, 1)) == sub
    light = subscription_active_for(service_provider=provider, at=at(2026, 6, 1), with_order=False)
    assert light == sub and light.package == packages["ileti-150"]
