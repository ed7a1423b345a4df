"""Card payment reconciliation: attempts left in flight (tab closed, timeout, crash) are asked
about with the gateway until a verified, definitive answer settles them.

An error reply, an HTTP error, an unsigned or unverifiable reply, or no answer at all is
*unknown*, never *failed*: the payment stays in flight and is asked again with back-off
(``next_reconcile_at``, driven by the periodic task). When no verified answer has come for
``CARD_PAYMENT_ATTENTION_AFTER_HOURS``, the payment goes on the «İnceleme gerekiyor» list in
the admin and a person settles it (``card_settle.payment_resolve``).

A payment is claimed under its row lock before the gateway is asked, so two runs of the task at
once ask once; whatever they record has the effect of one run.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ..gateways import (
    GatewayUnavailable,
    PaymentGateway,
    PaymentState,
    ResponseTampered,
    get_gateway,
)
from ..models import Payment, PaymentEvent
from .card_settle import (
    event,
    expected_for,
    locked_payment,
    payment_complete,
    payment_mark_unverified,
    settle_failure,
    settle_success,
)

logger = logging.getLogger(__name__)

# A payment still in flight after this long is asked about; the waits double from here.
RECONCILE_AFTER = timedelta(minutes=10)
LONGEST_WAIT = timedelta(hours=2)
# The bank page is abandoned after this long: no charge was asked for, the attempt is closed.
ABANDONED_AFTER = timedelta(minutes=30)
# A claimed payment is not asked again by another run for this long (longer than a call).
CLAIM_FOR = timedelta(minutes=5)


def attention_after() -> timedelta:
    return timedelta(hours=settings.CARD_PAYMENT_ATTENTION_AFTER_HOURS)


def backoff(attempts: int) -> timedelta:
    """10, 20, 40, 80 minutes, then every 2 hours."""
    return min(RECONCILE_AFTER * 2 ** max(attempts - 1, 0), LONGEST_WAIT)


def _due(now: datetime) -> Q:
    return Q(next_reconcile_at__lte=now) | Q(
        next_reconcile_at__isnull=True, updated_at__lt=now - RECONCILE_AFTER
    )


def _claim(payment_id: int, now: datetime, force: bool) -> Payment | None:
    """Take the payment for this run (None: settled, on the list, not due, or taken)."""
    with transaction.atomic():
        candidates = Payment.objects.select_for_update().select_related("order")
        if not force:
            candidates = candidates.filter(_due(now), attention_since__isnull=True)
        payment = candidates.filter(pk=payment_id, status__in=Payment.IN_FLIGHT).first()
        if payment is None:
            return None
        payment.next_reconcile_at = now + CLAIM_FOR
        payment.save(update_fields=["next_reconcile_at", "updated_at"])
        return payment


def _abandon(payment: Payment) -> Payment:
    """The bank step was never finished: no charge was asked for (only the callback does)."""
    return settle_failure(
        payment_id=payment.pk,
        code="abandoned",
        message=_("3-D Secure doğrulaması tamamlanmadı; ödeme alınmadı."),
        allowed=(Payment.Status.PENDING_3DS,),
    )


def _unknown(payment: Payment, now: datetime, *, code: str, message: str) -> Payment:
    """No verified answer: ask again later; after the limit, a person looks at it."""
    if payment.status == Payment.Status.PENDING_3DS and now - payment.created_at > ABANDONED_AFTER:
        return _abandon(payment)
    with transaction.atomic():
        payment = locked_payment(payment.pk)
        if payment.status not in Payment.IN_FLIGHT:
            return payment
        payment.reconcile_attempts += 1
        payment.last_error = f"{code}: {message}"[:300]
        payment.next_reconcile_at = now + backoff(payment.reconcile_attempts)
        fields = ["reconcile_attempts", "last_error", "next_reconcile_at", "updated_at"]
        event(
            payment,
            PaymentEvent.Kind.UNKNOWN,
            message=message,
            code=code,
            attempt=payment.reconcile_attempts,
        )
        if payment.attention_since is None and now - payment.created_at >= attention_after():
            payment.attention_since = now
            payment.attention_reason = _(
                "%(hours)s saattir iyzico'dan doğrulanmış bir yanıt alınamadı; son hata: %(error)s"
            ) % {"hours": settings.CARD_PAYMENT_ATTENTION_AFTER_HOURS, "error": message}
            payment.attention_reason = payment.attention_reason[:300]
            fields += ["attention_since", "attention_reason"]
            event(payment, PaymentEvent.Kind.ATTENTION, message=payment.attention_reason)
            logger.error("card payment %s needs a person: no verified answer", payment.pk)
        payment.save(update_fields=fields)
        return payment


def payment_reconcile(
    *,
    payment_id: int,
    gateway: PaymentGateway | None = None,
    now: datetime | None = None,
    force: bool = False,
) -> Payment:
    """Ask the gateway about an attempt left in flight; settle it only on a verified answer.
    ``force`` (staff: «iyzico'ya yeniden sor») asks even when it is not due or on the list."""
    gateway = gateway or get_gateway()
    now = now or timezone.now()
    payment = _claim(payment_id, now, force)
    if payment is None:
        return Payment.objects.get(pk=payment_id)
    if not payment.gateway_payment_id:
        # 3-D Secure never started: there is nothing to ask iyzico about.
        if now - payment.created_at > ABANDONED_AFTER:
            return _abandon(payment)
        return _unknown(payment, now, code="not_started", message=_("Ödeme başlatılamadı."))
    try:
        result = gateway.retrieve(expected=expected_for(payment))
    except GatewayUnavailable as exc:
        code = exc.extra.get("error_code") or exc.code
        return _unknown(payment, now, code=code, message=str(exc.message))
    except ResponseTampered as exc:
        detail = exc.extra.get("detail", exc.code)
        if exc.code == "unsigned" or payment.status == Payment.Status.PENDING_3DS:
            return _unknown(payment, now, code=exc.code, message=detail)
        # Signed, but not the amounts we asked for: the same as a rejected charge answer.
        return payment_mark_unverified(payment_id=payment.pk, detail=detail, gateway=gateway)
    with transaction.atomic():
        event(
            locked_payment(payment.pk),
            PaymentEvent.Kind.RECONCILED,
            message=_("Ödeme durumu soruldu."),
            state=result.state,
        )
    if result.succeeded:
        return settle_success(payment_id=payment.pk, result=result, gateway=gateway)
    if result.state == PaymentState.FAILURE:
        return settle_failure(
            payment_id=payment.pk,
            code=result.error_code or "failure",
            message=result.error_message or _("Ödeme bankanız tarafından onaylanmadı."),
        )
    if payment.status == Payment.Status.COMPLETING:
        if result.state == PaymentState.CALLBACK_THREEDS:
            # iyzico never saw our charge request: send it (again).
            return payment_complete(payment_id=payment.pk, gateway=gateway)
        return _unknown(payment, now, code="state", message=result.state)
    if now - payment.created_at > ABANDONED_AFTER:
        return _abandon(payment)
    return _unknown(payment, now, code="state", message=result.state)


def payments_reconcile(
    *, now: datetime | None = None, gateway: PaymentGateway | None = None
) -> int:
    """Ask about every attempt in flight that is due (periodic task); returns how many were
    settled."""
    now = now or timezone.now()
    gateway = gateway or get_gateway()
    ids = list(
        Payment.objects.filter(
            _due(now), status__in=Payment.IN_FLIGHT, attention_since__isnull=True
        ).values_list("pk", flat=True)
    )
    settled = 0
    for payment_id in ids:
        payment = payment_reconcile(payment_id=payment_id, gateway=gateway, now=now)
        settled += payment.status not in Payment.UNSETTLED
    return settled
