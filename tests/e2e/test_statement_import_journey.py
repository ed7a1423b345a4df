"""Muhasebe imports a bank statement (MT940) and confirms the proposed matches in a browser;
the pending list fits a 1366 px screen; the customer then sees the package active."""

import pytest
from playwright.sync_api import expect

from packages.models import Order
from payments.models import BankTransfer, StatementLine
from tests.e2e.conftest import ARTIFACTS, login_browser_as, staff_login
from tests.factories import (
    BankAccountFactory,
    MembershipFactory,
    OrderFactory,
    catalog,
    make_staff,
)
from tests.payments.statement_helpers import mt940_statement

pytestmark = pytest.mark.django_db(transaction=True)
S = Order.Status


def test_accountant_imports_a_statement_and_the_customer_sees_the_package(page, tmp_path):
    packages = catalog()
    account = BankAccountFactory(bank_name="Garanti BBVA", iban="TR700006200000000006299999")
    buyer = MembershipFactory(service_provider__title="Anadolu Tekstil Sanayi ve Ticaret A.Ş.")
    mine = OrderFactory(
        status=S.AWAITING_TRANSFER,
        service_provider=buyer.service_provider,
        package=packages["ileti-150"],
        created_by=buyer.user,
    )
    typo = OrderFactory(status=S.AWAITING_TRANSFER, service_provider__title="Karadeniz Gıda Ltd.")
    partial = OrderFactory(status=S.AWAITING_TRANSFER, service_provider__title="Ege Mobilya A.Ş.")
    statement = tmp_path / "garanti-28-11.sta"
    statement.write_bytes(
        mt940_statement(
            iban=account.iban,
            matching=mine,
            mistyped=typo,
            partial=partial,
            partial_amount=partial.total_amount / 2,
        )
    )
    accountant = make_staff("Muhasebe", password="muhasebe-parola-1", first_name="Gülşen")

    desk_context = page.context.browser.new_context(
        locale="tr-TR", timezone_id="Europe/Istanbul", viewport={"width": 1366, "height": 768}
    )
    desk_context.set_default_timeout(15_000)
    desk = desk_context.new_page()
    desk.base_url = page.base_url
    try:
        staff_login(desk, accountant, "muhasebe-parola-1")
        # The pending list fits 1366 px: no column beyond the right edge, no sideways scroll.
        desk.get_by_role("link", name="Havale/EFT siparişleri").first.click()
        expect(desk.get_by_role("link", name=mine.code)).to_be_visible()
        # The admin wraps the table in a box that scrolls sideways: measure against that box.
        widths = desk.evaluate(
            """() => {
                const box = document.querySelector('#changelist .results');
                const cells = [...document.querySelectorAll('#result_list thead th')];
                return {right: Math.max(...cells.map(c => c.getBoundingClientRect().right)),
                        boxRight: box.getBoundingClientRect().right,
                        scroll: box.scrollWidth, client: box.clientWidth,
                        page: document.documentElement.scrollWidth,
                        viewport: window.innerWidth};
            }"""
        )
        assert widths["right"] <= widths["boxRight"] + 1, widths
        assert widths["scroll"] <= widths["client"], widths
        assert widths["page"] <= widths["viewport"], widths
        for heading in ("Durum", "Gelen"):
            expect(desk.locator("#result_list thead").get_by_text(heading)).to_be_in_viewport()

        desk.goto(desk.base_url + "/yonetim/payments/bankstatement/")
        desk.get_by_role("link", name="Banka ekstresi ekle").click()
        desk.get_by_label("Ekstrenin ait olduğu hesap").select_option(
            label="Garanti BBVA — TR70 0006 2000 0000 0006 2999 99"
        )
        desk.get_by_label("Dosya biçimi").select_option("mt940")
        desk.get_by_label("Ekstre dosyası").set_input_files(str(statement))
        desk.get_by_role("button", name="Ekstreyi yükle").click()
        expect(desk.get_by_text("Ekstre yüklendi: 4 alacak hareketi")).to_be_visible()

        proposals = desk.get_by_test_id("proposals")
        expect(proposals).to_contain_text(mine.code)
        expect(proposals).to_contain_text(typo.code)
        expect(proposals).to_contain_text("Kod hatalı yazılmış")
        expect(proposals).not_to_contain_text(partial.code)
        expect(desk.get_by_test_id("unmatched")).to_contain_text("Tutar farklı")
        desk.get_by_role("button", name="Seçilen eşleşmeleri onayla").click()
        expect(desk.get_by_text("2 ödeme onaylandı")).to_be_visible()
        expect(desk.get_by_test_id("confirmed")).to_contain_text(mine.code)
        expect(desk.get_by_text("Onay bekleyen eşleşme yok.")).to_be_visible()

        # The same file again adds nothing and confirms nothing.
        desk.get_by_role("link", name="Banka ekstreleri").first.click()
        desk.get_by_role("link", name="Banka ekstresi ekle").click()
        desk.get_by_label("Ekstrenin ait olduğu hesap").select_option(
            label="Garanti BBVA — TR70 0006 2000 0000 0006 2999 99"
        )
        desk.get_by_label("Ekstre dosyası").set_input_files(str(statement))
        desk.get_by_role("button", name="Ekstreyi yükle").click()
        expect(desk.get_by_text("Bu dosya daha önce yüklenmişti")).to_be_visible()
    except Exception:
        ARTIFACTS.mkdir(exist_ok=True)
        desk.screenshot(path=str(ARTIFACTS / "statement_desk.png"), full_page=True)
        raise
    finally:
        desk_context.close()

    assert BankTransfer.objects.count() == 2
    assert StatementLine.objects.count() == 4
    assert BankTransfer.objects.get(order=mine).decided_by == accountant

    # The customer sees the package active -------------------------------------------------
    login_browser_as(page, buyer.user, buyer.service_provider)
    page.goto(page.base_url + "/paket/")
    expect(page.get_by_test_id("active-package-name")).to_have_text("İLETİ-150")
