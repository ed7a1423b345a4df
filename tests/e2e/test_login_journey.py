import pytest
from playwright.sync_api import expect

from accounts.models import Membership
from tests.e2e.conftest import edevlet_login
from tests.factories import MembershipFactory, ServiceProviderFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_authorized_person_logs_in_through_edevlet(page):
    provider = ServiceProviderFactory(title="Anadolu Tekstil Sanayi ve Ticaret A.Ş.")
    MembershipFactory(user=UserFactory(tckn="10000000146"), service_provider=provider)

    page.goto(page.base_url + "/")
    expect(page.get_by_role("heading", name="İleti Yönetim Sistemi")).to_be_visible()
    page.get_by_role("link", name="e-Devlet ile Giriş").first.click()
    expect(page.get_by_text("GELİŞTİRME SİMÜLATÖRÜ")).to_be_visible()
    page.get_by_label("T.C. Kimlik No").fill("10000000146")
    page.get_by_label("e-Devlet Şifresi").fill("demo")
    page.get_by_role("button", name="Giriş Yap").click()

    expect(page.get_by_role("heading", name=provider.title)).to_be_visible()
    expect(page.get_by_test_id("current-company")).to_have_text(provider.title)
    expect(page.get_by_text("Ayşe Yılmaz")).to_be_visible()

    page.get_by_role("button", name="Çıkış").click()
    expect(page.get_by_text("Oturumunuz kapatıldı.")).to_be_visible()


def test_person_without_membership_sees_explanation(page):
    edevlet_login(page, "11111111110")
    expect(page.get_by_role("heading", name="Giriş yetkiniz bulunmuyor")).to_be_visible()
    expect(page.get_by_text("Sayın Şükrü Çağlayan,")).to_be_visible()
    expect(page.get_by_test_id("authorization-request-link")).to_be_visible()


def test_person_of_two_companies_switches_in_header(page):
    user = UserFactory(tckn="10000000146")
    MembershipFactory(user=user, service_provider=ServiceProviderFactory(title="Alfa A.Ş."))
    MembershipFactory(
        user=user,
        service_provider=ServiceProviderFactory(title="Beta Ltd. Şti."),
        role=Membership.Role.AUTHORIZED,
    )
    edevlet_login(page, "10000000146")
    expect(page.get_by_role("heading", name="Hangi hizmet sağlayıcı adına")).to_be_visible()
    page.locator("form", has_text="Beta Ltd. Şti.").get_by_role("button", name="Seç").click()
    expect(page.get_by_role("heading", name="Beta Ltd. Şti.")).to_be_visible()

    page.get_by_label("Hizmet sağlayıcı").select_option(label="Alfa A.Ş.")
    expect(page.get_by_role("heading", name="Alfa A.Ş.")).to_be_visible()


def test_cookie_login_helper_and_staff_admin_login(page):
    from tests.e2e.conftest import login_browser_as, staff_login

    membership = MembershipFactory()
    login_browser_as(page, membership.user, membership.service_provider)
    page.goto(page.base_url + "/")
    expect(page.get_by_role("heading", name=membership.service_provider.title)).to_be_visible()

    staff = UserFactory(is_staff=True, is_superuser=True, password="gizli-parola-123")
    staff_login(page, staff, "gizli-parola-123")
    expect(page.get_by_role("heading", name="Yönetim paneli")).to_be_visible()
