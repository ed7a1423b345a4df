"""Property: hostile text in any URL parameter or form field, as any role, never gives a 500.

NUL, C0 controls, ESC sequences, bidi overrides, very long strings and the Turkish dotted and
dotless I go into every path parameter (from the URL resolver), every query string and every
form field (the fields of every form class of the portal and the desks), as an anonymous
visitor, an authorized person, a delegate, the accounting desk (Muhasebe) and the support desk
(Destek). The admin is covered through every registered model's list, add and change pages.
"""

import inspect
import os
from urllib.parse import quote, urlencode

import pytest
from django import forms as django_forms
from django.contrib import admin
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import accounts.forms
import brands.forms
import packages.forms
import payments.admin.transfer
import payments.forms.card
from accounts.models import Membership
from tests.conftest import login_as
from tests.factories import (
    AuthorizationRequestFactory,
    BrandFactory,
    MembershipFactory,
    OrderFactory,
    ServiceProviderFactory,
    make_staff,
    support_group,
)

HOSTILE = st.one_of(
    st.sampled_from(
        [
            "\x00",
            "a\x00b",
            "\x01\x02\x1f",
            "\x1b[31mkırmızı\x1b[0m",
            "\u202egpj.exe",
            "\u2066İ\u2069",
            "\u200f\u061c",
            "İıIi",
            "İSTANBUL ıspanak",
            "\t\r\n",
            "A" * 5000,
            "İ" * 3000,
            "1" * 400,
            "",
        ]
    ),
    st.text(
        alphabet=st.one_of(
            st.characters(max_codepoint=0x1F),
            st.sampled_from("İıIiŞşĞğÇçÖöÜü\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"),
            st.characters(categories=["L", "N", "P", "Zs"]),
        ),
        max_size=60,
    ),
)


def _form_fields() -> list[str]:
    names = set()
    for module in (
        accounts.forms,
        brands.forms,
        packages.forms,
        payments.forms.card,
        payments.admin.transfer,
    ):
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, django_forms.BaseForm) and cls.__module__ == module.__name__:
                names.update(cls.base_fields)
    return sorted(names)


FORM_FIELDS = _form_fields()


def _portal_patterns(resolvers, prefix=""):
    """(route with placeholders, converter names) for every portal URL (the admin separately)."""
    for entry in resolvers:
        route = str(entry.pattern)
        if isinstance(entry, URLResolver):
            if route.startswith(("yonetim/", "i18n/")):
                continue
            yield from _portal_patterns(entry.url_patterns, prefix + route)
        elif isinstance(entry, URLPattern):
            yield prefix + route, dict(entry.pattern.converters)


PORTAL = sorted(
    (route, tuple(sorted(conv))) for route, conv in _portal_patterns(get_resolver().url_patterns)
)


def _admin_paths() -> list[str]:
    paths = []
    for model in admin.site._registry:
        base = f"/yonetim/{model._meta.app_label}/{model._meta.model_name}/"
        paths += [base, base + "add/", base + "{pk}/change/"]
    return sorted(paths)


ADMIN = _admin_paths()
ROLES = ["anonymous", "authorized", "delegate", "Muhasebe", "Destek"]


@pytest.fixture
def world(db):
    support_group()
    provider = ServiceProviderFactory()
    authorized = MembershipFactory(service_provider=provider, role=Membership.Role.AUTHORIZED)
    delegate = MembershipFactory(service_provider=provider, role=Membership.Role.DELEGATE)
    order = OrderFactory(service_provider=provider)
    brand = BrandFactory(service_provider=provider)
    request = AuthorizationRequestFactory(service_provider=provider)
    return {
        "provider": provider,
        "users": {
            "authorized": authorized.user,
            "delegate": delegate.user,
            "Muhasebe": make_staff("Muhasebe"),
            "Destek": make_staff("Destek"),
        },
        "ids": [order.pk, brand.pk, request.pk, provider.pk],
        "code": order.code,
    }


def _client(world, role) -> Client:
    client = Client(raise_request_exception=True)
    if role != "anonymous":
        login_as(client, world["users"][role], world["provider"])
    return client


def _fill(route: str, converters, values, ids, code) -> str:
    path = route
    for name in converters:
        value = values.pop() if values else code
        if f"<int:{name}>" in path:
            path = path.replace(f"<int:{name}>", str(ids[len(values) % len(ids)]))
        else:
            value = quote(value, safe="")
            path = path.replace(f"<str:{name}>", value).replace(f"<{name}>", value)
    return "/" + path


EXAMPLES = int(os.environ.get("HOSTILE_EXAMPLES", "12"))


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=True,
)
@given(
    role=st.sampled_from(ROLES),
    path_values=st.lists(HOSTILE, min_size=2, max_size=2),
    query=st.dictionaries(
        st.sampled_from(["siparis", "bin", "q", "next", "code"]), HOSTILE, max_size=2
    ),
    fields=st.dictionaries(st.sampled_from(FORM_FIELDS), HOSTILE, max_size=6),
)
def test_portal_never_answers_500_to_hostile_text(world, role, path_values, query, fields):
    """Each example: one role and one set of hostile values, sent to every portal URL."""
    client = _client(world, role)
    for route, converters in PORTAL:
        path = _fill(route, converters, list(path_values), world["ids"], world["code"])
        response = client.get(path, {**query, **fields})
        assert response.status_code < 500, (role, "get", path, query, fields)
        response = client.post(path + "?" + urlencode(query), fields)
        assert response.status_code < 500, (role, "post", path, query, fields)
        if role != "anonymous" and "cikis" in route:
            client = _client(world, role)  # logged out: log in again


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=True,
)
@given(
    role=st.sampled_from(["Muhasebe", "Destek"]),
    query=st.dictionaries(
        st.sampled_from(["q", "status", "status__exact", "o", "p", "_changelist_filters"]),
        HOSTILE,
        max_size=2,
    ),
    pk=st.one_of(HOSTILE, st.integers(min_value=0, max_value=10**6).map(str)),
)
def test_desks_never_answer_500_to_hostile_filters_and_ids(world, role, query, pk):
    """Each example: one desk and hostile values, sent to every admin list/add/change page."""
    client = _client(world, role)
    for path in ADMIN:
        url = path.replace("{pk}", quote(pk, safe=""))
        response = client.get(url, query)
        assert response.status_code < 500, (role, url, query)
