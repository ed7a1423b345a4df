"""What every statement reader returns."""

import hashlib
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from iys_portal.errors import ApplicationError


class StatementFileError(ApplicationError):
    """The file is not a statement we can read; the message says why, in Turkish."""


@dataclass(frozen=True)
class StatementCredit:
    value_date: date
    amount: Decimal
    description: str
    bank_reference: str = ""
    counterparty: str = ""

    @property
    def transaction_key(self) -> str:
        """The bank's reference when it gives one; otherwise a fingerprint of the line."""
        if self.bank_reference:
            return f"ref:{self.bank_reference}"[:128]
        text = f"{self.value_date.isoformat()}|{self.amount}|{' '.join(self.description.split())}"
        return "sum:" + hashlib.sha256(text.encode()).hexdigest()
