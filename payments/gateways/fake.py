"""A development gateway that behaves like the iyzico sandbox, without any network.

Outcomes follow the sandbox test cards (``sandbox.py``). 3-D Secure goes through a simulated
bank page served by this portal (``fake_bank.py``, clearly marked) that posts the same fields as
a real bank to the real callback view. Its memory is the database (iys_portal.simulator_state,
shared by every worker process), and it never keeps the card
number or CVC: only the outcome the card stands for, its BIN and last four digits.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import asdict, dataclass
from decimal import Decimal

from django.conf import settings
from django.templatetags.static import static
from django.urls import reverse

from iys_portal import simulator_state

from . import sandbox
from .base import (
    CardFamilyInstallments,
    Expected,
    PaymentDeclined,
    PaymentGateway,
    PaymentResult,
    PaymentState,
    ThreeDSRequest,
    ThreeDSStart,
    tampered,
)
from .codes import error_message

TTL = 24 * 60 * 60


def _secret() -> bytes:
    return hashlib.sha256(f"fake-gateway:{settings.SECRET_KEY}".encode()).digest()


def sign_callback(fields: dict) -> str:
    names = ["conversationData", "conversationId", "mdStatus", "paymentId", "status"]
    message = ":".join(str(fields.get(n, "")) for n in names).encode()
    return hmac.new(_secret(), message, hashlib.sha256).hexdigest()


@dataclass
class FakePayment:
    payment_id: str
    conversation_id: str
    basket_id: str
    price: str
    paid_price: str
    currency: str
    installment: int
    callback_url: str
    bin_number: str
    last_four: str
    card_family: str
    card_association: str
    md_status: str
    error_code: str
    conversation_data: str
    state: str = PaymentState.INIT_THREEDS
    bank_md_status: str = ""

    def save(self) -> None:
        simulator_state.put(_key(self.payment_id), asdict(self), TTL)


def _key(payment_id: str) -> str:
    return f"fake-gateway:payment:{payment_id}"


def load(payment_id: str) -> FakePayment | None:
    data = simulator_state.get(_key(str(payment_id)))
    return FakePayment(**data) if data else None


def bank_fields(payment: FakePayment, *, approved: bool) -> dict:
    """What the simulated bank posts to the callback: the card's mdStatus, or 0 if cancelled."""
    md_status = payment.md_status if approved else "0"
    payment.bank_md_status = md_status
    if payment.state == PaymentState.INIT_THREEDS:
        payment.state = PaymentState.CALLBACK_THREEDS if md_status == "1" else PaymentState.FAILURE
    payment.save()
    fields = {
        "status": "success" if md_status == "1" else "failure",
        "paymentId": payment.payment_id,
        "conversationData": payment.conversation_data,
        "conversationId": payment.conversation_id,
        "mdStatus": md_status,
    }
    fields["signature"] = sign_callback(fields)
    return fields


class FakeGateway(PaymentGateway):
    name = "fake"

    def installment_options(self, *, bin_number, price):
        return sandbox.installments_for_bin(bin_number, price)

    def installment_table(self, *, price) -> list[CardFamilyInstallments]:
        return sandbox.installment_table(price)

    def start_3ds(self, request: ThreeDSRequest) -> ThreeDSStart:
        card = request.card
        outcome = sandbox.outcome_for(card.number)
        family = sandbox.installments_for_bin(card.bin_number, request.price)
        payment = FakePayment(
            payment_id=str(secrets.randbelow(9 * 10**7) + 10**7),
            conversation_id=request.conversation_id,
            basket_id=request.basket_id,
            price=str(request.price),
            paid_price=str(request.paid_price),
            currency=request.currency,
            installment=request.installment,
            callback_url=request.callback_url,
            bin_number=card.bin_number,
            last_four=card.last_four,
            card_family=family.card_family if family else "",
            card_association=family.card_association if family else "",
            md_status=outcome.md_status,
            error_code=outcome.error_code,
            conversation_data=secrets.token_urlsafe(12),
        )
        payment.save()
        bank_url = reverse("payments:fake_bank", args=[payment.payment_id])
        html = (
            "<!doctype html><html lang='tr'><head><meta charset='utf-8'>"
            "<title>Bankaya yönlendiriliyorsunuz</title>"
            f"<script src='{static('js/autosubmit.js')}' defer></script></head><body>"
            f"<form method='get' action='{bank_url}' data-autosubmit>"
            "<p>Bankanızın 3-D Secure sayfasına yönlendiriliyorsunuz…</p>"
            "<noscript><button type='submit'>Devam</button></noscript></form></body></html>"
        )
        return ThreeDSStart(payment_id=payment.payment_id, html=html)

    def _payment(self, expected: Expected) -> FakePayment:
        payment = load(expected.payment_id)
        if payment is None:
            raise tampered("unknown payment")
        if (
            payment.conversation_id != expected.conversation_id
            or payment.basket_id != expected.basket_id
            or Decimal(payment.price) != expected.price
            or Decimal(payment.paid_price) != expected.paid_price
            or payment.currency != expected.currency
        ):
            raise tampered("mismatch")
        return payment

    def _result(self, payment: FakePayment, expected: Expected) -> PaymentResult:
        return PaymentResult(
            payment_id=payment.payment_id,
            state=payment.state,
            price=expected.price,
            paid_price=expected.paid_price,
            currency=expected.currency,
            installment=payment.installment,
            bin_number=payment.bin_number,
            last_four=payment.last_four,
            card_association=payment.card_association,
            card_family=payment.card_family,
            error_code=payment.error_code if payment.state == PaymentState.FAILURE else "",
        )

    def complete_3ds(self, *, expected, conversation_data):
        payment = self._payment(expected)
        if not hmac.compare_digest(payment.conversation_data, conversation_data):
            raise tampered("conversationData")
        if payment.state == PaymentState.SUCCESS:
            raise PaymentDeclined(error_message("10201"), code="declined")
        if payment.bank_md_status != "1":
            raise PaymentDeclined(error_message("10202"), code="declined")
        if payment.error_code:
            payment.state = PaymentState.FAILURE
            payment.save()
            raise PaymentDeclined(
                error_message(payment.error_code),
                code="declined",
                extra={"error_code": payment.error_code},
            )
        payment.state = PaymentState.SUCCESS
        payment.save()
        return self._result(payment, expected)

    def retrieve(self, *, expected):
        return self._result(self._payment(expected), expected)

    def cancel(self, *, expected, ip):
        payment = self._payment(expected)
        if payment.state != PaymentState.SUCCESS:
            raise PaymentDeclined(error_message("5110"), code="declined")
        payment.state = "REFUNDED"
        payment.save()

    def refund(self, *, expected, amount, ip):
        self.cancel(expected=expected, ip=ip)

    def verify_callback(self, data):
        given = data.get("signature", "")
        return bool(given) and hmac.compare_digest(sign_callback(data), given)
