"""Recipients and consent fields on the way in: one canonical form, or a refusal that names the
field and the rule in Turkish (``ConsentInvalid``). Pure functions: no database."""

import re
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from brands.models import Channel

from .models import RecipientType, Source, Status

TURKEY = ZoneInfo("Europe/Istanbul")
HS_2015_BEFORE = datetime(2015, 5, 1, tzinfo=TURKEY)
DATE_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d",
    "%d.%m.%Y %H:%M:%S",
    "%d.%m.%Y %H:%M",
    "%d.%m.%Y",
)

FIELD_LABELS = {
    "recipient": _("Alıcı"),
    "type": _("Kanal"),
    "recipientType": _("Alıcı tipi"),
    "status": _("Durum"),
    "source": _("Kaynak"),
    "consentDate": _("İzin tarihi"),
}

# Mobile operators' prefixes (5xx) and geographic area codes (2xx, 3xx, 4xx), plus 850.
_MOBILE = re.compile(r"^5[0134569]\d{8}$")
_LANDLINE = re.compile(r"^(?:[234]\d{9}|850\d{7})$")
_PHONE_CHARS = re.compile(r"^\+?[\d\s().\-/]+$")
_EMAIL_VALIDATOR = EmailValidator()
# TextChoices.values builds a new list on every call: the upload checks millions of values.
_CHANNELS = frozenset(Channel.values)
_RECIPIENT_TYPES = frozenset(RecipientType.values)
_STATUSES = frozenset(Status.values)
_SOURCES = frozenset(Source.values)
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$")


class ConsentInvalid(Exception):
    """A refused value: ``field`` (the API's name), a stable ``code`` and a Turkish message."""

    def __init__(self, field: str, code: str, rule):
        self.field = field
        self.code = code
        self.rule = rule
        super().__init__(f"{field}: {code}")

    @property
    def message(self) -> str:
        return f"{FIELD_LABELS[self.field]}: {self.rule}"


def normalize_phone(value: str) -> str:
    """'0532 123 45 67', '532 123 4567', '+90 (532) 123-45-67', '0090532…' → '+905321234567'."""
    text = str(value or "").strip()
    if not text:
        raise ConsentInvalid("recipient", "recipient_required", _("telefon numarası boş olamaz."))
    if not _PHONE_CHARS.match(text):
        raise ConsentInvalid(
            "recipient",
            "phone_characters",
            _("telefon numarası yalnızca rakam, boşluk, +, -, (, ) içerebilir."),
        )
    digits = re.sub(r"\D", "", text)
    international = text.startswith("+") or digits.startswith("00")
    if digits.startswith("00"):
        digits = digits[2:]
    if international or (digits.startswith("90") and len(digits) in (12, 13)):
        if not digits.startswith("90"):
            raise ConsentInvalid(
                "recipient",
                "phone_not_turkish",
                _("yalnızca Türkiye (+90) telefon numaraları kaydedilebilir."),
            )
        digits = digits[2:]
    if digits.startswith("0"):
        digits = digits[1:] if len(digits) == 11 else ""
    if len(digits) != 10:
        raise ConsentInvalid(
            "recipient",
            "phone_length",
            _("telefon numarası alan koduyla birlikte 10 haneli olmalıdır (ör. 0532 123 45 67)."),
        )
    if not (_MOBILE.match(digits) or _LANDLINE.match(digits)):
        raise ConsentInvalid(
            "recipient",
            "phone_prefix",
            _(
                "telefon numarası bir cep telefonu (5xx) ya da sabit hat alan koduyla "
                "(2xx, 3xx, 4xx, 850) başlamalıdır."
            ),
        )
    return f"+90{digits}"


def normalize_email(value: str) -> str:
    """Trimmed, lower-cased, the domain in IDNA (ASCII) form: ' Ali@Örnek.COM.tr ' →
    'ali@xn--rnek-4qa.com.tr'."""
    text = str(value or "").strip()
    if not text:
        raise ConsentInvalid("recipient", "recipient_required", _("e-posta adresi boş olamaz."))
    local, at, domain = text.rpartition("@")
    if not at or not local or not domain:
        raise ConsentInvalid(
            "recipient", "email_format", _("e-posta adresi «ad@alanadi.com» biçiminde olmalıdır.")
        )
    if not local.isascii():
        raise ConsentInvalid(
            "recipient",
            "email_local_ascii",
            _("e-posta adresinin @ işaretinden önceki kısmı Türkçe karakter içeremez."),
        )
    ascii_domain = _idna(domain)
    if ascii_domain is None:
        raise ConsentInvalid("recipient", "email_domain", _("e-posta adresinin alan adı geçersiz."))
    address = f"{local.lower()}@{ascii_domain}"
    try:
        _EMAIL_VALIDATOR(address)
    except ValidationError:
        raise ConsentInvalid(
            "recipient", "email_format", _("e-posta adresi «ad@alanadi.com» biçiminde olmalıdır.")
        ) from None
    if len(address) > 254:
        raise ConsentInvalid(
            "recipient", "email_length", _("e-posta adresi en fazla 254 karakter olabilir.")
        )
    return address


@lru_cache(maxsize=4096)
def _idna(domain: str) -> str | None:
    """A file repeats a few domains thousands of times; nameprep is the costly part."""
    try:
        return domain.rstrip(".").encode("idna").decode("ascii").lower()
    except UnicodeError:
        return None


def _choice(field: str, value, choices, code: str, rule) -> str:
    text = str(value or "").strip().upper()
    if text not in choices:
        raise ConsentInvalid(field, code, rule)
    return text


def parse_consent_date(value) -> datetime | None:
    """'YYYY-MM-DD HH:mm:ss' in Turkey time (also 'GG.AA.YYYY'); datetimes pass through."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value if timezone.is_aware(value) else value.replace(tzinfo=TURKEY)
    text = str(value).strip()
    match = _ISO_DATE.match(text)
    if match:  # the İYS format, parsed without strptime (the upload's hot path)
        try:
            return datetime(*map(int, match.groups()), tzinfo=TURKEY)
        except ValueError:
            pass
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).replace(tzinfo=TURKEY)  # noqa: DTZ007
        except ValueError:
            continue
    raise ConsentInvalid(
        "consentDate", "date_format", _("tarih «YYYY-AA-GG SS:dd:ss» biçiminde olmalıdır.")
    )


@dataclass(frozen=True)
class ConsentInput:
    recipient: str
    channel: str
    recipient_type: str
    status: str
    source: str
    consent_date: datetime | None


def consent_clean(
    *,
    recipient,
    channel,
    recipient_type,
    status,
    source=None,
    consent_date=None,
    now: datetime | None = None,
) -> ConsentInput:
    """Validate and normalise one consent; the first broken rule is raised."""
    channel = _choice(
        "type",
        channel,
        _CHANNELS,
        "type_invalid",
        _("MESAJ, ARAMA ya da EPOSTA olmalıdır."),
    )
    recipient_type = _choice(
        "recipientType",
        recipient_type,
        _RECIPIENT_TYPES,
        "recipient_type_invalid",
        _("BIREYSEL ya da TACIR olmalıdır."),
    )
    status = _choice("status", status, _STATUSES, "status_invalid", _("ONAY ya da RET olmalıdır."))
    if channel == "EPOSTA":
        if "@" not in str(recipient or ""):
            raise ConsentInvalid(
                "recipient", "email_required", _("EPOSTA kanalı için e-posta adresi gereklidir.")
            )
        recipient = normalize_email(recipient)
    else:
        if "@" in str(recipient or ""):
            raise ConsentInvalid(
                "recipient",
                "phone_required",
                _("MESAJ ve ARAMA kanalları için telefon numarası gereklidir."),
            )
        recipient = normalize_phone(recipient)
    is_tacir = recipient_type == "TACIR"
    if source in (None, "") or not str(source).strip():
        if not is_tacir:
            raise ConsentInvalid(
                "source", "source_required", _("bireysel alıcılar için kaynak zorunludur.")
            )
        source = ""
    else:
        source = _choice(
            "source",
            source,
            _SOURCES,
            "source_invalid",
            _("İYS kaynak listesindeki bir değer olmalıdır (ör. HS_WEB, HS_FIZIKSEL_ORTAM)."),
        )
    parsed = parse_consent_date(consent_date)
    if parsed is None and not is_tacir:
        raise ConsentInvalid(
            "consentDate", "date_required", _("bireysel alıcılar için izin tarihi zorunludur.")
        )
    if parsed is not None:
        if parsed > (now or timezone.now()):
            raise ConsentInvalid("consentDate", "date_future", _("gelecekte bir tarih olamaz."))
        if source == "HS_2015" and parsed >= HS_2015_BEFORE:
            raise ConsentInvalid(
                "source",
                "hs_2015_date",
                _("HS_2015 kaynağı yalnızca 1 Mayıs 2015'ten önceki izinler için kullanılabilir."),
            )
    return ConsentInput(recipient, channel, recipient_type, status, source, parsed)
