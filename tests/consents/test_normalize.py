"""Normalisation and validation: property tests (hypothesis) and the rules by example."""

from datetime import datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from consents import normalize
from consents.normalize import (
    TURKEY,
    ConsentInvalid,
    consent_clean,
    normalize_email,
    normalize_phone,
)

MOBILE = st.builds(
    lambda second, rest: f"5{second}{rest}",
    st.sampled_from("013456"),
    st.text("0123456789", min_size=8, max_size=8),
)
LANDLINE = st.builds(
    lambda first, rest: f"{first}{rest}",
    st.sampled_from("234"),
    st.text("0123456789", min_size=9, max_size=9),
)
NATIONAL = st.one_of(MOBILE, LANDLINE)


def _spaced(national: str, style: int) -> str:
    groups = f"{national[:3]} {national[3:6]} {national[6:8]} {national[8:]}"
    return [
        national,
        "0" + national,
        "+90" + national,
        "90" + national,
        "0090" + national,
        "0" + groups,
        "+90 " + groups,
        f"+90 ({national[:3]}) {national[3:6]}-{national[6:8]}-{national[8:]}",
        f" 0{national[:3]}.{national[3:]} ",
    ][style]


@given(NATIONAL, st.integers(0, 8))
def test_every_written_form_of_a_number_is_one_recipient(national, style):
    assert normalize_phone(_spaced(national, style)) == "+90" + national


@given(st.text(max_size=20))
def test_any_accepted_phone_is_e164_and_stable(text):
    try:
        phone = normalize_phone(text)
    except ConsentInvalid as error:
        assert error.field == "recipient" and error.code and str(error.message).startswith("Alıcı:")
        assert len(str(error.rule)) > 10
        return
    assert phone.startswith("+90") and len(phone) == 13 and phone[1:].isdigit()
    assert normalize_phone(phone) == phone


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("", "recipient_required"),
        ("0532 123 45 6", "phone_length"),
        ("0612 123 45 67", "phone_prefix"),
        ("0572 123 45 67", "phone_prefix"),
        ("+1 202 555 0101", "phone_not_turkish"),
        ("0532-ABC-4567", "phone_characters"),
    ],
)
def test_phone_refusals_name_the_rule(raw, code):
    with pytest.raises(ConsentInvalid) as info:
        normalize_phone(raw)
    assert info.value.code == code
    assert info.value.field == "recipient"


def test_landlines_and_850_are_accepted():
    assert normalize_phone("0212 555 01 01") == "+902125550101"
    assert normalize_phone("0850 222 00 00") == "+908502220000"


LOCAL = st.text(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-+", min_size=1, max_size=20
).filter(lambda s: not s.startswith(".") and not s.endswith(".") and ".." not in s)
LABEL = st.text(
    "abcçdefgğhıijklmnoöprsştuüvyzABCÇDEFGĞHIİJKLMNOÖPRSŞTUÜVYZ0123456789", min_size=1, max_size=15
)


@given(LOCAL, st.lists(LABEL, min_size=1, max_size=3), st.sampled_from(["com", "com.tr", "net"]))
def test_emails_are_canonical_and_stable(local, labels, tld):
    raw = f"  {local}@{'.'.join(labels)}.{tld} "
    try:
        email = normalize_email(raw)
    except ConsentInvalid as error:
        assert error.field == "recipient" and error.code.startswith("email")
        return
    assert email == email.strip().lower() and email.isascii()
    assert normalize_email(email) == email
    assert (
        normalize_email(raw.upper()) == email
        if local.isascii() and labels == [label for label in labels if label.isascii()]
        else True
    )


def test_email_domain_in_idna():
    assert normalize_email(" Ayşe.Yılmaz@Örnek.COM.TR ".replace("ş", "s").replace("ı", "i")) == (
        "ayse.yilmaz@xn--rnek-4qa.com.tr"
    )


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("ayşe@ornek.com", "email_local_ascii"),
        ("ali@", "email_format"),
        ("ali@ornek", "email_format"),
    ],
)
def test_email_refusals(raw, code):
    with pytest.raises(ConsentInvalid) as info:
        normalize_email(raw)
    assert info.value.code == code


BASE = {
    "recipient": "05321234567",
    "channel": "MESAJ",
    "recipient_type": "BIREYSEL",
    "status": "ONAY",
    "source": "HS_WEB",
    "consent_date": "2024-03-01 10:00:00",
}


@pytest.mark.parametrize(
    ("change", "field", "code"),
    [
        ({"channel": "FAKS"}, "type", "type_invalid"),
        ({"recipient_type": "KURUM"}, "recipientType", "recipient_type_invalid"),
        ({"status": "EVET"}, "status", "status_invalid"),
        ({"channel": "EPOSTA"}, "recipient", "email_required"),
        ({"recipient": "ali@ornek.com"}, "recipient", "phone_required"),
        ({"source": ""}, "source", "source_required"),
        ({"source": "HS_FAKS"}, "source", "source_invalid"),
        ({"consent_date": ""}, "consentDate", "date_required"),
        ({"consent_date": "01/03/2024"}, "consentDate", "date_format"),
        ({"source": "HS_2015"}, "source", "hs_2015_date"),
    ],
)
def test_every_refusal_names_field_and_rule(change, field, code):
    with pytest.raises(ConsentInvalid) as info:
        consent_clean(**{**BASE, **change})
    assert (info.value.field, info.value.code) == (field, code)
    assert ":" in info.value.message


def test_future_date_refused_and_hs_2015_allowed_before_may_2015():
    future = (timezone.now() + timedelta(hours=1)).astimezone(TURKEY).strftime("%Y-%m-%d %H:%M:%S")
    with pytest.raises(ConsentInvalid) as info:
        consent_clean(**{**BASE, "consent_date": future})
    assert info.value.code == "date_future"
    cleaned = consent_clean(**{**BASE, "source": "HS_2015", "consent_date": "2015-04-30 23:59:59"})
    assert cleaned.consent_date == datetime(2015, 4, 30, 23, 59, 59, tzinfo=TURKEY)


def test_tacir_may_leave_source_and_date_out():
    cleaned = consent_clean(
        **{**BASE, "recipient_type": "tacir", "source": "", "consent_date": None}
    )
    assert (cleaned.recipient_type, cleaned.source, cleaned.consent_date) == ("TACIR", "", None)


# The fast paths (common shapes by slicing, cached domains and dates) against the general rules.


def _outcome(function, *args):
    try:
        return ("ok", function(*args))
    except ConsentInvalid as error:
        return ("refused", error.field, error.code, str(error.message))


PHONE_LIKE = st.one_of(
    st.text("0123456789+ ()-./٣x", max_size=16),
    st.builds(lambda d: "0" + d, st.text("0123456789", min_size=9, max_size=11)),
    st.builds(lambda d: "+90" + d, st.text("0123456789", min_size=9, max_size=11)),
    st.builds(lambda d: d, st.text("0123456789", min_size=9, max_size=11)),
    st.builds(lambda d, pad: pad + d + pad, NATIONAL, st.sampled_from(["", " ", "\t"])),
)


@given(PHONE_LIKE)
def test_phone_fast_path_equals_the_general_rules(text):
    assert _outcome(normalize_phone, text) == _outcome(normalize._phone_general, text.strip())


def _reference_email(value):
    """normalize_email as it was before the cache: Django's EmailValidator on every address."""
    text = str(value or "").strip()
    if not text:
        raise ConsentInvalid("recipient", "recipient_required", "e-posta adresi boş olamaz.")
    local, at, domain = text.rpartition("@")
    if not at or not local or not domain:
        raise ConsentInvalid("recipient", "email_format", "biçim")
    if not local.isascii():
        raise ConsentInvalid("recipient", "email_local_ascii", "ascii")
    ascii_domain = normalize._idna(domain)
    if ascii_domain is None:
        raise ConsentInvalid("recipient", "email_domain", "alan adı")
    address = f"{local.lower()}@{ascii_domain}"
    try:
        EmailValidator()(address)
    except ValidationError:
        raise ConsentInvalid("recipient", "email_format", "biçim") from None
    if len(address) > 254:
        raise ConsentInvalid("recipient", "email_length", "uzunluk")
    return address


EMAIL_LIKE = st.one_of(
    st.builds(
        lambda local, labels, tld: f" {local}@{'.'.join(labels)}{tld}",
        st.text('abcXYZ09._-+"\\ @', min_size=0, max_size=12),
        st.lists(LABEL, min_size=0, max_size=3),
        st.sampled_from(["", ".com", ".com.tr", ".", ".c", "[127.0.0.1]", "localhost"]),
    ),
    st.text(max_size=30),
    st.builds(lambda n: "a" * n + "@ornek.com", st.integers(200, 320)),
)


def _code_or_value(function, value):
    outcome = _outcome(function, value)
    return outcome[:3] if outcome[0] == "refused" else outcome


@given(EMAIL_LIKE)
def test_email_cached_path_equals_the_email_validator(text):
    assert _code_or_value(normalize_email, text) == _code_or_value(_reference_email, text)


DATE_LIKE = st.one_of(
    st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31)).map(
        lambda d: d.strftime("%Y-%m-%d %H:%M:%S")
    ),
    st.builds(
        lambda y, mo, d, h, mi, s, sep: f"{y:04d}-{mo:02d}-{d:02d}{sep}{h:02d}:{mi:02d}:{s:02d}",
        st.integers(0, 9999),
        st.integers(0, 13),
        st.integers(0, 32),
        st.integers(0, 25),
        st.integers(0, 61),
        st.integers(0, 61),
        st.sampled_from([" ", "T", "  "]),
    ),
    st.text("0123456789-: .٣", max_size=22),
)


@given(DATE_LIKE)
def test_date_fast_path_equals_the_general_rules(text):
    normalize._DATES.clear()
    first = _outcome(normalize.parse_consent_date, text)
    assert first == _outcome(normalize._date_general, text.strip()) if text else True
    assert _outcome(normalize.parse_consent_date, text) == first  # cached: the same again


@given(
    st.sampled_from(["MESAJ", " mesaj ", "Arama", "EPOSTA", "eposta", "FAKS", ""]),
    st.sampled_from(["BIREYSEL", "tacir ", "Bireysel", "X"]),
    st.sampled_from(["ONAY", "ret", " Onay", "HAYIR"]),
    st.sampled_from(["HS_WEB", " hs_web", "HS_2015", "hs_eposta", "", None, "HS_YOK"]),
)
def test_canonical_and_written_choices_are_cleaned_alike(channel, recipient_type, status, source):
    recipient = "ali@ornek.com" if "posta" in channel.lower() else "05321234567"
    values = {
        "recipient": recipient,
        "recipient_type": recipient_type,
        "status": status,
        "source": source,
        "consent_date": "2014-05-01 10:00:00",
    }
    written = _outcome(lambda: consent_clean(channel=channel, **values))
    canonical = {k: v.strip().upper() if isinstance(v, str) else v for k, v in values.items()}
    canonical["recipient"] = recipient
    canonical["consent_date"] = values["consent_date"]
    assert written == _outcome(lambda: consent_clean(channel=channel.strip().upper(), **canonical))
