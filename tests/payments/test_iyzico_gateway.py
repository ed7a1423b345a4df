"""IyzicoGateway through the unmodified iyzipay SDK against the local iyzico double."""

import threading
import time
from decimal import Decimal

import pytest
from iyzipay.iyzipay_resource import IyzipayResource

from payments.gateways import (
    Buyer,
    Card,
    Expected,
    GatewayTimeout,
    GatewayUnavailable,
    PaymentDeclined,
    PaymentState,
    ResponseTampered,
    ThreeDSRequest,
)
from payments.gateways.iyzico import IyzicoGateway
from tests.payments.iyzico_double import (
    API_KEY,
    SECRET_KEY,
    IyzicoDouble,
    self_signed_certificate,
    server_tls_context,
)

PRICE = Decimal("1000.00")


def three_ds_request(card_number="5528790000000008", installment=1, paid_price=PRICE):
    return ThreeDSRequest(
        conversation_id="conv-1",
        basket_id="ABC123",
        price=PRICE,
        paid_price=paid_price,
        installment=installment,
        callback_url="http://testserver/odeme/3d-donus/",
        buyer=Buyer(
            id="7",
            name="Ayşe",
            surname="Yılmaz",
            email="ayse@example.com",
            identity_number="10000000146",
            gsm_number="+905551112233",
            ip="127.0.0.1",
            city="İstanbul",
            address="Örnek Mah. 1",
            company_title="Anadolu Tekstil A.Ş.",
        ),
        item_id="ILETI-150",
        item_name="İLETİ-150",
        card=Card(
            holder_name="AYSE YILMAZ",
            number=card_number,
            expire_month="12",
            expire_year="2030",
            cvc="123",
        ),
    )


def expected_for(start, paid_price=PRICE):
    return Expected(
        payment_id=start.payment_id,
        conversation_id="conv-1",
        basket_id="ABC123",
        price=PRICE,
        paid_price=paid_price,
    )


def started_and_authenticated(gateway, double, **kwargs):
    start = gateway.start_3ds(three_ds_request(**kwargs))
    fields = double.bank_fields(start.payment_id)
    return start, fields


def test_installment_options_for_a_bin_sends_prices_as_strings(iyzico_gateway, iyzico_double):
    family = iyzico_gateway.installment_options(bin_number="552879", price=PRICE)

    assert family.card_family == "Bonus"
    assert family.bank_name == "Garanti BBVA"
    three = family.option(3)
    assert three.total_price == Decimal("1044.90")
    assert three.installment_price == Decimal("348.30")
    assert family.option(1).total_price == PRICE
    (body,) = iyzico_double.calls("/payment/iyzipos/installment")
    assert body["price"] == "1000.00"
    assert body["binNumber"] == "552879"


def test_installment_table_lists_every_card_family(iyzico_gateway):
    table = iyzico_gateway.installment_table(price=PRICE)

    assert [f.card_family for f in table][:3] == ["Bonus", "World", "Maximum"]
    assert len(table) == 8
    assert max(o.count for o in table[0].options) == 12


def test_wrong_credentials_are_refused_by_the_double_and_reported_as_unavailable(iyzico_double):
    gateway = IyzicoGateway(
        api_key=API_KEY, secret_key="not-the-secret", base_url=iyzico_double.base_url, timeout=1
    )
    with pytest.raises(GatewayUnavailable) as info:
        gateway.installment_table(price=PRICE)
    assert info.value.code == "configuration"


def test_start_3ds_returns_bank_html_and_payment_id(iyzico_gateway, iyzico_double):
    start = iyzico_gateway.start_3ds(three_ds_request(installment=3, paid_price=Decimal("1044.90")))

    assert start.payment_id in iyzico_double.payments
    assert f"/acs/{start.payment_id}" in start.html
    (body,) = iyzico_double.calls("/payment/3dsecure/initialize")
    assert body["price"] == "1000.00"
    assert body["paidPrice"] == "1044.90"
    assert body["installment"] == "3"
    assert body["basketItems"][0]["price"] == "1000.00"
    assert body["callbackUrl"] == "http://testserver/odeme/3d-donus/"


def test_complete_3ds_verifies_and_returns_the_payment(iyzico_gateway, iyzico_double):
    start, fields = started_and_authenticated(iyzico_gateway, iyzico_double)

    result = iyzico_gateway.complete_3ds(
        expected=expected_for(start), conversation_data=fields["conversationData"]
    )

    assert result.succeeded
    assert result.paid_price == PRICE
    assert result.last_four == "0008"
    assert result.bin_number == "552879"
    assert iyzico_gateway.verify_callback(fields)
    assert not iyzico_gateway.verify_callback({**fields, "mdStatus": "0"})


def test_wrong_response_signature_is_never_trusted(iyzico_gateway, iyzico_double):
    start, fields = started_and_authenticated(iyzico_gateway, iyzico_double)
    iyzico_double.tamper = {"signature": "0" * 64}

    with pytest.raises(ResponseTampered):
        iyzico_gateway.complete_3ds(
            expected=expected_for(start), conversation_data=fields["conversationData"]
        )


def test_signed_response_with_a_changed_amount_is_refused(iyzico_gateway, iyzico_double):
    start, fields = started_and_authenticated(iyzico_gateway, iyzico_double)
    iyzico_double.payments[start.payment_id].paid_price = "1.00"

    with pytest.raises(ResponseTampered) as info:
        iyzico_gateway.complete_3ds(
            expected=expected_for(start), conversation_data=fields["conversationData"]
        )
    assert "paidPrice" in info.value.extra["detail"]


def test_other_basket_or_currency_is_refused(iyzico_gateway, iyzico_double):
    start, fields = started_and_authenticated(iyzico_gateway, iyzico_double)
    iyzico_double.payments[start.payment_id].basket_id = "OTHER1"

    with pytest.raises(ResponseTampered):
        iyzico_gateway.complete_3ds(
            expected=expected_for(start), conversation_data=fields["conversationData"]
        )


def test_declined_card_maps_to_a_turkish_reason(iyzico_gateway, iyzico_double):
    start, fields = started_and_authenticated(
        iyzico_gateway, iyzico_double, card_number="4111111111111129"
    )

    with pytest.raises(PaymentDeclined) as info:
        iyzico_gateway.complete_3ds(
            expected=expected_for(start), conversation_data=fields["conversationData"]
        )
    assert str(info.value) == "Kart limiti yetersiz, yetersiz bakiye."
    assert info.value.extra["error_code"] == "10051"


def test_error_response_without_json_is_unavailable(iyzico_gateway, iyzico_double):
    iyzico_double.raw_next = (502, b"<html>Bad gateway</html>")
    with pytest.raises(GatewayUnavailable) as info:
        iyzico_gateway.installment_table(price=PRICE)
    assert "ulaşılamıyor" in str(info.value)


def test_a_server_that_never_answers_times_out(iyzico_gateway, iyzico_double):
    start, fields = started_and_authenticated(iyzico_gateway, iyzico_double)
    iyzico_double.hang = True

    began = time.monotonic()
    with pytest.raises(GatewayTimeout):
        iyzico_gateway.complete_3ds(
            expected=expected_for(start), conversation_data=fields["conversationData"]
        )
    assert time.monotonic() - began < 5

    # The payment is still recoverable: iyzico answers again, and retrieve tells its state.
    assert iyzico_gateway.retrieve(expected=expected_for(start)).state == (
        PaymentState.CALLBACK_THREEDS
    )


def test_retrieve_and_cancel_a_completed_payment(iyzico_gateway, iyzico_double):
    start, fields = started_and_authenticated(iyzico_gateway, iyzico_double)
    expected = expected_for(start)
    iyzico_gateway.complete_3ds(expected=expected, conversation_data=fields["conversationData"])

    assert iyzico_gateway.retrieve(expected=expected).succeeded
    iyzico_gateway.cancel(expected=expected, ip="127.0.0.1")
    assert iyzico_double.payments[start.payment_id].status == "REFUNDED"


def test_parallel_calls_keep_their_own_signed_headers(iyzico_gateway):
    """The SDK's class-level header dict would mix signatures between threads; ours don't."""
    errors = []

    def work():
        try:
            for _ in range(5):
                assert iyzico_gateway.installment_options(bin_number="460345", price=PRICE)
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert errors == []
    assert "Authorization" not in IyzipayResource.header


@pytest.mark.parametrize(
    "call",
    [
        lambda g: g.installment_table(price=PRICE),
        lambda g: g.installment_options(bin_number="552879", price=PRICE),
        lambda g: g.start_3ds(three_ds_request()),
    ],
    ids=["installment_table", "installment_options", "start_3ds"],
)
def test_production_gateway_sends_nothing_over_plain_http(
    iyzico_gateway, iyzico_double, settings, call
):
    """Even if the start-up check were bypassed, card data never leaves in clear text."""
    settings.PRODUCTION = True

    with pytest.raises(GatewayUnavailable) as info:
        call(iyzico_gateway)

    assert info.value.code == "configuration"
    assert iyzico_double.requests == []


def test_the_tls_context_is_made_once_per_trust_store_and_still_verifies(
    double_certificate, tmp_path, monkeypatch
):
    """Building the client context reads the CA bundle (milliseconds with the system's): it is
    made once per trust store, and a server outside that store is still refused."""
    from payments.gateways.iyzico import _tls_context

    cert, key = double_certificate
    stranger, _key = self_signed_certificate(tmp_path)
    double = IyzicoDouble(tls=server_tls_context(cert, key)).start()
    try:
        gateway = IyzicoGateway(
            api_key=API_KEY, secret_key=SECRET_KEY, base_url=double.base_url, timeout=2.0
        )
        monkeypatch.setenv("SSL_CERT_FILE", cert)
        _tls_context.cache_clear()
        for _ in range(3):
            assert gateway.installment_options(bin_number="552879", price=Decimal("100.00"))
        assert _tls_context.cache_info().misses == 1
        monkeypatch.setenv("SSL_CERT_FILE", stranger)  # the double's certificate is unknown
        with pytest.raises(GatewayUnavailable):
            gateway.installment_options(bin_number="552879", price=Decimal("100.00"))
    finally:
        double.stop()
