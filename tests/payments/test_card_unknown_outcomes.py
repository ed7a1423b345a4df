"""Issue 11, points 1 and 2: a charge whose outcome is not verified is *unknown*, never
*failed*. Driven through the real IyzicoGateway and the unmodified iyzipay SDK against the local
iyzico double over HTTPS (a self-signed certificate the SDK is made to trust)."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from packages.models import Order, Subscription
from payments.models import Payment, PaymentEvent
from payments.services.card import payment_reconcile, payment_resolve, payments_reconcile
from payments.services.card_settle import Resolution
from tests.factories import UserFactory
from tests.payments.card_helpers import bank_payment_id, pay, payable_order, post_callback

AUTH = "/payment/3dsecure/auth"
DETAIL = "/payment/detail"
CANCEL = "/payment/cancel"
LATER = timedelta(minutes=11)


@pytest.fixture
def order(provider, authorized_user):
    return payable_order(provider)


@pytest.fixture
def staff_client():
    client = Client()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def start_at_bank(client, order, double):
    response = pay(client, order)
    assert response.status_code == 200, response.content.decode()[:2000]
    return double.bank_fields(bank_payment_id(response.content.decode()))


def charged_without_answer(client, order, double) -> Payment:
    """The auth call reaches iyzico, which charges the card, but no answer comes back."""
    fields = start_at_bank(client, order, double)
    double.hang = True
    post_callback(fields)
    double.payments[fields["paymentId"]].status = "SUCCESS"  # iyzico did take the money
    payment = Payment.objects.get(order=order)
    assert payment.status == Payment.Status.COMPLETING
    return payment


def step_page(client, order) -> str:
    return client.get(reverse("payments:step", args=[order.code])).content.decode()


def test_the_double_speaks_https(use_iyzico_tls_double):
    assert use_iyzico_tls_double.base_url.startswith("https://127.0.0.1:")


# Point 1: the reconciliation --------------------------------------------------------------


UNKNOWN_ANSWERS = {
    "error_reply": lambda d: d.fail_on.__setitem__(DETAIL, "1"),
    "http_500_with_error_body": lambda d: d.fail_on.__setitem__(
        DETAIL, (500, b'{"status":"failure","errorCode":"1","errorMessage":"Sistem hatasi"}')
    ),
    "http_500": lambda d: d.fail_on.__setitem__(DETAIL, (500, b"<html>Internal</html>")),
    "unsigned": lambda d: d.tamper.update({"signature": None}),
    "wrong_signature": lambda d: d.tamper.update({"signature": "0" * 64}),
    "never_answers": lambda d: d.hang_on.add(DETAIL),
}


@pytest.mark.django_db
@pytest.mark.parametrize("answer", UNKNOWN_ANSWERS)
def test_an_unverified_answer_to_retrieve_never_settles_a_charged_payment(
    provider_client, order, use_iyzico_tls_double, answer
):
    double = use_iyzico_tls_double
    payment = charged_without_answer(provider_client, order, double)
    UNKNOWN_ANSWERS[answer](double)

    now = timezone.now() + LATER
    assert payments_reconcile(now=now) == 0

    payment.refresh_from_db()
    assert payment.status == Payment.Status.COMPLETING
    assert payment.reconcile_attempts == 1
    assert payment.last_error
    assert payment.next_reconcile_at == now + timedelta(minutes=10)
    assert payment.attention_since is None
    assert payment.events.filter(kind=PaymentEvent.Kind.UNKNOWN).count() == 1
    assert not payment.events.filter(kind=PaymentEvent.Kind.FAILED).exists()
    order.refresh_from_db()
    assert order.status == Order.Status.AWAITING_PAYMENT
    page = step_page(provider_client, order)
    assert "Kartınızdan çekim yapılmadı" not in page
    assert "Ödemeniz bankanızla doğrulanıyor" in page
    assert ">Öde</button>" not in page

    # Back-off: not asked again before its time; then a verified answer settles it.
    double.hang_on.clear()
    calls = len(double.calls(DETAIL))
    payments_reconcile(now=now + timedelta(minutes=5))
    assert len(double.calls(DETAIL)) == calls
    assert payments_reconcile(now=now + timedelta(minutes=11)) == 1
    payment.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED
    order.refresh_from_db()
    assert order.status == Order.Status.ACTIVE


@pytest.mark.django_db
def test_only_a_signed_failure_fails_the_payment(provider_client, order, use_iyzico_tls_double):
    double = use_iyzico_tls_double
    payment = charged_without_answer(provider_client, order, double)
    double.payments[payment.gateway_payment_id].status = "FAILURE"

    payments_reconcile(now=timezone.now() + LATER)

    payment.refresh_from_db()
    assert payment.status == Payment.Status.FAILED
    order.refresh_from_db()
    assert order.status == Order.Status.FAILED  # payable again
    assert ">Öde</button>" in step_page(provider_client, order)


@pytest.mark.django_db
def test_a_replayed_reconciliation_asks_once(provider_client, order, use_iyzico_tls_double):
    double = use_iyzico_tls_double
    payment = charged_without_answer(provider_client, order, double)
    del double.payments[payment.gateway_payment_id]  # every answer: an (unsigned) error reply
    now = timezone.now() + LATER

    for _ in range(3):
        payment_reconcile(payment_id=payment.pk, now=now)
    payments_reconcile(now=now)

    payment.refresh_from_db()
    assert len(double.calls(DETAIL)) == 1
    assert payment.reconcile_attempts == 1
    assert payment.status == Payment.Status.COMPLETING


@pytest.mark.django_db
def test_after_the_limit_a_person_settles_it_from_the_admin(
    provider_client, order, use_iyzico_tls_double, staff_client, settings
):
    settings.CARD_PAYMENT_ATTENTION_AFTER_HOURS = 24
    double = use_iyzico_tls_double
    payment = charged_without_answer(provider_client, order, double)
    del double.payments[payment.gateway_payment_id]

    payments_reconcile(now=timezone.now() + timedelta(hours=23))
    payment.refresh_from_db()
    assert payment.attention_since is None
    later = timezone.now() + timedelta(hours=25)
    payments_reconcile(now=later)

    payment.refresh_from_db()
    assert payment.status == Payment.Status.COMPLETING
    assert payment.needs_attention
    assert payment.events.filter(kind=PaymentEvent.Kind.ATTENTION).count() == 1
    # On the list, it is no longer asked about automatically.
    calls = len(double.calls(DETAIL))
    payments_reconcile(now=later + timedelta(hours=3))
    assert len(double.calls(DETAIL)) == calls
    page = step_page(provider_client, order)
    assert "ekibimiz konuyu inceliyor" in page and ">Öde</button>" not in page

    url = reverse("admin:payments_payment_changelist")
    listing = staff_client.get(url, {"inceleme": "gerekiyor"}).content.decode()
    assert reverse("admin:payments_payment_change", args=[payment.pk]) in listing
    assert order.code in listing
    assert payment.gateway_payment_id in listing
    detail = staff_client.get(reverse("admin:payments_payment_change", args=[payment.pk]))
    detail = detail.content.decode()
    assert "Sonuç bilinmiyor" in detail and "İncelemeye alındı" in detail
    assert "23.055,00" in detail or "23055" in detail

    for _ in range(2):
        staff_client.post(url, {"action": "resolve_paid", "_selected_action": [payment.pk]})

    payment.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED
    assert payment.resolved_by.is_superuser and payment.resolved_at is not None
    assert payment.events.filter(kind=PaymentEvent.Kind.RESOLVED).count() == 1
    assert Subscription.objects.filter(order=order).count() == 1
    change = reverse("admin:payments_payment_change", args=[payment.pk])
    assert change not in staff_client.get(url, {"inceleme": "gerekiyor"}).content.decode()


@pytest.mark.django_db
def test_staff_may_ask_again_and_a_verified_answer_takes_it_off_the_list(
    provider_client, order, use_iyzico_tls_double, staff_client
):
    double = use_iyzico_tls_double
    payment = charged_without_answer(provider_client, order, double)
    double.fail_on[DETAIL] = "1"
    payments_reconcile(now=timezone.now() + timedelta(hours=25))
    payment.refresh_from_db()
    assert payment.needs_attention

    url = reverse("admin:payments_payment_changelist")
    staff_client.post(url, {"action": "ask_again", "_selected_action": [payment.pk]})

    payment.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED
    assert not payment.needs_attention
    change = reverse("admin:payments_payment_change", args=[payment.pk])
    assert change not in staff_client.get(url, {"inceleme": "gerekiyor"}).content.decode()


@pytest.mark.django_db
def test_a_person_cannot_settle_what_is_not_on_the_list(order, authorized_user):
    from payments.gateways.fake import FakeGateway

    payment = Payment.objects.create(
        order=order,
        conversation_id="c-1",
        gateway="fake",
        price=order.total_amount,
        paid_price=order.total_amount,
        created_by=authorized_user,
        status=Payment.Status.COMPLETING,
    )
    from iys_portal.errors import ApplicationError

    with pytest.raises(ApplicationError):
        payment_resolve(
            payment_id=payment.pk,
            outcome=Resolution.FAILED,
            actor=authorized_user,
            gateway=FakeGateway(),
        )
    payment.refresh_from_db()
    assert payment.status == Payment.Status.COMPLETING and payment.resolved_at is None


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_reconciliation_runs_ask_once(
    provider, authorized_user, use_iyzico_tls_double, client
):
    from tests.conftest import login_as

    double = use_iyzico_tls_double
    order = payable_order(provider)
    login_as(client, authorized_user, provider)
    payment = charged_without_answer(client, order, double)
    del double.payments[payment.gateway_payment_id]
    now = timezone.now() + LATER
    barrier = threading.Barrier(4)
    errors = []

    def run():
        try:
            barrier.wait()
            payments_reconcile(now=now)
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert errors == []
    payment.refresh_from_db()
    assert len(double.calls(DETAIL)) == 1
    assert payment.reconcile_attempts == 1
    assert payment.events.filter(kind=PaymentEvent.Kind.UNKNOWN).count() == 1


# Point 2: the auth answer fails verification ----------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("trouble", ["changed_amount", "unsigned"])
def test_a_rejected_auth_answer_is_recorded_cancelled_and_put_before_a_person(
    provider_client, order, use_iyzico_tls_double, staff_client, trouble
):
    double = use_iyzico_tls_double
    fields = start_at_bank(provider_client, order, double)
    if trouble == "changed_amount":
        double.payments[fields["paymentId"]].paid_price = "1.00"
    else:
        double.tamper = {"signature": None}

    response = post_callback(fields)
    post_callback(fields)  # the browser posts again: no second effect

    assert response.url == reverse("payments:step", args=[order.code])
    payment = Payment.objects.get(order=order)
    assert payment.status == Payment.Status.UNVERIFIED
    assert payment.needs_attention
    assert payment.events.filter(kind=PaymentEvent.Kind.REJECTED).count() == 1
    assert payment.events.filter(kind=PaymentEvent.Kind.ATTENTION).count() == 1
    assert payment.events.filter(kind=PaymentEvent.Kind.VOID_TRIED).count() == 1
    assert len(double.calls(CANCEL)) == 1
    assert len(double.calls(AUTH)) == 1
    order.refresh_from_db()
    assert order.status == Order.Status.AWAITING_PAYMENT  # neither paid nor failed

    page = step_page(provider_client, order)
    assert "Ödemeniz doğrulanamadı" in page
    assert "tutar kartınıza iade edilecektir" in page
    assert "ekibimiz konuyu inceliyor" in page
    assert "Kartınızdan çekim yapılmadı" not in page
    assert ">Öde</button>" not in page
    assert "Banka transferi ile öde" not in page
    # Nor can a new payment be forced in by posting the form, nor a transfer chosen.
    assert pay(provider_client, order).status_code == 400
    assert Payment.objects.filter(order=order).count() == 1
    provider_client.post(reverse("payments:transfer_choose", args=[order.code]))
    order.refresh_from_db()
    assert order.status == Order.Status.AWAITING_PAYMENT

    url = reverse("admin:payments_payment_changelist")
    assert order.code in staff_client.get(url, {"inceleme": "gerekiyor"}).content.decode()
    staff_client.post(url, {"action": "resolve_refunded", "_selected_action": [payment.pk]})
    payment.refresh_from_db()
    assert payment.status == Payment.Status.REFUNDED
    order.refresh_from_db()
    assert order.status == Order.Status.FAILED
    assert ">Öde</button>" in step_page(provider_client, order)
