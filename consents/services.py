"""Every write of the consent registry. One code path for a single consent (portal form, API)
and a batch (upload, API batch): ``consents_apply``.

Locking: each transaction first takes the provider's address-counter rows (SELECT … FOR UPDATE,
in a fixed order), then the consent rows of the recipients it touches. So writes of one
provider are serialised (two parallel uploads interleave batch by batch, never row by row) and
the counter always equals a recount; writes of different providers never wait on each other.
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import ServiceProvider, User
from accounts.permissions import Role, require_actor_role
from brands.models import Brand, Channel
from iys_portal.errors import ApplicationError

from . import writes
from .models import AddressCounter, AddressKind, Consent, ConsentEvent, RecordedVia, Status, kind_of
from .normalize import ConsentInput, ConsentInvalid, consent_clean
from .notices import address_thresholds_check
from .transaction_ids import new_transaction_ids


class ConsentRefused(ApplicationError):
    """A consent the registry will not record; ``code`` is stable, ``location`` the field."""

    def __init__(self, message, *, code: str, location: str = ""):
        super().__init__(message, code=code, extra={"location": location})
        self.location = location

    @classmethod
    def from_invalid(cls, error: ConsentInvalid) -> "ConsentRefused":
        return cls(error.message, code=error.code, location=error.field)


@dataclass(frozen=True)
class RecordedBy:
    """Who records: a portal user, an upload batch, or an integration API client."""

    via: str
    user_id: int | None = None
    upload_id: int | None = None
    api_client_id: int | None = None

    @classmethod
    def portal_user(cls, user: User) -> "RecordedBy":
        return cls(RecordedVia.WEB, user_id=user.pk)

    @classmethod
    def upload_batch(cls, upload_id: int) -> "RecordedBy":
        """The upload only: who uploaded the file is the upload's ``created_by`` (shown through
        ``recorder``), so its rows carry no user of their own — one foreign-key check less per
        row at commit (bench/RESULTS.md, session 4)."""
        return cls(RecordedVia.UPLOAD, upload_id=upload_id)

    @classmethod
    def api_client(cls, api_client_id: int) -> "RecordedBy":
        return cls(RecordedVia.API, api_client_id=api_client_id)

    def fields(self) -> dict:
        return {
            "recorded_via": self.via,
            "recorded_by_id": self.user_id,
            "upload_id": self.upload_id,
            "api_client_id": self.api_client_id,
        }


class Outcome:
    CREATED = "created"
    CHANGED = "changed"
    UNCHANGED = "unchanged"
    REFUSED = "refused"


@dataclass
class ItemResult:
    """``consent`` is the row as recorded (a ``writes.Row`` in batches, the model instance from
    ``consent_add``); ``transaction_id`` of a refused item is that of the stored row."""

    outcome: str
    consent: object | None = None
    error: ConsentRefused | None = None


@dataclass
class BatchResult:
    items: list[ItemResult]
    counts: dict = field(default_factory=dict)

    def tally(self) -> dict[str, int]:
        totals: dict[str, int] = defaultdict(int)
        for item in self.items:
            totals[item.outcome] += 1
        return totals


def _effective(date: datetime | None, recorded_at: datetime) -> datetime:
    """A TACIR consent may come without a date: it counts from when it was recorded."""
    return date or recorded_at


def _decide(row: Consent | None, item: ConsentInput, now: datetime) -> str | ConsentRefused:
    if row is None:
        return Outcome.CREATED
    same = (
        row.status == item.status
        and row.recipient_type == item.recipient_type
        and row.source == item.source
        and row.consent_date == item.consent_date
    )
    if same:
        return Outcome.UNCHANGED
    incoming = _effective(item.consent_date, now)
    stored = _effective(row.consent_date, row.recorded_at)
    if incoming < stored:
        return ConsentRefused(
            _(
                "Bu alıcı için daha yeni tarihli bir izin kayıtlı (%(date)s); eski tarihli izin "
                "kaydedilmedi."
            )
            % {"date": timezone.localtime(stored).strftime("%Y-%m-%d %H:%M:%S")},
            code="consent_older",
            location="consentDate",
        )
    if incoming == stored:
        return ConsentRefused(
            _(
                "Bu alıcı için aynı izin tarihli farklı bir kayıt var; değişiklik için daha yeni "
                "bir izin tarihi giriniz."
            ),
            code="consent_same_date",
            location="consentDate",
        )
    return Outcome.CHANGED


def _lock_counters(service_provider_id: int) -> dict[str, AddressCounter]:
    AddressCounter.objects.bulk_create(
        [AddressCounter(service_provider_id=service_provider_id, kind=k) for k in AddressKind],
        ignore_conflicts=True,
    )
    rows = (
        AddressCounter.objects.select_for_update()
        .filter(service_provider_id=service_provider_id)
        .order_by("kind")
    )
    return {row.kind: row for row in rows}


_KIND_OF = {channel: kind_of(channel) for channel in Channel.values}


def _approved(rows) -> set[tuple[str, str]]:
    onay, kinds = Status.ONAY, _KIND_OF  # looked up once: a batch has thousands of rows
    return {(kinds[r.channel], r.recipient) for r in rows if r.status == onay}


class _AddressLimit:
    """The package's address limit during one batch: a change that would approve a new
    address beyond it is refused; approving an address already counted, and RET, never are."""

    def __init__(self, limit: int, rows, counters: dict[str, AddressCounter]):
        self.limit = limit
        self.approvals: dict[tuple[str, str], int] = defaultdict(int)
        for r in rows:
            if r.status == Status.ONAY:
                self.approvals[(kind_of(r.channel), r.recipient)] += 1
        self.counts = {kind: counters[kind].count for kind in AddressKind}

    def refusal(self, row, item: ConsentInput) -> ConsentRefused | None:
        key = (kind_of(item.channel), item.recipient)
        adds = item.status == Status.ONAY and (row is None or row.status != Status.ONAY)
        if not adds or self.approvals[key] or self.counts[key[0]] < self.limit:
            return None
        return ConsentRefused(
            _(
                "Paketinizin adres sınırına (%(limit)s) ulaşıldı; yeni onaylı adres eklenemez. "
                "Kayıtlı adreslerin izinleri değiştirilebilir, RET her zaman kaydedilir."
            )
            % {"limit": self.limit},
            code="address_limit_exceeded",
            location="recipient",
        )

    def record(self, previous: str, item: ConsentInput) -> None:
        key = (kind_of(item.channel), item.recipient)
        step = (item.status == Status.ONAY) - (previous == Status.ONAY)
        if step:
            self.approvals[key] += step
            if self.approvals[key] == (1 if step > 0 else 0):
                self.counts[key[0]] += step


@transaction.atomic
def consents_apply(
    *,
    service_provider: ServiceProvider,
    brand: Brand,
    items: list[ConsentInput],
    recorded_by: RecordedBy,
    now: datetime | None = None,
    address_limit: int | None = None,
    new: writes.NewRows | None = None,
    before_write: Callable[[], None] | None = None,
) -> BatchResult:
    """Record cleaned consents for one brand, in order (a later item sees an earlier one).
    With ``address_limit`` (the integration API), new approved addresses beyond it are refused
    (``address_limit_exceeded``). ``new``: the items as new consents, built ahead by
    ``writes.new_rows`` for this provider and brand.
    ``before_write`` is called after the decisions, before the writes (an upload lets its
    validating thread go on then)."""
    if brand.service_provider_id != service_provider.pk:
        raise ApplicationError(_("Marka bulunamadı."), code="brand_not_found")
    if new is not None and (
        (new.service_provider_id, new.brand_id, len(new.rows))
        != (service_provider.pk, brand.pk, len(items))
    ):
        raise ValueError("new rows built for another batch")
    now = now or timezone.now()
    counters = _lock_counters(service_provider.pk)
    existing = writes.rows_lock(
        service_provider_id=service_provider.pk, recipients={item.recipient for item in items}
    )
    before = _approved(existing)
    limit = None if address_limit is None else _AddressLimit(address_limit, existing, counters)
    current = {(r.brand_id, r.recipient, r.channel): r for r in existing}
    created: dict[tuple, writes.Row] = {}
    changed: dict[int, writes.Row] = {}
    events: list[tuple] = []
    results: list[ItemResult] = []
    brand_id = brand.pk
    created_action, changed_action = ConsentEvent.Action.CREATED, ConsentEvent.Action.CHANGED
    fresh_ids = new_transaction_ids(len(items))
    created_outcome = Outcome.CREATED
    built_rows, built_events = (new.rows, new.events) if new is not None else (None, None)
    for index, item in enumerate(items):
        key = (brand_id, item.recipient, item.channel)
        row = current.get(key)
        if row is None and limit is None:
            # A new consent (most of an upload): what the general path below decides for it,
            # without its checks.
            if built_rows is not None:
                # Built ahead for exactly this case (``writes.new_rows``).
                row = built_rows[index]
                row.recorded_at = now
                snapshot = built_events[index]
                if snapshot is None:
                    snapshot = row.snapshot(now)
            else:
                row = writes.Row.new(item, brand_id, now, next(fresh_ids))
                snapshot = row.snapshot(now)
            current[key] = created[key] = row
            events.append((row, created_action, "", snapshot))
            results.append(ItemResult(created_outcome, row))
            continue
        decision = _decide(row, item, now)
        if isinstance(decision, ConsentRefused):
            results.append(ItemResult(Outcome.REFUSED, consent=row, error=decision))
            continue
        if decision == Outcome.UNCHANGED:
            results.append(ItemResult(Outcome.UNCHANGED, consent=row))
            continue
        refusal = limit and limit.refusal(row, item)
        if refusal:
            results.append(ItemResult(Outcome.REFUSED, consent=row, error=refusal))
            continue
        previous = row.status if row is not None else ""
        if limit:
            limit.record(previous, item)
        if row is None:
            row = writes.Row.new(item, brand_id, now, next(fresh_ids))
            current[key] = created[key] = row
        else:
            if not row.is_new:
                changed[row.id] = row
            row.line = None  # its COPY text, if built ahead, was for the values before
            row.recipient_type = item.recipient_type
            row.status = item.status
            row.source = item.source
            row.consent_date = item.consent_date
            row.recorded_at = now
            row.transaction_id = next(fresh_ids)
        action = changed_action if previous else created_action
        events.append((row, action, previous, row.snapshot(now)))
        results.append(ItemResult(decision, consent=row))
    if before_write is not None:
        before_write()
    writes.write(
        service_provider_id=service_provider.pk,
        created=list(created.values()),
        changed=list(changed.values()),
        events=events,
        who=recorded_by.fields(),
        now=now,
    )
    after = _approved(current.values())
    deltas = dict.fromkeys(AddressKind, 0)
    for kind, _recipient in before - after:
        deltas[kind] -= 1
    for kind, _recipient in after - before:
        deltas[kind] += 1
    for kind, delta in deltas.items():
        if delta:
            AddressCounter.objects.filter(pk=counters[kind].pk).update(
                count=F("count") + delta, updated_at=now
            )
            counters[kind].count += delta
    counts = {kind: counters[kind].count for kind in AddressKind}
    if any(deltas.values()):
        address_thresholds_check(service_provider=service_provider, counts=counts, now=now)
    return BatchResult(results, counts)


def consent_add(
    *,
    service_provider: ServiceProvider,
    brand_id: int,
    recipient: str,
    channel: str,
    recipient_type: str,
    status: str,
    source: str | None = None,
    consent_date: datetime | str | None = None,
    recorded_by: RecordedBy,
) -> ItemResult:
    """Add or change one consent. Raises ``ConsentRefused`` (the field and the rule, in
    Turkish) and changes nothing when it cannot be recorded; the same consent again is
    ``unchanged``."""
    if recorded_by.via == RecordedVia.WEB:
        require_actor_role(
            actor=User.objects.filter(pk=recorded_by.user_id).first(),
            service_provider_id=service_provider.pk,
            role=Role.CONSENTS,
        )
    brand = Brand.objects.filter(pk=brand_id, service_provider=service_provider).first()
    if brand is None:
        raise ConsentRefused(_("Marka bulunamadı."), code="brand_not_found", location="brandCode")
    try:
        item = consent_clean(
            recipient=recipient,
            channel=channel,
            recipient_type=recipient_type,
            status=status,
            source=source,
            consent_date=consent_date,
        )
    except ConsentInvalid as error:
        raise ConsentRefused.from_invalid(error) from None
    result = consents_apply(
        service_provider=service_provider, brand=brand, items=[item], recorded_by=recorded_by
    ).items[0]
    if result.error is not None:
        raise result.error
    result.consent = Consent.objects.select_related("brand").get(pk=result.consent.id)
    return result


def address_counters_recount(*, service_provider: ServiceProvider, fix: bool = False):
    """Recount distinct approved recipients per kind; return ``{kind: (stored, recounted)}``.

    Checking reads the counters and the consents in one snapshot (REPEATABLE READ on
    PostgreSQL) without taking the writers' lock: a recount of millions of rows takes minutes
    and must not hold up uploads (bench/RESULTS.md). ``fix`` corrects a difference under the
    lock every writer takes."""
    from django.db import connection

    from .selectors import address_recount

    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if fix:
            counters = _lock_counters(service_provider.pk)
        else:
            if outermost and connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            counters = {
                row.kind: row
                for row in AddressCounter.objects.filter(service_provider=service_provider)
            }
        recounted = address_recount(service_provider=service_provider)
        report = {}
        for kind in AddressKind:
            stored = counters[kind].count if kind in counters else 0
            report[kind.value] = (stored, recounted[kind])
            if fix and stored != recounted[kind]:
                AddressCounter.objects.filter(pk=counters[kind].pk).update(
                    count=recounted[kind], updated_at=timezone.now()
                )
    return report
