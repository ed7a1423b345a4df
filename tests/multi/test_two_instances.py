"""Two gunicorn instances behind one (imagined) load balancer share PostgreSQL, Redis, a
Celery worker and an S3 endpoint (moto). A customer's journey alternates between them with a
plain HTTP client; any state kept in one process (session, simulator code, file on its disk)
would break a step."""

import re
import shutil
import tempfile
from pathlib import Path

import pytest
import requests

from accounts.models import AuthorizationRequest
from packages.models import Order
from payments.models import Payment
from tests.accounts.conftest import make_pdf
from tests.factories import ContractVersionFactory, MembershipFactory, UserFactory, catalog
from tests.multi import harness as h
from tests.payments.card_helpers import SUCCESS_CARD

pytestmark = [pytest.mark.multi, pytest.mark.postgres, pytest.mark.broker]

BUCKET = "iys-portal-test"


@pytest.fixture
def cluster(shared_postgres_test_db):
    redis = h.RedisServer().start()
    s3 = h.MotoS3()
    media = tempfile.mkdtemp(prefix="iys-media-")
    mail_dir = tempfile.mkdtemp(prefix="iys-mail-")
    ports = h.free_port(), h.free_port()
    procs = []
    try:
        s3.start(BUCKET)
        env = h.portal_env(
            DATABASE_URL=shared_postgres_test_db,
            CONN_MAX_AGE=60,
            CACHE_URL=f"{redis.url}/1",
            CELERY_BROKER_URL=f"{redis.url}/0",
            CELERY_TASK_ALWAYS_EAGER="false",
            AWS_STORAGE_BUCKET_NAME=BUCKET,
            AWS_S3_ENDPOINT_URL=s3.endpoint,
            AWS_S3_REGION_NAME="us-east-1",
            AWS_ACCESS_KEY_ID="testing",
            AWS_SECRET_ACCESS_KEY="testing",
            MEDIA_ROOT=media,
            EMAIL_URL=f"filemail:///{mail_dir}",  # four slashes: an absolute path
            PORTAL_BASE_URL=f"http://127.0.0.1:{ports[0]}",
            # Both instances send the browser to B's simulator; A exchanges the code with B.
            EDEVLET_BASE_URL=f"http://127.0.0.1:{ports[1]}/edevlet-simulator",
        )
        procs.append(h.celery_worker(env))
        procs += [h.gunicorn(env, port) for port in ports]
        yield {
            "a": f"http://127.0.0.1:{ports[0]}",
            "b": f"http://127.0.0.1:{ports[1]}",
            "s3": s3,
            "media": media,
            "mail": mail_dir,
        }
    finally:
        for proc in procs:
            h.stop(proc)
        s3.stop()
        redis.stop()
        shutil.rmtree(media, ignore_errors=True)
        shutil.rmtree(mail_dir, ignore_errors=True)


def test_journey_alternating_between_two_instances(cluster):
    a, b = cluster["a"], cluster["b"]
    membership = MembershipFactory(service_provider__title="Anadolu Tekstil A.Ş.")
    user, provider = membership.user, membership.service_provider
    catalog()
    ContractVersionFactory(version="2026.1")
    reviewer = UserFactory(is_staff=True, is_superuser=True, password="parola-123-xyz")
    http = requests.Session()

    # Log in on A through the e-Devlet simulator (served by B; A exchanges the code with B).
    h.edevlet_login(http, a, b, user.tckn)
    home = http.get(f"{a}/", timeout=30)
    assert provider.title in home.text

    # Buy and pay on B (the session made on A is good there).
    page = h.accept_contract_for_ileti_150(http, b)
    code = Order.objects.get(service_provider=provider).code
    assert page.url.endswith(f"/odeme/{code}/"), page.url
    page = h.submit(
        http,
        b,
        page,
        "card_number",
        holder_name="Ayşe Yılmaz",
        card_number=SUCCESS_CARD,
        expiry="12/30",
        cvc="123",
        installment="1",
    )
    page = h.submit(http, b, page, "Bankanızın 3-D Secure sayfasına")  # auto-submitting redirect
    page = h.submit(http, b, page, "sms_code", sms_code="123456", action="approve")
    page = h.submit(http, b, page, "Devam")  # the bank's auto-submitting return form
    page = h.submit(http, b, page, "Ödemeyi Tamamla")
    assert "İLETİ-150 paketiniz aktif" in page.text
    assert Order.objects.get(code=code).status == Order.Status.ACTIVE

    # Contract and receipt from A: rendered by the worker (or A), kept in S3, served by A.
    contract = http.get(f"{a}/paket/siparis/{code}/sozlesme.pdf", timeout=60)
    assert contract.status_code == 200 and contract.content.startswith(b"%PDF")

    def receipt():
        response = http.get(f"{a}/odeme/{code}/makbuz.pdf", timeout=30, allow_redirects=False)
        return response if response.status_code == 200 else None

    receipt_pdf = h.wait_until(receipt, 60, "the worker to issue the receipt")
    assert receipt_pdf.content.startswith(b"%PDF")
    payment = Payment.objects.get(order__code=code)
    stored = cluster["s3"].client().get_object(Bucket=BUCKET, Key=payment.receipt_pdf.name)
    assert stored["Body"].read() == receipt_pdf.content
    # Nobody reaches the file without the portal: the same URL without a session is refused.
    anonymous = requests.get(f"{a}/odeme/{code}/makbuz.pdf", timeout=30, allow_redirects=False)
    assert anonymous.status_code in (302, 403, 404)
    assert not anonymous.content.startswith(b"%PDF")

    # Someone files an authorization request on B; the worker e-mails the upload link.
    page = http.get(f"{b}/hesap/yetkilendirme-talebi/", timeout=30)
    page = h.submit(
        http,
        b,
        page,
        "tax_number",
        tax_number=provider.tax_number,
        applicant_tckn="10000000146",
        first_name="Ayşe",
        last_name="Yılmaz",
        email="ayse@example.com",
        phone="0532 123 45 67",
        role_reason="Pazarlama müdürüyüm; izinleri ben yöneteceğim.",
    )
    assert page.url.endswith("/hesap/yetkilendirme-talebi/alindi/"), page.url
    request = AuthorizationRequest.objects.get(applicant_email="ayse@example.com")

    def upload_link():
        for message in h.mails(cluster["mail"]):
            found = re.search(
                r"https?://\S+/" + re.escape(request.number) + r"/\S+", h.mail_text(message)
            )
            if found and message["To"] == "ayse@example.com":
                return found.group(0)
        return None

    link = h.wait_until(upload_link, 60, "the worker to e-mail the upload link")
    signed = make_pdf(2)
    upload_url = re.sub(r"^http://127\.0\.0\.1:\d+", b, link)
    form_page = http.get(upload_url, timeout=30)
    form = h.pick_form(form_page.text, "signed_form")
    done = http.post(
        upload_url,
        data=dict(form["fields"]),
        files={"signed_form": ("imzali.pdf", signed, "application/pdf")},
        timeout=30,
    )
    assert done.url.endswith("/hesap/yetkilendirme-talebi/alindi/"), done.text[:2000]
    request.refresh_from_db()
    assert request.status == AuthorizationRequest.Status.SUBMITTED

    # Reviewed on A, in the admin: the file B stored is there.
    staff = requests.Session()
    login = staff.get(f"{a}/yonetim/login/", timeout=30)
    h.submit(staff, a, login, "password", username=reviewer.tckn, password="parola-123-xyz")
    change = staff.get(
        f"{a}/yonetim/accounts/authorizationrequest/{request.pk}/change/", timeout=30
    )
    assert request.number in change.text
    pdf = staff.get(
        f"{a}/yonetim/accounts/authorizationrequest/{request.pk}/imzali-form/", timeout=30
    )
    assert pdf.status_code == 200 and pdf.content == signed

    # Every file went to S3; none to a local disk.
    keys = {o["Key"] for o in cluster["s3"].client().list_objects_v2(Bucket=BUCKET)["Contents"]}
    assert request.signed_form.name in keys
    assert any(k.startswith("contracts/") for k in keys)
    assert any(k.startswith("receipts/") for k in keys)
    assert not any(Path(cluster["media"]).rglob("*"))
