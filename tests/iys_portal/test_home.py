"""Home page after login: the active package and its end date, orders in progress with their
next step, İLETİ+ offers, pending delegate requests; a person without a membership sees their
own authorization requests. Constant query count."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuthorizationRequest
from packages.models import Order, QuoteRequest
from tests.factories import (
    AuthorizationRequestFactory,
    OrderFactory,
    ServiceProviderFactory,
    SubscriptionFactory,
    delegate_with_roles,
)

pytestmark = pytest.mark.django_db
HOME = reverse("home")
S = Order.Status


def _grow(provider, n):
    for _ in range(n):
        OrderFactory(service_provider=provider, status=S.AWAITING_TRANSFER)
        OrderFactory(service_provider=provider, status=S.FAILED)
        OrderFactory(service_provider=provider, status=S.ACTIVE)  # not in progress
        AuthorizationRequestFactory(service_provider=provider)


def test_home_shows_package_end_date_orders_with_next_step_and_requests(provider_client, provider):
    sub = SubscriptionFactory(service_provider=provider)
    waiting = OrderFactory(service_provider=provider, status=S.AWAITING_TRANSFER)
    draft = OrderFactory(service_provider=provider, status=S.DRAFT)
    done = OrderFactory(service_provider=provider, status=S.ACTIVE)
    request = AuthorizationRequestFactory(service_provider=provider, applicant_first_name="Zeynep")
    page = provider_client.get(HOME).content.decode()
    package = page[page.index('data-testid="home-package"') :]
    assert sub.package.name in package
    assert f"Bitiş: {timezone.localtime(sub.ends_at):%-d}" in package
    row = page[page.index(f'data-testid="home-order-{waiting.code}"') :]
    row = row[: row.index("</tr>")]
    assert "Havale/EFT yapın" in row
    assert reverse("payments:transfer_instructions", args=[waiting.code]) in row
    row = page[page.index(f'data-testid="home-order-{draft.code}"') :]
    assert "Sözleşmeyi onaylayın" in row[: row.index("</tr>")]
    assert f'data-testid="home-order-{done.code}"' not in page
    requests = page[page.index('data-testid="home-requests"') :]
    assert request.applicant_full_name in requests


def test_a_delegate_does_not_see_delegate_requests(client, provider):
    from tests.conftest import login_as

    AuthorizationRequestFactory(service_provider=provider)
    login_as(client, delegate_with_roles(provider).user, provider)
    page = client.get(HOME).content.decode()
    assert 'data-testid="home-overview"' in page
    assert 'data-testid="home-requests"' not in page


def test_home_shows_an_offer_waiting_for_an_answer(provider_client, provider, authorized_user):
    QuoteRequest.objects.create(
        service_provider=provider,
        phone_count=1,
        email_count=300_000,
        address_count=300_000,
        contact_email="a@example.com",
        created_by=authorized_user,
        status=QuoteRequest.Status.OFFERED,
        offer_net_amount=Decimal("40000.00"),
        offer_valid_until=timezone.localdate() + timedelta(days=3),
        offered_at=timezone.now(),
    )
    page = provider_client.get(HOME).content.decode()
    assert "48.000,00\u00a0₺" in page[page.index('data-testid="home-offers"') :]


def test_home_query_count_does_not_grow(provider_client, provider):
    SubscriptionFactory(service_provider=provider)
    _grow(provider, 2)
    provider_client.get(HOME)
    with CaptureQueriesContext(connection) as first:
        provider_client.get(HOME)
    _grow(provider, 2)
    with CaptureQueriesContext(connection) as second:
        page = provider_client.get(HOME).content.decode()
    assert len(second.captured_queries) == len(first.captured_queries)
    assert page.count('data-testid="home-order-') == 8


def test_a_person_without_membership_sees_their_own_requests(client, db):
    from accounts.views import SESSION_REFUSED_NAME_KEY, SESSION_REFUSED_TCKN_KEY

    mine = AuthorizationRequestFactory(
        applicant_tckn="10000000146",
        service_provider=ServiceProviderFactory(title="Anadolu Tekstil A.Ş."),
        status=AuthorizationRequest.Status.SUBMITTED,
    )
    someone_else = AuthorizationRequestFactory(applicant_tckn="12345678950")
    session = client.session
    session[SESSION_REFUSED_NAME_KEY] = "Ayşe Yılmaz"
    session[SESSION_REFUSED_TCKN_KEY] = "10000000146"
    session.save()
    page = client.get(reverse("accounts:no_membership")).content.decode()
    row = page[page.index(f'data-testid="own-request-{mine.number}"') :]
    assert "Anadolu Tekstil A.Ş." in row and "İncelemede" in row
    assert "destek ekibinde inceleniyor" in row
    assert someone_else.number not in page


def test_home_shows_the_measured_address_count_against_the_package(
    provider_client, provider, authorized_user
):
    from tests.consents.test_address_count import phone
    from tests.factories import BrandFactory, PackageFactory

    SubscriptionFactory(
        service_provider=provider, package=PackageFactory(name="İLETİ-10", address_limit=10)
    )
    brand = BrandFactory(service_provider=provider)
    for i in range(4):
        phone(provider, brand, authorized_user, i)
    page = provider_client.get(HOME).content.decode()
    card = page[page.index('data-testid="home-address-count"') :]
    assert 'data-testid="gauge-phones"' in card and "Onaylı telefon numarası: 4 (%40)" in card
    assert 'max="10"' in card and 'value="4"' in card
    for i in range(4, 12):
        phone(provider, brand, authorized_user, i)
    page = provider_client.get(HOME).content.decode()
    assert "Adres sayınız paketinizin sınırını aştı." in page
