"""A real MT940 statement (SWIFT tags :20: … :62F:, as Turkish banks send them) built around
the test's orders: a matching credit, one with a mistyped code, a partial payment, an unrelated
credit and a debit."""

from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from django.utils import timezone

from iys_portal.formatting import format_try
from packages import order_codes

SAMPLE = Path(__file__).parent / "data" / "garanti_ekstre.sta"


def mt940_amount(value: Decimal) -> str:
    return format_try(value, symbol=False).replace(".", "")


def mistype(code: str) -> str:
    """The same code with one character changed: the check character no longer holds."""
    wrong = next(c for c in order_codes.ALPHABET if c != code[3])
    typo = code[:3] + wrong + code[4:]
    assert not order_codes.is_valid(typo)
    return typo


def mt940_statement(
    *, iban, matching, mistyped, partial, partial_amount, ref="GB20261128"
) -> bytes:
    day = timezone.localdate() - timedelta(days=1)
    total = matching.total_amount + mistyped.total_amount + partial_amount + Decimal("4750.00")
    text = SAMPLE.read_text().format(
        header="",
        ref=ref,
        iban=iban,
        prev=(day - timedelta(days=1)).strftime("%y%m%d"),
        date=day.strftime("%y%m%d"),
        entry=day.strftime("%m%d"),
        amount_a=mt940_amount(matching.total_amount),
        code_a=matching.code,
        amount_b=mt940_amount(mistyped.total_amount),
        code_b_typo=mistype(mistyped.code),
        amount_c=mt940_amount(partial_amount),
        code_c=partial.code,
        closing=mt940_amount(Decimal("1250000.00") + total - Decimal("18000.00")),
    )
    return text.replace("\n", "\r\n").encode("utf-8")
