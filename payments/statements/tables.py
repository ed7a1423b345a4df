"""CSV and Excel (xlsx) account-activity exports of the main Turkish banks.

Each bank names its columns differently and puts a few lines of account details above the
table; a bank's format lists, per field, the column headings it uses. The header row is found
by looking for the headings in the first rows. The headings are data: adding or correcting a
bank is one entry in ``BANK_FORMATS``.
"""

import csv
import io
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from iys_portal.errors import ApplicationError
from iys_portal.formatting import money, parse_amount

from .base import StatementCredit, StatementFileError

# Headings shared by most banks; a bank's own entry is tried first.
COMMON = {
    "date": ["tarih", "işlem tarihi", "valör", "valör tarihi", "tarih/saat"],
    "description": ["açıklama", "işlem açıklaması", "açıklamalar"],
    "amount": ["tutar", "işlem tutarı", "tutar (tl)", "tutar(tl)"],
    "credit": ["alacak", "alacak tutarı", "gelen"],
    "reference": ["dekont no", "referans no", "referans", "fiş no", "işlem no", "dekont"],
    "counterparty": ["gönderen", "karşı taraf", "gönderen adı", "karşı hesap sahibi"],
}

BANK_FORMATS = {
    "ziraat": {"label": gettext_lazy("Ziraat Bankası"), "reference": ["fiş/dekont no"]},
    "isbank": {"label": gettext_lazy("Türkiye İş Bankası"), "date": ["tarih/saat"]},
    "garanti": {"label": gettext_lazy("Garanti BBVA"), "reference": ["dekont no"]},
    "akbank": {"label": gettext_lazy("Akbank"), "reference": ["referans no"]},
    "yapikredi": {"label": gettext_lazy("Yapı Kredi"), "date": ["işlem tarihi"]},
    "vakifbank": {"label": gettext_lazy("VakıfBank"), "reference": ["işlem no"]},
    "halkbank": {"label": gettext_lazy("Halkbank"), "reference": ["fiş no"]},
    "qnb": {"label": gettext_lazy("QNB"), "reference": ["referans no"]},
}

HEADER_SEARCH_ROWS = 25
DATE_FORMATS = ("%d.%m.%Y", "%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%y")


def _key(text) -> str:
    return " ".join(str(text or "").replace("İ", "i").replace("I", "ı").lower().split())


def _headings(bank: str) -> dict[str, list[str]]:
    own = BANK_FORMATS.get(bank, {})
    return {field: [*own.get(field, []), *names] for field, names in COMMON.items()}


def _rows_from_csv(content: bytes) -> list[list[str]]:
    for encoding in ("utf-8-sig", "cp1254"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise StatementFileError(_("Dosya okunamadı: metin kodlaması tanınmadı."), code="encoding")
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=";,\t|")
    except csv.Error:
        dialect = csv.excel
        dialect.delimiter = ";"
    return [row for row in csv.reader(io.StringIO(text), dialect) if any(c.strip() for c in row)]


def _rows_from_xlsx(content: bytes) -> list[list]:
    from openpyxl import load_workbook

    try:
        sheet = load_workbook(io.BytesIO(content), read_only=True, data_only=True).active
    except Exception:  # openpyxl raises several kinds for a file that is not a workbook
        raise StatementFileError(_("Excel dosyası okunamadı."), code="xlsx") from None
    return [list(row) for row in sheet.iter_rows(values_only=True) if any(row)]


def _date(value) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value or "").strip().split(" ")[0]
    for pattern in DATE_FORMATS:
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(text)


def _amount(value) -> Decimal:
    if isinstance(value, int | float | Decimal):
        return money(Decimal(str(value)))
    text = "".join(str(value or "").split())
    negative = text.startswith(("-", "(")) or text.endswith("-")
    amount = parse_amount(text.strip("+-()") or "0")
    return -amount if negative else amount


def read_table(content: bytes, *, file_name: str, bank: str) -> list[StatementCredit]:
    """The credits of a bank's CSV or xlsx export."""
    is_xlsx = file_name.lower().endswith((".xlsx", ".xlsm")) or content[:2] == b"PK"
    rows = _rows_from_xlsx(content) if is_xlsx else _rows_from_csv(content)
    headings = _headings(bank)
    for header_row, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        keys = [_key(cell) for cell in row]
        columns = {}
        for field, names in headings.items():
            found = next((keys.index(name) for name in names if name in keys), None)
            if found is not None:
                columns[field] = found
        if (
            "date" in columns
            and "description" in columns
            and ("amount" in columns or "credit" in columns)
        ):
            first_line = header_row + 1
            break
    else:
        raise StatementFileError(
            _(
                "Dosyada tarih, açıklama ve tutar sütunları bulunamadı. Seçilen banka biçimini "
                "ve dosyayı kontrol ediniz."
            ),
            code="columns",
        )
    credits = []
    for row in rows[first_line:]:
        cells = list(row) + [None] * (len(keys) - len(row))
        try:
            value_date = _date(cells[columns["date"]])
            amount = _amount(cells[columns["credit" if "credit" in columns else "amount"]])
        except (ValueError, TypeError, IndexError, InvalidOperation, ApplicationError):
            continue  # a total row or a note under the table
        if amount <= 0:
            continue
        credits.append(
            StatementCredit(
                value_date=value_date,
                amount=amount,
                description=" ".join(str(cells[columns["description"]] or "").split()),
                bank_reference=str(cells[columns["reference"]] or "").strip()[:64]
                if "reference" in columns
                else "",
                counterparty=str(cells[columns["counterparty"]] or "").strip()[:255]
                if "counterparty" in columns
                else "",
            )
        )
    return credits
