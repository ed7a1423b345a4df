"""In a browser: the customer pays by bank transfer (Ödeme Adımı → «Onayla» → the last step →
«Tamamla»), then an accountant finds the order by its code in the admin, confirms the transfer,
and the customer sees the active package."""

import pytest
from django.core import mail
from django.utils import timezone, translation
from django.utils.formats import date_format
from playwright.sync_api import expect

from packages import order_codes
from packages.models import Order
from payments.models import BankTransfer
from tests.e2e.conftest import ARTIFACTS, login_browser_as, staff_login
from tests.factories import (
    BankAccountFactory,
    ContractVersionFactory,
    MembershipFactory,
    catalog,
    make_staff,
)

pytestmark = pytest.mark.django_db(transaction=True)
TITLE = "Anadolu Tekstil Sanayi ve Ticaret A.Ş."


def test_j6_bank_transfer_then_accountant_confirms_in_admin(page, settings):
    settings.ACCOUNTING_EMAIL = "muhasebe@iys.org.tr"
    catalog()
    ContractVersionFactory(version="2026.1")
    BankAccountFactory(
        bank_name="Garanti BBVA",
        account_holder="İYS İleti Yönetim Sistemi A.Ş.",
        iban="TR700006200000000006299999",
    )
    membership = MembershipFactory(service_provider__title=TITLE)
    accountant = make_staff("Muhasebe", password="muhasebe-parola-1", first_name="Gülşen")

    # The customer ---------------------------------------------------------------------------
    login_browser_as(page, membership.user, membership.service_provider)
    page.goto(page.base_url + "/paket/satin-al/")
    page.get_by_label("Telefon numarası sayısı").fill("100000")
    page.get_by_label("E-posta adresi sayısı").fill("120000")
    page.get_by_role("button", name="Hesapla").click()
    page.get_by_role("button", name="İLETİ-150 paketini seç").click()
    page.get_by_role("checkbox").check()
    page.get_by_role("button", name="Onayla ve Ödeme Adımına Geç").click()
    expect(page.get_by_role("heading", name="Ödeme Adımı")).to_be_visible()
    code = page.get_by_test_id("order-code").inner_text().strip()

    page.get_by_role("link", name="Banka transferi ile öde").click()
    dialog = page.get_by_role("dialog", name="Banka transferi ile ödeme")
    expect(dialog).to_be_visible()  # the dialog opened in place, no page load
    expect(dialog).to_contain_text("23.055,00 ₺")
    dialog.get_by_role("button", name="Onayla").click()

    expect(page.get_by_role("heading", name="Banka Transferi ile Ödeme")).to_be_visible()
    expect(page.get_by_test_id("transfer-amount")).to_have_text("23.055,00 ₺")
    expect(page.get_by_test_id("transfer-order-code")).to_have_text(code)
    expect(page.get_by_test_id("transfer-company")).to_have_text(TITLE)
    expect(page.get_by_test_id("transfer-description-rule")).to_have_text(
        "Havale/EFT yapılırken açıklama bilgisine mutlaka «Sipariş Kodu» ve «Firma Unvanı» "
        "yazılmalıdır."
    )
    accounts = page.get_by_test_id("bank-accounts")
    expect(accounts).to_contain_text("Garanti BBVA")
    expect(accounts).to_contain_text("İYS İleti Yönetim Sistemi A.Ş.")
    expect(accounts).to_contain_text("TR70 0006 2000 0000 0006 2999 99")
    expect(page.get_by_test_id("accounting-email")).to_contain_text("muhasebe@iys.org.tr")
    order = Order.objects.get(code=code)
    with translation.override("tr"):
        deadline = date_format(timezone.localtime(order.payment_due_at), "j F Y H:i")
    expect(page.get_by_test_id("transfer-deadline")).to_have_text(deadline)
    page.get_by_role("link", name="Tamamla").click()

    expect(page.get_by_role("heading", name="Paket Yönetimi")).to_be_visible()
    waiting = page.get_by_test_id(f"order-{code}")
    expect(waiting).to_contain_text("Banka transferi bekleniyor")
    expect(waiting).to_contain_text("23.055,00 ₺")
    order.refresh_from_db()
    assert order.status == Order.Status.AWAITING_TRANSFER
    assert [m.subject for m in mail.outbox] == [
        f"Banka transferi ile ödeme bilgileri — sipariş {code}"
    ]

    # The accountant, in another browser -----------------------------------------------------
    desk_context = page.context.browser.new_context(locale="tr-TR", timezone_id="Europe/Istanbul")
    desk_context.set_default_timeout(15_000)
    desk = desk_context.new_page()
    desk.base_url = page.base_url
    try:
        staff_login(desk, accountant, "muhasebe-parola-1")
        desk.get_by_role("link", name="Havale/EFT siparişleri").first.click()
        expect(desk.get_by_test_id("transfer-totals")).to_contain_text("23.055,00 ₺")

        # A typo in the code (as read off a bank statement) is caught, with the right code.
        wrong = next(c for c in order_codes.ALPHABET if c != code[2])
        desk.locator("#searchbar").fill(code[:2] + wrong + code[3:])
        desk.get_by_role("button", name="Ara").click()
        expect(desk.get_by_text("geçerli bir sipariş kodu değil")).to_be_visible()
        desk.get_by_role("link", name=code).click()
        desk.get_by_role("link", name=code).click()

        expect(desk.get_by_text(TITLE).first).to_be_visible()
        desk.get_by_role("link", name="Ödemeyi onayla").click()
        desk.get_by_label("Gelen tutar (₺)").fill("23.055,00")
        desk.get_by_label("Paranın geldiği hesap").select_option(
            label="Garanti BBVA — TR70 0006 2000 0000 0006 2999 99"
        )
        desk.get_by_label("Banka referansı").fill("EFT-2026-4411")
        desk.get_by_label("Not").fill("Açıklamada kod ve unvan var.")
        desk.get_by_role("button", name="Ödemeyi onayla").click()
        expect(desk.get_by_text(f"{code} onaylandı: paket etkinleştirildi")).to_be_visible()
        expect(desk.get_by_role("cell", name="EFT-2026-4411", exact=True)).to_be_visible()
    except Exception:
        ARTIFACTS.mkdir(exist_ok=True)
        desk.screenshot(path=str(ARTIFACTS / "bank_transfer_desk.png"), full_page=True)
        raise
    finally:
        desk_context.close()

    transfer = BankTransfer.objects.get(order=order)
    assert transfer.decided_by == accountant
    assert mail.outbox[-1].subject == f"Ödemeniz onaylandı — sipariş {code}"

    # The customer sees the active package ---------------------------------------------------
    page.goto(page.base_url + "/paket/")
    expect(page.get_by_test_id("active-package-name")).to_have_text("İLETİ-150")
