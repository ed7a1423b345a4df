"""«Toplu Yükleme» through the services: good, bad and duplicate rows, Turkish characters,
Excel, and a second upload of the same file changing nothing."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from consents.models import Consent, ConsentEvent, UploadBatch
from consents.selectors import address_count_for
from consents.uploads import upload_create, upload_set_mapping

ROWS = [
    ["Alıcı", "Kanal", "Alıcı Tipi", "Durum", "Kaynak", "İzin Tarihi"],
    ["0532 111 22 33", "MESAJ", "BIREYSEL", "ONAY", "HS_WEB", "2024-01-10 10:00:00"],
    ["+90 532 111 22 33", "MESAJ", "BIREYSEL", "ONAY", "HS_WEB", "2024-01-10 10:00:00"],  # dup
    ["Sukru.Yilmaz@Örnek.COM.tr", "EPOSTA", "BIREYSEL", "ONAY", "HS_EPOSTA", "2024-01-11 09:00:00"],
    ["0612 000 00 00", "MESAJ", "BIREYSEL", "ONAY", "HS_WEB", "2024-01-10 10:00:00"],  # bad
    ["ayşe@ornek.com", "EPOSTA", "BIREYSEL", "ONAY", "HS_WEB", "2024-01-10 10:00:00"],  # bad
    ["0212 555 01 01", "ARAMA", "TACIR", "ONAY", "", ""],
    ["0533 999 88 77", "ARAMA", "BIREYSEL", "EVET", "HS_WEB", "2024-01-10 10:00:00"],  # bad
    ["0532 111 22 33", "MESAJ", "BIREYSEL", "RET", "HS_WEB", "2023-12-01 10:00:00"],  # older
    ["", "", "", "", "", ""],
]
BAD_LINES = {5, 6, 8, 9}


def csv_file(rows, name="izinler.csv", delimiter=";", encoding="utf-8"):
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter).writerows(rows)
    return SimpleUploadedFile(name, buffer.getvalue().encode(encoding), "text/csv")


def xlsx_file(rows, name="izinler.xlsx"):
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def result_lines(batch):
    with batch.result_file.open("rb") as handle:
        rows = list(csv.reader(io.StringIO(handle.read().decode("utf-8-sig")), delimiter=";"))
    return rows


@pytest.mark.parametrize(
    "make", [csv_file, xlsx_file, lambda r: csv_file(r, delimiter=",", encoding="cp1254")]
)
def test_upload_records_good_rows_and_lists_exactly_the_bad_ones(
    make, provider, brand, authorized_user, run_upload
):
    batch = run_upload(provider, brand, authorized_user, make(ROWS))
    assert batch.status == UploadBatch.Status.DONE
    assert (batch.created_count, batch.unchanged_count, batch.rejected_count) == (3, 1, 4)
    assert batch.processed_rows == batch.total_rows == 9
    assert set(Consent.objects.values_list("recipient", flat=True)) == {
        "+905321112233",
        "sukru.yilmaz@xn--rnek-4qa.com.tr",
        "+902125550101",
    }
    lines = result_lines(batch)
    assert lines[0][0] == "Satır" and lines[0][-1] == "Hata"
    assert {int(row[0]) for row in lines[1:]} == BAD_LINES
    reasons = {int(row[0]): row[-1] for row in lines[1:]}
    assert reasons[5].startswith("Alıcı:") and reasons[8].startswith("Durum:")
    assert "daha yeni tarihli" in reasons[9]
    assert lines[2][1] == "ayşe@ornek.com"  # Turkish characters survive into the result file
    assert ConsentEvent.objects.filter(upload=batch).count() == 3
    assert address_count_for(service_provider=provider).phones == 2


def test_second_upload_of_the_same_file_changes_nothing(
    provider, brand, authorized_user, run_upload
):
    run_upload(provider, brand, authorized_user, csv_file(ROWS))
    snapshot = list(Consent.objects.order_by("pk").values())
    events = ConsentEvent.objects.count()
    again = run_upload(provider, brand, authorized_user, csv_file(ROWS))
    assert (again.created_count, again.changed_count) == (0, 0)
    assert again.unchanged_count == 4 and again.rejected_count == 4
    assert list(Consent.objects.order_by("pk").values()) == snapshot
    assert ConsentEvent.objects.count() == events


def test_unreadable_file_and_bad_mapping_are_refused_in_turkish(provider, brand, authorized_user):
    from iys_portal.errors import ApplicationError

    with pytest.raises(ApplicationError) as info:
        upload_create(
            service_provider=provider,
            brand_id=brand.pk,
            actor=authorized_user,
            uploaded=SimpleUploadedFile("izin.pdf", b"%PDF"),
        )
    assert info.value.code == "upload_format"
    batch = upload_create(
        service_provider=provider,
        brand_id=brand.pk,
        actor=authorized_user,
        uploaded=csv_file([["a", "b"], ["1", "2"]]),
    )
    with pytest.raises(ApplicationError) as info:
        upload_set_mapping(service_provider=provider, upload_id=batch.pk, mapping={"recipient": 0})
    assert "Kanal" in str(info.value.message)
    batch.refresh_from_db()
    assert batch.status == UploadBatch.Status.MAPPING


def test_a_file_that_breaks_while_reading_fails_the_batch_with_a_reason(
    provider, brand, authorized_user, run_upload
):
    raw = (
        "recipient;type;recipientType;status;source;consentDate\n"
        + ("05321112233;MESAJ;BIREYSEL;ONAY;HS_WEB;2024-01-10 10:00:00\n" * 3)
        + ('"' + "5" * 200_000 + '";MESAJ\n')  # longer than the csv module's field limit
    )
    batch = run_upload(
        provider, brand, authorized_user, SimpleUploadedFile("bozuk.csv", raw.encode())
    )
    assert batch.status == UploadBatch.Status.FAILED
    assert batch.error == (
        "Dosya işlenemedi: CSV biçimi bozuk (kapanmamış tırnak ya da çok uzun bir alan var)."
    )


def test_an_upload_restores_the_interpreters_settings(
    run_upload, provider, brand, authorized_user, monkeypatch
):
    """The garbage collector's threshold and the thread switch interval are the upload's only
    while it runs (consents.uploads._fewer_collections, _quick_handoff)."""
    import gc
    import sys

    from consents import uploads

    seen = {}
    process = uploads._process

    def spy(batch):
        seen["threshold"], seen["interval"] = gc.get_threshold()[0], sys.getswitchinterval()
        process(batch)

    monkeypatch.setattr(uploads, "_process", spy)
    threshold, interval = gc.get_threshold(), sys.getswitchinterval()
    header = ["Alıcı", "Kanal", "Alıcı Tipi", "Durum", "Kaynak", "İzin Tarihi"]
    row = ["0532 111 22 33", "MESAJ", "BIREYSEL", "ONAY", "HS_WEB", "2024-01-10 10:00:00"]
    assert run_upload(provider, brand, authorized_user, csv_file([header, row])).created_count == 1
    assert seen == {"threshold": 50_000, "interval": 0.0005}
    assert (gc.get_threshold(), sys.getswitchinterval()) == (threshold, interval)


def test_the_validating_thread_starts_a_further_batch_when_the_writer_says_go():
    """One batch ahead of the writer; the next waits for ``go()`` (after the writer's
    decisions) or for the writer taking the next batch (consents.uploads._Prefetched)."""
    import time

    from consents.uploads import _Prefetched

    started = []

    def chunks():
        for k in range(5):
            started.append(k)
            yield k

    prefetched = _Prefetched(chunks(), depth=2)
    batches = iter(prefetched)
    assert next(batches) == 0
    time.sleep(0.2)
    assert started == [0, 1]
    prefetched.go()
    time.sleep(0.2)
    assert started == [0, 1, 2]
    prefetched.go()  # once per batch
    time.sleep(0.2)
    assert started == [0, 1, 2]
    assert list(batches) == [1, 2, 3, 4]
