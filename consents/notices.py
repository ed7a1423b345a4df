"""80% and 100% of the active package's address limit: one notice per crossing, e-mailed to
the authorized person after the transaction commits."""

from datetime import datetime

from django.db import transaction

from accounts.models import ServiceProvider

THRESHOLDS = (80, 100)


def address_thresholds_check(
    *, service_provider: ServiceProvider, counts: dict[str, int], now: datetime
) -> list[int]:
    """Called inside the writer's transaction (the counter rows are locked), so two writers
    cannot both record the same crossing. Returns the ids of the notices recorded."""
    from packages.selectors import subscription_active_for

    from .models import AddressNotice
    from .tasks import send_address_notice

    subscription = subscription_active_for(service_provider=service_provider, at=now)
    if subscription is None or not subscription.package.address_limit:
        return []
    limit = subscription.package.address_limit
    address_count = max(counts.values(), default=0)
    open_notices = {
        n.threshold: n
        for n in AddressNotice.objects.filter(
            service_provider=service_provider, cleared_at__isnull=True
        )
    }
    recorded = []
    for threshold in THRESHOLDS:
        reached = address_count * 100 >= limit * threshold
        notice = open_notices.get(threshold)
        if reached and notice is None:
            notice = AddressNotice.objects.create(
                service_provider=service_provider,
                threshold=threshold,
                address_count=address_count,
                address_limit=limit,
                package_name=subscription.package.name,
                crossed_at=now,
            )
            recorded.append(notice.pk)
            transaction.on_commit(lambda pk=notice.pk: send_address_notice.delay(pk))
        elif not reached and notice is not None:
            notice.cleared_at = now
            notice.save(update_fields=["cleared_at"])
    return recorded


def address_notice_email(*, notice_id: int) -> bool:
    """Send one notice's e-mail once (the row remembers it was sent)."""
    from django.conf import settings
    from django.utils import timezone

    from accounts.models import Membership
    from iys_portal.emails import send_templated_email
    from packages.pricing import package_recommend

    from .models import AddressNotice

    with transaction.atomic():
        notice = (
            AddressNotice.objects.select_for_update()
            .select_related("service_provider")
            .filter(pk=notice_id, emailed_at__isnull=True)
            .first()
        )
        if notice is None:
            return False
        person = (
            Membership.objects.filter(
                service_provider=notice.service_provider,
                role=Membership.Role.AUTHORIZED,
                is_active=True,
            )
            .select_related("user")
            .first()
        )
        recipients = [a for a in {notice.service_provider.email, person and person.user.email} if a]
        needed = package_recommend(address_count=notice.address_count + 1).package
        send_templated_email(
            to=sorted(recipients),
            template="consents/address_notice",
            context={
                "notice": notice,
                "provider": notice.service_provider,
                "person": person.user if person else None,
                "needed": needed,
                "purchase_url": f"{settings.PORTAL_BASE_URL}/paket/satin-al/",
            },
        )
        notice.emailed_at = timezone.now()
        notice.save(update_fields=["emailed_at"])
    return True
