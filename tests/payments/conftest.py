import pytest
from django.core.cache import cache

from payments.gateways.iyzico import IyzicoGateway
from tests.factories import BankAccountFactory, make_staff
from tests.payments.iyzico_double import (
    API_KEY,
    SECRET_KEY,
    IyzicoDouble,
    self_signed_certificate,
    server_tls_context,
)


@pytest.fixture
def iyzico_double():
    """A local iyzico API (plain HTTP on 127.0.0.1) for the real SDK to talk to."""
    double = IyzicoDouble().start()
    yield double
    double.stop()


@pytest.fixture
def iyzico_gateway(iyzico_double):
    return IyzicoGateway(
        api_key=API_KEY, secret_key=SECRET_KEY, base_url=iyzico_double.base_url, timeout=1.0
    )


@pytest.fixture
def use_iyzico_double(iyzico_double, settings):
    """The portal's configured gateway becomes IyzicoGateway talking to the double."""
    settings.PAYMENT_GATEWAY = "iyzico"
    settings.IYZICO_API_KEY = API_KEY
    settings.IYZICO_SECRET_KEY = SECRET_KEY
    settings.IYZICO_BASE_URL = iyzico_double.base_url
    settings.IYZICO_TIMEOUT_SECONDS = 1.0
    return iyzico_double


@pytest.fixture(scope="session")
def double_certificate(tmp_path_factory):
    """A self-signed certificate for 127.0.0.1, made once per test session."""
    return self_signed_certificate(tmp_path_factory.mktemp("iyzico-tls"))


@pytest.fixture
def iyzico_tls_double(double_certificate, monkeypatch):
    """The iyzico double over HTTPS. The SDK opens ``http.client.HTTPSConnection`` with Python's
    default context, which reads ``SSL_CERT_FILE``: pointing it at the double's certificate makes
    the unmodified SDK verify the double like any other server (and nothing else)."""
    cert, key = double_certificate
    monkeypatch.setenv("SSL_CERT_FILE", cert)
    double = IyzicoDouble(tls=server_tls_context(cert, key)).start()
    yield double
    double.stop()


@pytest.fixture
def use_iyzico_tls_double(iyzico_tls_double, settings):
    """The portal's configured gateway is IyzicoGateway talking HTTPS to the double."""
    settings.PAYMENT_GATEWAY = "iyzico"
    settings.IYZICO_API_KEY = API_KEY
    settings.IYZICO_SECRET_KEY = SECRET_KEY
    settings.IYZICO_BASE_URL = iyzico_tls_double.base_url
    settings.IYZICO_TIMEOUT_SECONDS = 1.0
    return iyzico_tls_double


@pytest.fixture
def accountant(db):
    return make_staff("Muhasebe", first_name="Gülşen", last_name="Işık")


@pytest.fixture
def bank_account(db):
    return BankAccountFactory(bank_name="Garanti BBVA", iban="TR700006200000000006299999")


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters and the fake gateway's memory live in the cache: start clean."""
    cache.clear()
    yield
    cache.clear()
