"""What the home page shows a person acting for a company, in a fixed number of queries:
the active package, orders in progress with their next step, open İLETİ+ offers and (for the
authorized person) delegate requests waiting for a decision, and the measured address count
against the package's limit."""

from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import AuthorizationRequest, Membership
from accounts.selectors import authorization_requests_open_for
from packages.addresses import AddressGauge, measured_addresses
from packages.models import Order, QuoteRequest, Subscription
from packages.selectors import quotes_offered_for, subscription_active_for

S = Order.Status


@dataclass
class NextStep:
    label: str
    url: str = ""


@dataclass
class HomeOverview:
    subscription: Subscription | None
    orders: list[tuple[Order, NextStep]] = field(default_factory=list)
    offers: list[QuoteRequest] = field(default_factory=list)
    open_requests: list[AuthorizationRequest] = field(default_factory=list)
    address_gauge: AddressGauge | None = None


def order_next_step(order: Order) -> NextStep:
    """The one thing the customer does next for an order in progress."""
    code = order.code
    if order.status == S.DRAFT:
        return NextStep(_("Sözleşmeyi onaylayın"), reverse("packages:contract", args=[code]))
    if order.status == S.CONTRACT_ACCEPTED and order.is_free:
        return NextStep(_("«Tamamla» ile bitirin"), reverse("packages:contract", args=[code]))
    if order.status in (S.CONTRACT_ACCEPTED, S.AWAITING_PAYMENT):
        return NextStep(_("Ödemeyi yapın"), reverse("payments:step", args=[code]))
    if order.status == S.FAILED:
        return NextStep(
            _("Ödeme başarısız; yeniden deneyin"), reverse("payments:step", args=[code])
        )
    if order.status == S.AWAITING_TRANSFER:
        return NextStep(
            _("Havale/EFT yapın; açıklamaya sipariş kodunu ve firma unvanını yazın"),
            reverse("payments:transfer_instructions", args=[code]),
        )
    return NextStep(_("Ödeme alındı; paket etkinleştiriliyor"))


def home_overview_for(*, membership: Membership) -> HomeOverview:
    provider = membership.service_provider
    orders = (
        Order.objects.filter(service_provider=provider, status__in=Order.IN_PROGRESS)
        .select_related("package")
        .order_by("-created_at", "-id")
    )
    # The page shows the package and its end, not the order that bought it.
    subscription = subscription_active_for(service_provider=provider, with_order=False)
    overview = HomeOverview(
        subscription=subscription,
        address_gauge=AddressGauge(
            measured=measured_addresses(service_provider=provider),
            limit=subscription.package.address_limit if subscription else None,
        ),
        orders=[(o, order_next_step(o)) for o in orders],
        offers=list(quotes_offered_for(service_provider=provider)),
    )
    if membership.is_authorized_person:
        overview.open_requests = list(authorization_requests_open_for(service_provider=provider))
    return overview
