"""Turkish identifiers: T.C. kimlik no, vergi kimlik no, MERSİS no, TR IBAN.

Pure ``is_valid_*`` predicates (used by property tests) plus Django validators that raise
``ValidationError`` with a Turkish message.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_DIGITS = re.compile(r"^\d+$")


def tckn_check_digits(first_nine: str) -> str:
    """The 10th and 11th digits of a TCKN whose first nine digits are given."""
    d = [int(c) for c in first_nine]
    d10 = (7 * (d[0] + d[2] + d[4] + d[6] + d[8]) - (d[1] + d[3] + d[5] + d[7])) % 10
    d11 = (sum(d) + d10) % 10
    return f"{d10}{d11}"


def is_valid_tckn(value: str) -> bool:
    if not isinstance(value, str) or len(value) != 11 or not _DIGITS.match(value):
        return False
    if value[0] == "0":
        return False
    return tckn_check_digits(value[:9]) == value[9:]


def vkn_check_digit(first_nine: str) -> str:
    total = 0
    for i, char in enumerate(first_nine):
        t = (int(char) + 9 - i) % 10
        v = (t * 2 ** (9 - i)) % 9
        if t != 0 and v == 0:
            v = 9
        total += v
    return str((10 - total % 10) % 10)


def is_valid_vkn(value: str) -> bool:
    if not isinstance(value, str) or len(value) != 10 or not _DIGITS.match(value):
        return False
    return vkn_check_digit(value[:9]) == value[9]


def is_valid_mersis(value: str) -> bool:
    """MERSİS numbers have no public checksum: 16 digits is all that can be checked."""
    return isinstance(value, str) and len(value) == 16 and bool(_DIGITS.match(value))


def normalize_iban(value: str) -> str:
    return "".join(str(value).split()).upper()


def iban_check_digits(country: str, bban: str) -> str:
    rearranged = bban + country + "00"
    number = int("".join(str(int(c, 36)) for c in rearranged))
    return f"{98 - number % 97:02d}"


def is_valid_tr_iban(value: str) -> bool:
    iban = normalize_iban(value)
    if not re.fullmatch(r"TR\d{2}\d{5}0[0-9A-Z]{16}", iban):
        return False
    rearranged = iban[4:] + iban[:4]
    return int("".join(str(int(c, 36)) for c in rearranged)) % 97 == 1


def validate_tckn(value: str) -> None:
    if not is_valid_tckn(value):
        raise ValidationError(
            _("Geçerli bir T.C. kimlik numarası giriniz (11 hane)."), code="invalid_tckn"
        )


def validate_tax_number(value: str) -> None:
    """A company's tax number: a VKN, or the TCKN of a sole proprietor."""
    if not (is_valid_vkn(value) or is_valid_tckn(value)):
        raise ValidationError(
            _(
                "Geçerli bir vergi kimlik numarası (10 hane) ya da şahıs şirketleri için "
                "T.C. kimlik numarası (11 hane) giriniz."
            ),
            code="invalid_tax_number",
        )


def validate_mersis(value: str) -> None:
    if not is_valid_mersis(value):
        raise ValidationError(_("MERSİS numarası 16 haneden oluşmalıdır."), code="invalid_mersis")


def validate_tr_iban(value: str) -> None:
    if not is_valid_tr_iban(value):
        raise ValidationError(
            _("Geçerli bir TR IBAN giriniz (TR ile başlayan 26 karakter)."), code="invalid_iban"
        )


_TR_MOBILE = re.compile(r"^\+905\d{9}$")


def normalize_tr_phone(value: str) -> str:
    """'0532 123 45 67', '532 1234567', '+90 532…' → '+905321234567' (E.164)."""
    digits = re.sub(r"\D", "", str(value))
    if digits.startswith("90") and len(digits) == 12:
        digits = digits[2:]
    if digits.startswith("0") and len(digits) == 11:
        digits = digits[1:]
    return f"+90{digits}" if len(digits) == 10 else str(value).strip()


def validate_tr_mobile(value: str) -> None:
    if not _TR_MOBILE.match(normalize_tr_phone(value)):
        raise ValidationError(
            _("Geçerli bir cep telefonu numarası giriniz (ör. 0532 123 45 67)."),
            code="invalid_phone",
        )
