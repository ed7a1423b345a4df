"""Browser journeys: Playwright driving the system Chromium against ``live_server``.

Without Chromium these tests skip with the reason, unless REQUIRE_BROWSER=1 (CI), where a
missing browser fails them. A failing test leaves a screenshot in tests/e2e/artifacts/.
"""

import os
import re
import shutil
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; Django's ORM calls in the test body
# are still synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ARTIFACTS = Path(__file__).parent / "artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def _chromium_path() -> str | None:
    for candidate in (os.environ.get("CHROMIUM_PATH"), "/usr/bin/chromium"):
        if candidate and Path(candidate).exists():
            return candidate
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="session")
def browser():
    executable = _chromium_path()
    if executable is None:
        message = "Chromium not found (/usr/bin/chromium): apt-get install chromium"
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(message + " — REQUIRE_BROWSER=1", pytrace=False)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.hookimpl(tryfirst=True, hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


@pytest.fixture
def page(browser, request, live_server, settings):
    settings.EDEVLET_BASE_URL = f"{live_server.url}/edevlet-simulator"
    context = browser.new_context(locale="tr-TR", timezone_id="Europe/Istanbul")
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.base_url = live_server.url
    yield page
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        name = re.sub(r"[^\w.-]+", "_", request.node.nodeid)
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    context.close()


def edevlet_login(page, tckn: str, password: str = "demo") -> None:
    """From any page of the portal: «e-Devlet ile Giriş» → simulator → back to the portal."""
    page.goto(page.base_url + "/")
    page.get_by_role("link", name="e-Devlet ile Giriş").first.click()
    page.get_by_label("T.C. Kimlik No").fill(tckn)
    page.get_by_label("e-Devlet Şifresi").fill(password)
    page.get_by_role("button", name="Giriş Yap").click()


def login_browser_as(page, user, service_provider) -> None:
    """Skip the e-Devlet pages (covered by test_login_journey): put a logged-in session cookie
    for ``user`` acting for ``service_provider`` into the browser."""
    from django.conf import settings
    from django.test import Client

    from tests.conftest import login_as

    client = login_as(Client(), user, service_provider)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies(
        [{"name": cookie.key, "value": cookie.value, "url": page.base_url, "sameSite": "Lax"}]
    )


def staff_login(page, user, password: str) -> None:
    """Log a staff user into the Django admin (/yonetim/)."""
    page.goto(page.base_url + "/yonetim/login/")
    page.get_by_label("T.C. kimlik no").fill(user.tckn)
    page.get_by_label("Parola").fill(password)
    page.get_by_role("button", name="Oturum aç").click()
