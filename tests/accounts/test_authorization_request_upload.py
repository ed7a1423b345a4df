"""The signed-form upload link: PDF by content, size limit, single use, unguessable token."""

from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts.authorization import upload_token
from accounts.models import AuthorizationRequest
from tests.accounts.conftest import make_pdf
from tests.factories import AuthorizationRequestFactory


@pytest.fixture
def auth_request(db):
    return AuthorizationRequestFactory()


def link(request, token=None):
    return reverse(
        "accounts:authorization_request_upload",
        kwargs={"number": request.number, "token": token or upload_token(request)},
    )


def upload(client, url, content: bytes, name="imzali.pdf", content_type="application/pdf"):
    return client.post(url, {"signed_form": SimpleUploadedFile(name, content, content_type)})


def test_upload_page_shows_the_request(client, auth_request):
    response = client.get(link(auth_request))
    assert response.status_code == 200
    assert auth_request.number in response.content.decode()
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_signed_pdf_is_stored_outside_the_web_root(client, auth_request, settings):
    content = make_pdf(2)
    response = upload(client, link(auth_request), content, name="../../etc/passwd.pdf")

    assert response.status_code == 302
    auth_request.refresh_from_db()
    assert auth_request.status == AuthorizationRequest.Status.SUBMITTED
    assert auth_request.signed_form_uploaded_at is not None
    stored = Path(auth_request.signed_form.path)
    assert stored.is_relative_to(Path(settings.MEDIA_ROOT))
    assert "passwd" not in stored.name and stored.suffix == ".pdf"
    assert stored.read_bytes() == content
    # No public URL serves media: the file is reachable only through the admin view.
    assert (
        not settings.MEDIA_URL
        or client.get(
            "/" + settings.MEDIA_URL.strip("/") + "/" + auth_request.signed_form.name
        ).status_code
        == 404
    )
    assert client.get("/media/" + auth_request.signed_form.name).status_code == 404


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"Merhaba, bu bir metin dosyasi.", "imzali.pdf", "geçerli bir PDF değil"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 200, "imzali.pdf", "geçerli bir PDF değil"),
        (b"%PDF-1.7\n" + b"rastgele bozuk icerik " * 50, "imzali.pdf", "geçerli bir PDF değil"),
        (b"MZ\x90\x00" + make_pdf(), "imzali.pdf", "geçerli bir PDF değil"),
        (make_pdf(password="gizli"), "imzali.pdf", "Şifreli"),
        (make_pdf(21), "imzali.pdf", "en fazla 20 sayfa"),
    ],
    ids=["text-named-pdf", "png", "fake-magic", "exe-prefixed", "encrypted", "too-many-pages"],
)
def test_non_pdf_is_refused_by_content(client, auth_request, content, name, message):
    response = upload(client, link(auth_request), content, name=name)
    assert response.status_code == 400
    assert message in response.content.decode()
    auth_request.refresh_from_db()
    assert auth_request.status == AuthorizationRequest.Status.AWAITING_SIGNATURE
    assert not auth_request.signed_form


def test_real_pdf_with_wrong_name_and_type_is_accepted(client, auth_request):
    response = upload(client, link(auth_request), make_pdf(), "tarama.jpg", "image/jpeg")
    assert response.status_code == 302
    auth_request.refresh_from_db()
    assert auth_request.status == AuthorizationRequest.Status.SUBMITTED


def test_oversized_upload_is_refused(client, auth_request):
    big = make_pdf() + b"%" + b"0" * (5 * 1024 * 1024)
    response = upload(client, link(auth_request), big)
    assert response.status_code == 400
    assert "Dosya en fazla 5 MB olabilir." in response.content.decode()
    auth_request.refresh_from_db()
    assert not auth_request.signed_form


def test_missing_file_is_refused(client, auth_request):
    response = client.post(link(auth_request), {})
    assert response.status_code == 400
    assert "Bu alanı doldurunuz." in response.content.decode()


def test_link_is_single_use(client, auth_request):
    assert upload(client, link(auth_request), make_pdf()).status_code == 302
    auth_request.refresh_from_db()
    first_file = auth_request.signed_form.name

    response = upload(client, link(auth_request), make_pdf(3))
    assert response.status_code == 410
    assert "Bu bağlantı artık kullanılamaz" in response.content.decode()
    assert client.get(link(auth_request)).status_code == 410
    auth_request.refresh_from_db()
    assert auth_request.signed_form.name == first_file


@pytest.mark.parametrize(
    "token",
    ["0" * 64, "a" * 10, "tahmin", None],
    ids=["zeros", "short", "word", "token-of-another-request"],
)
def test_guessed_token_is_not_found(client, auth_request, token):
    if token is None:
        token = upload_token(AuthorizationRequestFactory())
    url = link(auth_request, token)
    assert client.get(url).status_code == 404
    assert upload(client, url, make_pdf()).status_code == 404
    auth_request.refresh_from_db()
    assert auth_request.status == AuthorizationRequest.Status.AWAITING_SIGNATURE


def test_unknown_number_is_not_found(client, auth_request):
    url = reverse(
        "accounts:authorization_request_upload",
        kwargs={"number": "YT-AAAAAAAA", "token": upload_token(auth_request)},
    )
    assert client.get(url).status_code == 404


def test_token_depends_on_the_secret_key(auth_request, settings):
    token = upload_token(auth_request)
    settings.SECRET_KEY = "another-secret-key-for-this-test-only-0123456789"
    assert upload_token(auth_request) != token


def test_expired_link_is_refused(client, auth_request):
    with time_machine.travel(timezone.now() + timedelta(days=31)):
        response = upload(client, link(auth_request), make_pdf())
    assert response.status_code == 410
    assert "süresi doldu" in response.content.decode()
    auth_request.refresh_from_db()
    assert not auth_request.signed_form


def test_link_of_a_decided_request_is_closed(client, db):
    decided = AuthorizationRequestFactory(
        status=AuthorizationRequest.Status.REJECTED,
        rejection_reason="Tanımıyoruz.",
        decided_via="portal",
        decided_at=timezone.now(),
    )
    response = upload(client, link(decided), make_pdf())
    assert response.status_code == 410
    decided.refresh_from_db()
    assert decided.status == AuthorizationRequest.Status.REJECTED


def test_uploads_are_rate_limited(client, auth_request):
    for _ in range(20):
        assert upload(client, link(auth_request), b"not a pdf").status_code == 400
    response = upload(client, link(auth_request), make_pdf())
    assert response.status_code == 429
    auth_request.refresh_from_db()
    assert not auth_request.signed_form
