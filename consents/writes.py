"""The registry's row I/O inside ``consents_apply``: read the rows a batch touches (locked) and
write what it decided. Plain rows (``Row``), not model instances: building a model per row
cost more than the database work (bench/RESULTS.md). On PostgreSQL new rows and events go in
with COPY and changes with one UPDATE … FROM unnest(…); other databases use the ORM's bulk
operations. Both do the same writes; the decisions are made once, in ``services``.
"""

import re
from datetime import datetime
from itertools import islice

from django.db import connection

from .models import Consent, ConsentEvent

CONSENT_COLUMNS = (
    "id",
    "service_provider_id",
    "brand_id",
    "recipient",
    "channel",
    "recipient_type",
    "status",
    "source",
    "consent_date",
    "transaction_id",
    "created_at",
    "recorded_at",
    "recorded_via",
    "recorded_by_id",
    "upload_id",
    "api_client_id",
)
EVENT_COLUMNS = (
    "consent_id",
    "service_provider_id",
    "brand_id",
    "action",
    "recipient",
    "channel",
    "recipient_type",
    "status",
    "previous_status",
    "source",
    "consent_date",
    "transaction_id",
    "recorded_at",
    "recorded_via",
    "recorded_by_id",
    "upload_id",
    "api_client_id",
)
READ_COLUMNS = (
    "id",
    "brand_id",
    "recipient",
    "channel",
    "recipient_type",
    "status",
    "source",
    "consent_date",
    "recorded_at",
    "transaction_id",
)


class Row:
    """One consent as the batch sees it (current state, possibly not yet written)."""

    # ``line``: a new row's COPY text between its id and the batch's times and recorder, built
    # ahead by ``new_rows`` (None once the row changes within its batch, or when not built).
    __slots__ = (*READ_COLUMNS, "is_new", "line")

    def __init__(
        self,
        id,  # noqa: A002 — the column's name
        brand_id,
        recipient,
        channel,
        recipient_type,
        status,
        source,
        consent_date,
        recorded_at,
        transaction_id,
        is_new: bool = False,
    ):
        self.id = id
        self.brand_id = brand_id
        self.recipient = recipient
        self.channel = channel
        self.recipient_type = recipient_type
        self.status = status
        self.source = source
        self.consent_date = consent_date
        self.recorded_at = recorded_at
        self.transaction_id = transaction_id
        self.is_new = is_new
        self.line = None

    @property
    def pk(self):
        return self.id

    @classmethod
    def new(cls, item, brand_id: int, recorded_at, transaction_id) -> "Row":
        """``item`` (a cleaned consent) as a consent of ``brand_id`` not yet written."""
        return cls(
            None,
            brand_id,
            item.recipient,
            item.channel,
            item.recipient_type,
            item.status,
            item.source,
            item.consent_date,
            recorded_at,
            transaction_id,
            is_new=True,
        )

    def snapshot(self, recorded_at) -> tuple:
        """What an event records of the row as it is now (``write``'s ``events``)."""
        return (
            self.recipient_type,
            self.status,
            self.source,
            self.consent_date,
            self.transaction_id,
            recorded_at,
        )


def _is_postgres() -> bool:
    return connection.vendor == "postgresql"


def rows_lock(*, service_provider_id: int, recipients: set[str]) -> list[Row]:
    """Every consent of the provider for these recipients (all brands), locked, the locks taken
    in recipient order (one order for every writer, so two never wait on each other in turn)."""
    if not recipients:
        return []
    if _is_postgres():
        # One text parameter instead of an array of thousands: adapting the list cost more
        # than the query. Recipients never contain a newline (normalised phones and e-mails).
        # The lock inside the LATERAL subquery keeps the planner from merging it into a join:
        # one probe of the (provider, recipient) index per recipient, whatever the table's
        # statistics say. A plain join chose a merge join over all the company's rows while
        # the statistics lagged a bulk load (1 s per batch instead of 10 ms). JIT compiling
        # for the pessimistic estimate took longer than the query itself.
        columns = ", ".join(f"c.{name}" for name in READ_COLUMNS)
        sql = (
            f"SELECT {columns} FROM unnest(string_to_array(%s, E'\\n')) AS r(recipient) "  # noqa: S608
            f"CROSS JOIN LATERAL (SELECT {columns} FROM consents_consent AS c "
            "WHERE c.service_provider_id = %s AND c.recipient = r.recipient FOR UPDATE) AS c"
        )
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")
            cursor.execute(sql, ["\n".join(sorted(recipients)), service_provider_id])
            return [Row(*values) for values in cursor.fetchall()]
    values = (
        Consent.objects.select_for_update()
        .filter(service_provider_id=service_provider_id, recipient__in=list(recipients))
        .order_by("recipient", "pk")
        .values_list(*READ_COLUMNS)
    )
    return [Row(*v) for v in values]


_NEEDS_ESCAPE = re.compile(r"[\\\t\n\r]")
_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
_COPY_CHUNK = 1000


def copy_escaped(text: str) -> str:
    """A text value in COPY's text format (a quoted e-mail local part may hold a backslash;
    the API's access log writes this format too)."""
    return text.translate(_ESCAPES) if _NEEDS_ESCAPE.search(text) else text


class _Texts:
    """Values in COPY's text format; a batch repeats its few dates, so each is formatted once
    (``dates[value]``: a dictionary look-up, formatted on the first miss)."""

    class _Dates(dict):
        def __missing__(self, value: datetime) -> str:
            text = self[value] = value.isoformat()
            return text

    def __init__(self, recipients: list[str]):
        self.dates = self._Dates({None: "\\N"})
        # Recipients are normalised phones and e-mails; only a quoted e-mail local part may
        # hold a character to escape, so one search over the batch decides for all of them.
        self.escape = copy_escaped if _NEEDS_ESCAPE.search("\x00".join(recipients)) else str

    def date(self, value: datetime | None) -> str:
        return self.dates[value]

    @staticmethod
    def optional(value) -> str:
        return "\\N" if value is None else str(value)


def _copy(table: str, columns: tuple[str, ...], lines) -> None:
    """COPY text lines built here: psycopg's ``write_row`` adapted value by value, which cost
    more per row than the database's own work on it (bench/RESULTS.md). Sent in chunks, so
    PostgreSQL parses one while the next is built."""
    statement = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
    lines = iter(lines)
    with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
        while chunk := "".join(islice(lines, _COPY_CHUNK)):
            copy.write(chunk)


def write(
    *,
    service_provider_id: int,
    created: list[Row],
    changed: list[Row],
    events: list[tuple],
    who: dict,
    now: datetime,
) -> None:
    """Insert ``created``, update ``changed`` and append ``events``.

    ``events`` are ``(row, action, previous_status, snapshot)``; a row's id is known only
    after its insert, so events are built here."""
    recorded = (who["recorded_via"], who["recorded_by_id"], who["upload_id"], who["api_client_id"])
    if _is_postgres():
        _assign_ids(created)
        texts = _Texts([r.recipient for r in created] + [e[0].recipient for e in events])
        recorded_text = "\t".join((copy_escaped(recorded[0]), *map(texts.optional, recorded[1:])))
        if created:
            now_text = texts.date(now)
            tail = f"\t{now_text}\t{now_text}\t{recorded_text}\n"
            dates, escape = texts.dates, texts.escape
            _copy(
                "consents_consent",
                CONSENT_COLUMNS,
                (
                    f"{r.id}{r.line}{tail}"
                    if r.line is not None
                    else f"{r.id}\t{service_provider_id}\t{r.brand_id}\t{escape(r.recipient)}\t"
                    f"{r.channel}\t{r.recipient_type}\t{r.status}\t{r.source}\t"
                    f"{dates[r.consent_date]}\t{r.transaction_id}{tail}"
                    for r in created
                ),
            )
        if changed:
            _update_postgres(changed, recorded, now)
        if events:
            _copy(
                "consents_consentevent",
                EVENT_COLUMNS,
                _event_lines(events, service_provider_id, recorded_text, texts, now),
            )
        return
    _write_orm(service_provider_id, created, changed, events, who, now)


def _event_lines(events, service_provider_id: int, recorded_text: str, texts: "_Texts", now):
    dates, escape = texts.dates, texts.escape
    # A creation event built ahead by new_rows: its text between the consent id and the time.
    built_tail = f"\t{dates[now]}\t{recorded_text}\n"
    for row, action, previous, snapshot in events:
        if isinstance(snapshot, str):
            yield f"{row.id}{snapshot}{built_tail}"
            continue
        recipient_type, status, source, consent_date, transaction_id, recorded_at = snapshot
        yield (
            f"{row.id}\t{service_provider_id}\t{row.brand_id}\t{action}\t"
            f"{escape(row.recipient)}\t{row.channel}\t{recipient_type}\t{status}\t"
            f"{previous}\t{source}\t{dates[consent_date]}\t{transaction_id}\t"
            f"{dates[recorded_at]}\t{recorded_text}\n"
        )


def _assign_ids(created: list[Row]) -> None:
    if not created:
        return
    # The sequence looked up once, not per row: pg_get_serial_sequence is STABLE, so called
    # inside nextval() it ran for every id (2.4 µs a row of PostgreSQL's CPU, 0.27 now).
    with connection.cursor() as cursor:
        cursor.execute(
            "WITH s AS MATERIALIZED (SELECT pg_get_serial_sequence('consents_consent', 'id')"
            "::regclass AS seq) SELECT nextval(s.seq) FROM s, generate_series(1, %s)",
            [len(created)],
        )
        for row, (pk,) in zip(created, cursor.fetchall(), strict=True):
            row.id = pk


def _update_postgres(changed: list[Row], recorded: tuple, now: datetime) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE consents_consent AS c SET recipient_type = u.rt, status = u.st, "
            "source = u.so, consent_date = u.cd, transaction_id = u.tx, recorded_at = %s, "
            "recorded_via = %s, recorded_by_id = %s, upload_id = %s, api_client_id = %s "
            "FROM unnest(%s::bigint[], %s::text[], %s::text[], %s::text[], "
            "%s::timestamptz[], %s::uuid[]) AS u(id, rt, st, so, cd, tx) WHERE c.id = u.id",
            [
                now,
                *recorded,
                [r.id for r in changed],
                [r.recipient_type for r in changed],
                [r.status for r in changed],
                [r.source for r in changed],
                [r.consent_date for r in changed],
                [r.transaction_id for r in changed],
            ],
        )


def _event_tuples(events, service_provider_id: int, recorded: tuple):
    for row, action, previous, snapshot in events:
        recipient_type, status, source, consent_date, transaction_id, recorded_at = snapshot
        yield (
            row.id,
            service_provider_id,
            row.brand_id,
            action,
            row.recipient,
            row.channel,
            recipient_type,
            status,
            previous,
            source,
            consent_date,
            transaction_id,
            recorded_at,
            *recorded,
        )


def _write_orm(service_provider_id, created, changed, events, who, now) -> None:
    models = [
        Consent(
            service_provider_id=service_provider_id,
            brand_id=r.brand_id,
            recipient=r.recipient,
            channel=r.channel,
            recipient_type=r.recipient_type,
            status=r.status,
            source=r.source,
            consent_date=r.consent_date,
            transaction_id=r.transaction_id,
            created_at=now,
            recorded_at=now,
            **who,
        )
        for r in created
    ]
    Consent.objects.bulk_create(models, batch_size=500)
    for row, model in zip(created, models, strict=True):
        row.id = model.pk
    if changed:
        Consent.objects.bulk_update(
            [
                Consent(
                    pk=r.id,
                    recipient_type=r.recipient_type,
                    status=r.status,
                    source=r.source,
                    consent_date=r.consent_date,
                    transaction_id=r.transaction_id,
                    recorded_at=now,
                    **who,
                )
                for r in changed
            ],
            [
                "recipient_type",
                "status",
                "source",
                "consent_date",
                "transaction_id",
                "recorded_at",
                "recorded_via",
                "recorded_by_id",
                "upload_id",
                "api_client_id",
            ],
            batch_size=500,
        )
    ConsentEvent.objects.bulk_create(
        [
            ConsentEvent(**dict(zip(EVENT_COLUMNS, values, strict=True)))
            for values in _event_tuples(
                events,
                service_provider_id,
                (
                    who["recorded_via"],
                    who["recorded_by_id"],
                    who["upload_id"],
                    who["api_client_id"],
                ),
            )
        ],
        batch_size=500,
    )


class NewRows:
    """A batch's items as new consents, built ahead of its transaction (``new_rows``)."""

    __slots__ = ("rows", "events", "service_provider_id", "brand_id")

    def __init__(self, rows: list[Row], events: list[str | None], service_provider_id, brand_id):
        self.rows, self.events = rows, events
        self.service_provider_id, self.brand_id = service_provider_id, brand_id


def new_rows(*, service_provider_id: int, brand_id: int, items, postgres: bool) -> NewRows:
    """Each item as a new consent — its ``Row`` (a transaction id, not yet a database id nor a
    time) and, on PostgreSQL, its consent's and its creation event's COPY text between the ids
    and the batch's time and recorder — built before the batch's transaction: an upload builds
    them in its validating thread while the writing thread waits for PostgreSQL, so they are
    off the batch's serial chain (bench/RESULTS.md, session 4). ``consents_apply`` uses an
    item's row only when its locked read and the batch's earlier items leave the item a new
    consent, as the text was built for exactly that, and gives it the batch's time; a row that
    changes again within the batch drops its text."""
    from .transaction_ids import new_transaction_ids

    ids = new_transaction_ids(len(items))
    rows = [Row.new(item, brand_id, None, tid) for item, tid in zip(items, ids, strict=True)]
    if not postgres:  # (the caller says: this may run in a thread without a connection)
        return NewRows(rows, [None] * len(rows), service_provider_id, brand_id)
    texts = _Texts([r.recipient for r in rows])
    dates, escape = texts.dates, texts.escape
    head = f"\t{service_provider_id}\t{brand_id}\t"
    created = ConsentEvent.Action.CREATED.value
    events = []
    for r in rows:
        recipient = escape(r.recipient)
        date, transaction_id = dates[r.consent_date], r.transaction_id
        r.line = (
            f"{head}{recipient}\t{r.channel}\t{r.recipient_type}\t{r.status}\t{r.source}\t"
            f"{date}\t{transaction_id}"
        )
        events.append(
            f"{head}{created}\t{recipient}\t{r.channel}\t{r.recipient_type}\t{r.status}\t"
            f"\t{r.source}\t{date}\t{transaction_id}"
        )
    return NewRows(rows, events, service_provider_id, brand_id)
