"""Helpers for card payment tests: the form a person fills, and the bank step."""

import re
from decimal import Decimal

from django.test import Client
from django.urls import reverse

from packages.models import Order
from tests.factories import OrderFactory, PackageFactory

SUCCESS_CARD = "5528790000000008"
INSUFFICIENT_FUNDS_CARD = "4111111111111129"
MD_STATUS_0_CARD = "4131111111111117"
MD_STATUS_4_CARD = "4141111111111115"
TOTAL = Decimal("23055.00")


def payable_order(provider, status=Order.Status.CONTRACT_ACCEPTED, **kwargs) -> Order:
    package = PackageFactory(name="İLETİ-150", code="ileti-150")
    return OrderFactory(service_provider=provider, package=package, status=status, **kwargs)


def card_form(number=SUCCESS_CARD, installment=1, **overrides) -> dict:
    data = {
        "holder_name": "Ayşe Yılmaz",
        "card_number": number,
        "expiry": "12/30",
        "cvc": "123",
        "installment": str(installment),
    }
    data.update(overrides)
    return data


def pay(client, order, **form):
    return client.post(reverse("payments:pay", args=[order.code]), card_form(**form))


def bank_payment_id(html: str) -> str:
    match = re.search(r"(?:banka-simulatoru|acs)/(\d+)", html)
    assert match, html
    return match.group(1)


def hidden_fields(html: str) -> dict:
    return dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', html))


def fake_bank_approve(client, start_html: str, *, approve: bool = True) -> dict:
    """The simulated bank page: «Doğrula» (or «İptal»); returns the fields it posts back."""
    url = reverse("payments:fake_bank", args=[bank_payment_id(start_html)])
    page = client.get(url)
    assert "BANKA 3-D SECURE SİMÜLATÖRÜ" in page.content.decode()
    response = client.post(url, {"action": "approve" if approve else "cancel"})
    return hidden_fields(response.content.decode())


def post_callback(fields: dict):
    """The bank posts the browser back: a cross-site POST, without the portal's cookies."""
    return Client(enforce_csrf_checks=True).post(reverse("payments:callback"), fields)
