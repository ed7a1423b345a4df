"""The payment gateway seam: ``get_gateway()`` returns the configured implementation."""

from django.conf import settings

from .base import (
    Buyer,
    Card,
    CardFamilyInstallments,
    Expected,
    GatewayError,
    GatewayTimeout,
    GatewayUnavailable,
    InstallmentOption,
    PaymentDeclined,
    PaymentGateway,
    PaymentResult,
    PaymentState,
    ResponseTampered,
    ThreeDSRequest,
    ThreeDSStart,
)

__all__ = [
    "Buyer",
    "Card",
    "CardFamilyInstallments",
    "Expected",
    "GatewayError",
    "GatewayTimeout",
    "GatewayUnavailable",
    "InstallmentOption",
    "PaymentDeclined",
    "PaymentGateway",
    "PaymentResult",
    "PaymentState",
    "ResponseTampered",
    "ThreeDSRequest",
    "ThreeDSStart",
    "get_gateway",
]


def get_gateway() -> PaymentGateway:
    if settings.PAYMENT_GATEWAY == "iyzico":
        from .iyzico import IyzicoGateway

        return IyzicoGateway.from_settings()
    if settings.PAYMENT_GATEWAY == "fake":
        from .fake import FakeGateway

        return FakeGateway()
    raise ValueError(f"unknown PAYMENT_GATEWAY {settings.PAYMENT_GATEWAY!r}")
