"""Checkout and Paket Yönetimi through the Django test client."""

from decimal import Decimal

import pytest
from django.urls import reverse

from packages.models import ContractAcceptance, Order, QuoteRequest, Subscription
from tests.factories import (
    ContractAcceptanceFactory,
    OrderFactory,
    SubscriptionFactory,
)
from tests.tenancy import assert_foreign_404

S = Order.Status
pytestmark = pytest.mark.django_db

PURCHASE = reverse("packages:purchase")
MANAGE = reverse("packages:manage")


def contract_url(order):
    return reverse("packages:contract", kwargs={"code": order.code})


def choose(client, package, phones=0, emails=0, **extra):
    return client.post(
        PURCHASE, {"package": package.pk, "phone_count": phones, "email_count": emails, **extra}
    )


def test_sizing_helper_guide_example_recommends_ileti_250(provider_client, packages):
    response = provider_client.get(PURCHASE, {"phone_count": 150000, "email_count": 200000})
    html = response.content.decode()
    assert response.context["sizing"].address_count == 200_000
    assert response.context["sizing"].package == packages["ileti-250"]
    assert "Adres sayınız: 200.000" in html
    assert "en küçük paket İLETİ-250" in html
    recommended = [r["package"].code for r in response.context["rows"] if r["recommended"]]
    assert recommended == ["ileti-250"]
    too_small = {r["package"].code for r in response.context["rows"] if r["too_small"]}
    assert too_small == {"ileti-5", "ileti-25", "ileti-75", "ileti-150"}


def test_sizing_helper_answers_htmx_with_the_catalog_fragment(provider_client, packages):
    response = provider_client.get(
        PURCHASE, {"phone_count": 300001, "email_count": 0}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert "<html" not in html and 'id="catalog"' in html
    assert "İLETİ+ için fiyat teklifi isteyiniz" in html
    assert "Teklif İste" in html


@pytest.mark.parametrize("typed", ["150.000", "150 000", "150\u00a0000", "150000"])
@pytest.mark.parametrize("htmx", [False, True])
def test_sizing_helper_reads_turkish_thousands(provider_client, packages, typed, htmx):
    """Issue 11 point 10: «150.000» was read as 150 and İLETİ-5 recommended."""
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    response = provider_client.get(PURCHASE, {"phone_count": typed, "email_count": ""}, **headers)
    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["sizing"].address_count == 150_000
    assert response.context["sizing"].package == packages["ileti-150"]
    assert "Telefon (150.000)" in html and "Adres sayınız: 150.000" in html
    # What travels on to «Seç» is the number itself.
    assert 'name="phone_count" value="150000"' in html


def test_sizing_helper_keeps_what_was_typed_in_the_fields(provider_client, packages):
    html = provider_client.get(PURCHASE, {"phone_count": "1.500", "email_count": "2500"}).content
    html = html.decode()
    assert 'name="phone_count" value="1.500"' in html
    assert 'name="email_count" value="2500"' in html
    assert 'inputmode="numeric"' in html and 'type="number"' not in html


@pytest.mark.parametrize(
    ("typed", "error"),
    [
        ("2.000.000.000", "En fazla 1.000.000.000 girebilirsiniz."),
        ("150,5", "Sayıyı küsuratsız olarak 150.000, 150 000 ya da 150000 biçiminde giriniz."),
        ("çok", "Sayıyı küsuratsız olarak 150.000, 150 000 ya da 150000 biçiminde giriniz."),
        ("-5", "Sayı negatif olamaz."),
    ],
)
@pytest.mark.parametrize("htmx", [False, True])
def test_sizing_helper_shows_only_the_error_for_a_bad_count(
    provider_client, packages, typed, error, htmx
):
    """Not «Adres sayınız: 0 … İLETİ-5» next to the error (full page), nor İLETİ-5 without
    any error (htmx)."""
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    response = provider_client.get(PURCHASE, {"phone_count": typed, "email_count": "10"}, **headers)
    html = response.content.decode()
    assert response.status_code == 200
    assert error in html
    assert 'id="id_phone_count_errors"' in html
    assert "Adres sayınız:" not in html and 'data-testid="sizing-result"' not in html
    assert not [r for r in response.context["rows"] if r["recommended"]]
    if htmx:
        assert 'hx-swap-oob="innerHTML"' in html and "<html" not in html


def test_contract_acceptance_records_the_client_behind_our_proxy(
    provider_client, packages, promotion, contract, settings
):
    """The acceptance records the same address the rate limits count (iys_portal.client_ip)."""
    settings.TRUSTED_PROXIES = ["10.0.0.1"]
    response = choose(provider_client, packages["ileti-25"], phones=12000, emails=9000)
    order = Order.objects.get(service_provider__memberships__user=response.wsgi_request.user)
    provider_client.post(
        contract_url(order),
        {"contract_version": contract.pk, "accept": "on"},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9",
    )
    assert ContractAcceptance.objects.get(order=order).ip_address == "203.0.113.9"


def test_free_journey_in_the_client(provider_client, packages, promotion, contract):
    response = choose(provider_client, packages["ileti-25"], phones=12000, emails=9000)
    order = Order.objects.get(service_provider__memberships__user=response.wsgi_request.user)
    assert response.status_code == 302 and response.url == contract_url(order)
    assert order.status == S.DRAFT and order.total_amount == 0 and order.address_count == 12000

    page = provider_client.get(contract_url(order)).content.decode()
    assert "Sözleşme Onay" in page and contract.text[:20] in page and "Tamamla" in page

    response = provider_client.post(
        contract_url(order),
        {"contract_version": contract.pk, "accept": "on"},
        HTTP_USER_AGENT="Tarayıcı/1.0",
        REMOTE_ADDR="203.0.113.9",
    )
    assert response.status_code == 302 and response.url == MANAGE
    order.refresh_from_db()
    assert order.status == S.ACTIVE and order.payment_method == "free"
    acceptance = ContractAcceptance.objects.get(order=order)
    assert (acceptance.contract_version, acceptance.ip_address, acceptance.user_agent) == (
        contract,
        "203.0.113.9",
        "Tarayıcı/1.0",
    )
    assert acceptance.accepted_by == response.wsgi_request.user

    page = provider_client.get(MANAGE).content.decode()
    assert "İLETİ-25 paketiniz etkinleştirildi." in page
    assert 'data-testid="active-package-name">İLETİ-25<' in page
    assert "12.000" in page


def test_double_tamamla_activates_once(provider_client, packages, contract):
    choose(provider_client, packages["ileti-5"])
    order = Order.objects.get()
    data = {"contract_version": contract.pk, "accept": "on"}
    first = provider_client.post(contract_url(order), data)
    second = provider_client.post(contract_url(order), data)
    assert first.status_code == second.status_code == 302
    assert Subscription.objects.filter(order=order).count() == 1
    assert order.transitions.filter(to_status=S.ACTIVE).count() == 1


def test_contract_must_be_accepted(provider_client, packages, contract):
    choose(provider_client, packages["ileti-5"])
    order = Order.objects.get()
    response = provider_client.post(contract_url(order), {"contract_version": contract.pk})
    assert response.status_code == 200
    assert "Devam etmek için sözleşmeyi onaylamanız gerekir." in response.content.decode()
    order.refresh_from_db()
    assert order.status == S.DRAFT and not ContractAcceptance.objects.exists()


def test_stale_or_tampered_contract_version_changes_nothing(provider_client, packages, contract):
    choose(provider_client, packages["ileti-5"])
    order = Order.objects.get()
    response = provider_client.post(
        contract_url(order), {"contract_version": contract.pk + 99, "accept": "on"}
    )
    assert "güncel metni okuyup yeniden onaylayınız" in response.content.decode()
    order.refresh_from_db()
    assert order.status == S.DRAFT and not Subscription.objects.exists()


def test_paid_package_goes_to_the_payment_step(provider_client, packages, contract):
    choose(provider_client, packages["ileti-150"], emails=100000)
    order = Order.objects.get()
    assert order.total_amount == Decimal("23055.00")
    page = provider_client.get(contract_url(order)).content.decode()
    assert "23.055,00\u00a0₺" in page and "Ödeme Adımı" in page
    response = provider_client.post(
        contract_url(order), {"contract_version": contract.pk, "accept": "on"}
    )
    assert response.status_code == 302 and response.url == f"/odeme/{order.code}/"
    order.refresh_from_db()
    assert order.status == S.CONTRACT_ACCEPTED and not Subscription.objects.exists()
    # Coming back to the contract URL moves forward to the payment step, not a second acceptance.
    again = provider_client.get(contract_url(order))
    assert again.url == f"/odeme/{order.code}/"


def test_tampered_price_fields_change_nothing(provider_client, packages, contract):
    response = choose(
        provider_client,
        packages["ileti-150"],
        total_amount="1.00",
        net_amount="1.00",
        price="0",
        credit_amount="99999",
    )
    assert response.status_code == 302
    order = Order.objects.get()
    assert (order.net_amount, order.vat_amount, order.credit_amount, order.total_amount) == (
        Decimal("19212.50"),
        Decimal("3842.50"),
        Decimal("0.00"),
        Decimal("23055.00"),
    )


def test_package_below_address_count_cannot_be_chosen(provider_client, packages):
    response = choose(provider_client, packages["ileti-25"], phones=25001, emails=10)
    assert response.status_code == 200
    assert "adres sınırı (25.000) adres sayınızdan (25.001) küçük" in response.content.decode()
    assert not Order.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {"package": "abc"},
        {"package": "999999"},
        {"package": "1", "phone_count": "-5"},
        {"package": "1", "email_count": "çok"},
        {},
    ],
)
def test_malformed_choices_get_a_message_not_a_500(provider_client, packages, data):
    response = provider_client.post(PURCHASE, data)
    assert response.status_code == 200
    assert 'class="message message-error"' in response.content.decode()
    assert not Order.objects.exists()


def test_quote_only_package_cannot_be_ordered(provider_client, packages):
    response = choose(provider_client, packages["ileti-plus"], phones=400000)
    assert "fiyat teklifi isteyiniz" in response.content.decode()
    assert not Order.objects.exists()


def test_quote_request_is_recorded_for_support(provider_client, packages, provider):
    response = provider_client.post(
        reverse("packages:quote"),
        {
            "phone_count": 400000,
            "email_count": 10,
            "contact_email": "bt@example.com",
            "contact_phone": "0212 555 01 01",
        },
    )
    assert response.status_code == 302
    quote = QuoteRequest.objects.get()
    assert (quote.service_provider, quote.address_count, quote.contact_phone) == (
        provider,
        400000,
        "+902125550101",
    )


def test_step_cannot_be_skipped_to_the_payment_step_state(provider_client, packages, contract):
    """The contract step of a draft order shows the contract; it never jumps to payment."""
    choose(provider_client, packages["ileti-150"])
    order = Order.objects.get()
    response = provider_client.get(contract_url(order))
    assert response.status_code == 200 and response.context["order"] == order


def test_closed_orders_leave_the_checkout(provider_client, provider):
    order = OrderFactory(service_provider=provider, status=S.CANCELLED)
    response = provider_client.get(contract_url(order))
    assert response.status_code == 302 and response.url == MANAGE


def test_back_keeps_the_choices(provider_client, packages, contract):
    choose(provider_client, packages["ileti-75"], phones=60000, emails=70000)
    order = Order.objects.get()
    response = provider_client.get(PURCHASE, {"siparis": order.code})
    assert response.context["form"]["phone_count"].value() == "60.000"
    assert response.context["form"]["email_count"].value() == "70.000"
    chosen = [r["package"].code for r in response.context["rows"] if r["chosen"]]
    assert chosen == ["ileti-75"]
    # Choosing again updates the same draft instead of making a second order.
    choose(provider_client, packages["ileti-150"], phones=60000, emails=70000)
    assert Order.objects.get().package == packages["ileti-150"]


def test_delegate_sees_but_cannot_buy(delegate_client, packages):
    page = delegate_client.get(MANAGE).content.decode()
    assert "Paket Yönetimi" in page and "Paket değiştir" not in page
    assert delegate_client.get(PURCHASE).status_code == 403
    assert choose(delegate_client, packages["ileti-5"]).status_code == 403


def test_foreign_orders_are_404(foreign_client, provider):
    order = OrderFactory(service_provider=provider, status=S.DRAFT)
    accepted = ContractAcceptanceFactory(order__service_provider=provider).order
    assert_foreign_404(foreign_client, contract_url(order))
    assert_foreign_404(foreign_client, contract_url(order), method="post", data={"accept": "on"})
    assert_foreign_404(
        foreign_client, reverse("packages:contract_pdf", kwargs={"code": accepted.code})
    )
    assert_foreign_404(
        foreign_client, reverse("packages:cancel", kwargs={"code": order.code}), method="post"
    )
    assert_foreign_404(foreign_client, PURCHASE + f"?siparis={order.code}")
    order.refresh_from_db()
    assert order.status == S.DRAFT


def test_manage_shows_orders_in_progress_and_past(provider_client, provider):
    sub = SubscriptionFactory(service_provider=provider)
    waiting = OrderFactory(service_provider=provider, status=S.AWAITING_TRANSFER)
    done = ContractAcceptanceFactory(order__service_provider=provider, order__status=S.ACTIVE)
    response = provider_client.get(MANAGE)
    overview = response.context["overview"]
    assert overview.subscription == sub
    assert overview.orders_in_progress == [waiting]
    assert overview.orders_past == [done.order]
    html = response.content.decode()
    assert waiting.code in html and "Banka transferi bekleniyor" in html
    assert waiting.payment_due_at.strftime("%Y") in html
    assert reverse("packages:contract_pdf", kwargs={"code": done.order.code}) in html
    assert "Temel Hizmetler" in html and "Paket değiştir" in html


@pytest.mark.parametrize("n", [2, 4])
def test_manage_query_count_does_not_grow(provider_client, provider, django_assert_num_queries, n):
    """Run at N and 2N orders: the assertion is the same number."""
    SubscriptionFactory(service_provider=provider)
    for _ in range(n):
        OrderFactory(service_provider=provider, status=S.AWAITING_TRANSFER)
        ContractAcceptanceFactory(order__service_provider=provider, order__status=S.ACTIVE)
    provider_client.get(MANAGE)  # warm the session
    with django_assert_num_queries(QUERIES_MANAGE):
        response = provider_client.get(MANAGE)
    assert len(response.context["overview"].orders_past) == n


QUERIES_MANAGE = 8  # + the İLETİ+ offers, the measured address count and its open notices


def test_the_rendered_choice_form_posts_back_the_exact_counts(provider_client, packages):
    """Hidden inputs must not carry Turkish thousand separators ("20.000" would read as 20)."""
    import re

    html = provider_client.get(PURCHASE, {"phone_count": 12000, "email_count": 20000}).content
    form = re.search(
        rb'<form method="post" action="/paket/satin-al/" data-once>(.*?)</form>',
        html.split(b'data-testid="package-ileti-25"')[1],
        re.S,
    ).group(1)
    data = dict(re.findall(rb'name="(\w+)" value="([^"]*)"', form))
    response = provider_client.post(PURCHASE, {k.decode(): v.decode() for k, v in data.items()})
    assert response.status_code == 302
    order = Order.objects.get()
    assert (order.package, order.phone_count, order.email_count, order.address_count) == (
        packages["ileti-25"],
        12000,
        20000,
        20000,
    )


def test_upgrade_credit_is_shown_before_paying(provider_client, provider, packages, contract):
    old_order = OrderFactory(
        service_provider=provider, package=packages["ileti-150"], status=S.ACTIVE
    )
    SubscriptionFactory(service_provider=provider, package=packages["ileti-150"], order=old_order)
    choose(provider_client, packages["ileti-250"], emails=200000)
    order = Order.objects.get(status=S.DRAFT)
    assert order.kind == Order.Kind.UPGRADE and order.credit_amount > 0
    html = provider_client.get(contract_url(order)).content.decode()
    assert "İLETİ-150 paketinizin kullanılmayan süresi" in html
    assert (
        f"−{order.credit_amount:,.2f}".replace(",", "X").replace(".", ",").replace("X", ".") in html
    )
    assert order.total_amount == Decimal("29483.00") - order.credit_amount


def test_promotion_ending_before_acceptance_reprices_to_paid(
    provider_client, packages, promotion, contract
):
    choose(provider_client, packages["ileti-25"], emails=20000)
    order = Order.objects.get()
    assert order.total_amount == 0
    promotion.ends_at = promotion.starts_at + (promotion.ends_at - promotion.starts_at) / 100
    promotion.save()
    response = provider_client.post(
        contract_url(order), {"contract_version": contract.pk, "accept": "on"}, follow=False
    )
    assert response.url == f"/odeme/{order.code}/"
    order.refresh_from_db()
    assert (order.status, order.total_amount) == (S.CONTRACT_ACCEPTED, Decimal("3000.00"))
    assert not Subscription.objects.exists()


def test_accepted_free_order_can_still_be_completed(provider_client, provider, packages, contract):
    acceptance = ContractAcceptanceFactory(
        order__service_provider=provider,
        order__package=packages["ileti-5"],
        contract_version=contract,
    )
    order = acceptance.order
    assert order.is_free
    page = provider_client.get(contract_url(order)).content.decode()
    assert "Sözleşmeyi" in page and "tarihinde onayladınız" in page and "Tamamla" in page
    response = provider_client.post(contract_url(order))
    assert response.url == MANAGE
    order.refresh_from_db()
    assert order.status == S.ACTIVE
    assert Subscription.objects.get(order=order).package == packages["ileti-5"]


@pytest.mark.parametrize("n", [1, 2])
def test_purchase_query_count_does_not_grow(
    provider_client, provider, packages, django_assert_num_queries, n
):
    """The catalog with its open promotions is one query, whatever the number of promotions
    (N and 2N); the sizing helper's htmx answer costs the same."""
    from django.utils import timezone

    from tests.factories import PromotionFactory

    SubscriptionFactory(service_provider=provider)
    now = timezone.now()
    for _ in range(n):
        PromotionFactory(
            packages=[packages["ileti-25"], packages["ileti-75"]],
            starts_at=now - timezone.timedelta(days=1),
            ends_at=now + timezone.timedelta(days=1),
        )
    provider_client.get(PURCHASE)  # warm the session
    with django_assert_num_queries(QUERIES_PURCHASE):
        response = provider_client.get(PURCHASE)
    free = [row["package"].code for row in response.context["rows"] if row["price"].is_free]
    assert {"ileti-25", "ileti-75"} <= set(free)
    with django_assert_num_queries(QUERIES_PURCHASE):
        provider_client.get(PURCHASE + "?phone_count=1000&email_count=0", HTTP_HX_REQUEST="true")


# session, user, memberships, measured addresses, draft order, catalog with its promotions,
# the active subscription
QUERIES_PURCHASE = 7
