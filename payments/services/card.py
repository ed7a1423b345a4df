"""Card payment writes: start 3-D Secure, handle the bank's callback, issue the receipt.
Settling lives in ``card_settle`` (charge, outcomes, reversal, a person's settlement) and asking
the gateway about unfinished attempts in ``card_reconcile``; both are re-exported here.

Network calls to the gateway run outside transactions, holding no row locks, with one
exception: a reversal (``payment_void``) holds the payment's locks across the cancel or refund
call so that two clerks cannot give the money back twice. Row locks follow the one lock order
(company, order, then the payment: ``locked_payment``). A payment moves
``pending_3ds`` → ``completing`` (one callback wins the row lock and claims it) → ``succeeded`` or
``failed`` on a verified answer, or ``unverified`` when the answer fails verification; a
replayed or duplicated callback finds it already claimed and changes nothing. Anything left
``pending_3ds``/``completing`` (tab closed, timeout, crash) is settled by ``payments_reconcile``
asking the gateway, or by a person when no verified answer comes.

The card itself (``gateways.Card``) is only passed through to the gateway: never stored, logged
or queued.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
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
from packages import order_rules
from packages.models import Order
from packages.services import order_choose_payment_method

from ..gateways import (
    Buyer,
    Card,
    GatewayError,
    GatewayTimeout,
    GatewayUnavailable,
    PaymentGateway,
    ThreeDSRequest,
    get_gateway,
)
from ..gateways.codes import md_status_message
from ..models import Payment, PaymentEvent
from ..selectors.card import card_payment_unresolved_for
from ..selectors.receipt import receipt_context_for_order
from .card_reconcile import (  # noqa: F401 — re-exported: callers import them from here
    ABANDONED_AFTER,
    RECONCILE_AFTER,
    payment_reconcile,
    payments_reconcile,
)
from .card_settle import (  # noqa: F401 — re-exported
    Resolution,
    event,
    locked_payment,
    payment_complete,
    payment_mark_unverified,
    payment_resolve,
    payment_void,
    settle_failure,
)

logger = logging.getLogger(__name__)

S = Order.Status
CALLBACK_FIELDS = ("status", "paymentId", "conversationId", "conversationData", "mdStatus")


class CallbackRejected(ApplicationError):
    """A callback that does not belong to any attempt, or whose fields were tampered with."""


def _ensure_payable(order: Order) -> None:
    if order_rules.order_is_paid(order):
        raise ApplicationError(_("Bu siparişin ödemesi zaten alınmış."), code="already_paid")
    if order.total_amount <= 0:
        raise ApplicationError(_("Ücretsiz siparişte ödeme yapılmaz."), code="free")
    if not order_rules.order_can_wait_for(order, Order.PaymentMethod.CARD):
        raise ApplicationError(
            _("Bu sipariş «%(status)s» durumunda; kartla ödenemez.")
            % {"status": order.get_status_display()},
            code="not_payable",
        )


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
    if card_payment_unresolved_for(order=order) is not None:
        raise ApplicationError(
            _(
                "Önceki kart ödemeniz henüz sonuçlanmadı; sonuçlanana kadar yeni ödeme "
                "başlatılamaz."
            ),
            code="unresolved",
        )
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
        # No charge is possible before 3-D Secure: the attempt fails, the order stays payable.
        if isinstance(exc, GatewayTimeout):
            reason = _("Ödeme hizmeti zamanında yanıt vermedi.")
        elif isinstance(exc, GatewayUnavailable):
            reason = _("Ödeme hizmetine ulaşılamadı.")
        else:
            reason = str(exc.message)
        settle_failure(
            payment_id=payment.pk, code=exc.extra.get("error_code", exc.code), message=reason
        )
        raise
    with transaction.atomic():
        payment = locked_payment(payment.pk)
        payment.gateway_payment_id = start.payment_id
        payment.save(update_fields=["gateway_payment_id", "updated_at"])
        event(
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
    payment_id = (
        Payment.objects.filter(conversation_id=fields["conversationId"])
        .values_list("pk", flat=True)
        .first()
    )
    with transaction.atomic():
        payment = locked_payment(payment_id) if payment_id is not None else None
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
            event(payment, PaymentEvent.Kind.THREEDS_RESULT, md_status=md_status[:4])
            return settle_failure(
                payment_id=payment.pk,
                code=f"md{md_status[:4]}",
                message=md_status_message(md_status),
            )
        payment.status = Payment.Status.COMPLETING
        payment.conversation_data = fields["conversationData"]
        payment.save(update_fields=["status", "conversation_data", "updated_at"])
        event(payment, PaymentEvent.Kind.THREEDS_RESULT, md_status="1")
    return payment_complete(payment_id=payment.pk, gateway=gateway)


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
        event(payment, PaymentEvent.Kind.RECEIPT, message=", ".join(recipients))
        return payment
