"""The benchmark's logged-in yardstick checks what every portal page checks: a logged-in person
acting for a company whose membership is still active (looked up on every request)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import include, path, reverse

from iys_portal import views
from tests.conftest import login_as

# Mounted here for the test only: the portal mounts it only with BENCHMARK_BASELINE=true.
urlpatterns = [
    path(
        "bench/baseline/authenticated/",
        views.bench_baseline_authenticated,
        name="bench_baseline_authenticated",
    ),
    path("", include("iys_portal.urls")),
]

URL = "/bench/baseline/authenticated/"
pytestmark = pytest.mark.urls(__name__)


@pytest.mark.django_db
def test_anonymous_is_sent_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert "next=" in response["Location"]


def test_without_a_company_is_sent_to_choose_one(client, authorized_membership):
    login_as(client, authorized_membership.user)
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:choose_provider")


def test_deactivated_membership_loses_access_at_once(client, authorized_membership):
    login_as(client, authorized_membership.user, authorized_membership.service_provider)
    assert client.get(URL).status_code == 200
    authorized_membership.is_active = False
    authorized_membership.save(update_fields=["is_active"])
    assert client.get(URL).status_code == 302


def test_logged_in_page_names_person_and_company_in_three_queries(
    provider_client, authorized_membership
):
    provider_client.get(URL)
    with CaptureQueriesContext(connection) as queries:
        response = provider_client.get(URL)
    assert response.status_code == 200
    assert authorized_membership.service_provider.title in response.content.decode()
    assert len(queries) == 3  # session, user, membership


def test_only_get(provider_client):
    assert provider_client.post(URL).status_code == 405
