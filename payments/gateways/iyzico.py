"""iyzico through the official ``iyzipay`` SDK (1.0.46); the only module that imports it.

What the SDK leaves to us (docs/domain.md):
- it has no timeout: every call gets a connection with ``timeout`` through the resource's
  ``httplib`` attribute (the module it takes ``HTTPSConnection`` from);
- its auth header dict is class-level and mutated per call: each call gets a fresh resource
  with a private copy of the header, so parallel requests cannot mix signatures;
- it returns the raw response: we read it once and decode JSON (floats as Decimal);
- it never verifies response signatures: we do (HMAC-SHA256, ``hmac.compare_digest``) and then
  check amount, currency, basket and ids before anything is trusted;
- prices are sent as strings ("1200.00").
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import hmac
import http.client
import json
import logging
import os
import ssl
from decimal import Decimal, InvalidOperation
from types import SimpleNamespace

import iyzipay
from django.conf import settings
from django.views.decorators.debug import sensitive_variables
from iyzipay.iyzipay_resource import IyzipayResource

from iys_portal.formatting import money

from .base import (
    CURRENCY,
    CardFamilyInstallments,
    Expected,
    GatewayUnavailable,
    InstallmentOption,
    PaymentDeclined,
    PaymentGateway,
    PaymentResult,
    PaymentState,
    ThreeDSRequest,
    ThreeDSStart,
    tampered,
    timed_out,
    unavailable,
)
from .codes import CONFIGURATION_ERRORS, UNKNOWN_OUTCOME_ERRORS, error_message

logger = logging.getLogger(__name__)


def price_text(value: Decimal) -> str:
    """Decimal → the string iyzico wants in requests ("1200.00")."""
    return f"{money(value):.2f}"


def signature_text(value) -> str:
    """A response field as iyzico signs it: as the response gives it, a trailing ``.0`` dropped."""
    text = str(value) if value is not None else ""
    return text[:-2] if text.endswith(".0") else text


def signature(secret_key: str, fields: list) -> str:
    message = ":".join(signature_text(f) for f in fields).encode("utf-8")
    return hmac.new(secret_key.encode("utf-8"), message, hashlib.sha256).hexdigest()


def _decimal(value) -> Decimal:
    try:
        return Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError) as exc:
        raise tampered(f"not a number: {value!r}") from exc


class _Transport(SimpleNamespace):
    """Stands in for ``http.client`` inside a resource: connections that time out.

    ``base_url`` "http://host:port" (the local test double only) gives a plain HTTP connection;
    a bare host (production, sandbox) gives HTTPS with certificate verification.
    """

    def __init__(self, *, timeout: float, plain_http: bool):
        super().__init__()
        self.timeout = timeout
        self.plain_http = plain_http

    def HTTPSConnection(self, host):  # noqa: N802 — the SDK calls this name
        if self.plain_http:
            return http.client.HTTPConnection(host, timeout=self.timeout)
        return http.client.HTTPSConnection(
            host,
            timeout=self.timeout,
            context=_tls_context(os.environ.get("SSL_CERT_FILE"), os.environ.get("SSL_CERT_DIR")),
        )


@functools.lru_cache(maxsize=4)
def _tls_context(cert_file: str | None, cert_dir: str | None) -> ssl.SSLContext:
    """The default client context (certificate and host name verified, the system's trusted
    CAs or SSL_CERT_FILE/SSL_CERT_DIR), made once rather than for every call: building it reads
    the whole CA bundle."""
    return ssl.create_default_context()


class IyzicoGateway(PaymentGateway):
    name = "iyzico"

    def __init__(self, *, api_key: str, secret_key: str, base_url: str, timeout: float):
        self.secret_key = secret_key
        plain_http = base_url.startswith("http://")
        host = base_url.removeprefix("http://").removeprefix("https://").rstrip("/")
        self.options = {"api_key": api_key, "secret_key": secret_key, "base_url": host}
        self.transport = _Transport(timeout=timeout, plain_http=plain_http)

    @classmethod
    def from_settings(cls) -> IyzicoGateway:
        return cls(
            api_key=settings.IYZICO_API_KEY,
            secret_key=settings.IYZICO_SECRET_KEY,
            base_url=settings.IYZICO_BASE_URL,
            timeout=settings.IYZICO_TIMEOUT_SECONDS,
        )

    # -- transport -------------------------------------------------------------------------

    def _resource(self, resource_class):
        resource = resource_class()
        resource.httplib = self.transport
        # A private header dict: the SDK mutates ``self.header``, a class attribute otherwise.
        resource.header = dict(IyzipayResource.header)
        return resource

    @sensitive_variables("request")
    def _call(self, resource_class, method: str, request: dict, *, charge: bool = False) -> dict:
        """One SDK call → the decoded JSON body (raises GatewayUnavailable/Timeout).
        ``charge``: this call takes money (3-D Secure auth), which words a timeout differently.
        An HTTP 5xx or an iyzico system error is no answer about the card: unavailable."""
        operation = resource_class.__name__
        if self.transport.plain_http and settings.PRODUCTION:
            # Card numbers and CVCs never leave in clear text; nothing is sent (iys.E006).
            logger.error("iyzico %s refused: plain HTTP base URL in production", operation)
            raise unavailable("configuration")
        resource = self._resource(resource_class)
        # Exceptions are re-raised ``from None``: the SDK's frames hold the request body (the
        # card), and an error report must never walk into them.
        try:
            response = getattr(resource, method)(request, self.options)
            status = response.status
            raw = response.read()
            response.close()
        except TimeoutError:
            logger.warning("iyzico %s timed out", operation)
            raise timed_out(charge_possible=charge) from None
        except (OSError, http.client.HTTPException) as exc:
            logger.warning("iyzico %s unreachable: %s", operation, type(exc).__name__)
            raise unavailable() from None
        except Exception as exc:  # noqa: BLE001 — an SDK bug must not leak the card either
            logger.error("iyzico %s failed in the SDK: %s", operation, type(exc).__name__)
            raise unavailable() from None
        try:
            payload = json.loads(raw.decode("utf-8"), parse_float=Decimal)
        except (UnicodeDecodeError, json.JSONDecodeError):
            logger.warning("iyzico %s answered HTTP %s without JSON", operation, status)
            raise unavailable() from None
        if not isinstance(payload, dict):
            raise unavailable()
        if payload.get("status") != "success":
            code = str(payload.get("errorCode", ""))
            logger.info("iyzico %s failure: HTTP %s errorCode=%s", operation, status, code)
            if code in CONFIGURATION_ERRORS:
                logger.error("iyzico rejected our credentials or request: errorCode=%s", code)
                raise unavailable("configuration")
            if status >= 500 or code in UNKNOWN_OUTCOME_ERRORS:
                raise unavailable("error_reply", error_code=code)
            raise PaymentDeclined(error_message(code), code="declined", extra={"error_code": code})
        if status >= 500:
            raise unavailable("http_error")
        return payload

    # -- checks ----------------------------------------------------------------------------

    def _verify_signature(self, payload: dict, fields: list[str]) -> None:
        given = payload.get("signature")
        if not isinstance(given, str) or not given:
            raise tampered("missing signature", code="unsigned")
        expected = signature(self.secret_key, [payload.get(f) for f in fields])
        if not hmac.compare_digest(expected, given):
            raise tampered("signature mismatch", code="unsigned")

    def _verified_payment(self, payload: dict, expected: Expected) -> PaymentResult:
        self._verify_signature(
            payload, ["paymentId", "currency", "basketId", "conversationId", "paidPrice", "price"]
        )
        checks = {
            "paymentId": str(payload.get("paymentId")) == expected.payment_id,
            "conversationId": payload.get("conversationId") == expected.conversation_id,
            "basketId": payload.get("basketId") == expected.basket_id,
            "currency": payload.get("currency") == expected.currency,
            "price": _decimal(payload.get("price")) == expected.price,
            "paidPrice": _decimal(payload.get("paidPrice")) == expected.paid_price,
        }
        wrong = [name for name, ok in checks.items() if not ok]
        if wrong:
            raise tampered("mismatch: " + ",".join(wrong))
        state = payload.get("paymentStatus") or PaymentState.SUCCESS
        error_code = str(payload.get("errorCode") or "") if state == PaymentState.FAILURE else ""
        return PaymentResult(
            payment_id=expected.payment_id,
            state=str(state),
            price=expected.price,
            paid_price=expected.paid_price,
            currency=expected.currency,
            installment=int(payload.get("installment") or 1),
            bin_number=str(payload.get("binNumber") or "")[:8],
            last_four=str(payload.get("lastFourDigits") or "")[-4:],
            card_association=str(payload.get("cardAssociation") or ""),
            card_family=str(payload.get("cardFamily") or ""),
            error_code=error_code,
            error_message=error_message(error_code) if error_code else "",
        )

    # -- the interface ---------------------------------------------------------------------

    def installment_options(self, *, bin_number, price):
        families = self._installments({"binNumber": bin_number[:8], "price": price_text(price)})
        return families[0] if families else None

    def installment_table(self, *, price):
        return self._installments({"price": price_text(price)})

    def _installments(self, fields: dict) -> list[CardFamilyInstallments]:
        payload = self._call(
            iyzipay.InstallmentInfo, "retrieve", {"locale": "tr", "conversationId": "", **fields}
        )
        families = []
        try:
            for detail in payload.get("installmentDetails") or []:
                options = tuple(
                    InstallmentOption(
                        count=int(p["installmentNumber"]),
                        installment_price=money(_decimal(p["installmentPrice"])),
                        total_price=money(_decimal(p["totalPrice"])),
                    )
                    for p in detail.get("installmentPrices") or []
                )
                families.append(
                    CardFamilyInstallments(
                        card_family=str(detail.get("cardFamilyName") or ""),
                        bank_name=str(detail.get("bankName") or ""),
                        card_association=str(detail.get("cardAssociation") or ""),
                        card_type=str(detail.get("cardType") or ""),
                        options=options,
                        bin_number=str(detail.get("binNumber") or ""),
                    )
                )
        except (KeyError, TypeError, ValueError) as exc:
            raise unavailable() from exc
        return families

    @sensitive_variables("request", "card")
    def start_3ds(self, request: ThreeDSRequest) -> ThreeDSStart:
        card = request.card
        buyer = request.buyer
        address = {
            "contactName": f"{buyer.name} {buyer.surname}".strip(),
            "city": buyer.city or "İstanbul",
            "country": "Turkey",
            "address": f"{buyer.company_title}, {buyer.address}".strip(", "),
        }
        body = {
            "locale": "tr",
            "conversationId": request.conversation_id,
            "price": price_text(request.price),
            "paidPrice": price_text(request.paid_price),
            "currency": request.currency,
            "installment": str(request.installment),
            "basketId": request.basket_id,
            "paymentChannel": "WEB",
            "paymentGroup": "SUBSCRIPTION",
            "callbackUrl": request.callback_url,
            "paymentCard": {
                "cardHolderName": card.holder_name,
                "cardNumber": card.number,
                "expireMonth": card.expire_month,
                "expireYear": card.expire_year,
                "cvc": card.cvc,
                "registerCard": "0",
            },
            "buyer": {
                "id": buyer.id,
                "name": buyer.name,
                "surname": buyer.surname,
                "gsmNumber": buyer.gsm_number,
                "email": buyer.email,
                "identityNumber": buyer.identity_number,
                "registrationAddress": address["address"],
                "ip": buyer.ip,
                "city": address["city"],
                "country": "Turkey",
            },
            "shippingAddress": address,
            "billingAddress": address,
            "basketItems": [
                {
                    "id": request.item_id,
                    "name": request.item_name,
                    "category1": "İLETİ paketi",
                    "itemType": "VIRTUAL",
                    "price": price_text(request.price),
                }
            ],
        }
        payload = self._call(iyzipay.ThreedsInitialize, "create", body)
        self._verify_signature(payload, ["paymentId", "conversationId"])
        if payload.get("conversationId") != request.conversation_id:
            raise tampered("conversationId")
        payment_id = str(payload.get("paymentId") or "")
        try:
            html = base64.b64decode(payload.get("threeDSHtmlContent") or "", validate=True)
            html_text = html.decode("utf-8")
        except (binascii.Error, ValueError) as exc:
            raise unavailable() from exc
        if not payment_id or not html_text:
            raise unavailable()
        return ThreeDSStart(payment_id=payment_id, html=html_text)

    def complete_3ds(self, *, expected, conversation_data):
        payload = self._call(
            iyzipay.ThreedsPayment,
            "create",
            {
                "locale": "tr",
                "conversationId": expected.conversation_id,
                "paymentId": expected.payment_id,
                "conversationData": conversation_data,
            },
            charge=True,
        )
        return self._verified_payment(payload, expected)

    def retrieve(self, *, expected):
        """Only a signed answer about this very payment says anything: an error reply (which
        iyzico never signs), an HTTP error or no answer is unknown (GatewayUnavailable), never a
        failure; a FAILURE is believed only with a valid signature and our amounts."""
        try:
            payload = self._call(
                iyzipay.Payment,
                "retrieve",
                {
                    "locale": "tr",
                    "conversationId": expected.conversation_id,
                    "paymentId": expected.payment_id,
                },
            )
        except PaymentDeclined as exc:
            raise unavailable("error_reply", error_code=exc.extra.get("error_code", "")) from None
        return self._verified_payment(payload, expected)

    def cancel(self, *, expected, ip):
        payload = self._call(
            iyzipay.Cancel,
            "create",
            {
                "locale": "tr",
                "conversationId": expected.conversation_id,
                "paymentId": expected.payment_id,
                "ip": ip,
            },
        )
        self._check_reversal(payload, expected, expected.paid_price)

    def refund(self, *, expected, amount, ip):
        payload = self._call(
            iyzipay.Payment,
            "refund",
            {
                "locale": "tr",
                "conversationId": expected.conversation_id,
                "paymentId": expected.payment_id,
                "price": price_text(amount),
                "currency": CURRENCY,
                "ip": ip,
            },
        )
        self._check_reversal(payload, expected, amount)

    def _check_reversal(self, payload: dict, expected: Expected, amount: Decimal) -> None:
        self._verify_signature(payload, ["paymentId", "price", "currency", "conversationId"])
        if (
            str(payload.get("paymentId")) != expected.payment_id
            or payload.get("conversationId") != expected.conversation_id
            or payload.get("currency") != expected.currency
            or _decimal(payload.get("price")) != amount
        ):
            raise tampered("reversal mismatch")

    def verify_callback(self, data):
        given = data.get("signature", "")
        if not given:
            return True  # older integrations: trust comes from completing with iyzico anyway
        fields = ["conversationData", "conversationId", "mdStatus", "paymentId", "status"]
        expected = signature(self.secret_key, [data.get(f, "") for f in fields])
        return hmac.compare_digest(expected, given)


__all__ = ["IyzicoGateway", "GatewayUnavailable", "error_message", "signature"]
