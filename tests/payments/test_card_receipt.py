"""The receipt: a PDF with what the guide asks, made by a Celery task after the commit."""

import io
import time

import pytest
from django.core import mail
from pypdf import PdfReader

from payments.gateways import Card, fake
from payments.models import Payment
from payments.services.card import payment_handle_callback, payment_start
from tests.factories import MembershipFactory, ServiceProviderFactory
from tests.payments.card_helpers import payable_order


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def pay_with_fake_gateway(order, user, installment=3) -> Payment:
    card = Card(
        holder_name="Ayşe Yılmaz",
        number="5528790000000008",
        expire_month="12",
        expire_year="2030",
        cvc="123",
    )
    payment, _html = payment_start(
        order_id=order.pk,
        card=card,
        installment=installment,
        actor=user,
        ip="127.0.0.1",
        callback_url="http://testserver/odeme/3d-donus/",
    )
    fields = fake.bank_fields(fake.load(payment.gateway_payment_id), approved=True)
    return payment_handle_callback(data=fields)


@pytest.fixture
def buyer(db):
    provider = ServiceProviderFactory(
        title="Çağrı Işıklı Gıda Üretim ve Şeker Sanayi A.Ş.", tax_number="9876543217"
    )
    return MembershipFactory(service_provider=provider, user__email="ayse@example.com")


def test_receipt_pdf_carries_company_order_amounts_installment_and_masked_card(
    buyer, django_capture_on_commit_callbacks
):
    order = payable_order(buyer.service_provider)
    with django_capture_on_commit_callbacks(execute=True):
        payment = pay_with_fake_gateway(order, buyer.user)

    payment.refresh_from_db()
    assert payment.receipt_sent_at is not None
    with payment.receipt_pdf.open("rb") as handle:
        text = pdf_text(handle.read())
    for expected in (
        "Çağrı Işıklı Gıda Üretim ve Şeker Sanayi A.Ş.",
        "9876543217",
        order.code,
        "İLETİ-150",
        "19.212,50",
        "3.842,50",
        "23.055,00",
        "3 × 8.030,06",
        "24.090,17",
        "5528 79** **** 0008",
    ):
        assert expected in text, expected
    (message,) = mail.outbox
    assert sorted(message.to) == sorted(["ayse@example.com", buyer.service_provider.email])


@pytest.mark.broker
def test_receipt_task_runs_on_a_real_worker(celery_broker_worker, transactional_db):
    buyer = MembershipFactory(user__email="ayse@example.com")
    order = payable_order(buyer.service_provider)
    # Autocommit: the on_commit hook queues the task at once, through Redis, to the worker.
    payment = pay_with_fake_gateway(order, buyer.user)
    assert payment.status == Payment.Status.SUCCEEDED
    deadline = time.monotonic() + 60
    while payment.receipt_sent_at is None and time.monotonic() < deadline:
        time.sleep(0.2)
        payment.refresh_from_db()
    assert payment.receipt_sent_at is not None, "the worker did not send the receipt in 60 s"
    assert len(mail.outbox) == 1
