"""Turkish display formats for money, independent of the active locale's number settings."""

import re
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from .errors import ApplicationError

TWO_PLACES = Decimal("0.01")


def money(value: Decimal) -> Decimal:
    """Round to kuruş (two places, half up) as banks and invoices do."""
    return Decimal(value).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def format_try(value: Decimal | int | str | None, *, symbol: bool = True) -> str:
    """1234.5 → '1.234,50 ₺' (Turkish grouping and decimal comma)."""
    if value in (None, ""):
        return ""
    amount = money(Decimal(value))
    sign = "-" if amount < 0 else ""
    whole, _, fraction = f"{abs(amount):.2f}".partition(".")
    groups = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    text = f"{sign}{'.'.join(groups)},{fraction}"
    return f"{text} ₺" if symbol else text


# At most ten digits before the decimal point (the amount columns hold 12 digits, 2 decimals).
AMOUNT_PATTERN = re.compile(r"\d{1,10}(\.\d{1,2})?")


def parse_amount(value: str | Decimal) -> Decimal:
    """'23.055,00', '23055,00', '23055.00', '23 055' → Decimal('23055.00') (Turkish or plain);
    the reverse of ``format_try``."""
    if isinstance(value, Decimal):
        return money(value)
    text = "".join(str(value).split()).replace("₺", "").replace("TL", "")
    if "," in text:
        text = text.replace(".", "").replace(",", ".")
    elif text.count(".") > 1 or (text.count(".") == 1 and len(text.rsplit(".", 1)[1]) == 3):
        text = text.replace(".", "")  # dots as thousands separators: 23.055 or 1.234.567
    if not AMOUNT_PATTERN.fullmatch(text):
        raise ApplicationError(_("Tutarı 1.234,56 biçiminde giriniz."), code="invalid_amount")
    return money(Decimal(text))


def format_count(value: int | None) -> str:
    """200000 → '200.000'."""
    if value is None:
        return ""
    return f"{int(value):,}".replace(",", ".")


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
