"""The notice e-mail rule (iys_portal.notices): a claim committed before SMTP, the outcome after;
an attempt that died in between is sent again with the same Message-ID, as a further attempt."""

import logging

import pytest
from django.core import mail

from iys_portal.notices import notice_send
from packages.models import Order
from payments.models import TransferNotice
from payments.services import transfer
from payments.services.transfer import bank_transfer_choose, transfer_notice_send
from tests.factories import OrderFactory

pytestmark = pytest.mark.django_db


class Killed(BaseException):
    """The worker process dying right after SMTP took the e-mail."""


@pytest.fixture
def notice(bank_account, django_capture_on_commit_callbacks):
    order = OrderFactory(status=Order.Status.CONTRACT_ACCEPTED)
    with django_capture_on_commit_callbacks(execute=False):  # the task is not run here
        bank_transfer_choose(order_id=order.pk, actor=order.created_by)
    return TransferNotice.objects.get(order=order)


def _message_ids():
    return [m.message()["Message-ID"] for m in mail.outbox]


def _notices():
    return TransferNotice.objects.select_related("order__service_provider", "bank_transfer")


def test_sent_once_with_the_notices_message_id(notice):
    assert notice.message_id.startswith(f"<notice.payments.transfernotice.{notice.pk}.")
    assert notice.message_id.endswith("@iys.example>")
    assert transfer_notice_send(notice_id=notice.pk) is True
    assert transfer_notice_send(notice_id=notice.pk) is False  # a repeated delivery
    assert _message_ids() == [notice.message_id]
    notice.refresh_from_db()
    assert notice.attempts == 1 and notice.sent_at is not None
    assert notice.sending_at is not None and notice.sending_at <= notice.sent_at
    assert notice.recipients


def test_message_ids_differ_between_notices(notice):
    other = TransferNotice.objects.create(order=notice.order, kind="reminder", key="x")
    assert other.message_id != notice.message_id


def test_attempt_killed_after_the_hand_over_is_sent_again_with_the_same_message_id(notice, caplog):
    def send_then_die(n):
        transfer._notice_email(n)
        raise Killed

    with pytest.raises(Killed):
        notice_send(_notices(), notice_id=notice.pk, send=send_then_die)
    notice.refresh_from_db()
    # The claim survived the crash: "may have been sent".
    assert notice.sent_at is None and notice.sending_at is not None and notice.attempts == 1
    assert len(mail.outbox) == 1

    with caplog.at_level(logging.WARNING, logger="iys_portal.notices"):
        assert transfer_notice_send(notice_id=notice.pk) is True  # the broker's redelivery
    assert "may have been sent by attempt 1" in caplog.text
    assert _message_ids() == [notice.message_id, notice.message_id]
    notice.refresh_from_db()
    assert notice.attempts == 2 and notice.sent_at is not None

    assert transfer_notice_send(notice_id=notice.pk) is False  # and never a third time
    assert len(mail.outbox) == 2


def test_nothing_to_send_undoes_the_claim(notice):
    Order.objects.filter(pk=notice.order_id).update(status=Order.Status.CANCELLED)
    assert transfer_notice_send(notice_id=notice.pk) is False
    assert mail.outbox == []
    notice.refresh_from_db()
    assert notice.sent_at is None and notice.sending_at is None and notice.attempts == 0


def test_smtp_failure_leaves_the_notice_unsent_and_maybe_sent(notice, settings):
    def refuse(n):
        raise OSError("connection refused")

    with pytest.raises(OSError):
        notice_send(_notices(), notice_id=notice.pk, send=refuse)
    notice.refresh_from_db()
    assert notice.sent_at is None and notice.attempts == 1  # retried later, same Message-ID
    assert transfer_notice_send(notice_id=notice.pk) is True
    assert _message_ids() == [notice.message_id]
