"""Turkish display formats for money, independent of the active locale's number settings."""

from decimal import ROUND_HALF_UP, Decimal

TWO_PLACES = Decimal("0.01")


def money(value: Decimal) -> Decimal:
    """Round to kuruş (two places, half up) as banks and invoices do."""
    return Decimal(value).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def format_try(value: Decimal | int | str | None, *, symbol: bool = True) -> str:
    """1234.5 → '1.234,50 ₺' (Turkish grouping and decimal comma).

    A no-break space (U+00A0) joins the amount and «₺» so the sign never wraps to a line of its
    own, on a phone's narrow page as in e-mails and PDFs.
    """
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
    return f"{text}\u00a0₺" if symbol else text


def format_count(value: int | None) -> str:
    """200000 → '200.000'."""
    if value is None:
        return ""
    return f"{int(value):,}".replace(",", ".")


def group_iban(iban: str) -> str:
    """TR330006100519786457841326 → 'TR33 0006 1005 1978 6457 8413 26'."""
    compact = "".join(iban.split()).upper()
    return " ".join(compact[i : i + 4] for i in range(0, len(compact), 4))
