"""Reads of the brands app, scoped to the service provider, a constant number of queries each."""

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Prefetch, QuerySet

from accounts.models import ServiceProvider

from .models import Brand, Channel, Grant, Integrator
from .package_access import has_active_package


def grant_is_effective(*, grant: Grant, package_active: bool) -> bool:
    """A live grant works unless it is a partner grant of a company without a package."""
    if not grant.is_active:
        return False
    return not grant.is_partner or package_active


def brands_for(*, service_provider: ServiceProvider) -> QuerySet[Brand]:
    return Brand.objects.filter(service_provider=service_provider)


def brand_get(*, service_provider: ServiceProvider, brand_id: int) -> Brand:
    """Raises ``Brand.DoesNotExist`` for another company's brand (views turn it into a 404)."""
    return brands_for(service_provider=service_provider).get(pk=brand_id)


def grant_get(*, service_provider: ServiceProvider, brand_id: int, grant_id: int) -> Grant:
    """Raises ``Grant.DoesNotExist`` unless the grant belongs to this company's brand."""
    return Grant.objects.select_related("brand", "integrator").get(
        pk=grant_id, brand_id=brand_id, brand__service_provider=service_provider
    )


def grants_live_for_brand(*, brand: Brand, kind: str) -> QuerySet[Grant]:
    return (
        Grant.objects.live()
        .filter(brand=brand, kind=kind)
        .select_related("integrator")
        .order_by("integrator__title")
    )


def integrators_active(*, kind: str) -> QuerySet[Integrator]:
    return Integrator.objects.filter(kind=kind, is_active=True).order_by("title")


@dataclass
class ChannelCell:
    channel: str
    writer: Grant | None = None
    checkers: list[Grant] = field(default_factory=list)


@dataclass
class BrandRow:
    brand: Brand
    partner: Grant | None
    ahs: list[Grant]
    cells: list[ChannelCell]


@dataclass
class BrandOverview:
    package_active: bool
    rows: list[BrandRow]
    channels: list[str]

    @property
    def channel_labels(self) -> list[str]:
        return [str(Channel(value).label) for value in self.channels]


def brand_overview(
    *, service_provider: ServiceProvider, at: datetime | None = None
) -> BrandOverview:
    """Marka Yönetimi: every brand with its live grants, and the brand × channel grid.

    Three queries whatever the number of brands and grants: the package, the brands, the grants
    (with their integrators and granting users).
    """
    package_active = has_active_package(service_provider=service_provider, at=at)
    live = (
        Grant.objects.live()
        .select_related("integrator", "granted_by")
        .order_by("integrator__title", "pk")
    )
    brands = brands_for(service_provider=service_provider).prefetch_related(
        Prefetch("grants", queryset=live, to_attr="live_grants")
    )
    rows = []
    for brand in brands:
        partner = None
        ahs = []
        for grant in brand.live_grants:
            grant.is_effective = grant_is_effective(grant=grant, package_active=package_active)
            grant.is_suspended = not grant.is_effective
            if grant.is_partner:
                partner = grant
            else:
                ahs.append(grant)
        cells = [
            ChannelCell(
                channel=channel,
                writer=partner if partner is not None and partner.covers(channel) else None,
                checkers=[g for g in ahs if g.covers(channel)],
            )
            for channel in Channel.values
        ]
        rows.append(BrandRow(brand=brand, partner=partner, ahs=ahs, cells=cells))
    return BrandOverview(package_active=package_active, rows=rows, channels=list(Channel.values))


@dataclass
class HistoryEvent:
    at: datetime
    action: str  # "granted" | "revoked" | "replaced"
    grant: Grant
    actor: object


def brand_history(*, service_provider: ServiceProvider, brand_id: int) -> list[HistoryEvent]:
    """Every grant and every end of a grant of one brand, newest first (who, when, what)."""
    grants = Grant.objects.filter(
        brand_id=brand_id, brand__service_provider=service_provider
    ).select_related("integrator", "granted_by", "revoked_by", "replaced_by__integrator")
    events = []
    for grant in grants:
        events.append(
            HistoryEvent(at=grant.granted_at, action="granted", grant=grant, actor=grant.granted_by)
        )
        if grant.revoked_at is not None:
            events.append(
                HistoryEvent(
                    at=grant.revoked_at,
                    action=grant.end_reason,
                    grant=grant,
                    actor=grant.revoked_by,
                )
            )
    # On equal times (a replacement), the end of the old grant comes after the new grant.
    events.sort(key=lambda e: (e.at, e.action == "granted", e.grant.pk), reverse=True)
    return events


def grant_live_for_integrator(
    *, integrator_id: int, iys_code: int, brand_code: int
) -> Grant | None:
    """The live (not revoked) grant of an integrator on a provider's brand, read fresh on every
    API call (one query), so a revocation takes effect on the next request. Whether it is
    effective also depends on the package: ``grant_is_effective``."""
    return (
        Grant.objects.filter(
            revoked_at__isnull=True,
            integrator_id=integrator_id,
            brand__code=brand_code,
            brand__service_provider__iys_code=iys_code,
        )
        .select_related("brand__service_provider")
        .first()
    )


def grants_live_of_integrator(*, integrator_id: int) -> QuerySet[Grant]:
    return (
        Grant.objects.filter(revoked_at__isnull=True, integrator_id=integrator_id)
        .select_related("brand__service_provider")
        .order_by("brand__service_provider__title", "brand__name", "pk")
    )
