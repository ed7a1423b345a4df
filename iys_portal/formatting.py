"""Display formats for money and counts in the active language (Decimal in, text out), and the
reading of counts typed the Turkish way.

Turkish: 1.234,56 ₺ and 200.000; English: ₺1,234.56 and 200,000. The separators come from
Django's format modules for the language, so the whole page agrees with Django's own number
formatting.
"""

import re
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.utils import formats, numberformat, translation
from django.utils.translation import gettext as _

from .errors import ApplicationError

TWO_PLACES = Decimal("0.01")
SYMBOL = "₺"


def money(value: Decimal) -> Decimal:
    """Round to kuruş (two places, half up) as banks and invoices do."""
    return Decimal(value).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def _language(language: str | None) -> str:
    return (language or translation.get_language() or "tr").split("-")[0]


def _number(value: Decimal | int, *, places: int | None, language: str, grouping: bool) -> str:
    return numberformat.format(
        value,
        formats.get_format("DECIMAL_SEPARATOR", language),
        decimal_pos=places,
        grouping=3 if grouping else 0,
        thousand_sep=formats.get_format("THOUSAND_SEPARATOR", language),
        force_grouping=grouping,
    )


def format_try(
    value: Decimal | int | str | None,
    *,
    symbol: bool = True,
    language: str | None = None,
    grouping: bool = True,
) -> str:
    """1234.5 → '1.234,50 ₺' in Turkish, '₺1,234.50' in English (the active language unless
    ``language`` is given). In Turkish a no-break space joins the amount and «₺», so the sign
    never wraps to a line of its own (narrow pages, e-mails, PDFs)."""
    if value in (None, ""):
        return ""
    amount = money(Decimal(value))
    language = _language(language)
    text = _number(amount, places=2, language=language, grouping=grouping)
    if not symbol:
        return text
    if language == "tr":
        return f"{text}\u00a0{SYMBOL}"
    if text.startswith("-"):
        return f"-{SYMBOL}{text[1:]}"
    return f"{SYMBOL}{text}"


# At most ten digits before the decimal point (the amount columns hold 12 digits, 2 decimals).
AMOUNT_PATTERN = re.compile(r"\d{1,10}(\.\d{1,2})?")


def parse_amount(value: str | Decimal) -> Decimal:
    """'23.055,00', '23055,00', '23055.00', '23 055' → Decimal('23055.00') (Turkish or plain);
    the reverse of ``format_try``. In English the comma groups thousands: '23,055.00'."""
    if isinstance(value, Decimal):
        return money(value)
    text = "".join(str(value).split()).replace("₺", "").replace("TL", "")
    if formats.get_format("DECIMAL_SEPARATOR") == ".":
        text = text.replace(",", "")
    elif "," in text:
        text = text.replace(".", "").replace(",", ".")
    elif text.count(".") > 1 or (text.count(".") == 1 and len(text.rsplit(".", 1)[1]) == 3):
        text = text.replace(".", "")  # dots as thousands separators: 23.055 or 1.234.567
    if not AMOUNT_PATTERN.fullmatch(text):
        raise ApplicationError(_("Tutarı 1.234,56 biçiminde giriniz."), code="invalid_amount")
    return money(Decimal(text))


def format_count(value: int | None, *, language: str | None = None) -> str:
    """200000 → '200.000' in Turkish, '200,000' in English."""
    if value is None:
        return ""
    return _number(int(value), places=None, language=_language(language), grouping=True)


# Separators a Turkish user types between thousands: dot, space, no-break space, narrow no-break
# space (what some keyboards and copied spreadsheets give), thin space.
_THOUSANDS = ".\u0020\u00a0\u202f\u2009"
_PLAIN_COUNT = re.compile(r"[0-9]+")
# One separator kind throughout, groups of exactly three after the first: 1.500.000, 150 000.
_GROUPED_COUNT = re.compile(rf"[1-9][0-9]{{0,2}}([{_THOUSANDS}])[0-9]{{3}}(?:\1[0-9]{{3}})*")


def parse_count(text: str | int | None, *, max_value: int) -> int | None:
    """'150.000', '150 000' (also with a no-break space) or '150000' → 150000; '' → None.

    Anything else (decimals, '150,000', letters, negative numbers, more than ``max_value``)
    raises ValidationError with a Turkish message; nothing is guessed.
    """
    if text is None:
        return None
    if isinstance(text, int) and not isinstance(text, bool):
        value = text
    else:
        compact = str(text).strip()
        if not compact:
            return None
        if compact.startswith("-") and len(compact) > 1 and compact[1:].strip()[:1].isdigit():
            raise ValidationError(_("Sayı negatif olamaz."), code="min_value")
        if not (_PLAIN_COUNT.fullmatch(compact) or _GROUPED_COUNT.fullmatch(compact)):
            raise ValidationError(
                _("Sayıyı küsuratsız olarak 150.000, 150 000 ya da 150000 biçiminde giriniz."),
                code="invalid",
            )
        digits = re.sub(f"[{_THOUSANDS}]", "", compact).lstrip("0") or "0"
        # Longer than the limit: too large, decided before int() (which refuses huge texts).
        value = int(digits) if len(digits) <= len(str(max_value)) else max_value + 1
    if value < 0:
        raise ValidationError(_("Sayı negatif olamaz."), code="min_value")
    if value > max_value:
        raise ValidationError(
            _("En fazla %(max)s girebilirsiniz.") % {"max": format_count(max_value)},
            code="max_value",
        )
    return value


def group_iban(iban: str) -> str:
    """TR330006100519786457841326 → 'TR33 0006 1005 1978 6457 8413 26'."""
    compact = "".join(iban.split()).upper()
    return " ".join(compact[i : i + 4] for i in range(0, len(compact), 4))


def format_phone(value: str | None) -> str:
    """'+905321234567', '05321234567', '2125550000' → '+90 532 123 45 67' (Turkish grouping:
    area or operator code, then 3-2-2). Anything that is not a Turkish number stays as typed."""
    text = str(value or "").strip()
    digits = re.sub(r"\D", "", text)
    if digits.startswith("90") and len(digits) == 12:
        digits = digits[2:]
    elif digits.startswith("0") and len(digits) == 11:
        digits = digits[1:]
    if len(digits) != 10:
        return text
    return f"+90 {digits[:3]} {digits[3:6]} {digits[6:8]} {digits[8:]}"
