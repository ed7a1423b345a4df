"""Reads for bank transfers: the accounts shown to customers, a company's waiting order, and
the accounting desk's list (constant query count however many orders there are)."""

from collections.abc import Iterable, Iterator
from decimal import Decimal

from django.db.models import Count, FilteredRelation, Prefetch, Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import ServiceProvider
from iys_portal.formatting import format_try, group_iban
from packages import order_codes
from packages.models import Order, OrderTransition

from ..models import (
    BankAccount,
    BankStatement,
    BankTransfer,
    StatementLine,
    TransferNotice,
    TransferOrder,
)


def bank_accounts_active() -> list[BankAccount]:
    return list(BankAccount.objects.filter(is_active=True).order_by("display_order", "bank_name"))


def transfer_order_get_for_provider(*, service_provider: ServiceProvider, code: str) -> Order:
    """The company's own order by code, or 404 (another company's code looks nonexistent)."""
    order = (
        Order.objects.select_related("service_provider", "package")
        .filter(service_provider=service_provider, code=str(code).upper())
        .first()
    )
    if order is None:
        raise Http404
    return order


def bank_transfer_latest_rejection(*, order: Order) -> BankTransfer | None:
    return (
        BankTransfer.objects.filter(order=order, outcome=BankTransfer.Outcome.REJECTED)
        .order_by("-decided_at", "-id")
        .first()
    )


def transfer_orders_for_desk() -> QuerySet[TransferOrder]:
    """Every order paid (or to be paid) by transfer, with what the list shows prefetched."""
    return (
        TransferOrder.objects.filter(payment_method=Order.PaymentMethod.TRANSFER)
        .select_related("service_provider", "package", "created_by")
        .prefetch_related(
            Prefetch(
                "bank_transfers",
                queryset=BankTransfer.objects.select_related("bank_account", "decided_by").order_by(
                    "-decided_at", "-id"
                ),
            )
        )
    )


def transfer_orders_for_desk_list() -> QuerySet[TransferOrder]:
    """The desk's list: the same orders, with only the fields its columns show (fewer joins,
    lighter rows)."""
    return (
        TransferOrder.objects.filter(payment_method=Order.PaymentMethod.TRANSFER)
        .select_related("service_provider", "package")
        .only(
            "code",
            "status",
            "total_amount",
            "created_at",
            "payment_due_at",
            "service_provider__title",
            "service_provider__tax_number",
            "service_provider__email",
            "service_provider__phone",
            "package__name",
        )
        .prefetch_related(
            # A list (``to_attr``), not a manager's cache: no queryset cloned per order.
            Prefetch(
                "bank_transfers",
                to_attr="desk_decisions",
                queryset=BankTransfer.objects.select_related("bank_account", "decided_by")
                .only(
                    "order_id",
                    "outcome",
                    "amount_received",
                    "decided_at",
                    "bank_account__bank_name",
                    "decided_by__tckn",
                    "decided_by__first_name",
                    "decided_by__last_name",
                )
                .order_by("-decided_at", "-id"),
            )
        )
    )


def transfer_decisions(order: Order) -> list[BankTransfer]:
    """The order's decisions, newest first, as prefetched (no query): the list's
    ``desk_decisions`` or the pages' ``bank_transfers``."""
    decisions = getattr(order, "desk_decisions", None)
    return decisions if decisions is not None else list(order.bank_transfers.all())


def transfer_confirmation(order: Order) -> BankTransfer | None:
    """The confirming decision, from the prefetched decisions (no query)."""
    for transfer in transfer_decisions(order):
        if transfer.outcome == BankTransfer.Outcome.CONFIRMED:
            return transfer
    return None


def transfer_order_next_pending(*, after: Order) -> TransferOrder | None:
    """The desk's next piece of work after deciding ``after``: the waiting order with the most
    urgent deadline (the list's own order)."""
    return (
        TransferOrder.objects.filter(
            payment_method=Order.PaymentMethod.TRANSFER, status=Order.Status.AWAITING_TRANSFER
        )
        .exclude(pk=after.pk)
        .order_by("payment_due_at", "created_at")
        .only("pk", "code")
        .first()
    )


def transfer_orders_totals(queryset: QuerySet) -> dict:
    """Count, amount due and amount confirmed as received of a (filtered) list: one query (an
    order has at most one confirmation, a constraint, so the join adds no rows)."""
    totals = (
        queryset.order_by()
        .alias(
            confirmed=FilteredRelation(
                "bank_transfers",
                condition=Q(bank_transfers__outcome=BankTransfer.Outcome.CONFIRMED),
            )
        )
        .aggregate(
            count=Count("pk"),
            amount=Sum("total_amount"),
            received=Sum("confirmed__amount_received"),
        )
    )
    return {
        "count": totals["count"],
        "amount": totals["amount"] or Decimal("0.00"),
        "received": totals["received"] or Decimal("0.00"),
    }


def transfer_order_detail(*, order_id: int) -> TransferOrder:
    """One transfer order for the desk's detail page: decisions, history rows and e-mails."""
    order = (
        transfer_orders_for_desk()
        .prefetch_related(
            Prefetch("transitions", queryset=OrderTransition.objects.select_related("actor")),
            Prefetch("transfer_notices", queryset=TransferNotice.objects.order_by("created_at")),
        )
        .filter(pk=order_id)
        .first()
    )
    if order is None:
        raise Http404
    return order


def code_variants(text: str) -> set[str]:
    """Valid codes one slip away from ``text``: a wrong, missing or extra character, or two
    neighbours swapped. Letters people confuse with excluded ones are mapped first."""
    text = text.translate(CONFUSABLE)
    alphabet = order_codes.ALPHABET
    length = order_codes.CODE_LENGTH
    candidates = {text}
    for i in range(len(text)):
        candidates.update(text[:i] + char + text[i + 1 :] for char in alphabet)  # wrong
        candidates.add(text[:i] + text[i + 1 :])  # extra
        if i + 1 < len(text):
            candidates.add(text[:i] + text[i + 1] + text[i] + text[i + 2 :])  # swapped
    for i in range(len(text) + 1):
        candidates.update(text[:i] + char + text[i:] for char in alphabet)  # missing
    return {c for c in candidates if len(c) == length and order_codes.is_valid(c)}


# Characters the order-code alphabet leaves out, mapped to the one people most likely meant.
CONFUSABLE = str.maketrans({"0": "D", "O": "D", "Q": "D"})


def order_code_suggestions(text: str, *, limit: int = 5) -> list[str]:
    """Existing transfer orders whose code is one typo away from ``text`` (one query)."""
    variants = code_variants(order_codes.normalize(text))
    if not variants:
        return []
    return list(
        Order.objects.filter(code__in=variants, payment_method=Order.PaymentMethod.TRANSFER)
        .order_by("code")
        .values_list("code", flat=True)[:limit]
    )


# The desk's CSV export ------------------------------------------------------------------------


def _csv_cell(value) -> str:
    """Spreadsheet-safe text: a leading = + - @ would be run as a formula by Excel."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _csv_amount(value) -> str:
    return format_try(value, symbol=False).replace(".", "") if value is not None else ""


def _csv_time(value) -> str:
    return timezone.localtime(value).strftime("%d.%m.%Y %H:%M") if value else ""


def transfer_orders_csv_rows(orders: Iterable[TransferOrder]) -> Iterator[list[str]]:
    """The header, then one spreadsheet-safe row per order of ``transfer_orders_for_desk``."""
    yield [
        _("Sipariş kodu"),
        _("Firma unvanı"),
        _("VKN"),
        _("Paket"),
        _("Tutar"),
        _("Durum"),
        _("Sipariş tarihi"),
        _("Son ödeme"),
        _("Gelen tutar"),
        _("Valör tarihi"),
        _("Banka"),
        _("IBAN"),
        _("Banka referansı"),
        _("İşlem"),
        _("İşlemi yapan"),
        _("İşlem zamanı"),
    ]
    for order in orders:
        decisions = transfer_decisions(order)
        latest = decisions[0] if decisions else None
        confirmation = transfer_confirmation(order)
        yield [
            _csv_cell(value)
            for value in [
                order.code,
                order.service_provider.title,
                order.service_provider.tax_number,
                order.package.name,
                _csv_amount(order.total_amount),
                order.get_status_display(),
                _csv_time(order.created_at),
                _csv_time(order.payment_due_at),
                _csv_amount(confirmation.amount_received) if confirmation else "",
                confirmation.value_date.strftime("%d.%m.%Y") if confirmation else "",
                confirmation.bank_account.bank_name if confirmation else "",
                group_iban(confirmation.bank_account.iban) if confirmation else "",
                confirmation.bank_reference if confirmation else "",
                latest.get_outcome_display() if latest else "",
                str(latest.decided_by) if latest else "",
                _csv_time(latest.decided_at if latest else None),
            ]
        ]


def statement_detail(*, statement_id: int) -> tuple[BankStatement, dict[str, list]]:
    """One imported statement and its lines by match state (two queries)."""
    statement = (
        BankStatement.objects.select_related("bank_account", "imported_by")
        .filter(pk=statement_id)
        .first()
    )
    if statement is None:
        raise Http404
    groups = {choice: [] for choice in StatementLine.Match.values}
    lines = StatementLine.objects.filter(statement=statement).select_related(
        "order__service_provider", "bank_transfer__decided_by"
    )
    for line in lines:
        groups[line.match].append(line)
    return statement, groups
