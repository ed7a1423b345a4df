"""Two clerks confirm the same statement's proposals at the same moment: each order is
confirmed once, each line marked once. Real parallel connections and row locks: PostgreSQL."""

from decimal import Decimal

import pytest
from django.db import connection

from packages.models import Order, OrderTransition, Subscription
from payments.models import BankTransfer, StatementLine
from payments.services.statement import statement_import, statement_lines_confirm
from tests.factories import BankAccountFactory, OrderFactory, make_staff

from .statement_helpers import mt940_statement
from .test_transfer_concurrency import _in_parallel

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
S = Order.Status


def test_two_clerks_confirm_the_proposals_at_once():
    assert connection.vendor == "postgresql"
    account = BankAccountFactory()
    orders = [
        OrderFactory(status=S.AWAITING_TRANSFER, service_provider__title=title)
        for title in ("Anadolu Tekstil A.Ş.", "Karadeniz Gıda Ltd. Şti.", "Ege Mobilya A.Ş.")
    ]
    first, second = make_staff("Muhasebe"), make_staff("Muhasebe")
    statement, _ = statement_import(
        actor=first,
        bank_account_id=account.pk,
        file_name="ekstre.sta",
        content=mt940_statement(
            iban=account.iban,
            matching=orders[0],
            mistyped=orders[1],
            partial=orders[2],
            partial_amount=Decimal("10.00"),
        ),
        file_format="mt940",
    )
    proposed = list(
        statement.lines.filter(match=StatementLine.Match.PROPOSED).values_list("pk", flat=True)
    )
    assert len(proposed) == 2

    results = _in_parallel(
        lambda: statement_lines_confirm(line_ids=proposed, actor=first),
        lambda: statement_lines_confirm(line_ids=list(reversed(proposed)), actor=second),
    )
    assert not any(isinstance(r, Exception) for r in results), results
    confirmed = sorted(results[0].confirmed + results[1].confirmed)
    assert confirmed == sorted([orders[0].code, orders[1].code])
    assert sorted(results[0].already + results[1].already) == confirmed
    assert results[0].refused == results[1].refused == []

    assert BankTransfer.objects.count() == 2
    assert Subscription.objects.count() == 2
    for order in orders[:2]:
        assert OrderTransition.objects.filter(order=order, to_status=S.PAID).count() == 1
    lines = StatementLine.objects.filter(pk__in=proposed)
    assert {line.match for line in lines} == {StatementLine.Match.CONFIRMED}
    assert {line.bank_transfer_id for line in lines} == set(
        BankTransfer.objects.values_list("pk", flat=True)
    )
