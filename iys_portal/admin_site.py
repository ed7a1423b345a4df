"""The portal's admin site: Django's, with the navigation sidebar (the app list) worked out only
when a page renders it, and rendered once per process for each thing it depends on.

``AdminSite.each_context`` builds ``available_apps`` (every registered model: its permissions,
two reversed URLs) for every admin page; the sidebar template then renders a table row per
model. Both depend only on the user's permissions, the language, the script prefix and the
page's path (the current model is highlighted), so the rendered sidebar is kept per those
(``nav_sidebar_html``); a new permission, language or page is a new entry.
"""

from collections import OrderedDict
from functools import lru_cache
from threading import Lock

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connections, router
from django.urls import get_script_prefix
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language

SIDEBAR_ENTRIES = 256


class PortalAdminSite(admin.AdminSite):
    def get_app_list(self, request, app_label=None):
        """Django's app list, built when first read (``each_context`` asks for it on every
        admin page; a page whose sidebar comes from ``nav_sidebar_html`` never reads it)."""
        build = super().get_app_list
        return SimpleLazyObject(lambda: build(request, app_label))

    def has_permission(self, request):
        load_permissions(request.user)
        return super().has_permission(request)


def load_permissions(user) -> None:
    """Fill ModelBackend's permission caches of an active staff user (not a superuser: Django
    gives them every permission) from one query, where ModelBackend makes two (the user's own,
    their groups'); the same sets, the same cache attributes, read the same way afterwards."""
    if not user.is_active or not user.is_staff or user.is_superuser or hasattr(user, "_perm_cache"):
        return
    own, of_groups = set(), set()
    database = router.db_for_read(Permission)
    with connections[database].cursor() as cursor:
        cursor.execute(_permissions_sql(database), [user.pk, user.pk])
        for is_own, app_label, codename in cursor.fetchall():
            (own if is_own else of_groups).add(f"{app_label}.{codename}")
    user._user_perm_cache = own
    user._group_perm_cache = of_groups
    user._perm_cache = own | of_groups


@lru_cache(maxsize=4)
def _permissions_sql(database: str) -> str:
    q = connections[database].ops.quote_name
    user_permissions = get_user_model()._meta.get_field("user_permissions")
    user_groups = get_user_model()._meta.get_field("groups")
    group_permissions = Group._meta.get_field("permissions")
    permission = q(Permission._meta.db_table)
    content_type = q(ContentType._meta.db_table)
    joined = (
        f"FROM {permission} p JOIN {content_type} ct ON ct.{q('id')} = p.{q('content_type_id')}"
    )
    return (
        f"SELECT 1, ct.{q('app_label')}, p.{q('codename')} {joined} "
        f"JOIN {q(user_permissions.m2m_db_table())} up "
        f"ON up.{q(user_permissions.m2m_reverse_name())} = p.{q('id')} "
        f"WHERE up.{q(user_permissions.m2m_column_name())} = %s "
        f"UNION ALL SELECT 0, ct.{q('app_label')}, p.{q('codename')} {joined} "
        f"JOIN {q(group_permissions.m2m_db_table())} gp "
        f"ON gp.{q(group_permissions.m2m_reverse_name())} = p.{q('id')} "
        f"JOIN {q(user_groups.m2m_db_table())} ug "
        f"ON ug.{q(user_groups.m2m_reverse_name())} = gp.{q(group_permissions.m2m_column_name())} "
        f"WHERE ug.{q(user_groups.m2m_column_name())} = %s"
    )


def permissions_key(user):
    """What the app list's permission checks read of ``user`` (every ModelAdmin of the
    project decides from ``is_active``, ``is_superuser`` and ``has_perm``)."""
    if not user.is_active:
        return ("inactive",)
    if user.is_superuser:
        return ("superuser",)
    return frozenset(user.get_all_permissions())


_sidebars: OrderedDict = OrderedDict()
_lock = Lock()


def nav_sidebar_html(request, render) -> str:
    """``render()`` once per (language, script prefix, path, permissions); the newest
    ``SIDEBAR_ENTRIES`` are kept."""
    key = (
        get_language(),
        get_script_prefix(),
        request.path,
        permissions_key(request.user),
    )
    with _lock:
        html = _sidebars.get(key)
        if html is not None:
            _sidebars.move_to_end(key)
            return html
    html = render()
    with _lock:
        _sidebars[key] = html
        while len(_sidebars) > SIDEBAR_ENTRIES:
            _sidebars.popitem(last=False)
    return html
