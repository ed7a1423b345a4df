"""Recipients and consent fields on the way in: one canonical form, or a refusal that names the
field and the rule in Turkish (``ConsentInvalid``). Pure functions: no database."""

import re
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

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
_EMAIL_USER = _EMAIL_VALIDATOR.user_regex
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
    """'0532 123 45 67', '532 123 4567', '+90 (532) 123-45-67', '0090532…' → '+905321234567'.

    The shapes a file mostly has (``05321234567``, ``+905321234567``, ``5321234567``, ASCII
    digits only) are checked by slicing; anything else, and every refusal, goes through the
    general rules (``_phone_general``), which give the same result (property-tested)."""
    text = value.strip() if type(value) is str else str(value or "").strip()
    if text.isascii():
        size = len(text)
        if size == 11 and text[0] == "0" and text[1] != "0" and text.isdigit():
            digits = text[1:]
        elif size == 13 and text.startswith("+90") and text[3:].isdigit():
            digits = text[3:]
        elif size == 10 and text[0] in "2345" and text.isdigit():
            digits = text
        else:
            digits = ""
        if digits and (_MOBILE.match(digits) or _LANDLINE.match(digits)):
            return f"+90{digits}"
    return _phone_general(text)


def _phone_general(text: str) -> str:
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
    ascii_domain, domain_valid = _domain(domain)
    if ascii_domain is None:
        raise ConsentInvalid("recipient", "email_domain", _("e-posta adresinin alan adı geçersiz."))
    lowered = local.lower()
    address = f"{lowered}@{ascii_domain}"
    # Django's EmailValidator, with its domain half cached per domain (a file repeats a few
    # domains a million times): the same checks in the same order (property-tested).
    if len(address) > 320 or not _EMAIL_USER.match(lowered) or not domain_valid:
        raise ConsentInvalid(
            "recipient", "email_format", _("e-posta adresi «ad@alanadi.com» biçiminde olmalıdır.")
        )
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


@lru_cache(maxsize=4096)
def _domain(domain: str) -> tuple[str | None, bool]:
    """The domain in IDNA form and whether EmailValidator accepts it as an address's domain."""
    ascii_domain = _idna(domain)
    if ascii_domain is None:
        return None, False
    valid = ascii_domain in _EMAIL_VALIDATOR.domain_allowlist or bool(
        _EMAIL_VALIDATOR.validate_domain_part(ascii_domain)
    )
    return ascii_domain, valid


def _choice(field: str, value, choices, code: str, rule) -> str:
    if type(value) is str and value in choices:  # already canonical (stripped upper case)
        return value
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
    text = value if type(value) is str else str(value)
    parsed = _DATES.get(text)
    if parsed is None:
        parsed = _date_text(text)
        if len(_DATES) >= 4096:
            _DATES.clear()
        _DATES[text] = parsed
    return parsed


_DATES: dict[str, datetime] = {}  # a file repeats its dates; datetimes are immutable


def _date_text(text: str) -> datetime:
    stripped = text.strip()
    if (
        len(stripped) == 19
        and stripped.isascii()
        and stripped[4] == "-"
        and stripped[7] == "-"
        and stripped[10] == " "
        and stripped[13] == ":"
        and stripped[16] == ":"
    ):
        parts = (
            stripped[0:4],
            stripped[5:7],
            stripped[8:10],
            stripped[11:13],
            stripped[14:16],
            stripped[17:19],
        )
        if all(p.isdigit() for p in parts):
            try:
                return datetime(*map(int, parts), tzinfo=TURKEY)
            except ValueError:
                pass
    return _date_general(stripped)


def _date_general(text: str) -> datetime:
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


# The rules' messages, built once (a lazy translation per call and row cost more than the check).
_TYPE_RULE = _("MESAJ, ARAMA ya da EPOSTA olmalıdır.")
_RECIPIENT_TYPE_RULE = _("BIREYSEL ya da TACIR olmalıdır.")
_STATUS_RULE = _("ONAY ya da RET olmalıdır.")
_SOURCE_RULE = _("İYS kaynak listesindeki bir değer olmalıdır (ör. HS_WEB, HS_FIZIKSEL_ORTAM).")


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
    channel = _choice("type", channel, _CHANNELS, "type_invalid", _TYPE_RULE)
    recipient_type = _choice(
        "recipientType",
        recipient_type,
        _RECIPIENT_TYPES,
        "recipient_type_invalid",
        _RECIPIENT_TYPE_RULE,
    )
    status = _choice("status", status, _STATUSES, "status_invalid", _STATUS_RULE)
    has_at = "@" in (recipient if type(recipient) is str else str(recipient or ""))
    if channel == "EPOSTA":
        if not has_at:
            raise ConsentInvalid(
                "recipient", "email_required", _("EPOSTA kanalı için e-posta adresi gereklidir.")
            )
        recipient = normalize_email(recipient)
    else:
        if has_at:
            raise ConsentInvalid(
                "recipient",
                "phone_required",
                _("MESAJ ve ARAMA kanalları için telefon numarası gereklidir."),
            )
        recipient = normalize_phone(recipient)
    is_tacir = recipient_type == "TACIR"
    if type(source) is str and source in _SOURCES:  # already canonical
        pass
    elif source in (None, "") or not str(source).strip():
        if not is_tacir:
            raise ConsentInvalid(
                "source", "source_required", _("bireysel alıcılar için kaynak zorunludur.")
            )
        source = ""
    else:
        source = _choice("source", source, _SOURCES, "source_invalid", _SOURCE_RULE)
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
