"""«Toplu Yükleme»: CSV or Excel files, a column mapping, processing in batches.

Files live in Django's default storage. Processing streams the file (csv reader / openpyxl
read-only mode) in batches of ``BATCH_SIZE`` rows, each one ``consents_apply`` transaction, so
memory stays flat in the file size; rejected rows go to a result file with their reasons.
"""

import csv
import gc
import hashlib
import io
import logging
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from itertools import islice
from queue import Empty, Queue

from django.core.files import File
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import ServiceProvider, User
from accounts.permissions import Role, require_actor_role
from brands.models import Brand
from iys_portal.errors import ApplicationError

from .models import UploadBatch
from .normalize import FIELD_LABELS, ConsentInvalid, consent_clean
from .services import Outcome, RecordedBy, consents_apply
from .writes import new_rows

logger = logging.getLogger(__name__)
BATCH_SIZE = 5000
MAX_UPLOAD_BYTES = 200 * 1024 * 1024
FIELDS = ("recipient", "type", "recipientType", "status", "source", "consentDate")
REQUIRED = ("recipient", "type", "recipientType", "status")
TEMPLATE_HEADER = ["recipient", "type", "recipientType", "status", "source", "consentDate"]
TEMPLATE_ROWS = [
    ["05321234567", "MESAJ", "BIREYSEL", "ONAY", "HS_WEB", "2024-03-01 10:00:00"],
    ["ayse@örnek.com.tr", "EPOSTA", "BIREYSEL", "RET", "HS_EPOSTA", "2024-03-02 14:30:00"],
    ["02125550101", "ARAMA", "TACIR", "ONAY", "", ""],
]
_ALIASES = {
    "recipient": {"recipient", "alıcı", "alici", "telefon", "e-posta", "eposta", "adres"},
    "type": {"type", "kanal", "channel", "izin tipi"},
    "recipientType": {"recipienttype", "alıcı tipi", "alici tipi"},
    "status": {"status", "durum", "onay/ret"},
    "source": {"source", "kaynak", "izin kaynağı"},
    "consentDate": {"consentdate", "izin tarihi", "tarih", "date"},
}


def _format_of(name: str) -> str | None:
    lowered = name.lower()
    if lowered.endswith((".csv", ".txt")):
        return UploadBatch.Format.CSV
    if lowered.endswith(".xlsx"):
        return UploadBatch.Format.XLSX
    return None


def _csv_reader(binary) -> Iterator[list[str]]:
    head = binary.read(65536)
    binary.seek(0)
    try:
        head.decode("utf-8")
        encoding = "utf-8-sig"
    except UnicodeDecodeError as error:
        # A cut multi-byte character at the end of the sample is still UTF-8.
        encoding = "utf-8-sig" if error.start >= len(head) - 3 else "cp1254"
    first = head.decode(encoding, errors="replace").splitlines()[0] if head else ""
    delimiter = max(";,\t", key=first.count) if first else ","
    return _csv_rows(binary, encoding, delimiter)


def _csv_rows(binary, encoding: str, delimiter: str) -> Iterator[list[str]]:
    # io.TextIOWrapper decodes in C (codecs' StreamReader cost more per row than the
    # validation); newline="" leaves line ends to the csv module. Detached at the end, so
    # the caller's file stays open.
    text = io.TextIOWrapper(binary, encoding=encoding, errors="replace", newline="")
    try:
        yield from csv.reader(text, delimiter=delimiter)
    finally:
        text.detach()


def _xlsx_rows(binary) -> Iterator[list[str]]:
    from openpyxl import load_workbook

    workbook = load_workbook(binary, read_only=True, data_only=True)
    try:
        sheet = workbook.worksheets[0]
        for values in sheet.iter_rows(values_only=True):
            yield [_cell(v) for v in values]
    finally:
        workbook.close()


def _cell(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "strftime"):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _rows(binary, file_format: str) -> Iterator[list[str]]:
    if file_format == UploadBatch.Format.XLSX:
        return _xlsx_rows(binary)
    return _csv_reader(binary)


def _guess_mapping(columns: list[str]) -> dict[str, int]:
    mapping = {}
    for index, name in enumerate(columns):
        key = name.strip().replace("İ", "i").replace("I", "ı").lower()
        for target, names in _ALIASES.items():
            if target not in mapping and (key in names or key == target.lower()):
                mapping[target] = index
    return mapping


def upload_create(
    *, service_provider: ServiceProvider, brand_id: int, uploaded, actor: User
) -> UploadBatch:
    """Store the file and read its header row; the batch waits for the column mapping."""
    require_actor_role(actor=actor, service_provider_id=service_provider.pk, role=Role.CONSENTS)
    brand = Brand.objects.filter(pk=brand_id, service_provider=service_provider).first()
    if brand is None:
        raise ApplicationError(_("Marka bulunamadı."), code="brand_not_found")
    file_format = _format_of(uploaded.name or "")
    if file_format is None:
        raise ApplicationError(
            _("Dosya CSV (.csv) ya da Excel (.xlsx) olmalıdır."), code="upload_format"
        )
    if uploaded.size > MAX_UPLOAD_BYTES:
        raise ApplicationError(_("Dosya en fazla 200 MB olabilir."), code="upload_size")
    digest = hashlib.sha256()
    for chunk in uploaded.chunks():
        digest.update(chunk)
    uploaded.seek(0)
    try:
        header = next(iter(_rows(uploaded, file_format)), [])
    except Exception:  # noqa: BLE001 — any unreadable file is the user's input, not a 500
        header = []
    uploaded.seek(0)
    columns = [c.strip() for c in header]
    if not any(columns):
        raise ApplicationError(
            _("Dosyanın ilk satırında sütun başlıkları okunamadı."), code="upload_header"
        )
    batch = UploadBatch(
        service_provider=service_provider,
        brand=brand,
        original_name=(uploaded.name or "")[-255:],
        file_format=file_format,
        file_sha256=digest.hexdigest(),
        columns=columns,
        mapping=_guess_mapping(columns),
        created_by=actor,
    )
    batch.file.save(uploaded.name or "yukleme", File(uploaded), save=False)
    batch.save()
    return batch


@transaction.atomic
def upload_set_mapping(
    *, service_provider: ServiceProvider, upload_id: int, mapping: dict[str, int | None]
) -> UploadBatch:
    """Confirm the mapping and queue the processing (once; a replay changes nothing)."""
    from .tasks import process_upload

    batch = (
        UploadBatch.objects.select_for_update()
        .filter(pk=upload_id, service_provider=service_provider)
        .first()
    )
    if batch is None:
        raise ApplicationError(_("Yükleme bulunamadı."), code="upload_not_found")
    if batch.status != UploadBatch.Status.MAPPING:
        return batch
    clean = {k: v for k, v in mapping.items() if k in FIELDS and v is not None}
    missing = [FIELD_LABELS[f] for f in REQUIRED if f not in clean]
    if missing:
        raise ApplicationError(
            _("Şu alanlar için bir sütun seçiniz: %(fields)s.")
            % {"fields": ", ".join(str(m) for m in missing)},
            code="mapping_missing",
        )
    if any(not 0 <= v < len(batch.columns) for v in clean.values()):
        raise ApplicationError(_("Geçersiz sütun seçimi."), code="mapping_invalid")
    if len(set(clean.values())) != len(clean):
        raise ApplicationError(
            _("Bir sütun yalnızca bir alana eşleştirilebilir."), code="mapping_duplicate"
        )
    batch.mapping = clean
    batch.status = UploadBatch.Status.QUEUED
    batch.save(update_fields=["mapping", "status"])
    transaction.on_commit(lambda: process_upload.delay(batch.pk))
    return batch


def _count_rows(batch: UploadBatch) -> int | None:
    with batch.file.open("rb") as handle:
        if batch.file_format == UploadBatch.Format.CSV:
            lines = sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b""))
            return max(lines - 1, 0) or None
    return None


@contextmanager
def _fewer_collections():
    """The cyclic garbage collector's youngest generation collected after 50,000 allocations
    instead of 700 while an upload runs: a batch allocates a few objects per row (rows, results,
    tuples) and hardly any cycles, and the collections cost about as much CPU as the rest of
    the Python side together (40 → 21 µs a row, bench/RESULTS.md). Restored afterwards; a worker
    process runs one task at a time."""
    thresholds = gc.get_threshold()
    gc.set_threshold(50_000, *thresholds[1:])
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)


@contextmanager
def _quick_handoff():
    """The interpreter's thread switch interval 0.5 ms instead of 5 ms while an upload runs.
    The main thread waits on PostgreSQL several times a batch (locks, locked read, ids, COPY,
    commit) while the validating thread computes; back from each wait it needs the GIL, which
    the validating thread gave up only every 5 ms: ~2 µs a row of the serial chain
    (bench/RESULTS.md, session 4). Restored afterwards."""
    interval = sys.getswitchinterval()
    sys.setswitchinterval(0.0005)
    try:
        yield
    finally:
        sys.setswitchinterval(interval)


def upload_process(*, upload_id: int) -> UploadBatch:
    """Process a queued upload from start to end (the Celery task calls this)."""
    with transaction.atomic():
        batch = UploadBatch.objects.select_for_update().filter(pk=upload_id).first()
        if batch is None or batch.status != UploadBatch.Status.QUEUED:
            return batch
        batch.status = UploadBatch.Status.PROCESSING
        batch.started_at = timezone.now()
        batch.save(update_fields=["status", "started_at"])
    try:
        with _fewer_collections(), _quick_handoff():
            _process(batch)
    except Exception as error:  # noqa: BLE001 — recorded on the batch, shown on the page
        logger.exception("consent upload %s failed", batch.pk)
        reason = (
            _("CSV biçimi bozuk (kapanmamış tırnak ya da çok uzun bir alan var).")
            if isinstance(error, csv.Error)
            else _("dosya okunamadı ya da bozuk; lütfen kontrol edip yeniden yükleyiniz.")
        )
        UploadBatch.objects.filter(pk=batch.pk).update(
            status=UploadBatch.Status.FAILED,
            finished_at=timezone.now(),
            error=_("Dosya işlenemedi: %(reason)s") % {"reason": reason},
        )
    batch.refresh_from_db()
    return batch


# consent_clean's arguments for FIELDS, in that order.
_CLEAN_ARGUMENTS = ("recipient", "channel", "recipient_type", "status", "source", "consent_date")


def _cleaned_chunks(handle, file_format: str, columns: dict[str, int], build):
    """Read and validate ``BATCH_SIZE`` rows at a time: (rows read, cleaned items, their
    (line, row), refused (line, row, message), ``build(items=)``: the items as new
    consents, ``writes.new_rows``). Pure Python, no database."""
    rows = _rows(handle, file_format)
    next(rows, None)  # the header
    numbered = enumerate(rows, start=2)
    # Column positions of recipient, type, recipientType, status, source, consentDate; an
    # unmapped optional field reads as None, a missing cell as "".
    positions = tuple(columns.get(f) for f in FIELDS)
    width = max(i for i in positions if i is not None) + 1
    arguments = tuple(zip(_CLEAN_ARGUMENTS, positions, strict=True))
    while chunk := list(islice(numbered, BATCH_SIZE)):
        items, sources, invalid = [], [], []
        now = timezone.now()
        for line, row in chunk:
            if not "".join(row).strip():
                continue
            cells = row if len(row) >= width else row + [""] * (width - len(row))
            values = {name: None if i is None else cells[i] for name, i in arguments}
            try:
                items.append(consent_clean(**values, now=now))
                sources.append((line, row))
            except ConsentInvalid as error:
                invalid.append((line, row, error.message))
        yield len(chunk), items, sources, invalid, build(items=items)


_DONE = object()


class _Prefetched:
    """Validate the next batches in a thread while this one is written (and build their new
    consents' rows and COPY text, ``writes.new_rows``): the database work releases the GIL,
    so parsing and writing overlap (two cores: one each).

    The thread starts on a further batch only when the writer says ``go()`` — after its
    decisions, when what remains of the batch is mostly waiting for PostgreSQL (COPY,
    commit) — or, at the latest, when the writer takes the next batch. Started as soon as the
    writer took a batch, the thread held the GIL against the writer's decisions (they took
    turns every switch interval), and the serial chain waited (bench/RESULTS.md, session 4)."""

    def __init__(self, chunks, depth: int = 2):
        self.chunks = chunks
        self.queue: Queue = Queue(maxsize=depth)
        # The first chunk is made without a permit; each further one takes one.
        self.permits = threading.Semaphore(depth - 1)
        self.stop = threading.Event()
        self.owed = False

    def go(self) -> None:
        if self.owed:
            self.owed = False
            self.permits.release()

    def _produce(self):
        try:
            for chunk in self.chunks:
                self.queue.put(chunk)
                self.permits.acquire()
                if self.stop.is_set():
                    return
            self.queue.put(_DONE)
        except BaseException as error:  # noqa: BLE001 — handed to the consumer, re-raised there
            self.queue.put(error)

    def __iter__(self):
        thread = threading.Thread(target=self._produce, name="upload-reader", daemon=True)
        thread.start()
        try:
            while True:
                self.go()
                item = self.queue.get()
                if item is _DONE:
                    return
                if isinstance(item, BaseException):
                    raise item
                self.owed = True
                yield item
        finally:
            self.stop.set()
            while thread.is_alive():
                self.permits.release()
                try:
                    self.queue.get_nowait()
                except Empty:
                    thread.join(0.05)


def _process(batch: UploadBatch) -> None:
    total = _count_rows(batch)
    if total is not None:
        UploadBatch.objects.filter(pk=batch.pk).update(total_rows=total)
    columns = {field: batch.mapping[field] for field in FIELDS if field in batch.mapping}
    recorded_by = RecordedBy.upload_batch(batch.pk)
    brand = batch.brand
    service_provider = batch.service_provider
    build = partial(
        new_rows,
        service_provider_id=service_provider.pk,
        brand_id=brand.pk,
        postgres=connection.vendor == "postgresql",
    )
    totals = {Outcome.CREATED: 0, Outcome.CHANGED: 0, Outcome.UNCHANGED: 0, Outcome.REFUSED: 0}
    with tempfile.TemporaryFile("w+b") as rejected_file:
        rejected = io.TextIOWrapper(rejected_file, encoding="utf-8-sig", newline="")
        writer = csv.writer(rejected, delimiter=";")
        writer.writerow([_("Satır"), *batch.columns, _("Hata")])
        processed = 0
        with batch.file.open("rb") as handle:
            chunks = _Prefetched(_cleaned_chunks(handle, batch.file_format, columns, build))
            for size, items, sources, invalid, built in chunks:
                for line, row, message in invalid:
                    totals[Outcome.REFUSED] += 1
                    writer.writerow([line, *row, message])
                result = consents_apply(
                    service_provider=service_provider,
                    brand=brand,
                    items=items,
                    recorded_by=recorded_by,
                    new=built,
                    before_write=chunks.go,
                )
                for (line, row), item in zip(sources, result.items, strict=True):
                    totals[item.outcome] += 1
                    if item.error is not None:
                        writer.writerow([line, *row, str(item.error.message)])
                processed += size
                UploadBatch.objects.filter(pk=batch.pk).update(
                    processed_rows=processed,
                    created_count=totals[Outcome.CREATED],
                    changed_count=totals[Outcome.CHANGED],
                    unchanged_count=totals[Outcome.UNCHANGED],
                    rejected_count=totals[Outcome.REFUSED],
                )
        rejected.flush()
        rejected_file.seek(0)
        batch.refresh_from_db()
        if totals[Outcome.REFUSED]:
            batch.result_file.save("hatalar.csv", File(rejected_file), save=False)
        batch.total_rows = processed
        batch.processed_rows = processed
        batch.status = UploadBatch.Status.DONE
        batch.finished_at = timezone.now()
        batch.save(
            update_fields=["result_file", "total_rows", "processed_rows", "status", "finished_at"]
        )
        rejected.detach()
