"""Display formats for money and counts in the active language (Decimal in, text out).

Turkish: 1.234,56 ₺ and 200.000; English: ₺1,234.56 and 200,000. The separators come from
Django's format modules for the language, so the whole page agrees with Django's own number
formatting.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.utils import formats, numberformat, translation

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
    ``language`` is given)."""
    if value in (None, ""):
        return ""
    amount = money(Decimal(value))
    language = _language(language)
    text = _number(amount, places=2, language=language, grouping=grouping)
    if not symbol:
        return text
    if language == "tr":
        return f"{text} {SYMBOL}"
    if text.startswith("-"):
        return f"-{SYMBOL}{text[1:]}"
    return f"{SYMBOL}{text}"


def format_count(value: int | None, *, language: str | None = None) -> str:
    """200000 → '200.000' in Turkish, '200,000' in English."""
    if value is None:
        return ""
    return _number(int(value), places=None, language=_language(language), grouping=True)


def group_iban(iban: str) -> str:
    """TR330006100519786457841326 → 'TR33 0006 1005 1978 6457 8413 26'."""
    compact = "".join(iban.split()).upper()
    return " ".join(compact[i : i + 4] for i in range(0, len(compact), 4))
