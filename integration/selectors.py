"""Reads of the integration API: the changes feed, an integrator's providers and rights, and
the access log's usage figures (a constant number of queries each)."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Count, OuterRef, Q, Subquery
from django.utils import timezone

from brands.models import Grant
from brands.selectors import grants_live_of_integrator
from consents.models import ConsentEvent
from packages.models import Subscription

from .access import Access
from .models import AccessLog, ApiBatch, ApiUser

FEED_LIMIT_MAX = 1000


def changes_page(*, access: Access, after: int, limit: int) -> tuple[list[ConsentEvent], int, bool]:
    """Events of the brand on the granted channels with an id above ``after``, in id order.

    Safe to page while changes arrive: every write of a provider first takes the provider's
    counter lock and allocates its event ids under it, so a provider's events commit in id
    order and a later page never finds an id below the cursor appearing afterwards."""
    limit = max(1, min(limit, FEED_LIMIT_MAX))
    events = list(
        ConsentEvent.objects.filter(
            service_provider_id=access.service_provider.pk,
            brand_id=access.brand.pk,
            id__gt=after,
            channel__in=access.grant.channels,
        ).order_by("id")[: limit + 1]
    )
    has_more = len(events) > limit
    events = events[:limit]
    return events, (events[-1].id if events else after), has_more


def grant_rights(grant: Grant) -> list[str]:
    names = [("can_read", "read"), ("can_write", "write"), ("can_reconcile", "reconciliation")]
    return [name for attr, name in names if getattr(grant, attr)]


def integrator_providers(*, api_user: ApiUser, at: datetime | None = None) -> list[dict]:
    """The providers, brands, channels and rights that authorized this caller (two queries)."""
    at = at or timezone.now()
    grants = list(grants_live_of_integrator(integrator_id=api_user.integrator_id))
    provider_ids = {g.brand.service_provider_id for g in grants}
    active = set(
        Subscription.objects.filter(
            service_provider_id__in=provider_ids,
            status=Subscription.Status.ACTIVE,
            starts_at__lte=at,
            ends_at__gt=at,
        ).values_list("service_provider_id", flat=True)
    )
    providers: dict[int, dict] = {}
    for grant in grants:
        provider = grant.brand.service_provider
        entry = providers.setdefault(
            provider.pk,
            {
                "iysCode": provider.iys_code,
                "title": provider.title,
                "packageActive": provider.pk in active,
                "brands": [],
            },
        )
        entry["brands"].append(
            {
                "brandCode": grant.brand.code,
                "name": grant.brand.name,
                "channels": grant.channels,
                "rights": grant_rights(grant),
                "effective": not grant.is_partner or provider.pk in active,
            }
        )
    return list(providers.values())


def batch_for(*, access: Access, api_user: ApiUser, request_id) -> ApiBatch | None:
    """A batch of this brand sent by any API user of the caller's integrator."""
    return ApiBatch.objects.filter(
        request_id=request_id,
        brand_id=access.brand.pk,
        api_user__integrator_id=api_user.integrator_id,
    ).first()


def batch_rows(batch: ApiBatch) -> list[dict]:
    if batch.status == ApiBatch.Status.DONE:
        return batch.results
    status = "processing" if batch.status == ApiBatch.Status.PROCESSING else "enqueue"
    return [{"index": i, "status": status} for i in range(len(batch.items))]


@dataclass
class Usage:
    last_used: datetime | None = None
    today: int = 0
    month: int = 0
    by_endpoint: dict[str, tuple[int, int]] = field(default_factory=dict)  # (today, 30 days)


def _today_start(now: datetime) -> datetime:
    local = timezone.localtime(now)
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


def usage_by(*, field_name: str, ids, now: datetime | None = None) -> dict[int, Usage]:
    """Usage per grant (``field_name="grant"``) or per integrator: two queries for any
    number of ids (the last call through the (key, at) index, counts over 30 days)."""
    now = now or timezone.now()
    ids = list(ids)
    if not ids:
        return {}
    usage = {pk: Usage() for pk in ids}
    key = f"{field_name}_id"
    model = Grant if field_name == "grant" else AccessLog._meta.get_field(key).related_model
    last = AccessLog.objects.filter(**{key: OuterRef("pk")}).order_by("-at").values("at")[:1]
    for pk, last_used in (
        model.objects.filter(pk__in=ids).annotate(last=Subquery(last)).values_list("pk", "last")
    ):
        usage[pk].last_used = last_used
    start = _today_start(now)
    rows = (
        AccessLog.objects.filter(**{f"{key}__in": ids, "at__gte": now - timedelta(days=30)})
        .values(key, "endpoint")
        .annotate(today=Count("id", filter=Q(at__gte=start)), month=Count("id"))
        .order_by()
    )
    for row in rows:
        entry = usage[row[key]]
        entry.today += row["today"]
        entry.month += row["month"]
        entry.by_endpoint[row["endpoint"]] = (row["today"], row["month"])
    return usage


def access_log_for_grant(*, grant: Grant):
    return (
        AccessLog.objects.filter(grant=grant)
        .select_related("api_user")
        .order_by("-at", "-id")
        .iterator(chunk_size=2000)
    )


def grants_attach_usage(grants) -> None:
    """Marka Yönetimi: ``grant.api_usage`` on each grant (two queries for the page)."""
    grants = [g for g in grants if g is not None]
    usage = usage_by(field_name="grant", ids={g.pk for g in grants})
    for grant in grants:
        grant.api_usage = usage.get(grant.pk, Usage())
