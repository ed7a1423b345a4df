"""Reading bank statement files into credits (money in). MT940 goes through the maintained
``mt-940`` parser; the CSV/Excel exports of Turkish banks through a column mapping per bank
(``tables.BANK_FORMATS``). Nothing here touches the database."""

from .base import StatementCredit, StatementFileError
from .mt940 import read_mt940
from .tables import BANK_FORMATS, read_table

__all__ = ["BANK_FORMATS", "StatementCredit", "StatementFileError", "read_mt940", "read_table"]
