"""Issue 11, point 4: a timeout is worded for where it happened. Only the charge itself (3-D
Secure auth) can have taken money; at the installment lookup or the 3-D Secure start nothing
was charged and the user may simply try again. Real SDK, iyzico double over HTTPS."""

import pytest
from django.urls import reverse

from packages.models import Order
from payments.gateways import GatewayTimeout
from payments.models import Payment
from tests.payments.card_helpers import bank_payment_id, pay, payable_order, post_callback
from tests.payments.test_iyzico_gateway import PRICE, expected_for, three_ds_request

INSTALLMENT = "/payment/iyzipos/installment"
INITIALIZE = "/payment/3dsecure/initialize"
AUTH = "/payment/3dsecure/auth"
MAYBE_CHARGED = "Kartınızdan çekim yapıldıysa"
AUTOMATIC = "otomatik olarak doğrulanacaktır"


@pytest.fixture
def order(provider, authorized_user):
    return payable_order(provider)


@pytest.fixture
def tls_gateway(iyzico_tls_double):
    from payments.gateways.iyzico import IyzicoGateway
    from tests.payments.iyzico_double import API_KEY, SECRET_KEY

    return IyzicoGateway(
        api_key=API_KEY, secret_key=SECRET_KEY, base_url=iyzico_tls_double.base_url, timeout=1.0
    )


@pytest.mark.django_db
@pytest.mark.parametrize("path", [INSTALLMENT, INITIALIZE])
def test_a_timeout_before_the_charge_says_nothing_was_charged(
    provider_client, order, use_iyzico_tls_double, path
):
    use_iyzico_tls_double.hang_on.add(path)

    response = pay(provider_client, order)

    html = response.content.decode()
    assert response.status_code == 400
    assert "Ödeme hizmeti zamanında yanıt vermedi; kartınızdan çekim yapılmadı." in html
    assert "Lütfen yeniden deneyiniz." in html
    assert MAYBE_CHARGED not in html and AUTOMATIC not in html
    assert ">Öde</button>" in html
    order.refresh_from_db()
    assert order.status in (Order.Status.CONTRACT_ACCEPTED, Order.Status.FAILED)
    # Later, the step page tells the same story.
    page = provider_client.get(reverse("payments:step", args=[order.code])).content.decode()
    assert MAYBE_CHARGED not in page and AUTOMATIC not in page
    assert ">Öde</button>" in page
    if path == INITIALIZE:
        payment = Payment.objects.get(order=order)
        assert payment.status == Payment.Status.FAILED
        assert "Ödeme hizmeti zamanında yanıt vermedi." in page


@pytest.mark.django_db
def test_a_timeout_of_the_charge_says_it_will_be_verified(
    provider_client, order, use_iyzico_tls_double
):
    double = use_iyzico_tls_double
    response = pay(provider_client, order)
    fields = double.bank_fields(bank_payment_id(response.content.decode()))
    double.hang_on.add(AUTH)

    back = post_callback(fields)

    page = provider_client.get(back.url).content.decode()
    assert "Ödemeniz bankanızla doğrulanıyor. Kartınızdan çekim yapıldıysa" in page
    assert "Kartınızdan çekim yapılmadı" not in page
    assert Payment.objects.get(order=order).status == Payment.Status.COMPLETING


def test_the_gateway_words_timeouts_by_what_the_call_could_do(tls_gateway, iyzico_tls_double):
    iyzico_tls_double.hang_on.add(INSTALLMENT)
    with pytest.raises(GatewayTimeout) as lookup:
        tls_gateway.installment_options(bin_number="552879", price=PRICE)
    assert "kartınızdan çekim yapılmadı" in str(lookup.value.message)
    assert AUTOMATIC not in str(lookup.value.message)

    iyzico_tls_double.hang_on = {INITIALIZE}
    with pytest.raises(GatewayTimeout) as start:
        tls_gateway.start_3ds(three_ds_request())
    assert "kartınızdan çekim yapılmadı" in str(start.value.message)

    iyzico_tls_double.hang_on = set()
    started = tls_gateway.start_3ds(three_ds_request())
    fields = iyzico_tls_double.bank_fields(started.payment_id)
    iyzico_tls_double.hang_on = {AUTH}
    with pytest.raises(GatewayTimeout) as charge:
        tls_gateway.complete_3ds(
            expected=expected_for(started), conversation_data=fields["conversationData"]
        )
    assert MAYBE_CHARGED in str(charge.value.message)
    assert AUTOMATIC in str(charge.value.message)
