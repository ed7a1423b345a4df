"""Reads for the packages app: catalog, contracts, orders and subscriptions (prices and sizing
are rules, in ``pricing``).

Everything a company sees is scoped to its service provider; pages cost a constant number of
queries (select_related / prefetch_related).
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Exists, F, Max, OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import ServiceProvider

from . import order_rules
from .addresses import (
    AddressGauge,
    MeasuredAddresses,
    measured_addresses,
    open_address_notices,
)
from .models import (
    ContractAcceptance,
    ContractVersion,
    Order,
    Package,
    Promotion,
    QuoteRequest,
    Subscription,
)

# Catalog and contracts ---------------------------------------------------------------------


def package_list_active() -> list[Package]:
    return list(Package.objects.filter(is_active=True).order_by("display_order", "address_limit"))


def package_list_active_with_promotions(
    *, at: datetime | None = None
) -> tuple[list[Package], set[int]]:
    """The active catalog and, in the same query, the ids of its packages that an open
    promotion makes free at ``at`` (the rule of ``pricing.promotion_free_package_ids``:
    ``starts_at <= at < ends_at``), for pricing the whole catalog."""
    at = at or timezone.now()
    open_promotion = Promotion.packages.through.objects.filter(
        package_id=OuterRef("pk"), promotion__starts_at__lte=at, promotion__ends_at__gt=at
    )
    packages = list(
        Package.objects.filter(is_active=True)
        .annotate(promotion_free=Exists(open_promotion))
        .order_by("display_order", "address_limit")
    )
    return packages, {package.pk for package in packages if package.promotion_free}


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
    """``charged_amount``: what was actually taken (a card payment with its installment
    surcharge, or the confirmed transfer), else the order total. The payments app's rows are
    reached by relation name only, so packages still imports nothing from payments."""
    return (
        Order.objects.filter(service_provider=service_provider)
        .select_related("package", "acceptance")
        .annotate(
            charged_amount=Coalesce(
                Max("card_payments__paid_price", filter=Q(card_payments__status="succeeded")),
                Max(
                    "bank_transfers__amount_received",
                    filter=Q(bank_transfers__outcome="confirmed"),
                ),
                F("total_amount"),
            )
        )
        .order_by("-created_at", "-id")
    )


def orders_overdue_transfers(*, at: datetime | None = None) -> QuerySet[Order]:
    at = at or timezone.now()
    return Order.objects.filter(
        status=Order.Status.AWAITING_TRANSFER, payment_due_at__isnull=False, payment_due_at__lt=at
    )


# Subscriptions ------------------------------------------------------------------------------


def _subscriptions_active(
    service_provider: ServiceProvider, at: datetime | None
) -> QuerySet[Subscription]:
    at = at or timezone.now()
    return Subscription.objects.filter(
        service_provider=service_provider,
        status=Subscription.Status.ACTIVE,
        starts_at__lte=at,
        ends_at__gt=at,
    )


def subscription_active_for(
    *, service_provider: ServiceProvider, at: datetime | None = None, with_order: bool = True
) -> Subscription | None:
    """The package the company holds now (None: only Temel Hizmetler). With ``at``, the one
    whose period covers that moment (a lapse not yet processed by the daily task counts as
    lapsed). ``with_order=False``: without the order that bought it (a page that shows only
    the package and its period reads a third of the columns)."""
    related = ("package", "order") if with_order else ("package",)
    return _subscriptions_active(service_provider, at).select_related(*related).first()


def subscription_active_exists(
    *, service_provider: ServiceProvider, at: datetime | None = None
) -> bool:
    """Whether the company holds a package now (the same rule, ``SELECT 1 … LIMIT 1``)."""
    return _subscriptions_active(service_provider, at).exists()


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


# Checkout steps -----------------------------------------------------------------------------

STEP_CONTRACT = "contract"
STEP_PAYMENT = "payment"
STEP_DONE = "done"
STEP_CLOSED = "closed"


def order_checkout_step(*, order: Order) -> str:
    """Where an order stands in the checkout: the page a step URL must send the browser to if
    it is not the one asked for (a step cannot be skipped by editing the URL)."""
    if order.status == Order.Status.DRAFT or order_rules.order_can_complete_free(order):
        return STEP_CONTRACT
    if order_rules.order_is_payable(order):
        return STEP_PAYMENT
    if order_rules.order_is_paid(order):
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

    @property
    def address_gauge(self) -> AddressGauge | None:
        if self.measured is None:
            return None
        return AddressGauge(measured=self.measured, limit=self.address_limit)

    @property
    def gauge(self) -> list[tuple[str, int, int | None]]:
        """(label key, count, percent of the limit) for phones, e-mails and the larger one."""
        return self.address_gauge.rows if self.address_gauge else []

    @property
    def over_limit(self) -> bool:
        return bool(self.address_gauge and self.address_gauge.over_limit)


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
        and not (o.status == Order.Status.CANCELLED and o.contract_acceptance is None)
    ]
    declared = next(
        (
            o.address_count
            for o in orders
            if o.status != Order.Status.DRAFT and o.contract_acceptance is not None
        ),
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


# İLETİ+ quotes --------------------------------------------------------------------------------


def quotes_offered_for(*, service_provider: ServiceProvider):
    """Offers waiting for the customer's answer (and still valid), newest first."""
    return (
        QuoteRequest.objects.filter(
            service_provider=service_provider, status=QuoteRequest.Status.OFFERED
        )
        .exclude(offer_valid_until__lt=timezone.localdate())
        .order_by("-offered_at", "-pk")
    )


def quote_get_for(*, service_provider: ServiceProvider, pk: int):
    """One quote request of this company, or None (a foreign id looks like a missing one)."""
    return QuoteRequest.objects.filter(service_provider=service_provider, pk=pk).first()
