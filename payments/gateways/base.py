"""The payment gateway seam: one interface, value objects and domain errors.

Services speak only to ``PaymentGateway``; ``iyzico.py`` (the only importer of ``iyzipay``) and
``fake.py`` (development and most tests) implement it. Everything a gateway returns has been
checked already (signature, amount, currency, basket), so callers may trust it.
"""

from __future__ import annotations

import abc
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from iys_portal.errors import ApplicationError

CURRENCY = "TRY"


class GatewayError(ApplicationError):
    """The payment could not go on; ``message`` is Turkish and safe to show."""


class PaymentDeclined(GatewayError):
    """The bank or iyzico refused the card (a definite answer: nothing was charged)."""


class GatewayUnavailable(GatewayError):
    """No usable answer (network, HTTP error, malformed body): the outcome is unknown."""


class GatewayTimeout(GatewayUnavailable):
    """iyzico did not answer in time: the outcome is unknown until reconciliation."""


class ResponseTampered(GatewayError):
    """A response whose signature, amount, currency or basket does not match: never trusted."""


def unavailable(code: str = "unavailable", *, error_code: str = "") -> GatewayUnavailable:
    return GatewayUnavailable(
        _("Ödeme hizmetine şu anda ulaşılamıyor. Lütfen biraz sonra yeniden deneyiniz."),
        code=code,
        extra={"error_code": error_code} if error_code else None,
    )


def timed_out(*, charge_possible: bool) -> GatewayTimeout:
    """``charge_possible``: the call was the charge itself (3-D Secure auth). Anywhere else
    (installments, 3-D Secure start, reads) nothing can have been taken from the card."""
    if charge_possible:
        message = _(
            "Ödeme hizmeti zamanında yanıt vermedi. Kartınızdan çekim yapıldıysa ödemeniz "
            "birkaç dakika içinde otomatik olarak doğrulanacaktır."
        )
    else:
        message = _(
            "Ödeme hizmeti zamanında yanıt vermedi; kartınızdan çekim yapılmadı. "
            "Lütfen yeniden deneyiniz."
        )
    return GatewayTimeout(message, code="timeout")


def tampered(detail: str, *, code: str = "tampered") -> ResponseTampered:
    """``code`` "unsigned": the signature is missing or wrong (we cannot know who answered);
    "tampered": a signed answer that is not about what we asked (amount, basket, ids)."""
    return ResponseTampered(
        _("Ödeme yanıtı doğrulanamadı; işlem güvenlik nedeniyle durduruldu."),
        code=code,
        extra={"detail": detail},
    )


@dataclass(frozen=True)
class InstallmentOption:
    count: int
    installment_price: Decimal
    total_price: Decimal

    @property
    def is_single(self) -> bool:
        return self.count == 1


@dataclass(frozen=True)
class CardFamilyInstallments:
    """The installment options one card family (Bonus, World, …) offers for a price."""

    card_family: str
    bank_name: str
    card_association: str
    card_type: str
    options: tuple[InstallmentOption, ...]
    bin_number: str = ""

    def option(self, count: int) -> InstallmentOption | None:
        return next((o for o in self.options if o.count == count), None)


@dataclass(frozen=True)
class Card:
    """Card data, only ever in memory during one request: never logged (see ``__repr__``)."""

    holder_name: str
    number: str = field(repr=False)
    expire_month: str = field(repr=False)
    expire_year: str = field(repr=False)
    cvc: str = field(repr=False)

    @property
    def bin_number(self) -> str:
        return self.number[:6]

    @property
    def last_four(self) -> str:
        return self.number[-4:]

    def __repr__(self) -> str:
        return f"Card({self.bin_number}******{self.last_four})"

    __str__ = __repr__


@dataclass(frozen=True)
class Buyer:
    id: str
    name: str
    surname: str
    email: str
    identity_number: str
    gsm_number: str
    ip: str
    city: str
    address: str
    company_title: str


@dataclass(frozen=True)
class ThreeDSRequest:
    conversation_id: str
    basket_id: str
    price: Decimal
    paid_price: Decimal
    installment: int
    callback_url: str
    buyer: Buyer
    item_id: str
    item_name: str
    card: Card
    currency: str = CURRENCY


@dataclass(frozen=True)
class ThreeDSStart:
    payment_id: str
    html: str


@dataclass(frozen=True)
class Expected:
    """What we asked for: a gateway answer is trusted only when it matches all of it."""

    payment_id: str
    conversation_id: str
    basket_id: str
    price: Decimal
    paid_price: Decimal
    currency: str = CURRENCY


class PaymentState:
    SUCCESS = "SUCCESS"
    FAILURE = "FAILURE"
    INIT_THREEDS = "INIT_THREEDS"
    CALLBACK_THREEDS = "CALLBACK_THREEDS"


@dataclass(frozen=True)
class PaymentResult:
    """A verified payment as the gateway reports it."""

    payment_id: str
    state: str
    price: Decimal
    paid_price: Decimal
    currency: str
    installment: int
    bin_number: str = ""
    last_four: str = ""
    card_association: str = ""
    card_family: str = ""
    error_code: str = ""
    error_message: str = ""

    @property
    def succeeded(self) -> bool:
        return self.state == PaymentState.SUCCESS


class PaymentGateway(abc.ABC):
    name: str

    @abc.abstractmethod
    def installment_options(
        self, *, bin_number: str, price: Decimal
    ) -> CardFamilyInstallments | None:
        """The options of the card whose first digits are ``bin_number`` (None: unknown BIN)."""

    @abc.abstractmethod
    def installment_table(self, *, price: Decimal) -> list[CardFamilyInstallments]:
        """Options for every card family (the «Taksit Seçenekleri» table)."""

    @abc.abstractmethod
    def start_3ds(self, request: ThreeDSRequest) -> ThreeDSStart:
        """Initialize 3-D Secure; returns the bank's HTML and the gateway's payment id."""

    @abc.abstractmethod
    def complete_3ds(self, *, expected: Expected, conversation_data: str) -> PaymentResult:
        """After the bank said mdStatus 1: charge the card. Raises PaymentDeclined on refusal."""

    @abc.abstractmethod
    def retrieve(self, *, expected: Expected) -> PaymentResult:
        """Read a payment's current state (reconciliation)."""

    @abc.abstractmethod
    def cancel(self, *, expected: Expected, ip: str) -> None:
        """Void a payment (the same day, before settlement)."""

    @abc.abstractmethod
    def refund(self, *, expected: Expected, amount: Decimal, ip: str) -> None:
        """Give back ``amount`` of a settled payment."""

    def verify_callback(self, data: dict[str, str]) -> bool:
        """True when the bank callback's signature (if the gateway signs it) is valid."""
        return True
