"""Bank transfer (Havale/EFT): our receiving bank accounts and the accounting desk's records."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.validators import validate_tr_iban
from iys_portal.formatting import group_iban
from iys_portal.notices import Notice
from packages.models import Order

__all__ = ["BankAccount", "BankTransfer", "TransferNotice", "TransferOrder"]


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
        return f"{self.bank_name} — {group_iban(self.iban)}"


class TransferOrder(Order):
    """An order paid by bank transfer, as the accounting desk sees it (admin list, CSV)."""

    class Meta:
        proxy = True
        verbose_name = _("havale/EFT siparişi")
        verbose_name_plural = _("havale/EFT siparişleri")
        permissions = [
            ("confirm_transferorder", _("Havale/EFT ödemesini onaylayabilir ya da reddedebilir")),
        ]


class BankTransfer(models.Model):
    """The accounting desk's decision on money that arrived (or did not) for an order.

    One confirmation per order at most (a constraint, besides the row lock in the service);
    rejections can repeat, since the customer may pay again after one.
    """

    class Outcome(models.TextChoices):
        CONFIRMED = "confirmed", _("Onaylandı")
        REJECTED = "rejected", _("Reddedildi")

    order = models.ForeignKey(
        Order, on_delete=models.PROTECT, related_name="bank_transfers", verbose_name=_("sipariş")
    )
    outcome = models.CharField(_("sonuç"), max_length=20, choices=Outcome.choices)
    expected_amount = models.DecimalField(_("sipariş tutarı"), max_digits=12, decimal_places=2)
    amount_received = models.DecimalField(
        _("gelen tutar"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    value_date = models.DateField(_("valör tarihi"), null=True, blank=True)
    bank_account = models.ForeignKey(
        BankAccount,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="transfers",
        verbose_name=_("gelen hesap"),
    )
    bank_reference = models.CharField(_("banka referansı"), max_length=64, blank=True)
    amount_mismatch = models.BooleanField(
        _("tutar farklı"),
        default=False,
        help_text=_("Gelen tutar sipariş tutarından farklıydı ve bilerek kabul edildi."),
    )
    note = models.TextField(_("not"), blank=True)
    reason = models.TextField(_("ret gerekçesi"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("işlemi yapan"),
    )
    decided_at = models.DateTimeField(_("işlem zamanı"), default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("havale/EFT kaydı")
        verbose_name_plural = _("havale/EFT kayıtları")
        ordering = ["-decided_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["order"],
                condition=Q(outcome="confirmed"),
                name="banktransfer_one_confirmation_per_order",
            ),
            models.UniqueConstraint(
                fields=["bank_account", "bank_reference"],
                condition=Q(outcome="confirmed") & ~Q(bank_reference=""),
                name="banktransfer_reference_used_once_per_account",
            ),
            models.CheckConstraint(
                condition=~Q(outcome="confirmed")
                | (
                    Q(amount_received__isnull=False)
                    & Q(value_date__isnull=False)
                    & Q(bank_account__isnull=False)
                ),
                name="banktransfer_confirmation_complete",
            ),
            models.CheckConstraint(
                condition=~Q(outcome="rejected") | ~Q(reason=""),
                name="banktransfer_rejection_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order.code} — {self.get_outcome_display()}"


class TransferNotice(Notice):
    """An e-mail to the customer about a transfer order; the unique key makes each one go out
    once however often the task or the triggering click repeats."""

    class Kind(models.TextChoices):
        INSTRUCTIONS = "instructions", _("Ödeme talimatı")
        REMINDER = "reminder", _("Son gün hatırlatması")
        CONFIRMED = "confirmed", _("Ödeme onayı")
        REJECTED = "rejected", _("Ödeme reddi")

    SEND_TASK = "payments.send_transfer_notice"

    order = models.ForeignKey(
        Order, on_delete=models.CASCADE, related_name="transfer_notices", verbose_name=_("sipariş")
    )
    kind = models.CharField(_("tür"), max_length=20, choices=Kind.choices)
    # The deadline the notice is about (instructions, reminder) or the decision's id.
    key = models.CharField(_("anahtar"), max_length=64)
    bank_transfer = models.ForeignKey(
        BankTransfer, on_delete=models.CASCADE, null=True, blank=True, related_name="notices"
    )

    class Meta:
        verbose_name = _("havale/EFT bildirimi")
        verbose_name_plural = _("havale/EFT bildirimleri")
        constraints = [
            models.UniqueConstraint(
                fields=["order", "kind", "key"], name="transfernotice_once_per_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.order.code}: {self.get_kind_display()}"
