"""Bank transfer (Havale/EFT): our receiving bank accounts and the accounting desk's records."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.validators import validate_tr_iban

__all__ = ["BankAccount"]


class BankAccount(models.Model):
    """One of our accounts that customers transfer to; only active ones are shown to users."""

    bank_name = models.CharField(_("banka"), max_length=120)
    branch = models.CharField(_("şube"), max_length=120, blank=True)
    account_holder = models.CharField(_("hesap sahibi"), max_length=255)
    iban = models.CharField(
        _("IBAN"),
        max_length=26,
        unique=True,
        validators=[validate_tr_iban],
        help_text=_("TR ile başlayan 26 karakter; boşluklu yazılabilir."),
    )
    is_active = models.BooleanField(
        _("aktif"), default=True, help_text=_("Yalnızca aktif hesaplar kullanıcılara gösterilir.")
    )
    display_order = models.PositiveSmallIntegerField(_("sıra"), default=0)
    created_at = models.DateTimeField(_("oluşturulma"), auto_now_add=True)
    updated_at = models.DateTimeField(_("güncellenme"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("banka hesabı")
        verbose_name_plural = _("banka hesapları")
        ordering = ["display_order", "bank_name"]

    def __str__(self) -> str:
        return f"{self.bank_name} — {self.iban}"
