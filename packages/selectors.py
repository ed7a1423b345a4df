"""Reads for the packages app: catalog, sizing, prices, orders and subscriptions.

Everything a company sees is scoped to its service provider; pages cost a constant number of
queries (select_related / prefetch_related).
"""

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from accounts.models import ServiceProvider
from iys_portal.formatting import money

from .addresses import MeasuredAddresses, measured_addresses, open_address_notices
from .models import (
    ContractAcceptance,
    ContractVersion,
    Order,
    Package,
    Promotion,
    Subscription,
)

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Price:
    """A package's yearly price at a moment: ex-VAT, VAT, VAT included (all Decimal, kuruş)."""

    net: Decimal
    vat: Decimal
    is_free: bool
    free_reason: str = ""

    @property
    def gross(self) -> Decimal:
        return money(self.net + self.vat)


@dataclass(frozen=True)
class Sizing:
    phone_count: int
    email_count: int
    address_count: int
    package: Package | None  # the smallest package covering the count (İLETİ+ above the largest)
    needs_quote: bool  # above the largest fixed package: İLETİ+ quote request


# Catalog and sizing -------------------------------------------------------------------------


def package_list_active() -> list[Package]:
    return list(Package.objects.filter(is_active=True).order_by("display_order", "address_limit"))


def promotion_free_package_ids(*, at: datetime | None = None) -> set[int]:
    """Ids of packages that an open promotion makes free right now (R2)."""
    at = at or timezone.now()
    return set(
        Promotion.packages.through.objects.filter(
            promotion__starts_at__lte=at, promotion__ends_at__gt=at
        ).values_list("package_id", flat=True)
    )


def package_price(
    *, package: Package, at: datetime | None = None, free_ids: set[int] | None = None
) -> Price:
    """The server's price for ``package`` (never the browser's). ``free_ids`` avoids a query
    per package when pricing the whole catalog."""
    if package.always_free:
        return Price(net=ZERO, vat=ZERO, is_free=True, free_reason="always")
    if free_ids is None:
        free_ids = promotion_free_package_ids(at=at)
    if package.pk in free_ids:
        return Price(net=ZERO, vat=ZERO, is_free=True, free_reason="promotion")
    net = money(package.yearly_net_price)
    vat = money(net * package.vat_rate)
    return Price(net=net, vat=vat, is_free=net + vat == 0)


def address_count_of(*, phone_count: int, email_count: int) -> int:
    """R1: the address count is the larger of the two."""
    return max(int(phone_count), int(email_count))


def package_recommend(*, address_count: int, packages: list[Package] | None = None) -> Sizing:
    """The smallest active fixed package whose limit covers ``address_count``; above the largest,
    the quote-only package (İLETİ+)."""
    packages = package_list_active() if packages is None else packages
    fixed = sorted(
        (p for p in packages if p.address_limit is not None and not p.is_quote_only),
        key=lambda p: p.address_limit,
    )
    for package in fixed:
        if package.address_limit >= address_count:
            return Sizing(0, 0, address_count, package, needs_quote=False)
    quote = next((p for p in packages if p.is_quote_only), None)
    return Sizing(0, 0, address_count, quote, needs_quote=True)


def package_sizing(
    *, phone_count: int, email_count: int, packages: list[Package] | None = None
) -> Sizing:
    address_count = address_count_of(phone_count=phone_count, email_count=email_count)
    result = package_recommend(address_count=address_count, packages=packages)
    return Sizing(phone_count, email_count, address_count, result.package, result.needs_quote)


def contract_version_current(*, at: datetime | None = None) -> ContractVersion | None:
    today = timezone.localdate(at or timezone.now())
    return ContractVersion.objects.filter(effective_from__lte=today).first()


# Orders -------------------------------------------------------------------------------------


def order_get_for_provider(*, service_provider: ServiceProvider, code: str) -> Order:
    """The order ``code`` of this company; ``Order.DoesNotExist`` for anyone else's (views 404)."""
    return Order.objects.select_related(
        "package", "service_provider", "created_by", "replaces__package"
    ).get(service_provider=service_provider, code=code)


def order_acceptance_for(*, order: Order) -> ContractAcceptance | None:
    return (
        ContractAcceptance.objects.select_related("contract_version", "accepted_by")
        .filter(order=order)
        .first()
    )


def order_draft_for(*, service_provider: ServiceProvider) -> Order | None:
    return (
        Order.objects.filter(service_provider=service_provider, status=Order.Status.DRAFT)
        .select_related("package")
        .first()
    )


def _orders_for_page(service_provider: ServiceProvider) -> QuerySet[Order]:
    return (
        Order.objects.filter(service_provider=service_provider)
        .select_related("package", "acceptance")
        .order_by("-created_at", "-id")
    )


def orders_overdue_transfers(*, at: datetime | None = None) -> QuerySet[Order]:
    at = at or timezone.now()
    return Order.objects.filter(
        status=Order.Status.AWAITING_TRANSFER, payment_due_at__isnull=False, payment_due_at__lt=at
    )


# Subscriptions ------------------------------------------------------------------------------


def subscription_active_for(
    *, service_provider: ServiceProvider, at: datetime | None = None
) -> Subscription | None:
    """The package the company holds now (None: only Temel Hizmetler). With ``at``, the one
    whose period covers that moment (a lapse not yet processed by the daily task counts as
    lapsed)."""
    at = at or timezone.now()
    return (
        Subscription.objects.filter(
            service_provider=service_provider,
            status=Subscription.Status.ACTIVE,
            starts_at__lte=at,
            ends_at__gt=at,
        )
        .select_related("package", "order")
        .first()
    )


def subscription_scheduled_for(*, service_provider: ServiceProvider) -> Subscription | None:
    return (
        Subscription.objects.filter(
            service_provider=service_provider, status=Subscription.Status.SCHEDULED
        )
        .select_related("package")
        .order_by("starts_at")
        .first()
    )


def subscriptions_ending(*, at: datetime | None = None) -> QuerySet[Subscription]:
    """Active subscriptions whose period is over: the daily task lapses them."""
    at = at or timezone.now()
    return Subscription.objects.filter(status=Subscription.Status.ACTIVE, ends_at__lte=at)


def subscriptions_to_remind(*, at: datetime | None = None, within_days: int = 30):
    at = at or timezone.now()
    horizon = at + timezone.timedelta(days=within_days + 1)
    return (
        Subscription.objects.filter(
            status=Subscription.Status.ACTIVE, ends_at__gt=at, ends_at__lte=horizon
        )
        .select_related("package", "service_provider")
        .prefetch_related(Prefetch("reminders"))
    )


def subscription_credit(*, subscription: Subscription, at: datetime | None = None) -> Decimal:
    """R3: the unused part of a *paid* package, pro rata by days, VAT included (Decimal).

    credit = price paid for the package (VAT included, before any credit it got itself)
             × unused days / days of its period, rounded to kuruş.
    A free package (no order, or a zero price) gives no credit.
    """
    order = subscription.order
    if order is None:
        return ZERO
    paid_value = money(order.net_amount + order.vat_amount)
    if paid_value <= 0:
        return ZERO
    today = timezone.localdate(at or timezone.now())
    start = timezone.localdate(subscription.starts_at)
    end = timezone.localdate(subscription.ends_at)
    period_days = (end - start).days
    if period_days <= 0:
        return ZERO
    unused_days = min(max((end - max(today, start)).days, 0), period_days)
    return money(paid_value * Decimal(unused_days) / Decimal(period_days))


# Checkout steps -----------------------------------------------------------------------------

STEP_CONTRACT = "contract"
STEP_PAYMENT = "payment"
STEP_DONE = "done"
STEP_CLOSED = "closed"


def order_checkout_step(*, order: Order) -> str:
    """Where an order stands in the checkout: the page a step URL must send the browser to if
    it is not the one asked for (a step cannot be skipped by editing the URL)."""
    if order.status == Order.Status.DRAFT:
        return STEP_CONTRACT
    if order.status in (
        Order.Status.CONTRACT_ACCEPTED,
        Order.Status.AWAITING_PAYMENT,
        Order.Status.AWAITING_TRANSFER,
        Order.Status.FAILED,
    ):
        return STEP_CONTRACT if order.is_free else STEP_PAYMENT
    if order.status in (Order.Status.PAID, Order.Status.ACTIVE):
        return STEP_DONE
    return STEP_CLOSED


@dataclass
class PackageOverview:
    """Everything «Paket Yönetimi» shows, in a fixed number of queries."""

    subscription: Subscription | None
    scheduled: Subscription | None
    address_count: int | None
    orders_in_progress: list[Order]
    orders_past: list[Order]
    measured: MeasuredAddresses | None = None
    notices: list = field(default_factory=list)

    @property
    def address_limit(self) -> int | None:
        return self.subscription.package.address_limit if self.subscription else None

    def percent_of_limit(self, value: int) -> int | None:
        limit = self.address_limit
        return None if not limit else value * 100 // limit

    @property
    def gauge(self) -> list[tuple[str, int, int | None]]:
        """(label key, count, percent of the limit) for phones, e-mails and the larger one."""
        if self.measured is None:
            return []
        m = self.measured
        return [
            ("phones", m.phones, self.percent_of_limit(m.phones)),
            ("emails", m.emails, self.percent_of_limit(m.emails)),
            ("total", m.total, self.percent_of_limit(m.total)),
        ]

    @property
    def over_limit(self) -> bool:
        limit = self.address_limit
        return bool(limit and self.measured and self.measured.total > limit)


def package_overview_for(*, service_provider: ServiceProvider) -> PackageOverview:
    now = timezone.now()
    subscriptions = list(
        Subscription.objects.filter(
            service_provider=service_provider,
            status__in=[Subscription.Status.ACTIVE, Subscription.Status.SCHEDULED],
        )
        .select_related("package")
        .order_by("starts_at")
    )
    active = next(
        (
            s
            for s in subscriptions
            if s.status == Subscription.Status.ACTIVE and s.starts_at <= now < s.ends_at
        ),
        None,
    )
    scheduled = next((s for s in subscriptions if s.status == Subscription.Status.SCHEDULED), None)
    orders = list(_orders_for_page(service_provider))
    in_progress = [o for o in orders if o.status in Order.IN_PROGRESS]
    past = [
        o
        for o in orders
        if o.status not in Order.IN_PROGRESS
        and not (o.status == Order.Status.CANCELLED and not _has_acceptance(o))
    ]
    declared = next(
        (o.address_count for o in orders if o.status != Order.Status.DRAFT and _has_acceptance(o)),
        None,
    )
    return PackageOverview(
        active,
        scheduled,
        declared,
        in_progress,
        past,
        measured=measured_addresses(service_provider=service_provider),
        notices=open_address_notices(service_provider=service_provider),
    )


def _has_acceptance(order: Order) -> bool:
    try:
        return order.acceptance is not None
    except ContractAcceptance.DoesNotExist:
        return False
