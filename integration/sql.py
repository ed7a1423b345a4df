"""Statements of the API's per-request path written once, read into full model instances.

Every API call authenticates a token, checks the live grant and the package and, for the status
query, reads one consent. Through the ORM each of those reads cost 1–3 ms of query compilation
on the benchmark machine, ten times what PostgreSQL takes to answer (``bench/RESULTS.md``,
issue 13). Here the column lists are built once from the models' metadata, rows become the same
model instances the ORM would give (``Model.from_db`` with the backend's converters, so SQLite
and PostgreSQL read alike), and nothing is cached between requests: every call reads the
database."""

from functools import cache

from django.db import DEFAULT_DB_ALIAS, InterfaceError, OperationalError, connection, connections
from django.db.models import Model


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
    """The instance of ``model`` whose columns begin at ``row[start]`` (as ``columns``)."""
    db = connections[DEFAULT_DB_ALIAS]  # once: each ``connection.x`` is a thread-local lookup
    _select, names, converters = _layout(model, alias, db.vendor)
    values = list(row[start : start + len(names)])
    for i, (column, found) in enumerate(converters):
        for converter in found:
            values[i] = converter(values[i], column, db)
    return model.from_db(DEFAULT_DB_ALIAS, names, values)


def fetch_one(sql: str, params) -> tuple | None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


def own_transaction(db) -> bool:
    """Whether a statement sent now on PostgreSQL is its own (implicit) transaction, so that a
    ``SET LOCAL`` sent with it ends with it: autocommit, no ``atomic`` block open."""
    return db.vendor == "postgresql" and not db.in_atomic_block and db.get_autocommit()


# Joins planned in the order written (``SET LOCAL``: this statement's implicit transaction
# only). For a statement of unique-key lookups written in their natural order (each join finds
# at most one row by a unique index), the planner's search over every join order costs more
# than running it: at 10,000,000 consents the status query planned in 0.65 ms and ran in
# 0.08 ms; in the written order it plans in 0.37 ms and runs alike (``bench/RESULTS.md``).
WRITTEN_ORDER = "SET LOCAL join_collapse_limit = 1; "


def fetch_one_in_written_order(sql: str, params) -> tuple | None:
    """``fetch_one`` of a statement whose joins must be planned in the order written (see
    ``WRITTEN_ORDER``), on PostgreSQL outside a transaction; as written elsewhere."""
    if not own_transaction(connection):
        return fetch_one(sql, params)
    with connection.cursor() as cursor:
        cursor.execute(WRITTEN_ORDER + sql, params)
        cursor.nextset()  # past the SET's result
        return cursor.fetchone()


def fetch_first(sql: str, params) -> tuple | None:
    """``fetch_one_in_written_order`` for a request's first statement (a read), which is also
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
        return fetch_one_in_written_order(sql, params)
    connection.health_check_done = True  # this statement is the check
    try:
        return fetch_one_in_written_order(sql, params)
    except (OperationalError, InterfaceError):
        if connection.is_usable():
            raise  # the statement failed, not the connection
        connection.close()
    return fetch_one_in_written_order(sql, params)  # on a new connection
