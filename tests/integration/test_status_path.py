"""The status query's short path (issue 13, speed): the consent read with the token, the
access-log row committed without waiting for the WAL flush, and the token statement as the
connection's health check. Each keeps the answers and the guarantees of the long path."""

import psycopg
import pytest
from django.db import connection

from brands.services import grant_revoke
from consents.models import Consent
from integration.models import AccessLog
from integration.schemas import ConsentOut
from tests.factories import BrandFactory, MembershipFactory

from .conftest import KNOWN, Api, error_code, make_world, record


def _status(api, world, recipient, channel="MESAJ", brand=None):
    brand = brand or world.brand
    return api.post(
        f"/sps/{world.provider.iys_code}/brands/{brand.code}/consents/status",
        {"recipient": recipient, "recipientType": "BIREYSEL", "type": channel},
    )


def test_status_answers_alike_with_the_consent_read_with_the_token(
    api, world, django_assert_num_queries
):
    with django_assert_num_queries(2):  # token + grant + package + consent; the access log
        response = _status(api, world, "0532 111 00 00")  # normalized before the read
    assert response.status_code == 200, response.content
    consent = Consent.objects.get(brand=world.brand, recipient=KNOWN, channel="MESAJ")
    assert response.json()["transactionId"] == str(consent.transaction_id)
    assert response.json()["recipient"] == KNOWN
    # Rendered by the route itself: the documented shape, field for field, as ninja would.
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert list(response.json()) == list(ConsentOut.model_fields)
    assert ConsentOut(**response.json()).model_dump() == response.json()

    with django_assert_num_queries(2):
        response = _status(api, world, "+905321119999")
    assert response.status_code == 404 and error_code(response) == "consent_not_found"


def test_a_consent_of_another_brand_is_never_answered(api, world):
    """The consent is joined to the grant's brand only: the same recipient on an ungranted
    brand of the same provider is refused by the grant check, not read."""
    record(world.other_brand, "+905321112222")
    response = _status(api, world, "+905321112222", brand=world.other_brand)
    assert response.status_code == 403 and error_code(response) == "grant_not_found"
    response = _status(api, world, "+905321112222")
    assert response.status_code == 404 and error_code(response) == "consent_not_found"


def test_body_errors_keep_their_order_after_the_grant_checks(api, world):
    response = _status(api, world, "not a phone")
    assert response.status_code == 422 and error_code(response) != "consent_not_found"
    response = _status(api, world, KNOWN, channel="FAX")
    assert response.status_code == 422 and error_code(response) == "type_invalid"
    response = _status(api, world, "x@ornek.com.tr", channel="EPOSTA")
    assert response.status_code == 403 and error_code(response) == "channel_not_granted"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_short_path_outside_a_transaction(client):
    """As in production (no transaction around the request): the token statement prepared on
    the connection, the access-log row committed asynchronously; no setting stays on the
    connection."""
    world = make_world()
    BrandFactory()
    assert not connection.in_atomic_block
    response = _status(Api(client, world.token), world, KNOWN)
    assert response.status_code == 200, response.content
    log = AccessLog.objects.get(grant=world.grant)
    assert (log.endpoint, log.http_status) == ("consent_status", 200)
    with connection.cursor() as cursor:  # each SET LOCAL ended with its statement
        cursor.execute("SHOW synchronous_commit")
        assert cursor.fetchone()[0] == "on"
        cursor.execute("SHOW join_collapse_limit")
        assert cursor.fetchone()[0] == "8"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_token_statement_is_prepared_once_per_connection_and_nothing_else_is(client):
    """Planned once per connection, not on every call; the ORM's statements stay unprepared
    (Django binds them on the client), and every call still reads the database: a grant revoked
    after the statement was prepared is refused on the next call."""
    world = make_world()
    api = Api(client, world.token)

    def prepared():
        with connection.cursor() as cursor:
            cursor.execute("SELECT statement FROM pg_prepared_statements")
            return [row[0] for row in cursor.fetchall()]

    assert _status(api, world, KNOWN).status_code == 200
    assert _status(api, world, KNOWN).status_code == 200
    Consent.objects.filter(brand=world.brand).count()  # an ORM query on the same connection
    statements = prepared()
    assert len(statements) == 1 and "token" in statements[0].lower()

    grant_revoke(
        service_provider=world.provider,
        grant_id=world.grant.pk,
        actor=MembershipFactory(service_provider=world.provider).user,
    )
    response = _status(api, world, KNOWN)
    assert response.status_code == 403, response.content
    assert len(prepared()) == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_dropped_connection_is_replaced_as_the_health_check_would(client):
    """The token statement doubles as the health check (no ``SELECT 1`` before it): when the
    server has dropped the connection, the call still succeeds, on a new connection."""
    world = make_world()
    api = Api(client, world.token)
    assert _status(api, world, KNOWN).status_code == 200
    connection.ensure_connection()
    pid = connection.connection.info.backend_pid
    settings = connection.settings_dict
    with psycopg.connect(
        host=settings["HOST"] or None,
        port=settings["PORT"] or None,
        user=settings["USER"],
        password=settings["PASSWORD"] or None,
        dbname=settings["NAME"],
        autocommit=True,
    ) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])
    connection.health_check_enabled = True  # as CONN_HEALTH_CHECKS, between two requests
    connection.health_check_done = False

    response = _status(api, world, KNOWN)

    assert response.status_code == 200, response.content
    assert connection.connection.info.backend_pid != pid


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_no_setting_leaks_into_a_transaction_the_caller_opened():
    """In a transaction someone else opened (``atomic`` or autocommit off) the statements are
    sent plain: a ``SET LOCAL`` would last until that transaction ends."""
    from django.db import transaction
    from django.utils import timezone

    from integration.accesslog import access_log_write

    transaction.set_autocommit(False)
    try:
        access_log_write(
            at=timezone.now(),
            api_user_id=None,
            integrator_id=None,
            service_provider_id=None,
            brand_id=None,
            grant_id=None,
            endpoint="test",
            http_status=401,
            error_code="unauthorized",
            recipient_hash="",
        )
        with connection.cursor() as cursor:
            cursor.execute("SHOW synchronous_commit")
            assert cursor.fetchone()[0] == "on"
        transaction.rollback()
    finally:
        transaction.set_autocommit(True)


def test_api_answers_carry_their_own_strict_policy(api, world, client):
    """JSON only: nothing may load or frame it; the site's pages keep the site's policy."""
    response = _status(api, world, KNOWN)
    assert response["Content-Security-Policy"] == "default-src 'none'; frame-ancestors 'none'"
    refused = Api(client, "wrong").post("/oauth2/token", {"grant_type": "x"})
    assert refused["Content-Security-Policy"] == "default-src 'none'; frame-ancestors 'none'"
    page = client.get("/")
    assert "script-src 'self'" in page["Content-Security-Policy"]
    docs = client.get("/api/docs")
    assert "default-src 'none'" not in docs.get("Content-Security-Policy", "")


@pytest.mark.parametrize("fetch", ["fetch_one", "fetch_one_prepared"])
@pytest.mark.parametrize("model_name", ["ApiUser", "Consent", "Grant", "ServiceProvider"])
def test_rows_become_the_instances_the_orm_gives(world, model_name, fetch):
    """``sql.instance`` builds without ``Model.__init__``: the same values under the same
    attribute names (binary results too: timestamps in the same time zone object), a saved
    row's state, usable as the ORM's own (save, related objects)."""
    from django.apps import apps

    from integration import sql

    model = next(m for m in apps.get_models() if m.__name__ == model_name)
    expected = model.objects.order_by("pk").first()
    row = getattr(sql, fetch)(
        f"SELECT {sql.columns(model, 'x')} FROM {model._meta.db_table} x "  # noqa: S608
        "WHERE x.id = %s",
        [expected.pk],
    )
    built = sql.instance(model, "x", row)

    def fields(obj):
        return {
            k: (v, type(v), getattr(v, "tzinfo", None))
            for k, v in vars(obj).items()
            if k != "_state"
        }

    assert type(built) is model and fields(built) == fields(expected)
    assert (built._state.adding, built._state.db) == (False, "default")
    assert built == expected and built.pk == expected.pk
    built.save()  # an UPDATE of the row, not an INSERT
    assert model.objects.filter(pk=expected.pk).count() == 1


_VARIANTS = {
    "known": ({"recipient": KNOWN, "recipientType": "BIREYSEL", "type": "MESAJ"}, {}),
    "normalized": (
        {"recipient": "0532 111 00 00", "recipientType": "BIREYSEL", "type": "MESAJ"},
        {},
    ),
    "unknown": ({"recipient": "+905321119999", "recipientType": "BIREYSEL", "type": "MESAJ"}, {}),
    "channel not granted": (
        {"recipient": "x@ornek.com.tr", "recipientType": "BIREYSEL", "type": "EPOSTA"},
        {},
    ),
    "bad channel": ({"recipient": KNOWN, "recipientType": "BIREYSEL", "type": "FAX"}, {}),
    "bad recipient type": ({"recipient": KNOWN, "recipientType": "X", "type": "MESAJ"}, {}),
    "bad phone": ({"recipient": "12", "recipientType": "BIREYSEL", "type": "MESAJ"}, {}),
    "no recipient": ({"recipientType": "BIREYSEL", "type": "MESAJ"}, {}),
    "extra field": ({"recipient": KNOWN, "recipientType": "BIREYSEL", "type": "MESAJ", "x": 1}, {}),
    "null recipient": ({"recipient": None, "recipientType": "BIREYSEL", "type": "MESAJ"}, {}),
    "number recipient": (
        {"recipient": 5321110000, "recipientType": "BIREYSEL", "type": "MESAJ"},
        {},
    ),
    "list body": ([KNOWN], {}),
    "wrong token": (
        {"recipient": KNOWN, "recipientType": "BIREYSEL", "type": "MESAJ"},
        {"token": "nope"},
    ),
    "no header": (
        {"recipient": KNOWN, "recipientType": "BIREYSEL", "type": "MESAJ"},
        {"token": None},
    ),
    "basic scheme": (
        {"recipient": KNOWN, "recipientType": "BIREYSEL", "type": "MESAJ"},
        {"scheme": "Basic"},
    ),
    "other brand": (
        {"recipient": KNOWN, "recipientType": "BIREYSEL", "type": "MESAJ"},
        {"brand": "other"},
    ),
    "huge codes": (
        {"recipient": KNOWN, "recipientType": "BIREYSEL", "type": "MESAJ"},
        {"codes": ("9" * 30, "1")},
    ),
    "letters in code": (
        {"recipient": KNOWN, "recipientType": "BIREYSEL", "type": "MESAJ"},
        {"codes": ("abc", "1")},
    ),
}


@pytest.mark.parametrize("variant", list(_VARIANTS))
def test_the_fast_path_answers_exactly_as_ninja(client, world, monkeypatch, variant):
    """``routes.status_fast_path`` against django-ninja's own operation, call for call: the
    same status, body, content type and access-log row, for well-formed calls (answered by the
    fast path) and malformed ones (handed to ninja)."""
    import json

    from integration import routes

    body, how = _VARIANTS[variant]
    brand = world.other_brand if how.get("brand") == "other" else world.brand
    codes = how.get("codes", (world.provider.iys_code, brand.code))
    token = how.get("token", world.token)
    headers = {}
    if token is not None:
        headers["HTTP_AUTHORIZATION"] = f"{how.get('scheme', 'Bearer')} {token}"

    def call():
        AccessLog.objects.all().delete()
        response = client.post(
            f"/api/sps/{codes[0]}/brands/{codes[1]}/consents/status",
            json.dumps(body),
            content_type="application/json",
            **headers,
        )
        row = AccessLog.objects.values_list("http_status", "error_code", "recipient_hash").get()
        return response.status_code, response.json(), response["Content-Type"], row

    from ninja.operation import Operation

    runs = []
    real_run = Operation.run
    monkeypatch.setattr(
        Operation, "run", lambda op, *a, **k: runs.append(1) or real_run(op, *a, **k)
    )
    fast = call()
    malformed = variant in ("null recipient", "number recipient", "list body", "letters in code")
    assert len(runs) == (1 if malformed else 0)  # well-formed calls never reach ninja
    monkeypatch.setattr(routes, "json_body", lambda request: None)  # every call to ninja
    assert call() == fast
    assert len(runs) == (2 if malformed else 1)
