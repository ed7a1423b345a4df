"""İLETİ+ in a browser: the customer asks for a quote, Destek prices it in the admin and sends
the offer, the customer accepts it in the portal and pays it by card (fake gateway, simulated
3-D Secure bank page) like any order; the package is active."""

import importlib

import pytest
from django.apps import apps
from playwright.sync_api import expect

from packages.models import Order, QuoteRequest
from tests.e2e.conftest import ARTIFACTS, login_browser_as, staff_login
from tests.e2e.test_card_payment_journey import fill_card
from tests.factories import (
    ContractVersionFactory,
    MembershipFactory,
    catalog,
    make_staff,
    support_group,
)
from tests.payments.card_helpers import SUCCESS_CARD

pytestmark = pytest.mark.django_db(transaction=True)
TITLE = "Anadolu Tekstil Sanayi ve Ticaret A.Ş."


def test_destek_prices_an_ileti_plus_request_and_the_customer_pays_the_offer(page):
    catalog()
    ContractVersionFactory(version="2026.1")
    support_group()
    importlib.import_module("packages.migrations.0004_support_quote_desk").grant(apps, None)
    clerk = make_staff("Destek", password="destek-parola-1", first_name="Kemal", last_name="Sunar")
    membership = MembershipFactory(service_provider__title=TITLE)

    # The customer asks for a quote ----------------------------------------------------------
    login_browser_as(page, membership.user, membership.service_provider)
    page.goto(page.base_url + "/paket/satin-al/")
    page.get_by_label("Telefon numarası sayısı").fill("300000")
    page.get_by_label("E-posta adresi sayısı").fill("420000")
    page.get_by_role("button", name="Hesapla").click()
    page.get_by_role("button", name="Teklif İste").click()
    expect(page.get_by_text("İLETİ+ teklif talebiniz alındı.")).to_be_visible()
    quote = QuoteRequest.objects.get()
    assert quote.address_count == 420_000

    # Destek prices it in the admin ----------------------------------------------------------
    desk_context = page.context.browser.new_context(locale="tr-TR", timezone_id="Europe/Istanbul")
    desk_context.set_default_timeout(15_000)
    desk = desk_context.new_page()
    desk.base_url = page.base_url
    try:
        staff_login(desk, clerk, "destek-parola-1")
        desk.get_by_role("link", name="İLETİ+ teklif talepleri").first.click()
        desk.get_by_role("link", name=TITLE).click()
        desk.get_by_label("Yıllık tutar (KDV hariç, ₺)").fill("45.000,00")
        desk.get_by_label("Müşteriye not").fill("Yıllık, 420.000 adrese kadar.")
        desk.get_by_role("button", name="Teklifi gönder").click()
        expect(desk.get_by_text("Teklif gönderildi: 54.000,00 ₺ (KDV dahil).")).to_be_visible()
    except Exception:
        ARTIFACTS.mkdir(exist_ok=True)
        desk.screenshot(path=str(ARTIFACTS / "quote_desk.png"), full_page=True)
        raise
    finally:
        desk_context.close()

    # The customer accepts and pays by card --------------------------------------------------
    page.goto(page.base_url + "/")
    expect(page.get_by_test_id("home-offers")).to_contain_text("54.000,00 ₺")
    page.get_by_role("link", name="Teklifi incele").click()
    offers = page.get_by_test_id("quote-offers")
    expect(offers).to_contain_text("Teklifi veren: Destek")
    expect(offers).not_to_contain_text("Kemal")
    offers.get_by_role("button", name="Teklifi kabul et").click()

    page.get_by_role("checkbox").check()
    page.get_by_role("button", name="Onayla ve Ödeme Adımına Geç").click()
    expect(page.get_by_role("heading", name="Ödeme Adımı")).to_be_visible()
    expect(page.get_by_test_id("summary-total")).to_have_text("54.000,00 ₺")
    fill_card(page, SUCCESS_CARD)
    page.get_by_role("button", name="Öde", exact=True).click()
    expect(page.get_by_text("BANKA 3-D SECURE SİMÜLATÖRÜ")).to_be_visible()
    expect(page.get_by_test_id("bank-amount")).to_have_text("54.000,00 ₺")
    page.get_by_label("SMS doğrulama kodu").fill("123456")
    page.get_by_role("button", name="Doğrula").click()
    expect(page.get_by_role("heading", name="Ödemeniz onaylandı")).to_be_visible()
    page.get_by_role("button", name="Ödemeyi Tamamla").click()

    expect(page.get_by_test_id("active-package-name")).to_have_text("İLETİ+")
    order = Order.objects.get(quote=quote)
    assert order.status == Order.Status.ACTIVE
    assert str(order.total_amount) == "54000.00"
