"""Bank transfer (Havale/EFT) writes: the customer's choice, the accounting desk's confirm and
reject, and the e-mails about a waiting transfer (instructions, reminder, outcome).

Locks follow the one lock order (docs/architecture.md): the company and the order first
(``order_lock``), then our own rows, so two clerks, two tabs or a double click serialize on the
order and the second one changes nothing. A confirmation then locks the bank account the money
arrived on: two clerks confirming two different orders with the same bank reference serialize
there, and the second one is told the reference is used (instead of hitting the database
constraint).
Expiry of unpaid transfer orders belongs to ``packages.services.orders_expire_overdue``.
"""

from datetime import date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from iys_portal.emails import send_templated_email
from iys_portal.errors import ApplicationError, PermissionDeniedError
from iys_portal.formatting import format_try, money
from iys_portal.notices import notice_record, notice_send
from packages import order_rules
from packages.models import Order
from packages.services import (
    order_choose_payment_method,
    order_lock,
    order_mark_paid,
    order_reopen_for_payment,
)

from ..models import BankAccount, BankTransfer, TransferNotice
from ..selectors.card import card_payment_unresolved_for
from ..selectors.transfer import bank_accounts_active

S = Order.Status
TRANSFER = Order.PaymentMethod.TRANSFER
CONFIRM_PERMISSION = "payments.confirm_transferorder"

ACCOUNTING_GROUP = "Muhasebe"
# What accounting staff may do in the admin; mirrored by the payments data migrations.
ACCOUNTING_PERMISSIONS = [
    "add_bankaccount",
    "change_bankaccount",
    "view_bankaccount",
    "view_transferorder",
    "confirm_transferorder",
    "view_banktransfer",
]


@transaction.atomic
def accounting_group_sync() -> Group:
    """Make sure the "Muhasebe" group exists with the accounting permissions."""
    group, _created = Group.objects.get_or_create(name=ACCOUNTING_GROUP)
    permissions = Permission.objects.filter(
        content_type__app_label="payments", codename__in=ACCOUNTING_PERMISSIONS
    )
    group.permissions.add(*permissions)
    return group


def _locked_order(order_id: int) -> Order:
    order_lock(order_id=order_id)  # the company, then the order: the one lock order
    return Order.objects.select_related("service_provider", "package").get(pk=order_id)


def _deadline_key(order: Order) -> str:
    return order.payment_due_at.isoformat() if order.payment_due_at else "-"


def _record_notice(
    *, order: Order, kind: str, key: str, bank_transfer: BankTransfer | None = None
) -> TransferNotice | None:
    """The notice row, queued to be sent after commit; None when this exact notice was already
    recorded (sent once)."""
    return notice_record(
        TransferNotice, order=order, kind=kind, key=key, defaults={"bank_transfer": bank_transfer}
    )


def _require_accountant(actor: User) -> None:
    if not (actor.is_active and actor.is_staff and actor.has_perm(CONFIRM_PERMISSION)):
        raise PermissionDeniedError(
            _(
                "Havale/EFT ödemelerini yalnızca muhasebe personeli onaylayabilir "
                "ya da reddedebilir."
            ),
            code="not_accountant",
        )


# The customer --------------------------------------------------------------------------------


def bank_transfer_choose(*, order_id: int, actor: User) -> tuple[Order, bool]:
    """«Onayla» in the bank-transfer dialog: the order waits for a transfer with a deadline and
    the customer is e-mailed the instructions. (order, False) when it already waited."""
    with transaction.atomic():
        order = _locked_order(order_id)
        if card_payment_unresolved_for(order=order) is not None:
            raise ApplicationError(
                _("Önceki kart ödemeniz henüz sonuçlanmadı; şimdilik banka transferi seçilemez."),
                code="card_unresolved",
            )
        already_waiting = order.status == S.AWAITING_TRANSFER
        order = order_choose_payment_method(order_id=order.pk, method=TRANSFER, actor=actor)
        if already_waiting:
            return order, False
        _record_notice(order=order, kind=TransferNotice.Kind.INSTRUCTIONS, key=_deadline_key(order))
        return order, True


# The accounting desk -------------------------------------------------------------------------


def _confirmed_transfer(order: Order) -> BankTransfer | None:
    return (
        BankTransfer.objects.filter(order=order, outcome=BankTransfer.Outcome.CONFIRMED)
        .select_related("decided_by", "bank_account")
        .first()
    )


def bank_transfer_confirm(
    *,
    order_id: int,
    actor: User,
    amount_received: Decimal,
    value_date: date,
    bank_account_id: int,
    bank_reference: str,
    note: str = "",
    accept_mismatch: bool = False,
) -> tuple[BankTransfer, bool]:
    """The money is on our account: record it and activate the package (``order_mark_paid``).

    (transfer, True) the first time; (the existing confirmation, False) for every later attempt
    on the same order, whoever makes it. An amount different from the order total is refused
    unless ``accept_mismatch`` says accounting chose to accept it.
    """
    _require_accountant(actor)
    bank_reference = (bank_reference or "").strip()
    with transaction.atomic():
        order = _locked_order(order_id)
        existing = _confirmed_transfer(order)
        if existing is not None:
            return existing, False
        # Waiting, past the deadline (money that arrives late is still money), or sent back to
        # the payment step by an earlier rejection: ``order_rules`` decides.
        if not order_rules.order_can_confirm_transfer(order):
            raise ApplicationError(
                _("%(code)s numaralı sipariş havale/EFT ödemesi beklemiyor (durum: %(status)s).")
                % {"code": order.code, "status": order.get_status_display()},
                code="not_awaiting_transfer",
            )
        amount = money(amount_received)
        if amount <= 0:
            raise ApplicationError(_("Gelen tutar sıfırdan büyük olmalıdır."), code="amount")
        if value_date > timezone.localdate():
            raise ApplicationError(_("Valör tarihi ileri bir tarih olamaz."), code="value_date")
        if not bank_reference:
            raise ApplicationError(_("Banka referansını giriniz."), code="reference")
        # The account row lock makes the reference check and the insert below one step.
        bank_account = BankAccount.objects.select_for_update().filter(pk=bank_account_id).first()
        if bank_account is None:
            raise ApplicationError(_("Paranın geldiği hesabı seçiniz."), code="bank_account")
        used = (
            BankTransfer.objects.filter(
                outcome=BankTransfer.Outcome.CONFIRMED,
                bank_account=bank_account,
                bank_reference=bank_reference,
            )
            .select_related("order")
            .first()
        )
        if used is not None:
            raise ApplicationError(
                _("Bu banka referansı %(code)s numaralı sipariş için zaten kullanıldı.")
                % {"code": used.order.code},
                code="reference_used",
            )
        mismatch = amount != order.total_amount
        if mismatch and not accept_mismatch:
            raise ApplicationError(
                _(
                    "Gelen tutar (%(received)s) sipariş tutarından (%(expected)s) farklı. "
                    "Yine de kabul etmek ya da reddetmek için açıkça seçim yapınız."
                )
                % {"received": format_try(amount), "expected": format_try(order.total_amount)},
                code="amount_mismatch",
            )
        now = timezone.now()
        transfer = BankTransfer.objects.create(
            order=order,
            outcome=BankTransfer.Outcome.CONFIRMED,
            expected_amount=order.total_amount,
            amount_received=amount,
            value_date=value_date,
            bank_account=bank_account,
            bank_reference=bank_reference,
            amount_mismatch=mismatch,
            note=note.strip(),
            decided_by=actor,
            decided_at=now,
        )
        order_mark_paid(
            order_id=order.pk,
            actor=actor,
            note=_("Havale/EFT onaylandı: %(amount)s, %(bank)s, referans %(ref)s")
            % {"amount": format_try(amount), "bank": bank_account.bank_name, "ref": bank_reference},
        )
        _record_notice(
            order=order,
            kind=TransferNotice.Kind.CONFIRMED,
            key=str(transfer.pk),
            bank_transfer=transfer,
        )
        return transfer, True


def bank_transfer_reject(
    *,
    order_id: int,
    actor: User,
    reason: str,
    amount_received: Decimal | None = None,
    value_date: date | None = None,
    bank_account_id: int | None = None,
    bank_reference: str = "",
    note: str = "",
) -> tuple[BankTransfer, bool]:
    """The transfer cannot be accepted: record why, e-mail the customer, and send the order back
    to the payment step (the customer may pay again or cancel). A second rejection of the same
    waiting order returns (the earlier rejection, False)."""
    _require_accountant(actor)
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(_("Ret gerekçesini yazınız."), code="reason")
    with transaction.atomic():
        order = _locked_order(order_id)
        if _confirmed_transfer(order) is not None:
            raise ApplicationError(
                _("%(code)s numaralı siparişin ödemesi onaylanmış; reddedilemez.")
                % {"code": order.code},
                code="already_confirmed",
            )
        if order_rules.order_transfer_sent_back(order):
            earlier = (
                BankTransfer.objects.filter(order=order, outcome=BankTransfer.Outcome.REJECTED)
                .select_related("decided_by")
                .first()
            )
            if earlier is not None:
                return earlier, False
        if not order_rules.order_can_reject_transfer(order):
            raise ApplicationError(
                _("%(code)s numaralı sipariş havale/EFT ödemesi beklemiyor (durum: %(status)s).")
                % {"code": order.code, "status": order.get_status_display()},
                code="not_awaiting_transfer",
            )
        bank_account = (
            BankAccount.objects.filter(pk=bank_account_id).first() if bank_account_id else None
        )
        transfer = BankTransfer.objects.create(
            order=order,
            outcome=BankTransfer.Outcome.REJECTED,
            expected_amount=order.total_amount,
            amount_received=money(amount_received) if amount_received is not None else None,
            value_date=value_date,
            bank_account=bank_account,
            bank_reference=(bank_reference or "").strip(),
            amount_mismatch=amount_received is not None
            and money(amount_received) != order.total_amount,
            note=note.strip(),
            reason=reason,
            decided_by=actor,
            decided_at=timezone.now(),
        )
        order_reopen_for_payment(
            order_id=order.pk,
            actor=actor,
            note=_("Havale/EFT reddedildi: %(reason)s") % {"reason": reason},
        )
        _record_notice(
            order=order,
            kind=TransferNotice.Kind.REJECTED,
            key=str(transfer.pk),
            bank_transfer=transfer,
        )
        return transfer, True


def bank_transfer_record_received(
    *,
    order_id: int,
    actor: User,
    amount_received: Decimal,
    value_date: date,
    bank_account_id: int,
    bank_reference: str,
    note: str = "",
    mismatch_decision: str = "",
) -> tuple[BankTransfer, bool]:
    """The desk's confirm form: confirm the money, or, when accounting chose to refuse an amount
    that differs from the order total, reject it with that reason. A «reject» chosen for an
    amount that agrees has nothing to refuse and confirms."""
    _require_accountant(actor)
    details = {
        "amount_received": amount_received,
        "value_date": value_date,
        "bank_account_id": bank_account_id,
        "bank_reference": bank_reference,
        "note": note,
    }
    with transaction.atomic():
        order = _locked_order(order_id)
        amount = money(amount_received)
        if mismatch_decision == "reject" and amount != order.total_amount:
            reason = _("Gelen tutar (%(received)s) sipariş tutarından (%(expected)s) farklı.") % {
                "received": format_try(amount),
                "expected": format_try(order.total_amount),
            }
            return bank_transfer_reject(order_id=order.pk, actor=actor, reason=reason, **details)
        return bank_transfer_confirm(
            order_id=order.pk,
            actor=actor,
            accept_mismatch=mismatch_decision == "accept",
            **details,
        )


# E-mails -------------------------------------------------------------------------------------


def transfer_reminders_record(*, at: datetime | None = None) -> list[int]:
    """Daily: a reminder for every order still waiting whose deadline is within
    BANK_TRANSFER_REMINDER_DAYS, each queued to be sent. Returns the new notices' ids (none on
    a second run)."""
    at = at or timezone.now()
    horizon = at + timedelta(days=settings.BANK_TRANSFER_REMINDER_DAYS)
    orders = Order.objects.filter(
        status=S.AWAITING_TRANSFER,
        payment_method=TRANSFER,
        payment_due_at__gt=at,
        payment_due_at__lte=horizon,
    ).only("pk", "payment_due_at")
    notice_ids = []
    for order in orders:
        notice = _record_notice(
            order=order, kind=TransferNotice.Kind.REMINDER, key=_deadline_key(order)
        )
        if notice is not None:
            notice_ids.append(notice.pk)
    return notice_ids


def _recipients(order: Order) -> list[str]:
    addresses = []
    for address in (order.created_by.email, order.service_provider.email):
        if address and address.lower() not in {a.lower() for a in addresses}:
            addresses.append(address)
    return addresses


def _notice_email(notice: TransferNotice) -> list[str]:
    order = notice.order
    waiting_kinds = (TransferNotice.Kind.INSTRUCTIONS, TransferNotice.Kind.REMINDER)
    if notice.kind in waiting_kinds and (
        order.status != S.AWAITING_TRANSFER or _deadline_key(order) != notice.key
    ):
        return []
    recipients = _recipients(order)
    if not recipients:
        return []
    target = (
        reverse("payments:transfer_instructions", args=[order.code])
        if notice.kind in waiting_kinds
        else reverse("packages:manage")
    )
    send_templated_email(
        to=recipients,
        template=f"transfer_{notice.kind}",
        context={
            "order": order,
            "service_provider": order.service_provider,
            "transfer": notice.bank_transfer,
            "bank_accounts": bank_accounts_active(),
            "accounting_email": settings.ACCOUNTING_EMAIL,
            "link": settings.PORTAL_BASE_URL + target,
        },
        reply_to=[settings.ACCOUNTING_EMAIL],
        message_id=notice.message_id,
    )
    return recipients


def transfer_notice_send(*, notice_id: int) -> bool:
    """Send one notice e-mail (Celery). True when sent now; False when it was sent before, or
    when a reminder/instructions no longer apply (the order stopped waiting meanwhile)."""
    return notice_send(
        TransferNotice.objects.select_related(
            "order__service_provider",
            "order__package",
            "order__created_by",
            "bank_transfer__bank_account",
        ),
        notice_id=notice_id,
        send=_notice_email,
    )
