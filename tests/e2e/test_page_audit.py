"""Every journey page, as each kind of visitor sees it, at 1366×768 and at 390×844: it fits the
phone's width (no horizontal scrolling of the document) and axe-core finds no serious or
critical accessibility violation (moderate ones are printed). The demo data of ``seed_demo`` is
the scenery: two companies, their people, the desks, a waiting bank transfer."""

import pytest
from playwright.sync_api import expect

from accounts.authorization import upload_token
from accounts.models import AuthorizationRequest, ServiceProvider, User
from brands.models import Brand
from packages.models import Order
from tests.demo_world import demo_world
from tests.e2e.audit import DESKTOP, PHONE, audit_page
from tests.e2e.conftest import edevlet_login, login_browser_as, staff_login
from tests.factories.accounts import support_group

pytestmark = pytest.mark.django_db(transaction=True)
VIEWPORTS = [DESKTOP, PHONE]
ANADOLU, BOGAZICI = "1234567890", "9876543217"


@pytest.fixture
def demo():
    support_group()  # the data migration's permissions, flushed by transactional tests
    return demo_world()


def _audit(page, label_paths, *, before_each=None) -> list[str]:
    problems = []
    for viewport in VIEWPORTS:
        page.set_viewport_size(viewport)
        for label, target in label_paths:
            if callable(target):
                target(page)
            else:
                response = page.goto(page.base_url + target)
                assert response.ok, f"{label}: {target} answered {response.status}"
            page.wait_for_load_state("load")
            problems += audit_page(page, label, viewport)
    return problems


def _open_installment_dialog(code):
    def open_it(page):
        page.goto(page.base_url + f"/odeme/{code}/")
        page.get_by_role("link", name="Taksit Seçenekleri").click()
        page.get_by_test_id("installment-table").wait_for()

    return open_it


def test_authorized_person_pages(page, demo):
    anadolu, draft, payable = demo["anadolu"], demo["draft"], demo["payable"]
    brand = Brand.objects.get(code=77790)
    bogazici_order = Order.objects.get(
        service_provider__tax_number=BOGAZICI, payment_method=Order.PaymentMethod.TRANSFER
    )
    login_browser_as(page, demo["ayse"], anadolu)
    problems = _audit(
        page,
        [
            ("Firma seçimi", "/hesap/firma-sec/"),
            ("Ana sayfa", "/"),
            ("Paket Yönetimi", "/paket/"),
            ("Paket seçimi", "/paket/satin-al/"),
            ("Paket seçimi (hesaplama)", "/paket/satin-al/?phone_count=150000&email_count=200000"),
            ("Ödeme Adımı", f"/odeme/{payable.code}/"),
            ("Taksit Seçenekleri", _open_installment_dialog(payable.code)),
            ("Taksit tablosu sayfası", f"/odeme/{payable.code}/taksit-tablosu/"),
            ("Havale onayı", f"/odeme/{payable.code}/havale/"),
            ("Marka Yönetimi", "/marka/"),
            ("Marka ekle", "/marka/yeni/"),
            ("İş Ortağı Ekle", f"/marka/{brand.pk}/is-ortagi/"),
            ("AHS Ekle", f"/marka/{brand.pk}/ahs/"),
            ("Yetki geçmişi", f"/marka/{brand.pk}/gecmis/"),
            ("Yetkilendirmeler", "/hesap/yetkilendirmeler/"),
        ],
    )
    login_browser_as(page, demo["ayse"], demo["ege"])
    problems += _audit(page, [("Sözleşme Onay", f"/paket/siparis/{draft.code}/sozlesme/")])
    # The same person acting for Boğaziçi Gıda: the waiting bank transfer's last step.
    login_browser_as(page, demo["ayse"], bogazici_order.service_provider)
    problems += _audit(page, [("Havale talimatı", f"/odeme/{bogazici_order.code}/havale/talimat/")])
    assert not problems, "\n".join(problems)


def test_delegate_pages(page, demo):
    mehmet = User.objects.get(tckn="12345678950")
    login_browser_as(page, mehmet, demo["anadolu"])
    problems = _audit(
        page,
        [("Ana sayfa", "/"), ("Paket Yönetimi", "/paket/"), ("Marka Yönetimi", "/marka/")],
    )
    assert not problems, "\n".join(problems)


def test_visitor_and_person_without_membership_pages(page, demo):
    def simulator(page):
        page.goto(page.base_url + "/")
        page.get_by_role("link", name="e-Devlet ile Giriş").first.click()
        page.get_by_label("T.C. Kimlik No").wait_for()

    def no_membership(page):
        page.context.clear_cookies()
        edevlet_login(page, "11111111110")
        page.wait_for_url("**/giris/yetkisiz/")

    def form_with_errors(page):
        page.goto(page.base_url + "/hesap/yetkilendirme-talebi/")
        page.locator("form.form button[type=submit], form button[type=submit]").last.click()
        page.wait_for_load_state("load")

    request = AuthorizationRequest.objects.get(applicant_tckn="11111111110")
    upload = f"/hesap/yetkilendirme-talebi/{request.number}/imzali-form/{upload_token(request)}/"
    problems = _audit(
        page,
        [
            ("Ana sayfa (ziyaretçi)", "/"),
            ("Giriş", "/hesap/giris/"),
            ("e-Devlet simülatörü", simulator),
            ("Yetkilendirme talebi", "/hesap/yetkilendirme-talebi/"),
            ("Yetkilendirme talebi (hatalı)", form_with_errors),
            ("İmzalı form yükleme", upload),
            ("Yetkisiz kişi", no_membership),
        ],
    )
    assert not problems, "\n".join(problems)


def test_accounting_desk_pages(page, demo):
    order = Order.objects.get(
        service_provider__tax_number=BOGAZICI, payment_method=Order.PaymentMethod.TRANSFER
    )
    staff_login(page, User.objects.get(tckn="22222222220"), "muhasebe-demo")
    problems = _audit(
        page,
        [
            ("Havale/EFT siparişleri", "/yonetim/payments/transferorder/"),
            ("Havale/EFT arama", f"/yonetim/payments/transferorder/?q={order.code}"),
            ("Havale/EFT sipariş", f"/yonetim/payments/transferorder/{order.pk}/"),
            ("Ödemeyi onayla", f"/yonetim/payments/transferorder/{order.pk}/onayla/"),
        ],
    )
    assert not problems, "\n".join(problems)


def test_support_desk_pages(page, demo):
    request = AuthorizationRequest.objects.get(applicant_tckn="11111111110")
    staff_login(page, User.objects.get(tckn="33333333330"), "destek-demo")
    problems = _audit(
        page,
        [
            ("Yetkilendirme talepleri", "/yonetim/accounts/authorizationrequest/"),
            (
                "Yetkilendirme talebi",
                f"/yonetim/accounts/authorizationrequest/{request.pk}/change/",
            ),
        ],
    )
    assert not problems, "\n".join(problems)


def test_header_menu_collapses_behind_a_button_on_a_phone(page, demo):
    login_browser_as(page, demo["ayse"], demo["anadolu"])
    page.set_viewport_size(PHONE)
    page.goto(page.base_url + "/paket/")
    nav = page.get_by_role("navigation", name="Ana menü")
    menu = page.get_by_role("button", name="Menü")
    expect(nav).to_be_hidden()
    expect(menu).to_have_attribute("aria-expanded", "false")
    assert page.locator(".site-header").bounding_box()["height"] <= 80

    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "true")
    nav.get_by_role("link", name="Marka Yönetimi").click()
    expect(page.get_by_role("heading", name="Marka Yönetimi", level=1)).to_be_visible()

    page.set_viewport_size(DESKTOP)
    expect(page.get_by_role("button", name="Menü")).to_be_hidden()
    expect(page.get_by_role("navigation", name="Ana menü")).to_be_visible()


def test_company_picker_buttons_say_which_company(page, demo):
    login_browser_as(page, demo["ayse"], demo["anadolu"])
    page.goto(page.base_url + "/hesap/firma-sec/")
    expect(page.get_by_role("button", name="Seç", exact=True)).to_have_count(0)
    bogazici = ServiceProvider.objects.get(tax_number=BOGAZICI)
    page.get_by_role("button", name=f"{bogazici.title} firmasını seç", exact=True).click()
    expect(page.locator("#provider-switcher")).to_have_value(str(bogazici.pk))


def test_admin_search_box_is_named_in_turkish(page, demo):
    staff_login(page, User.objects.get(tckn="22222222220"), "muhasebe-demo")
    page.goto(page.base_url + "/yonetim/payments/transferorder/")
    expect(page.get_by_role("textbox", name="Arama", exact=True)).to_have_id("searchbar")
