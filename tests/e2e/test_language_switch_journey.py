"""The footer's language switch: the portal and the desk follow it, words and numbers alike, and
the desk's upper-cased column headers are upper-cased the Turkish way in Turkish."""

import pytest
from playwright.sync_api import expect

from iys_portal.formatting import format_try
from packages.models import Order
from tests.e2e.conftest import login_browser_as, staff_login
from tests.factories import (
    MembershipFactory,
    OrderFactory,
    ServiceProviderFactory,
    catalog,
    make_staff,
)

pytestmark = pytest.mark.django_db(transaction=True)


def switch_language(page, label: str, language: str) -> None:
    """Choose ``language`` in the footer's select; the page reloads in it."""
    page.get_by_label(label, exact=True).select_option(language)
    expect(page.locator("html")).to_have_attribute("lang", language)


def test_portal_switches_to_english_and_back(page):
    catalog()
    provider = ServiceProviderFactory(title="Anadolu Tekstil A.Ş.")
    membership = MembershipFactory(service_provider=provider)
    login_browser_as(page, membership.user, provider)

    page.goto(page.base_url + "/")
    expect(page.locator("html")).to_have_attribute("lang", "tr")
    switch_language(page, "Dil", "en")

    page.get_by_role("link", name="Package Management").first.click()
    expect(page.get_by_role("heading", name="Package Management", level=1)).to_be_visible()
    page.get_by_role("link", name="Change package").click()
    expect(page.get_by_role("heading", name="Package Selection", level=1)).to_be_visible()
    page.get_by_label("Number of approved phone numbers").fill("150000")
    page.get_by_label("Number of approved e-mail addresses").fill("20000")
    result = page.get_by_test_id("sizing-result")
    expect(result).to_contain_text("Your number of addresses: 150,000")
    card = page.get_by_test_id("package-ileti-150")
    expect(card).to_contain_text("₺23,055.00")
    expect(card).to_contain_text("Recommended")
    expect(card.get_by_role("button", name="Select the İLETİ-150 package")).to_be_visible()

    switch_language(page, "Language", "tr")
    expect(page.get_by_role("heading", name="Paket Seçimi", level=1)).to_be_visible()
    expect(page.get_by_test_id("package-ileti-150")).to_contain_text("23.055,00 ₺")


def test_accounting_desk_follows_the_language_and_upper_cases_by_it(page):
    order = OrderFactory(status=Order.Status.AWAITING_TRANSFER)
    accountant = make_staff("Muhasebe", first_name="Gülşen", last_name="Işık")
    staff_login(page, accountant, "gizli-parola-123")

    page.goto(page.base_url + "/yonetim/payments/transferorder/")
    expect(page.locator("html")).to_have_attribute("lang", "tr")
    header = page.locator("#result_list thead th.column-code_column")
    # innerText applies the CSS upper-casing, which follows lang: a Turkish dotted İ.
    assert header.inner_text().strip() == "SİPARİŞ KODU"
    expect(page.locator("#result_list")).to_contain_text(order.code)

    page.goto(page.base_url + "/")
    switch_language(page, "Dil", "en")
    page.goto(page.base_url + "/yonetim/payments/transferorder/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert header.inner_text().strip() == "ORDER CODE"
    expect(page.locator("#result_list")).to_contain_text("Awaiting bank transfer")
    expect(page.locator("#result_list")).to_contain_text(
        format_try(order.total_amount, language="en")  # ₺23,055.00
    )
    expect(page.locator("#result_list")).not_to_contain_text(
        format_try(order.total_amount, language="tr")
    )
