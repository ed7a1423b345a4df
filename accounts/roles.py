"""What a delegate may do for a company (J11). The authorized person always holds every role."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    VIEW = "view", _("Görüntüleme")
    CONSENTS = "consents", _("İzin yönetimi")
    BRANDS = "brands", _("Marka yönetimi")
    PURCHASING = "purchasing", _("Satın alma")


ROLE_HELP = {
    Role.VIEW: _("Tüm sayfaları görür; değişiklik yapamaz."),
    Role.CONSENTS: _("İzin ekler, dosya yükler, dışa aktarır."),
    Role.BRANDS: _("Marka ekler, iş ortağı ve AHS yetkilendirir, yetki kaldırır."),
    Role.PURCHASING: _("Paket satın alır, ödeme yapar, sipariş iptal eder."),
}

# Every delegate reads; the others are added by the authorized person.
BASE_ROLES = frozenset({Role.VIEW.value})
ALL_ROLES = frozenset(Role.values)
ORDERED = tuple(Role.values)


def normalize_roles(roles) -> list[str]:
    """A valid, ordered role list that always contains «Görüntüleme»; unknown codes raise."""
    chosen = {str(r) for r in roles or ()}
    unknown = chosen - ALL_ROLES
    if unknown:
        raise ValueError(f"unknown roles: {sorted(unknown)}")
    chosen |= BASE_ROLES
    return [r for r in ORDERED if r in chosen]


def role_labels(roles) -> list[str]:
    return [str(Role(r).label) for r in ORDERED if r in set(roles or ())]
