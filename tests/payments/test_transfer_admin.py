"""The accounting desk in the Django admin: the pending list, search, confirm and reject forms,
CSV export, and who may use them."""

import csv
import io
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from packages import order_codes
from packages.models import Order
from payments.models import BankTransfer
from tests.factories import OrderFactory, ServiceProviderFactory, make_staff

pytestmark = pytest.mark.django_db
S = Order.Status
LIST = "admin:payments_transferorder_changelist"


def _url(name, order=None):
    return reverse(f"admin:payments_transferorder_{name}", args=[order.pk] if order else [])


def _messages(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def desk(client, accountant):
    client.force_login(accountant)
    return client


def _confirmed_order(accountant, account, reference: str) -> Order:
    """A waiting order whose transfer accounting confirmed (now active)."""
    from payments.services.transfer import bank_transfer_confirm

    order = OrderFactory(status=S.AWAITING_TRANSFER)
    bank_transfer_confirm(
        order_id=order.pk,
        actor=accountant,
        amount_received=order.total_amount,
        value_date=timezone.localdate(),
        bank_account_id=account.pk,
        bank_reference=reference,
    )
    return order


def _confirm_form(order, account, **overrides):
    data = {
        "amount_received": f"{order.total_amount}".replace(".", ","),
        "value_date": timezone.localdate().isoformat(),
        "bank_account": account.pk,
        "bank_reference": "EFT-0001",
        "note": "",
    }
    data.update(overrides)
    return data


# Who may use the desk -------------------------------------------------------------------------


@pytest.mark.parametrize("groups", [("Destek",), ()])
def test_staff_outside_accounting_cannot_see_or_decide(client, groups, bank_account):
    order = OrderFactory(status=S.AWAITING_TRANSFER)
    client.force_login(make_staff(*groups))
    for name in ("changelist", "csv"):
        assert client.get(_url(name)).status_code == 403
    for name in ("detail", "confirm", "reject"):
        assert client.get(_url(name, order)).status_code == 403
    response = client.post(_url("confirm", order), _confirm_form(order, bank_account))
    assert response.status_code == 403
    response = client.post(_url("reject", order), {"reason": "Para gelmedi"})
    assert response.status_code == 403
    order.refresh_from_db()
    assert order.status == S.AWAITING_TRANSFER
    assert not BankTransfer.objects.exists()


def test_customer_cannot_reach_the_desk(provider_client):
    response = provider_client.get(reverse(LIST))
    assert response.status_code == 302
    assert "/yonetim/login/" in response["Location"]


# The pending list ------------------------------------------------------------------------------


def test_list_opens_on_waiting_orders_with_totals(desk):
    waiting = [OrderFactory(status=S.AWAITING_TRANSFER) for _ in range(2)]
    done = OrderFactory(status=S.ACTIVE, payment_method=Order.PaymentMethod.TRANSFER)
    card = OrderFactory(status=S.AWAITING_PAYMENT)  # card: never on the desk

    response = desk.get(reverse(LIST))
    assert response.status_code == 200
    shown = {o.code for o in response.context["cl"].result_list}
    assert shown == {o.code for o in waiting}
    html = response.content.decode()
    assert done.code not in html and card.code not in html
    totals = response.context["totals"]
    assert totals["count"] == 2
    assert totals["amount"] == sum((o.total_amount for o in waiting), Decimal("0.00"))
    assert "Havale bekleniyor" in html
    assert waiting[0].service_provider.title in html

    everything = desk.get(reverse(LIST), {"durum": "tumu"})
    assert {o.code for o in everything.context["cl"].result_list} == {
        *(o.code for o in waiting),
        done.code,
    }


def test_list_orders_the_most_urgent_deadline_first(desk):
    later = OrderFactory(status=S.AWAITING_TRANSFER)
    sooner = OrderFactory(status=S.AWAITING_TRANSFER)
    Order.objects.filter(pk=sooner.pk).update(
        payment_due_at=later.payment_due_at.replace(year=2020)
    )
    response = desk.get(reverse(LIST))
    assert [o.code for o in response.context["cl"].result_list] == [sooner.code, later.code]


def test_search_by_code_title_and_vkn(desk):
    target = OrderFactory(
        status=S.AWAITING_TRANSFER,
        service_provider=ServiceProviderFactory(title="Çağlayan Gıda Ltd. Şti."),
    )
    OrderFactory(status=S.AWAITING_TRANSFER)
    spaced = " ".join([target.code[:4], target.code[4:]]).lower()
    for term in (spaced, "Çağlayan Gıda", target.service_provider.tax_number):
        response = desk.get(reverse(LIST), {"q": term})
        assert [o.code for o in response.context["cl"].result_list] == [target.code], term


def test_code_typo_is_caught_and_the_right_order_suggested(desk):
    order = OrderFactory(status=S.AWAITING_TRANSFER)
    wrong = next(c for c in order_codes.ALPHABET if c != order.code[3])
    typo = order.code[:3] + wrong + order.code[4:]
    assert not order_codes.is_valid(typo)
    response = desk.get(reverse(LIST), {"q": typo})
    assert list(response.context["cl"].result_list) == []
    (message,) = _messages(response)
    assert f"«{typo}» geçerli bir sipariş kodu değil" in message
    assert "Bunu mu demek istediniz" in message
    assert order.code in message

    swapped = order.code[1] + order.code[0] + order.code[2:]
    if swapped != order.code and not order_codes.is_valid(swapped):
        response = desk.get(reverse(LIST), {"q": swapped})
        assert order.code in _messages(response)[0]


def test_filters_by_bank_and_age(desk, accountant, bank_account):
    from tests.factories import BankAccountFactory

    other_bank = BankAccountFactory(bank_name="Ziraat")
    _confirmed_order(accountant, bank_account, "R-1")
    at_ziraat = _confirmed_order(accountant, other_bank, "R-2")
    response = desk.get(reverse(LIST), {"durum": "onaylandi", "banka": str(other_bank.pk)})
    assert [o.code for o in response.context["cl"].result_list] == [at_ziraat.code]

    old = OrderFactory(status=S.AWAITING_TRANSFER)
    Order.objects.filter(pk=old.pk).update(created_at=timezone.now() - timezone.timedelta(days=10))
    fresh = OrderFactory(status=S.AWAITING_TRANSFER)
    response = desk.get(reverse(LIST), {"yas": "7+"})
    assert [o.code for o in response.context["cl"].result_list] == [old.code]
    response = desk.get(reverse(LIST), {"yas": "0-2"})
    assert [o.code for o in response.context["cl"].result_list] == [fresh.code]


def test_list_query_count_does_not_grow_with_orders(
    desk, accountant, bank_account, django_assert_num_queries
):
    """N and 2N waiting orders, each with an earlier rejection: the same number of queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from packages.services import order_choose_payment_method
    from payments.services.transfer import bank_transfer_reject

    def add(n):
        for _ in range(n):
            order = OrderFactory(status=S.AWAITING_TRANSFER)
            bank_transfer_reject(order_id=order.pk, actor=accountant, reason="Eksik açıklama")
            order_choose_payment_method(
                order_id=order.pk, method=Order.PaymentMethod.TRANSFER, actor=order.created_by
            )

    add(3)
    desk.get(reverse(LIST))  # warm the session and content-type caches
    with CaptureQueriesContext(connection) as first:
        response = desk.get(reverse(LIST))
    assert len(response.context["cl"].result_list) == 3
    add(3)
    with django_assert_num_queries(len(first.captured_queries)):
        response = desk.get(reverse(LIST))
    assert len(response.context["cl"].result_list) == 6


def test_rows_are_the_admins_own_markup_and_totals_count_what_arrived(
    desk, accountant, bank_account
):
    """The list renders a row at a time (DeskRowsMixin): cell for cell what the admin's own
    ``items_for_result`` makes of the same columns; the totals (one query with the count) add
    the confirmed amounts."""
    from django.contrib.admin.templatetags.admin_list import items_for_result

    from payments.services.transfer import bank_transfer_reject

    OrderFactory(status=S.AWAITING_TRANSFER)
    rejected = OrderFactory(status=S.AWAITING_TRANSFER)
    bank_transfer_reject(order_id=rejected.pk, actor=accountant, reason="Eksik açıklama")
    confirmed = _confirmed_order(accountant, bank_account, "R-1")
    response = desk.get(reverse(LIST), {"durum": "tumu"})
    cl = response.context["cl"]
    html = response.content.decode()
    assert len(cl.result_list) == 3
    for order in cl.result_list:
        row = cl.model_admin.desk_row(order, cl)
        assert row == "".join(items_for_result(cl, order, None))
        assert f"<tr>{row}</tr>" in html
    assert "Garanti BBVA" in html and "Reddedildi" in html
    totals = response.context["totals"]
    assert totals["count"] == 3
    assert totals["received"] == confirmed.total_amount


# Confirm ---------------------------------------------------------------------------------------


def test_confirm_form_activates_and_a_second_submit_says_already_confirmed(
    desk, accountant, bank_account, django_capture_on_commit_callbacks
):
    from django.core import mail

    order = OrderFactory(status=S.AWAITING_TRANSFER)
    page = desk.get(_url("confirm", order))
    assert page.status_code == 200
    html = page.content.decode()
    assert order.code in html and "Valör tarihi" in html and "Banka referansı" in html

    with django_capture_on_commit_callbacks(execute=True):
        response = desk.post(_url("confirm", order), _confirm_form(order, bank_account))
    assert response.status_code == 302
    assert response["Location"] == _url("detail", order)
    assert any("onaylandı" in m for m in _messages(response))
    order.refresh_from_db()
    assert order.status == S.ACTIVE
    assert BankTransfer.objects.get(order=order).decided_by == accountant
    assert len(mail.outbox) == 1

    # Another tab still showing the form submits it again.
    second = desk.post(_url("confirm", order), _confirm_form(order, bank_account))
    assert second.status_code == 302
    message = _messages(second)[-1]
    assert "zaten onaylanmış" in message and "hiçbir şey değişmedi" in message
    assert BankTransfer.objects.filter(order=order).count() == 1
    assert len(mail.outbox) == 1

    again = desk.get(_url("confirm", order))
    assert "zaten onaylanmış" in again.content.decode()
    assert "<form" not in again.content.decode().split('id="content-main"')[1]


def test_amount_mismatch_warns_and_requires_an_explicit_choice(desk, bank_account):
    order = OrderFactory(status=S.AWAITING_TRANSFER)
    short = order.total_amount - Decimal("55.00")
    data = _confirm_form(order, bank_account, amount_received=str(short).replace(".", ","))

    response = desk.post(_url("confirm", order), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "sipariş tutarından" in html and "farklı" in html
    assert 'data-testid="amount-mismatch"' in html
    assert "Farkı bilerek kabul et ve onayla" in html and "Ödemeyi reddet" in html
    order.refresh_from_db()
    assert order.status == S.AWAITING_TRANSFER
    assert not BankTransfer.objects.exists()

    response = desk.post(_url("confirm", order), {**data, "mismatch_decision": "accept"})
    assert response.status_code == 302
    transfer = BankTransfer.objects.get(order=order)
    assert transfer.amount_mismatch is True
    assert transfer.amount_received == short


def test_amount_mismatch_can_be_rejected_from_the_same_form(desk, bank_account):
    order = OrderFactory(status=S.AWAITING_TRANSFER)
    data = _confirm_form(order, bank_account, amount_received="100,00", mismatch_decision="reject")
    response = desk.post(_url("confirm", order), data)
    assert response.status_code == 302
    transfer = BankTransfer.objects.get(order=order)
    assert transfer.outcome == BankTransfer.Outcome.REJECTED
    assert "100,00\u00a0₺" in transfer.reason
    order.refresh_from_db()
    assert order.status == S.AWAITING_PAYMENT


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("amount_received", "yirmi bin", "1.234,56 biçiminde"),
        ("amount_received", "-5", "1.234,56 biçiminde"),
        ("bank_account", "999999", "Geçerli bir seçenek seçin"),
        ("value_date", "2999-01-01", "ileri bir tarih olamaz"),
        ("value_date", "31.02.2026", "Geçerli bir tarih"),
        ("bank_reference", "", "Bu alanı doldurunuz"),
    ],
)
def test_tampered_or_bad_confirm_input_changes_nothing(desk, bank_account, field, value, message):
    order = OrderFactory(status=S.AWAITING_TRANSFER)
    response = desk.post(
        _url("confirm", order), _confirm_form(order, bank_account, **{field: value})
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    order.refresh_from_db()
    assert order.status == S.AWAITING_TRANSFER
    assert not BankTransfer.objects.exists()


def test_generic_change_page_leads_to_the_desk_page(desk):
    order = OrderFactory(status=S.AWAITING_TRANSFER)
    url = reverse("admin:payments_transferorder_change", args=[order.pk])
    assert desk.get(url)["Location"] == _url("detail", order)


def test_unknown_order_is_404(desk):
    response = desk.get(reverse("admin:payments_transferorder_confirm", args=[987654]))
    assert response.status_code == 404
    card_order = OrderFactory(status=S.AWAITING_PAYMENT)
    assert desk.get(_url("confirm", card_order)).status_code == 404


# Reject ----------------------------------------------------------------------------------------


def test_reject_form_needs_a_reason_and_sends_the_order_back(
    desk, django_capture_on_commit_callbacks
):
    from django.core import mail

    order = OrderFactory(status=S.AWAITING_TRANSFER)
    response = desk.post(_url("reject", order), {"reason": "   "})
    assert response.status_code == 200
    assert "Bu alanı doldurunuz" in response.content.decode()
    assert not BankTransfer.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = desk.post(_url("reject", order), {"reason": "Tutar eksik geldi."})
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == S.AWAITING_PAYMENT
    assert "Tutar eksik geldi." in mail.outbox[0].body

    detail = desk.get(_url("detail", order)).content.decode()
    assert "Tutar eksik geldi." in detail
    assert "Reddedildi" in detail


# CSV -------------------------------------------------------------------------------------------


def test_csv_export_of_the_filtered_list_opens_in_turkish_excel(desk, accountant, bank_account):
    tricky = ServiceProviderFactory(title='=HYPERLINK("http://x") Şişli Çiçek A.Ş.')
    waiting = OrderFactory(status=S.AWAITING_TRANSFER, service_provider=tricky)
    confirmed = _confirmed_order(accountant, bank_account, "REF-77")

    response = desk.get(_url("csv"))  # the default filter: waiting orders
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    raw = response.content
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Sipariş kodu", "Firma unvanı", "VKN"]
    assert [r[0] for r in rows[1:]] == [waiting.code]
    assert rows[1][1] == "'" + tricky.title  # not run as a formula
    assert rows[1][4] == f"{waiting.total_amount}".replace(".", ",")

    response = desk.get(_url("csv"), {"durum": "onaylandi"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert [r[0] for r in rows[1:]] == [confirmed.code]
    assert rows[1][12] == "REF-77"
    assert rows[1][10] == bank_account.bank_name


@pytest.mark.parametrize(
    "params",
    [
        {"durum": "<script>"},
        {"banka": "abc"},
        {"banka": "99999"},
        {"yas": "-1"},
        {"q": "'; DROP TABLE"},
        {"o": "99"},
        {"bilinmeyen": "1"},
        {"service_provider__tax_number__startswith": "1"},
    ],
)
def test_tampered_list_parameters_never_break_the_list(desk, params):
    """Answers are the list, a redirect to it, or Django's 400 for a forbidden lookup: no 500."""
    waiting = OrderFactory(status=S.AWAITING_TRANSFER)
    response = desk.get(reverse(LIST), params)
    assert response.status_code in (200, 302, 400)
    if response.status_code == 200 and set(params) <= {"durum", "yas", "o"}:
        assert waiting.code in response.content.decode()
    assert desk.get(_url("csv"), params).status_code in (200, 302, 400)
