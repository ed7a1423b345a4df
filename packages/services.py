"""Writes for the packages app: orders through their state pipeline, contract acceptance,
subscriptions (activation, upgrade, renewal, lapse) and reminders.

Every function is one transaction holding row locks on what it changes; calling one twice
(double click, replayed callback, two clerks) has the effect of calling it once.
"""

from datetime import datetime, timedelta

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import ServiceProvider, User
from accounts.permissions import Role, require_actor_role
from iys_portal.errors import ApplicationError
from iys_portal.formatting import format_count, money

from . import order_codes
from . import order_rules as rules
from .models import (
    ContractAcceptance,
    Order,
    OrderTransition,
    Package,
    QuoteRequest,
    Subscription,
    SubscriptionReminder,
)
from .selectors import (
    ZERO,
    address_count_of,
    contract_version_current,
    orders_overdue_transfers,
    package_price,
    quote_price,
    subscription_active_for,
    subscription_credit,
    subscription_scheduled_for,
    subscriptions_ending,
    subscriptions_to_remind,
)

S = Order.Status
# The pipeline lives in ``order_rules`` with the questions derived from it; re-exported here
# because ``order_transition`` below is the one function that enforces it.
TRANSITIONS = rules.TRANSITIONS

REMINDER_DAYS = (30, 7, 1)
SUBSCRIPTION_PERIOD = relativedelta(years=1)


class IllegalTransition(ApplicationError):
    pass


def _locked_order(order_id: int) -> Order:
    try:
        return Order.objects.select_for_update().select_related("package").get(pk=order_id)
    except Order.DoesNotExist:
        raise ApplicationError(_("Sipariş bulunamadı."), code="not_found") from None


def _purchaser_order(order_id: int, actor: User | None) -> Order:
    """The locked order, after checking that ``actor`` holds «Satın alma» for its company."""
    order = _locked_order(order_id)
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
        order = _locked_order(order_id)
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
        current_limit = current.package.address_limit
        is_larger = package.address_limit is None or (
            current_limit is not None and package.address_limit > current_limit
        )
        if is_larger:
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


# Contract (Sözleşme Onay) -------------------------------------------------------------------


def order_accept_contract(
    *,
    order_id: int,
    contract_version_id: int,
    actor: User,
    ip_address: str | None = None,
    user_agent: str = "",
) -> Order:
    """«Sözleşme Onay»: records version, time, person, IP and browser (R5), re-prices the order
    from the catalog, and queues the contract PDF after commit. Idempotent.

    Without a worker (eager Celery, as in ``make run``) the task would run inside this request
    and the page would wait seconds for WeasyPrint; then nothing is queued and the first
    download renders the PDF (``contract_pdf_render`` is idempotent either way)."""
    from .tasks import render_contract_pdf

    with transaction.atomic():
        order = _purchaser_order(order_id, actor)
        if order.status != S.DRAFT:
            if hasattr(order, "acceptance"):
                return order  # a double click: accepted once already
            raise IllegalTransition(_("Bu siparişin sözleşmesi artık onaylanamaz."))
        current = contract_version_current()
        if current is None or current.pk != contract_version_id:
            raise ApplicationError(
                _("Sözleşme metni güncellendi; lütfen güncel metni okuyup yeniden onaylayınız."),
                code="stale_contract",
            )
        now = timezone.now()
        terms = _order_terms(
            service_provider=order.service_provider,
            package=order.package,
            address_count=order.address_count,
            at=now,
            quote=QuoteRequest.objects.filter(order=order).first(),
        )
        acceptance = ContractAcceptance.objects.create(
            order=order,
            contract_version=current,
            accepted_by=actor,
            accepted_at=now,
            ip_address=ip_address or None,
            user_agent=(user_agent or "")[:500],
        )
        changes = dict(terms)
        if money(terms["total_amount"]) == 0:
            changes["payment_method"] = Order.PaymentMethod.FREE
        order = order_transition(
            order_id=order.pk,
            to_status=S.CONTRACT_ACCEPTED,
            actor=actor,
            note=_("Sözleşme v%(version)s onaylandı.") % {"version": current.version},
            changes=changes,
        )
        if not settings.CELERY_TASK_ALWAYS_EAGER:
            transaction.on_commit(lambda: render_contract_pdf.delay(acceptance.pk))
        return order


def contract_pdf_render(*, acceptance_id: int) -> ContractAcceptance:
    """Render the accepted contract to PDF once (the Celery task, or the first download)."""
    from django.core.files.base import ContentFile

    from iys_portal.pdf import render_pdf

    with transaction.atomic():
        acceptance = (
            ContractAcceptance.objects.select_for_update()
            .select_related(
                "order__service_provider", "order__package", "contract_version", "accepted_by"
            )
            .get(pk=acceptance_id)
        )
        if acceptance.pdf:
            return acceptance
        order = acceptance.order
        content = render_pdf(
            "pdf/contract.html",
            {
                "acceptance": acceptance,
                "order": order,
                "provider": order.service_provider,
                "contract": acceptance.contract_version,
            },
        )
        acceptance.pdf.save(f"sozlesme-{order.code}.pdf", ContentFile(content), save=False)
        acceptance.pdf_generated_at = timezone.now()
        acceptance.save(update_fields=["pdf", "pdf_generated_at"])
        return acceptance


# Completing, paying, cancelling, expiring ---------------------------------------------------


def _subscription_end(starts_at: datetime) -> datetime:
    return starts_at + SUBSCRIPTION_PERIOD


def _activate(*, order: Order, actor: User | None, at: datetime) -> Subscription:
    """Give the company the package of ``order`` (locked by the caller), exactly once.

    Decided now, not when the order was made: a larger package than the current one replaces
    it at once (a new year starts); otherwise it waits for the current one to end (R3).
    """
    ServiceProvider.objects.select_for_update().get(pk=order.service_provider_id)
    existing = Subscription.objects.filter(order=order).first()
    if existing is not None:
        return existing
    current = (
        Subscription.objects.select_for_update()
        .select_related("package")
        .filter(service_provider_id=order.service_provider_id, status=Subscription.Status.ACTIVE)
        .first()
    )
    package = order.package
    if current is not None:
        current_limit = current.package.address_limit
        is_larger = package.address_limit is None or (
            current_limit is not None and package.address_limit > current_limit
        )
        if not is_larger:
            last = (
                Subscription.objects.filter(
                    service_provider_id=order.service_provider_id,
                    status__in=[Subscription.Status.ACTIVE, Subscription.Status.SCHEDULED],
                )
                .order_by("-ends_at")
                .first()
            )
            starts_at = last.ends_at
            return Subscription.objects.create(
                service_provider_id=order.service_provider_id,
                package=package,
                order=order,
                status=Subscription.Status.SCHEDULED,
                starts_at=starts_at,
                ends_at=_subscription_end(starts_at),
            )
        current.status = Subscription.Status.ENDED
        current.ended_at = at
        current.end_reason = Subscription.EndReason.UPGRADED
        current.save(update_fields=["status", "ended_at", "end_reason"])
        # A smaller package waiting for the renewal of the old one no longer has a place.
        Subscription.objects.filter(
            service_provider_id=order.service_provider_id, status=Subscription.Status.SCHEDULED
        ).update(status=Subscription.Status.CANCELLED, ended_at=at)
    return Subscription.objects.create(
        service_provider_id=order.service_provider_id,
        package=package,
        order=order,
        status=Subscription.Status.ACTIVE,
        starts_at=at,
        ends_at=_subscription_end(at),
    )


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
        _activate(order=order, actor=actor, at=now)
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
        order = _locked_order(order_id)
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
        _activate(order=order, actor=actor, at=now)
        return order, True


def order_fail(*, order_id: int, actor: User | None, note: str = "") -> Order:
    """A card payment attempt failed; the customer may try again (or switch to transfer)."""
    with transaction.atomic():
        order = _locked_order(order_id)
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
        order = _locked_order(order_id)
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
        order = _locked_order(order_id)
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
                order = _locked_order(order_id)
                if order.status != S.AWAITING_TRANSFER:
                    continue  # paid or changed meanwhile
                order_expire(order_id=order_id, note=_("Banka transferi süresi içinde gelmedi."))
                count += 1
        except ApplicationError:
            continue
    return count


# Subscriptions: lapse and reminders ---------------------------------------------------------


def subscription_lapse(*, subscription_id: int, at: datetime | None = None) -> Subscription:
    """End a subscription whose year is over; a package scheduled for the renewal starts, or the
    company falls back to Temel Hizmetler. Idempotent."""
    at = at or timezone.now()
    with transaction.atomic():
        sub = Subscription.objects.select_for_update().get(pk=subscription_id)
        ServiceProvider.objects.select_for_update().get(pk=sub.service_provider_id)
        if sub.status != Subscription.Status.ACTIVE or sub.ends_at > at:
            return sub
        sub.status = Subscription.Status.ENDED
        sub.ended_at = at
        sub.end_reason = Subscription.EndReason.LAPSED
        sub.save(update_fields=["status", "ended_at", "end_reason"])
        scheduled = (
            Subscription.objects.select_for_update()
            .filter(
                service_provider_id=sub.service_provider_id,
                status=Subscription.Status.SCHEDULED,
                starts_at__lte=at,
            )
            .order_by("starts_at")
            .first()
        )
        if scheduled is not None:
            scheduled.status = Subscription.Status.ACTIVE
            scheduled.save(update_fields=["status"])
        return sub


def subscriptions_lapse_due(*, at: datetime | None = None) -> int:
    at = at or timezone.now()
    ids = list(subscriptions_ending(at=at).values_list("pk", flat=True))
    for subscription_id in ids:
        subscription_lapse(subscription_id=subscription_id, at=at)
    return len(ids)


def _reminder_threshold(days_left: int) -> int | None:
    """The most urgent reminder a subscription with ``days_left`` should have had: a missed
    beat run sends the one that is due now, never the stale ones."""
    due = [d for d in REMINDER_DAYS if days_left <= d]
    return min(due) if due and days_left > 0 else None


def subscription_reminders_record(*, at: datetime | None = None) -> list[int]:
    """Record the reminders due now (one row per subscription and threshold, unique); each new
    row's e-mail is queued after commit. Running twice records (and sends) nothing new."""
    from .tasks import send_subscription_reminder

    at = at or timezone.now()
    created: list[int] = []
    for sub in subscriptions_to_remind(at=at, within_days=max(REMINDER_DAYS)):
        threshold = _reminder_threshold(sub.days_left(at))
        if threshold is None:
            continue
        if any(r.days_before <= threshold for r in sub.reminders.all()):
            continue
        try:
            with transaction.atomic():
                reminder = SubscriptionReminder.objects.create(
                    subscription=sub, days_before=threshold, sent_at=at
                )
        except IntegrityError:
            continue  # another run recorded it first
        created.append(reminder.pk)
        transaction.on_commit(
            lambda pk=reminder.pk: send_subscription_reminder.delay(pk), robust=True
        )
    return created


def subscription_reminder_email(*, reminder_id: int) -> bool:
    """Send one reminder e-mail, once (``emailed_at`` guards a task retried by the broker)."""
    from iys_portal.emails import send_templated_email

    with transaction.atomic():
        reminder = (
            SubscriptionReminder.objects.select_for_update()
            .select_related("subscription__service_provider", "subscription__package")
            .get(pk=reminder_id)
        )
        if reminder.emailed_at is not None:
            return False
        sub = reminder.subscription
        send_templated_email(
            to=[sub.service_provider.email],
            template="packages/subscription_reminder",
            context={"subscription": sub, "provider": sub.service_provider, "reminder": reminder},
        )
        reminder.emailed_at = timezone.now()
        reminder.save(update_fields=["emailed_at"])
        return True


# İLETİ+ quote requests ----------------------------------------------------------------------


def quote_request_create(
    *,
    service_provider: ServiceProvider,
    phone_count: int,
    email_count: int,
    contact_email: str,
    contact_phone: str = "",
    note: str = "",
    actor: User,
) -> QuoteRequest:
    """İLETİ+: above the largest fixed package the price is quoted by support (seen in the
    admin). One open request per company: asking again updates it."""
    require_actor_role(actor=actor, service_provider_id=service_provider.pk, role=Role.PURCHASING)
    address_count = address_count_of(phone_count=phone_count, email_count=email_count)
    with transaction.atomic():
        ServiceProvider.objects.select_for_update().get(pk=service_provider.pk)
        values = {
            "phone_count": phone_count,
            "email_count": email_count,
            "address_count": address_count,
            "contact_email": contact_email,
            "contact_phone": contact_phone,
            "note": note,
        }
        existing = QuoteRequest.objects.filter(
            service_provider=service_provider, status=QuoteRequest.Status.OPEN
        ).first()
        if existing is not None:
            for name, value in values.items():
                setattr(existing, name, value)
            existing.save(update_fields=list(values))
            return existing
        return QuoteRequest.objects.create(
            service_provider=service_provider, created_by=actor, **values
        )


def order_confirm_contract(
    *,
    order_id: int,
    contract_version_id: int,
    actor: User,
    ip_address: str | None = None,
    user_agent: str = "",
) -> tuple[Order, bool]:
    """The button of the Sözleşme Onay step. The acceptance re-prices the order; a free order is
    then completed at once («Tamamla», the guide's last step for free packages), a paid one
    waits for the payment step. One transaction: a double click activates once.

    Returns (order, activated_now).
    """
    with transaction.atomic():
        order = order_accept_contract(
            order_id=order_id,
            contract_version_id=contract_version_id,
            actor=actor,
            ip_address=ip_address,
            user_agent=user_agent,
        )
        if order.status == S.ACTIVE or rules.order_can_complete_free(order):
            return order_complete_free(order_id=order_id, actor=actor)
        return order, False
