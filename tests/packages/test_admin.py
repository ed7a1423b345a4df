import pytest
from django.urls import reverse

from packages.models import Order, QuoteRequest
from tests.factories import (
    ContractAcceptanceFactory,
    OrderFactory,
    SubscriptionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_admin_lists_show_the_data(admin_client, packages, promotion, contract):
    order = OrderFactory(package=packages["ileti-150"])
    SubscriptionFactory(service_provider=order.service_provider, package=packages["ileti-75"])
    QuoteRequest.objects.create(
        service_provider=order.service_provider,
        phone_count=300000,
        email_count=1,
        address_count=300000,
        contact_email="teklif@example.com",
        created_by=order.created_by,
    )
    expected = {
        "package": "İLETİ-250",
        "promotion": promotion.name,
        "contractversion": contract.version,
        "order": order.code,
        "subscription": order.service_provider.title,
        "quoterequest": "teklif@example.com",
    }
    for model, text in expected.items():
        response = admin_client.get(reverse(f"admin:packages_{model}_changelist"))
        assert text in response.content.decode(), model


def test_order_admin_shows_history_and_is_read_only(admin_client):
    acceptance = ContractAcceptanceFactory()
    order = acceptance.order
    html = admin_client.get(reverse("admin:packages_order_change", args=[order.pk])).content
    html = html.decode()
    assert order.code in html and "Sözleşme onaylandı" in html and "127.0.0.1" in html
    assert 'name="status"' not in html  # state moves only through the services


def test_admin_cancel_action_uses_the_service(admin_client):
    order = ContractAcceptanceFactory().order
    active = ContractAcceptanceFactory(order__status=Order.Status.ACTIVE).order
    admin_client.post(
        reverse("admin:packages_order_changelist"),
        {"action": "cancel_orders", "_selected_action": [order.pk, active.pk]},
    )
    order.refresh_from_db()
    active.refresh_from_db()
    assert order.status == Order.Status.CANCELLED
    assert order.transitions.last().note == "Yönetim panelinden iptal."
    assert active.status == Order.Status.ACTIVE
