"""The CSV and Excel exports of Turkish banks read through their column mapping."""

import io
from datetime import date, datetime
from decimal import Decimal

import pytest
from openpyxl import Workbook

from payments.models import StatementLine
from payments.services.statement import statement_import
from payments.statements import StatementFileError, read_table
from tests.factories import OrderFactory

GARANTI_CSV = """Garanti BBVA Hesap Hareketleri
Hesap;TR70 0006 2000 0000 0006 2999 99
;
Tarih;Açıklama;Etiket;Tutar;Bakiye;Dekont No
27.11.2026;EFT ANADOLU TEKSTIL {code};;23.055,00;1.273.055,00;D-1001
27.11.2026;KIRA ODEMESI;;-18.000,00;1.255.055,00;D-1002
27.11.2026;=HYPERLINK("x") DELTA;;4.750,00;1.259.805,00;D-1003
;;;Toplam;1.259.805,00;
"""


def test_garanti_csv_in_windows_turkish_with_account_lines_above_the_table():
    content = GARANTI_CSV.format(code="K7MPX9RT4").encode("cp1254")
    credits = read_table(content, file_name="hareketler.csv", bank="garanti")
    assert [(c.value_date, c.amount, c.bank_reference) for c in credits] == [
        (date(2026, 11, 27), Decimal("23055.00"), "D-1001"),
        (date(2026, 11, 27), Decimal("4750.00"), "D-1003"),
    ]
    assert credits[0].description == "EFT ANADOLU TEKSTIL K7MPX9RT4"


def test_isbank_excel_with_separate_credit_column():
    book = Workbook()
    sheet = book.active
    sheet.append(["Türkiye İş Bankası"])
    sheet.append(["Tarih/Saat", "İşlem No", "Açıklama", "Borç", "Alacak", "Bakiye"])
    sheet.append([datetime(2026, 11, 26, 14, 5), "IS-1", "HAVALE EGE MOBILYA", None, 1000.5, 0])
    sheet.append([datetime(2026, 11, 26, 15, 0), "IS-2", "POS", 99, None, 0])
    buffer = io.BytesIO()
    book.save(buffer)
    credits = read_table(buffer.getvalue(), file_name="ekstre.xlsx", bank="isbank")
    assert [(c.value_date, c.amount, c.bank_reference) for c in credits] == [
        (date(2026, 11, 26), Decimal("1000.50"), "IS-1")
    ]


def test_a_file_without_the_columns_says_so_in_turkish():
    with pytest.raises(StatementFileError, match="sütunları bulunamadı"):
        read_table(b"ad;soyad\nAli;Veli\n", file_name="x.csv", bank="akbank")


@pytest.mark.django_db
def test_csv_import_proposes_by_code_and_amount(accountant, bank_account):
    order = OrderFactory(status="awaiting_transfer", service_provider__title="Anadolu Tekstil A.Ş.")
    amount = str(order.total_amount).replace(".", ",")
    content = GARANTI_CSV.format(code=order.code).replace("23.055,00", amount).encode()
    statement, created = statement_import(
        actor=accountant,
        bank_account_id=bank_account.pk,
        file_name="garanti.csv",
        content=content,
        file_format="garanti",
    )
    assert created
    line = statement.lines.get(bank_reference="D-1001")
    assert (line.match, line.order) == (StatementLine.Match.PROPOSED, order)
    assert statement.lines.get(bank_reference="D-1003").match == StatementLine.Match.UNMATCHED
