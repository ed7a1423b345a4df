from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class IysPortalConfig(AppConfig):
    name = "iys_portal"
    verbose_name = "İYS Portal"

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the system checks)


class PortalAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin, with the portal's site (iys_portal.admin_site)."""

    default = False  # iys_portal's own config stays IysPortalConfig
    default_site = "iys_portal.admin_site.PortalAdminSite"
