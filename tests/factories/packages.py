"""Factories for the packages app.

``OrderFactory(status=Order.Status.AWAITING_PAYMENT)`` builds a paid-package order with correct
amounts (net, VAT, total) and the history of how it got there; ``SubscriptionFactory()`` is an
active one-year subscription.
"""

from datetime import date
from decimal import Decimal

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from iys_portal.formatting import money
from packages import order_codes
from packages.models import (
    ContractAcceptance,
    ContractVersion,
    Order,
    OrderTransition,
    Package,
    Promotion,
    Subscription,
)

from .accounts import ServiceProviderFactory, UserFactory

__all__ = [
    "ContractAcceptanceFactory",
    "ContractVersionFactory",
    "OrderFactory",
    "PackageFactory",
    "PromotionFactory",
    "SubscriptionFactory",
    "catalog",
]


class PackageFactory(DjangoModelFactory):
    """A paid package by default (İLETİ-150 at its 2026 price)."""

    class Meta:
        model = Package
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"test-paket-{n}")
    name = factory.Sequence(lambda n: f"TEST-{n}")
    address_limit = 150_000
    yearly_net_price = Decimal("19212.50")
    vat_rate = Decimal("0.20")
    always_free = False
    is_quote_only = False
    is_active = True
    display_order = factory.Sequence(lambda n: 100 + n)


CATALOG = [
    # code, name, limit, net price, always free, quote only
    ("ileti-5", "İLETİ-5", 5_000, Decimal("0.00"), True, False),
    ("ileti-25", "İLETİ-25", 25_000, Decimal("2500.00"), False, False),
    ("ileti-75", "İLETİ-75", 75_000, Decimal("7500.00"), False, False),
    ("ileti-150", "İLETİ-150", 150_000, Decimal("19212.50"), False, False),
    ("ileti-250", "İLETİ-250", 250_000, Decimal("24569.17"), False, False),
    ("ileti-plus", "İLETİ+", None, Decimal("0.00"), False, True),
]


def catalog() -> dict[str, Package]:
    """The real catalog (codes as in domain.md), keyed by code; no promotion."""
    packages = {}
    for order, (code, name, limit, price, free, quote) in enumerate(CATALOG):
        packages[code] = PackageFactory(
            code=code,
            name=name,
            address_limit=limit,
            yearly_net_price=price,
            always_free=free,
            is_quote_only=quote,
            display_order=order,
        )
    return packages


class PromotionFactory(DjangoModelFactory):
    """An open promotion; pass ``packages=[...]``."""

    class Meta:
        model = Promotion
        skip_postgeneration_save = True

    name = "Ücretsiz paket kampanyası"
    starts_at = factory.LazyFunction(lambda: timezone.now() - timezone.timedelta(days=30))
    ends_at = factory.LazyFunction(lambda: timezone.now() + timezone.timedelta(days=60))

    @factory.post_generation
    def packages(self, create, extracted, **kwargs):
        if create and extracted:
            self.packages.set(extracted)


class ContractVersionFactory(DjangoModelFactory):
    class Meta:
        model = ContractVersion
        django_get_or_create = ("version",)

    version = factory.Sequence(lambda n: f"1.{n}")
    title = "İleti Yönetim Sistemi Paket Hizmet Sözleşmesi"
    text = "Madde 1 — Taraflar: İleti Yönetim Sistemi A.Ş. ile hizmet sağlayıcı (ığüşöç İĞÜŞÖÇ)."
    effective_from = factory.LazyFunction(lambda: date(2026, 1, 1))


_PATHS = {
    Order.Status.DRAFT: [],
    Order.Status.CONTRACT_ACCEPTED: [Order.Status.CONTRACT_ACCEPTED],
    Order.Status.AWAITING_PAYMENT: [Order.Status.CONTRACT_ACCEPTED, Order.Status.AWAITING_PAYMENT],
    Order.Status.AWAITING_TRANSFER: [
        Order.Status.CONTRACT_ACCEPTED,
        Order.Status.AWAITING_TRANSFER,
    ],
    Order.Status.FAILED: [
        Order.Status.CONTRACT_ACCEPTED,
        Order.Status.AWAITING_PAYMENT,
        Order.Status.FAILED,
    ],
    Order.Status.EXPIRED: [
        Order.Status.CONTRACT_ACCEPTED,
        Order.Status.AWAITING_TRANSFER,
        Order.Status.EXPIRED,
    ],
    Order.Status.PAID: [
        Order.Status.CONTRACT_ACCEPTED,
        Order.Status.AWAITING_PAYMENT,
        Order.Status.PAID,
    ],
    Order.Status.ACTIVE: [
        Order.Status.CONTRACT_ACCEPTED,
        Order.Status.AWAITING_PAYMENT,
        Order.Status.PAID,
        Order.Status.ACTIVE,
    ],
    Order.Status.CANCELLED: [Order.Status.CANCELLED],
}


def _purchasing_delegate(service_provider):
    from accounts.models import Membership

    return Membership.objects.create(
        user=UserFactory(),
        service_provider=service_provider,
        role=Membership.Role.DELEGATE,
        roles=["view", "purchasing"],
    ).user


class OrderFactory(DjangoModelFactory):
    """An order at any ``status`` with amounts computed from the package like the service does.

    ``OrderFactory(status="awaiting_payment")`` → a paid package (İLETİ-150 price), card chosen;
    ``"awaiting_transfer"`` also gets ``payment_due_at``. The history rows follow the pipeline.
    Note: an ``active`` order does not create a Subscription (use SubscriptionFactory(order=…)).
    """

    class Meta:
        model = Order
        skip_postgeneration_save = True

    class Params:
        free = factory.Trait(
            package=factory.SubFactory(
                PackageFactory, address_limit=5_000, yearly_net_price=Decimal("0.00")
            ),
            payment_method=Order.PaymentMethod.FREE,
        )

    code = factory.LazyFunction(order_codes.generate)
    service_provider = factory.SubFactory(ServiceProviderFactory)
    package = factory.SubFactory(PackageFactory)
    status = Order.Status.AWAITING_PAYMENT
    kind = Order.Kind.NEW
    phone_count = 1_000
    email_count = 2_000
    address_count = factory.LazyAttribute(lambda o: max(o.phone_count, o.email_count))
    net_amount = factory.LazyAttribute(lambda o: money(o.package.yearly_net_price))
    vat_amount = factory.LazyAttribute(lambda o: money(o.net_amount * o.package.vat_rate))
    credit_amount = Decimal("0.00")
    total_amount = factory.LazyAttribute(
        lambda o: money(o.net_amount + o.vat_amount - o.credit_amount)
    )
    payment_method = factory.LazyAttribute(
        lambda o: (
            Order.PaymentMethod.TRANSFER
            if o.status in (Order.Status.AWAITING_TRANSFER, Order.Status.EXPIRED)
            else Order.PaymentMethod.FREE
            if o.net_amount == 0
            else Order.PaymentMethod.CARD
            if o.status not in (Order.Status.DRAFT, Order.Status.CONTRACT_ACCEPTED)
            else ""
        )
    )
    payment_due_at = factory.LazyAttribute(
        lambda o: (
            timezone.now() + timezone.timedelta(days=7)
            if o.status == Order.Status.AWAITING_TRANSFER
            else (timezone.now() - timezone.timedelta(days=1))
            if o.status == Order.Status.EXPIRED
            else None
        )
    )
    # The company's first member, or a new delegate who may buy (never a new authorized
    # membership: a test may add the company's one authorized person later).
    created_by = factory.LazyAttribute(
        lambda o: (
            o.service_provider.memberships.first().user
            if o.service_provider.memberships.exists()
            else _purchasing_delegate(o.service_provider)
        )
    )
    paid_at = factory.LazyAttribute(
        lambda o: timezone.now() if o.status in (Order.Status.PAID, Order.Status.ACTIVE) else None
    )
    activated_at = factory.LazyAttribute(
        lambda o: timezone.now() if o.status == Order.Status.ACTIVE else None
    )

    @factory.post_generation
    def history(self, create, extracted, **kwargs):
        if not create:
            return
        rows = [
            OrderTransition(
                order=self, from_status="", to_status=Order.Status.DRAFT, actor=self.created_by
            )
        ]
        previous = Order.Status.DRAFT
        for status in _PATHS[self.status]:
            rows.append(
                OrderTransition(
                    order=self, from_status=previous, to_status=status, actor=self.created_by
                )
            )
            previous = status
        OrderTransition.objects.bulk_create(rows)


class ContractAcceptanceFactory(DjangoModelFactory):
    class Meta:
        model = ContractAcceptance

    order = factory.SubFactory(OrderFactory, status=Order.Status.CONTRACT_ACCEPTED)
    contract_version = factory.SubFactory(ContractVersionFactory)
    accepted_by = factory.LazyAttribute(lambda a: a.order.created_by)
    ip_address = "127.0.0.1"
    user_agent = "pytest"


class SubscriptionFactory(DjangoModelFactory):
    """An active subscription that started ``starts_at`` (default: 30 days ago) for one year."""

    class Meta:
        model = Subscription

    service_provider = factory.SubFactory(ServiceProviderFactory)
    package = factory.SubFactory(PackageFactory)
    order = None
    status = Subscription.Status.ACTIVE
    starts_at = factory.LazyFunction(lambda: timezone.now() - timezone.timedelta(days=30))
    ends_at = factory.LazyAttribute(
        lambda s: (
            s.starts_at.replace(year=s.starts_at.year + 1)
            if not (s.starts_at.month == 2 and s.starts_at.day == 29)
            else s.starts_at.replace(year=s.starts_at.year + 1, day=28)
        )
    )
