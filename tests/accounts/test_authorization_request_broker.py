"""The pre-filled form travels through the real broker: the page never waits on the PDF."""

import io
import time

import pytest
from django.core import mail
from pypdf import PdfReader

from accounts.services import authorization_request_create
from tests.factories import ServiceProviderFactory


@pytest.mark.broker
def test_form_pdf_is_mailed_by_a_real_worker(celery_broker_worker, transactional_db):
    provider = ServiceProviderFactory()
    # Autocommit: the on_commit hook queues the task at once, through Redis, to the worker.
    request, created = authorization_request_create(
        tax_number=provider.tax_number,
        applicant_tckn="11111111110",
        first_name="Şükrü",
        last_name="Çağlayan",
        email="sukru@example.com",
        phone="+905321234567",
        role_reason="Pazarlama müdürü.",
    )
    assert created
    deadline = time.monotonic() + 60
    while not any(m.to == ["sukru@example.com"] for m in mail.outbox):
        assert time.monotonic() < deadline, "the worker did not send the form within 60 s"
        time.sleep(0.2)
    message = next(m for m in mail.outbox if m.to == ["sukru@example.com"])
    text = PdfReader(io.BytesIO(message.attachments[0][1])).pages[0].extract_text()
    assert request.number in text and "Şükrü Çağlayan" in text
