"""Bank statements imported by the accounting desk: each credit line, the order it was matched
to, and the confirmation it led to. Lines are unique per account by the bank's own identity of
the transaction, so importing a statement again (or an overlapping one) adds nothing."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from packages.models import Order

from .transfer import BankAccount, BankTransfer

__all__ = ["BankStatement", "StatementLine"]


class BankStatement(models.Model):
    class Format(models.TextChoices):
        MT940 = "mt940", _("MT940 (SWIFT)")
        TABLE = "table", _("CSV / Excel")

    bank_account = models.ForeignKey(
        BankAccount,
        on_delete=models.PROTECT,
        related_name="statements",
        verbose_name=_("banka hesabı"),
    )
    file_format = models.CharField(_("biçim"), max_length=10, choices=Format.choices)
    file_name = models.CharField(_("dosya adı"), max_length=255)
    # SHA-256 of the file: the same file imported twice is the same statement.
    digest = models.CharField(_("özet"), max_length=64, unique=True, editable=False)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("yükleyen"),
    )
    imported_at = models.DateTimeField(_("yüklenme"), default=timezone.now)
    credit_count = models.PositiveIntegerField(_("alacak hareketi"), default=0)
    skipped_count = models.PositiveIntegerField(_("daha önce yüklenmiş hareket"), default=0)

    class Meta:
        verbose_name = _("banka ekstresi")
        verbose_name_plural = _("banka ekstreleri")
        ordering = ["-imported_at", "-id"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.bank_account.bank_name})"


class StatementLine(models.Model):
    """One credit (money in) on a statement."""

    class Match(models.TextChoices):
        PROPOSED = "proposed", _("Eşleşme önerildi")
        UNMATCHED = "unmatched", _("Eşleşmedi")
        CONFIRMED = "confirmed", _("Onaylandı")

    statement = models.ForeignKey(
        BankStatement, on_delete=models.CASCADE, related_name="lines", verbose_name=_("ekstre")
    )
    bank_account = models.ForeignKey(
        BankAccount, on_delete=models.PROTECT, related_name="+", verbose_name=_("banka hesabı")
    )
    # The bank's reference of the transaction, or a fingerprint of date, amount and description.
    transaction_key = models.CharField(_("hareket anahtarı"), max_length=128)
    bank_reference = models.CharField(_("banka referansı"), max_length=64, blank=True)
    value_date = models.DateField(_("valör tarihi"))
    amount = models.DecimalField(_("tutar"), max_digits=12, decimal_places=2)
    description = models.TextField(_("açıklama"), blank=True)
    counterparty = models.CharField(_("gönderen"), max_length=255, blank=True)
    match = models.CharField(
        _("eşleşme"), max_length=12, choices=Match.choices, default=Match.UNMATCHED
    )
    order = models.ForeignKey(
        Order,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sipariş"),
    )
    match_note = models.CharField(_("eşleşme notu"), max_length=255, blank=True)
    bank_transfer = models.ForeignKey(
        BankTransfer,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="statement_lines",
        verbose_name=_("havale/EFT kaydı"),
    )

    class Meta:
        verbose_name = _("ekstre hareketi")
        verbose_name_plural = _("ekstre hareketleri")
        ordering = ["value_date", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["bank_account", "transaction_key"], name="statementline_once_per_account"
            )
        ]

    def __str__(self) -> str:
        return f"{self.value_date} {self.amount} {self.description[:40]}"
