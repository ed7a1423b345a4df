"""Statements of the API's per-request path written once, read into full model instances.

Every API call authenticates a token, checks the live grant and the package and, for the status
query, reads one consent. Through the ORM each of those reads cost 1–3 ms of query compilation
on the benchmark machine, ten times what PostgreSQL takes to answer (``bench/RESULTS.md``,
issue 13). Here the column lists are built once from the models' metadata, rows become the same
model instances the ORM would give (``Model.from_db`` with the backend's converters, so SQLite
and PostgreSQL read alike), and nothing is cached between requests: every call reads the
database."""

from functools import cache

import psycopg
from django.db import DEFAULT_DB_ALIAS, InterfaceError, OperationalError, connection, connections
from django.db.models import Model
from django.db.models.base import ModelState
from django.db.models.signals import post_init, pre_init


@cache
def _layout(model: type[Model], alias: str, vendor: str) -> tuple[str, list, list]:
    fields = model._meta.concrete_fields
    select = ", ".join(f'{alias}."{field.column}"' for field in fields)
    names = [field.attname for field in fields]
    converters = []
    for field in fields:
        column = field.get_col(alias)
        found = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
        converters.append((column, found))
    return select, names, converters


def columns(model: type[Model], alias: str) -> str:
    """``alias."col", …`` for every concrete field of ``model``, in the model's order."""
    return _layout(model, alias, connection.vendor)[0]


def width(model: type[Model]) -> int:
    return len(model._meta.concrete_fields)


def instance(model: type[Model], alias: str, row, start: int = 0):
    """The instance of ``model`` whose columns begin at ``row[start]`` (as ``columns``).

    The same object ``Model.from_db`` gives: the values (after the backend's converters) under
    the fields' attribute names, a ``_state`` of a saved row of this database. Without
    ``Model.__init__``, which sets field by field through the descriptors (a third of the
    status query's Python time for the six instances it reads, ``bench/RESULTS.md``); a model
    with ``pre_init``/``post_init`` receivers still goes through it."""
    db = connections[DEFAULT_DB_ALIAS]  # once: each ``connection.x`` is a thread-local lookup
    _select, names, converters = _layout(model, alias, db.vendor)
    values = list(row[start : start + len(names)])
    for i, (column, found) in enumerate(converters):
        for converter in found:
            values[i] = converter(values[i], column, db)
    if pre_init.has_listeners(model) or post_init.has_listeners(model):
        return model.from_db(DEFAULT_DB_ALIAS, names, values)
    obj = model.__new__(model)
    state = obj._state = ModelState()
    state.adding, state.db = False, DEFAULT_DB_ALIAS
    obj.__dict__.update(zip(names, values, strict=True))
    return obj


def fetch_one(sql: str, params) -> tuple | None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


def own_transaction(db) -> bool:
    """Whether a statement sent now on PostgreSQL is its own (implicit) transaction, so that a
    ``SET LOCAL`` sent with it ends with it: autocommit, no ``atomic`` block open."""
    return db.vendor == "postgresql" and not db.in_atomic_block and db.get_autocommit()


def fetch_one_prepared(sql: str, params) -> tuple | None:
    """``fetch_one`` of the API's per-call statement as a server-side prepared statement on
    PostgreSQL: planned once per connection instead of on every call (planning took 0.37 ms of
    its 0.45 ms at 10,000,000 consents, ``bench/RESULTS.md``).

    Django's cursors bind parameters on the client, which never prepares; this one cursor is
    psycopg's server-binding ``Cursor`` on the same connection, wrapped by Django as its own
    (errors, query logging, execute wrappers), and asks for preparation explicitly. Django
    opens connections with ``prepare_threshold=None`` (nothing prepared, for transaction-mode
    poolers); it is set here, on connections this path uses, to a number no statement reaches,
    so that only an explicit request prepares.

    Results come in PostgreSQL's binary format: formatting the row's ~70 columns as text (its
    timestamps above all) was a third of the backend's CPU for the status query (0.20 → 0.13 ms,
    ``bench/RESULTS.md``). The values are the ones the text format gives (timestamps in the
    connection's time zone, the same object: tested). Elsewhere (SQLite) as ``fetch_one``."""
    if connection.vendor != "postgresql":
        return fetch_one(sql, params)
    connection.ensure_connection()
    raw = connection.connection
    if raw.prepare_threshold is None:
        raw.prepare_threshold = EXPLICIT_ONLY
    with connection.wrap_database_errors:
        prepared = PreparedCursor(raw)
        prepared.keep_query = connection.queries_logged
        cursor = connection._prepare_cursor(prepared)
    with cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


EXPLICIT_ONLY = 2**62


class PreparedCursor(psycopg.Cursor):
    """Server-side binding, every statement prepared, results in binary (Django's wrapper
    calls ``execute`` without psycopg's ``prepare`` and ``binary`` arguments)."""

    keep_query = False  # for Django's query log: the statement's text (psycopg drops it)

    def execute(self, query, params=None, *, prepare=None, binary=None):
        super().execute(query, params, prepare=True, binary=True if binary is None else binary)
        if self.keep_query:
            self._query = self._convert_query(query, params)
        return self


def fetch_first(sql: str, params) -> tuple | None:
    """``fetch_one_prepared`` for a request's first statement (a read), which is also
    the connection's health check: with ``CONN_HEALTH_CHECKS`` Django would send ``SELECT 1``
    before it, one round trip more on every API call. The check is kept, not skipped: should
    the statement fail on a connection that is no longer usable (PostgreSQL restarted, the
    socket dropped), the connection is closed and the statement runs once more on a new one,
    which is what Django's check achieves. Inside a transaction (or without health checks, or
    on a new connection) nothing changes."""
    pending = (
        connection.connection is not None
        and connection.health_check_enabled
        and not connection.health_check_done
        and not connection.in_atomic_block
    )
    if not pending:
        return fetch_one_prepared(sql, params)
    connection.health_check_done = True  # this statement is the check
    try:
        return fetch_one_prepared(sql, params)
    except (OperationalError, InterfaceError):
        if connection.is_usable():
            raise  # the statement failed, not the connection
        connection.close()
    return fetch_one_prepared(sql, params)  # on a new connection
