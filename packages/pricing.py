"""Pricing and sizing rules of the packages app: a package's price now, the address count and
the package that covers it, which of two packages is larger, and the credit an upgrade gets
for the unused part of the current package. Decimal throughout, computed on the server only.
"""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.utils import timezone

from iys_portal.formatting import money

from .models import Package, Promotion, Subscription
from .selectors import package_list_active

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


# Prices ------------------------------------------------------------------------------------


def promotion_free_package_ids(*, at: datetime | None = None) -> set[int]:
    """Ids of packages that an open promotion makes free right now."""
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


# Sizing -------------------------------------------------------------------------------------


def address_count_of(*, phone_count: int, email_count: int) -> int:
    """The address count is the larger of the two."""
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


def package_is_larger(*, package: Package, than: Package) -> bool:
    """Whether ``package`` is larger than ``than`` (an unlimited package is larger than any
    limited one): a larger package replaces the current one at once, a smaller or equal one
    waits for its renewal."""
    if package.address_limit is None:
        return True
    return than.address_limit is not None and package.address_limit > than.address_limit


# Upgrades -----------------------------------------------------------------------------------


def subscription_credit(*, subscription: Subscription, at: datetime | None = None) -> Decimal:
    """The unused part of a *paid* package, pro rata by days, VAT included (Decimal).

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


def quote_price(quote) -> Price:
    """The yearly price support offered (ex-VAT and VAT, Decimal kuruş)."""
    net = money(quote.offer_net_amount)
    return Price(net=net, vat=money(net * quote.offer_vat_rate), is_free=False)
