"""Bank statement import (R7): an MT940 statement's credits matched to waiting transfer orders
by code (typos caught by the check character), amount and company title; proposals confirmed
in bulk through the transfer confirmation; the same statement twice confirms nothing twice."""

from decimal import Decimal

import pytest

from iys_portal.errors import ApplicationError, PermissionDeniedError
from packages.models import Order
from payments.models import BankStatement, BankTransfer, StatementLine
from payments.services.statement import (
    statement_import,
    statement_lines_confirm,
    title_appears,
)
from tests.factories import OrderFactory, make_staff

from .statement_helpers import mistype, mt940_statement

pytestmark = pytest.mark.django_db
S = Order.Status
M = StatementLine.Match


@pytest.fixture
def orders():
    return {
        "matching": OrderFactory(
            status=S.AWAITING_TRANSFER,
            service_provider__title="Anadolu Tekstil San. ve Tic. A.Ş.",
        ),
        "mistyped": OrderFactory(
            status=S.AWAITING_TRANSFER, service_provider__title="Karadeniz Gıda Ltd. Şti."
        ),
        "partial": OrderFactory(
            status=S.AWAITING_TRANSFER, service_provider__title="Ege Mobilya A.Ş."
        ),
        "bystander": OrderFactory(status=S.AWAITING_TRANSFER),
    }


def _statement(orders, bank_account, **extra):
    return mt940_statement(
        iban=bank_account.iban,
        matching=orders["matching"],
        mistyped=orders["mistyped"],
        partial=orders["partial"],
        partial_amount=Decimal("1000.00"),
        **extra,
    )


def _import(accountant, bank_account, content, name="ekstre.sta"):
    return statement_import(
        actor=accountant,
        bank_account_id=bank_account.pk,
        file_name=name,
        content=content,
        file_format="mt940",
    )


def _lines(statement):
    return {line.transaction_key: line for line in statement.lines.select_related("order")}


def test_each_credit_is_proposed_or_left_unmatched_with_the_reason(
    accountant, bank_account, orders
):
    statement, created = _import(accountant, bank_account, _statement(orders, bank_account))
    assert created and statement.file_format == BankStatement.Format.MT940
    lines = _lines(statement)
    assert set(lines) == {"ref:GB0001", "ref:GB0002", "ref:GB0003", "ref:GB0004"}  # no debit
    assert statement.credit_count == 4

    matching = lines["ref:GB0001"]
    assert (matching.match, matching.order) == (M.PROPOSED, orders["matching"])
    assert matching.amount == orders["matching"].total_amount
    assert "Firma unvanı tutuyor" in matching.match_note
    assert orders["matching"].code in matching.description  # the 86 line's continuation read

    typo = lines["ref:GB0002"]
    assert (typo.match, typo.order) == (M.PROPOSED, orders["mistyped"])
    assert "Kod hatalı yazılmış" in typo.match_note
    assert mistype(orders["mistyped"].code) in typo.match_note

    partial = lines["ref:GB0003"]
    assert (partial.match, partial.order) == (M.UNMATCHED, orders["partial"])
    assert "Tutar farklı: gelen 1.000,00\u00a0₺" in partial.match_note

    unrelated = lines["ref:GB0004"]
    assert (unrelated.match, unrelated.order) == (M.UNMATCHED, None)
    assert unrelated.amount == Decimal("4750.00")
    # Importing changes no order: only the proposals are recorded.
    assert not BankTransfer.objects.exists()
    assert Order.objects.filter(status=S.AWAITING_TRANSFER).count() == 4


def test_confirming_the_proposals_activates_those_orders_only(accountant, bank_account, orders):
    statement, _ = _import(accountant, bank_account, _statement(orders, bank_account))
    proposed = list(statement.lines.filter(match=M.PROPOSED).values_list("pk", flat=True))
    unmatched = list(statement.lines.filter(match=M.UNMATCHED).values_list("pk", flat=True))

    result = statement_lines_confirm(line_ids=proposed + unmatched, actor=accountant)
    assert sorted(result.confirmed) == sorted([orders["matching"].code, orders["mistyped"].code])
    for key in ("matching", "mistyped"):
        orders[key].refresh_from_db()
        assert orders[key].status == S.ACTIVE
        transfer = BankTransfer.objects.get(order=orders[key])
        assert transfer.decided_by == accountant and transfer.bank_account == bank_account
        assert transfer.amount_received == orders[key].total_amount
    for key in ("partial", "bystander"):
        orders[key].refresh_from_db()
        assert orders[key].status == S.AWAITING_TRANSFER
    assert set(StatementLine.objects.filter(pk__in=proposed).values_list("match", flat=True)) == {
        M.CONFIRMED
    }
    # Unmatched credits stay on the list, untouched.
    assert StatementLine.objects.filter(pk__in=unmatched, match=M.UNMATCHED).count() == 2

    again = statement_lines_confirm(line_ids=proposed, actor=accountant)
    assert again.confirmed == [] and BankTransfer.objects.count() == 2


def test_the_same_statement_twice_adds_and_confirms_nothing(accountant, bank_account, orders):
    content = _statement(orders, bank_account)
    statement, _ = _import(accountant, bank_account, content)
    statement_lines_confirm(
        line_ids=list(statement.lines.values_list("pk", flat=True)), actor=accountant
    )

    same, created = _import(accountant, bank_account, content, name="ayni-dosya.sta")
    assert (same, created) == (statement, False)
    # The bank sends the same day again in a new file (another statement reference).
    overlap, created = _import(
        accountant, bank_account, _statement(orders, bank_account, ref="GB20261128B")
    )
    assert created and overlap.credit_count == 0 and overlap.skipped_count == 4
    assert StatementLine.objects.count() == 4
    assert BankTransfer.objects.count() == 2


def test_an_order_confirmed_by_hand_meanwhile_is_not_confirmed_twice(
    accountant, bank_account, orders
):
    from django.utils import timezone

    from payments.services.transfer import bank_transfer_confirm

    statement, _ = _import(accountant, bank_account, _statement(orders, bank_account))
    bank_transfer_confirm(
        order_id=orders["matching"].pk,
        actor=accountant,
        amount_received=orders["matching"].total_amount,
        value_date=timezone.localdate(),
        bank_account_id=bank_account.pk,
        bank_reference="ELLE-1",
    )
    line = statement.lines.get(transaction_key="ref:GB0001")
    result = statement_lines_confirm(line_ids=[line.pk], actor=accountant)
    assert result.confirmed == [] and len(result.refused) == 1
    line.refresh_from_db()
    assert line.match == M.UNMATCHED and "mükerrer" in line.match_note
    assert BankTransfer.objects.filter(order=orders["matching"]).count() == 1


def test_a_statement_of_another_account_or_garbage_is_refused(accountant, bank_account, orders):
    other = mt940_statement(
        iban="TR330006100519786457841326",
        matching=orders["matching"],
        mistyped=orders["mistyped"],
        partial=orders["partial"],
        partial_amount=Decimal("1000.00"),
    )
    with pytest.raises(ApplicationError, match="hesabına ait"):
        _import(accountant, bank_account, other)
    with pytest.raises(ApplicationError, match="MT940"):
        _import(accountant, bank_account, b"\x00\xffbu bir ekstre degil")
    assert not BankStatement.objects.exists()


def test_only_accounting_imports_or_confirms(bank_account, orders):
    clerk = make_staff("Destek")
    with pytest.raises(PermissionDeniedError):
        _import(clerk, bank_account, _statement(orders, bank_account))
    with pytest.raises(PermissionDeniedError):
        statement_lines_confirm(line_ids=[1], actor=clerk)


@pytest.mark.parametrize(
    ("title", "text", "expected"),
    [
        ("Anadolu Tekstil San. ve Tic. A.Ş.", "EFT ANADOLU TEKSTIL SAN TIC AS", True),
        ("Çağrı Örme Şirketi", "HAVALE CAGRI ORME", True),
        ("İzmir Işık Ltd. Şti.", "IZMIR ISIK LTD", True),
        ("Anadolu Tekstil A.Ş.", "EFT ANADOLU GIDA", False),
    ],
)
def test_company_titles_are_compared_as_banks_write_them(title, text, expected):
    assert title_appears(title, text) is expected
