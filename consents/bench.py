"""Load data for the benchmark (``manage.py bench_data --consents N``): PostgreSQL COPY, not
the ORM. Consents are spread over the measured company's brands and the three channels; the
address counters are recomputed afterwards, as the check command does."""

import io

from django.db import connection
from django.utils import timezone

from accounts.models import ServiceProvider

COLUMNS = (
    "service_provider_id, brand_id, recipient, channel, recipient_type, status, source, "
    "consent_date, transaction_id, created_at, recorded_at, recorded_via, recorded_by_id"
)
CHANNELS = ("MESAJ", "ARAMA", "EPOSTA")
CHUNK = 50_000


def bench_recipient(k: int, channel: str) -> str:
    return f"kisi{k}@bench.example" if channel == "EPOSTA" else f"+90532{k:07d}"


def load_consents(*, service_provider: ServiceProvider, user_id: int, count: int, log=print) -> int:
    """Add consents until the company has ``count``; returns how many were added."""
    from brands.models import Brand

    from .models import Consent
    from .services import address_counters_recount

    if connection.vendor != "postgresql":
        raise RuntimeError("bench consents need PostgreSQL (COPY)")
    brands = list(
        Brand.objects.filter(service_provider=service_provider)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    start = Consent.objects.filter(service_provider=service_provider).count()
    now = timezone.now().isoformat()
    sp = service_provider.pk
    per_recipient = len(brands) * len(CHANNELS)
    with connection.cursor() as cursor:
        for chunk_start in range(start, count, CHUNK):
            buffer = io.StringIO()
            for i in range(chunk_start, min(count, chunk_start + CHUNK)):
                brand = brands[i % len(brands)]
                channel = CHANNELS[(i // len(brands)) % 3]
                k = i // per_recipient
                status = "RET" if i % 10 == 0 else "ONAY"
                day = 1 + i % 28
                buffer.write(
                    f"{sp}\t{brand}\t{bench_recipient(k, channel)}\t{channel}\tBIREYSEL\t"
                    f"{status}\tHS_WEB\t2024-01-{day:02d} 10:00:00+03\t{i:032x}\t{now}\t{now}\t"
                    f"web\t{user_id}\n"
                )
            with cursor.cursor.copy(f"COPY consents_consent ({COLUMNS}) FROM STDIN") as copy:
                copy.write(buffer.getvalue())
            log(f"consents: {min(count, chunk_start + CHUNK):,}")
    cursor = connection.cursor()
    cursor.execute("ANALYZE consents_consent")
    address_counters_recount(service_provider=service_provider, fix=True)
    return max(count - start, 0)


def seed(*, providers: int, context: dict) -> None:
    """Nothing inside the benchmark's seed transaction: consents are loaded in bulk after it."""


def load_bulk(*, context: dict, log=print) -> None:
    """``bench_data --consents N``: the measured company's consents, loaded with COPY."""
    if context.get("consents"):
        load_consents(
            service_provider=context["measured"],
            user_id=context["person"].pk,
            count=context["consents"],
            log=log,
        )
