"""The notice e-mail rule (iys_portal.notices): a claim committed before SMTP, the outcome after;
an attempt that died in between is sent again with the same Message-ID, as a further attempt."""

import logging
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from iys_portal.notices import MAX_ATTEMPTS, notice_send, notices_requeue_stale
from packages.models import Order
from payments.models import TransferNotice
from payments.services import transfer
from payments.services.transfer import bank_transfer_choose, transfer_notice_send
from tests.factories import OrderFactory

pytestmark = pytest.mark.django_db


class Killed(BaseException):
    """The worker process dying right after SMTP took the e-mail."""


def _transfer_notice(capture) -> TransferNotice:
    """A transfer order's instructions notice, recorded; its task is not run here."""
    order = OrderFactory(status=Order.Status.CONTRACT_ACCEPTED)
    with capture(execute=False):
        bank_transfer_choose(order_id=order.pk, actor=order.created_by)
    return TransferNotice.objects.get(order=order)


@pytest.fixture
def notice(bank_account, django_capture_on_commit_callbacks):
    return _transfer_notice(django_capture_on_commit_callbacks)


@pytest.fixture
def other_notice(bank_account, django_capture_on_commit_callbacks):
    return _transfer_notice(django_capture_on_commit_callbacks)


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


def _claimed_without_outcome(notice, *, ago, attempts=1):
    TransferNotice.objects.filter(pk=notice.pk).update(
        sending_at=timezone.now() - ago, attempts=attempts
    )


def test_a_stale_claim_is_queued_again_and_sent_once(
    notice, other_notice, django_capture_on_commit_callbacks
):
    _claimed_without_outcome(notice, ago=timedelta(hours=1))
    _claimed_without_outcome(other_notice, ago=timedelta(minutes=5))  # may still be retrying
    with django_capture_on_commit_callbacks(execute=True):
        assert notices_requeue_stale() == 1
    assert _message_ids() == [notice.message_id]
    notice.refresh_from_db()
    assert notice.sent_at is not None and notice.attempts == 2
    with django_capture_on_commit_callbacks(execute=True):
        assert notices_requeue_stale() == 0  # sent: never again
    assert len(mail.outbox) == 1


def test_unclaimed_notices_are_not_the_sweepers(notice, django_capture_on_commit_callbacks):
    TransferNotice.objects.filter(pk=notice.pk).update(created_at=timezone.now() - timedelta(1))
    with django_capture_on_commit_callbacks(execute=True):
        assert notices_requeue_stale() == 0  # never claimed: its task is queued or held
    assert mail.outbox == []


def test_a_notice_failing_every_attempt_is_left_for_an_operator(
    notice, caplog, django_capture_on_commit_callbacks
):
    _claimed_without_outcome(notice, ago=timedelta(hours=1), attempts=MAX_ATTEMPTS)
    with (
        caplog.at_level(logging.ERROR, logger="iys_portal.notices"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert notices_requeue_stale() == 0
    assert f"not sent after {MAX_ATTEMPTS} attempts" in caplog.text
    assert mail.outbox == []


def test_beat_runs_the_sweeper():
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.get(task="iys_portal.requeue_stale_notices")
    assert task.enabled and task.interval.every == 10
