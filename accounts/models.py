from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from iys_portal.validators import validate_display_multiline_text, validate_display_text

from .roles import ALL_ROLES, BASE_ROLES, normalize_roles, role_labels
from .validators import validate_mersis, validate_tax_number, validate_tckn


def default_roles() -> list[str]:
    return sorted(BASE_ROLES)


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, tckn: str, password: str | None = None, **fields):
        validate_tckn(tckn)
        user = self.model(tckn=tckn, **fields)
        if password:
            user.set_password(password)
        else:
            # Portal users come through e-Devlet and never have a usable password.
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_superuser(self, tckn: str, password: str | None = None, **fields):
        fields.update(is_staff=True, is_superuser=True)
        return self.create_user(tckn, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person, identified by T.C. kimlik no (as e-Devlet returns it)."""

    tckn = models.CharField(
        _("T.C. kimlik no"), max_length=11, unique=True, validators=[validate_tckn]
    )
    first_name = models.CharField(
        _("ad"), max_length=100, blank=True, validators=[validate_display_text]
    )
    last_name = models.CharField(
        _("soyad"), max_length=100, blank=True, validators=[validate_display_text]
    )
    email = models.EmailField(_("e-posta"), blank=True)
    is_staff = models.BooleanField(_("personel"), default=False)
    is_active = models.BooleanField(_("aktif"), default=True)
    date_joined = models.DateTimeField(_("kayıt tarihi"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "tckn"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("kişi")
        verbose_name_plural = _("kişiler")

    def __str__(self) -> str:
        return self.get_full_name() or self.tckn

    def get_full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self) -> str:
        return self.first_name

    @property
    def masked_tckn(self) -> str:
        return f"{self.tckn[:3]}******{self.tckn[-2:]}"


class ServiceProvider(models.Model):
    """A company that sends commercial messages (hizmet sağlayıcı, HS)."""

    title = models.CharField(_("firma unvanı"), max_length=255, validators=[validate_display_text])
    tax_number = models.CharField(
        _("vergi kimlik no"),
        max_length=11,
        unique=True,
        validators=[validate_tax_number],
        help_text=_("VKN (10 hane) ya da şahıs şirketi için T.C. kimlik no (11 hane)."),
    )
    mersis_no = models.CharField(
        _("MERSİS no"), max_length=16, blank=True, validators=[validate_mersis]
    )
    iys_code = models.PositiveBigIntegerField(_("İYS kodu"), unique=True)
    email = models.EmailField(_("iletişim e-postası"))
    phone = models.CharField(_("iletişim telefonu"), max_length=20, blank=True)
    address = models.TextField(_("adres"), blank=True, validators=[validate_display_multiline_text])
    city = models.CharField(
        _("il"), max_length=60, blank=True, default="İstanbul", validators=[validate_display_text]
    )
    created_at = models.DateTimeField(_("oluşturulma"), auto_now_add=True)

    class Meta:
        verbose_name = _("hizmet sağlayıcı")
        verbose_name_plural = _("hizmet sağlayıcılar")
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class Membership(models.Model):
    """Who may act for a service provider: its authorized person, or an approved delegate."""

    class Role(models.TextChoices):
        AUTHORIZED = "authorized", _("Yetkili kişi")
        DELEGATE = "delegate", _("Yetkilendirilmiş kişi")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    service_provider = models.ForeignKey(
        ServiceProvider, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("rol"), max_length=20, choices=Role.choices)
    is_active = models.BooleanField(_("aktif"), default=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("yetkiyi veren"),
    )
    granted_at = models.DateTimeField(_("yetki tarihi"), default=timezone.now)
    deactivated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("kaldıran"),
    )
    deactivated_at = models.DateTimeField(_("kaldırılma tarihi"), null=True, blank=True)
    # A set of roles (accounts.roles.Role values) rather than one: the duties are independent
    # (a purchaser who also manages brands is common) and «Görüntüleme» is always in the set.
    # Meaningful for delegates only; the authorized person holds every role.
    roles = models.JSONField(_("roller"), default=default_roles, blank=True)
    granted_via = models.CharField(
        _("yetkilendirme kanalı"),
        max_length=10,
        blank=True,
        choices=[("portal", _("Yetkili kişi (portal)")), ("support", _("Destek ekibi"))],
    )

    class Meta:
        verbose_name = _("üyelik")
        verbose_name_plural = _("üyelikler")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "service_provider"], name="membership_unique_person_per_provider"
            ),
            models.UniqueConstraint(
                fields=["service_provider"],
                condition=Q(role="authorized", is_active=True),
                name="membership_one_active_authorized_person",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.service_provider} ({self.get_role_display()})"

    @property
    def is_authorized_person(self) -> bool:
        return self.role == self.Role.AUTHORIZED

    @property
    def effective_roles(self) -> frozenset[str]:
        if self.is_authorized_person:
            return ALL_ROLES
        return frozenset(normalize_roles(self.roles))

    @property
    def role_labels(self) -> list[str]:
        return role_labels(self.effective_roles)

    @property
    def granted_by_is_support(self) -> bool:
        """Customers see the team («Destek»), never a clerk's personal name."""
        if self.granted_via:
            return self.granted_via == "support"
        return self.granted_by is not None and self.granted_by.is_staff


class MembershipRoleChange(models.Model):
    """One change of a delegate's roles: who, when, from, to (shown on «Yetkilendirmeler»)."""

    membership = models.ForeignKey(
        Membership, on_delete=models.CASCADE, related_name="role_changes"
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("değiştiren"),
    )
    via = models.CharField(
        _("kanal"),
        max_length=10,
        choices=[("portal", _("Yetkili kişi (portal)")), ("support", _("Destek ekibi"))],
    )
    changed_at = models.DateTimeField(_("değişiklik tarihi"), default=timezone.now)
    roles_before = models.JSONField(_("önceki roller"), default=list, blank=True)
    roles_after = models.JSONField(_("yeni roller"), default=list)

    class Meta:
        verbose_name = _("rol değişikliği")
        verbose_name_plural = _("rol değişiklikleri")
        ordering = ["-changed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.membership} {self.roles_before} → {self.roles_after}"

    @property
    def before_labels(self) -> list[str]:
        return role_labels(self.roles_before)

    @property
    def after_labels(self) -> list[str]:
        return role_labels(self.roles_after)

    @property
    def by_support(self) -> bool:
        return self.via == "support"


def _signed_form_path(instance, filename: str) -> str:
    """Never the uploader's file name: a random one under the request's month."""
    import secrets

    now = timezone.now()
    return f"authorization_requests/{now:%Y/%m}/{instance.number}-{secrets.token_hex(8)}.pdf"


class AuthorizationRequest(models.Model):
    """«İLETİ YÖNETİM SİSTEMİ YETKİLENDİRME TALEP FORMU»: a person asks to act for a company.

    Approval (by the company's authorized person in the portal, or by support in the admin after
    the signed form is uploaded) gives the applicant an active delegate membership.
    """

    class Status(models.TextChoices):
        AWAITING_SIGNATURE = "awaiting_signature", _("İmzalı form bekleniyor")
        SUBMITTED = "submitted", _("İncelemede")
        APPROVED = "approved", _("Onaylandı")
        REJECTED = "rejected", _("Reddedildi")

    class DecidedVia(models.TextChoices):
        PORTAL = "portal", _("Yetkili kişi (portal)")
        SUPPORT = "support", _("Destek ekibi")

    OPEN_STATUSES = (Status.AWAITING_SIGNATURE, Status.SUBMITTED)

    number = models.CharField(_("talep numarası"), max_length=16, unique=True, editable=False)
    service_provider = models.ForeignKey(
        ServiceProvider,
        on_delete=models.PROTECT,
        related_name="authorization_requests",
        verbose_name=_("hizmet sağlayıcı"),
    )
    applicant_tckn = models.CharField(
        _("başvuran T.C. kimlik no"), max_length=11, validators=[validate_tckn]
    )
    applicant_first_name = models.CharField(
        _("başvuran adı"), max_length=100, validators=[validate_display_text]
    )
    applicant_last_name = models.CharField(
        _("başvuran soyadı"), max_length=100, validators=[validate_display_text]
    )
    applicant_email = models.EmailField(_("başvuran e-posta"))
    applicant_phone = models.CharField(_("başvuran cep telefonu"), max_length=20)
    role_reason = models.TextField(
        _("görevi / talep gerekçesi"), max_length=1000, validators=[validate_display_multiline_text]
    )
    requested_roles = models.JSONField(_("istenen roller"), default=default_roles, blank=True)
    status = models.CharField(
        _("durum"),
        max_length=20,
        choices=Status.choices,
        default=Status.AWAITING_SIGNATURE,
        db_index=True,
    )
    upload_nonce = models.CharField(max_length=32, editable=False)
    upload_link_expires_at = models.DateTimeField(
        _("yükleme bağlantısı son geçerlilik"), null=True, blank=True
    )
    signed_form = models.FileField(
        _("İmzalı form (PDF)"), upload_to=_signed_form_path, blank=True, max_length=200
    )
    signed_form_uploaded_at = models.DateTimeField(
        _("İmzalı form yükleme tarihi"), null=True, blank=True
    )
    created_at = models.DateTimeField(_("başvuru tarihi"), default=timezone.now, db_index=True)
    created_ip = models.GenericIPAddressField(_("başvuru IP"), null=True, blank=True)
    decided_via = models.CharField(
        _("karar veren taraf"), max_length=10, choices=DecidedVia.choices, blank=True
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("karar veren"),
    )
    decided_at = models.DateTimeField(_("karar tarihi"), null=True, blank=True)
    rejection_reason = models.TextField(
        _("ret gerekçesi"),
        blank=True,
        max_length=1000,
        validators=[validate_display_multiline_text],
    )
    membership = models.ForeignKey(
        Membership,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("verilen üyelik"),
    )

    class Meta:
        verbose_name = _("yetkilendirme talebi")
        verbose_name_plural = _("yetkilendirme talepleri")
        ordering = ["-created_at"]
        permissions = [
            (
                "decide_authorizationrequest",
                _("Yetkilendirme taleplerini onaylayabilir/reddedebilir"),
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["service_provider", "applicant_tckn"],
                condition=Q(status__in=["awaiting_signature", "submitted"]),
                name="authreq_one_open_request_per_person_and_provider",
            ),
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(rejection_reason=""),
                name="authreq_rejection_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["awaiting_signature", "submitted"])
                | (Q(decided_at__isnull=False) & ~Q(decided_via="")),
                name="authreq_decision_recorded",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def applicant_full_name(self) -> str:
        return f"{self.applicant_first_name} {self.applicant_last_name}".strip()

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def requested_role_labels(self) -> list[str]:
        return role_labels(normalize_roles(self.requested_roles))
