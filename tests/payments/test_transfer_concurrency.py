"""Two clerks confirm the same transfer at the same moment: one activation, one
"already confirmed". Real parallel connections and row locks: PostgreSQL only."""

import threading

import pytest
from django.db import connection, connections
from django.utils import timezone

from packages.models import Order, OrderTransition, Subscription
from payments.models import BankTransfer
from payments.services.transfer import bank_transfer_confirm, bank_transfer_reject
from tests.factories import BankAccountFactory, OrderFactory, make_staff

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
S = Order.Status


def _in_parallel(*calls):
    """Run each call in its own thread (own database connection), released together."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout=10)
            results[index] = call()
        except Exception as error:  # noqa: BLE001 - reported to the test below
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def _confirm(order, clerk, account, reference):
    return lambda: bank_transfer_confirm(
        order_id=order.pk,
        actor=clerk,
        amount_received=order.total_amount,
        value_date=timezone.localdate(),
        bank_account_id=account.pk,
        bank_reference=reference,
    )


def test_two_clerks_confirm_in_parallel_one_activation():
    assert connection.vendor == "postgresql"
    order = OrderFactory(status=S.AWAITING_TRANSFER)
    account = BankAccountFactory()
    first, second = make_staff("Muhasebe"), make_staff("Muhasebe")

    results = _in_parallel(
        _confirm(order, first, account, "REF-A"), _confirm(order, second, account, "REF-B")
    )

    assert not [r for r in results if isinstance(r, Exception)], results
    changed = sorted(flag for _transfer, flag in results)
    assert changed == [False, True]
    winner = next(transfer for transfer, flag in results if flag)
    loser = next(transfer for transfer, flag in results if not flag)
    assert loser.pk == winner.pk  # the loser is told about the winner's confirmation
    assert BankTransfer.objects.filter(order=order).count() == 1
    assert Subscription.objects.filter(order=order).count() == 1
    assert OrderTransition.objects.filter(order=order, to_status=S.ACTIVE).count() == 1
    order.refresh_from_db()
    assert order.status == S.ACTIVE


def test_confirm_and_reject_in_parallel_leave_one_consistent_outcome():
    order = OrderFactory(status=S.AWAITING_TRANSFER)
    account = BankAccountFactory()
    clerk_a, clerk_b = make_staff("Muhasebe"), make_staff("Muhasebe")

    results = _in_parallel(
        _confirm(order, clerk_a, account, "REF-C"),
        lambda: bank_transfer_reject(order_id=order.pk, actor=clerk_b, reason="Para yok"),
    )

    # Whichever came first, the money's confirmation wins exactly once: either the rejection
    # was refused (already confirmed), or it came first and the confirmation followed it.
    order.refresh_from_db()
    assert order.status == S.ACTIVE
    assert BankTransfer.objects.filter(order=order, outcome="confirmed").count() == 1
    assert Subscription.objects.filter(order=order).count() == 1
    rejection = results[1]
    if isinstance(rejection, Exception):
        assert getattr(rejection, "code", None) == "already_confirmed", rejection
        assert not BankTransfer.objects.filter(order=order, outcome="rejected").exists()
    else:
        assert rejection[1] is True
        assert BankTransfer.objects.filter(order=order, outcome="rejected").count() == 1


def test_double_click_on_onayla_records_one_deadline_and_one_email():
    from payments.models import TransferNotice
    from payments.services.transfer import bank_transfer_choose

    order = OrderFactory(status=S.CONTRACT_ACCEPTED)
    choose = lambda: bank_transfer_choose(order_id=order.pk, actor=order.created_by)  # noqa: E731

    results = _in_parallel(choose, choose, choose)

    assert not [r for r in results if isinstance(r, Exception)], results
    assert sorted(changed for _order, changed in results) == [False, False, True]
    assert len({o.payment_due_at for o, _changed in results}) == 1
    assert TransferNotice.objects.filter(order=order).count() == 1
    assert OrderTransition.objects.filter(order=order, to_status=S.AWAITING_TRANSFER).count() == 1


def _slow_transfer_insert(delay: float):
    """A database hook for one thread: the INSERT of a bank transfer waits ``delay`` seconds
    first, as a busy server would, so the other clerk's check runs inside that window."""
    import time

    def wrapper(execute, sql, params, many, context):
        if sql.lstrip().upper().startswith('INSERT INTO "PAYMENTS_BANKTRANSFER"'):
            time.sleep(delay)
        return execute(sql, params, many, context)

    return wrapper


def test_same_reference_on_two_orders_at_once_gives_the_loser_the_form_error():
    """Issue 11 point 6: two clerks, two orders, one bank reference, the same moment. The
    loser used to get a 500 (UniqueViolation banktransfer_reference_used_once_per_account);
    it must get the error the sequential case shows, and nothing of it must be saved."""
    first_order = OrderFactory(status=S.AWAITING_TRANSFER)
    second_order = OrderFactory(status=S.AWAITING_TRANSFER)
    account = BankAccountFactory()
    clerk_a, clerk_b = make_staff("Muhasebe"), make_staff("Muhasebe")

    def slowly(call):
        def run():
            with connection.execute_wrapper(_slow_transfer_insert(0.5)):
                return call()

        return run

    results = _in_parallel(
        slowly(_confirm(first_order, clerk_a, account, "EFT-2024-001")),
        slowly(_confirm(second_order, clerk_b, account, "EFT-2024-001")),
    )

    errors = [r for r in results if isinstance(r, Exception)]
    assert len(errors) == 1, results
    error = errors[0]
    assert getattr(error, "code", None) == "reference_used", repr(error)
    winner_transfer, changed = next(r for r in results if not isinstance(r, Exception))
    assert changed is True
    assert winner_transfer.order.code in str(error.message)
    assert BankTransfer.objects.filter(bank_reference="EFT-2024-001").count() == 1
    loser_order = second_order if winner_transfer.order_id == first_order.pk else first_order
    loser_order.refresh_from_db()
    assert loser_order.status == S.AWAITING_TRANSFER
    assert not Subscription.objects.filter(order=loser_order).exists()
