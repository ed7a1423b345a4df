"""The guide's walk-through of Marka Yönetimi in a real browser."""

import pytest
from playwright.sync_api import expect

from brands.models import Grant
from tests.e2e.conftest import edevlet_login
from tests.factories import (
    AhsFactory,
    BrandFactory,
    MembershipFactory,
    PartnerFactory,
    ServiceProviderFactory,
    SubscriptionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)

POLI = "Poli Telekomünikasyon İletişim Bilişim Danışmanlık Reklam San. ve Tic. Ltd. Şti."
MOBILISIM = "Mobilişim İletişim A.Ş."


def test_partner_and_ahs_authorization_walkthrough(page):
    provider = ServiceProviderFactory(title="Anadolu Tekstil Sanayi ve Ticaret A.Ş.")
    MembershipFactory(user=UserFactory(tckn="10000000146"), service_provider=provider)
    SubscriptionFactory(service_provider=provider)
    BrandFactory(service_provider=provider, name="Anadolu Tekstil", code=77790)
    PartnerFactory(title=POLI)
    PartnerFactory(title="Veribağ Entegrasyon Yazılım A.Ş.")
    AhsFactory(title=MOBILISIM)
    AhsFactory(title="Marmara SMS Operatörlüğü A.Ş.")

    edevlet_login(page, "10000000146")
    page.get_by_role("navigation", name="Ana menü").get_by_role(
        "link", name="Marka Yönetimi"
    ).click()
    expect(page.get_by_role("heading", name="Marka Yönetimi", level=1)).to_be_visible()
    brand_card = page.get_by_test_id("brand-77790")

    # «İş Ortağı Ekle» → Poli Telekomünikasyon, MESAJ and ARAMA.
    brand_card.get_by_role("link", name="İş Ortağı Ekle").click()
    expect(page.get_by_role("heading", name="İş Ortağı Seçimi")).to_be_visible()
    page.get_by_label(POLI).check()
    page.get_by_label("MESAJ").check()
    page.get_by_label("ARAMA").check()
    page.get_by_role("button", name="Yetkilendir").click()
    expect(
        page.get_by_text(f"{POLI}, «Anadolu Tekstil» markası için MESAJ, ARAMA kanallarında")
    ).to_be_visible()

    # «AHS Ekle» under «Aracı hizmet sağlayıcılar» → Mobilişim, MESAJ only.
    expect(brand_card.get_by_role("heading", name="Aracı hizmet sağlayıcılar")).to_be_visible()
    brand_card.get_by_role("link", name="AHS Ekle").click()
    expect(page.get_by_test_id("ahs-limits")).to_contain_text("yalnızca okuma yetkisine sahiptir")
    page.get_by_label(MOBILISIM).check()
    page.get_by_label("MESAJ").check()
    page.get_by_role("button", name="Yetkilendir").click()
    expect(
        page.get_by_text(f"{MOBILISIM}, «Anadolu Tekstil» markası için MESAJ kanalında")
    ).to_be_visible()

    # The grid shows who may write and who may check, channel by channel.
    expect(page.get_by_test_id("grid-77790-MESAJ")).to_contain_text(f"Yazma: {POLI}")
    expect(page.get_by_test_id("grid-77790-MESAJ")).to_contain_text(f"Kontrol: {MOBILISIM}")
    expect(page.get_by_test_id("grid-77790-ARAMA")).to_contain_text(f"Yazma: {POLI}")
    expect(page.get_by_test_id("grid-77790-ARAMA")).not_to_contain_text(MOBILISIM)
    expect(page.get_by_test_id("grid-77790-EPOSTA")).to_have_text("—")

    # Revoke the AHS, with confirmation.
    page.get_by_test_id("ahs-grant").get_by_role("link", name="Yetkiyi kaldır").click()
    expect(page.get_by_text("yetkisini kaldırmak istediğinize emin misiniz?")).to_be_visible()
    page.get_by_role("button", name="Evet, yetkiyi kaldır").click()
    expect(
        page.get_by_text(
            f"{MOBILISIM} için «Anadolu Tekstil» markasındaki MESAJ yetkisi kaldırıldı"
        )
    ).to_be_visible()
    expect(page.get_by_test_id("grid-77790-MESAJ")).not_to_contain_text(MOBILISIM)
    expect(page.get_by_test_id("grid-77790-MESAJ")).to_contain_text(POLI)

    # The history keeps all of it, with who.
    brand_card.get_by_role("link", name="Yetki geçmişi").click()
    history = page.get_by_test_id("history")
    expect(history.get_by_role("row")).to_have_count(4)  # header + granted ×2 + revoked
    expect(history).to_contain_text("Ayşe Yılmaz")
    states = sorted(
        (g.integrator.title, g.revoked_at is None)
        for g in Grant.objects.select_related("integrator")
    )
    assert states == [(MOBILISIM, False), (POLI, True)]


def test_without_a_package_the_partner_page_points_to_paket_yonetimi(page):
    provider = ServiceProviderFactory()
    MembershipFactory(user=UserFactory(tckn="10000000146"), service_provider=provider)
    BrandFactory(service_provider=provider, name="Boğaziçi Gıda", code=88120)
    PartnerFactory(title=POLI)
    edevlet_login(page, "10000000146")
    page.get_by_role("navigation", name="Ana menü").get_by_role(
        "link", name="Marka Yönetimi"
    ).click()
    expect(page.get_by_test_id("no-package")).to_contain_text("Aktif bir İLETİ paketiniz yok")
    page.get_by_role("link", name="İş Ortağı Ekle").click()
    notice = page.get_by_test_id("no-package")
    expect(notice).to_contain_text("aktif bir İLETİ paketiniz olmalıdır")
    expect(page.get_by_role("button", name="Yetkilendir")).to_have_count(0)
    notice.get_by_role("link", name="Paket Yönetimi").click()
    expect(page.get_by_role("heading", name="Paket Yönetimi", level=1)).to_be_visible()
