"""Consent registry benchmark: a recipient query's latency and an upload's throughput.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/iys_consents \
        .venv/bin/python manage.py bench_data --providers 100 --consents 10000000
    DATABASE_URL=… .venv/bin/python bench/consents.py query --samples 2000
    DATABASE_URL=… .venv/bin/python bench/consents.py upload --rows 1000000

``query`` times ``consents_for_recipient`` (the İzin Sorgula read) for random recipients of the
measured company, in-process (ORM + PostgreSQL, no HTTP). ``upload`` writes a CSV of new
recipients to a temporary file and times what the Celery task does, end to end: store the file
(default storage), read the header, map, parse, validate, write consents and events, keep the
counters, write the result file. Peak RSS is printed so runs of different sizes show whether
memory stays flat. Run each in its own process.
"""

import argparse
import os
import random
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iys_portal.settings")


def _setup():
    import django

    django.setup()
    from django.conf import settings

    # As in a worker in production: with DEBUG the connection keeps the last 9,000 queries'
    # text (a batch's locked read carries its 5,000 recipients), which reads as memory growth.
    settings.DEBUG = False
    from accounts.bench import MEASURED_TITLE
    from accounts.models import Membership

    membership = Membership.objects.select_related("service_provider", "user").get(
        service_provider__title=MEASURED_TITLE, role=Membership.Role.AUTHORIZED
    )
    return membership.service_provider, membership.user


def bench_query(samples: int, recipients: int | None = None) -> None:
    provider, _user = _setup()
    from consents.bench import bench_recipient
    from consents.models import Consent
    from consents.selectors import address_count_for, consents_for_recipient

    total = Consent.objects.filter(service_provider=provider).count()
    # bench_data's recipients: 60 consents each (20 brands × 3 channels); later uploads add
    # others, so pass --recipients (10,000,000 // 60) to sample only the loaded ones.
    recipients = recipients or max(total // 60, 1)
    rng = random.Random(7)
    timings, rows = [], 0
    for _ in range(samples):
        k = rng.randrange(recipients)
        started = time.perf_counter()
        found = consents_for_recipient(
            service_provider=provider, recipients=[bench_recipient(k, "MESAJ")]
        )
        timings.append((time.perf_counter() - started) * 1000)
        rows += len(found)
    timings.sort()
    started = time.perf_counter()
    count = address_count_for(service_provider=provider)
    read_ms = (time.perf_counter() - started) * 1000
    print(f"consents of the measured company: {total:,}")
    print(f"recipient query: {samples} samples, {rows / samples:.1f} rows each")
    print(
        f"  p50 {statistics.median(timings):.2f} ms · p95 {timings[int(samples * 0.95)]:.2f} ms"
        f" · p99 {timings[int(samples * 0.99)]:.2f} ms · max {timings[-1]:.2f} ms"
    )
    print(f"address count read: {count.total:,} in {read_ms:.2f} ms")


def bench_upload(rows: int, batch_size: int | None) -> None:
    provider, user = _setup()
    from django.core.files import File

    from consents import uploads
    from consents.models import UploadBatch
    from consents.uploads import upload_create, upload_process, upload_set_mapping

    if batch_size:
        uploads.BATCH_SIZE = batch_size
    brand = provider.brands.order_by("pk").first()
    # New recipients on every run (the n-th upload of the company): e-mails numbered by n,
    # phones on one of the mobile prefixes 50x … 59x by n (bench_data's own are 0532…).
    run = UploadBatch.objects.filter(service_provider=provider).count()
    prefixes = [f"5{a}{b}" for a in "0134569" for b in "0123456789" if f"5{a}{b}" != "532"]
    prefix = prefixes[run % len(prefixes)]
    offset = run // len(prefixes) * rows
    with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False, encoding="utf-8") as f:
        f.write("recipient;type;recipientType;status;source;consentDate\n")
        for i in range(rows):
            date = "2024-05-01 10:00:00"
            if i % 2:
                number = (offset + i // 2) % 10_000_000
                f.write(f"0{prefix}{number:07d};MESAJ;BIREYSEL;ONAY;HS_WEB;{date}\n")
            else:
                f.write(f"yeni{run}-{i}@örnek.com.tr;EPOSTA;BIREYSEL;ONAY;HS_EPOSTA;{date}\n")
        path = f.name
    backend_cpu = _backend_cpu()
    cpu = time.process_time()
    started = time.perf_counter()
    with open(path, "rb") as handle:
        uploaded = File(handle, name="bench.csv")
        batch = upload_create(
            service_provider=provider, brand_id=brand.pk, uploaded=uploaded, actor=user
        )
    from unittest import mock

    with mock.patch("consents.tasks.process_upload.delay"):
        upload_set_mapping(service_provider=provider, upload_id=batch.pk, mapping=batch.mapping)
    batch = upload_process(upload_id=batch.pk)
    elapsed = time.perf_counter() - started
    cpu = time.process_time() - cpu
    backend_cpu = _backend_cpu() - backend_cpu
    os.unlink(path)
    assert batch.status == UploadBatch.Status.DONE, batch.error
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"upload of {rows:,} rows (batch {uploads.BATCH_SIZE}): {elapsed:.1f} s, "
        f"{rows / elapsed:,.0f} rows/s; created {batch.created_count:,}, "
        f"changed {batch.changed_count:,}, unchanged {batch.unchanged_count:,}, "
        f"rejected {batch.rejected_count:,}; peak RSS {peak:.0f} MB"
    )
    print(
        f"CPU per row: this process {cpu / rows * 1e6:.1f} µs (parse, validate, decide, "
        f"format; two threads), its PostgreSQL backend {backend_cpu / rows * 1e6:.1f} µs; "
        f"load average {' '.join(f'{v:.2f}' for v in os.getloadavg())}"
    )


def _backend_cpu() -> float:
    """CPU seconds of this process's PostgreSQL backend (from /proc: the server is local)."""
    from django.db import connection

    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="what", required=True)
    query = sub.add_parser("query")
    query.add_argument("--samples", type=int, default=2000)
    query.add_argument("--recipients", type=int, default=None)
    upload = sub.add_parser("upload")
    upload.add_argument("--rows", type=int, default=1_000_000)
    upload.add_argument("--batch", type=int, default=None)
    args = parser.parse_args()
    if args.what == "query":
        bench_query(args.samples, args.recipients)
    else:
        bench_upload(args.rows, args.batch)


if __name__ == "__main__":
    main()
