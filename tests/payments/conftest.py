import pytest
from django.core.cache import cache

from payments.gateways.iyzico import IyzicoGateway
from tests.factories import BankAccountFactory, make_staff
from tests.payments.iyzico_double import API_KEY, SECRET_KEY, IyzicoDouble


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
