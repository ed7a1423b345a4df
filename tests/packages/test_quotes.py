"""İLETİ+ quote desk: Destek prices a request in the admin and sends the offer; the customer
accepts it in the portal and it continues like any order (priced on the server from the offer)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from iys_portal.errors import ApplicationError, PermissionDeniedError
from packages import quotes
from packages.models import Order, QuoteRequest
from packages.services import order_confirm_contract
from tests.factories import ServiceProviderFactory, make_staff, support_group

pytestmark = pytest.mark.django_db


@pytest.fixture
def clerk(db):
    support_group()
    from importlib import import_module

    from django.apps import apps

    import_module("packages.migrations.0004_support_quote_desk").grant(apps, None)
    return make_staff("Destek", first_name="Kemal", last_name="Sunar")


@pytest.fixture
def quote(provider, authorized_user):
    return QuoteRequest.objects.create(
        service_provider=provider,
        phone_count=300_000,
        email_count=420_000,
        address_count=420_000,
        contact_email="satin@example.com",
        created_by=authorized_user,
    )


def _offer(quote, clerk, net="45000.00", days=30):
    return quotes.quote_offer_send(
        quote_id=quote.pk,
        net_amount=net,
        valid_until=timezone.localdate() + timedelta(days=days),
        actor=clerk,
    )


def test_destek_sees_the_quote_desk_in_the_admin(client, clerk, quote):
    client.force_login(clerk)
    listing = client.get(reverse("admin:packages_quoterequest_changelist"))
    assert listing.status_code == 200
    assert quote.service_provider.title in listing.content.decode()
    page = client.get(reverse("admin:packages_quoterequest_change", args=[quote.pk]))
    assert page.status_code == 200
    assert "Teklifi gönder" in page.content.decode()


def test_destek_prices_and_sends_the_offer_through_the_admin(client, clerk, quote):
    client.force_login(clerk)
    until = timezone.localdate() + timedelta(days=20)
    response = client.post(
        reverse("admin:packages_quoterequest_offer", args=[quote.pk]),
        {"net_amount": "45.000,00", "valid_until": until.isoformat(), "note": "Yıllık"},
        follow=True,
    )
    assert "Teklif gönderildi: 54.000,00\u00a0₺" in response.content.decode()
    quote.refresh_from_db()
    assert quote.status == QuoteRequest.Status.OFFERED
    assert (quote.offer_net_amount, quote.offer_total) == (Decimal("45000.00"), Decimal("54000.00"))
    assert (quote.offered_by, quote.offer_valid_until) == (clerk, until)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"net_amount": "abc"}, "Geçerli bir tutar giriniz"),
        ({"net_amount": "0"}, "Tutar sıfırdan büyük olmalıdır."),
        ({"net_amount": "-5"}, "Tutar sıfırdan büyük olmalıdır."),
        ({"net_amount": "100", "valid_until": "dün"}, "Geçerli bir tarih giriniz."),
        ({"net_amount": "100", "valid_until": "2020-01-01"}, "bugünden önce olamaz"),
    ],
)
def test_bad_offer_input_says_why_and_changes_nothing(client, clerk, quote, data, message):
    client.force_login(clerk)
    data = {"valid_until": (timezone.localdate() + timedelta(days=5)).isoformat(), **data}
    response = client.post(
        reverse("admin:packages_quoterequest_offer", args=[quote.pk]), data, follow=True
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    quote.refresh_from_db()
    assert quote.status == QuoteRequest.Status.OPEN and quote.offer_net_amount is None


def test_staff_without_the_quote_desk_get_the_admins_own_403(client, quote):
    clerk = make_staff("Muhasebe")
    from django.contrib.auth.models import Permission

    clerk.user_permissions.add(Permission.objects.get(codename="view_quoterequest"))
    client.force_login(clerk)
    response = client.post(
        reverse("admin:packages_quoterequest_offer", args=[quote.pk]),
        {"net_amount": "100", "valid_until": "2099-01-01"},
    )
    assert response.status_code == 403
    page = response.content.decode()
    assert "Yönetim paneline dön" in page and 'id="site-name"' in page
    assert "e-Devlet ile Giriş" not in page  # not the portal's page
    quote.refresh_from_db()
    assert quote.status == QuoteRequest.Status.OPEN


def test_a_portal_user_cannot_send_an_offer(quote, authorized_user):
    with pytest.raises(PermissionDeniedError):
        _offer(quote, authorized_user)


def test_customer_accepts_the_offer_and_it_is_priced_from_the_offer(
    provider_client, provider, clerk, quote, packages, contract
):
    _offer(quote, clerk)
    manage = provider_client.get(reverse("packages:manage")).content.decode()
    assert (
        "54.000,00\u00a0₺" in manage and "Teklifi veren: Destek" in manage and "Kemal" not in manage
    )
    response = provider_client.post(reverse("packages:quote_accept", args=[quote.pk]))
    order = Order.objects.get(service_provider=provider, status=Order.Status.DRAFT)
    assert response["Location"] == reverse("packages:contract", args=[order.code])
    assert order.package == packages["ileti-plus"]
    assert (order.net_amount, order.vat_amount, order.total_amount) == (
        Decimal("45000.00"),
        Decimal("9000.00"),
        Decimal("54000.00"),
    )
    # Accepting twice gives the same order.
    again = quotes.quote_offer_accept(
        service_provider=provider, quote_id=quote.pk, actor=quote.created_by
    )
    assert again == order
    # Sözleşme Onay re-prices from the offer (not from the catalog, where İLETİ+ has no price).
    order, _ = order_confirm_contract(
        order_id=order.pk, contract_version_id=contract.pk, actor=quote.created_by
    )
    assert order.status == Order.Status.CONTRACT_ACCEPTED
    assert order.total_amount == Decimal("54000.00")


def test_an_expired_offer_cannot_be_accepted(provider, clerk, quote, packages, authorized_user):
    _offer(quote, clerk, days=1)
    QuoteRequest.objects.filter(pk=quote.pk).update(
        offer_valid_until=timezone.localdate() - timedelta(days=1)
    )
    with pytest.raises(ApplicationError, match="geçerlilik süresi doldu"):
        quotes.quote_offer_accept(
            service_provider=provider, quote_id=quote.pk, actor=authorized_user
        )
    assert not Order.objects.exists()


def test_an_open_request_without_an_offer_cannot_be_accepted(provider_client, quote, packages):
    response = provider_client.post(reverse("packages:quote_accept", args=[quote.pk]), follow=True)
    assert "Bu talep için geçerli bir teklif yok." in response.content.decode()
    assert not Order.objects.exists()


def test_another_companys_offer_is_not_found(provider_client, clerk, packages):
    other = ServiceProviderFactory()
    from tests.factories import MembershipFactory

    foreign = QuoteRequest.objects.create(
        service_provider=other,
        phone_count=1,
        email_count=300_000,
        address_count=300_000,
        contact_email="x@example.com",
        created_by=MembershipFactory(service_provider=other).user,
    )
    _offer(foreign, clerk)
    response = provider_client.post(reverse("packages:quote_accept", args=[foreign.pk]))
    assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.status == QuoteRequest.Status.OFFERED and not Order.objects.exists()


def test_the_offer_is_emailed_once_signed_by_destek(
    clerk, quote, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _offer(quote, clerk)
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["satin@example.com"]
    assert message.subject == "İLETİ+ teklifiniz hazır"
    assert "54.000,00\u00a0₺" in message.body and "Destek" in message.body
    assert "Kemal" not in message.body
    # A retried task sends nothing twice.
    assert quotes.quote_offer_email(quote_id=quote.pk) is False
    assert len(mailoutbox) == 1
