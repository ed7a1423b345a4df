"""Daily tasks around a waiting transfer, on a frozen clock: the reminder before the deadline
goes out once, and the unpaid order expires once (packages' expiry task)."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail

from packages.models import Order, OrderTransition
from packages.tasks import expire_overdue_orders
from payments.models import TransferNotice
from payments.services.transfer import bank_transfer_choose, transfer_notice_send
from payments.tasks.transfer import record_transfer_reminders, send_transfer_notice
from tests.factories import OrderFactory

pytestmark = pytest.mark.django_db
S = Order.Status
START = datetime(2026, 11, 2, 10, 0, tzinfo=ZoneInfo("Europe/Istanbul"))


@pytest.fixture
def waiting_order(settings, bank_account, django_capture_on_commit_callbacks):
    settings.BANK_TRANSFER_EXPIRY_DAYS = 7
    settings.BANK_TRANSFER_REMINDER_DAYS = 2
    with time_machine.travel(START, tick=False):
        order = OrderFactory(status=S.CONTRACT_ACCEPTED)
        with django_capture_on_commit_callbacks(execute=True):
            order, _ = bank_transfer_choose(order_id=order.pk, actor=order.created_by)
    assert [m.subject for m in mail.outbox] == [
        f"Banka transferi ile ödeme bilgileri — sipariş {order.code}"
    ]
    mail.outbox.clear()
    return order


def _reminders(order):
    return TransferNotice.objects.filter(order=order, kind=TransferNotice.Kind.REMINDER)


def test_reminder_goes_out_once_inside_the_window(
    waiting_order, django_capture_on_commit_callbacks
):
    def run(at):  # the beat task runs outside a transaction: its e-mails go at once
        with time_machine.travel(at, tick=False), django_capture_on_commit_callbacks(execute=True):
            return record_transfer_reminders()

    assert run(START + timedelta(days=4)) == 0  # 3 days left
    assert mail.outbox == []
    assert run(START + timedelta(days=5, hours=1)) == 1  # less than 2 days left
    assert run(START + timedelta(days=5, hours=2)) == 0  # the same day again
    assert run(START + timedelta(days=6)) == 0  # the next day
    assert len(mail.outbox) == 1
    reminder = mail.outbox[0]
    assert reminder.subject.startswith("Hatırlatma:")
    assert waiting_order.code in reminder.subject
    assert "9 Kasım 2026 10:00" in reminder.body  # the deadline, Turkish, Istanbul time
    assert _reminders(waiting_order).get().sent_at is not None

    # A retried delivery of the same notice does not send it twice.
    assert send_transfer_notice(_reminders(waiting_order).get().pk) is False
    assert len(mail.outbox) == 1


def test_no_reminder_once_paid_or_switched(waiting_order, settings):
    from packages.services import order_choose_payment_method

    order_choose_payment_method(
        order_id=waiting_order.pk, method=Order.PaymentMethod.CARD, actor=waiting_order.created_by
    )
    with time_machine.travel(START + timedelta(days=5, hours=1), tick=False):
        assert record_transfer_reminders() == 0
    assert mail.outbox == []


def test_reminder_recorded_but_order_changed_before_sending_is_not_sent(waiting_order):
    with time_machine.travel(START + timedelta(days=5, hours=1), tick=False):
        from payments.services.transfer import transfer_reminders_record

        (notice_id,) = transfer_reminders_record()
    Order.objects.filter(pk=waiting_order.pk).update(status=S.CANCELLED)
    assert transfer_notice_send(notice_id=notice_id) is False
    assert mail.outbox == []


def test_unpaid_transfer_order_expires_once(waiting_order):
    with time_machine.travel(START + timedelta(days=6, hours=23), tick=False):
        assert expire_overdue_orders() == 0
    with time_machine.travel(START + timedelta(days=7, hours=1), tick=False):
        assert expire_overdue_orders() == 1
        assert expire_overdue_orders() == 0
        assert record_transfer_reminders() == 0  # nothing to remind about any more
    waiting_order.refresh_from_db()
    assert waiting_order.status == S.EXPIRED
    assert OrderTransition.objects.filter(order=waiting_order, to_status=S.EXPIRED).count() == 1


@pytest.mark.broker
@pytest.mark.django_db(transaction=True)
def test_instructions_email_travels_through_a_real_worker(celery_broker_worker):
    """The page returns before the e-mail: the task goes through Redis to a worker."""
    import time

    order = OrderFactory(status=S.CONTRACT_ACCEPTED)
    order, changed = bank_transfer_choose(order_id=order.pk, actor=order.created_by)
    assert changed is True
    deadline = time.monotonic() + 20
    while not mail.outbox and time.monotonic() < deadline:
        time.sleep(0.1)
    assert [m.subject for m in mail.outbox] == [
        f"Banka transferi ile ödeme bilgileri — sipariş {order.code}"
    ]
    notice = TransferNotice.objects.get(order=order)
    assert notice.sent_at is not None
