"""Bank statement import (R7): read a statement file, match each credit to a waiting transfer
order, and confirm the proposed matches in bulk through ``bank_transfer_confirm`` (so every
confirmation is recorded, row-locked and idempotent exactly like a single one).

Lock order as everywhere: the order row first (inside ``bank_transfer_confirm``), then our own
rows (the statement line). Imports into one bank account are serialized on that account's row.
"""

import hashlib
import re
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from iys_portal.errors import ApplicationError
from iys_portal.formatting import format_try
from packages import order_codes, order_rules
from packages.models import Order

from ..models import BankAccount, BankStatement, StatementLine
from ..selectors.transfer import code_variants
from ..statements import BANK_FORMATS, StatementCredit, read_mt940, read_table
from .transfer import TRANSFER, _require_accountant, bank_transfer_confirm

M = StatementLine.Match
MT940 = "mt940"

# Words a company title carries that say nothing about which company it is.
_TITLE_NOISE = {
    "A", "AS", "A.S", "LTD", "STI", "SIRKETI", "SAN", "VE", "TIC", "TICARET", "SANAYI", "LIMITED",
    "ANONIM", "PAZ", "PAZARLAMA", "ITH", "IHR", "INS", "DIS", "HIZ", "HIZMETLERI", "VE.",
}  # fmt: skip
_FOLD = str.maketrans("İIıŞşĞğÜüÖöÇç", "IIISSGGUUOOCC")


def _words(text: str) -> list[str]:
    return re.findall(r"[A-Z0-9]+", (text or "").translate(_FOLD).upper())


def title_appears(title: str, text: str) -> bool:
    """The company's first two telling words (or its only one) appear in ``text``, as banks
    shorten and upper-case titles: «Anadolu Tekstil San. ve Tic. A.Ş.» in
    «EFT ANADOLU TEKSTIL SAN TIC AS»."""
    telling = [w for w in _words(title) if w not in _TITLE_NOISE and len(w) > 1][:2]
    present = set(_words(text))
    return bool(telling) and all(word in present for word in telling)


def _code_shaped(text: str) -> list[str]:
    """Tokens that look like a mistyped order code (one character short, long or wrong)."""
    joined = re.sub(r"(?<=[A-Z0-9])-(?=[A-Z0-9])", "", (text or "").upper())
    low, high = order_codes.CODE_LENGTH - 1, order_codes.CODE_LENGTH + 1
    return [t for t in re.findall(r"[A-Z0-9]+", joined) if low <= len(t) <= high]


@dataclass
class _Match:
    match: str = M.UNMATCHED
    order: Order | None = None
    notes: list[str] = field(default_factory=list)


def _match(credit: StatementCredit, waiting: dict[str, Order], taken: set[int]) -> _Match:
    text = f"{credit.description} {credit.counterparty}"
    codes = order_codes.find_in_text(text)
    corrected = False
    if not codes:
        for token in _code_shaped(text):
            variants = sorted(c for c in code_variants(token) if c in waiting)
            if len(variants) == 1:
                codes, corrected = variants, True
                typo = token
                break
    candidates = [waiting[c] for c in codes if c in waiting]
    if codes and not candidates:
        return _Match(
            notes=[
                _("Açıklamadaki %(code)s kodlu sipariş havale/EFT ödemesi beklemiyor.")
                % {"code": codes[0]}
            ]
        )
    if not codes:
        candidates = [
            o
            for o in waiting.values()
            if o.total_amount == credit.amount and title_appears(o.service_provider.title, text)
        ]
        if len(candidates) != 1:
            return _Match(notes=[_("Açıklamada sipariş kodu yok; eşleşen sipariş bulunamadı.")])
    order = candidates[0]
    result = _Match(order=order)
    title_ok = title_appears(order.service_provider.title, text)
    if corrected:
        result.notes.append(
            _("Kod hatalı yazılmış (%(typo)s): kontrol karakteri tutmuyor, %(code)s olabilir.")
            % {"typo": typo, "code": order.code}
        )
    elif codes:
        result.notes.append(_("Sipariş kodu açıklamada."))
    else:
        result.notes.append(_("Sipariş kodu yok; tutar ve firma unvanı tutuyor."))
    if credit.amount != order.total_amount:
        result.notes.append(
            _("Tutar farklı: gelen %(received)s, sipariş %(expected)s.")
            % {"received": format_try(credit.amount), "expected": format_try(order.total_amount)}
        )
        return result
    if order.pk in taken:
        result.notes.append(_("Aynı sipariş için başka bir hareket de var."))
        return result
    if corrected and not title_ok:
        result.notes.append(_("Firma unvanı açıklamada yok; elle kontrol ediniz."))
        return result
    result.match = M.PROPOSED
    result.notes.append(_("Tutar tutuyor."))
    if title_ok and codes:
        result.notes.append(_("Firma unvanı tutuyor."))
    return result


def _read(content: bytes, *, file_name: str, file_format: str, account: BankAccount):
    if file_format == MT940:
        iban, credits = read_mt940(content)
        if iban.startswith("TR") and iban != account.iban:
            raise ApplicationError(
                _("Ekstre %(iban)s hesabına ait; seçilen hesap %(account)s.")
                % {"iban": iban, "account": account.iban},
                code="account",
            )
        return BankStatement.Format.MT940, credits
    if file_format not in BANK_FORMATS:
        raise ApplicationError(_("Ekstre biçimini seçiniz."), code="file_format")
    return BankStatement.Format.TABLE, read_table(content, file_name=file_name, bank=file_format)


def statement_import(
    *, actor: User, bank_account_id: int, file_name: str, content: bytes, file_format: str
) -> tuple[BankStatement, bool]:
    """Record the statement's credits with a proposed order each where one fits.
    (statement, True) the first time; (the earlier statement, False) for the same file again.
    Credits already recorded from an earlier, overlapping statement are skipped."""
    _require_accountant(actor)
    digest = hashlib.sha256(content).hexdigest()
    with transaction.atomic():
        account = BankAccount.objects.select_for_update().filter(pk=bank_account_id).first()
        if account is None:
            raise ApplicationError(_("Ekstrenin ait olduğu hesabı seçiniz."), code="bank_account")
        earlier = BankStatement.objects.filter(digest=digest).first()
        if earlier is not None:
            return earlier, False
        kind, credits = _read(
            content, file_name=file_name, file_format=file_format, account=account
        )
        statement = BankStatement.objects.create(
            bank_account=account,
            file_format=kind,
            file_name=file_name[:255],
            digest=digest,
            imported_by=actor,
        )
        known = set(
            StatementLine.objects.filter(
                bank_account=account, transaction_key__in=[c.transaction_key for c in credits]
            ).values_list("transaction_key", flat=True)
        )
        waiting = {
            o.code: o
            for o in Order.objects.filter(
                payment_method=TRANSFER,
                status__in=order_rules.MARK_PAID_STATUSES,
                total_amount__gt=0,
            )
            .exclude(bank_transfers__outcome="confirmed")
            .select_related("service_provider")
        }
        taken = set(
            StatementLine.objects.filter(match=M.PROPOSED).values_list("order_id", flat=True)
        )
        lines = []
        for credit in credits:
            if credit.transaction_key in known:
                statement.skipped_count += 1
                continue
            known.add(credit.transaction_key)
            found = _match(credit, waiting, taken)
            if found.match == M.PROPOSED:
                taken.add(found.order.pk)
            lines.append(
                StatementLine(
                    statement=statement,
                    bank_account=account,
                    transaction_key=credit.transaction_key,
                    bank_reference=credit.bank_reference,
                    value_date=credit.value_date,
                    amount=credit.amount,
                    description=credit.description,
                    counterparty=credit.counterparty,
                    match=found.match,
                    order=found.order,
                    match_note=" ".join(found.notes)[:255],
                )
            )
        StatementLine.objects.bulk_create(lines)
        statement.credit_count = len(lines)
        statement.save(update_fields=["credit_count", "skipped_count"])
        return statement, True


@dataclass
class ConfirmResult:
    confirmed: list[str] = field(default_factory=list)
    already: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)


def statement_lines_confirm(*, line_ids: list[int], actor: User) -> ConfirmResult:
    """Confirm the chosen proposed matches, each in its own transaction so one refusal (say,
    the order was cancelled meanwhile) leaves the others confirmed. Safe to repeat and to run
    by two clerks at once: an order is confirmed once, a line is marked once."""
    _require_accountant(actor)
    result = ConfirmResult()
    lines = (
        StatementLine.objects.filter(pk__in=line_ids, match=M.PROPOSED)
        .select_related("statement", "order")
        .order_by("pk")
    )
    for proposed in list(lines):
        reference = proposed.bank_reference or f"EKSTRE-{proposed.pk}"
        with transaction.atomic():
            try:
                transfer, changed = bank_transfer_confirm(
                    order_id=proposed.order_id,
                    actor=actor,
                    amount_received=proposed.amount,
                    value_date=proposed.value_date,
                    bank_account_id=proposed.bank_account_id,
                    bank_reference=reference,
                    note=_("Ekstreden onaylandı: %(file)s")
                    % {"file": proposed.statement.file_name},
                )
            except ApplicationError as error:
                line = StatementLine.objects.select_for_update().get(pk=proposed.pk)
                if line.match == M.PROPOSED:
                    line.match = M.UNMATCHED
                    line.match_note = str(error.message)[:255]
                    line.save(update_fields=["match", "match_note"])
                result.refused.append(f"{proposed.order.code}: {error.message}")
                continue
            line = StatementLine.objects.select_for_update().get(pk=proposed.pk)
            same_money = (
                transfer.bank_account_id == line.bank_account_id
                and transfer.bank_reference == reference
            )
            if line.match == M.CONFIRMED or (not changed and same_money):
                result.already.append(proposed.order.code)
                if line.match != M.CONFIRMED:
                    line.match, line.bank_transfer = M.CONFIRMED, transfer
                    line.save(update_fields=["match", "bank_transfer"])
                continue
            if not changed:
                line.match = M.UNMATCHED
                line.match_note = _(
                    "Sipariş başka bir ödemeyle onaylanmış; bu hareket mükerrer ödeme olabilir."
                )
                line.save(update_fields=["match", "match_note"])
                result.refused.append(f"{proposed.order.code}: {line.match_note}")
                continue
            line.match, line.bank_transfer = M.CONFIRMED, transfer
            line.save(update_fields=["match", "bank_transfer"])
            result.confirmed.append(proposed.order.code)
    return result
