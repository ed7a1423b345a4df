"""The portal's admin site: Django's, with the navigation sidebar (the app list) worked out only
when a page renders it, and rendered once per process for each thing it depends on.

``AdminSite.each_context`` builds ``available_apps`` (every registered model: its permissions,
two reversed URLs) for every admin page; the sidebar template then renders a table row per
model. Both depend only on the user's permissions, the language, the script prefix and the
page's path (the current model is highlighted), so the rendered sidebar is kept per those
(``nav_sidebar_html``); a new permission, language or page is a new entry.
"""

from collections import OrderedDict
from threading import Lock

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
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


class PortalAdminConfig(AdminConfig):
    default_site = "iys_portal.admin_site.PortalAdminSite"


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
