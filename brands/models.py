from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from iys_portal.validators import validate_display_text


class Channel(models.TextChoices):
    """İYS consent channels (the API's ``type``)."""

    MESAJ = "MESAJ", _("MESAJ")
    ARAMA = "ARAMA", _("ARAMA")
    EPOSTA = "EPOSTA", _("EPOSTA")


class Brand(models.Model):
    """A brand of a service provider; İYS consents and authorizations are kept per brand."""

    service_provider = models.ForeignKey(
        "accounts.ServiceProvider",
        on_delete=models.PROTECT,
        related_name="brands",
        verbose_name=_("hizmet sağlayıcı"),
    )
    name = models.CharField(_("marka adı"), max_length=150, validators=[validate_display_text])
    code = models.PositiveBigIntegerField(_("marka kodu"), unique=True)
    is_active = models.BooleanField(_("aktif"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ekleyen"),
    )
    created_at = models.DateTimeField(_("eklenme"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("marka")
        verbose_name_plural = _("markalar")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["service_provider", "name"], name="brand_unique_name_per_provider"
            ),
            models.CheckConstraint(condition=~Q(name=""), name="brand_name_not_empty"),
            # The target of the consent's composite foreign key (brand, provider): on PostgreSQL
            # a consent's brand must belong to the consent's provider (consents migration 0003).
            models.UniqueConstraint(
                fields=["id", "service_provider"], name="brand_id_provider_key"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Integrator(models.Model):
    """A company in İYS's integrator directory: a business partner or an AHS (kept by staff)."""

    class Kind(models.TextChoices):
        PARTNER = "partner", _("İş ortağı")
        AHS = "ahs", _("Aracı hizmet sağlayıcı (AHS)")

    title = models.CharField(_("unvan"), max_length=255, validators=[validate_display_text])
    code = models.PositiveBigIntegerField(_("İYS entegratör kodu"), unique=True)
    kind = models.CharField(_("tür"), max_length=10, choices=Kind.choices)
    is_active = models.BooleanField(_("aktif"), default=True)
    description = models.CharField(
        _("kısa açıklama"), max_length=300, blank=True, validators=[validate_display_text]
    )

    class Meta:
        verbose_name = _("entegratör")
        verbose_name_plural = _("entegratörler")
        ordering = ["title"]
        constraints = [
            # Grants point at (id, kind): on PostgreSQL a composite foreign key keeps a grant's
            # kind equal to its integrator's (migration 0002), so an AHS can never be granted
            # partner access by relabelling it.
            models.UniqueConstraint(fields=["id", "kind"], name="integrator_id_kind_key"),
            models.CheckConstraint(
                condition=Q(kind__in=["partner", "ahs"]), name="integrator_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class GrantQuerySet(models.QuerySet):
    def live(self) -> "GrantQuerySet":
        """Grants not revoked or replaced (whether a partner grant works also needs a package:
        ``selectors.grant_is_effective``)."""
        return self.filter(revoked_at__isnull=True)


class Grant(models.Model):
    """One authorization of an integrator for a brand, on some channels.

    Rows are never deleted or edited after the fact: changing a grant revokes it and creates a
    new one, so the rows of a brand are its full history.
    """

    class EndReason(models.TextChoices):
        REVOKED = "revoked", _("Yetki kaldırıldı")
        REPLACED = "replaced", _("Yeni yetkilendirmeyle değiştirildi")

    brand = models.ForeignKey(
        Brand, on_delete=models.PROTECT, related_name="grants", verbose_name=_("marka")
    )
    integrator = models.ForeignKey(
        Integrator, on_delete=models.PROTECT, related_name="grants", verbose_name=_("entegratör")
    )
    kind = models.CharField(_("tür"), max_length=10, choices=Integrator.Kind.choices)
    mesaj = models.BooleanField(_("MESAJ"), default=False)
    arama = models.BooleanField(_("ARAMA"), default=False)
    eposta = models.BooleanField(_("EPOSTA"), default=False)
    can_read = models.BooleanField(_("okuma"), default=True)
    can_write = models.BooleanField(_("yazma"), default=False)
    can_reconcile = models.BooleanField(_("mutabakat"), default=False)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("yetkiyi veren"),
    )
    granted_at = models.DateTimeField(_("yetki tarihi"), default=timezone.now)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("kaldıran"),
    )
    revoked_at = models.DateTimeField(_("kaldırılma tarihi"), null=True, blank=True)
    end_reason = models.CharField(
        _("bitiş nedeni"), max_length=10, choices=EndReason.choices, blank=True
    )
    replaced_by = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaces",
        verbose_name=_("yerine gelen yetki"),
    )

    objects = GrantQuerySet.as_manager()

    class Meta:
        verbose_name = _("yetkilendirme")
        verbose_name_plural = _("yetkilendirmeler")
        ordering = ["-granted_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="partner")
                | Q(can_read=True, can_write=False, can_reconcile=False),
                name="grant_ahs_read_only",
                violation_error_message=_(
                    "Aracı hizmet sağlayıcıya yalnızca okuma yetkisi verilebilir."
                ),
            ),
            # A partner always reads; write and reconciliation are the owner's choice (İYS:
            # per brand × channel × {okuma, yazma, mutabakat}; docs/integration.md).
            models.CheckConstraint(
                condition=Q(kind="ahs") | Q(can_read=True),
                name="grant_partner_reads",
            ),
            models.CheckConstraint(
                condition=Q(mesaj=True) | Q(arama=True) | Q(eposta=True),
                name="grant_has_a_channel",
            ),
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True, revoked_by__isnull=True, end_reason="")
                | Q(
                    revoked_at__isnull=False,
                    revoked_by__isnull=False,
                    end_reason__in=["revoked", "replaced"],
                ),
                name="grant_revocation_complete",
            ),
            models.UniqueConstraint(
                fields=["brand"],
                condition=Q(kind="partner", revoked_at__isnull=True),
                name="grant_one_active_partner_per_brand",
            ),
            models.UniqueConstraint(
                fields=["brand", "integrator"],
                condition=Q(revoked_at__isnull=True),
                name="grant_one_active_grant_per_integrator_and_brand",
            ),
        ]
        indexes = [models.Index(fields=["brand", "revoked_at"], name="grant_brand_active_idx")]

    def __str__(self) -> str:
        return f"{self.integrator} → {self.brand.name} ({', '.join(self.channels)})"

    @property
    def is_active(self) -> bool:
        """Live: not revoked or replaced (the row form of ``Grant.objects.live()``)."""
        return self.revoked_at is None

    @property
    def is_partner(self) -> bool:
        return self.kind == Integrator.Kind.PARTNER

    @property
    def channels(self) -> list[str]:
        return [c.value for c in Channel if getattr(self, CHANNEL_FIELDS[c.value])]

    @property
    def channel_labels(self) -> list[str]:
        """The channels in the reader's language (MESAJ reads MESSAGE in English)."""
        return [str(Channel(value).label) for value in self.channels]

    def covers(self, channel: str) -> bool:
        return bool(getattr(self, CHANNEL_FIELDS[str(channel)]))


CHANNEL_FIELDS = {"MESAJ": "mesaj", "ARAMA": "arama", "EPOSTA": "eposta"}
