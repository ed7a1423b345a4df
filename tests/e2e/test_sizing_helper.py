"""Issue 11 point 10 in the browser: the sizing helper reads Turkish thousands and shows only
the error for a count it cannot read, as the user types (htmx) and without JavaScript."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import login_browser_as
from tests.factories import MembershipFactory, catalog

pytestmark = pytest.mark.django_db(transaction=True)

PHONES = "Onaylı telefon numarası sayısı"
EMAILS = "Onaylı e-posta adresi sayısı"
TOO_LARGE = "En fazla 1.000.000.000 girebilirsiniz."


def _check_the_helper(page, submit) -> None:
    page.get_by_label(PHONES).fill("150.000")
    page.get_by_label(EMAILS).fill("2 500")
    submit()
    result = page.get_by_test_id("sizing-result")
    expect(result).to_contain_text("Adres sayınız: 150.000")
    expect(result).to_contain_text("Telefon (150.000) ve e-posta (2.500)")
    expect(page.get_by_test_id("package-ileti-150")).to_contain_text("Önerilen")

    page.get_by_label(PHONES).fill("2.000.000.000")
    submit()
    expect(page.locator("#id_phone_count_errors")).to_have_text(TOO_LARGE)
    expect(page.get_by_test_id("sizing-result")).to_have_count(0)
    expect(page.get_by_text("Önerilen")).to_have_count(0)

    page.get_by_label(PHONES).fill("150\u00a0000")
    submit()
    expect(page.get_by_test_id("sizing-result")).to_contain_text("Adres sayınız: 150.000")
    expect(page.locator("#id_phone_count_errors")).to_have_text("")


def test_sizing_helper_as_the_user_types(page):
    catalog()
    membership = MembershipFactory()
    login_browser_as(page, membership.user, membership.service_provider)
    page.goto(page.base_url + "/paket/satin-al/")
    _check_the_helper(page, submit=lambda: None)  # htmx answers on input


def test_sizing_helper_without_javascript(browser, live_server):
    catalog()
    membership = MembershipFactory()
    context = browser.new_context(locale="tr-TR", java_script_enabled=False)
    try:
        page = context.new_page()
        page.base_url = live_server.url
        login_browser_as(page, membership.user, membership.service_provider)
        page.goto(live_server.url + "/paket/satin-al/")
        _check_the_helper(page, submit=page.get_by_role("button", name="Hesapla").click)
    finally:
        context.close()
