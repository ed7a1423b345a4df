"""The payment step and the card journey through views, with the fake gateway and its
simulated bank page (the development set-up)."""

import pytest
from django.core import mail
from django.urls import reverse

from packages.models import Order, Subscription
from payments.models import Payment, PaymentEvent
from tests.payments.card_helpers import (
    INSUFFICIENT_FUNDS_CARD,
    MD_STATUS_0_CARD,
    MD_STATUS_4_CARD,
    fake_bank_approve,
    pay,
    payable_order,
    post_callback,
)
from tests.tenancy import assert_foreign_404

pytestmark = pytest.mark.django_db


@pytest.fixture
def order(provider, authorized_user):
    return payable_order(provider)


def test_step_page_shows_summary_card_form_and_installment_button(provider_client, order):
    response = provider_client.get(reverse("payments:step", args=[order.code]))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Ödeme Adımı" in html
    assert order.code in html
    assert "İLETİ-150" in html
    assert "19.212,50\u00a0₺" in html  # net
    assert "3.842,50\u00a0₺" in html  # VAT
    assert "23.055,00\u00a0₺" in html  # total
    assert "Taksit Seçenekleri" in html
    assert "Peşin — 23.055,00\u00a0₺" in html
    assert ">Öde</button>" in html
    assert "Banka transferi" in html


@pytest.mark.parametrize(
    "name,args",
    [
        ("payments:step", []),
        ("payments:installments", []),
        ("payments:installment_table", []),
        ("payments:confirm", []),
        ("payments:receipt", []),
    ],
)
def test_another_companys_order_is_not_found(foreign_client, order, name, args):
    assert_foreign_404(foreign_client, reverse(name, args=[order.code]))


def test_paying_another_companys_order_is_not_found(foreign_client, order):
    assert_foreign_404(
        foreign_client, reverse("payments:pay", args=[order.code]), method="post", data={}
    )
    assert not Payment.objects.exists()


def test_installments_for_the_typed_bin(provider_client, order):
    url = reverse("payments:installments", args=[order.code])
    html = provider_client.get(url, {"bin": "552879"}).content.decode()

    assert "Bonus" in html
    assert "3 Taksit — 3 × 8.030,06\u00a0₺ = 24.090,17\u00a0₺" in html
    assert "12 Taksit" in html
    # Not a BIN: only Peşin, no lookup.
    html = provider_client.get(url, {"bin": "55"}).content.decode()
    assert "Peşin — 23.055,00\u00a0₺" in html and "Taksit —" not in html


def test_installment_table_lists_every_family(provider_client, order):
    url = reverse("payments:installment_table", args=[order.code])
    html = provider_client.get(url, HTTP_HX_REQUEST="true").content.decode()

    for family in ("Bonus", "World", "Maximum", "Axess", "Paraf"):
        assert family in html
    assert "<html" not in html  # a fragment for the dialog
    page = provider_client.get(url).content.decode()
    assert "<html" in page and "Ödeme adımına dön" in page


def test_card_journey_with_three_installments(
    provider_client, order, django_capture_on_commit_callbacks
):
    start = pay(provider_client, order, installment=3)
    assert start.status_code == 200
    payment = Payment.objects.get(order=order)
    assert payment.status == Payment.Status.PENDING_3DS
    assert str(payment.paid_price) == "24090.17"
    assert payment.installment == 3
    order.refresh_from_db()
    assert order.status == Order.Status.AWAITING_PAYMENT

    fields = fake_bank_approve(provider_client, start.content.decode())
    assert fields["mdStatus"] == "1"
    with django_capture_on_commit_callbacks(execute=True):
        response = post_callback(fields)

    assert response.status_code == 302
    assert response.url == reverse("payments:confirm", args=[order.code])
    order.refresh_from_db()
    payment.refresh_from_db()
    assert order.status == Order.Status.ACTIVE
    assert payment.status == Payment.Status.SUCCEEDED
    assert Subscription.objects.get(order=order).status == Subscription.Status.ACTIVE
    assert list(payment.events.values_list("kind", flat=True)) == [
        PaymentEvent.Kind.INITIALIZED,
        PaymentEvent.Kind.THREEDS_RESULT,
        PaymentEvent.Kind.COMPLETED,
        PaymentEvent.Kind.RECEIPT,
    ]
    # The receipt: a PDF kept for Paket Yönetimi and e-mailed.
    (message,) = mail.outbox
    assert order.code in message.subject
    assert message.attachments[0][0] == f"makbuz-{order.code}.pdf"
    assert message.attachments[0][1].startswith(b"%PDF")

    confirm = provider_client.get(response.url).content.decode()
    assert "Ödemeyi Tamamla" in confirm
    assert "3 × 8.030,06\u00a0₺" in confirm
    assert "24.090,17\u00a0₺" in confirm
    assert "5528 79** **** 0008" in confirm

    receipt = provider_client.get(reverse("payments:receipt", args=[order.code]))
    assert receipt["Content-Type"] == "application/pdf"
    assert b"".join(receipt.streaming_content).startswith(b"%PDF")


def test_failing_card_returns_to_the_step_with_the_reason(provider_client, order):
    start = pay(provider_client, order, number=INSUFFICIENT_FUNDS_CARD)
    fields = fake_bank_approve(provider_client, start.content.decode())
    response = post_callback(fields)

    assert response.url == reverse("payments:step", args=[order.code])
    order.refresh_from_db()
    assert order.status == Order.Status.FAILED
    page = provider_client.get(response.url).content.decode()
    assert "Kart limiti yetersiz, yetersiz bakiye." in page
    assert ">Öde</button>" in page  # still payable


@pytest.mark.parametrize(
    "card,reason",
    [
        (MD_STATUS_0_CARD, "3-D Secure doğrulaması başarısız oldu"),
        (MD_STATUS_4_CARD, "kartınız 3-D Secure sistemine kayıtlı değil"),
    ],
)
def test_three_d_secure_failure_returns_to_the_step(provider_client, order, card, reason):
    start = pay(provider_client, order, number=card)
    fields = fake_bank_approve(provider_client, start.content.decode())
    response = post_callback(fields)

    assert response.url == reverse("payments:step", args=[order.code])
    payment = Payment.objects.get(order=order)
    assert payment.status == Payment.Status.FAILED
    assert PaymentEvent.Kind.COMPLETED not in payment.events.values_list("kind", flat=True)
    assert reason in provider_client.get(response.url).content.decode()


def test_cancel_on_the_bank_page_fails_the_attempt(provider_client, order):
    start = pay(provider_client, order)
    fields = fake_bank_approve(provider_client, start.content.decode(), approve=False)
    assert fields["mdStatus"] == "0"
    post_callback(fields)
    assert Payment.objects.get(order=order).status == Payment.Status.FAILED


@pytest.mark.parametrize(
    "overrides,message",
    [
        ({"number": "5528790000000009"}, "Kart numarası geçersiz"),
        ({"expiry": "01/20"}, "son kullanma tarihi geçmiş"),
        ({"expiry": "13/30"}, "01 ile 12 arasında"),
        ({"cvc": "12a"}, "Güvenlik kodu 3 ya da 4 rakamdır"),
        ({"installment": 7}, "Geçerli bir taksit seçeneği seçiniz"),
        ({"holder_name": "<script>"}, "harflerle yazınız"),
    ],
)
def test_bad_card_input_is_refused_without_any_effect(provider_client, order, overrides, message):
    response = pay(provider_client, order, **overrides)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Payment.objects.exists()
    order.refresh_from_db()
    assert order.status == Order.Status.CONTRACT_ACCEPTED
    assert "5528790000000009" not in response.content.decode()


def test_installment_the_card_does_not_offer_is_refused(provider_client, order):
    # Paraf (412911…) offers at most 6 installments.
    response = pay(provider_client, order, number="4129111111111111", installment=12)

    assert response.status_code == 400
    assert "Bu kart için 12 taksit seçeneği bulunmuyor." in response.content.decode()
    assert not Payment.objects.exists()


def test_paid_order_does_not_reach_the_step(provider_client, provider, authorized_user):
    order = payable_order(provider, status=Order.Status.ACTIVE)
    response = provider_client.get(reverse("payments:step", args=[order.code]))
    assert response.status_code == 302
    assert response.url == reverse("packages:manage")
    response = pay(provider_client, order)
    assert response.status_code == 302
    assert not Payment.objects.exists()


def test_cancelled_order_is_refused_with_a_reason(provider_client, provider, authorized_user):
    order = payable_order(provider, status=Order.Status.CANCELLED)
    response = provider_client.get(reverse("payments:step", args=[order.code]), follow=True)
    assert "İptal edildi" in response.content.decode()
    assert "ödeme alınamaz" in response.content.decode()


def test_confirm_without_a_successful_payment_goes_back_to_the_step(provider_client, order):
    response = provider_client.get(reverse("payments:confirm", args=[order.code]))
    assert response.url == reverse("payments:step", args=[order.code])


@pytest.mark.parametrize(
    "tamper",
    [
        {"paymentId": "99999999"},
        {"conversationId": "nope"},
        {"mdStatus": "1", "signature": "0" * 64},
        {"conversationId": ""},
    ],
)
def test_tampered_callback_has_no_effect(provider_client, order, tamper):
    start = pay(provider_client, order)
    fields = fake_bank_approve(provider_client, start.content.decode())

    response = post_callback({**fields, **tamper})

    assert response.status_code == 400
    assert "Ödeme bildirimi işlenemedi" in response.content.decode()
    payment = Payment.objects.get(order=order)
    assert payment.status == Payment.Status.PENDING_3DS
    order.refresh_from_db()
    assert order.status == Order.Status.AWAITING_PAYMENT


def test_md_status_changed_by_the_browser_is_caught_by_the_signature(provider_client, order):
    start = pay(provider_client, order, number=MD_STATUS_0_CARD)
    fields = fake_bank_approve(provider_client, start.content.decode())
    response = post_callback({**fields, "mdStatus": "1", "status": "success"})
    assert response.status_code == 400
    assert Payment.objects.get(order=order).status == Payment.Status.PENDING_3DS


def test_callback_is_post_only(client):
    assert client.get(reverse("payments:callback")).status_code == 405


def test_replayed_callback_activates_once(
    provider_client, order, django_capture_on_commit_callbacks
):
    start = pay(provider_client, order)
    fields = fake_bank_approve(provider_client, start.content.decode())
    with django_capture_on_commit_callbacks(execute=True):
        responses = [post_callback(fields) for _ in range(3)]

    assert {r.url for r in responses} == {reverse("payments:confirm", args=[order.code])}
    payment = Payment.objects.get(order=order)
    assert payment.events.filter(kind=PaymentEvent.Kind.COMPLETED).count() == 1
    assert order.transitions.filter(to_status=Order.Status.ACTIVE).count() == 1
    assert Subscription.objects.filter(order=order).count() == 1
    assert len(mail.outbox) == 1


def test_odemeyi_tamamla_leads_to_package_management(
    provider_client, order, django_capture_on_commit_callbacks
):
    start = pay(provider_client, order)
    fields = fake_bank_approve(provider_client, start.content.decode())
    post_callback(fields)

    response = provider_client.post(reverse("payments:confirm", args=[order.code]))
    assert response.url == reverse("packages:manage")
    page = provider_client.get(response.url).content.decode()
    assert "Ödemeniz tamamlandı. İLETİ-150 paketiniz aktif." in page
    assert reverse("payments:receipt", args=[order.code]) in page  # «Makbuz» on Paket Yönetimi


def test_error_reports_never_show_the_card(provider_client, order, settings, caplog):
    """An unexpected failure while paying: Django's error report hides the card number/CVC."""
    from django.views.debug import ExceptionReporter, SafeExceptionReporterFilter

    settings.PAYMENT_GATEWAY = "misconfigured"
    provider_client.raise_request_exception = False
    response = pay(provider_client, order, cvc="987")
    assert response.status_code == 500

    (record,) = [r for r in caplog.records if r.name == "django.request"]
    reporter = ExceptionReporter(record.request, *record.exc_info)
    report = reporter.get_traceback_text() + reporter.get_traceback_html()
    assert "ValueError" in report and "payment_start" in report
    assert "5528790000000008" not in report
    post = SafeExceptionReporterFilter().get_post_parameters(record.request)
    assert post["cvc"] == post["card_number"] == "********************"
    assert "********************" in report  # what the filter shows instead


def test_admin_refunds_a_card_payment_once(provider_client, order):
    from django.test import Client

    from tests.factories import UserFactory

    admin_client = Client()
    admin_client.force_login(UserFactory(is_staff=True, is_superuser=True))
    start = pay(provider_client, order)
    post_callback(fake_bank_approve(provider_client, start.content.decode()))
    payment = Payment.objects.get(order=order, status=Payment.Status.SUCCEEDED)
    url = reverse("admin:payments_payment_changelist")

    for _ in range(2):
        admin_client.post(url, {"action": "refund", "_selected_action": [payment.pk]})

    payment.refresh_from_db()
    assert payment.status == Payment.Status.REFUNDED
    assert payment.events.filter(kind=PaymentEvent.Kind.REFUNDED).count() == 1
    listing = admin_client.get(url).content.decode()
    assert "5528 79** **** 0008" in listing
    page = admin_client.get(reverse("admin:payments_payment_change", args=[payment.pk]))
    assert "Yönetim panelinden iade edildi." in page.content.decode()


def test_only_the_authorized_person_pays(delegate_client, order):
    assert delegate_client.get(reverse("payments:step", args=[order.code])).status_code == 403
    assert pay(delegate_client, order).status_code == 403
    assert not Payment.objects.exists()


def test_gateway_payment_id_is_unique(order):
    from django.db import IntegrityError, transaction

    from tests.factories import CardPaymentFactory

    CardPaymentFactory(order=order, gateway_payment_id="555")
    CardPaymentFactory(order=order, gateway_payment_id="")  # not started yet: no id, allowed
    CardPaymentFactory(order=order, gateway_payment_id="")
    with pytest.raises(IntegrityError), transaction.atomic():
        CardPaymentFactory(order=order, gateway_payment_id="555")


def test_reconciliation_runs_periodically():
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.get(task="payments.reconcile_card_payments")
    assert task.enabled
    assert (task.interval.every, task.interval.period) == (10, "minutes")


def test_development_step_page_lists_the_test_cards(provider_client, order, settings):
    url = reverse("payments:step", args=[order.code])
    assert "5528 7900 0000 0008" in provider_client.get(url).content.decode()
    settings.PAYMENT_GATEWAY = "iyzico"
    assert "5528 7900 0000 0008" not in provider_client.get(url).content.decode()


def test_too_many_attempts_are_stopped(provider_client, order):
    for _ in range(10):
        assert pay(provider_client, order, number="5528790000000009").status_code == 400

    response = pay(provider_client, order)

    assert response.status_code == 429
    assert "Çok sayıda ödeme denemesi yapıldı" in response.content.decode()
    assert not Payment.objects.exists()


def test_payment_events_are_append_only(order):
    from tests.factories import CardPaymentFactory

    event = PaymentEvent.objects.create(
        payment=CardPaymentFactory(order=order), kind=PaymentEvent.Kind.INITIALIZED
    )
    event.message = "başka bir şey"
    with pytest.raises(ValueError, match="append-only"):
        event.save()
    assert PaymentEvent.objects.get(pk=event.pk).message == ""


@pytest.mark.parametrize(
    "page,order_status",
    [("payments:step", Order.Status.FAILED), ("payments:confirm", Order.Status.ACTIVE)],
)
def test_pages_cost_the_same_queries_at_n_and_2n_attempts(
    provider_client, order, page, order_status
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import CardPaymentFactory

    Order.objects.filter(pk=order.pk).update(status=order_status)
    if order_status == Order.Status.ACTIVE:
        CardPaymentFactory(order=order, status=Payment.Status.SUCCEEDED)
    url = reverse(page, args=[order.code])
    provider_client.get(url)  # warm up the session

    def queries_with(attempts: int) -> int:
        while Payment.objects.filter(status=Payment.Status.FAILED).count() < attempts:
            CardPaymentFactory(order=order, status=Payment.Status.FAILED)
        with CaptureQueriesContext(connection) as queries:
            assert provider_client.get(url).status_code == 200
        return len(queries)

    assert queries_with(3) == queries_with(6)
