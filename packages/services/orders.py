"""Orders through their state pipeline: start (Paket Seçimi), complete, pay, fail, reopen,
cancel and expire. ``order_transition`` is the one function that moves an order.

Every function is one transaction holding row locks on what it changes; calling one twice
(double click, replayed callback, two clerks) has the effect of calling it once.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import ServiceProvider, User
from accounts.permissions import Role, require_actor_role
from iys_portal.errors import ApplicationError
from iys_portal.formatting import format_count, money

from .. import order_codes
from .. import order_rules as rules
from ..models import Order, OrderTransition, Package, QuoteRequest
from ..pricing import (
    ZERO,
    address_count_of,
    package_is_larger,
    package_price,
    quote_price,
    subscription_credit,
)
from ..selectors import (
    orders_overdue_transfers,
    subscription_active_for,
    subscription_scheduled_for,
)
from .subscriptions import subscription_activate

S = Order.Status
# The pipeline lives in ``order_rules`` with the questions derived from it; re-exported here
# because ``order_transition`` below is the one function that enforces it.
TRANSITIONS = rules.TRANSITIONS


class IllegalTransition(ApplicationError):
    pass


def order_lock(*, order_id: int) -> Order:
    """Lock an order the one way every service does: its company's row, then the order's (the
    lock order of docs/architecture.md). Callers in a transaction lock their own rows after."""
    provider_id = (
        Order.objects.filter(pk=order_id).values_list("service_provider_id", flat=True).first()
    )
    if provider_id is None:
        raise ApplicationError(_("Sipariş bulunamadı."), code="not_found")
    ServiceProvider.objects.select_for_update().filter(pk=provider_id).first()
    return Order.objects.select_for_update().select_related("package").get(pk=order_id)


def _purchaser_order(order_id: int, actor: User | None) -> Order:
    """The locked order, after checking that ``actor`` holds «Satın alma» for its company."""
    order = order_lock(order_id=order_id)
    require_actor_role(
        actor=actor, service_provider_id=order.service_provider_id, role=Role.PURCHASING
    )
    return order


def order_transition(
    *,
    order_id: int,
    to_status: str,
    actor: User | None,
    note: str = "",
    changes: dict | None = None,
) -> Order:
    """THE function that moves an order: row lock, legality check, one history row.

    ``changes`` are further fields set in the same save (e.g. ``paid_at``).
    """
    with transaction.atomic():
        order = order_lock(order_id=order_id)
        from_status = order.status
        if not rules.can_move(from_status, to_status):
            raise IllegalTransition(
                _("Sipariş «%(from)s» durumundan «%(to)s» durumuna geçirilemez.")
                % {"from": S(from_status).label, "to": S(to_status).label},
                code="illegal_transition",
            )
        order.status = to_status
        fields = ["status", "updated_at"]
        for name, value in (changes or {}).items():
            setattr(order, name, value)
            fields.append(name)
        order.save(update_fields=fields)
        OrderTransition.objects.create(
            order=order,
            from_status=from_status,
            to_status=to_status,
            actor=actor,
            note=note[:500],
        )
        return order


# Starting an order (Paket Seçimi) -----------------------------------------------------------


def _new_code() -> str:
    for _attempt in range(10):
        code = order_codes.generate()
        if not Order.objects.filter(code=code).exists():
            return code
    raise ApplicationError(_("Sipariş kodu üretilemedi, lütfen tekrar deneyiniz."))


def _order_terms(
    *,
    service_provider: ServiceProvider,
    package: Package,
    address_count: int,
    at: datetime,
    quote: QuoteRequest | None = None,
) -> dict:
    """Kind and amounts of an order for ``package`` now, computed on the server only. An
    İLETİ+ order is priced by its accepted ``quote`` (support's offer), never by the browser."""
    if not package.is_active:
        raise ApplicationError(_("Bu paket şu anda satışta değil."), code="inactive")
    if package.is_quote_only and quote is None:
        raise ApplicationError(
            _("%(name)s için fiyat teklifi isteyiniz; bu paket doğrudan satın alınamaz.")
            % {"name": package.name},
            code="quote_only",
        )
    if not package.covers(address_count):
        raise ApplicationError(
            _(
                "%(name)s paketinin adres sınırı (%(limit)s) adres sayınızdan (%(count)s) küçük;"
                " bu paket seçilemez."
            )
            % {
                "name": package.name,
                "limit": format_count(package.address_limit),
                "count": format_count(address_count),
            },
            code="below_address_count",
        )
    current = subscription_active_for(service_provider=service_provider, at=at)
    kind, replaces, credit = Order.Kind.NEW, None, ZERO
    if current is not None:
        replaces = current
        if package_is_larger(package=package, than=current.package):
            kind = Order.Kind.UPGRADE
            credit = subscription_credit(subscription=current, at=at)
        else:
            if subscription_scheduled_for(service_provider=service_provider) is not None:
                raise ApplicationError(
                    _("Yenileme tarihinde başlayacak bir paketiniz zaten var."),
                    code="already_scheduled",
                )
            kind = Order.Kind.RENEWAL
    price = quote_price(quote) if quote is not None else package_price(package=package, at=at)
    credit = min(credit, price.gross)
    return {
        "kind": kind,
        "replaces": replaces,
        "net_amount": price.net,
        "vat_amount": price.vat,
        "credit_amount": credit,
        "total_amount": money(price.gross - credit),
    }


def order_start(
    *,
    service_provider: ServiceProvider,
    package_id: int,
    phone_count: int,
    email_count: int,
    actor: User,
    order_code: str | None = None,
) -> Order:
    """«Paket Seçimi»: the company's draft order for ``package`` (one draft at a time: coming
    back to this step updates it). Coming back from a later step (``order_code`` of an order
    whose contract was accepted) starts a new draft and cancels that one."""
    require_actor_role(actor=actor, service_provider_id=service_provider.pk, role=Role.PURCHASING)
    if phone_count < 0 or email_count < 0:
        raise ApplicationError(_("Sayılar negatif olamaz."))
    address_count = address_count_of(phone_count=phone_count, email_count=email_count)
    with transaction.atomic():
        # Serialises Paket Seçimi per company (two tabs must not create two drafts).
        ServiceProvider.objects.select_for_update().get(pk=service_provider.pk)
        package = Package.objects.filter(pk=package_id).first()
        if package is None:
            raise ApplicationError(_("Geçerli bir paket seçiniz."), code="invalid_package")
        now = timezone.now()
        terms = _order_terms(
            service_provider=service_provider, package=package, address_count=address_count, at=now
        )
        values = {
            "package": package,
            "phone_count": phone_count,
            "email_count": email_count,
            "address_count": address_count,
            **terms,
        }
        if order_code:
            previous = (
                Order.objects.select_for_update()
                .filter(service_provider=service_provider, code=order_code)
                .first()
            )
            if previous is not None and previous.status == S.CONTRACT_ACCEPTED:
                order_transition(
                    order_id=previous.pk,
                    to_status=S.CANCELLED,
                    actor=actor,
                    note=_("Paket seçimi değiştirildi."),
                )
        draft = (
            Order.objects.select_for_update()
            .filter(service_provider=service_provider, status=S.DRAFT)
            .first()
        )
        if draft is not None:
            for name, value in values.items():
                setattr(draft, name, value)
            draft.save(update_fields=[*values.keys(), "updated_at"])
            return draft
        order = Order.objects.create(
            code=_new_code(),
            service_provider=service_provider,
            created_by=actor,
            status=S.DRAFT,
            **values,
        )
        OrderTransition.objects.create(
            order=order, from_status="", to_status=S.DRAFT, actor=actor, note=_("Paket seçildi.")
        )
        return order


# Completing, paying, cancelling, expiring ---------------------------------------------------


def order_complete_free(*, order_id: int, actor: User) -> tuple[Order, bool]:
    """«Tamamla» for a free order: straight to active. (order, True) the first time; a second
    click returns (order, False) and changes nothing."""
    with transaction.atomic():
        order = _purchaser_order(order_id, actor)
        if order.status == S.ACTIVE:
            return order, False
        if order.status == S.DRAFT:
            raise IllegalTransition(_("Önce sözleşmeyi onaylayınız."))
        if order.total_amount != 0:
            raise ApplicationError(_("Bu sipariş ücretli; ödeme adımına geçiniz."), code="paid")
        if not rules.order_can_complete_free(order):
            raise IllegalTransition(_("Bu sipariş tamamlanamaz."))
        price = package_price(package=order.package)
        if not price.is_free and order.credit_amount < price.gross:
            raise ApplicationError(
                _("Bu paket için kampanya sona erdi; lütfen paket seçimini yeniden yapınız."),
                code="promotion_over",
            )
        now = timezone.now()
        order = order_transition(
            order_id=order.pk,
            to_status=S.ACTIVE,
            actor=actor,
            note=_("Ücretsiz paket tamamlandı."),
            changes={"activated_at": now, "payment_method": Order.PaymentMethod.FREE},
        )
        subscription_activate(order=order, actor=actor, at=now)
        return order, True


def order_choose_payment_method(*, order_id: int, method: str, actor: User | None) -> Order:
    """Ödeme Adımı: card → awaiting_payment, transfer → awaiting_transfer with a deadline
    (BANK_TRANSFER_EXPIRY_DAYS). Switching while waiting is allowed; choosing the current
    method again changes nothing."""
    target = rules.WAITING_STATUS.get(method)
    if target is None:
        raise ApplicationError(_("Geçerli bir ödeme yöntemi seçiniz."), code="invalid_method")
    with transaction.atomic():
        order = _purchaser_order(order_id, actor)
        if order.status == target:
            return order
        if order.status == S.DRAFT:
            raise IllegalTransition(_("Önce sözleşmeyi onaylayınız."))
        if order.total_amount <= 0:
            raise ApplicationError(_("Ücretsiz siparişte ödeme yapılmaz."), code="free")
        if not rules.order_can_wait_for(order, method):
            raise IllegalTransition(_("Bu sipariş için ödeme yöntemi değiştirilemez."))
        changes: dict = {"payment_method": method}
        if target == S.AWAITING_TRANSFER:
            changes["payment_due_at"] = timezone.now() + timedelta(
                days=settings.BANK_TRANSFER_EXPIRY_DAYS
            )
        else:
            changes["payment_due_at"] = None
        return order_transition(
            order_id=order.pk,
            to_status=target,
            actor=actor,
            note=_("Ödeme yöntemi: %(method)s") % {"method": Order.PaymentMethod(method).label},
            changes=changes,
        )


def order_mark_paid(*, order_id: int, actor: User | None, note: str = "") -> tuple[Order, bool]:
    """THE entry point for payments: the money is in. → paid → active, subscription activated.

    (order, True) the first time; (order, False) and no effect when already paid or active,
    however often and from however many connections it is called (row lock). A late payment on
    an expired order is accepted (the money arrived); a cancelled order raises ApplicationError.
    """
    with transaction.atomic():
        order = order_lock(order_id=order_id)
        if rules.order_is_paid(order):
            return order, False
        if order.status == S.CANCELLED:
            raise ApplicationError(
                _("%(code)s numaralı sipariş iptal edilmiş; ödeme onaylanamaz.")
                % {"code": order.code},
                code="cancelled",
            )
        if order.total_amount <= 0:
            raise ApplicationError(_("Ücretsiz sipariş için ödeme onaylanamaz."), code="free")
        now = timezone.now()
        order = order_transition(
            order_id=order.pk,
            to_status=S.PAID,
            actor=actor,
            note=note or _("Ödeme alındı."),
            changes={"paid_at": now},
        )
        order = order_transition(
            order_id=order.pk,
            to_status=S.ACTIVE,
            actor=actor,
            note=_("Paket etkinleştirildi."),
            changes={"activated_at": now},
        )
        subscription_activate(order=order, actor=actor, at=now)
        return order, True


def order_fail(*, order_id: int, actor: User | None, note: str = "") -> Order:
    """A card payment attempt failed; the customer may try again (or switch to transfer)."""
    with transaction.atomic():
        order = order_lock(order_id=order_id)
        if order.status == S.FAILED:
            return order
        return order_transition(
            order_id=order.pk, to_status=S.FAILED, actor=actor, note=note or _("Ödeme başarısız.")
        )


def order_reopen_for_payment(
    *, order_id: int, actor: User | None, note: str = ""
) -> tuple[Order, bool]:
    """The awaited bank transfer was rejected: the order goes back to the payment step, where
    the customer may pay again (card or transfer) or cancel. (order, True) when it moved;
    (order, False) when it no longer waited for the transfer (already back, expired, paid …)."""
    with transaction.atomic():
        order = order_lock(order_id=order_id)
        if not rules.order_can_reopen_for_payment(order):
            return order, False
        order = order_transition(
            order_id=order.pk,
            to_status=rules.WAITING_STATUS[Order.PaymentMethod.CARD],
            actor=actor,
            note=note or _("Ödeme adımına geri döndü."),
        )
        return order, True


def order_cancel(*, order_id: int, actor: User | None, note: str = "") -> Order:
    """Cancel an unpaid order (idempotent). Paid and active orders cannot be cancelled."""
    with transaction.atomic():
        order = _purchaser_order(order_id, actor)
        if order.status == S.CANCELLED:
            return order
        if rules.order_is_paid(order):
            raise IllegalTransition(_("Ödenmiş sipariş iptal edilemez."), code="paid")
        return order_transition(
            order_id=order.pk, to_status=S.CANCELLED, actor=actor, note=note or _("İptal edildi.")
        )


def order_expire(*, order_id: int, actor: User | None = None, note: str = "") -> Order:
    """An unpaid order ran out of time (idempotent). Paid, active or cancelled orders raise."""
    with transaction.atomic():
        order = order_lock(order_id=order_id)
        if order.status == S.EXPIRED:
            return order
        if not rules.order_can_expire(order):
            raise IllegalTransition(
                _("Bu sipariş «%(status)s» durumunda; süresi dolmuş sayılamaz.")
                % {"status": order.get_status_display()}
            )
        return order_transition(
            order_id=order.pk,
            to_status=S.EXPIRED,
            actor=actor,
            note=note or _("Ödeme süresi doldu."),
        )


def orders_expire_overdue(*, at: datetime | None = None) -> int:
    """Expire bank-transfer orders past their deadline (daily task). Returns how many."""
    count = 0
    for order_id in orders_overdue_transfers(at=at).values_list("pk", flat=True):
        try:
            with transaction.atomic():
                order = order_lock(order_id=order_id)
                if order.status != S.AWAITING_TRANSFER:
                    continue  # paid or changed meanwhile
                order_expire(order_id=order_id, note=_("Banka transferi süresi içinde gelmedi."))
                count += 1
        except ApplicationError:
            continue
    return count
