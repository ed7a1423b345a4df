"""Benchmark data of packages (``bench_data``): the catalog, the measured company's active
İLETİ-150, and a bank transfer awaiting accounting for every 10th company. Rows are inserted
directly: this is load data, not a user's action."""

from datetime import timedelta

from django.utils import timezone

from accounts.models import ServiceProvider

from . import order_codes
from .demo import VAT, catalog_seed
from .models import Order, Subscription

BATCH = 2000


def seed(*, providers: int, context: dict) -> None:
    measured, person = context["measured"], context["person"]
    if Subscription.objects.filter(service_provider=measured).exists():
        return
    ileti150 = catalog_seed()["ileti-150"]
    now = timezone.now()
    Subscription.objects.create(
        service_provider=measured,
        package=ileti150,
        status=Subscription.Status.ACTIVE,
        starts_at=now - timedelta(days=30),
        ends_at=now + timedelta(days=335),
    )
    net = ileti150.yearly_net_price
    vat = (net * VAT).quantize(net)
    others = ServiceProvider.objects.exclude(pk=measured.pk).order_by("pk")[::10]
    Order.objects.bulk_create(
        [
            Order(
                code=order_codes.generate(),
                service_provider=provider,
                package=ileti150,
                status=Order.Status.AWAITING_TRANSFER,
                payment_method=Order.PaymentMethod.TRANSFER,
                phone_count=120_000,
                email_count=140_000 if n % 2 else 90_000,
                address_count=140_000 if n % 2 else 120_000,
                net_amount=net,
                vat_amount=vat,
                total_amount=net + vat,
                payment_due_at=now + timedelta(days=n % 7),
                created_by=person,
            )
            for n, provider in enumerate(others)
        ],
        batch_size=BATCH,
    )
