"""What people see: the provider's usage per grant on Marka Yönetimi and its CSV, support's
admin pages, the Turkish docs page and the schema."""

import re

import pytest
from django.urls import reverse

from integration.credentials import digest
from integration.models import AccessLog, ApiToken, ApiUser
from tests.conftest import login_as
from tests.factories import (
    AhsGrantFactory,
    BrandFactory,
    MembershipFactory,
    make_staff,
)

from .conftest import KNOWN, Api, make_world


def _status_call(client, world):
    base = f"/sps/{world.provider.iys_code}/brands/{world.brand.code}/consents"
    body = {"recipient": KNOWN, "recipientType": "BIREYSEL", "type": "MESAJ"}
    return Api(client, world.token).post(f"{base}/status", body)


@pytest.fixture
def owner(db):
    def make(world):
        membership = MembershipFactory(service_provider=world.provider)
        return membership.user

    return make


def test_marka_yonetimi_shows_usage_per_grant_with_constant_queries(
    client, db, owner, django_assert_num_queries
):
    world = make_world()
    for _ in range(3):
        _status_call(client, world)
    user = owner(world)
    client.logout()
    login_as(client, user, world.provider)
    client.get(reverse("brands:index"))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as first:
        page = client.get(reverse("brands:index")).content.decode()
    assert re.search(r'data-testid="usage-today">3<', page)
    assert re.search(r'data-testid="usage-month">3<', page)
    for _ in range(2):
        brand = BrandFactory(service_provider=world.provider)
        AhsGrantFactory(brand=brand)
    with django_assert_num_queries(len(first)):
        page = client.get(reverse("brands:index")).content.decode()
    assert page.count('data-testid="grant-usage"') == 3


def test_access_log_csv_has_no_recipient_in_clear_and_is_tenant_scoped(client, db, owner):
    world, other = make_world(), make_world()
    _status_call(client, world)
    _status_call(client, other)
    login_as(client, owner(world), world.provider)
    url = reverse("integration:grant_access_log", args=[world.brand.pk, world.grant.pk])
    response = client.get(url)
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode()
    lines = text.strip().splitlines()
    assert len(lines) == 2 and "consent_status;200" in lines[1]
    assert KNOWN not in text and "5321110000" not in text
    assert AccessLog.objects.get(grant=world.grant).recipient_hash in text
    foreign = reverse("integration:grant_access_log", args=[other.brand.pk, other.grant.pk])
    assert client.get(foreign).status_code == 404
    mixed = reverse("integration:grant_access_log", args=[world.brand.pk, other.grant.pk])
    assert client.get(mixed).status_code == 404


def test_support_creates_an_api_user_and_sees_the_secret_once(client, db):
    from tests.factories import PartnerFactory

    support = make_staff("Destek")
    integrator = PartnerFactory()
    client.force_login(support)
    response = client.post(
        reverse("admin:integration_apiuser_add"),
        {"integrator": integrator.pk, "username": "ortak-api", "rate_limit": ""},
    )
    assert response.status_code == 200, response.content
    secret = re.search(r'data-testid="api-secret"[^>]*>([^<]+)<', response.content.decode())[1]
    user = ApiUser.objects.get(username="ortak-api")
    assert user.secret_hash == digest(secret) and user.created_by == support
    token = client.post(
        "/api/oauth2/token",
        {"grant_type": "password", "username": "ortak-api", "password": secret},
        content_type="application/json",
    )
    assert token.status_code == 200
    page = client.get(reverse("admin:integration_apiuser_change", args=[user.pk]))
    assert secret not in page.content.decode()

    listing = client.get(reverse("admin:integration_apiuser_changelist"))
    assert listing.status_code == 200
    response = client.post(
        reverse("admin:integration_apiuser_changelist"),
        {"action": "disable", "_selected_action": [user.pk]},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert not user.is_active
    assert not ApiToken.objects.filter(api_user=user, revoked_at__isnull=True).exists()


def test_support_reads_the_access_log_per_integrator(client, db):
    world = make_world()
    _status_call(client, world)
    client.force_login(make_staff("Destek"))
    url = reverse("admin:integration_accesslog_changelist")
    response = client.get(url, {"integrator__id__exact": world.grant.integrator_id})
    assert response.status_code == 200
    assert "consent_status" in response.content.decode()
    listing = client.get(reverse("admin:integration_apiuser_changelist")).content.decode()
    assert world.username in listing


def test_the_access_log_desk_never_reads_the_whole_log(client, db):
    """The log takes a row per API call: the page's filters have fixed choices (no DISTINCT
    over the table), no date hierarchy (no MIN/MAX and DISTINCT dates), and they filter."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    world = make_world()
    _status_call(client, world)
    Api(client, "not-a-token").post(
        f"/sps/{world.provider.iys_code}/brands/{world.brand.code}/consents/status",
        {"recipient": KNOWN, "recipientType": "BIREYSEL", "type": "MESAJ"},
    )
    client.force_login(make_staff("Destek"))
    url = reverse("admin:integration_accesslog_changelist")
    with CaptureQueriesContext(connection) as queries:
        page = client.get(url).content.decode()
    scans = [q["sql"] for q in queries if "DISTINCT" in q["sql"] or "MIN(" in q["sql"]]
    assert not scans
    assert "?endpoint=consent_status" in page and "?http_status=429" in page
    assert AccessLog.objects.filter(http_status=401).exists()
    only_401 = client.get(url, {"http_status": "401"}).context["cl"].result_count
    assert only_401 == AccessLog.objects.filter(http_status=401).count() >= 1
    by_endpoint = client.get(url, {"endpoint": "consent_status"}).context["cl"].result_count
    assert by_endpoint == AccessLog.objects.filter(endpoint="consent_status").count()
    dates = client.get(url).context["cl"].filter_specs[0]  # («Herhangi bir tarih», «Bugün», …)
    today = client.get(url, dates.links[1][1])
    assert today.context["cl"].result_count == AccessLog.objects.count()
    assert client.get(url, {"http_status": "x"}).status_code == 200  # ignored, not a 500


@pytest.mark.postgres
def test_the_newest_calls_come_from_the_index(client, db):
    """``accesslog_recent_idx`` serves the list's order (``-at, -id``) without a sort."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(
            "EXPLAIN SELECT id FROM integration_accesslog ORDER BY at DESC, id DESC LIMIT 100"
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "accesslog_recent_idx" in plan and "Sort" not in plan


def test_docs_page_and_schema(client, db):
    page = client.get(reverse("integration:docs")).content.decode()
    assert "Tek alıcının iznini sorgula" in page
    assert "/api/sps/{iysCode}/brands/{brandCode}/consents/request/{requestId}" in page
    schema = client.get("/api/openapi.json").json()
    assert schema["openapi"].startswith("3.")
    assert (
        "application/x-www-form-urlencoded"
        in (schema["paths"]["/api/oauth2/token"]["post"]["requestBody"]["content"])
    )
    assert client.get("/api/docs").status_code == 200


def test_the_schema_is_built_once_per_process_and_language_and_is_ninjas(client, db, monkeypatch):
    """/api/openapi.json and the docs page read a schema built once (it follows from the code
    alone): the same as django-ninja builds, and not built again on the next request."""
    import json

    from ninja import NinjaAPI

    from integration.api import api

    api._schemas.clear()
    built = []
    original = NinjaAPI.get_openapi_schema

    def counting(self, **kwargs):
        built.append(kwargs)
        return original(self, **kwargs)

    monkeypatch.setattr(NinjaAPI, "get_openapi_schema", counting)
    first = client.get("/api/openapi.json").json()
    client.get(reverse("integration:docs"))
    assert len(built) == 2  # one each: the schema's own prefix and the docs page's
    assert client.get("/api/openapi.json").json() == first
    assert client.get(reverse("integration:docs")).status_code == 200
    assert len(built) == 2  # not built again
    fresh = original(api, path_prefix=built[0]["path_prefix"])  # as ninja builds it
    assert first == json.loads(json.dumps(fresh, default=str))
