"""Two clerks, two tabs, two uploads at the same moment: row locks make each happen once."""

import threading
import time

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.utils import timezone

from accounts.authorization import upload_token
from accounts.models import AuthorizationRequest, Membership, ServiceProvider
from accounts.services import (
    authorization_request_approve,
    authorization_request_attach_signed_form,
    authorization_request_create,
)
from iys_portal.errors import ApplicationError
from tests.accounts.conftest import make_pdf
from tests.factories import (
    AuthorizationRequestFactory,
    ServiceProviderFactory,
    UserFactory,
    support_group,
)

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def run_together(*calls, hold=None):
    """Run every call in its own thread (own connection), released at the same instant.

    ``hold`` (a queryset) is locked by the test while the threads start, so that all of them
    are inside their transaction, past their reads, before any can finish: without row locks
    in the services they would all see the same old state.
    """
    barrier = threading.Barrier(len(calls) + 1)
    results: list = [None] * len(calls)

    def worker(i, call):
        try:
            barrier.wait(timeout=10)
            results[i] = call()
        except Exception as exc:  # collected and asserted on by the test
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    if hold is not None:
        with transaction.atomic():
            list(hold.select_for_update())
            barrier.wait(timeout=10)
            time.sleep(0.5)
    else:
        barrier.wait(timeout=10)
    for t in threads:
        t.join(timeout=30)
    return results


def test_two_clerks_approving_at_once_grant_once():
    group = support_group()
    clerks = [UserFactory(is_staff=True), UserFactory(is_staff=True)]
    for clerk in clerks:
        clerk.groups.add(group)
    request = AuthorizationRequestFactory()
    request.signed_form.save("x.pdf", ContentFile(make_pdf()), save=False)
    request.status = AuthorizationRequest.Status.SUBMITTED
    request.signed_form_uploaded_at = timezone.now()
    request.save()

    results = run_together(
        *[
            lambda c=clerk: authorization_request_approve(
                authorization_request_id=request.pk,
                actor=c,
                via=AuthorizationRequest.DecidedVia.SUPPORT,
            )
            for clerk in clerks
        ],
        hold=AuthorizationRequest.objects.filter(pk=request.pk),
    )

    assert all(isinstance(r, AuthorizationRequest) for r in results), results
    request.refresh_from_db()
    assert request.status == AuthorizationRequest.Status.APPROVED
    assert request.decided_by in clerks
    assert Membership.objects.filter(user__tckn=request.applicant_tckn).count() == 1
    assert len([m for m in mail.outbox if "onaylandı" in m.subject]) == 1


def test_two_uploads_with_one_link_store_one_file(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    request = AuthorizationRequestFactory()
    token = upload_token(request)
    results = run_together(
        *[
            lambda n=n: authorization_request_attach_signed_form(
                number=request.number,
                token=token,
                signed_form=SimpleUploadedFile(f"{n}.pdf", make_pdf(n + 1)),
            )
            for n in range(2)
        ],
        hold=AuthorizationRequest.objects.filter(pk=request.pk),
    )
    errors = [r for r in results if isinstance(r, ApplicationError)]
    assert len(errors) == 1 and errors[0].code == "link_used"
    request.refresh_from_db()
    assert request.status == AuthorizationRequest.Status.SUBMITTED
    assert len(list(tmp_path.rglob("*.pdf"))) == 1


def test_double_submitted_form_files_one_request():
    provider = ServiceProviderFactory()
    data = {
        "tax_number": provider.tax_number,
        "applicant_tckn": "11111111110",
        "first_name": "Şükrü",
        "last_name": "Çağlayan",
        "email": "sukru@example.com",
        "phone": "+905321234567",
        "role_reason": "Pazarlama müdürü.",
    }
    results = run_together(
        lambda: authorization_request_create(**data),
        lambda: authorization_request_create(**data),
        hold=ServiceProvider.objects.filter(pk=provider.pk),
    )
    assert all(isinstance(r, tuple) for r in results), results
    assert sorted(created for _, created in results) == [False, True]
    assert AuthorizationRequest.objects.filter(service_provider=provider).count() == 1
