"""Card payment writes: start 3-D Secure, handle the bank's callback, settle, reconcile, refund,
issue the receipt.

Network calls to the gateway never run inside a transaction holding row locks. A payment moves
``pending_3ds`` → ``completing`` (one callback wins the row lock and claims it) → ``succeeded`` or
``failed``; a replayed or duplicated callback finds it already claimed and changes nothing.
Anything left ``pending_3ds``/``completing`` (tab closed, timeout, crash) is settled by
``payments_reconcile`` asking the gateway.

The card itself (``gateways.Card``) is only passed through to the gateway: never stored, logged
or queued.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_variables

from accounts.models import User
from iys_portal.emails import send_templated_email
from iys_portal.errors import ApplicationError
from iys_portal.formatting import money
from iys_portal.pdf import render_pdf
from packages.models import Order
from packages.services import order_choose_payment_method, order_fail, order_mark_paid

from ..gateways import (
    Buyer,
    Card,
    Expected,
    GatewayError,
    GatewayUnavailable,
    PaymentDeclined,
    PaymentGateway,
    PaymentResult,
    PaymentState,
    ResponseTampered,
    ThreeDSRequest,
    get_gateway,
)
from ..gateways.codes import md_status_message
from ..models import Payment, PaymentEvent
from ..selectors.receipt import receipt_context_for_order

logger = logging.getLogger(__name__)

S = Order.Status
# Orders that may be paid by card on the payment step.
PAYABLE_STATUSES = (S.CONTRACT_ACCEPTED, S.AWAITING_PAYMENT, S.AWAITING_TRANSFER, S.FAILED)
CALLBACK_FIELDS = ("status", "paymentId", "conversationId", "conversationData", "mdStatus")
# A payment still in flight after this long is asked about (reconciliation).
RECONCILE_AFTER = timedelta(minutes=10)
# The bank page is abandoned after this long; the attempt is closed as failed.
ABANDONED_AFTER = timedelta(minutes=30)


class CallbackRejected(ApplicationError):
    """A callback that does not belong to any attempt, or whose fields were tampered with."""


def _event(payment: Payment, kind: str, *, actor=None, message="", **data) -> PaymentEvent:
    return PaymentEvent.objects.create(
        payment=payment, kind=kind, actor=actor, message=str(message)[:300], data=data
    )


def _expected(payment: Payment) -> Expected:
    return Expected(
        payment_id=payment.gateway_payment_id or "",
        conversation_id=payment.conversation_id,
        basket_id=payment.order.code,
        price=payment.price,
        paid_price=payment.paid_price,
        currency=payment.currency,
    )


def _locked_payment(payment_id: int) -> Payment:
    return Payment.objects.select_for_update().select_related("order").get(pk=payment_id)


def _ensure_payable(order: Order) -> None:
    if order.status in (S.PAID, S.ACTIVE):
        raise ApplicationError(_("Bu siparişin ödemesi zaten alınmış."), code="already_paid")
    if order.status not in PAYABLE_STATUSES:
        raise ApplicationError(
            _("Bu sipariş «%(status)s» durumunda; kartla ödenemez.")
            % {"status": order.get_status_display()},
            code="not_payable",
        )
    if order.total_amount <= 0:
        raise ApplicationError(_("Ücretsiz siparişte ödeme yapılmaz."), code="free")


# Installments ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Charge:
    installment: int
    paid_price: Decimal


def charge_for(
    *, gateway: PaymentGateway, order: Order, bin_number: str, installment: int
) -> Charge:
    """What the card is charged for ``installment``: from the gateway's table for this BIN,
    never from the browser."""
    price = money(order.total_amount)
    family = gateway.installment_options(bin_number=bin_number, price=price)
    if installment == 1:
        option = family.option(1) if family else None
        return Charge(1, option.total_price if option else price)
    option = family.option(installment) if family else None
    if option is None:
        raise ApplicationError(
            _("Bu kart için %(count)s taksit seçeneği bulunmuyor.") % {"count": installment},
            code="installment",
        )
    return Charge(installment, option.total_price)


# Starting: «Öde» → 3-D Secure ----------------------------------------------------------------


def _buyer(order: Order, actor: User, ip: str) -> Buyer:
    provider = order.service_provider
    return Buyer(
        id=str(actor.pk),
        name=actor.first_name or "-",
        surname=actor.last_name or "-",
        email=actor.email or provider.email,
        identity_number=actor.tckn,
        gsm_number=provider.phone,
        ip=ip,
        city=provider.city or "İstanbul",
        address=provider.address or "-",
        company_title=provider.title,
    )


@sensitive_variables("card", "request")
def payment_start(
    *,
    order_id: int,
    card: Card,
    installment: int,
    actor: User,
    ip: str,
    callback_url: str,
    gateway: PaymentGateway | None = None,
) -> tuple[Payment, str]:
    """Open a payment attempt and initialize 3-D Secure. Returns the attempt and the bank's HTML
    to show. A refusal records a failed attempt and raises (the order stays payable)."""
    gateway = gateway or get_gateway()
    order = Order.objects.select_related("service_provider").get(pk=order_id)
    _ensure_payable(order)
    charge = charge_for(
        gateway=gateway, order=order, bin_number=card.bin_number, installment=installment
    )
    with transaction.atomic():
        order = order_choose_payment_method(
            order_id=order.pk, method=Order.PaymentMethod.CARD, actor=actor
        )
        payment = Payment.objects.create(
            order=order,
            conversation_id=uuid.uuid4().hex,
            gateway=gateway.name,
            price=money(order.total_amount),
            paid_price=charge.paid_price,
            installment=charge.installment,
            bin_number=card.bin_number,
            last_four=card.last_four,
            created_by=actor,
        )
    request = ThreeDSRequest(
        conversation_id=payment.conversation_id,
        basket_id=order.code,
        price=payment.price,
        paid_price=payment.paid_price,
        installment=payment.installment,
        callback_url=callback_url,
        buyer=_buyer(order, actor, ip),
        item_id=order.package.code,
        item_name=order.package.name,
        card=card,
    )
    try:
        start = gateway.start_3ds(request)
    except GatewayError as exc:
        _settle_failure(
            payment_id=payment.pk,
            code=exc.extra.get("error_code", exc.code),
            message=str(exc.message),
        )
        raise
    with transaction.atomic():
        payment = _locked_payment(payment.pk)
        payment.gateway_payment_id = start.payment_id
        payment.save(update_fields=["gateway_payment_id", "updated_at"])
        _event(
            payment,
            PaymentEvent.Kind.INITIALIZED,
            actor=actor,
            message=_("3-D Secure başlatıldı."),
            installment=payment.installment,
            paid_price=str(payment.paid_price),
        )
    return payment, start.html


# The bank's callback -------------------------------------------------------------------------


def _clean_callback(data: dict) -> dict[str, str]:
    cleaned = {}
    for name in (*CALLBACK_FIELDS, "signature"):
        value = data.get(name, "")
        if not isinstance(value, str) or len(value) > 500:
            raise CallbackRejected(_("Geçersiz ödeme bildirimi."), code="malformed")
        cleaned[name] = value.strip()
    if not cleaned["conversationId"] or not cleaned["paymentId"]:
        raise CallbackRejected(_("Geçersiz ödeme bildirimi."), code="malformed")
    return cleaned


def payment_handle_callback(*, data: dict, gateway: PaymentGateway | None = None) -> Payment:
    """The bank posted the browser back. The attempt is found by conversationId and must carry
    the same paymentId; only mdStatus "1" leads to completing the payment with the gateway.
    A second delivery of the same callback returns the attempt as it is."""
    gateway = gateway or get_gateway()
    fields = _clean_callback(data)
    with transaction.atomic():
        payment = (
            Payment.objects.select_for_update()
            .select_related("order")
            .filter(conversation_id=fields["conversationId"])
            .first()
        )
        if payment is None or payment.gateway_payment_id != fields["paymentId"]:
            logger.warning("card callback for an unknown attempt rejected")
            raise CallbackRejected(
                _("Bu ödeme bildirimi hiçbir ödeme denemesiyle eşleşmedi."), code="unknown"
            )
        if gateway.name != payment.gateway or not gateway.verify_callback(fields):
            logger.warning("card callback with a bad signature rejected (payment %s)", payment.pk)
            raise CallbackRejected(_("Ödeme bildiriminin imzası geçersiz."), code="signature")
        if payment.status != Payment.Status.PENDING_3DS:
            return payment  # replayed or duplicated: already claimed, nothing more happens
        md_status = fields["mdStatus"]
        if md_status != "1":
            _event(payment, PaymentEvent.Kind.THREEDS_RESULT, md_status=md_status[:4])
            return _settle_failure(
                payment_id=payment.pk,
                code=f"md{md_status[:4]}",
                message=md_status_message(md_status),
            )
        payment.status = Payment.Status.COMPLETING
        payment.conversation_data = fields["conversationData"]
        payment.save(update_fields=["status", "conversation_data", "updated_at"])
        _event(payment, PaymentEvent.Kind.THREEDS_RESULT, md_status="1")
    return payment_complete(payment_id=payment.pk, gateway=gateway)


def payment_complete(*, payment_id: int, gateway: PaymentGateway | None = None) -> Payment:
    """Charge a ``completing`` attempt with the gateway and settle it (the gateway has verified
    signature, amount, currency and basket). Unknown outcomes stay ``completing``."""
    gateway = gateway or get_gateway()
    payment = Payment.objects.select_related("order").get(pk=payment_id)
    if payment.status != Payment.Status.COMPLETING:
        return payment
    try:
        result = gateway.complete_3ds(
            expected=_expected(payment), conversation_data=payment.conversation_data
        )
    except PaymentDeclined as exc:
        return _settle_failure(
            payment_id=payment.pk,
            code=exc.extra.get("error_code", exc.code),
            message=str(exc.message),
        )
    except ResponseTampered as exc:
        return _reject_answer(payment, exc, gateway)
    except GatewayUnavailable as exc:
        with transaction.atomic():
            _event(
                _locked_payment(payment.pk),
                PaymentEvent.Kind.TIMEOUT,
                message=str(exc.message),
                code=exc.code,
            )
        logger.warning("card payment %s left to reconciliation: %s", payment.pk, exc.code)
        return payment
    return _settle_success(payment_id=payment.pk, result=result, gateway=gateway)


def _reject_answer(payment: Payment, exc: ResponseTampered, gateway: PaymentGateway) -> Payment:
    """An answer that failed verification is never trusted: the attempt fails, and whatever
    the gateway may have charged is voided (or flagged for a person when that fails too)."""
    with transaction.atomic():
        _event(
            _locked_payment(payment.pk),
            PaymentEvent.Kind.REJECTED,
            message=str(exc.message),
            detail=exc.extra.get("detail", ""),
        )
    logger.error("card payment %s: gateway answer failed verification", payment.pk)
    payment = _settle_failure(payment_id=payment.pk, code="tampered", message=str(exc.message))
    try:
        gateway.cancel(expected=_expected(payment), ip="127.0.0.1")
    except GatewayError:
        logger.error("card payment %s: could not void after a rejected answer", payment.pk)
    return payment


def _settle_failure(*, payment_id: int, code: str, message: str, actor=None) -> Payment:
    with transaction.atomic():
        payment = _locked_payment(payment_id)
        if payment.status not in Payment.IN_FLIGHT:
            return payment
        payment.status = Payment.Status.FAILED
        payment.failure_code = str(code)[:20]
        payment.failure_message = str(message)[:300]
        payment.completed_at = timezone.now()
        payment.save(
            update_fields=[
                "status",
                "failure_code",
                "failure_message",
                "completed_at",
                "updated_at",
            ]
        )
        _event(payment, PaymentEvent.Kind.FAILED, actor=actor, message=message, code=code)
        if payment.order.status == S.AWAITING_PAYMENT:
            # Still waiting for this card: the order shows the failure and stays payable.
            order_fail(
                order_id=payment.order_id,
                actor=None,
                note=_("Kart ödemesi başarısız: %(reason)s") % {"reason": message},
            )
        return payment


def _settle_success(*, payment_id: int, result: PaymentResult, gateway: PaymentGateway) -> Payment:
    with transaction.atomic():
        payment = _locked_payment(payment_id)
        if payment.status not in Payment.IN_FLIGHT:
            return payment
        payment.status = Payment.Status.SUCCEEDED
        payment.completed_at = timezone.now()
        payment.bin_number = (result.bin_number or payment.bin_number)[:8]
        payment.last_four = result.last_four or payment.last_four
        payment.card_family = result.card_family[:40]
        payment.save(
            update_fields=[
                "status",
                "completed_at",
                "bin_number",
                "last_four",
                "card_family",
                "updated_at",
            ]
        )
        _event(
            payment,
            PaymentEvent.Kind.COMPLETED,
            message=_("Ödeme alındı."),
            paid_price=str(payment.paid_price),
            installment=payment.installment,
        )
        note = _("Kredi kartı ile ödendi (iyzico ödeme no %(id)s, %(installment)s).") % {
            "id": payment.gateway_payment_id,
            "installment": payment.installment_label,
        }
        try:
            _order, changed = order_mark_paid(
                order_id=payment.order_id, actor=payment.created_by, note=note
            )
        except ApplicationError as exc:
            logger.warning("order %s refused the card payment: %s", payment.order_id, exc.code)
            changed = False
        if changed:
            transaction.on_commit(lambda: _queue_receipt(payment.pk))
    if not changed:
        # The order was paid another way meanwhile (two tabs, a bank transfer) or cancelled:
        # this charge must not stand.
        return payment_void(
            payment_id=payment.pk,
            actor=None,
            reason=_("Sipariş başka bir ödemeyle kapanmıştı; bu çekim iptal edildi."),
            gateway=gateway,
        )
    return payment


def _queue_receipt(payment_id: int) -> None:
    from ..tasks.card import send_card_receipt

    send_card_receipt.delay(payment_id)


# Reversal ----------------------------------------------------------------------------------


def payment_void(
    *,
    payment_id: int,
    actor: User | None,
    reason: str,
    ip: str = "127.0.0.1",
    gateway: PaymentGateway | None = None,
) -> Payment:
    """Give a successful charge back (cancel the same day, else refund in full). Idempotent:
    a refunded payment stays refunded. The row lock is held across the gateway call so that two
    clerks cannot refund twice."""
    gateway = gateway or get_gateway()
    with transaction.atomic():
        payment = _locked_payment(payment_id)
        if payment.status == Payment.Status.REFUNDED:
            return payment
        if payment.status != Payment.Status.SUCCEEDED:
            raise ApplicationError(_("Yalnızca başarılı ödemeler iade edilebilir."), code="state")
        expected = _expected(payment)
        try:
            gateway.cancel(expected=expected, ip=ip)
            how = "cancel"
        except PaymentDeclined:
            gateway.refund(expected=expected, amount=payment.paid_price, ip=ip)
            how = "refund"
        payment.status = Payment.Status.REFUNDED
        payment.save(update_fields=["status", "updated_at"])
        _event(payment, PaymentEvent.Kind.REFUNDED, actor=actor, message=reason, how=how)
        return payment


# Reconciliation ----------------------------------------------------------------------------


def payment_reconcile(
    *, payment_id: int, gateway: PaymentGateway | None = None, now=None
) -> Payment:
    """Ask the gateway about an attempt left in flight and settle it."""
    gateway = gateway or get_gateway()
    now = now or timezone.now()
    payment = Payment.objects.select_related("order").get(pk=payment_id)
    if payment.status not in Payment.IN_FLIGHT:
        return payment
    if not payment.gateway_payment_id:
        if now - payment.created_at > ABANDONED_AFTER:
            return _settle_failure(
                payment_id=payment.pk,
                code="abandoned",
                message=_("Ödeme başlatılamadı."),
            )
        return payment
    try:
        result = gateway.retrieve(expected=_expected(payment))
    except GatewayUnavailable:
        return payment  # next round
    except ResponseTampered as exc:
        return _reject_answer(payment, exc, gateway)
    with transaction.atomic():
        _event(
            _locked_payment(payment.pk),
            PaymentEvent.Kind.RECONCILED,
            message=_("Ödeme durumu soruldu."),
            state=result.state,
        )
    if result.succeeded:
        return _settle_success(payment_id=payment.pk, result=result, gateway=gateway)
    if result.state == PaymentState.FAILURE:
        return _settle_failure(
            payment_id=payment.pk,
            code=result.error_code or "failure",
            message=result.error_message or _("Ödeme bankanız tarafından onaylanmadı."),
        )
    if (
        result.state == PaymentState.CALLBACK_THREEDS
        and payment.status == Payment.Status.COMPLETING
    ):
        return payment_complete(payment_id=payment.pk, gateway=gateway)
    if now - payment.created_at > ABANDONED_AFTER:
        return _settle_failure(
            payment_id=payment.pk,
            code="abandoned",
            message=_("3-D Secure doğrulaması tamamlanmadı; ödeme alınmadı."),
        )
    return payment


def payments_reconcile(*, now=None, gateway: PaymentGateway | None = None) -> int:
    """Settle every attempt in flight for longer than RECONCILE_AFTER (periodic task)."""
    now = now or timezone.now()
    ids = Payment.objects.filter(
        status__in=Payment.IN_FLIGHT, updated_at__lt=now - RECONCILE_AFTER
    ).values_list("pk", flat=True)
    settled = 0
    for payment_id in list(ids):
        payment = payment_reconcile(payment_id=payment_id, gateway=gateway, now=now)
        settled += payment.status not in Payment.IN_FLIGHT
    return settled


# Receipt -----------------------------------------------------------------------------------


def payment_receipt_issue(*, payment_id: int) -> Payment:
    """Render the receipt PDF, keep it, e-mail it (once)."""
    with transaction.atomic():
        payment = (
            Payment.objects.select_for_update()
            .select_related("order__service_provider", "order__package", "created_by")
            .get(pk=payment_id)
        )
        if payment.receipt_sent_at is not None or payment.status != Payment.Status.SUCCEEDED:
            return payment
        order = payment.order
        context = {"payment": payment, **receipt_context_for_order(order_id=order.pk)}
        pdf = render_pdf("pdf/receipt.html", context)
        filename = f"makbuz-{order.code}.pdf"
        payment.receipt_pdf.save(filename, ContentFile(pdf), save=False)
        recipients = sorted(
            {e for e in (payment.created_by.email, order.service_provider.email) if e}
        )
        send_templated_email(
            to=recipients,
            template="payments/card_receipt",
            context=context,
            attachments=[(filename, pdf, "application/pdf")],
            reply_to=[settings.ACCOUNTING_EMAIL],
        )
        payment.receipt_sent_at = timezone.now()
        payment.save(update_fields=["receipt_pdf", "receipt_sent_at", "updated_at"])
        _event(payment, PaymentEvent.Kind.RECEIPT, message=", ".join(recipients))
        return payment
