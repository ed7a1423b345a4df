"""The accounting desk's pages as a clerk works them: contact beside the order, errors beside
their fields, «Ödemeyi onayla», the next waiting order after each decision, grouped IBANs, and
the statement upload and its proposals."""

import pytest
from django.urls import reverse
from django.utils import timezone

from iys_portal.formatting import format_phone
from packages.models import Order
from payments.models import BankStatement, BankTransfer, StatementLine
from tests.factories import OrderFactory, ServiceProviderFactory, make_staff

from .statement_helpers import mt940_statement

pytestmark = pytest.mark.django_db
S = Order.Status


@pytest.fixture
def desk(client, accountant):
    client.force_login(accountant)
    return client


def _url(name, pk):
    return reverse(f"admin:payments_transferorder_{name}", args=[pk])


def test_confirm_page_shows_contact_grouped_iban_and_the_plain_submit(desk, bank_account):
    company = ServiceProviderFactory(phone="+902125550000", email="muhasebe@anadolu.example")
    order = OrderFactory(status=S.AWAITING_TRANSFER, service_provider=company)
    html = desk.get(_url("confirm", order.pk)).content.decode()
    assert "muhasebe@anadolu.example" in html and "+90 212 555 00 00" in html
    assert order.created_by.email in html
    assert 'value="Ödemeyi onayla"' in html and 'value="Kaydet"' not in html
    assert "TR70 0006 2000 0000 0006 2999 99" in html  # the account choice
    assert "TR700006200000000006299999" not in html


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("value_date", "2999-01-01", "ileri bir tarih olamaz"),
        ("amount_received", "yirmi", "1.234,56 biçiminde"),
        ("amount_received", "0", "sıfırdan büyük"),
    ],
)
def test_an_error_sits_next_to_its_field(desk, bank_account, field, value, message):
    order = OrderFactory(status=S.AWAITING_TRANSFER)
    data = {
        "amount_received": str(order.total_amount).replace(".", ","),
        "value_date": timezone.localdate().isoformat(),
        "bank_account": bank_account.pk,
        "bank_reference": "EFT-1",
        field: value,
    }
    html = desk.post(_url("confirm", order.pk), data).content.decode()
    start = html.index(f'data-testid="error-{field}"')
    assert message in html[start : start + 400]
    assert 'class="errornote"' not in html
    assert not BankTransfer.objects.exists()


def test_after_a_decision_the_desk_offers_the_next_waiting_order(desk, bank_account):
    first = OrderFactory(status=S.AWAITING_TRANSFER)
    second = OrderFactory(status=S.AWAITING_TRANSFER)
    Order.objects.filter(pk=first.pk).update(
        payment_due_at=second.payment_due_at.replace(year=2020)
    )
    data = {
        "amount_received": str(first.total_amount).replace(".", ","),
        "value_date": timezone.localdate().isoformat(),
        "bank_account": bank_account.pk,
        "bank_reference": "EFT-1",
    }
    response = desk.post(_url("confirm", first.pk), data, follow=True)
    html = response.content.decode()
    assert 'data-testid="next-pending"' in html
    assert _url("detail", second.pk) in html and second.code in html
    # The last waiting order has no next one.
    html = desk.get(_url("detail", second.pk)).content.decode()
    assert 'data-testid="next-pending"' not in html


def test_list_columns_fit_two_lines_each(desk):
    OrderFactory(status=S.AWAITING_TRANSFER, service_provider__phone="05321234567")
    html = desk.get(reverse("admin:payments_transferorder_changelist")).content.decode()
    table = html[html.index('id="result_list"') :]
    assert table[: table.index("</thead>")].count('<th scope="col"') == 6
    assert format_phone("05321234567") in html


def test_statement_upload_shows_proposals_and_confirms_them(desk, accountant, bank_account):
    orders = [
        OrderFactory(status=S.AWAITING_TRANSFER, service_provider__title=title)
        for title in ("Anadolu Tekstil A.Ş.", "Karadeniz Gıda Ltd. Şti.", "Ege Mobilya A.Ş.")
    ]
    content = mt940_statement(
        iban=bank_account.iban,
        matching=orders[0],
        mistyped=orders[1],
        partial=orders[2],
        partial_amount=orders[2].total_amount / 2,
    )
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = reverse("admin:payments_bankstatement_add")
    response = desk.post(
        upload,
        {
            "bank_account": bank_account.pk,
            "file_format": "mt940",
            "file": SimpleUploadedFile("garanti.sta", content),
        },
    )
    statement = BankStatement.objects.get()
    detail = reverse("admin:payments_bankstatement_detail", args=[statement.pk])
    assert response["Location"] == detail
    html = desk.get(detail).content.decode()
    proposals = html[html.index('data-testid="proposals"') : html.index('data-testid="unmatched"')]
    assert orders[0].code in proposals and orders[1].code in proposals
    assert orders[2].code not in proposals
    assert "Tutar farklı" in html[html.index('data-testid="unmatched"') :]

    lines = statement.lines.filter(match=StatementLine.Match.PROPOSED)
    confirm = reverse("admin:payments_bankstatement_confirm", args=[statement.pk])
    response = desk.post(confirm, {"line": [str(line.pk) for line in lines]}, follow=True)
    assert "2 ödeme onaylandı" in response.content.decode()
    assert Order.objects.filter(status=S.ACTIVE).count() == 2

    again = desk.post(
        upload,
        {
            "bank_account": bank_account.pk,
            "file_format": "mt940",
            "file": SimpleUploadedFile("tekrar.sta", content),
        },
        follow=True,
    )
    assert "daha önce yüklenmişti" in again.content.decode()
    assert BankStatement.objects.count() == 1 and BankTransfer.objects.count() == 2


def test_a_bad_statement_file_is_refused_next_to_the_file_field(desk, bank_account):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = desk.post(
        reverse("admin:payments_bankstatement_add"),
        {
            "bank_account": bank_account.pk,
            "file_format": "garanti",
            "file": SimpleUploadedFile("x.csv", b"ad;soyad\nAli;Veli\n"),
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "sütunları bulunamadı" in html[html.index('id="id_file_error"') :]
    assert not BankStatement.objects.exists()


def test_statements_are_for_accounting_only(client, bank_account):
    client.force_login(make_staff("Destek"))
    for name in ("changelist", "add"):
        assert client.get(reverse(f"admin:payments_bankstatement_{name}")).status_code == 403
    assert client.get(reverse("admin:payments_statementline_changelist")).status_code == 403


def test_statement_page_query_count_does_not_grow(
    desk, accountant, bank_account, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from payments.services.statement import statement_import

    def page_for(n, ref):
        orders = [OrderFactory(status=S.AWAITING_TRANSFER) for _ in range(3)]
        content = mt940_statement(
            iban=bank_account.iban,
            matching=orders[0],
            mistyped=orders[1],
            partial=orders[2],
            partial_amount=orders[2].total_amount / n,
            ref=ref,
        )
        statement, _ = statement_import(
            actor=accountant,
            bank_account_id=bank_account.pk,
            file_name=f"{ref}.sta",
            content=content.replace(b"//GB", f"//{ref}".encode()),
            file_format="mt940",
        )
        return reverse("admin:payments_bankstatement_detail", args=[statement.pk])

    small = page_for(2, "A1")
    desk.get(small)
    with CaptureQueriesContext(connection) as first:
        desk.get(small)
    big = page_for(3, "B2")
    StatementLine.objects.filter(statement__file_name="A1.sta").update(
        statement=BankStatement.objects.get(file_name="B2.sta")
    )
    with django_assert_num_queries(len(first.captured_queries)):
        response = desk.get(big)
    assert response.context["statement"].lines.count() == 8


def test_the_order_page_says_where_each_customer_e_mail_stands(desk):
    """Sent (when), queued, or possibly sent (an attempt whose outcome was not recorded: the
    broker will try again), with the number of attempts."""
    from payments.models import TransferNotice

    order = OrderFactory(status=S.AWAITING_TRANSFER)
    now = timezone.now()
    kinds = TransferNotice.Kind
    TransferNotice.objects.create(
        order=order, kind=kinds.INSTRUCTIONS, key="a", sent_at=now, sending_at=now, attempts=1
    )
    TransferNotice.objects.create(
        order=order, kind=kinds.REMINDER, key="b", sending_at=now, attempts=2
    )
    TransferNotice.objects.create(order=order, kind=kinds.CONFIRMED, key="c")
    html = desk.get(_url("detail", order.pk)).content.decode()
    when = timezone.localtime(now).strftime("%H:%M")

    def row(kind):
        start = html.index(f'data-testid="notice-{kind}"')
        return html[start : html.index("</tr>", start)]

    assert when in row("instructions") and "<td>1</td>" in row("instructions")
    assert "Gönderilmiş olabilir: son deneme" in row("reminder") and "<td>2</td>" in row("reminder")
    assert "Sırada" in row("confirmed") and "<td>0</td>" in row("confirmed")
