"""Card payments: one ``Payment`` per attempt, with an append-only ``PaymentEvent`` log.

Nothing about the card is stored but what a receipt may show (BIN, last four digits, family):
never the number, never the CVC.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from iys_portal.formatting import money

__all__ = ["Payment", "PaymentEvent"]


class Payment(models.Model):
    class Status(models.TextChoices):
        PENDING_3DS = "pending_3ds", _("3-D Secure bekleniyor")
        COMPLETING = "completing", _("Doğrulanıyor")
        SUCCEEDED = "succeeded", _("Başarılı")
        FAILED = "failed", _("Başarısız")
        REFUNDED = "refunded", _("İade edildi")
        # The charge's answer failed the signature or amount check: a person decides.
        UNVERIFIED = "unverified", _("Doğrulanamadı")

    # Reconciliation asks the gateway about these.
    IN_FLIGHT = (Status.PENDING_3DS, Status.COMPLETING)
    # The card may have been charged and nobody knows yet: no new payment for the order.
    UNRESOLVED = (Status.COMPLETING, Status.UNVERIFIED)
    # Not settled: a person may settle these (after checking with iyzico).
    UNSETTLED = (Status.PENDING_3DS, Status.COMPLETING, Status.UNVERIFIED)

    order = models.ForeignKey(
        "packages.Order",
        on_delete=models.PROTECT,
        related_name="card_payments",
        verbose_name=_("sipariş"),
    )
    conversation_id = models.CharField(
        _("işlem numarası"), max_length=64, unique=True, editable=False
    )
    gateway = models.CharField(_("ödeme altyapısı"), max_length=20)
    gateway_payment_id = models.CharField(
        _("iyzico ödeme no"), max_length=64, blank=True, default="", editable=False
    )
    status = models.CharField(
        _("durum"),
        max_length=20,
        choices=Status.choices,
        default=Status.PENDING_3DS,
        db_index=True,
    )
    price = models.DecimalField(_("sipariş tutarı"), max_digits=12, decimal_places=2)
    paid_price = models.DecimalField(_("karttan çekilecek tutar"), max_digits=12, decimal_places=2)
    currency = models.CharField(_("para birimi"), max_length=3, default="TRY")
    installment = models.PositiveSmallIntegerField(_("taksit sayısı"), default=1)
    bin_number = models.CharField(_("kartın ilk 6 hanesi"), max_length=8, blank=True)
    last_four = models.CharField(_("kartın son 4 hanesi"), max_length=4, blank=True)
    card_family = models.CharField(_("kart ailesi"), max_length=40, blank=True)
    conversation_data = models.CharField(
        _("banka oturum verisi"), max_length=500, blank=True, editable=False
    )
    failure_code = models.CharField(_("hata kodu"), max_length=20, blank=True)
    failure_message = models.CharField(_("hata açıklaması"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("başlatan"),
    )
    created_at = models.DateTimeField(_("başlama"), default=timezone.now)
    updated_at = models.DateTimeField(_("güncellenme"), auto_now=True)
    completed_at = models.DateTimeField(_("tamamlanma"), null=True, blank=True)
    receipt_pdf = models.FileField(_("makbuz PDF"), upload_to="receipts/%Y/%m/", blank=True)
    receipt_sent_at = models.DateTimeField(_("makbuz gönderildi"), null=True, blank=True)
    # Reconciliation: unknown answers are asked again with back-off (``next_reconcile_at``).
    reconcile_attempts = models.PositiveIntegerField(_("sorgu sayısı"), default=0)
    next_reconcile_at = models.DateTimeField(_("sonraki sorgu"), null=True, blank=True)
    last_error = models.CharField(_("son hata"), max_length=300, blank=True)
    # «İnceleme gerekiyor»: the outcome could not be established automatically.
    attention_since = models.DateTimeField(
        _("incelemeye alındı"), null=True, blank=True, db_index=True
    )
    attention_reason = models.CharField(_("inceleme nedeni"), max_length=300, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sonuçlandıran"),
    )
    resolved_at = models.DateTimeField(_("sonuçlandırıldı"), null=True, blank=True)

    class Meta:
        verbose_name = _("kart ödemesi")
        verbose_name_plural = _("kart ödemeleri")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["gateway", "gateway_payment_id"],
                condition=~Q(gateway_payment_id=""),
                name="payment_unique_gateway_payment_id",
            ),
            models.CheckConstraint(
                condition=Q(paid_price__gte=models.F("price")) & Q(price__gt=0),
                name="payment_paid_price_covers_price",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order_id} — {self.conversation_id}"

    @property
    def masked_card(self) -> str:
        if not self.last_four:
            return ""
        first = (self.bin_number or "")[:6]
        return f"{first[:4]} {first[4:6]}** **** {self.last_four}"

    @property
    def installment_label(self) -> str:
        return str(_("Peşin")) if self.installment <= 1 else f"{self.installment} {_('Taksit')}"

    @property
    def installment_amount(self) -> Decimal:
        return money(self.paid_price / max(self.installment, 1))

    @property
    def is_in_flight(self) -> bool:
        return self.status in self.IN_FLIGHT

    @property
    def needs_attention(self) -> bool:
        """On the «İnceleme gerekiyor» list: flagged, not yet settled by a verified answer or
        a person."""
        return (
            self.attention_since is not None
            and self.resolved_at is None
            and self.status in self.UNSETTLED
        )


class PaymentEvent(models.Model):
    """What happened to a payment, in order; rows are only ever added."""

    class Kind(models.TextChoices):
        INITIALIZED = "initialized", _("3-D Secure başlatıldı")
        THREEDS_RESULT = "threeds_result", _("3-D Secure sonucu")
        COMPLETED = "completed", _("Ödeme tamamlandı")
        FAILED = "failed", _("Ödeme başarısız")
        TIMEOUT = "timeout", _("Yanıt alınamadı")
        REPLAYED = "replayed", _("Tekrarlanan bildirim")
        REJECTED = "rejected", _("Geçersiz bildirim")
        RECONCILED = "reconciled", _("Mutabakat")
        REFUNDED = "refunded", _("İade edildi")
        RECEIPT = "receipt", _("Makbuz gönderildi")
        UNKNOWN = "unknown", _("Sonuç bilinmiyor")
        VOID_TRIED = "void_tried", _("İptal denendi")
        ATTENTION = "attention", _("İncelemeye alındı")
        RESOLVED = "resolved", _("Personel sonuçlandırdı")

    payment = models.ForeignKey(Payment, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("olay"), max_length=20, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("yapan"),
    )
    at = models.DateTimeField(_("zaman"), default=timezone.now)
    message = models.CharField(_("açıklama"), max_length=300, blank=True)
    data = models.JSONField(_("ayrıntı"), default=dict, blank=True)

    class Meta:
        verbose_name = _("kart ödemesi olayı")
        verbose_name_plural = _("kart ödemesi olayları")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.payment_id}: {self.get_kind_display()}"

    def save(self, *args, **kwargs):
        """A guard, not workflow: the log is evidence, so a written row never changes."""
        if self.pk is not None:
            raise ValueError("payment events are append-only")
        super().save(*args, **kwargs)
