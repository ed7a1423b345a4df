"""Content-Security-Policy (#11.11): every page of the portal, the htmx fragments, the simulated
bank and the admin desks load with the policy on and without a single violation.

Violations are caught twice: a ``securitypolicyviolation`` listener installed before any page
script, and Chromium's console errors ("Refused to …"). Each page must also carry the header.
"""

import re

import pytest
from playwright.sync_api import expect

from accounts.authorization import upload_token
from packages.models import Order
from tests.e2e.conftest import login_browser_as, staff_login
from tests.factories import (
    AuthorizationRequestFactory,
    BankAccountFactory,
    BrandFactory,
    ContractVersionFactory,
    MembershipFactory,
    catalog,
    make_staff,
    support_group,
)
from tests.payments.card_helpers import SUCCESS_CARD, payable_order

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "gizli-parola-123"

WATCH = """
document.addEventListener("securitypolicyviolation", function (e) {
  console.error("CSP-VIOLATION " + e.violatedDirective + " " + e.blockedURI + " "
    + e.sourceFile + ":" + e.lineNumber);
});
"""


@pytest.fixture
def violations(page):
    found = []
    page.add_init_script(WATCH)

    def on_console(message):
        text = message.text
        if "CSP-VIOLATION" in text or "Content Security Policy" in text:
            found.append(f"{page.url}: {text}")

    page.on("console", on_console)
    return found


def visit(page, path: str, violations: list) -> None:
    response = page.goto(page.base_url + path)
    assert response is not None
    policy = response.headers.get("content-security-policy", "")
    assert "script-src 'self'" in policy, (path, policy)
    assert "unsafe-inline" not in policy
    page.wait_for_load_state("load")
    assert violations == [], violations


@pytest.fixture
def membership():
    return MembershipFactory(service_provider__title="Anadolu Tekstil A.Ş.")


def test_portal_pages_htmx_and_the_card_journey_pass_the_policy(page, violations, membership):
    catalog()
    ContractVersionFactory(version="2026.1")
    provider = membership.service_provider
    brand = BrandFactory(service_provider=provider)
    upload = AuthorizationRequestFactory()
    upload_path = f"/hesap/yetkilendirme-talebi/{upload.number}/imzali-form/{upload_token(upload)}/"

    for path in (
        "/",
        "/hesap/giris/",
        "/hesap/yetkilendirme-talebi/",
        upload_path,
        "/edevlet-simulator/",
        "/yok-boyle-bir-sayfa/",
        "/?q=%01",  # the 400 page of the control-character middleware
    ):
        page.goto(page.base_url + path)
        assert violations == [], violations
    visit(page, "/hesap/yetkilendirme-talebi/", violations)
    # The honeypot field stays hidden by the stylesheet, not by an inline style.
    expect(page.locator(".hp-field")).to_have_css("position", "absolute")

    login_browser_as(page, membership.user, provider)
    for path in (
        "/paket/",
        "/marka/",
        "/marka/yeni/",
        f"/marka/{brand.pk}/ad/",
        f"/marka/{brand.pk}/gecmis/",
        f"/marka/{brand.pk}/is-ortagi/",
        "/hesap/yetkilendirmeler/",
    ):
        visit(page, path, violations)

    # The sizing helper (htmx), the contract, the step page with its htmx installments.
    visit(page, "/paket/satin-al/", violations)
    page.get_by_label("Telefon numarası sayısı").fill("100000")
    page.get_by_label("E-posta adresi sayısı").fill("120000")
    page.get_by_role("button", name="Hesapla").click()
    page.get_by_role("button", name="İLETİ-150 paketini seç").click()
    expect(page.locator(".contract-text")).to_have_css("overflow", "auto")
    page.get_by_role("checkbox").check()
    page.get_by_role("button", name="Onayla ve Ödeme Adımına Geç").click()
    expect(page.get_by_role("heading", name="Ödeme Adımı")).to_be_visible()
    page.get_by_role("link", name="Taksit Seçenekleri").click()
    expect(page.get_by_test_id("installment-table")).to_contain_text("Bonus")
    page.get_by_role("button", name="Kapat").click()
    page.get_by_label("Kart üzerindeki isim").fill("Ayşe Yılmaz")
    page.get_by_label("Kart numarası").press_sequentially(SUCCESS_CARD, delay=10)
    page.get_by_label("Son kullanma tarihi (AA/YY)").fill("12/30")
    page.get_by_label("Güvenlik kodu (CVC)").fill("123")
    expect(page.get_by_role("radio", name=re.compile(r"^3 Taksit"))).to_be_visible()
    # «Öde» → the fake gateway's redirect page → bank simulator → auto-submitted return page.
    page.get_by_role("button", name="Öde", exact=True).click()
    expect(page.get_by_text("BANKA 3-D SECURE SİMÜLATÖRÜ")).to_be_visible()
    page.get_by_label("SMS doğrulama kodu").fill("123456")
    page.get_by_role("button", name="Doğrula").click()
    expect(page.get_by_role("heading", name="Ödemeniz onaylandı")).to_be_visible()
    assert violations == [], violations


def test_admin_and_both_desks_pass_the_policy(page, violations, membership):
    support_group()
    order = payable_order(membership.service_provider, status=Order.Status.AWAITING_TRANSFER)
    BankAccountFactory()
    auth_request = AuthorizationRequestFactory()
    users = {
        "superuser": make_staff(is_superuser=True, password=PASSWORD),
        "Muhasebe": make_staff("Muhasebe", password=PASSWORD),
        "Destek": make_staff("Destek", password=PASSWORD),
    }
    pages = {
        "superuser": [
            "/yonetim/",
            "/yonetim/packages/order/",
            f"/yonetim/packages/order/{order.pk}/change/",
            "/yonetim/accounts/serviceprovider/add/",
            "/yonetim/accounts/user/",
            "/yonetim/brands/brand/",
        ],
        "Muhasebe": [
            "/yonetim/",
            "/yonetim/payments/transferorder/",
            "/yonetim/payments/transferorder/?status=waiting",
            "/yonetim/payments/bankaccount/add/",
            f"/yonetim/payments/transferorder/{order.pk}/",
            f"/yonetim/payments/transferorder/{order.pk}/onayla/",
            f"/yonetim/payments/transferorder/{order.pk}/reddet/",
        ],
        "Destek": [
            "/yonetim/",
            "/yonetim/accounts/authorizationrequest/",
            f"/yonetim/accounts/authorizationrequest/{auth_request.pk}/change/",
        ],
    }
    for role, user in users.items():
        page.context.clear_cookies()
        staff_login(page, user, PASSWORD)
        expect(page.get_by_text("Hoş Geldiniz")).to_be_visible()
        assert violations == [], (role, violations)
        for path in pages[role]:
            visit(page, path, violations)
