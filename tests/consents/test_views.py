"""Temel Hizmetler pages: reachable, writes by the authorized person only, tenancy, constant
query counts, uploads and exports through the views."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from consents.models import Consent, ExportJob, UploadBatch
from consents.services import RecordedBy, consent_add
from tests.consents.test_uploads import ROWS, csv_file
from tests.factories import BrandFactory
from tests.tenancy import assert_foreign_404


def seed(provider, brand, user, n, start=0):
    for i in range(start, start + n):
        consent_add(
            service_provider=provider,
            brand_id=brand.pk,
            recipient=f"0532 100 {i:04d}",
            channel="MESAJ",
            recipient_type="BIREYSEL",
            status="ONAY" if i % 3 else "RET",
            source="HS_WEB",
            consent_date="2024-03-01 10:00:00",
            recorded_by=RecordedBy.portal_user(user),
        )


def test_navigation_leads_to_temel_hizmetler(provider_client):
    page = provider_client.get(reverse("packages:manage")).content.decode()
    assert f'href="{reverse("consents:index")}"' in page and "Temel Hizmetler" in page


def test_add_by_form_then_detail_shows_history(provider_client, provider, brand):
    response = provider_client.post(
        reverse("consents:add"),
        {
            "brand": brand.pk,
            "recipient": "0 (532) 123 45 67",
            "channel": "MESAJ",
            "recipient_type": "BIREYSEL",
            "status": "ONAY",
            "source": "HS_WEB",
            "consent_date": "2024-03-01T10:00",
        },
        follow=True,
    )
    consent = Consent.objects.get()
    assert consent.recipient == "+905321234567"
    assert response.redirect_chain[-1][0] == reverse("consents:detail", args=[consent.pk])
    assert "İzin kaydedildi" in response.content.decode()


def test_add_refusal_is_shown_on_the_field_and_changes_nothing(provider_client, brand):
    response = provider_client.post(
        reverse("consents:add"),
        {
            "brand": brand.pk,
            "recipient": "0612 000 00 00",
            "channel": "MESAJ",
            "recipient_type": "BIREYSEL",
            "status": "ONAY",
            "source": "HS_WEB",
            "consent_date": "2024-03-01T10:00",
        },
    )
    assert response.status_code == 200
    assert "Alıcı: telefon numarası bir cep telefonu" in response.content.decode()
    assert response.context["form"].errors["recipient"]
    assert not Consent.objects.exists()


def test_add_with_a_foreign_brand_is_a_form_error(provider_client):
    foreign = BrandFactory()
    response = provider_client.post(
        reverse("consents:add"),
        {
            "brand": foreign.pk,
            "recipient": "05321234567",
            "channel": "MESAJ",
            "recipient_type": "BIREYSEL",
            "status": "ONAY",
            "source": "HS_WEB",
            "consent_date": "2024-03-01T10:00",
        },
    )
    assert response.status_code == 200 and "brand" in response.context["form"].errors
    assert not Consent.objects.exists()


def test_delegate_reads_but_may_not_write(delegate_client, provider, brand, authorized_user):
    seed(provider, brand, authorized_user, 1)
    assert delegate_client.get(reverse("consents:index")).status_code == 200
    assert "İzin Ekle" not in delegate_client.get(reverse("consents:index")).content.decode()
    for name in ("consents:add", "consents:upload"):
        assert delegate_client.get(reverse(name)).status_code == 403
    assert delegate_client.post(reverse("consents:add"), {"brand": brand.pk}).status_code == 403


def test_delegate_with_izin_yonetimi_adds_and_the_service_checks_the_role_too(
    client, provider, brand
):
    from iys_portal.errors import PermissionDeniedError
    from tests.conftest import login_as
    from tests.factories.accounts import delegate_with_roles

    writer = delegate_with_roles(provider, "consents")
    reader = delegate_with_roles(provider, "brands")
    login_as(client, writer.user, provider)
    response = client.post(
        reverse("consents:add"),
        {
            "brand": brand.pk,
            "recipient": "0532 123 45 67",
            "channel": "MESAJ",
            "recipient_type": "BIREYSEL",
            "status": "ONAY",
            "source": "HS_WEB",
            "consent_date": "2024-03-01T10:00",
        },
    )
    assert response.status_code == 302 and Consent.objects.count() == 1
    with pytest.raises(PermissionDeniedError):
        consent_add(
            service_provider=provider,
            brand_id=brand.pk,
            recipient="0532 123 45 68",
            channel="MESAJ",
            recipient_type="BIREYSEL",
            status="ONAY",
            source="HS_WEB",
            consent_date="2024-03-01 10:00:00",
            recorded_by=RecordedBy.portal_user(reader.user),
        )
    assert Consent.objects.count() == 1


def test_query_finds_every_written_form(
    provider_client, provider, brand, other_brand, authorized_user
):
    seed(provider, brand, authorized_user, 1, start=7)
    seed(provider, other_brand, authorized_user, 1, start=7)
    response = provider_client.get(reverse("consents:query"), {"recipient": "+90 532 100 00 07"})
    assert [c.brand for c in response.context["consents"]] == sorted(
        [brand, other_brand], key=lambda b: b.name
    )
    bad = provider_client.get(reverse("consents:query"), {"recipient": "12"})
    assert bad.status_code == 200 and "10 haneli" in bad.content.decode()


def test_list_filters(provider_client, provider, brand, other_brand, authorized_user):
    seed(provider, brand, authorized_user, 6)
    seed(provider, other_brand, authorized_user, 2, start=50)
    rows = (
        provider_client.get(reverse("consents:index"), {"brand": other_brand.pk})
        .context["page"]
        .rows
    )
    assert {c.brand_id for c in rows} == {other_brand.pk} and len(rows) == 2
    rows = provider_client.get(reverse("consents:index"), {"status": "RET"}).context["page"].rows
    assert len(rows) == 3 and {c.status for c in rows} == {"RET"}
    rows = (
        provider_client.get(reverse("consents:index"), {"date_from": "2024-03-02"})
        .context["page"]
        .rows
    )
    assert rows == []
    bad = provider_client.get(reverse("consents:index"), {"channel": "FAKS", "date_to": "x"})
    assert bad.status_code == 200 and "yok sayıldı" in bad.content.decode()


@pytest.mark.parametrize(
    ("name", "params"), [("consents:index", {}), ("consents:query", {"recipient": "05321000001"})]
)
def test_constant_queries_at_n_and_2n(
    provider_client,
    provider,
    brand,
    other_brand,
    authorized_user,
    django_assert_num_queries,
    name,
    params,
):
    url = reverse(name)
    seed(provider, brand, authorized_user, 15)
    provider_client.get(url, params)
    with CaptureQueriesContext(connection) as first:
        provider_client.get(url, params)
    seed(provider, other_brand, authorized_user, 30, start=0)
    with django_assert_num_queries(len(first.captured_queries)):
        response = provider_client.get(url, params)
    assert response.status_code == 200
    assert len(response.context.get("consents") or response.context["page"].rows) >= 2


def test_foreign_ids_are_404(foreign_client, provider, brand, authorized_user):
    seed(provider, brand, authorized_user, 1)
    consent = Consent.objects.get()
    batch = UploadBatch.objects.create(
        service_provider=provider,
        brand=brand,
        original_name="a.csv",
        file_format="csv",
        file_sha256="0" * 64,
        created_by=authorized_user,
        result_file="consent_uploads/x.csv",
    )
    job = ExportJob.objects.create(service_provider=provider, created_by=authorized_user)
    assert_foreign_404(foreign_client, reverse("consents:detail", args=[consent.pk]))
    for name in ("consents:upload_detail", "consents:upload_result", "consents:upload_map"):
        assert_foreign_404(foreign_client, reverse(name, args=[batch.pk]))
    assert_foreign_404(
        foreign_client,
        reverse("consents:upload_map", args=[batch.pk]),
        method="post",
        data={"recipient": "0"},
    )
    assert_foreign_404(foreign_client, reverse("consents:export_detail", args=[job.pk]))
    listed = foreign_client.get(reverse("consents:index")).context["page"].rows
    assert listed == []
    assert (
        foreign_client.get(reverse("consents:query"), {"recipient": consent.recipient}).context[
            "consents"
        ]
        == []
    )


def test_upload_journey_through_the_views(
    provider_client, provider, brand, django_capture_on_commit_callbacks
):
    response = provider_client.post(
        reverse("consents:upload"), {"brand": brand.pk, "file": csv_file(ROWS)}
    )
    batch = UploadBatch.objects.get()
    assert response["Location"] == reverse("consents:upload_map", args=[batch.pk])
    page = provider_client.get(response["Location"])
    assert page.context["form"]["recipient"].value() == 0
    mapping = {
        f: str(i)
        for i, f in enumerate(
            ["recipient", "type", "recipientType", "status", "source", "consentDate"]
        )
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = provider_client.post(reverse("consents:upload_map", args=[batch.pk]), mapping)
    assert response["Location"] == reverse("consents:upload_detail", args=[batch.pk])
    partial = provider_client.get(response["Location"], headers={"HX-Request": "true"})
    html = partial.content.decode()
    assert 'data-status="done"' in html and "hx-trigger" not in html and "%100" in html
    result = provider_client.get(reverse("consents:upload_result", args=[batch.pk]))
    lines = list(
        csv.reader(
            io.StringIO(b"".join(result.streaming_content).decode("utf-8-sig")), delimiter=";"
        )
    )
    assert len(lines) == 1 + 4
    template = provider_client.get(reverse("consents:upload_template")).content.decode("utf-8-sig")
    assert template.splitlines()[0] == "recipient;type;recipientType;status;source;consentDate"


def test_upload_of_a_non_table_file_is_a_form_error(provider_client, brand):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = provider_client.post(
        reverse("consents:upload"),
        {"brand": brand.pk, "file": SimpleUploadedFile("x.xlsx", b"not a zip")},
    )
    assert response.status_code == 200 and "başlıkları okunamadı" in response.content.decode()
    assert not UploadBatch.objects.exists()


def test_export_small_at_once_and_large_in_background(
    provider_client,
    provider,
    brand,
    authorized_user,
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    seed(provider, brand, authorized_user, 6)
    response = provider_client.get(reverse("consents:export"), {"status": "RET"})
    lines = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()
    assert len(lines) == 1 + 2 and all(";RET;" in line for line in lines[1:])
    monkeypatch.setattr("consents.exports.INLINE_MAX_ROWS", 3)
    with django_capture_on_commit_callbacks(execute=True):
        response = provider_client.get(reverse("consents:export"))
    job = ExportJob.objects.get()
    assert response["Location"] == reverse("consents:export_detail", args=[job.pk])
    download = provider_client.get(response["Location"], {"indir": "1"})
    content = b"".join(download.streaming_content).decode("utf-8-sig").splitlines()
    assert len(content) == 7


def test_phone_list_stacks_and_shows_idna_domains_in_their_own_letters(
    provider_client, provider, brand, authorized_user
):
    consent_add(
        service_provider=provider,
        brand_id=brand.pk,
        recipient=" Ayse@Örnek.com.tr ",
        channel="EPOSTA",
        recipient_type="BIREYSEL",
        status="ONAY",
        source="HS_WEB",
        consent_date="2024-03-01 10:00:00",
        recorded_by=RecordedBy.portal_user(authorized_user),
    )
    page = provider_client.get(reverse("consents:index")).content.decode()
    assert Consent.objects.get().recipient == "ayse@xn--rnek-4qa.com.tr"
    assert ">ayse@örnek.com.tr</a>" in page and 'table class="stack"' in page
    assert 'data-label="Alıcı"' in page
    detail = provider_client.get(reverse("consents:detail", args=[Consent.objects.get().pk]))
    assert "<h1>ayse@örnek.com.tr</h1>" in detail.content.decode()


def test_history_names_who_uploaded_the_file(
    run_upload, provider_client, provider, brand, authorized_user, django_assert_num_queries
):
    """An upload's rows name only the upload; the history shows its uploader as before."""
    from django.utils.html import escape

    batch = run_upload(provider, brand, authorized_user, csv_file(ROWS))
    consent = Consent.objects.filter(upload=batch).first()
    assert consent.recorded_by_id is None and consent.events.get().recorded_by_id is None
    url = reverse("consents:detail", args=[consent.pk])
    provider_client.get(url)
    with CaptureQueriesContext(connection) as first:
        page = provider_client.get(url).content.decode()
    cell = f"Toplu Yükleme · {escape(authorized_user.get_full_name())} · {batch.original_name}"
    assert cell in page
    # A consent recorded in the portal still names its own user.
    other = BrandFactory(service_provider=provider)
    seed(provider, other, authorized_user, 1)
    consent = Consent.objects.get(brand=other)
    with django_assert_num_queries(len(first.captured_queries)):
        page = provider_client.get(reverse("consents:detail", args=[consent.pk])).content.decode()
    assert f"Portal (İzin Ekle) · {escape(authorized_user.get_full_name())}</td>" in page
