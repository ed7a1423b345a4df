"""The consent registry: current consents, their append-only history, uploads, exports and the
measured address count.

Every change goes through ``consents.services``; models hold fields and constraints only.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from brands.models import Channel


class RecipientType(models.TextChoices):
    BIREYSEL = "BIREYSEL", _("Bireysel")
    TACIR = "TACIR", _("Tacir")


class Status(models.TextChoices):
    ONAY = "ONAY", _("Onay")
    RET = "RET", _("Ret")


class Source(models.TextChoices):
    HS_FIZIKSEL_ORTAM = "HS_FIZIKSEL_ORTAM", _("Fiziksel ortam")
    HS_ISLAK_IMZA = "HS_ISLAK_IMZA", _("Islak imza")
    HS_WEB = "HS_WEB", _("Web sitesi")
    HS_CAGRI_MERKEZI = "HS_CAGRI_MERKEZI", _("Çağrı merkezi")
    HS_SOSYAL_MEDYA = "HS_SOSYAL_MEDYA", _("Sosyal medya")
    HS_EPOSTA = "HS_EPOSTA", _("E-posta")
    HS_MESAJ = "HS_MESAJ", _("Mesaj")
    HS_MOBIL = "HS_MOBIL", _("Mobil uygulama")
    HS_EORTAM = "HS_EORTAM", _("Elektronik ortam")
    HS_ETKINLIK = "HS_ETKINLIK", _("Etkinlik")
    HS_2015 = "HS_2015", _("2015 öncesi izin")
    HS_ATM = "HS_ATM", _("ATM")
    HS_KARAR = "HS_KARAR", _("Mahkeme / kurum kararı")


class AddressKind(models.TextChoices):
    PHONE = "phone", _("Telefon numarası")
    EMAIL = "email", _("E-posta adresi")


def kind_of(channel: str) -> str:
    return AddressKind.EMAIL if channel == Channel.EPOSTA else AddressKind.PHONE


class RecordedVia(models.TextChoices):
    WEB = "web", _("Portal (İzin Ekle)")
    UPLOAD = "upload", _("Toplu Yükleme")
    API = "api", _("Entegrasyon (API)")


def _recorded_by_field(**options) -> models.ForeignKey:
    # No single-column index: never searched alone, and every index costs each of the
    # millions of inserts (see bench/RESULTS.md).
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("kaydeden"),
        db_index=False,
        **options,
    )


def _upload_field(**options) -> models.ForeignKey:
    return models.ForeignKey(
        "consents.UploadBatch",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("yükleme"),
        db_index=False,
        **options,
    )


class _Recorded(models.Model):
    """Who recorded a change: a portal user, an upload batch or an API client (the integration
    API's client model comes with its own issue; its id is kept here until then)."""

    recorded_at = models.DateTimeField(_("kayıt zamanı"), default=timezone.now)
    recorded_via = models.CharField(_("kayıt kanalı"), max_length=10, choices=RecordedVia.choices)
    recorded_by = _recorded_by_field()
    upload = _upload_field()
    api_client_id = models.PositiveBigIntegerField(_("API istemcisi"), null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def recorder(self):
        """The user who recorded this: the portal user, or who uploaded the file. Rows of an
        upload name only the upload (their ``recorded_by`` is empty; rows written before that
        change may still carry the user); select ``recorded_by`` and ``upload__created_by``."""
        if self.recorded_by_id is not None:
            return self.recorded_by
        if self.upload_id is not None:
            return self.upload.created_by
        return None


RECORDED_COMPLETE = (
    Q(recorded_via="web", recorded_by__isnull=False)
    | Q(recorded_via="upload", upload__isnull=False)
    | Q(recorded_via="api", api_client_id__isnull=False)
)


class Consent(_Recorded):
    """The current consent of one recipient for one brand on one channel."""

    # Both covered by the composite indexes below (provider + recipient, brand + recipient).
    # In the database the two are one composite foreign key (brand_id, service_provider_id) →
    # brands_brand (id, service_provider_id), DEFERRABLE INITIALLY DEFERRED like Django's own
    # (migration 0003, PostgreSQL; Django 5.2 has no composite ForeignKey field): a consent's
    # brand must belong to its provider, and a brand (so its provider, which its brands
    # protect) with consents cannot be deleted — one key check per row at commit instead of
    # two (~3 µs each, bench/RESULTS.md). ``on_delete=PROTECT`` still holds in the ORM.
    service_provider = models.ForeignKey(
        "accounts.ServiceProvider",
        on_delete=models.PROTECT,
        related_name="consents",
        verbose_name=_("hizmet sağlayıcı"),
        db_index=False,
        db_constraint=False,
    )
    brand = models.ForeignKey(
        "brands.Brand",
        on_delete=models.PROTECT,
        related_name="consents",
        verbose_name=_("marka"),
        db_index=False,
        db_constraint=False,
    )
    recipient = models.CharField(_("alıcı"), max_length=254)
    channel = models.CharField(_("kanal"), max_length=6, choices=Channel.choices)
    recipient_type = models.CharField(_("alıcı tipi"), max_length=8, choices=RecipientType.choices)
    status = models.CharField(_("durum"), max_length=4, choices=Status.choices)
    source = models.CharField(_("kaynak"), max_length=20, choices=Source.choices, blank=True)
    consent_date = models.DateTimeField(_("izin tarihi"), null=True, blank=True)
    transaction_id = models.UUIDField(_("işlem no"), default=uuid.uuid4)
    created_at = models.DateTimeField(_("ilk kayıt"), default=timezone.now)

    class Meta:
        verbose_name = _("izin")
        verbose_name_plural = _("izinler")
        ordering = ["-recorded_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["brand", "recipient", "channel"], name="consent_one_per_brand_recipient"
            ),
            models.CheckConstraint(condition=RECORDED_COMPLETE, name="consent_recorded_by"),
            models.CheckConstraint(
                condition=Q(recipient_type="TACIR")
                | (~Q(source="") & Q(consent_date__isnull=False)),
                name="consent_individual_has_source_and_date",
            ),
        ]
        indexes = [
            models.Index(fields=["service_provider", "recipient"], name="consent_sp_recipient_idx"),
            models.Index(
                fields=["service_provider", "-recorded_at", "-id"], name="consent_sp_recent_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.recipient} {self.channel} {self.status}"

    @property
    def kind(self) -> str:
        return kind_of(self.channel)


class ConsentEvent(_Recorded):
    """One change of a consent, never edited or deleted: the history, and the changes feed
    (ordered by id) that the integration API serves to partners with reconciliation rights.

    Only ``consent`` is a foreign key in the database. ``service_provider``, ``brand``,
    ``recorded_by`` and ``upload`` are copies of the consent's values at the time of the change
    and have no database constraint (``db_constraint=False``): every event is written in the
    same transaction as its consent row (``consents.writes.write``), and that row's own foreign
    keys check the same provider, brand, user and upload, so the event's checks would test the
    same values a second time — four of the nine key checks per new consent at commit, ~3.4 µs
    each (bench/RESULTS.md). The ORM still refuses to delete a provider, brand, user or upload
    that has events (``on_delete=PROTECT`` is enforced by Django's collector, not the database);
    tests/consents/test_event_copies.py checks both.
    """

    class Action(models.TextChoices):
        CREATED = "created", _("Eklendi")
        CHANGED = "changed", _("Değişti")

    consent = models.ForeignKey(Consent, on_delete=models.PROTECT, related_name="events")
    # Copies of the consent's values: no database constraint (see the docstring).
    service_provider = models.ForeignKey(
        "accounts.ServiceProvider",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    brand = models.ForeignKey(
        "brands.Brand",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    recorded_by = _recorded_by_field(db_constraint=False)
    upload = _upload_field(db_constraint=False)
    action = models.CharField(_("işlem"), max_length=10, choices=Action.choices)
    recipient = models.CharField(_("alıcı"), max_length=254)
    channel = models.CharField(_("kanal"), max_length=6, choices=Channel.choices)
    recipient_type = models.CharField(_("alıcı tipi"), max_length=8, choices=RecipientType.choices)
    status = models.CharField(_("durum"), max_length=4, choices=Status.choices)
    previous_status = models.CharField(
        _("önceki durum"), max_length=4, choices=Status.choices, blank=True
    )
    source = models.CharField(_("kaynak"), max_length=20, choices=Source.choices, blank=True)
    consent_date = models.DateTimeField(_("izin tarihi"), null=True, blank=True)
    transaction_id = models.UUIDField(_("işlem no"), unique=True, default=uuid.uuid4)

    class Meta:
        verbose_name = _("izin hareketi")
        verbose_name_plural = _("izin hareketleri")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=RECORDED_COMPLETE, name="consentevent_recorded_by"),
        ]
        indexes = [
            models.Index(fields=["service_provider", "brand", "id"], name="consentevent_feed_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.recipient} {self.channel} {self.previous_status or '—'} → {self.status}"


class AddressCounter(models.Model):
    """Distinct recipients with at least one ONAY, per provider and kind (phones, e-mails);
    changed in the same transaction as the consents, so reading the address count is O(1).
    The row is also the provider's write lock: every consent change takes it first."""

    service_provider = models.ForeignKey(
        "accounts.ServiceProvider", on_delete=models.CASCADE, related_name="address_counters"
    )
    kind = models.CharField(_("tür"), max_length=5, choices=AddressKind.choices)
    count = models.BigIntegerField(_("sayı"), default=0)
    updated_at = models.DateTimeField(_("güncellenme"), default=timezone.now)

    class Meta:
        verbose_name = _("adres sayacı")
        verbose_name_plural = _("adres sayaçları")
        constraints = [
            models.UniqueConstraint(
                fields=["service_provider", "kind"], name="addresscounter_one_per_kind"
            ),
            models.CheckConstraint(condition=Q(count__gte=0), name="addresscounter_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.service_provider_id} {self.kind}: {self.count}"


class AddressNotice(models.Model):
    """The address count reached 80% or 100% of the active package's limit: recorded once per
    crossing (cleared when the count falls below again), e-mailed to the authorized person."""

    service_provider = models.ForeignKey(
        "accounts.ServiceProvider", on_delete=models.CASCADE, related_name="address_notices"
    )
    threshold = models.PositiveSmallIntegerField(_("eşik (%)"))
    address_count = models.BigIntegerField(_("adres sayısı"))
    address_limit = models.BigIntegerField(_("paket sınırı"))
    package_name = models.CharField(_("paket"), max_length=60)
    crossed_at = models.DateTimeField(_("aşılma zamanı"), default=timezone.now)
    emailed_at = models.DateTimeField(_("e-posta gönderildi"), null=True, blank=True)
    cleared_at = models.DateTimeField(_("eşiğin altına inme"), null=True, blank=True)

    class Meta:
        verbose_name = _("adres sınırı bildirimi")
        verbose_name_plural = _("adres sınırı bildirimleri")
        ordering = ["-crossed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["service_provider", "threshold"],
                condition=Q(cleared_at__isnull=True),
                name="addressnotice_one_open_per_threshold",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.service_provider_id} %{self.threshold}"


def _upload_path(instance, filename: str) -> str:
    now = timezone.now()
    return f"consent_uploads/{now:%Y/%m}/{uuid.uuid4().hex}{_suffix(filename)}"


def _result_path(instance, filename: str) -> str:
    now = timezone.now()
    return f"consent_uploads/{now:%Y/%m}/{uuid.uuid4().hex}-hatalar.csv"


def _export_path(instance, filename: str) -> str:
    now = timezone.now()
    return f"consent_exports/{now:%Y/%m}/{uuid.uuid4().hex}.csv"


def _suffix(filename: str) -> str:
    lowered = filename.lower()
    return ".xlsx" if lowered.endswith(".xlsx") else ".csv"


class UploadBatch(models.Model):
    """«Toplu Yükleme»: one uploaded file, its column mapping, progress and result."""

    class Status(models.TextChoices):
        MAPPING = "mapping", _("Sütun eşleştirme bekleniyor")
        QUEUED = "queued", _("Sırada")
        PROCESSING = "processing", _("İşleniyor")
        DONE = "done", _("Tamamlandı")
        FAILED = "failed", _("İşlenemedi")

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        XLSX = "xlsx", "Excel"

    service_provider = models.ForeignKey(
        "accounts.ServiceProvider", on_delete=models.PROTECT, related_name="consent_uploads"
    )
    brand = models.ForeignKey(
        "brands.Brand", on_delete=models.PROTECT, related_name="+", verbose_name=_("marka")
    )
    file = models.FileField(_("dosya"), upload_to=_upload_path, max_length=200)
    original_name = models.CharField(_("dosya adı"), max_length=255)
    file_format = models.CharField(_("biçim"), max_length=4, choices=Format.choices)
    file_sha256 = models.CharField(_("SHA-256"), max_length=64)
    columns = models.JSONField(_("sütunlar"), default=list)
    mapping = models.JSONField(_("eşleştirme"), default=dict)
    status = models.CharField(
        _("durum"), max_length=10, choices=Status.choices, default=Status.MAPPING
    )
    total_rows = models.PositiveIntegerField(_("satır"), null=True, blank=True)
    processed_rows = models.PositiveIntegerField(_("işlenen"), default=0)
    created_count = models.PositiveIntegerField(_("eklenen"), default=0)
    changed_count = models.PositiveIntegerField(_("değişen"), default=0)
    unchanged_count = models.PositiveIntegerField(_("değişmeyen"), default=0)
    rejected_count = models.PositiveIntegerField(_("reddedilen"), default=0)
    result_file = models.FileField(
        _("hata dosyası"), upload_to=_result_path, max_length=200, blank=True
    )
    error = models.CharField(_("hata"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("yükleme zamanı"), default=timezone.now)
    started_at = models.DateTimeField(_("başlama"), null=True, blank=True)
    finished_at = models.DateTimeField(_("bitiş"), null=True, blank=True)

    class Meta:
        verbose_name = _("toplu yükleme")
        verbose_name_plural = _("toplu yüklemeler")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        if not self.total_rows:
            return 0
        return min(99, self.processed_rows * 100 // self.total_rows)


class ExportJob(models.Model):
    """«Dışa Aktar» of a large filtered list, built in the background."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Sırada")
        DONE = "done", _("Hazır")
        FAILED = "failed", _("Hazırlanamadı")

    service_provider = models.ForeignKey(
        "accounts.ServiceProvider", on_delete=models.PROTECT, related_name="consent_exports"
    )
    filters = models.JSONField(_("süzgeçler"), default=dict)
    status = models.CharField(
        _("durum"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    row_count = models.PositiveIntegerField(_("satır"), default=0)
    file = models.FileField(_("dosya"), upload_to=_export_path, max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("istek zamanı"), default=timezone.now)
    finished_at = models.DateTimeField(_("bitiş"), null=True, blank=True)

    class Meta:
        verbose_name = _("dışa aktarma")
        verbose_name_plural = _("dışa aktarmalar")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.service_provider_id} {self.created_at:%Y-%m-%d %H:%M}"
