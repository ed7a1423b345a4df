"""The public «İLETİ YÖNETİM SİSTEMİ YETKİLENDİRME TALEP FORMU»: validation, abuse, e-mails."""

import io
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from accounts.authorization import upload_link_expired, upload_url
from accounts.models import AuthorizationRequest, Membership
from tests.factories import MembershipFactory, ServiceProviderFactory, UserFactory, make_tckn

URL = "/hesap/yetkilendirme-talebi/"
APPLICANT_TCKN = make_tckn(424242)


@pytest.fixture
def company(db):
    provider = ServiceProviderFactory(
        title="Anadolu Tekstil Sanayi ve Ticaret A.Ş.", email="iletisim@anadolu.example"
    )
    MembershipFactory(
        service_provider=provider,
        user=UserFactory(email="ayse@anadolu.example"),
        role=Membership.Role.AUTHORIZED,
    )
    return provider


def form_data(provider, **overrides):
    data = {
        "tax_number": provider.tax_number,
        "applicant_tckn": APPLICANT_TCKN,
        "first_name": "Şükrü",
        "last_name": "Çağlayan",
        "email": "sukru@example.com",
        "phone": "0532 123 45 67",
        "role_reason": "Pazarlama müdürüyüm; izinleri ben yöneteceğim.",
        "website": "",
    }
    data.update(overrides)
    return data


def post(client, data, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(URL, data, REMOTE_ADDR="203.0.113.7")


def test_fixed_url_name_and_page(client, db):
    assert reverse("accounts:authorization_request_new") == URL
    response = client.get(URL)
    assert response.status_code == 200
    assert "İLETİ YÖNETİM SİSTEMİ YETKİLENDİRME TALEP FORMU" in response.content.decode()


def test_valid_request_files_and_emails_prefilled_pdf(
    client, company, django_capture_on_commit_callbacks
):
    response = post(client, form_data(company), django_capture_on_commit_callbacks)

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:authorization_request_sent")
    request = AuthorizationRequest.objects.get()
    assert request.service_provider == company
    assert request.status == AuthorizationRequest.Status.AWAITING_SIGNATURE
    assert request.applicant_phone == "+905321234567"
    assert request.created_ip == "203.0.113.7"
    assert request.number.startswith("YT-") and len(request.number) == 11

    to_applicant, to_company = mail.outbox
    assert to_applicant.to == ["sukru@example.com"]
    assert request.number in to_applicant.subject
    assert upload_url(request) in to_applicant.body
    (filename, content, mimetype) = to_applicant.attachments[0]
    assert mimetype == "application/pdf" and request.number in filename
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    assert "YETKİLENDİRME TALEP FORMU" in text
    assert "Şükrü Çağlayan" in text
    assert request.number in text
    assert company.tax_number in text
    assert "İmza ve kaşe" in text
    # Issue 14: the form is signed and stamped by the company, so its title is filled in.
    assert company.title in " ".join(text.split())

    assert sorted(to_company.to) == ["ayse@anadolu.example", "iletisim@anadolu.example"]
    assert "Şükrü Çağlayan" in to_company.body
    assert upload_url(request) not in to_company.body


def test_sent_page_reveals_nothing_about_the_company(client, company):
    response = client.get(reverse("accounts:authorization_request_sent"))
    assert "Talebiniz alındı" in response.content.decode()
    assert company.title not in response.content.decode()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("tax_number", "1234567891", "Geçerli bir vergi kimlik numarası"),
        ("tax_number", "abc", "Geçerli bir vergi kimlik numarası"),
        ("applicant_tckn", "12345678901", "Geçerli bir T.C. kimlik numarası"),
        ("applicant_tckn", "", "Bu alanı doldurunuz."),
        ("first_name", "R2D2", "Yalnızca harf"),
        ("last_name", "<script>", "Yalnızca harf"),
        ("email", "sukru@", "Geçerli bir e-posta adresi girin"),
        ("phone", "0212 555 01 01", "Geçerli bir cep telefonu numarası"),
        ("role_reason", "kısa", "En az 10 karakter"),
        ("role_reason", "x" * 1001, "En fazla 1000 karakter"),
    ],
)
def test_invalid_field_gets_turkish_message_and_files_nothing(
    client, company, django_capture_on_commit_callbacks, field, value, message
):
    response = post(
        client, form_data(company, **{field: value}), django_capture_on_commit_callbacks
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert field in errors
    assert any(message.lower() in e.lower() for e in errors[field]), errors[field]
    assert not AuthorizationRequest.objects.exists()
    assert mail.outbox == []


def test_unknown_company_says_not_found_only(client, company, django_capture_on_commit_callbacks):
    other = ServiceProviderFactory.build(tax_number="9876543217")
    response = post(client, form_data(other), django_capture_on_commit_callbacks)
    assert response.status_code == 400
    assert response.context["form"].errors["tax_number"] == [
        "Bu vergi kimlik numarasıyla kayıtlı bir hizmet sağlayıcı bulunamadı."
    ]
    assert not AuthorizationRequest.objects.exists()


def test_known_company_title_never_shown_to_applicant(
    client, company, django_capture_on_commit_callbacks
):
    response = post(
        client, form_data(company, email="not-an-email"), django_capture_on_commit_callbacks
    )
    assert response.status_code == 400
    assert company.title not in response.content.decode()


def test_tampered_values_are_normalised_or_refused(
    client, company, django_capture_on_commit_callbacks
):
    data = form_data(company, tax_number=f" {company.tax_number} ", phone="+90 532 123 4567")
    data["status"] = "approved"  # not a form field: ignored
    response = post(client, data, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    request = AuthorizationRequest.objects.get()
    assert request.status == AuthorizationRequest.Status.AWAITING_SIGNATURE
    assert request.applicant_phone == "+905321234567"


def test_honeypot_looks_like_success_but_files_nothing(
    client, company, django_capture_on_commit_callbacks
):
    response = post(
        client,
        form_data(company, website="http://spam.example"),
        django_capture_on_commit_callbacks,
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:authorization_request_sent")
    assert not AuthorizationRequest.objects.exists()
    assert mail.outbox == []


def test_rate_limited_per_client_address(client, company, django_capture_on_commit_callbacks):
    for i in range(5):
        response = post(
            client,
            form_data(company, applicant_tckn=make_tckn(500 + i)),
            django_capture_on_commit_callbacks,
        )
        assert response.status_code == 302
    response = post(
        client,
        form_data(company, applicant_tckn=make_tckn(600)),
        django_capture_on_commit_callbacks,
    )
    assert response.status_code == 429
    assert "Çok fazla deneme yapıldı" in response.content.decode()
    assert AuthorizationRequest.objects.count() == 5
    # Another address is not affected.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            URL, form_data(company, applicant_tckn=make_tckn(601)), REMOTE_ADDR="198.51.100.1"
        )
    assert response.status_code == 302


def test_invalid_attempts_count_against_the_limit(
    client, company, django_capture_on_commit_callbacks
):
    """Probing tax numbers for "found / not found" is limited too."""
    for n in range(5):
        post(
            client,
            form_data(company, tax_number=f"12345678{n}0"),
            django_capture_on_commit_callbacks,
        )
    response = post(client, form_data(company), django_capture_on_commit_callbacks)
    assert response.status_code == 429
    assert not AuthorizationRequest.objects.exists()


def test_rate_limited_per_company_across_addresses(
    client, company, django_capture_on_commit_callbacks
):
    for i in range(20):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                URL,
                form_data(company, applicant_tckn=make_tckn(700 + i)),
                REMOTE_ADDR=f"192.0.2.{i + 1}",
            )
        assert response.status_code == 302
    response = client.post(
        URL, form_data(company, applicant_tckn=make_tckn(800)), REMOTE_ADDR="192.0.2.99"
    )
    assert response.status_code == 429
    assert AuthorizationRequest.objects.count() == 20


def test_asking_again_resends_to_the_first_address_and_files_nothing_new(
    client, company, django_capture_on_commit_callbacks
):
    post(client, form_data(company), django_capture_on_commit_callbacks)
    mail.outbox.clear()
    response = post(
        client, form_data(company, email="attacker@example.com"), django_capture_on_commit_callbacks
    )
    assert response.status_code == 302
    assert AuthorizationRequest.objects.count() == 1
    # Only the applicant's first address hears again; the company was told the first time.
    assert [m.to for m in mail.outbox] == [["sukru@example.com"]]


def test_existing_member_is_told_to_log_in(client, company, django_capture_on_commit_callbacks):
    member = MembershipFactory(service_provider=company, role=Membership.Role.DELEGATE).user
    response = post(
        client, form_data(company, applicant_tckn=member.tckn), django_capture_on_commit_callbacks
    )
    assert response.status_code == 400
    assert "zaten var" in response.content.decode()
    assert not AuthorizationRequest.objects.exists()


def test_client_address_behind_a_proxy(
    client, company, settings, django_capture_on_commit_callbacks
):
    """Behind our proxy the limit counts the client named by the proxy, not the proxy, and a
    client's own forged X-Forwarded-For entry changes nothing."""
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    for i in range(5):
        with django_capture_on_commit_callbacks(execute=True):
            client.post(
                URL,
                form_data(company, applicant_tckn=make_tckn(900 + i)),
                REMOTE_ADDR="10.0.0.1",
                HTTP_X_FORWARDED_FOR=f"198.51.100.{i + 1}, 203.0.113.50",
            )
    assert AuthorizationRequest.objects.filter(created_ip="203.0.113.50").count() == 5
    blocked = client.post(
        URL,
        form_data(company, applicant_tckn=make_tckn(950)),
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="203.0.113.50",
    )
    assert blocked.status_code == 429
    other = client.post(
        URL,
        form_data(company, applicant_tckn=make_tckn(951)),
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="203.0.113.51",
    )
    assert other.status_code == 302


def test_forwarded_header_from_an_untrusted_peer_counts_for_nothing(
    client, company, settings, django_capture_on_commit_callbacks
):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    for i in range(5):
        with django_capture_on_commit_callbacks(execute=True):
            client.post(
                URL,
                form_data(company, applicant_tckn=make_tckn(960 + i)),
                REMOTE_ADDR="192.0.2.200",
                HTTP_X_FORWARDED_FOR=f"203.0.113.{i + 1}",
            )
    assert AuthorizationRequest.objects.filter(created_ip="192.0.2.200").count() == 5
    blocked = client.post(
        URL,
        form_data(company, applicant_tckn=make_tckn(970)),
        REMOTE_ADDR="192.0.2.200",
        HTTP_X_FORWARDED_FOR="203.0.113.99",
    )
    assert blocked.status_code == 429


def test_deploy_checks_refuse_unshared_rate_limit_cache_and_plain_http_links(settings):
    from accounts.checks import authorization_request_safety

    settings.PRODUCTION = True
    settings.RATELIMIT_USE_CACHE = "limits"
    settings.CACHES = {
        **settings.CACHES,
        "limits": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
    }
    settings.PORTAL_BASE_URL = "http://127.0.0.1:8000"
    assert {e.id for e in authorization_request_safety()} == {"accounts.E001", "accounts.E002"}

    settings.CACHES = {
        **settings.CACHES,
        "limits": {"BACKEND": "django.core.cache.backends.redis.RedisCache"},
    }
    settings.PORTAL_BASE_URL = "https://portal.iys.example"
    assert authorization_request_safety() == []


def test_asking_again_after_the_link_expired_sends_a_fresh_link(
    client, company, django_capture_on_commit_callbacks
):
    post(client, form_data(company), django_capture_on_commit_callbacks)
    request = AuthorizationRequest.objects.get()
    old_link = upload_url(request)
    mail.outbox.clear()
    with time_machine.travel(timezone.now() + timedelta(days=31)):
        post(client, form_data(company), django_capture_on_commit_callbacks)
        request.refresh_from_db()
        assert not upload_link_expired(request)
        assert client.get(old_link.removeprefix(settings.PORTAL_BASE_URL)).status_code == 404
    assert AuthorizationRequest.objects.count() == 1
    assert upload_url(request) != old_link
    assert upload_url(request) in mail.outbox[0].body
