"""Catalog (packages, promotions), contracts, orders and subscriptions.

Models hold fields, constraints and small pure properties; every state change lives in
``packages.services``.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from iys_portal.formatting import money
from iys_portal.notices import Notice


class Package(models.Model):
    """An İLETİ package of the catalog; limits and prices are data, never constants."""

    code = models.SlugField(_("kod"), max_length=30, unique=True)
    name = models.CharField(_("ad"), max_length=60)
    address_limit = models.PositiveIntegerField(
        _("adres sınırı"),
        null=True,
        blank=True,
        help_text=_("Boş bırakılırsa sınırsız (İLETİ+: fiyat teklif üzerine)."),
    )
    yearly_net_price = models.DecimalField(
        _("yıllık fiyat (KDV hariç)"), max_digits=12, decimal_places=2, default=Decimal("0.00")
    )
    vat_rate = models.DecimalField(
        _("KDV oranı"),
        max_digits=4,
        decimal_places=2,
        default=Decimal("0.20"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
        help_text=_("Örneğin %20 için 0,20."),
    )
    always_free = models.BooleanField(_("her zaman ücretsiz"), default=False)
    is_quote_only = models.BooleanField(
        _("yalnızca teklif ile"),
        default=False,
        help_text=_("İLETİ+ gibi fiyatı teklif üzerine belirlenen paket."),
    )
    is_active = models.BooleanField(_("satışta"), default=True)
    display_order = models.PositiveSmallIntegerField(_("sıra"), default=0)

    class Meta:
        verbose_name = _("İLETİ paketi")
        verbose_name_plural = _("İLETİ paketleri")
        ordering = ["display_order", "address_limit"]
        constraints = [
            models.CheckConstraint(
                condition=Q(yearly_net_price__gte=0), name="package_price_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def covers(self, address_count: int) -> bool:
        return self.address_limit is None or self.address_limit >= address_count


class Promotion(models.Model):
    """A window in which some packages (İLETİ-25, İLETİ-75) are free."""

    name = models.CharField(_("ad"), max_length=120)
    packages = models.ManyToManyField(
        Package, related_name="promotions", verbose_name=_("ücretsiz paketler")
    )
    starts_at = models.DateTimeField(_("başlangıç"))
    ends_at = models.DateTimeField(_("bitiş"))

    class Meta:
        verbose_name = _("kampanya")
        verbose_name_plural = _("kampanyalar")
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="promotion_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def is_open(self, at=None) -> bool:
        at = at or timezone.now()
        return self.starts_at <= at < self.ends_at


class ContractVersion(models.Model):
    """The text shown at «Sözleşme Onay»; the newest effective version is the current one."""

    version = models.CharField(_("sürüm"), max_length=20, unique=True)
    title = models.CharField(
        _("başlık"), max_length=200, default="İleti Yönetim Sistemi Paket Hizmet Sözleşmesi"
    )
    text = models.TextField(_("metin"))
    effective_from = models.DateField(_("yürürlük tarihi"))
    created_at = models.DateTimeField(_("oluşturulma"), auto_now_add=True)

    class Meta:
        verbose_name = _("sözleşme sürümü")
        verbose_name_plural = _("sözleşme sürümleri")
        ordering = ["-effective_from", "-id"]

    def __str__(self) -> str:
        return f"{self.title} (v{self.version})"


class Order(models.Model):
    """One purchase of a package. ``code`` is what the customer types into a bank transfer
    description; see ``packages.order_codes`` for its alphabet and check character."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Paket seçildi")
        CONTRACT_ACCEPTED = "contract_accepted", _("Sözleşme onaylandı")
        AWAITING_PAYMENT = "awaiting_payment", _("Ödeme bekleniyor")
        AWAITING_TRANSFER = "awaiting_transfer", _("Banka transferi bekleniyor")
        PAID = "paid", _("Ödendi")
        ACTIVE = "active", _("Tamamlandı")
        CANCELLED = "cancelled", _("İptal edildi")
        EXPIRED = "expired", _("Süresi doldu")
        FAILED = "failed", _("Ödeme başarısız")

    class PaymentMethod(models.TextChoices):
        FREE = "free", _("Ücretsiz")
        CARD = "card", _("Kredi kartı")
        TRANSFER = "transfer", _("Banka transferi (Havale/EFT)")

    class Kind(models.TextChoices):
        NEW = "new", _("Yeni paket")
        UPGRADE = "upgrade", _("Büyük pakete geçiş")
        RENEWAL = "renewal", _("Yenilemede geçerli paket")

    IN_PROGRESS = (
        Status.DRAFT,
        Status.CONTRACT_ACCEPTED,
        Status.AWAITING_PAYMENT,
        Status.AWAITING_TRANSFER,
        Status.FAILED,
        Status.PAID,
    )

    code = models.CharField(_("sipariş kodu"), max_length=16, unique=True, editable=False)
    service_provider = models.ForeignKey(
        "accounts.ServiceProvider",
        on_delete=models.PROTECT,
        related_name="orders",
        verbose_name=_("hizmet sağlayıcı"),
    )
    package = models.ForeignKey(
        Package, on_delete=models.PROTECT, related_name="orders", verbose_name=_("paket")
    )
    kind = models.CharField(_("tür"), max_length=20, choices=Kind.choices, default=Kind.NEW)
    replaces = models.ForeignKey(
        "Subscription",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("değişen abonelik"),
    )
    status = models.CharField(
        _("durum"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    payment_method = models.CharField(
        _("ödeme yöntemi"), max_length=20, choices=PaymentMethod.choices, blank=True
    )
    phone_count = models.PositiveIntegerField(_("telefon numarası sayısı"), default=0)
    email_count = models.PositiveIntegerField(_("e-posta adresi sayısı"), default=0)
    address_count = models.PositiveIntegerField(_("adres sayısı"), default=0)
    net_amount = models.DecimalField(
        _("tutar (KDV hariç)"), max_digits=12, decimal_places=2, default=Decimal("0.00")
    )
    vat_amount = models.DecimalField(
        _("KDV"), max_digits=12, decimal_places=2, default=Decimal("0.00")
    )
    credit_amount = models.DecimalField(
        _("kullanılmayan süre indirimi"), max_digits=12, decimal_places=2, default=Decimal("0.00")
    )
    total_amount = models.DecimalField(
        _("ödenecek tutar (KDV dahil)"), max_digits=12, decimal_places=2, default=Decimal("0.00")
    )
    payment_due_at = models.DateTimeField(_("son ödeme zamanı"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("oluşturan"),
    )
    created_at = models.DateTimeField(_("oluşturulma"), default=timezone.now)
    updated_at = models.DateTimeField(_("güncellenme"), auto_now=True)
    paid_at = models.DateTimeField(_("ödeme zamanı"), null=True, blank=True)
    activated_at = models.DateTimeField(_("etkinleşme zamanı"), null=True, blank=True)

    class Meta:
        verbose_name = _("sipariş")
        verbose_name_plural = _("siparişler")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["service_provider", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(total_amount__gte=0) & Q(credit_amount__gte=0),
                name="order_amounts_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def gross_amount(self) -> Decimal:
        """Package price with VAT, before the credit."""
        return money(self.net_amount + self.vat_amount)

    @property
    def is_free(self) -> bool:
        return self.total_amount == 0

    @property
    def is_in_progress(self) -> bool:
        return self.status in self.IN_PROGRESS

    @property
    def contract_acceptance(self) -> "ContractAcceptance | None":
        """The accepted contract, or None (without raising when there is none)."""
        try:
            return self.acceptance
        except ContractAcceptance.DoesNotExist:
            return None


class OrderTransition(models.Model):
    """One move of an order through its state pipeline: who, when, from, to, why."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(
        _("önceki durum"), max_length=20, choices=Order.Status.choices, blank=True
    )
    to_status = models.CharField(_("yeni durum"), max_length=20, choices=Order.Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("yapan"),
    )
    at = models.DateTimeField(_("zaman"), default=timezone.now)
    note = models.CharField(_("not"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("sipariş durum değişikliği")
        verbose_name_plural = _("sipariş durum değişiklikleri")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.order.code}: {self.from_status} → {self.to_status}"


class ContractAcceptance(models.Model):
    """Who accepted which contract version for an order, when and from where."""

    order = models.OneToOneField(Order, on_delete=models.CASCADE, related_name="acceptance")
    contract_version = models.ForeignKey(
        ContractVersion, on_delete=models.PROTECT, related_name="acceptances"
    )
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    accepted_at = models.DateTimeField(_("onay zamanı"), default=timezone.now)
    ip_address = models.GenericIPAddressField(_("IP adresi"), null=True, blank=True)
    user_agent = models.CharField(_("tarayıcı"), max_length=500, blank=True)
    pdf = models.FileField(_("sözleşme PDF"), upload_to="contracts/%Y/%m/", blank=True)
    pdf_generated_at = models.DateTimeField(_("PDF oluşturulma"), null=True, blank=True)

    class Meta:
        verbose_name = _("sözleşme onayı")
        verbose_name_plural = _("sözleşme onayları")

    def __str__(self) -> str:
        return f"{self.order.code} — v{self.contract_version.version}"


class Subscription(models.Model):
    """A package a service provider holds for one year from activation.

    ``scheduled`` rows wait for the current one to end (a smaller package or a renewal);
    at most one row per provider is ``active`` (database constraint).
    """

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Yenilemede başlayacak")
        ACTIVE = "active", _("Aktif")
        ENDED = "ended", _("Sona erdi")
        CANCELLED = "cancelled", _("İptal edildi")

    class EndReason(models.TextChoices):
        UPGRADED = "upgraded", _("Büyük pakete geçildi")
        LAPSED = "lapsed", _("Süresi doldu")
        REPLACED = "replaced", _("Yeni paket başladı")

    service_provider = models.ForeignKey(
        "accounts.ServiceProvider",
        on_delete=models.PROTECT,
        related_name="subscriptions",
        verbose_name=_("hizmet sağlayıcı"),
    )
    package = models.ForeignKey(
        Package, on_delete=models.PROTECT, related_name="subscriptions", verbose_name=_("paket")
    )
    order = models.OneToOneField(
        Order,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="subscription",
        verbose_name=_("sipariş"),
    )
    status = models.CharField(
        _("durum"), max_length=20, choices=Status.choices, default=Status.ACTIVE, db_index=True
    )
    starts_at = models.DateTimeField(_("başlangıç"))
    ends_at = models.DateTimeField(_("bitiş"))
    ended_at = models.DateTimeField(_("sona erme"), null=True, blank=True)
    end_reason = models.CharField(
        _("sona erme nedeni"), max_length=20, choices=EndReason.choices, blank=True
    )
    created_at = models.DateTimeField(_("oluşturulma"), default=timezone.now)

    class Meta:
        verbose_name = _("abonelik")
        verbose_name_plural = _("abonelikler")
        ordering = ["-starts_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["service_provider"],
                condition=Q(status="active"),
                name="subscription_one_active_per_provider",
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="subscription_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.service_provider} — {self.package}"

    def days_left(self, at=None) -> int:
        at = at or timezone.now()
        today = timezone.localdate(at)
        return max((timezone.localdate(self.ends_at) - today).days, 0)


class SubscriptionReminder(Notice):
    """A reminder e-mail (30, 7, 1 days before the end); unique so it is sent once."""

    SEND_TASK = "packages.send_subscription_reminder"

    subscription = models.ForeignKey(
        Subscription, on_delete=models.CASCADE, related_name="reminders"
    )
    days_before = models.PositiveSmallIntegerField(_("kaç gün önce"))

    class Meta:
        verbose_name = _("bitiş hatırlatması")
        verbose_name_plural = _("bitiş hatırlatmaları")
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "days_before"], name="reminder_once_per_subscription_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subscription} — {self.days_before}"


from .quote_models import QuoteRequest  # noqa: E402, F401  (split by subject; same app)
