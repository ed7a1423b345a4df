"""NUL and other C0 control characters: one middleware answers 400 (Turkish) everywhere.

Before the middleware, PostgreSQL refused NUL in text parameters (``DataError``) and the portal
answered 500 at the order-code URLs, ``?siparis=``, the 3-D Secure callback, the upload link and
the admin list filters. Run on PostgreSQL too: ``DATABASE_URL=postgres://… pytest -m postgres``.
"""

import pytest
from django.test import Client

from iys_portal.middleware import has_control_characters
from tests.conftest import login_as
from tests.factories import AuthorizationRequestFactory, OrderFactory, make_staff

NUL = "\x00"
MESSAGE = "izin verilmeyen denetim karakterleri"


def assert_rejected(response):
    assert response.status_code == 400
    assert MESSAGE in response.content.decode()


def order_code_urls(code: str) -> list[str]:
    return [
        f"/paket/siparis/{code}/sozlesme/",
        f"/paket/siparis/{code}/sozlesme.pdf",
        f"/paket/siparis/{code}/iptal/",
        f"/odeme/{code}/",
        f"/odeme/{code}/kart/",
        f"/odeme/{code}/taksitler/",
        f"/odeme/{code}/taksit-tablosu/",
        f"/odeme/{code}/onay/",
        f"/odeme/{code}/makbuz.pdf",
        f"/odeme/{code}/havale/",
        f"/odeme/{code}/havale/talimat/",
        f"/odeme/{code}/havale/karta-gec/",
    ]


@pytest.fixture
def order(provider):
    return OrderFactory(service_provider=provider)


def _nul_cases(order_code: str, upload_number: str):
    for url in order_code_urls(order_code[:3] + NUL + order_code[3:]):
        yield "get", url, None
        yield "post", url, {}
    yield "get", "/paket/satin-al/", {"siparis": order_code + NUL}
    yield "get", "/paket/satin-al/", {"siparis": "\x01"}
    yield "post", "/odeme/3d-donus/", {"paymentId": "1" + NUL, "status": "success"}
    yield "post", f"/hesap/yetkilendirme-talebi/{upload_number}{NUL}/imzali-form/abc/", {}
    yield "get", f"/hesap/yetkilendirme-talebi/{upload_number}/imzali-form/{NUL}/", None


@pytest.mark.django_db
def test_nul_in_every_order_code_url_siparis_callback_and_upload_link_is_400(
    provider_client, order
):
    upload = AuthorizationRequestFactory()
    for method, url, data in _nul_cases(order.code, upload.number):
        response = getattr(provider_client, method)(url, data)
        assert response.status_code == 400, (method, repr(url), data)
        assert MESSAGE in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    [
        "status=" + NUL,
        "status__exact=%00",
        "q=%00",
        "o=%01",
        "siparis=%1b[31m",
    ],
)
def test_nul_in_admin_list_filters_is_400(client, query):
    login_as(client, make_staff("Muhasebe", is_superuser=True))
    for path in (
        "/yonetim/packages/order/",
        "/yonetim/payments/transferorder/",
        "/yonetim/accounts/authorizationrequest/",
    ):
        assert_rejected(client.get(f"{path}?{query}"))


@pytest.mark.django_db
def test_form_fields_with_control_characters_are_400_but_line_breaks_pass(provider_client):
    assert_rejected(provider_client.post("/marka/yeni/", {"name": "Marka\x00"}))
    assert_rejected(provider_client.post("/marka/yeni/", {"name": "Marka\x1b[2J"}))
    response = provider_client.post("/marka/yeni/", {"name": "Marka\r\nİkinci satır\t"})
    assert response.status_code != 400 or MESSAGE not in response.content.decode()


@pytest.mark.django_db
def test_nul_in_a_cookie_is_400_before_the_session_lookup(order):
    client = Client()
    client.cookies["sessionid"] = "abcdefgh" + NUL
    assert_rejected(client.get("/paket/satin-al/"))


def test_a_clean_request_passes(rf):
    request = rf.get("/paket/satin-al/", {"siparis": "İLETİ ıi", "note": "a\tb\r\nc"})
    assert not has_control_characters(request)
    assert has_control_characters(rf.get("/paket/\x00/"))
    assert has_control_characters(rf.post("/marka/yeni/", {"name": "a\x7f"}))


@pytest.mark.postgres
@pytest.mark.django_db
def test_nul_never_reaches_postgresql(provider_client, order):
    upload = AuthorizationRequestFactory()
    for method, url, data in _nul_cases(order.code, upload.number):
        response = getattr(provider_client, method)(url, data)
        assert response.status_code == 400, (method, repr(url), data)
