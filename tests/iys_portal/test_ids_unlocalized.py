"""Ids in forms are machine values: with USE_THOUSAND_SEPARATOR a pk of 12345 must not be sent
back as «12.345» (the company switcher, the company picker, the statement's confirm boxes)."""

import pytest
from django.urls import reverse

from accounts.middleware import SESSION_PROVIDER_KEY
from tests.conftest import login_as
from tests.factories import MembershipFactory, ServiceProviderFactory

pytestmark = pytest.mark.django_db


def test_company_ids_in_the_picker_and_the_switcher_are_plain_digits(client):
    first = MembershipFactory(service_provider=ServiceProviderFactory(pk=12345))
    MembershipFactory(user=first.user, service_provider=ServiceProviderFactory(pk=23456))
    login_as(client, first.user, first.service_provider)
    picker = client.get(reverse("accounts:choose_provider")).content.decode()
    assert 'value="23456"' in picker and "23.456" not in picker
    home = client.get(reverse("home")).content.decode()
    assert '<option value="23456"' in home and "12.345" not in home
    switched = client.post(reverse("accounts:switch_provider"), {"service_provider": "23456"})
    assert switched.status_code == 302
    assert client.session[SESSION_PROVIDER_KEY] == 23456
