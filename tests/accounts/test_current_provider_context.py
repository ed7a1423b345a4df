"""The header's data come from the request's own membership check: no second query for the
company switcher, and ``user`` is the person already loaded by the middleware."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.functional import SimpleLazyObject

from accounts.models import Membership, User
from tests.conftest import login_as
from tests.factories import MembershipFactory, ServiceProviderFactory


def _home_queries(client):
    client.get("/")  # the idle stamp is written once; measure the next request
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/")
    assert response.status_code == 200
    return response, len(queries)


def test_switcher_lists_the_memberships_read_by_the_check_without_a_query(client, db):
    first = MembershipFactory(role=Membership.Role.AUTHORIZED)
    login_as(client, first.user, first.service_provider)
    _, alone = _home_queries(client)

    second = MembershipFactory(
        user=first.user, service_provider=ServiceProviderFactory(), role=Membership.Role.DELEGATE
    )
    response, with_switcher = _home_queries(client)
    html = response.content.decode()
    assert 'id="provider-switcher"' in html
    assert first.service_provider.title in html and second.service_provider.title in html
    assert with_switcher == alone

    second.is_active = False  # a deactivated membership leaves the switcher at once
    second.save(update_fields=["is_active"])
    response, _ = _home_queries(client)
    assert 'id="provider-switcher"' not in response.content.decode()


def test_user_in_templates_is_the_loaded_person(client, authorized_membership):
    login_as(client, authorized_membership.user, authorized_membership.service_provider)
    response = client.get("/")
    user = response.context["user"]
    assert type(user) is User and not isinstance(user, SimpleLazyObject)
    assert user == authorized_membership.user


def test_anonymous_user_in_templates(client, db):
    response = client.get("/")
    assert not isinstance(response.context["user"], SimpleLazyObject)
    assert not response.context["user"].is_authenticated
