"""«Dışa Aktar»: CSV of the filtered list; small lists at once, large ones in the background."""

import csv
import io
import tempfile

from django.core.files import File
from django.db import transaction
from django.utils import timezone

from accounts.models import ServiceProvider, User
from accounts.permissions import Role, require_actor_role

from .models import Consent, ExportJob
from .selectors import ConsentFilters, consents_filtered

INLINE_MAX_ROWS = 5000
HEADER = [
    "brandCode",
    "brandName",
    "recipient",
    "type",
    "recipientType",
    "status",
    "source",
    "consentDate",
    "creationDate",
    "transactionId",
]


def _line(consent: Consent) -> list[str]:
    date = timezone.localtime(consent.consent_date) if consent.consent_date else None
    return [
        str(consent.brand.code),
        consent.brand.name,
        consent.recipient,
        consent.channel,
        consent.recipient_type,
        consent.status,
        consent.source,
        date.strftime("%Y-%m-%d %H:%M:%S") if date else "",
        timezone.localtime(consent.recorded_at).strftime("%Y-%m-%d %H:%M:%S"),
        str(consent.transaction_id),
    ]


def export_rows(*, service_provider: ServiceProvider, filters: ConsentFilters):
    """CSV lines (strings) for a streaming response or a file; rows fetched in chunks."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")

    def take() -> str:
        value = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return value

    writer.writerow(HEADER)
    yield "\ufeff" + take()
    qs = consents_filtered(service_provider=service_provider, filters=filters)
    for consent in qs.iterator(chunk_size=2000):
        writer.writerow(_line(consent))
        yield take()


def export_is_large(*, service_provider: ServiceProvider, filters: ConsentFilters) -> bool:
    qs = consents_filtered(service_provider=service_provider, filters=filters)
    return qs.order_by().values("pk")[: INLINE_MAX_ROWS + 1].count() > INLINE_MAX_ROWS


@transaction.atomic
def export_start(
    *, service_provider: ServiceProvider, filters: ConsentFilters, actor: User
) -> ExportJob:
    from .tasks import build_export

    require_actor_role(actor=actor, service_provider_id=service_provider.pk, role=Role.CONSENTS)
    job = ExportJob.objects.create(
        service_provider=service_provider, filters=filters.as_json(), created_by=actor
    )
    transaction.on_commit(lambda: build_export.delay(job.pk))
    return job


def export_build(*, export_id: int) -> ExportJob:
    job = ExportJob.objects.select_related("service_provider").get(pk=export_id)
    if job.status != ExportJob.Status.QUEUED:
        return job
    filters = ConsentFilters.from_json(job.filters)
    rows = 0
    with tempfile.TemporaryFile("w+b") as handle:
        for line in export_rows(service_provider=job.service_provider, filters=filters):
            handle.write(line.encode("utf-8"))
            rows += 1
        handle.seek(0)
        job.file.save("izinler.csv", File(handle), save=False)
    job.row_count = rows - 1
    job.status = ExportJob.Status.DONE
    job.finished_at = timezone.now()
    job.save(update_fields=["file", "row_count", "status", "finished_at"])
    return job
