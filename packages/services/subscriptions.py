"""Subscriptions: activation of a paid or free order's package, lapse at the end of the year,
and the reminders before it ends."""

from datetime import datetime

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.utils import timezone

from accounts.models import ServiceProvider, User
from iys_portal.emails import send_templated_email
from iys_portal.notices import notice_record, notice_send

from ..models import Order, Subscription, SubscriptionReminder
from ..pricing import package_is_larger
from ..selectors import subscriptions_ending, subscriptions_to_remind

REMINDER_DAYS = (30, 7, 1)
SUBSCRIPTION_PERIOD = relativedelta(years=1)


def _subscription_end(starts_at: datetime) -> datetime:
    return starts_at + SUBSCRIPTION_PERIOD


def subscription_activate(*, order: Order, actor: User | None, at: datetime) -> Subscription:
    """Give the company the package of ``order`` (locked by the caller), exactly once.

    Decided now, not when the order was made: a larger package than the current one replaces
    it at once (a new year starts); otherwise it waits for the current one to end.
    """
    ServiceProvider.objects.select_for_update().get(pk=order.service_provider_id)
    existing = Subscription.objects.filter(order=order).first()
    if existing is not None:
        return existing
    current = (
        Subscription.objects.select_for_update()
        .select_related("package")
        .filter(service_provider_id=order.service_provider_id, status=Subscription.Status.ACTIVE)
        .first()
    )
    package = order.package
    if current is not None:
        if not package_is_larger(package=package, than=current.package):
            last = (
                Subscription.objects.filter(
                    service_provider_id=order.service_provider_id,
                    status__in=[Subscription.Status.ACTIVE, Subscription.Status.SCHEDULED],
                )
                .order_by("-ends_at")
                .first()
            )
            return _subscription_create(
                order=order, status=Subscription.Status.SCHEDULED, starts_at=last.ends_at
            )
        current.status = Subscription.Status.ENDED
        current.ended_at = at
        current.end_reason = Subscription.EndReason.UPGRADED
        current.save(update_fields=["status", "ended_at", "end_reason"])
        # A smaller package waiting for the renewal of the old one no longer has a place.
        Subscription.objects.filter(
            service_provider_id=order.service_provider_id, status=Subscription.Status.SCHEDULED
        ).update(status=Subscription.Status.CANCELLED, ended_at=at)
    return _subscription_create(order=order, status=Subscription.Status.ACTIVE, starts_at=at)


def _subscription_create(*, order: Order, status: str, starts_at: datetime) -> Subscription:
    return Subscription.objects.create(
        service_provider_id=order.service_provider_id,
        package=order.package,
        order=order,
        status=status,
        starts_at=starts_at,
        ends_at=_subscription_end(starts_at),
    )


# Lapse and reminders -----------------------------------------------------------------------


def subscription_lapse(*, subscription_id: int, at: datetime | None = None) -> Subscription:
    """End a subscription whose year is over; a package scheduled for the renewal starts, or the
    company falls back to Temel Hizmetler. Idempotent."""
    at = at or timezone.now()
    provider_id = Subscription.objects.values_list("service_provider_id", flat=True).get(
        pk=subscription_id
    )
    with transaction.atomic():
        # The company first, then its rows: the one lock order (activation takes the same).
        ServiceProvider.objects.select_for_update().get(pk=provider_id)
        sub = Subscription.objects.select_for_update().get(pk=subscription_id)
        if sub.status != Subscription.Status.ACTIVE or sub.ends_at > at:
            return sub
        sub.status = Subscription.Status.ENDED
        sub.ended_at = at
        sub.end_reason = Subscription.EndReason.LAPSED
        sub.save(update_fields=["status", "ended_at", "end_reason"])
        scheduled = (
            Subscription.objects.select_for_update()
            .filter(
                service_provider_id=sub.service_provider_id,
                status=Subscription.Status.SCHEDULED,
                starts_at__lte=at,
            )
            .order_by("starts_at")
            .first()
        )
        if scheduled is not None:
            scheduled.status = Subscription.Status.ACTIVE
            scheduled.save(update_fields=["status"])
        return sub


def subscriptions_lapse_due(*, at: datetime | None = None) -> int:
    at = at or timezone.now()
    ids = list(subscriptions_ending(at=at).values_list("pk", flat=True))
    for subscription_id in ids:
        subscription_lapse(subscription_id=subscription_id, at=at)
    return len(ids)


def _reminder_threshold(days_left: int) -> int | None:
    """The most urgent reminder a subscription with ``days_left`` should have had: a missed
    beat run sends the one that is due now, never the stale ones."""
    due = [d for d in REMINDER_DAYS if days_left <= d]
    return min(due) if due and days_left > 0 else None


def subscription_reminders_record(*, at: datetime | None = None) -> list[int]:
    """Record the reminders due now (one row per subscription and threshold, unique); each new
    row's e-mail is queued after commit. Running twice records (and sends) nothing new."""
    at = at or timezone.now()
    created: list[int] = []
    for sub in subscriptions_to_remind(at=at, within_days=max(REMINDER_DAYS)):
        threshold = _reminder_threshold(sub.days_left(at))
        if threshold is None:
            continue
        if any(r.days_before <= threshold for r in sub.reminders.all()):
            continue
        reminder = notice_record(
            SubscriptionReminder,
            subscription=sub,
            days_before=threshold,
            defaults={"created_at": at},
        )
        if reminder is not None:
            created.append(reminder.pk)
    return created


def _reminder_email(reminder: SubscriptionReminder) -> list[str]:
    sub = reminder.subscription
    recipients = [sub.service_provider.email]
    send_templated_email(
        to=recipients,
        template="packages/subscription_reminder",
        context={"subscription": sub, "provider": sub.service_provider, "reminder": reminder},
        message_id=reminder.message_id,
    )
    return recipients


def subscription_reminder_email(*, reminder_id: int) -> bool:
    """Send one reminder e-mail, once (``sent_at`` guards a task retried by the broker)."""
    return notice_send(
        SubscriptionReminder.objects.select_related(
            "subscription__service_provider", "subscription__package"
        ),
        notice_id=reminder_id,
        send=_reminder_email,
    )
