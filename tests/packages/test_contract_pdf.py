"""The accepted contract as PDF: rendered in a Celery task after commit."""

import io
import time

import pytest
from django.urls import reverse
from pypdf import PdfReader

from packages.models import ContractAcceptance, Order
from packages.services import order_accept_contract
from packages.tasks import render_contract_pdf
from tests.factories import OrderFactory

pytestmark = pytest.mark.django_db


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.fixture
def draft(provider, authorized_user, packages):
    provider.title = "Çağrı Işıklı Gıda Üretim ve Şeker Sanayi A.Ş."
    provider.save()
    return OrderFactory(
        service_provider=provider,
        package=packages["ileti-150"],
        status=Order.Status.DRAFT,
        created_by=authorized_user,
    )


def test_pdf_is_rendered_after_commit_and_downloadable(
    provider_client, draft, contract, authorized_user, django_capture_on_commit_callbacks, settings
):
    settings.CELERY_TASK_ALWAYS_EAGER = False  # a worker consumes the queue (production)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        order_accept_contract(
            order_id=draft.pk, contract_version_id=contract.pk, actor=authorized_user
        )
    acceptance = ContractAcceptance.objects.get(order=draft)
    assert not acceptance.pdf  # nothing rendered inside the request's transaction
    assert len(callbacks) == 1
    url = reverse("packages:contract_pdf", kwargs={"code": draft.code})

    render_contract_pdf.apply(args=(acceptance.pk,))  # what the worker does with the queued task
    acceptance.refresh_from_db()
    assert acceptance.pdf and acceptance.pdf_generated_at

    response = provider_client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(b"".join(response.streaming_content))
    assert "Çağrı Işıklı Gıda Üretim ve Şeker Sanayi A.Ş." in text
    assert draft.code in text
    assert "ığüşöç İĞÜŞÖÇ" in text  # Turkish glyphs survive (DejaVu Sans)
    assert "23.055,00\u00a0₺" in text


def test_without_a_worker_accepting_does_not_wait_and_the_first_download_renders(
    provider_client, draft, contract, authorized_user, django_capture_on_commit_callbacks, settings
):
    """``make run``: eager Celery would render inside the acceptance request; it is left to the
    first download instead, which renders once."""
    settings.CELERY_TASK_ALWAYS_EAGER = True
    with django_capture_on_commit_callbacks(execute=True):
        response = provider_client.post(
            reverse("packages:contract", kwargs={"code": draft.code}),
            {"contract_version": contract.pk, "accept": "on"},
        )
    assert response.status_code == 302
    acceptance = ContractAcceptance.objects.get(order=draft)
    assert not acceptance.pdf  # the acceptance did not wait for WeasyPrint

    url = reverse("packages:contract_pdf", kwargs={"code": draft.code})
    first = provider_client.get(url)
    assert first.status_code == 200 and first["Content-Type"] == "application/pdf"
    assert draft.code in pdf_text(b"".join(first.streaming_content))
    acceptance.refresh_from_db()
    rendered_at = acceptance.pdf_generated_at
    assert acceptance.pdf and rendered_at

    again = provider_client.get(url)
    assert again.status_code == 200
    b"".join(again.streaming_content)
    acceptance.refresh_from_db()
    assert acceptance.pdf_generated_at == rendered_at  # rendered once


@pytest.mark.broker
def test_contract_pdf_task_runs_on_a_real_worker(celery_broker_worker, transactional_db):
    from tests.factories import (
        ContractVersionFactory,
        MembershipFactory,
        PackageFactory,
        ServiceProviderFactory,
    )

    provider = ServiceProviderFactory(title="Boğaziçi Gıda Ürünleri Ltd. Şti.")
    user = MembershipFactory(service_provider=provider).user
    contract = ContractVersionFactory(version="2026.9")
    order = OrderFactory(
        service_provider=provider,
        package=PackageFactory(),
        status=Order.Status.DRAFT,
        created_by=user,
    )
    # Autocommit: the on_commit hook queues the task at once, through Redis, to the worker.
    order_accept_contract(order_id=order.pk, contract_version_id=contract.pk, actor=user)
    acceptance = ContractAcceptance.objects.get(order=order)
    deadline = time.monotonic() + 60
    while not acceptance.pdf and time.monotonic() < deadline:
        time.sleep(0.2)
        acceptance.refresh_from_db()
    assert acceptance.pdf, "the worker did not render the contract within 60 s"
    with acceptance.pdf.open("rb") as handle:
        assert "Boğaziçi Gıda Ürünleri Ltd. Şti." in pdf_text(handle.read())
