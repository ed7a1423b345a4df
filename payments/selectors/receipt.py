"""What a receipt says, for an order paid by card or by transfer, and the company's documents
(«Belgelerim»): contracts and receipts, newest first, in a constant number of queries."""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db.models import Prefetch
from django.http import Http404
from django.utils.translation import gettext as _

from accounts.models import ServiceProvider
from iys_portal.formatting import money
from packages.models import ContractAcceptance, Order, Subscription

from ..models import BankTransfer, Payment
from .transfer import transfer_confirmation


@dataclass
class Receipt:
    order: Order
    method: str  # "card" | "transfer"
    paid_at: datetime
    order_total: Decimal  # net − credit + VAT: what the package costs
    surcharge: Decimal  # the installment surcharge (card with installments), else 0
    charged: Decimal  # what was actually taken
    installment: int
    installment_amount: Decimal
    reference: str
    card: str = ""
    bank: str = ""
    value_date: date | None = None
    service_start: datetime | None = None
    service_end: datetime | None = None

    @property
    def vat_rate_percent(self) -> str:
        rate = self.order.package.vat_rate * 100
        return f"%{rate.normalize():f}"

    @property
    def method_label(self) -> str:
        return _("Kredi/banka kartı") if self.method == "card" else _("Havale/EFT")


def _card_payment(order: Order) -> Payment | None:
    return next(
        (p for p in order.card_payments.all() if p.status == Payment.Status.SUCCEEDED), None
    )


def _subscription(order: Order) -> Subscription | None:
    try:
        return order.subscription
    except Subscription.DoesNotExist:
        return None


def receipt_of(order: Order) -> Receipt | None:
    """The receipt of a paid order (from prefetched rows, see ``_documents_queryset``)."""
    subscription = _subscription(order)
    period = {
        "service_start": subscription.starts_at if subscription else None,
        "service_end": subscription.ends_at if subscription else None,
    }
    payment = _card_payment(order)
    if payment is not None:
        return Receipt(
            order=order,
            method="card",
            paid_at=payment.completed_at or payment.updated_at,
            order_total=payment.price,
            surcharge=money(payment.paid_price - payment.price),
            charged=payment.paid_price,
            installment=payment.installment,
            installment_amount=payment.installment_amount,
            reference=payment.gateway_payment_id,
            card=" ".join(filter(None, [payment.masked_card, payment.card_family])),
            **period,
        )
    transfer = transfer_confirmation(order)
    if transfer is not None:
        return Receipt(
            order=order,
            method="transfer",
            paid_at=transfer.decided_at,
            order_total=order.total_amount,
            surcharge=Decimal("0.00"),
            charged=transfer.amount_received,
            installment=1,
            installment_amount=transfer.amount_received,
            reference=transfer.bank_reference,
            bank=transfer.bank_account.bank_name if transfer.bank_account else "",
            value_date=transfer.value_date,
            **period,
        )
    return None


def _documents_queryset(service_provider: ServiceProvider):
    return _documents_queryset_all().filter(service_provider=service_provider)


def _documents_queryset_all():
    return Order.objects.select_related(
        "package", "service_provider", "subscription"
    ).prefetch_related(
        Prefetch("card_payments", queryset=Payment.objects.order_by("-completed_at")),
        Prefetch("bank_transfers", queryset=BankTransfer.objects.select_related("bank_account")),
        Prefetch(
            "acceptance",
            queryset=ContractAcceptance.objects.select_related("contract_version", "accepted_by"),
        ),
    )


def receipt_get_for_provider(*, service_provider: ServiceProvider, code: str) -> Receipt:
    """The company's own paid order's receipt, or 404 (a foreign code looks nonexistent)."""
    order = _documents_queryset(service_provider).filter(code=str(code).upper()).first()
    receipt = receipt_of(order) if order is not None else None
    if receipt is None:
        raise Http404
    return receipt


@dataclass
class Document:
    kind: str  # "contract" | "receipt"
    at: datetime
    order: Order
    receipt: Receipt | None = None
    acceptance: ContractAcceptance | None = None


def documents_for_provider(*, service_provider: ServiceProvider) -> list[Document]:
    """Every contract accepted and every receipt of the company, newest first."""
    documents = []
    for order in _documents_queryset(service_provider):
        acceptance = order.contract_acceptance
        if acceptance is not None:
            documents.append(
                Document("contract", acceptance.accepted_at, order, acceptance=acceptance)
            )
        receipt = receipt_of(order)
        if receipt is not None:
            documents.append(Document("receipt", receipt.paid_at, order, receipt=receipt))
    documents.sort(key=lambda d: (d.at, d.kind == "receipt"), reverse=True)
    return documents


def receipt_pdf_context(receipt: Receipt) -> dict:
    """Everything ``pdf/receipt.html`` shows."""
    order = receipt.order
    return {
        "receipt": receipt,
        "order": order,
        "provider": order.service_provider,
    }


def receipt_context_for_order(*, order_id: int) -> dict:
    """The receipt's context for one paid order (the card receipt e-mail renders it too)."""
    order = _documents_queryset_all().filter(pk=order_id).first()
    receipt = receipt_of(order) if order is not None else None
    if receipt is None:
        raise Http404
    return receipt_pdf_context(receipt)
