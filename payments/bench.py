"""Benchmark data of payments (``bench_data``): a company (not the measured one, whose pages
stay as they are) with an order awaiting card payment, for the card installment lookup, and
its authorized person's session cookie (``card``)."""

from datetime import timedelta

from django.utils import timezone

from accounts.bench import session_cookie
from accounts.models import Membership, ServiceProvider
from packages import order_codes
from packages.models import Order, Package


def seed(*, providers: int, context: dict) -> None:
    # The third company: the second has a bank transfer order (packages.bench), the first is
    # the measured company.
    company = ServiceProvider.objects.order_by("pk")[2:3].first()
    if company is None:
        return
    person = (
        Membership.objects.select_related("user")
        .get(service_provider=company, role=Membership.Role.AUTHORIZED)
        .user
    )
    order = Order.objects.filter(
        service_provider=company, status=Order.Status.AWAITING_PAYMENT
    ).first()
    if order is None:
        package = Package.objects.get(code="ileti-150")
        net = package.yearly_net_price
        vat = (net * package.vat_rate).quantize(net)
        order = Order.objects.create(
            code=order_codes.generate(),
            service_provider=company,
            package=package,
            status=Order.Status.AWAITING_PAYMENT,
            payment_method=Order.PaymentMethod.CARD,
            phone_count=120_000,
            email_count=140_000,
            address_count=140_000,
            net_amount=net,
            vat_amount=vat,
            total_amount=net + vat,
            payment_due_at=timezone.now() + timedelta(days=7),
            created_by=person,
        )
    context["card_order_code"] = order.code
    context["cookies"]["card"] = session_cookie(person, company)
