"""One access-log row per API call, written after the answer is known.

On PostgreSQL, outside any transaction (a request's normal case), the row's own small
transaction commits without waiting for the WAL flush (``SET LOCAL synchronous_commit = off`` in
the same statement string, one round trip): the row is written all the same and is visible at
once, but if PostgreSQL itself crashes, the rows of the last few hundred milliseconds may be
lost. Consents are never written this way (``SET LOCAL`` ends with this one INSERT's
transaction); inside an outer transaction the INSERT is a plain one and commits with it.
The fsync it skips cost ~5 ms per call, more than the rest of the status query
(``bench/RESULTS.md``, issue 13)."""

from functools import wraps

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.utils import timezone
from django.utils.crypto import salted_hmac

from iys_portal.middleware import fixed_content_security_policy

from . import sql
from .models import AccessLog

_FIELDS = [f for f in AccessLog._meta.concrete_fields if not f.primary_key]
API_CONTENT_SECURITY_POLICY = "default-src 'none'; frame-ancestors 'none'"
_ASYNC_COMMIT = "SET LOCAL synchronous_commit TO OFF; "
_INSERT = (
    f"INSERT INTO {AccessLog._meta.db_table} "  # noqa: S608
    f"({', '.join(connection.ops.quote_name(f.column) for f in _FIELDS)}) "
    f"VALUES ({', '.join(['%s'] * len(_FIELDS))})"
)


def access_log_write(**values) -> None:
    """One row, inserted without the ORM's per-call compilation (``integration.sql``); the
    values go through each field's own preparation, as ``AccessLog.objects.create`` would."""
    db = connections[DEFAULT_DB_ALIAS]  # once: each ``connection.x`` is a thread-local lookup
    params = [f.get_db_prep_save(values[f.attname], db) for f in _FIELDS]
    statement = _INSERT
    if sql.own_transaction(db):
        statement = _ASYNC_COMMIT + _INSERT  # one implicit transaction: this row only
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def recipient_digest(recipient: str) -> str:
    """A keyed hash: the same recipient gives the same value, which no one can reverse
    without the site's secret key (a plain hash of a phone number is reversible by trying)."""
    if not recipient:
        return ""
    return salted_hmac("integration.AccessLog.recipient", recipient.strip().lower()).hexdigest()


def logged(view):
    """Wrap one of the API's URL callbacks: every call leaves a row, refused ones too."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        request.api_log = {}
        response = view(request, *args, **kwargs)
        entry = request.api_log
        match = request.resolver_match
        access_log_write(
            at=timezone.now(),
            api_user_id=entry.get("api_user_id"),
            integrator_id=entry.get("integrator_id"),
            service_provider_id=entry.get("service_provider_id"),
            brand_id=entry.get("brand_id"),
            grant_id=entry.get("grant_id"),
            endpoint=(match.url_name if match else "") or request.path[-30:],
            http_status=response.status_code,
            error_code=entry.get("error_code", ""),
            recipient_hash=recipient_digest(entry.get("recipient", "")),
        )
        # JSON only, never a page: nothing may load, nothing may frame it (stricter than the
        # site's policy, and not built again for every call).
        return fixed_content_security_policy(response, API_CONTENT_SECURITY_POLICY)

    return wrapper
