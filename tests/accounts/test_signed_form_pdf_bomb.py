"""A crafted PDF at the anonymous upload link costs seconds, never minutes (#11.7).

The file is built here: ~210 KB whose object streams inflate to ~210 MB. Parsed in-process it
took 78 s of CPU and 330 MB on this machine; the bounded check gives up within its limits.
"""

import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts import authorization
from accounts.authorization import upload_token
from accounts.forms import SignedFormUploadForm
from accounts.models import AuthorizationRequest
from accounts.views import UPLOAD_RATE_PER_IP
from tests.accounts.conftest import make_pdf
from tests.accounts.pdf_bomb import pdf_bomb
from tests.factories import AuthorizationRequestFactory

TOO_COMPLEX = "PDF dosyası incelenemedi"


@pytest.fixture(scope="module")
def bomb() -> bytes:
    data = pdf_bomb(inflated_mb=70)
    assert len(data) < 300 * 1024
    return data


@pytest.fixture
def pdf_checks(monkeypatch):
    """Counts runs of the real PDF check (it still runs)."""
    calls = []
    real = authorization.check_pdf

    def counting(data):
        calls.append(len(data))
        return real(data)

    monkeypatch.setattr(authorization, "check_pdf", counting)
    return calls


def _link(auth_request):
    return reverse(
        "accounts:authorization_request_upload",
        kwargs={"number": auth_request.number, "token": upload_token(auth_request)},
    )


def _upload(client, url, content):
    return client.post(
        url, {"signed_form": SimpleUploadedFile("f.pdf", content, "application/pdf")}
    )


def test_the_bomb_is_a_valid_pdf_in_miniature():
    """The same construction, inflating little, is a readable one-page PDF: only size differs."""
    assert authorization.check_pdf(pdf_bomb(inflated_mb=1)) == 1


def test_a_pdf_bomb_is_refused_quickly_with_a_turkish_form_error(bomb, settings):
    started = time.monotonic()
    form = SignedFormUploadForm(
        data={}, files={"signed_form": SimpleUploadedFile("f.pdf", bomb, "application/pdf")}
    )
    assert not form.is_valid()
    elapsed = time.monotonic() - started

    assert form.errors["signed_form"][0].startswith(TOO_COMPLEX)
    assert elapsed < settings.SIGNED_FORM_CHECK_TIMEOUT_SECONDS + 2


def test_the_pdf_check_is_bounded_in_time_too(bomb, settings):
    """With room in memory, the CPU limit and the timeout stop it."""
    settings.SIGNED_FORM_CHECK_MEMORY_MB = 2048
    settings.SIGNED_FORM_CHECK_TIMEOUT_SECONDS = 1.5
    started = time.monotonic()
    with pytest.raises(authorization.NotAPdf, match="too_complex"):
        authorization.check_pdf(bomb)
    assert time.monotonic() - started < 4


@pytest.mark.django_db
def test_upload_link_answers_a_bomb_with_the_form_error_and_stores_nothing(client, bomb):
    auth_request = AuthorizationRequestFactory()
    response = _upload(client, _link(auth_request), bomb)

    assert response.status_code == 400
    assert TOO_COMPLEX in response.content.decode()
    auth_request.refresh_from_db()
    assert auth_request.status == AuthorizationRequest.Status.AWAITING_SIGNATURE
    assert not auth_request.signed_form


@pytest.mark.django_db
def test_a_rate_limited_upload_never_reads_the_pdf(client, bomb, pdf_checks):
    auth_request = AuthorizationRequestFactory()
    url = _link(auth_request)
    allowed = int(UPLOAD_RATE_PER_IP.split("/")[0])
    for _ in range(allowed):
        assert _upload(client, url, b"not a pdf").status_code == 400
    pdf_checks.clear()

    started = time.monotonic()
    response = _upload(client, url, bomb)

    assert response.status_code == 429
    assert pdf_checks == []
    assert time.monotonic() - started < 1.5
    assert TOO_COMPLEX not in response.content.decode()


@pytest.mark.django_db
def test_the_pdf_check_runs_once_per_upload(client, pdf_checks):
    auth_request = AuthorizationRequestFactory()
    response = _upload(client, _link(auth_request), make_pdf(25))

    assert response.status_code == 400
    assert "en fazla 20 sayfa" in response.content.decode()
    assert len(pdf_checks) == 1
