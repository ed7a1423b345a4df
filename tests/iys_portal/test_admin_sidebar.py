"""The admin's navigation sidebar, rendered once per language, script prefix, path and the
user's permissions (iys_portal.admin_site): the same HTML as Django's own template, and a
permission granted, another page or another language shows at once."""

import re

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.template import RequestContext
from django.template.loader import get_template
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from iys_portal.admin_site import PortalAdminSite
from tests.factories import UserFactory

TRANSFERS = "admin:payments_transferorder_changelist"
REQUESTS = "admin:accounts_authorizationrequest_changelist"
STATEMENTS = "admin:payments_bankstatement_changelist"


def sidebar(html: str) -> str:
    return re.search(r'<nav class="sticky" id="nav-sidebar".*?</nav>', html, re.S).group(0)


def djangos_sidebar(user, path: str) -> str:
    """Django's own admin/nav_sidebar.html, rendered with the site's app list."""
    request = RequestFactory().get(path)
    request.user = user
    engine = get_template("admin/base.html").template.engine
    project = engine.find_template("admin/nav_sidebar.html")[1]
    django_template, _ = engine.find_template("admin/nav_sidebar.html", skip=[project])
    context = RequestContext(request, admin.site.each_context(request))
    with context.bind_template(django_template):
        return sidebar(django_template.render(context))


@pytest.fixture
def accountant(db):
    user = UserFactory(is_staff=True)
    user.groups.add(Group.objects.get_or_create(name="Muhasebe")[0])
    return user


def test_the_site_is_the_portals():
    assert isinstance(admin.site, PortalAdminSite)


@pytest.mark.parametrize("language", ["tr", "en"])
def test_sidebar_is_djangos_own_and_follows_path_and_language(client, accountant, language):
    client.force_login(accountant)
    with translation.override(language):
        for name in (TRANSFERS, STATEMENTS):
            path = reverse(name)
            html = client.get(path, headers={"accept-language": language}).content.decode()
            assert sidebar(html) == djangos_sidebar(
                type(accountant).objects.get(pk=accountant.pk), path
            )
    transfers = sidebar(client.get(reverse(TRANSFERS)).content.decode())
    assert 'aria-current="page"' in transfers
    statements = sidebar(client.get(reverse(STATEMENTS)).content.decode())
    assert statements != transfers and "aria-current" in statements


def test_a_permission_granted_shows_on_the_next_page(client, accountant):
    client.force_login(accountant)
    assert reverse(REQUESTS) not in sidebar(client.get(reverse(TRANSFERS)).content.decode())
    accountant.user_permissions.add(Permission.objects.get(codename="view_authorizationrequest"))
    assert reverse(REQUESTS) in sidebar(client.get(reverse(TRANSFERS)).content.decode())


def test_each_user_sees_their_own_models(client, accountant):
    support = UserFactory(is_staff=True)
    support.groups.add(Group.objects.get(name="Destek"))
    client.force_login(support)
    html = sidebar(client.get(reverse(REQUESTS)).content.decode())
    assert reverse(REQUESTS) in html and reverse(TRANSFERS) not in html
    client.force_login(accountant)
    html = sidebar(client.get(reverse(TRANSFERS)).content.decode())
    assert reverse(TRANSFERS) in html and reverse(REQUESTS) not in html


def test_permissions_read_in_one_query_are_model_backends(db, django_assert_num_queries):
    """load_permissions fills ModelBackend's caches with the same sets (the user's own, their
    groups', all) from one query; superusers and inactive users are left to ModelBackend."""
    from django.contrib.auth.backends import ModelBackend

    from iys_portal.admin_site import load_permissions

    user = UserFactory(is_staff=True)
    user.groups.add(
        Group.objects.get(name="Destek"), Group.objects.get_or_create(name="Muhasebe")[0]
    )
    user.user_permissions.add(Permission.objects.get(codename="view_bankstatement"))
    fresh = type(user).objects.get(pk=user.pk)
    with django_assert_num_queries(1):
        load_permissions(fresh)
    django = ModelBackend()
    reference = type(user).objects.get(pk=user.pk)
    assert (
        fresh._user_perm_cache
        == django.get_user_permissions(reference)
        == {"payments.view_bankstatement"}
    )
    assert fresh._group_perm_cache == django.get_group_permissions(reference)
    assert fresh._perm_cache == django.get_all_permissions(reference)
    assert len(fresh._group_perm_cache) > 1
    for other in (
        UserFactory(is_staff=True, is_superuser=True),
        UserFactory(is_staff=True, is_active=False),
        UserFactory(is_staff=False),
    ):
        with django_assert_num_queries(0):
            load_permissions(other)
        assert not hasattr(other, "_perm_cache")
