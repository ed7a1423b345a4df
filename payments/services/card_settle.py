"""Card payment settlement: the charge (``payment_complete``), the verified outcomes (paid,
failed), answers that fail verification (``unverified``), the reversal of a charge, and a
person's settlement of a payment on the «İnceleme gerekiyor» list.

Only a verified, definitive answer settles a payment by itself. An answer that fails the
signature or amount check is never trusted either way: the payment becomes ``unverified``, the
charge is cancelled if the gateway lets us, and a person decides (``payment_resolve``).
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from iys_portal.errors import ApplicationError
from iys_portal.tasks import queue_task
from packages import order_rules
from packages.services import order_fail, order_lock, order_mark_paid

from ..gateways import (
    Expected,
    GatewayError,
    GatewayUnavailable,
    PaymentDeclined,
    PaymentGateway,
    PaymentResult,
    ResponseTampered,
    get_gateway,
)
from ..models import Payment, PaymentEvent

logger = logging.getLogger(__name__)


def event(payment: Payment, kind: str, *, actor=None, message="", **data) -> PaymentEvent:
    return PaymentEvent.objects.create(
        payment=payment, kind=kind, actor=actor, message=str(message)[:300], data=data
    )


def expected_for(payment: Payment) -> Expected:
    return Expected(
        payment_id=payment.gateway_payment_id or "",
        conversation_id=payment.conversation_id,
        basket_id=payment.order.code,
        price=payment.price,
        paid_price=payment.paid_price,
        currency=payment.currency,
    )


def locked_payment(payment_id: int) -> Payment:
    """The payment's row lock, taken after its company's and order's (``order_lock``): the one
    lock order, so settling a payment and paying the order another way cannot deadlock."""
    order_id = Payment.objects.values_list("order_id", flat=True).get(pk=payment_id)
    order_lock(order_id=order_id)
    return Payment.objects.select_for_update().select_related("order").get(pk=payment_id)


# The charge --------------------------------------------------------------------------------


def payment_complete(*, payment_id: int, gateway: PaymentGateway | None = None) -> Payment:
    """Charge a ``completing`` attempt with the gateway and settle it (the gateway has verified
    signature, amount, currency and basket). Unknown outcomes stay ``completing`` for the
    reconciliation; an answer that fails verification makes the payment ``unverified``."""
    gateway = gateway or get_gateway()
    payment = Payment.objects.select_related("order").get(pk=payment_id)
    if payment.status != Payment.Status.COMPLETING:
        return payment
    try:
        result = gateway.complete_3ds(
            expected=expected_for(payment), conversation_data=payment.conversation_data
        )
    except PaymentDeclined as exc:
        return settle_failure(
            payment_id=payment.pk,
            code=exc.extra.get("error_code", exc.code),
            message=str(exc.message),
        )
    except ResponseTampered as exc:
        return payment_mark_unverified(
            payment_id=payment.pk, detail=exc.extra.get("detail", exc.code), gateway=gateway
        )
    except GatewayUnavailable as exc:
        with transaction.atomic():
            payment = locked_payment(payment.pk)
            payment.last_error = f"{exc.code}: {exc.message}"[:300]
            payment.save(update_fields=["last_error", "updated_at"])
            event(payment, PaymentEvent.Kind.TIMEOUT, message=str(exc.message), code=exc.code)
        logger.warning("card payment %s left to reconciliation: %s", payment.pk, exc.code)
        return payment
    return settle_success(payment_id=payment.pk, result=result, gateway=gateway)


# Outcomes ----------------------------------------------------------------------------------


def settle_failure(
    *,
    payment_id: int,
    code: str,
    message: str,
    actor=None,
    allowed=Payment.IN_FLIGHT,
    status=Payment.Status.FAILED,
) -> Payment:
    """Nothing was charged (or the charge was given back: ``status`` refunded). The order shows
    the failure and may be paid again. A payment no longer in ``allowed`` is left as it is."""
    with transaction.atomic():
        payment = locked_payment(payment_id)
        if payment.status not in allowed:
            return payment
        payment.status = status
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
        kind = (
            PaymentEvent.Kind.REFUNDED
            if status == Payment.Status.REFUNDED
            else PaymentEvent.Kind.FAILED
        )
        event(payment, kind, actor=actor, message=message, code=code)
        if order_rules.order_can_fail(payment.order):
            # Still waiting for this card: the order shows the failure and stays payable.
            order_fail(
                order_id=payment.order_id,
                actor=None,
                note=_("Kart ödemesi başarısız: %(reason)s") % {"reason": message},
            )
        return payment


def settle_success(
    *,
    payment_id: int,
    result: PaymentResult | None,
    gateway: PaymentGateway,
    actor=None,
    allowed=Payment.IN_FLIGHT,
) -> Payment:
    """The charge stands: the order is paid and the receipt queued. ``result`` is the verified
    answer (None when a person settled the payment after checking with iyzico)."""
    with transaction.atomic():
        payment = locked_payment(payment_id)
        if payment.status not in allowed:
            return payment
        payment.status = Payment.Status.SUCCEEDED
        payment.completed_at = timezone.now()
        if result is not None:
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
        event(
            payment,
            PaymentEvent.Kind.COMPLETED,
            actor=actor,
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
                order_id=payment.order_id, actor=actor or payment.created_by, note=note
            )
        except ApplicationError as exc:
            logger.warning("order %s refused the card payment: %s", payment.order_id, exc.code)
            changed = False
        if changed:
            queue_task("payments.send_card_receipt", payment.pk)
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


# Answers that fail verification ------------------------------------------------------------


def payment_mark_unverified(
    *, payment_id: int, detail: str, gateway: PaymentGateway | None = None
) -> Payment:
    """The answer to a charge failed the signature or amount check: the card may have been
    charged. Recorded on the payment, the charge is cancelled if the gateway lets us, and the
    payment goes on the «İnceleme gerekiyor» list; the order is neither paid nor failed. Called
    twice (a replayed answer), it has the effect of once."""
    gateway = gateway or get_gateway()
    with transaction.atomic():
        payment = locked_payment(payment_id)
        if payment.status != Payment.Status.COMPLETING:
            return payment
        now = timezone.now()
        payment.status = Payment.Status.UNVERIFIED
        payment.failure_code = "unverified"
        payment.failure_message = _("Ödeme yanıtı doğrulanamadı.")
        payment.last_error = str(detail)[:300]
        payment.attention_since = now
        payment.attention_reason = _(
            "Çekim yanıtının imzası ya da tutarı doğrulanamadı (%(detail)s)."
        ) % {"detail": str(detail)[:200]}
        payment.save(
            update_fields=[
                "status",
                "failure_code",
                "failure_message",
                "last_error",
                "attention_since",
                "attention_reason",
                "updated_at",
            ]
        )
        event(payment, PaymentEvent.Kind.REJECTED, message=payment.failure_message, detail=detail)
        event(payment, PaymentEvent.Kind.ATTENTION, message=payment.attention_reason)
    logger.error("card payment %s: the charge's answer failed verification", payment.pk)
    try:
        gateway.cancel(expected=expected_for(payment), ip="127.0.0.1")
    except GatewayError as exc:
        ok, message = False, _("İptal edilemedi: %(reason)s") % {"reason": exc.message}
        logger.error("card payment %s: could not void after a rejected answer", payment.pk)
    else:
        ok, message = True, _("iyzico iptali onayladı.")
    with transaction.atomic():
        payment = locked_payment(payment.pk)
        event(payment, PaymentEvent.Kind.VOID_TRIED, message=message, ok=ok)
    return payment


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
        payment = locked_payment(payment_id)
        if payment.status == Payment.Status.REFUNDED:
            return payment
        if payment.status != Payment.Status.SUCCEEDED:
            raise ApplicationError(_("Yalnızca başarılı ödemeler iade edilebilir."), code="state")
        expected = expected_for(payment)
        try:
            gateway.cancel(expected=expected, ip=ip)
            how = "cancel"
        except PaymentDeclined:
            gateway.refund(expected=expected, amount=payment.paid_price, ip=ip)
            how = "refund"
        payment.status = Payment.Status.REFUNDED
        payment.save(update_fields=["status", "updated_at"])
        event(payment, PaymentEvent.Kind.REFUNDED, actor=actor, message=reason, how=how)
        return payment


# A person settles ----------------------------------------------------------------------------


class Resolution:
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    REFUNDED = "refunded"

    LABELS = {
        SUCCEEDED: gettext_lazy("Personel kontrol etti: çekim yapılmış, ödeme alındı."),
        FAILED: gettext_lazy("Personel kontrol etti: karttan çekim yapılmamış."),
        REFUNDED: gettext_lazy("Personel kontrol etti: çekim iade edilmiş."),
    }


def payment_resolve(
    *, payment_id: int, outcome: str, actor: User, gateway: PaymentGateway | None = None
) -> Payment:
    """Staff settle a payment on the «İnceleme gerekiyor» list after checking it in iyzico's
    merchant panel: paid (the order is paid), not charged, or refunded (the order may be paid
    again). Who and when are recorded; a second click changes nothing."""
    if outcome not in Resolution.LABELS:
        raise ApplicationError(_("Geçersiz sonuç."), code="outcome")
    gateway = gateway or get_gateway()
    with transaction.atomic():
        payment = locked_payment(payment_id)
        if payment.resolved_at is not None:
            return payment
        if not payment.needs_attention or payment.status not in Payment.UNSETTLED:
            raise ApplicationError(
                _("Yalnızca inceleme bekleyen, sonuçlanmamış ödemeler sonuçlandırılabilir."),
                code="state",
            )
        message = str(Resolution.LABELS[outcome])
        payment.resolved_by = actor
        payment.resolved_at = timezone.now()
        payment.save(update_fields=["resolved_by", "resolved_at", "updated_at"])
        event(payment, PaymentEvent.Kind.RESOLVED, actor=actor, message=message, outcome=outcome)
        if outcome != Resolution.SUCCEEDED:
            return settle_failure(
                payment_id=payment.pk,
                code=f"staff_{outcome}",
                message=message,
                actor=actor,
                allowed=Payment.UNSETTLED,
                status=(
                    Payment.Status.REFUNDED
                    if outcome == Resolution.REFUNDED
                    else Payment.Status.FAILED
                ),
            )
    return settle_success(
        payment_id=payment.pk,
        result=None,
        gateway=gateway,
        actor=actor,
        allowed=Payment.UNSETTLED,
    )
