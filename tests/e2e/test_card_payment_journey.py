"""In a browser: Paket Seçimi → Sözleşme Onay → Ödeme Adımı → bank 3-D Secure → «Ödemeyi
Tamamla» → the active package. Most journeys use the fake gateway's simulated bank page; one
goes through IyzicoGateway and the real SDK to the local iyzico double, whose bank page lives on
another site, so the callback arrives as a real cross-site POST without the session cookie."""

import re

import pytest
from playwright.sync_api import expect

from packages.models import Order
from payments.models import Payment
from tests.e2e.conftest import login_browser_as
from tests.factories import ContractVersionFactory, MembershipFactory, catalog
from tests.payments.card_helpers import (
    INSUFFICIENT_FUNDS_CARD,
    MD_STATUS_0_CARD,
    SUCCESS_CARD,
    payable_order,
)
from tests.payments.iyzico_double import API_KEY, SECRET_KEY, IyzicoDouble

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def membership():
    return MembershipFactory(service_provider__title="Anadolu Tekstil Sanayi ve Ticaret A.Ş.")


def fill_card(page, number: str) -> None:
    page.get_by_label("Kart üzerindeki isim").fill("Ayşe Yılmaz")
    page.get_by_label("Kart numarası").press_sequentially(number, delay=10)
    page.get_by_label("Son kullanma tarihi (AA/YY)").fill("12/30")
    page.get_by_label("Güvenlik kodu (CVC)").fill("123")


def test_j5_paid_package_by_card_in_three_installments(page, membership):
    catalog()
    ContractVersionFactory(version="2026.1")
    login_browser_as(page, membership.user, membership.service_provider)

    page.goto(page.base_url + "/paket/satin-al/")
    page.get_by_label("Telefon numarası sayısı").fill("100000")
    page.get_by_label("E-posta adresi sayısı").fill("120000")
    page.get_by_role("button", name="Hesapla").click()
    page.get_by_role("button", name="İLETİ-150 paketini seç").click()
    page.get_by_role("checkbox").check()
    page.get_by_role("button", name="Onayla ve Ödeme Adımına Geç").click()

    expect(page.get_by_role("heading", name="Ödeme Adımı")).to_be_visible()
    expect(page.get_by_test_id("summary-total")).to_have_text("23.055,00 ₺")

    # «Taksit Seçenekleri» (top right): the table for every card family.
    page.get_by_role("link", name="Taksit Seçenekleri").click()
    table = page.get_by_test_id("installment-table")
    expect(table).to_contain_text("Bonus")
    expect(table).to_contain_text("Maximum")
    page.get_by_role("button", name="Kapat").click()

    urls = []
    page.on("request", lambda request: urls.append(request.url))
    fill_card(page, SUCCESS_CARD)
    three = page.get_by_role("radio", name=re.compile(r"^3 Taksit"))
    expect(three).to_be_visible()  # the card's options appeared once its BIN was known
    expect(page.locator("#installments")).to_contain_text("Bonus")
    three.check()
    expect(page.get_by_test_id("pay-total")).to_have_text("24.090,17 ₺")
    # Only the BIN left the page for the installment lookup, never the number.
    assert any(url.endswith("/taksitler/?bin=552879") for url in urls)
    assert not any(SUCCESS_CARD[:8] in url for url in urls)
    page.get_by_role("button", name="Öde", exact=True).click()

    expect(page.get_by_text("BANKA 3-D SECURE SİMÜLATÖRÜ")).to_be_visible()
    expect(page.get_by_test_id("bank-amount")).to_have_text("24.090,17 ₺")
    page.get_by_label("SMS doğrulama kodu").fill("123456")
    page.get_by_role("button", name="Doğrula").click()

    expect(page.get_by_role("heading", name="Ödemeniz onaylandı")).to_be_visible()
    expect(page.get_by_test_id("confirm-installment")).to_have_text("3 × 8.030,06 ₺")
    page.get_by_role("button", name="Ödemeyi Tamamla").click()

    expect(page.get_by_role("heading", name="Paket Yönetimi")).to_be_visible()
    expect(page.get_by_text("Ödemeniz tamamlandı. İLETİ-150 paketiniz aktif.")).to_be_visible()
    expect(page.get_by_test_id("active-package-name")).to_have_text("İLETİ-150")
    payment = Payment.objects.get()
    assert payment.status == Payment.Status.SUCCEEDED
    assert payment.installment == 3
    assert payment.order.status == Order.Status.ACTIVE


def test_failing_card_shows_the_reason_and_the_order_stays_payable(page, membership):
    order = payable_order(membership.service_provider)
    login_browser_as(page, membership.user, membership.service_provider)

    page.goto(page.base_url + f"/odeme/{order.code}/")
    fill_card(page, INSUFFICIENT_FUNDS_CARD)
    page.get_by_role("button", name="Öde", exact=True).click()
    page.get_by_role("button", name="Doğrula").click()

    expect(page.get_by_role("heading", name="Ödeme Adımı")).to_be_visible()
    expect(page.get_by_test_id("payment-failure")).to_contain_text(
        "Kart limiti yetersiz, yetersiz bakiye."
    )
    expect(page.get_by_role("button", name="Öde", exact=True)).to_be_visible()
    # The card number was not written back into the page.
    expect(page.get_by_label("Kart numarası")).to_have_value("")


def test_three_d_secure_failure_returns_to_the_payment_step(page, membership):
    order = payable_order(membership.service_provider)
    login_browser_as(page, membership.user, membership.service_provider)

    page.goto(page.base_url + f"/odeme/{order.code}/")
    fill_card(page, MD_STATUS_0_CARD)
    page.get_by_role("button", name="Öde", exact=True).click()
    page.get_by_role("button", name="Doğrula").click()

    expect(page.get_by_role("heading", name="Ödeme Adımı")).to_be_visible()
    expect(page.get_by_test_id("payment-failure")).to_contain_text(
        "3-D Secure doğrulaması başarısız oldu"
    )
    order.refresh_from_db()
    assert order.status == Order.Status.FAILED


@pytest.fixture
def iyzico_double(settings):
    double = IyzicoDouble().start()
    settings.PAYMENT_GATEWAY = "iyzico"
    settings.IYZICO_API_KEY = API_KEY
    settings.IYZICO_SECRET_KEY = SECRET_KEY
    settings.IYZICO_BASE_URL = double.base_url
    settings.IYZICO_TIMEOUT_SECONDS = 5.0
    yield double
    double.stop()


def test_card_payment_through_the_sdk_with_a_cross_site_bank_page(page, membership, iyzico_double):
    order = payable_order(membership.service_provider)
    login_browser_as(page, membership.user, membership.service_provider)
    # The portal runs on "localhost", the double's bank on "127.0.0.1": different sites.
    assert "localhost" in page.base_url and iyzico_double.base_url.startswith("http://127.0.0.1")

    page.goto(page.base_url + f"/odeme/{order.code}/")
    fill_card(page, "4603450000000000")
    page.get_by_role("radio", name=re.compile(r"^6 Taksit")).check()
    expect(page.get_by_test_id("pay-total")).to_have_text("25.012,37 ₺")
    page.get_by_role("button", name="Öde", exact=True).click()

    expect(page.get_by_role("heading", name="Test Bankası 3-D Secure")).to_be_visible()
    page.get_by_role("button", name="Onayla").click()

    expect(page.get_by_role("heading", name="Ödemeniz onaylandı")).to_be_visible()
    page.get_by_role("button", name="Ödemeyi Tamamla").click()
    expect(page.get_by_test_id("active-package-name")).to_have_text("İLETİ-150")
    assert len(iyzico_double.calls("/payment/3dsecure/auth")) == 1
    payment = Payment.objects.get()
    assert (payment.status, payment.installment, str(payment.paid_price)) == (
        Payment.Status.SUCCEEDED,
        6,
        "25012.37",
    )
