"""Temel Hizmetler in a real browser: add one consent, upload a file and watch the progress bar
finish, see the gauge on Paket Yönetimi move.

With CELERY_BROKER_URL=redis://… the upload is processed by a real Celery worker while the page
polls (htmx) — the bar is seen before it is full; without a broker Celery runs eagerly and the
bar is already full when the page opens."""

import os

import pytest
from playwright.sync_api import expect

from consents.models import Consent, UploadBatch
from tests.e2e.conftest import login_browser_as
from tests.factories import BrandFactory, MembershipFactory, PackageFactory, SubscriptionFactory

pytestmark = pytest.mark.django_db(transaction=True)


def upload_rows(count: int) -> bytes:
    lines = ["Alıcı;Kanal;Alıcı Tipi;Durum;Kaynak;İzin Tarihi"]
    for i in range(count):
        lines.append(f"0533 300 {i:04d};MESAJ;BIREYSEL;ONAY;HS_WEB;2024-02-01 10:00:00")
    lines.append("0612 000 00 00;MESAJ;BIREYSEL;ONAY;HS_WEB;2024-02-01 10:00:00")
    return "\n".join(lines).encode("utf-8")


@pytest.fixture
def worker(request, monkeypatch):
    if not os.environ.get("CELERY_BROKER_URL", "").startswith("redis://"):
        return None
    monkeypatch.setattr("consents.uploads.BATCH_SIZE", 100)
    return request.getfixturevalue("celery_broker_worker")


def test_add_upload_and_gauge(page, worker):
    membership = MembershipFactory()
    provider = membership.service_provider
    BrandFactory(service_provider=provider, name="Anadolu Tekstil")
    SubscriptionFactory(
        service_provider=provider, package=PackageFactory(name="İLETİ-5000", address_limit=5000)
    )
    login_browser_as(page, membership.user, provider)

    page.goto(page.base_url + "/paket/")
    expect(page.get_by_test_id("address-count-total")).to_have_text("0")

    page.get_by_role("navigation", name="Ana menü").get_by_role(
        "link", name="Temel Hizmetler"
    ).click()
    page.get_by_role("link", name="İzin Ekle").first.click()
    page.get_by_label("Alıcı (telefon ya da e-posta)").fill("0532 123 45 67")
    page.get_by_label("Kanal").select_option("MESAJ")
    page.get_by_label("Durum").select_option("ONAY")
    page.get_by_label("Kaynak").select_option("HS_WEB")
    page.get_by_label("İzin tarihi").fill("2024-03-01T10:00:00")
    page.get_by_role("button", name="Kaydet").click()
    expect(page.get_by_text("İzin kaydedildi: +905321234567, MESAJ, ONAY.")).to_be_visible()
    assert Consent.objects.filter(recipient="+905321234567").exists()

    page.goto(page.base_url + "/izin/yukleme/")
    rows = 3000 if worker is not None else 200
    page.get_by_label("Dosya (CSV ya da Excel .xlsx)").set_input_files(
        {"name": "izinler.csv", "mimeType": "text/csv", "buffer": upload_rows(rows)}
    )
    page.get_by_role("button", name="Yükle").click()
    expect(page.get_by_role("heading", name="Sütun eşleştirme")).to_be_visible()
    page.get_by_role("button", name="Yüklemeyi başlat").click()
    progress = page.get_by_test_id("upload-progress")
    expect(progress).to_be_visible()
    first_status = progress.get_attribute("data-status")
    expect(progress).to_have_attribute("data-status", "done", timeout=90_000)
    if worker is not None:
        assert first_status != "done", "the worker finished before the page could poll"
    expect(page.get_by_test_id("upload-percent")).to_have_text("%100")
    expect(page.get_by_test_id("upload-created")).to_have_text(f"{rows:,}".replace(",", "."))
    expect(page.get_by_test_id("upload-rejected")).to_have_text("1")
    assert UploadBatch.objects.get().status == UploadBatch.Status.DONE

    page.goto(page.base_url + "/paket/")
    total = 1 + rows
    expect(page.get_by_test_id("address-count-total")).to_have_text(f"{total:,}".replace(",", "."))
    expect(page.locator("#gauge-total")).to_have_attribute("value", str(total))
