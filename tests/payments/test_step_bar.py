"""The purchase's step bar is one include: every checkout page shows the same steps, ending
with «Tamamla», with the page's own step current and the earlier ones done."""

import re

import pytest
from django.urls import reverse

from packages.models import Order
from payments.services.transfer import bank_transfer_choose
from tests.factories import BankAccountFactory, OrderFactory

pytestmark = pytest.mark.django_db
S = Order.Status
PAID_STEPS = ["Paket Seçimi", "Sözleşme Onay", "Ödeme Adımı", "Tamamla"]


def step_bar(html: str) -> list[tuple[str, str]]:
    """(step, state) in order: state is "current", "done" or ""."""
    bar = html.split('<ol class="steps"')[1].split("</ol>")[0]
    steps = []
    for attrs, label in re.findall(r"<li([^>]*)>([^<]+)</li>", bar):
        state = "current" if 'aria-current="step"' in attrs else "done" if "done" in attrs else ""
        steps.append((label.strip(), state))
    return steps


def test_payment_pages_show_the_whole_bar_with_the_payment_step_current(provider_client, provider):
    BankAccountFactory()
    expected = list(zip(PAID_STEPS, ["done", "done", "current", ""], strict=True))
    order = OrderFactory(service_provider=provider, status=S.CONTRACT_ACCEPTED)
    for name in ("payments:step", "payments:transfer_choose"):
        html = provider_client.get(reverse(name, args=[order.code])).content.decode()
        assert step_bar(html) == expected, name
    bank_transfer_choose(order_id=order.pk, actor=order.created_by)
    html = provider_client.get(
        reverse("payments:transfer_instructions", args=[order.code])
    ).content.decode()
    assert step_bar(html) == expected


def test_package_choice_page_shows_the_same_bar(provider_client):
    html = provider_client.get(reverse("packages:purchase")).content.decode()
    assert step_bar(html) == list(zip(PAID_STEPS, ["current", "", "", ""], strict=True))
