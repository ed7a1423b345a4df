"""Choosing English makes the portal and the desks English: words, ``lang``, numbers and money.
Turkish stays Turkish (the default, and after switching back)."""

from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from accounts.models import AuthorizationRequest
from iys_portal.formatting import format_count, format_try, parse_amount
from packages.models import Order
from tests.conftest import login_as
from tests.factories import (
    AuthorizationRequestFactory,
    BrandFactory,
    OrderFactory,
    PartnerGrantFactory,
    make_staff,
)
from tests.factories.packages import catalog
from tests.payments.card_helpers import payable_order

pytestmark = pytest.mark.django_db


def _turkish_sources() -> set[str]:
    """Every catalogued Turkish string whose English differs: none may show on an English page."""
    path = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"
    return {e.msgid for e in polib.pofile(str(path)) if e.msgstr != e.msgid and len(e.msgid) > 1}


TURKISH_SOURCES = _turkish_sources()


class _Texts(HTMLParser):
    """The text nodes and the accessible-name attributes of a page, each stripped."""

    ATTRIBUTES = {"aria-label", "title", "placeholder", "alt"}

    def __init__(self):
        super().__init__()
        self.texts: list[str] = []
        self.html_lang: str | None = None
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        if tag == "html":
            self.html_lang = dict(attrs).get("lang")
        self.texts += [value.strip() for name, value in attrs if name in self.ATTRIBUTES and value]

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.texts.append(" ".join(data.split()))


def read(response) -> _Texts:
    assert response.status_code == 200, response.status_code
    parser = _Texts()
    parser.feed(response.content.decode())
    return parser


def assert_english(response, *expected: str) -> str:
    page = read(response)
    html = response.content.decode()
    assert page.html_lang == "en"
    assert response["Content-Language"] == "en"
    left_turkish = sorted(text for text in page.texts if text in TURKISH_SOURCES)
    assert not left_turkish, f"Turkish on an English page: {left_turkish}"
    for text in expected:
        assert text in html, text
    return html


def assert_turkish(response, *expected: str) -> str:
    page = read(response)
    html = response.content.decode()
    assert page.html_lang == "tr"
    for text in expected:
        assert text in html, text
    return html


def choose_language(client, code: str):
    response = client.post(reverse("set_language"), {"language": code, "next": "/"})
    assert response.status_code == 302
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == code


@pytest.fixture
def english(provider_client):
    choose_language(provider_client, "en")
    return provider_client


# The portal ------------------------------------------------------------------------------------


def test_home_in_english_and_back_in_turkish(provider_client, provider):
    assert_turkish(provider_client.get("/"), "Paket Yönetimi", "Marka Yönetimi")

    choose_language(provider_client, "en")
    html = assert_english(provider_client.get("/"), "Package Management", "Brand Management")
    assert "Paket Yönetimi" not in html

    choose_language(provider_client, "tr")
    assert_turkish(provider_client.get("/"), "Paket Yönetimi")


def test_signed_out_home_page_in_english(client):
    choose_language(client, "en")
    assert_english(client.get("/"), "Sign in with e-Devlet", "AUTHORIZATION REQUEST FORM")


def test_package_management_in_english(english, provider):
    OrderFactory(service_provider=provider, status=Order.Status.AWAITING_TRANSFER)
    html = assert_english(
        english.get(reverse("packages:manage")),
        "Package Management",
        "Temel Hizmetler (basic services)",
        "Orders in progress",
        "Awaiting bank transfer",
    )
    assert "₺" in html and " ₺" not in html  # English money: the symbol leads


def test_purchase_page_prices_and_counts_in_english(english, provider):
    catalog()
    response = english.get(reverse("packages:purchase"), {"phone_count": 150000, "email_count": 0})
    html = assert_english(
        response, "Which package suits you?", "₺23,055.00", "/ year, VAT included", "150,000"
    )
    assert "23.055,00" not in html and "150.000" not in html


def test_purchase_page_prices_and_counts_in_turkish(provider_client, provider):
    catalog()
    response = provider_client.get(
        reverse("packages:purchase"), {"phone_count": 150000, "email_count": 0}
    )
    html = assert_turkish(response, "Hangi paket size uygun?", "23.055,00\u00a0₺", "150.000")
    assert "23,055.00" not in html


def test_payment_step_in_english(english, provider):
    order = payable_order(provider)
    html = assert_english(
        english.get(reverse("payments:step", args=[order.code])),
        "Payment Step",
        "Order Summary",
        "Pay by credit card",
        "₺19,212.50",  # net
        "₺3,842.50",  # VAT
        "Single payment — ₺23,055.00",
        ">Pay</button>",
    )
    assert "23.055,00" not in html


def test_brand_management_in_english(english, provider):
    brand = BrandFactory(service_provider=provider)
    PartnerGrantFactory(brand=brand, mesaj=True, arama=True)
    assert_english(
        english.get(reverse("brands:index")),
        "Brand Management",
        "Add a brand",
        "Business partner",
        "MESSAGE",
        "CALL",
    )


def test_authorizations_page_in_english(english, provider):
    AuthorizationRequestFactory(service_provider=provider)
    assert_english(
        english.get(reverse("accounts:delegates")),
        "Authorizations",
        "Pending requests",
        "Approve",
        "Reject",
    )


# The desks (Django admin) ----------------------------------------------------------------------


@pytest.fixture
def staff_client(client):
    user = make_staff("Muhasebe", "Destek", is_superuser=True)
    return login_as(client, user)


def test_accounting_desk_in_english_with_english_numbers(staff_client):
    order = OrderFactory(status=Order.Status.AWAITING_TRANSFER)
    choose_language(staff_client, "en")

    listing = assert_english(
        staff_client.get(reverse("admin:payments_transferorder_changelist")),
        "Bank transfer orders",
        "Order code",
        "Company",
        "Awaiting bank transfer",
        format_try(order.total_amount, language="en"),
    )
    assert format_try(order.total_amount, language="tr") not in listing
    assert_english(
        staff_client.get(reverse("admin:payments_transferorder_detail", args=[order.pk])),
        "Order history",
        "Amount payable (including VAT)",
    )
    assert_english(
        staff_client.get(reverse("admin:payments_transferorder_confirm", args=[order.pk])),
        "Amount received (₺)",
        "e.g. 23,055.00",
    )


def test_support_desk_filters_and_headers_in_english(staff_client):
    AuthorizationRequestFactory(status=AuthorizationRequest.Status.SUBMITTED)
    choose_language(staff_client, "en")

    html = assert_english(
        staff_client.get(reverse("admin:accounts_authorizationrequest_changelist")),
        "By status",  # Django's own words around the portal's verbose names
        "Under review",
        "Authorization requests",
    )
    assert "By durum" not in html and "Show counts" in html


def test_desk_html_lang_is_turkish_so_headers_upper_case_the_turkish_way(staff_client):
    """The admin's column headers are upper-cased by CSS, which follows ``lang``: only with
    lang="tr" does «Sipariş kodu» become «SİPARİŞ KODU» instead of «SIPARIŞ KODU»."""
    OrderFactory(status=Order.Status.AWAITING_TRANSFER)
    response = staff_client.get(reverse("admin:payments_transferorder_changelist"))
    assert_turkish(response, "Sipariş kodu", "Havale bekleniyor")
    assert "İYS Portal — Yönetim" in response.content.decode()


# Formats -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "language,money,count,negative",
    [
        ("tr", "1.234.567,89\u00a0₺", "200.000", "-5,00\u00a0₺"),
        ("en", "₺1,234,567.89", "200,000", "-₺5.00"),
    ],
)
def test_money_and_counts_follow_the_language(language, money, count, negative):
    with translation.override(language):
        assert format_try(Decimal("1234567.889")) == money
        assert format_count(200000) == count
        assert format_try(Decimal("-5")) == negative
    assert format_try(Decimal("1234567.889"), language=language) == money


@pytest.mark.parametrize(
    "language,typed,amount",
    [
        ("tr", "23.055,00", "23055.00"),
        ("tr", "23055.5", "23055.50"),
        ("en", "23,055.00", "23055.00"),
        ("en", "23055.5", "23055.50"),
    ],
)
def test_amounts_are_read_the_way_the_language_writes_them(language, typed, amount):
    with translation.override(language):
        assert parse_amount(typed) == Decimal(amount)


def test_documents_of_record_are_issued_in_turkish_from_an_english_page():
    """PDFs travel with Turkish e-mails and are kept as records: the page's language (English
    here) does not leak into them."""
    import io

    from pypdf import PdfReader

    from iys_portal.pdf import render_pdf

    with translation.override("en"):
        pdf = render_pdf("500.html", {})
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "Beklenmeyen bir hata oluştu" in text
    assert "An unexpected error occurred" not in text
