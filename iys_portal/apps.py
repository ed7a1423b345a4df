from django.apps import AppConfig


class IysPortalConfig(AppConfig):
    name = "iys_portal"
    verbose_name = "İYS Portal"

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the system checks)
