"""The integration API's own records: API users of integrators, their tokens, batches and the
access log. Grants themselves live in ``brands``; consents in ``consents``."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ApiUser(models.Model):
    """A machine login of one integrator (partner or AHS), created by support in the admin.

    The secret is random (256 bits), shown once and kept as its SHA-256: a slow password hash
    protects guessable passwords, not random keys, and would cost every token request."""

    integrator = models.ForeignKey(
        "brands.Integrator",
        on_delete=models.PROTECT,
        related_name="api_users",
        verbose_name=_("entegratör"),
    )
    username = models.CharField(_("kullanıcı adı"), max_length=80, unique=True)
    secret_hash = models.CharField(_("parola özeti"), max_length=64, editable=False)
    is_active = models.BooleanField(_("etkin"), default=True)
    rate_limit = models.PositiveIntegerField(
        _("dakikalık istek sınırı"),
        null=True,
        blank=True,
        help_text=_("Boş bırakılırsa varsayılan sınır uygulanır."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("oluşturan"),
    )
    created_at = models.DateTimeField(_("oluşturulma"), default=timezone.now)
    disabled_at = models.DateTimeField(_("devre dışı bırakılma"), null=True, blank=True)

    class Meta:
        verbose_name = _("API kullanıcısı")
        verbose_name_plural = _("API kullanıcıları")
        ordering = ["integrator__title", "username"]

    def __str__(self) -> str:
        return self.username


class ApiToken(models.Model):
    """One access token and its refresh token, both opaque and stored as SHA-256 only."""

    api_user = models.ForeignKey(
        ApiUser, on_delete=models.CASCADE, related_name="tokens", verbose_name=_("API kullanıcısı")
    )
    access_hash = models.CharField(max_length=64, unique=True)
    refresh_hash = models.CharField(max_length=64, unique=True)
    access_expires_at = models.DateTimeField(_("erişim bitişi"))
    refresh_expires_at = models.DateTimeField(_("yenileme bitişi"))
    created_at = models.DateTimeField(_("oluşturulma"), default=timezone.now)
    revoked_at = models.DateTimeField(_("iptal"), null=True, blank=True)

    class Meta:
        verbose_name = _("API belirteci")
        verbose_name_plural = _("API belirteçleri")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.api_user_id} {self.created_at:%Y-%m-%d %H:%M}"


class ApiBatch(models.Model):
    """«consents/request»: up to 1,000 consents processed by one Celery task, with one result
    per input row (``index``)."""

    class Status(models.TextChoices):
        ENQUEUE = "enqueue", _("Sırada")
        PROCESSING = "processing", _("İşleniyor")
        DONE = "done", _("Tamamlandı")

    request_id = models.UUIDField(_("istek no"), default=uuid.uuid4, unique=True)
    api_user = models.ForeignKey(ApiUser, on_delete=models.PROTECT, related_name="batches")
    service_provider = models.ForeignKey(
        "accounts.ServiceProvider", on_delete=models.PROTECT, related_name="+"
    )
    brand = models.ForeignKey("brands.Brand", on_delete=models.PROTECT, related_name="+")
    idempotency_key = models.CharField(_("Idempotency-Key"), max_length=100, blank=True)
    body_sha256 = models.CharField(max_length=64)
    items = models.JSONField(_("satırlar"), default=list)
    results = models.JSONField(_("sonuçlar"), default=list)
    status = models.CharField(
        _("durum"), max_length=10, choices=Status.choices, default=Status.ENQUEUE
    )
    created_at = models.DateTimeField(_("gönderim"), default=timezone.now)
    started_at = models.DateTimeField(_("başlama"), null=True, blank=True)
    finished_at = models.DateTimeField(_("bitiş"), null=True, blank=True)

    class Meta:
        verbose_name = _("API toplu isteği")
        verbose_name_plural = _("API toplu istekleri")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["api_user", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="apibatch_one_per_idempotency_key",
            ),
        ]

    def __str__(self) -> str:
        return str(self.request_id)


class AccessLog(models.Model):
    """One API call. The recipient is never stored in clear: ``recipient_hash`` is an HMAC with
    the site's secret, so support can match a complaint to calls without a readable list."""

    at = models.DateTimeField(_("zaman"), default=timezone.now)
    api_user = models.ForeignKey(
        ApiUser, on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_index=False
    )
    integrator = models.ForeignKey(
        "brands.Integrator",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    service_provider = models.ForeignKey(
        "accounts.ServiceProvider",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    brand = models.ForeignKey(
        "brands.Brand", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    grant = models.ForeignKey(
        "brands.Grant",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    endpoint = models.CharField(_("uç nokta"), max_length=30)
    http_status = models.PositiveSmallIntegerField(_("HTTP durumu"))
    error_code = models.CharField(_("hata kodu"), max_length=40, blank=True)
    recipient_hash = models.CharField(_("alıcı özeti"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("API erişim kaydı")
        verbose_name_plural = _("API erişim kayıtları")
        ordering = ["-at", "-id"]
        indexes = [
            # The newest calls first (the admin's list), without sorting the whole log.
            models.Index(fields=["-at", "-id"], name="accesslog_recent_idx"),
            models.Index(fields=["grant", "at"], name="accesslog_grant_at_idx"),
            models.Index(fields=["integrator", "at"], name="accesslog_integrator_at_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.endpoint} {self.http_status}"


class AccessLogFlush(models.Model):
    """A batch of access-log rows moved from the Redis buffer into ``AccessLog``
    (``accesslog.access_log_flush``). Written in the same transaction as its rows, so a batch
    that a crashed flush left in Redis after its rows were committed is not written twice."""

    batch = models.CharField(_("parti"), max_length=32, unique=True)
    at = models.DateTimeField(_("zaman"), default=timezone.now, db_index=True)
    rows = models.PositiveIntegerField(_("satır"), default=0)

    class Meta:
        verbose_name = _("API erişim kaydı aktarımı")
        verbose_name_plural = _("API erişim kaydı aktarımları")

    def __str__(self) -> str:
        return f"{self.batch} ({self.rows})"
