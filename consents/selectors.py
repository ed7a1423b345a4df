"""Reads of the consent registry, always scoped to one service provider."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, QuerySet

from accounts.models import ServiceProvider

from .models import (
    AddressCounter,
    AddressKind,
    AddressNotice,
    Consent,
    ConsentEvent,
    ExportJob,
    Status,
    UploadBatch,
)
from .normalize import TURKEY

PAGE_SIZE = 50


@dataclass(frozen=True)
class AddressCount:
    """The guide's rule: the larger of the approved phones and the approved e-mails."""

    phones: int
    emails: int

    @property
    def total(self) -> int:
        return max(self.phones, self.emails)


def address_count_for(*, service_provider: ServiceProvider) -> AddressCount:
    """Read the counter rows (one query, O(1) at any size)."""
    counts = dict(
        AddressCounter.objects.filter(service_provider=service_provider).values_list(
            "kind", "count"
        )
    )
    return AddressCount(
        phones=counts.get(AddressKind.PHONE, 0), emails=counts.get(AddressKind.EMAIL, 0)
    )


def address_recount(*, service_provider: ServiceProvider) -> dict[str, int]:
    """The full recount (for the check command and tests): distinct recipients with an ONAY."""
    recounted = dict.fromkeys(AddressKind, 0)
    phone_channels = ["MESAJ", "ARAMA"]
    base = Consent.objects.filter(service_provider=service_provider, status=Status.ONAY)
    recounted[AddressKind.PHONE] = (
        base.filter(channel__in=phone_channels).values("recipient").distinct().count()
    )
    recounted[AddressKind.EMAIL] = (
        base.filter(channel="EPOSTA").values("recipient").distinct().count()
    )
    return recounted


def address_notices_open(*, service_provider: ServiceProvider) -> list[AddressNotice]:
    return list(
        AddressNotice.objects.filter(
            service_provider=service_provider, cleared_at__isnull=True
        ).order_by("-threshold")
    )


@dataclass(frozen=True)
class ConsentFilters:
    brand_id: int | None = None
    channel: str = ""
    status: str = ""
    source: str = ""
    date_from: date | None = None
    date_to: date | None = None

    def as_json(self) -> dict:
        return {
            "brand_id": self.brand_id,
            "channel": self.channel,
            "status": self.status,
            "source": self.source,
            "date_from": self.date_from.isoformat() if self.date_from else None,
            "date_to": self.date_to.isoformat() if self.date_to else None,
        }

    @classmethod
    def from_json(cls, data: dict) -> "ConsentFilters":
        return cls(
            brand_id=data.get("brand_id"),
            channel=data.get("channel") or "",
            status=data.get("status") or "",
            source=data.get("source") or "",
            date_from=date.fromisoformat(data["date_from"]) if data.get("date_from") else None,
            date_to=date.fromisoformat(data["date_to"]) if data.get("date_to") else None,
        )


def consents_filtered(
    *, service_provider: ServiceProvider, filters: ConsentFilters
) -> QuerySet[Consent]:
    """Newest first; the date range is on the consent date, in Turkey's days."""
    qs = Consent.objects.filter(service_provider=service_provider)
    if filters.brand_id:
        qs = qs.filter(brand_id=filters.brand_id)
    if filters.channel:
        qs = qs.filter(channel=filters.channel)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.source:
        qs = qs.filter(source=filters.source)
    if filters.date_from:
        qs = qs.filter(consent_date__gte=datetime.combine(filters.date_from, time(), TURKEY))
    if filters.date_to:
        end = datetime.combine(filters.date_to + timedelta(days=1), time(), TURKEY)
        qs = qs.filter(consent_date__lt=end)
    return qs.select_related("brand").order_by("-recorded_at", "-id")


@dataclass
class ConsentPage:
    """A page without a total count: counting millions of rows would cost more than the page."""

    rows: list[Consent]
    number: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1


def consent_page(
    *, service_provider: ServiceProvider, filters: ConsentFilters, number: int = 1
) -> ConsentPage:
    number = max(1, number)
    start = (number - 1) * PAGE_SIZE
    rows = list(
        consents_filtered(service_provider=service_provider, filters=filters)[
            start : start + PAGE_SIZE + 1
        ]
    )
    return ConsentPage(rows[:PAGE_SIZE], number, len(rows) > PAGE_SIZE)


def consents_for_recipient(
    *, service_provider: ServiceProvider, recipients: list[str]
) -> list[Consent]:
    """A recipient's consents across brands and channels (the index on provider + recipient)."""
    return list(
        Consent.objects.filter(service_provider=service_provider, recipient__in=recipients)
        .select_related("brand")
        .order_by("brand__name", "channel")
    )


def consent_get(*, service_provider: ServiceProvider, consent_id: int) -> Consent:
    return Consent.objects.select_related("brand", "recorded_by", "upload__created_by").get(
        pk=consent_id, service_provider=service_provider
    )


def consent_events(*, consent: Consent) -> list[ConsentEvent]:
    return list(
        ConsentEvent.objects.filter(consent=consent)
        .select_related("recorded_by", "upload__created_by")
        .order_by("-id")
    )


def upload_get(*, service_provider: ServiceProvider, upload_id: int) -> UploadBatch:
    return UploadBatch.objects.select_related("brand").get(
        pk=upload_id, service_provider=service_provider
    )


def uploads_recent(*, service_provider: ServiceProvider, limit: int = 10) -> list[UploadBatch]:
    return list(
        UploadBatch.objects.filter(service_provider=service_provider)
        .select_related("brand")
        .order_by("-created_at", "-id")[:limit]
    )


def export_get(*, service_provider: ServiceProvider, export_id: int) -> ExportJob:
    return ExportJob.objects.get(pk=export_id, service_provider=service_provider)


def status_totals(*, service_provider: ServiceProvider) -> dict[str, int]:
    return dict(
        Consent.objects.filter(service_provider=service_provider)
        .values_list("status")
        .annotate(n=Count("id"))
    )
