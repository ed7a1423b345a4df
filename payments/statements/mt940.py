"""MT940 (SWIFT customer statement) through the ``mt-940`` package."""

from decimal import Decimal

import mt940
from django.utils.translation import gettext as _

from iys_portal.formatting import money

from .base import StatementCredit, StatementFileError


def _text(content: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1254"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise StatementFileError(_("Dosya okunamadı: metin kodlaması tanınmadı."), code="encoding")


def read_mt940(content: bytes) -> tuple[str, list[StatementCredit]]:
    """(the account's IBAN as the statement states it, the credits in TRY)."""
    try:
        transactions = mt940.models.Transactions()
        transactions.parse(_text(content))
    except Exception as error:  # the parser raises bare exceptions on malformed tags
        raise StatementFileError(
            _("Dosya geçerli bir MT940 ekstresi değil (%(detail)s).") % {"detail": error},
            code="mt940",
        ) from None
    account = str(transactions.data.get("account_identification") or "")
    if not account and not len(transactions):
        raise StatementFileError(
            _("Dosya geçerli bir MT940 ekstresi değil: hesap ve hareket bulunamadı."),
            code="mt940",
        )
    credits = []
    for transaction in transactions:
        data = transaction.data
        amount = Decimal(data["amount"].amount)
        if data.get("status") not in ("C", "RD") or amount <= 0:
            continue  # debits and reversals of debits are not customer payments
        if (data.get("currency") or "TRY") != "TRY":
            continue
        details = " ".join(str(data.get("transaction_details") or "").split())
        reference = data.get("bank_reference") or data.get("customer_reference") or ""
        if reference == "NONREF":
            reference = ""
        credits.append(
            StatementCredit(
                value_date=data["date"],
                amount=money(amount),
                description=details,
                bank_reference=str(reference)[:64],
            )
        )
    return "".join(account.split()).upper(), credits
