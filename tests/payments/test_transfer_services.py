"""Bank-transfer services: the customer's choice, confirm / reject by accounting, e-mails."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from iys_portal.errors import ApplicationError, PermissionDeniedError
from iys_portal.formatting import parse_amount
from packages.models import Order, OrderTransition, Subscription
from payments.models import BankTransfer, TransferNotice
from payments.services.transfer import (
    bank_transfer_choose,
    bank_transfer_confirm,
    bank_transfer_reject,
)
from tests.factories import BankAccountFactory, OrderFactory, make_staff

pytestmark = pytest.mark.django_db
S = Order.Status


def _confirm(order, actor, bank_account, **overrides):
    kwargs = {
        "order_id": order.pk,
        "actor": actor,
        "amount_received": order.total_amount,
        "value_date": timezone.localdate(),
        "bank_account_id": bank_account.pk,
        "bank_reference": "EFT-2026-000123",
        "note": "",
    }
    kwargs.update(overrides)
    return bank_transfer_confirm(**kwargs)


def _snapshot(order):
    order.refresh_from_db()
    return (
        order.status,
        OrderTransition.objects.filter(order=order).count(),
        BankTransfer.objects.filter(order=order).count(),
        Subscription.objects.filter(order=order).count(),
    )


# The customer chooses bank transfer -----------------------------------------------------------


def test_choose_sets_deadline_and_emails_instructions_once(
    settings, bank_account, django_capture_on_commit_callbacks
):
    settings.BANK_TRANSFER_EXPIRY_DAYS = 7
    settings.PORTAL_BASE_URL = "https://portal.iys.example"
    order = OrderFactory(status=S.CONTRACT_ACCEPTED)
    with django_capture_on_commit_callbacks(execute=True):
        order, changed = bank_transfer_choose(order_id=order.pk, actor=order.created_by)
    assert changed is True
    assert order.status == S.AWAITING_TRANSFER
    assert order.payment_method == Order.PaymentMethod.TRANSFER
    remaining = order.payment_due_at - timezone.now()
    assert timedelta(days=6, hours=23) < remaining <= timedelta(days=7)

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert order.code in message.subject
    assert order.created_by.email in message.to
    assert order.service_provider.email in message.to
    body = message.body
    assert f"Sipariş Kodu: {order.code}" in body
    assert f"Firma Unvanı: {order.service_provider.title}" in body
    assert "TR70 0006 2000 0000 0006 2999 99" in body
    assert (
        "Havale/EFT yapılırken açıklama bilgisine mutlaka «Sipariş Kodu» ve «Firma Unvanı» "
        "yazılmalıdır." in body
    )
    assert settings.ACCOUNTING_EMAIL in body
    assert f"https://portal.iys.example/odeme/{order.code}/havale/talimat/" in body
    assert message.reply_to == [settings.ACCOUNTING_EMAIL]

    # Double click on «Onayla»: nothing changes, no second e-mail.
    with django_capture_on_commit_callbacks(execute=True):
        again, changed = bank_transfer_choose(order_id=order.pk, actor=order.created_by)
    assert changed is False
    assert again.payment_due_at == order.payment_due_at
    assert len(mail.outbox) == 1
    assert TransferNotice.objects.filter(order=order).count() == 1


def test_choose_refused_for_a_free_or_draft_order():
    free = OrderFactory(status=S.CONTRACT_ACCEPTED, free=True)
    draft = OrderFactory(status=S.DRAFT)
    for order in (free, draft):
        before = _snapshot(order)
        with pytest.raises(ApplicationError):
            bank_transfer_choose(order_id=order.pk, actor=order.created_by)
        assert _snapshot(order) == before


# Accounting confirms --------------------------------------------------------------------------


def test_confirm_activates_once_records_who_and_emails(
    accountant, bank_account, django_capture_on_commit_callbacks
):
    order = OrderFactory(status=S.AWAITING_TRANSFER)
    with django_capture_on_commit_callbacks(execute=True):
        transfer, changed = _confirm(order, accountant, bank_account, note="Ekstre 28.11")
    assert changed is True
    order.refresh_from_db()
    assert order.status == S.ACTIVE
    assert Subscription.objects.get(order=order).status == Subscription.Status.ACTIVE
    assert transfer.outcome == BankTransfer.Outcome.CONFIRMED
    assert transfer.decided_by == accountant
    assert timezone.now() - transfer.decided_at < timedelta(seconds=5)
    assert (transfer.amount_received, transfer.expected_amount) == (
        order.total_amount,
        order.total_amount,
    )
    assert transfer.bank_reference == "EFT-2026-000123"
    assert transfer.amount_mismatch is False
    paid = OrderTransition.objects.get(order=order, to_status=S.PAID)
    assert paid.actor == accountant
    assert "EFT-2026-000123" in paid.note

    assert len(mail.outbox) == 1
    assert "onaylandı" in mail.outbox[0].subject
    assert order.package.name in mail.outbox[0].body

    # The second clerk, the second tab, the double click: nothing changes and it says so.
    before = _snapshot(order)
    other_clerk = make_staff("Muhasebe")
    with django_capture_on_commit_callbacks(execute=True):
        again, changed = _confirm(order, other_clerk, bank_account, bank_reference="BASKA-REF")
    assert changed is False
    assert again.pk == transfer.pk
    assert again.decided_by == accountant
    assert _snapshot(order) == before
    assert len(mail.outbox) == 1


def test_amount_mismatch_needs_an_explicit_choice(accountant, bank_account):
    order = OrderFactory(status=S.AWAITING_TRANSFER)
    short = order.total_amount - Decimal("100.00")
    before = _snapshot(order)
    with pytest.raises(ApplicationError) as error:
        _confirm(order, accountant, bank_account, amount_received=short)
    assert error.value.code == "amount_mismatch"
    assert "farklı" in error.value.message
    assert _snapshot(order) == before

    transfer, changed = _confirm(
        order, accountant, bank_account, amount_received=short, accept_mismatch=True
    )
    assert changed is True
    assert transfer.amount_mismatch is True
    assert transfer.amount_received == short
    order.refresh_from_db()
    assert order.status == S.ACTIVE


@pytest.mark.parametrize("groups", [("Destek",), ()])
def test_only_accounting_staff_may_decide(groups, bank_account):
    order = OrderFactory(status=S.AWAITING_TRANSFER)
    clerk = make_staff(*groups)
    before = _snapshot(order)
    with pytest.raises(PermissionDeniedError):
        _confirm(order, clerk, bank_account)
    with pytest.raises(PermissionDeniedError):
        bank_transfer_reject(order_id=order.pk, actor=clerk, reason="Para gelmedi")
    assert _snapshot(order) == before


def test_a_customer_cannot_confirm_even_with_the_service(bank_account):
    order = OrderFactory(status=S.AWAITING_TRANSFER)
    with pytest.raises(PermissionDeniedError):
        _confirm(order, order.created_by, bank_account)


@pytest.mark.parametrize(
    ("status", "method"),
    [
        (S.CANCELLED, Order.PaymentMethod.TRANSFER),
        (S.AWAITING_PAYMENT, Order.PaymentMethod.CARD),
        (S.ACTIVE, Order.PaymentMethod.CARD),
    ],
)
def test_confirm_refused_when_order_does_not_wait_for_a_transfer(
    accountant, bank_account, status, method
):
    order = OrderFactory(status=status, payment_method=method)
    before = _snapshot(order)
    with pytest.raises(ApplicationError) as error:
        _confirm(order, accountant, bank_account)
    assert error.value.code == "not_awaiting_transfer"
    assert _snapshot(order) == before


def test_late_money_on_an_expired_order_can_still_be_confirmed(accountant, bank_account):
    order = OrderFactory(status=S.EXPIRED)
    _transfer, changed = _confirm(order, accountant, bank_account)
    assert changed is True
    order.refresh_from_db()
    assert order.status == S.ACTIVE


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("value_date", timezone.localdate() + timedelta(days=1), "value_date"),
        ("bank_reference", "   ", "reference"),
        ("bank_account_id", 999999, "bank_account"),
        ("amount_received", Decimal("0"), "amount"),
    ],
)
def test_confirm_refuses_bad_input_and_changes_nothing(
    accountant, bank_account, field, value, code
):
    order = OrderFactory(status=S.AWAITING_TRANSFER)
    before = _snapshot(order)
    with pytest.raises(ApplicationError) as error:
        _confirm(order, accountant, bank_account, **{field: value})
    assert error.value.code == code
    assert _snapshot(order) == before


def test_one_bank_reference_cannot_pay_two_orders(accountant, bank_account):
    first = OrderFactory(status=S.AWAITING_TRANSFER)
    second = OrderFactory(status=S.AWAITING_TRANSFER, package=first.package)
    _confirm(first, accountant, bank_account, bank_reference="REF-1")
    with pytest.raises(ApplicationError) as error:
        _confirm(second, accountant, bank_account, bank_reference="REF-1")
    assert first.code in error.value.message
    # The same reference at another bank is another transfer.
    _transfer, changed = _confirm(second, accountant, BankAccountFactory(), bank_reference="REF-1")
    assert changed is True


# Accounting rejects ---------------------------------------------------------------------------


def test_reject_sends_order_back_to_payment_and_emails_reason(
    accountant, django_capture_on_commit_callbacks
):
    order = OrderFactory(status=S.AWAITING_TRANSFER)
    with django_capture_on_commit_callbacks(execute=True):
        transfer, changed = bank_transfer_reject(
            order_id=order.pk, actor=accountant, reason="Açıklamada sipariş kodu yok."
        )
    assert changed is True
    assert transfer.outcome == BankTransfer.Outcome.REJECTED
    assert transfer.decided_by == accountant
    order.refresh_from_db()
    assert order.status == S.AWAITING_PAYMENT
    assert order.payment_method == Order.PaymentMethod.TRANSFER
    assert len(mail.outbox) == 1
    assert "Açıklamada sipariş kodu yok." in mail.outbox[0].body
    assert "yeniden ödeyebilir" in mail.outbox[0].body

    # A second clerk rejecting the same transfer changes nothing.
    before = _snapshot(order)
    with django_capture_on_commit_callbacks(execute=True):
        again, changed = bank_transfer_reject(
            order_id=order.pk, actor=make_staff("Muhasebe"), reason="Başka gerekçe"
        )
    assert changed is False
    assert again.pk == transfer.pk
    assert _snapshot(order) == before
    assert len(mail.outbox) == 1

    # The customer pays again by transfer: a new deadline, new instructions.
    with django_capture_on_commit_callbacks(execute=True):
        order, changed = bank_transfer_choose(order_id=order.pk, actor=order.created_by)
    assert changed is True
    assert order.status == S.AWAITING_TRANSFER
    assert len(mail.outbox) == 2


def test_reject_needs_a_reason_and_cannot_undo_a_confirmation(accountant, bank_account):
    order = OrderFactory(status=S.AWAITING_TRANSFER)
    with pytest.raises(ApplicationError):
        bank_transfer_reject(order_id=order.pk, actor=accountant, reason="  ")
    _confirm(order, accountant, bank_account)
    before = _snapshot(order)
    with pytest.raises(ApplicationError) as error:
        bank_transfer_reject(order_id=order.pk, actor=accountant, reason="Yanlış onay")
    assert error.value.code == "already_confirmed"
    assert _snapshot(order) == before


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("23.055,00", "23055.00"),
        ("23055,5", "23055.50"),
        ("23055.00", "23055.00"),
        ("23.055", "23055.00"),
        ("1.234.567,89 ₺", "1234567.89"),
        (" 23 055,00 TL", "23055.00"),
    ],
)
def test_parse_amount_reads_turkish_and_plain_notation(text, amount):
    assert parse_amount(text) == Decimal(amount)


@pytest.mark.parametrize("text", ["", "on bin", "12,34,56", "NaN", "1e400000"])
def test_parse_amount_refuses_garbage_in_turkish(text):
    with pytest.raises(ApplicationError) as error:
        parse_amount(text)
    assert "1.234,56" in error.value.message
