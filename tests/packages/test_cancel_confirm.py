"""Cancelling an order asks first (it cannot be undone; a transfer may be on its way)."""

import pytest
from django.urls import reverse

from packages.models import Order
from tests.factories import OrderFactory

pytestmark = pytest.mark.django_db


def test_cancel_asks_first_and_warns_about_a_transfer_on_its_way(provider_client, provider):
    order = OrderFactory(service_provider=provider, status=Order.Status.AWAITING_TRANSFER)
    url = reverse("packages:cancel", args=[order.code])
    manage = provider_client.get(reverse("packages:manage")).content.decode()
    assert f'href="{url}"' in manage  # a link to the question, not a one-click form
    page = provider_client.get(url).content.decode()
    assert 'data-testid="transfer-warning"' in page and "Evet, siparişi iptal et" in page
    order.refresh_from_db()
    assert order.status == Order.Status.AWAITING_TRANSFER
    provider_client.post(url)
    order.refresh_from_db()
    assert order.status == Order.Status.CANCELLED


def test_cancel_of_another_companys_order_is_not_found(provider_client):
    foreign = OrderFactory(status=Order.Status.AWAITING_TRANSFER)
    url = reverse("packages:cancel", args=[foreign.code])
    assert provider_client.get(url).status_code == 404
    assert provider_client.post(url).status_code == 404
    foreign.refresh_from_db()
    assert foreign.status == Order.Status.AWAITING_TRANSFER
