from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Hesaplar ve hizmet sağlayıcılar")

    def ready(self):
        from django.core.checks import Tags, register

        from .checks import authorization_request_safety

        register(authorization_request_safety, Tags.security, deploy=True)
