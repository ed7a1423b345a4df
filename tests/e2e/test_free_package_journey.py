"""Örnek 1 (Ücretsiz): Paket Seçimi → Sözleşme Onay → «Tamamla» → Paket Yönetimi."""

import io
import re

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from packages.models import ContractAcceptance, Order, Subscription
from tests.e2e.conftest import edevlet_login, login_browser_as
from tests.factories import (
    ContractVersionFactory,
    MembershipFactory,
    PromotionFactory,
    ServiceProviderFactory,
    UserFactory,
    catalog,
)

pytestmark = pytest.mark.django_db(transaction=True)

TITLE = "Anadolu Tekstil Sanayi ve Ticaret A.Ş."


def test_free_package_journey(page, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    packages = catalog()
    PromotionFactory(packages=[packages["ileti-25"], packages["ileti-75"]])
    ContractVersionFactory(version="2026.1")
    provider = ServiceProviderFactory(title=TITLE)
    MembershipFactory(user=UserFactory(tckn="10000000146"), service_provider=provider)

    edevlet_login(page, "10000000146")
    page.get_by_role("link", name="Paket Yönetimi").first.click()
    expect(page.get_by_role("heading", name="Paket Yönetimi", level=1)).to_be_visible()
    expect(page.get_by_test_id("basic-services")).to_contain_text("Temel Hizmetler")
    expect(page.get_by_test_id("active-package")).to_contain_text("Aktif İLETİ paketiniz yok")

    page.get_by_role("link", name="Paket değiştir").click()
    expect(page.get_by_role("heading", name="Paket Seçimi", level=1)).to_be_visible()

    # The sizing helper answers as the user types (htmx): the guide's example first.
    page.get_by_label("Onaylı telefon numarası sayısı").fill("150000")
    page.get_by_label("Onaylı e-posta adresi sayısı").fill("200000")
    result = page.get_by_test_id("sizing-result")
    expect(result).to_contain_text("Adres sayınız: 200.000")
    expect(result).to_contain_text("en küçük paket İLETİ-250")
    expect(page.get_by_test_id("package-ileti-250")).to_contain_text("Önerilen")
    expect(page.get_by_test_id("package-ileti-25")).to_contain_text("bu paket seçilemez")

    page.get_by_label("Onaylı telefon numarası sayısı").fill("12000")
    page.get_by_label("Onaylı e-posta adresi sayısı").fill("20000")
    expect(result).to_contain_text("Adres sayınız: 20.000")
    card = page.get_by_test_id("package-ileti-25")
    expect(card).to_contain_text("Önerilen")
    expect(card).to_contain_text("Ücretsiz")
    card.get_by_role("button", name="İLETİ-25 paketini seç").click()

    expect(page.get_by_role("heading", name="Sözleşme Onay", level=1)).to_be_visible()
    expect(page.locator(".steps [aria-current=step]")).to_have_text("Sözleşme Onay")
    expect(page.get_by_test_id("total")).to_have_text("Ücretsiz")
    code = page.get_by_test_id("order-code").inner_text()

    # «Geri» keeps the choices (shown the Turkish way); choosing again: the same order.
    page.get_by_role("link", name="Geri").click()
    expect(page.get_by_label("Onaylı e-posta adresi sayısı")).to_have_value("20.000")
    page.get_by_test_id("package-ileti-25").get_by_role("button").click()
    expect(page.get_by_test_id("order-code")).to_have_text(code)

    page.get_by_label("Sözleşmeyi okudum ve onaylıyorum.").check()
    page.get_by_role("button", name="Tamamla").click()

    expect(page.get_by_role("heading", name="Paket Yönetimi", level=1)).to_be_visible()
    expect(page.get_by_text("İLETİ-25 paketiniz etkinleştirildi.")).to_be_visible()
    expect(page.get_by_test_id("active-package-name")).to_have_text("İLETİ-25")
    expect(page.get_by_test_id("days-left")).to_have_text(re.compile(r"^36[56]$"))
    expect(page.get_by_test_id("address-count")).to_contain_text("20.000")

    row = page.get_by_test_id(f"order-{code}")
    expect(row).to_contain_text("Tamamlandı")
    link = row.get_by_role("link", name="Sözleşme (PDF)")
    with page.expect_popup() as popup_info:
        link.click()
    popup_info.value.close()
    response = page.context.request.get(page.base_url + link.get_attribute("href"))
    assert response.ok and response.headers["content-type"] == "application/pdf"
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.body())).pages)
    assert TITLE in text and code in text

    order = Order.objects.get(code=code)
    assert order.status == Order.Status.ACTIVE
    assert Subscription.objects.get(order=order).status == Subscription.Status.ACTIVE
    assert ContractAcceptance.objects.get(order=order).user_agent  # recorded from the browser


def test_sizing_helper_works_without_javascript(browser, live_server):
    catalog()
    membership = MembershipFactory()
    context = browser.new_context(locale="tr-TR", java_script_enabled=False)
    try:
        page = context.new_page()
        page.base_url = live_server.url
        login_browser_as(page, membership.user, membership.service_provider)
        page.goto(live_server.url + "/paket/satin-al/")
        page.get_by_label("Onaylı telefon numarası sayısı").fill("150000")
        page.get_by_label("Onaylı e-posta adresi sayısı").fill("200000")
        page.get_by_role("button", name="Hesapla").click()
        expect(page.get_by_test_id("sizing-result")).to_contain_text("en küçük paket İLETİ-250")
        assert "phone_count=150000" in page.url  # a plain GET round trip, no htmx
        page.get_by_label("Onaylı e-posta adresi sayısı").fill("250001")
        page.get_by_role("button", name="Hesapla").click()
        expect(page.get_by_test_id("sizing-result")).to_contain_text("İLETİ+ için fiyat teklifi")
        expect(page.get_by_role("button", name="Teklif İste")).to_be_visible()
    finally:
        context.close()
