"""İLETİ+ quote requests and support's offers (split from ``models`` by subject)."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from iys_portal.formatting import money


class QuoteRequest(models.Model):
    """An İLETİ+ quote request (address count above the largest fixed package); support
    handles it in the admin."""

    class Status(models.TextChoices):
        OPEN = "open", _("Açık")
        OFFERED = "offered", _("Teklif gönderildi")
        ACCEPTED = "accepted", _("Teklif kabul edildi")
        ANSWERED = "answered", _("Yanıtlandı")
        CLOSED = "closed", _("Kapatıldı")

    service_provider = models.ForeignKey(
        "accounts.ServiceProvider",
        on_delete=models.PROTECT,
        related_name="quote_requests",
        verbose_name=_("hizmet sağlayıcı"),
    )
    phone_count = models.PositiveIntegerField(_("telefon numarası sayısı"))
    email_count = models.PositiveIntegerField(_("e-posta adresi sayısı"))
    address_count = models.PositiveIntegerField(_("adres sayısı"))
    contact_email = models.EmailField(_("iletişim e-postası"))
    contact_phone = models.CharField(_("iletişim telefonu"), max_length=20, blank=True)
    note = models.TextField(_("açıklama"), blank=True)
    status = models.CharField(
        _("durum"), max_length=20, choices=Status.choices, default=Status.OPEN
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("oluşturulma"), default=timezone.now)
    # The offer (priced by support in the admin; the customer accepts it in the portal).
    offer_net_amount = models.DecimalField(
        _("teklif: yıllık tutar (KDV hariç)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
    )
    offer_vat_rate = models.DecimalField(
        _("teklif: KDV oranı"), max_digits=4, decimal_places=2, default=Decimal("0.20")
    )
    offer_valid_until = models.DateField(_("teklif geçerlilik tarihi"), null=True, blank=True)
    offer_note = models.TextField(_("teklif notu"), blank=True, max_length=1000)
    offered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("teklifi veren"),
    )
    offered_at = models.DateTimeField(_("teklif tarihi"), null=True, blank=True)
    offer_emailed_at = models.DateTimeField(_("teklif e-postası"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("kabul eden"),
    )
    accepted_at = models.DateTimeField(_("kabul tarihi"), null=True, blank=True)
    order = models.OneToOneField(
        "packages.Order",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="quote",
        verbose_name=_("sipariş"),
    )

    class Meta:
        verbose_name = _("İLETİ+ teklif talebi")
        verbose_name_plural = _("İLETİ+ teklif talepleri")
        ordering = ["-created_at"]
        permissions = [("price_quoterequest", _("İLETİ+ teklifi fiyatlandırıp gönderebilir"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(offer_net_amount__isnull=True) | Q(offer_net_amount__gt=0),
                name="quote_offer_positive",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["offered", "accepted"])
                | Q(offer_net_amount__isnull=False, offered_at__isnull=False),
                name="quote_offer_priced",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.service_provider} — {self.address_count}"

    @property
    def offer_vat_amount(self) -> Decimal:
        return money((self.offer_net_amount or 0) * self.offer_vat_rate)

    @property
    def offer_total(self) -> Decimal:
        return money((self.offer_net_amount or 0) + self.offer_vat_amount)

    def offer_expired(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.offer_valid_until is not None and self.offer_valid_until < today
