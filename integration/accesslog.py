"""One access-log row per API call, recorded after the answer is known.

**With Redis as the cache** (production: shared by every instance, as the rate limit needs),
the row goes into a Redis list (``BUFFER``, one command) and ``access_log_flush`` moves the list
into PostgreSQL in bulk every 5 seconds (Celery beat, ``integration.access_log_flush``). A row
written per call cost the status query a round trip and the database an INSERT, its five
foreign-key checks, four index entries and a commit: ~0.2 ms of the worker's CPU and ~0.14 ms
of PostgreSQL's on every call, and the concurrent INSERTs contended for the same index pages
(``bench/RESULTS.md``, issue 13). In bulk PostgreSQL writes a row for a few microseconds.
What this changes for readers: Marka Yönetimi, the download and the support desk see a call up
to ~5 seconds after it was answered.

Nothing is lost on the way: a flush renames the list to a batch key (atomic: calls arriving
meanwhile start a new list), writes the batch and a marker row (``AccessLogFlush``) in one
transaction and only then deletes the batch key; a flush that crashed in between leaves the
batch listed in ``PENDING`` and the next flush writes it, or sees its marker and only deletes it.
If Redis cannot take the row (unreachable, or ``BUFFER_LIMIT`` rows waiting because no flush
runs), the row is INSERTed at once, as without Redis.

**The direct INSERT** (no Redis, the fallbacks above): on PostgreSQL, outside any transaction
(a request's normal case), the row's own small transaction commits without waiting for the WAL
flush (``SET LOCAL synchronous_commit = off`` in the same statement string, one round trip):
if PostgreSQL itself crashes, the rows of the last few hundred milliseconds may be lost.
Consents are never written this way (``SET LOCAL`` ends with this one INSERT's transaction);
inside an outer transaction the INSERT is a plain one and commits with it."""

import re
import time
import uuid
from datetime import timedelta
from functools import wraps

from django.conf import settings
from django.core.cache import caches
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.dateparse import parse_datetime
from redis.exceptions import RedisError

from consents.writes import copy_escaped
from iys_portal.middleware import fixed_content_security_policy

from . import sql
from .models import AccessLog, AccessLogFlush
from .ratelimit import WINDOW, RateLimitUnavailable, rate_limit_wait, wait_after, window_key

_FIELDS = [f for f in AccessLog._meta.concrete_fields if not f.primary_key]
_COLUMNS = [f.column for f in _FIELDS]
API_CONTENT_SECURITY_POLICY = "default-src 'none'; frame-ancestors 'none'"
_ASYNC_COMMIT = "SET LOCAL synchronous_commit TO OFF; "
_INSERT = (
    f"INSERT INTO {AccessLog._meta.db_table} "  # noqa: S608
    f"({', '.join(connection.ops.quote_name(c) for c in _COLUMNS)}) "
    f"VALUES ({', '.join(['%s'] * len(_FIELDS))})"
)

BUFFER = "{iys-api-log}"
PENDING = "{iys-api-log}:pending"
_BATCH = "{iys-api-log}:batch:"
_CHUNK = 5_000  # rows read from Redis (and sent to COPY) at a time
MARKERS_KEPT = timedelta(days=7)

# RPUSH unless the buffer is full (no flush running): then the caller INSERTs.
_PUSH = """
if redis.call('LLEN', KEYS[1]) >= tonumber(ARGV[2]) then return 0 end
return redis.call('RPUSH', KEYS[1], ARGV[1])
"""
# The status query's rate-limit count (``ratelimit``: same key, same expiry) and its row in one
# command: the row only when the call is within the limit (else the caller answers 429 and
# records that) and the buffer has room (else the caller INSERTs). Returns {count, pushed}.
_COUNT_AND_PUSH = """
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
if count > tonumber(ARGV[2]) or redis.call('LLEN', KEYS[2]) >= tonumber(ARGV[4]) then
  return {count, 0}
end
redis.call('RPUSH', KEYS[2], ARGV[3])
return {count, 1}
"""
# The buffer becomes a batch of its own, listed as pending until it is in PostgreSQL.
_TAKE = """
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('RENAME', KEYS[1], KEYS[2])
redis.call('SADD', KEYS[3], ARGV[1])
return redis.call('LLEN', KEYS[2])
"""


def buffer_limit() -> int:
    return settings.INTEGRATION_ACCESS_LOG_BUFFER_LIMIT


class _Redis:
    """The cache's Redis client and the scripts registered on it, once per process (``None``:
    the cache is not Redis)."""

    def __init__(self):
        self.client = None
        self.keys = {}
        try:
            from django_redis.cache import RedisCache
        except ImportError:  # pragma: no cover (a dependency)
            return
        backend = caches["default"]
        if not isinstance(backend, RedisCache):
            return
        self.client = backend.client.get_client(write=True)
        self.make_key = backend.client.make_key
        self.keys = {name: str(self.make_key(name)) for name in (BUFFER, PENDING)}
        self.batch_prefix = str(self.make_key(_BATCH))
        self.push = self.client.register_script(_PUSH)
        self.count_and_push = self.client.register_script(_COUNT_AND_PUSH)
        self.take = self.client.register_script(_TAKE)

    def batch_key(self, batch: str) -> str:
        return f"{self.batch_prefix}{batch}"


_redis_by_cache: dict = {}


def _redis() -> _Redis:
    """Per cache configuration (tests switch it), built on first use."""
    key = repr(settings.CACHES.get("default"))
    found = _redis_by_cache.get(key)
    if found is None:
        found = _redis_by_cache[key] = _Redis()
    return found


def _text(value) -> str:
    """A value in COPY's text format."""
    if value is None:
        return "\\N"
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return copy_escaped(str(value))


def _line(values: dict) -> str:
    return "\t".join(_text(values[f.attname]) for f in _FIELDS) + "\n"


def access_log_write(**values) -> None:
    """Record one call: into the Redis buffer when there is one, else (or when it cannot take
    the row) one INSERT now."""
    buffer = _redis()
    if buffer.client is not None:
        try:
            if buffer.push(keys=[buffer.keys[BUFFER]], args=[_line(values), buffer_limit()]):
                return
        except RedisError:
            pass  # unreachable: the row is written now instead
    _insert(values)


def access_log_write_counted(values: dict, *, key: str, limit: int) -> int | None:
    """For a call that changes nothing and whose reads are done (the status query): count it
    against the rate limit ``key`` and record it, in one Redis command instead of two. Returns
    None, or the seconds to wait when the call is over ``limit``: then nothing was recorded and
    the caller answers 429 and records that. Raises ``RateLimitUnavailable`` as
    ``rate_limit_wait`` does. Without Redis: ``rate_limit_wait``, then ``access_log_write``."""
    now = time.time()
    buffer = _redis()
    if buffer.client is None:
        wait = rate_limit_wait(key=key, limit=limit, now=now)
        if wait is None:
            access_log_write(**values)
        return wait
    name, window = window_key(key, now)
    try:
        count, pushed = buffer.count_and_push(
            keys=[buffer.make_key(name), buffer.keys[BUFFER]],
            args=[WINDOW * 2, limit, _line(values), buffer_limit()],
        )
    except RedisError as error:
        raise RateLimitUnavailable from error
    wait = wait_after(int(count), limit=limit, window=window, now=now)
    if wait is None and not pushed:
        _insert(values)  # the buffer is full
    return wait


def _insert(values: dict) -> None:
    """One row, inserted without the ORM's per-call compilation (``integration.sql``); the
    values go through each field's own preparation, as ``AccessLog.objects.create`` would."""
    db = connections[DEFAULT_DB_ALIAS]  # once: each ``connection.x`` is a thread-local lookup
    params = [f.get_db_prep_save(values[f.attname], db) for f in _FIELDS]
    statement = _INSERT
    if sql.own_transaction(db):
        statement = _ASYNC_COMMIT + _INSERT  # one implicit transaction: this row only
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def access_log_flush() -> int:
    """Move the buffered rows into ``AccessLog``; the number of rows written. Safe to run
    concurrently and to repeat after a crash at any point (module docstring)."""
    buffer = _redis()
    if buffer.client is None:
        return 0
    batch = uuid.uuid4().hex
    buffer.take(
        keys=[buffer.keys[BUFFER], buffer.batch_key(batch), buffer.keys[PENDING]], args=[batch]
    )
    written = 0
    for pending in sorted(m.decode() for m in buffer.client.smembers(buffer.keys[PENDING])):
        written += _write_batch(buffer, pending)
    AccessLogFlush.objects.filter(at__lt=timezone.now() - MARKERS_KEPT).delete()
    return written


def _write_batch(buffer: _Redis, batch: str) -> int:
    key = buffer.batch_key(batch)
    written = 0
    with transaction.atomic():
        # Waits for a concurrent flush writing the same batch; then finds its marker.
        marker, created = AccessLogFlush.objects.get_or_create(batch=batch)
        if created:
            written = _copy(buffer.client, key)
            marker.rows = written
            marker.save(update_fields=["rows"])
    buffer.client.delete(key)
    buffer.client.srem(buffer.keys[PENDING], batch)
    return written


def _chunks(client, key: str):
    start = 0
    while lines := client.lrange(key, start, start + _CHUNK - 1):
        yield [line.decode() for line in lines]
        start += len(lines)


_REFERENCES = {f.column: f.related_model._meta.db_table for f in _FIELDS if f.is_relation}


def _copy(client, key: str) -> int:
    """The batch's rows into ``AccessLog``. A user, integrator, provider, brand or grant deleted
    after the call and before the flush (they are protected once a row names them) is written
    as empty rather than failing the whole batch forever."""
    if connection.vendor != "postgresql":
        return _bulk_create(client, key)
    count = 0
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE access_log_in ON COMMIT DROP AS "  # noqa: S608
            f"SELECT {', '.join(_COLUMNS)} FROM {AccessLog._meta.db_table} WITH NO DATA"
        )
        with cursor.cursor.copy(f"COPY access_log_in ({', '.join(_COLUMNS)}) FROM STDIN") as copy:
            for lines in _chunks(client, key):
                copy.write("".join(lines))
                count += len(lines)
        selected, joins = [], []
        for n, column in enumerate(_COLUMNS):
            table = _REFERENCES.get(column)
            if table is None:
                selected.append(f"t.{column}")
            else:
                selected.append(f"r{n}.id")
                joins.append(f"LEFT JOIN {table} r{n} ON r{n}.id = t.{column}")
        cursor.execute(
            f"INSERT INTO {AccessLog._meta.db_table} ({', '.join(_COLUMNS)}) "  # noqa: S608
            f"SELECT {', '.join(selected)} FROM access_log_in t {' '.join(joins)} ORDER BY t.at"
        )
        cursor.execute("DROP TABLE access_log_in")  # now: an outer transaction may flush again
    return count


_UNESCAPE = re.compile(r"\\(.)")
_UNESCAPED = {"\\": "\\", "t": "\t", "n": "\n", "r": "\r"}


def _value(text: str) -> str | None:
    """Back from COPY's text format (``_text``)."""
    if text == "\\N":
        return None
    return _UNESCAPE.sub(lambda m: _UNESCAPED[m.group(1)], text)


def _bulk_create(client, key: str) -> int:
    """``_copy`` elsewhere (SQLite in development): the lines parsed back into rows."""
    rows = []
    for lines in _chunks(client, key):
        for line in lines:
            values = [_value(v) for v in line.rstrip("\n").split("\t")]
            rows.append(dict(zip(_COLUMNS, values, strict=True)))
    fields = {f.column: f for f in _FIELDS}
    existing = {}
    for column in _REFERENCES:
        wanted = {int(r[column]) for r in rows if r[column] is not None}
        model = fields[column].related_model
        existing[column] = set(model.objects.filter(pk__in=wanted).values_list("pk", flat=True))
    objects = []
    for row in rows:
        for column in _REFERENCES:
            if row[column] is not None and int(row[column]) not in existing[column]:
                row[column] = None
        row["at"] = parse_datetime(row["at"])
        objects.append(AccessLog(**row))
    AccessLog.objects.bulk_create(objects, batch_size=500)
    return len(objects)


def recipient_digest(recipient: str) -> str:
    """A keyed hash: the same recipient gives the same value, which no one can reverse
    without the site's secret key (a plain hash of a phone number is reversible by trying)."""
    if not recipient:
        return ""
    return salted_hmac("integration.AccessLog.recipient", recipient.strip().lower()).hexdigest()


def logged(view):
    """Wrap one of the API's URL callbacks: every call leaves a row, refused ones too.

    A call whose rate-limit count was left to the end (``request.api_log["rate"]``, the status
    query: ``api.BearerAuth``) is counted here with its row (``access_log_write_counted``);
    over the limit, its answer is replaced by the 429 (503 when the count cannot be made) it
    would have had before its reads, and that is what is recorded."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        request.api_log = {}
        response = view(request, *args, **kwargs)
        entry = request.api_log
        match = request.resolver_match
        values = {
            "at": timezone.now(),
            "api_user_id": entry.get("api_user_id"),
            "integrator_id": entry.get("integrator_id"),
            "service_provider_id": entry.get("service_provider_id"),
            "brand_id": entry.get("brand_id"),
            "grant_id": entry.get("grant_id"),
            "endpoint": (match.url_name if match else "") or request.path[-30:],
            "http_status": response.status_code,
            "error_code": entry.get("error_code", ""),
            "recipient_hash": recipient_digest(entry.get("recipient", "")),
        }
        rate = entry.get("rate")
        if rate is None:
            access_log_write(**values)
        else:
            response = _counted(request, response, values, *rate)
        # JSON only, never a page: nothing may load, nothing may frame it (stricter than the
        # site's policy, and not built again for every call).
        return fixed_content_security_policy(response, API_CONTENT_SECURITY_POLICY)

    return wrapper


def _counted(request, response, values: dict, key: str, limit: int):
    from .api import rate_limit_refusal

    try:
        wait = access_log_write_counted(values, key=key, limit=limit)
    except RateLimitUnavailable:
        response = rate_limit_refusal(request, limit=limit, wait=None)
    else:
        if wait is None:
            return response
        response = rate_limit_refusal(request, limit=limit, wait=wait)
    values.update(http_status=response.status_code, error_code=request.api_log["error_code"])
    access_log_write(**values)
    return response
