"""In a browser: refused at login → apply → upload the signed PDF → support approves in the
admin → the person logs in through the e-Devlet simulator as a delegate."""

import re

import pytest
from django.core import mail
from django.core.cache import cache
from playwright.sync_api import expect

from accounts.models import AuthorizationRequest, Membership
from tests.e2e.conftest import edevlet_login, staff_login
from tests.factories import MembershipFactory, ServiceProviderFactory, UserFactory, support_group

pytestmark = pytest.mark.django_db(transaction=True)

APPLICANT = "11111111110"  # Şükrü Çağlayan in the simulator


@pytest.fixture
def journey_settings(settings, live_server, tmp_path):
    settings.PORTAL_BASE_URL = live_server.url
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()
    yield
    cache.clear()


def test_person_applies_uploads_signed_form_support_approves_and_logs_in(
    page, journey_settings, tmp_path
):
    provider = ServiceProviderFactory(
        title="Anadolu Tekstil Sanayi ve Ticaret A.Ş.", tax_number="1234567890"
    )
    MembershipFactory(
        user=UserFactory(tckn="10000000146", first_name="Ayşe", last_name="Yılmaz"),
        service_provider=provider,
        role=Membership.Role.AUTHORIZED,
    )
    support = UserFactory(is_staff=True, password="destek-parola-42")
    support.groups.add(support_group())

    # 1. Refused at login, the page offers the form.
    edevlet_login(page, APPLICANT)
    expect(page.get_by_role("heading", name="Giriş yetkiniz bulunmuyor")).to_be_visible()
    page.get_by_test_id("authorization-request-link").click()

    # 2. Apply.
    expect(
        page.get_by_role("heading", name="İLETİ YÖNETİM SİSTEMİ YETKİLENDİRME TALEP FORMU")
    ).to_be_visible()
    page.get_by_label("Hizmet sağlayıcının vergi kimlik no").fill("1234567890")
    page.get_by_label("T.C. kimlik no", exact=True).fill(APPLICANT)
    page.get_by_label("Ad", exact=True).fill("Şükrü")
    page.get_by_label("Soyad", exact=True).fill("Çağlayan")
    page.get_by_label("E-posta").fill("sukru@example.com")
    page.get_by_label("Cep telefonu").fill("0532 123 45 67")
    page.get_by_label("Görevi / talep gerekçesi").fill("Pazarlama müdürüyüm; izinleri yöneteceğim.")
    page.get_by_role("button", name="Talep oluştur").click()
    expect(page.get_by_role("heading", name="Talebiniz alındı")).to_be_visible()
    expect(page.get_by_text(provider.title)).to_have_count(0)

    # 3. The e-mail brings the pre-filled PDF and the upload link; the signed scan goes back.
    request = AuthorizationRequest.objects.get()
    form_mail = next(m for m in mail.outbox if m.to == ["sukru@example.com"])
    link = re.search(r"http://\S+/imzali-form/\S+/", form_mail.body).group(0)
    signed = tmp_path / "imzali-form.pdf"
    signed.write_bytes(form_mail.attachments[0][1])
    page.goto(link)
    expect(page.get_by_test_id("request-number")).to_have_text(request.number)
    page.get_by_label("İmzalı form (PDF)").set_input_files(str(signed))
    page.get_by_role("button", name="Yükle").click()
    expect(page.get_by_text("İmzalı form alındı.")).to_be_visible()

    # 4. Support finds it in the admin, opens the PDF and approves.
    staff_login(page, support, "destek-parola-42")
    page.goto(page.base_url + "/yonetim/accounts/authorizationrequest/?status__exact=submitted")
    page.get_by_role("link", name=request.number).click()
    pdf_link = page.get_by_role("link", name="PDF'i aç")
    pdf = page.request.get(page.base_url + pdf_link.get_attribute("href"))
    assert pdf.status == 200 and pdf.body().startswith(b"%PDF-")
    assert pdf.headers["content-type"] == "application/pdf"
    # The decision is at the top, and asks before it takes effect.
    page.locator("#decision summary", has_text="Talebi onayla").click()
    page.get_by_role("button", name="Evet, onayla").click()
    expect(page.get_by_text(f"{request.number} onaylandı")).to_be_visible()
    page.get_by_role("button", name="Oturumu kapat").click()

    # 5. The person logs in through e-Devlet and acts for the company as a delegate.
    edevlet_login(page, APPLICANT)
    expect(page.get_by_role("heading", name=provider.title)).to_be_visible()
    expect(page.get_by_test_id("current-company")).to_have_text(provider.title)
    expect(page.locator(".person-name")).to_contain_text("Şükrü Çağlayan")
    expect(page.locator(".person-name")).to_contain_text("Yetkilendirilmiş kişi")
    expect(page.get_by_role("link", name="Yetkilendirmeler", exact=True)).to_have_count(0)
    membership = Membership.objects.get(user__tckn=APPLICANT, service_provider=provider)
    assert membership.role == Membership.Role.DELEGATE and membership.granted_by == support


def test_authorized_person_approves_in_the_portal_then_removes_the_delegate(page, journey_settings):
    from tests.e2e.conftest import login_browser_as
    from tests.factories import AuthorizationRequestFactory

    provider = ServiceProviderFactory(title="Boğaziçi Gıda Ürünleri Ltd. Şti.")
    owner = MembershipFactory(service_provider=provider, role=Membership.Role.AUTHORIZED).user
    request = AuthorizationRequestFactory(
        service_provider=provider,
        applicant_first_name="Mehmet",
        applicant_last_name="Öztürk",
    )
    login_browser_as(page, owner, provider)
    page.goto(page.base_url + "/")
    page.get_by_role("link", name="Yetkilendirmeler", exact=True).click()
    row = page.get_by_test_id(f"request-{request.number}")
    expect(row).to_contain_text("Mehmet Öztürk")
    row.get_by_role("link", name="Onayla…").click()
    # A confirmation page, where the authorized person decides the roles.
    page.get_by_role("checkbox", name="Marka yönetimi", exact=False).check()
    page.get_by_role("button", name="Onayla", exact=True).click()
    expect(page.get_by_text("Mehmet Öztürk artık firmanız adına giriş yapabilir.")).to_be_visible()
    expect(page.get_by_text("Bekleyen talep yok.")).to_be_visible()
    expect(page.get_by_test_id("roles")).to_contain_text("Görüntüleme, Marka yönetimi")
    expect(page.get_by_test_id("role-change")).to_have_count(1)

    page.get_by_role("link", name="Yetkiyi kaldır…").click()
    page.get_by_role("button", name="Evet, yetkiyi kaldır").click()
    expect(page.get_by_text("giriş yetkisi kaldırıldı")).to_be_visible()
    expect(page.get_by_test_id("role-change")).to_have_count(2)
    expect(page.get_by_text("Yetkilendirilmiş kişi yok.")).to_be_visible()
    assert not Membership.objects.get(user__tckn=request.applicant_tckn).is_active
