"""İLETİ+ quotes: support prices a request in the admin and sends the offer; the customer
accepts it in the portal, which starts an order that goes through Sözleşme Onay and payment
like any other (priced from the offer on the server, see ``services._order_terms``)."""

from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import ServiceProvider, User
from accounts.permissions import Role, require_actor_role
from iys_portal.errors import ApplicationError, NotFoundError, PermissionDeniedError
from iys_portal.formatting import money

from .models import Order, OrderTransition, Package, QuoteRequest
from .services.orders import S, _new_code, _order_terms, order_transition

PRICE_PERMISSION = "packages.price_quoterequest"


def _lock(quote_id: int, **filters) -> QuoteRequest:
    quote = QuoteRequest.objects.select_for_update().filter(pk=quote_id, **filters).first()
    if quote is None:
        raise NotFoundError(_("Teklif talebi bulunamadı."), code="not_found")
    return quote


def quote_offer_send(
    *,
    quote_id: int,
    net_amount: Decimal | str,
    valid_until: date,
    actor: User,
    note: str = "",
) -> QuoteRequest:
    """Support prices an open request (or corrects an offer not yet accepted)."""
    if not (actor.is_active and actor.is_staff and actor.has_perm(PRICE_PERMISSION)):
        raise PermissionDeniedError(_("İLETİ+ teklifi verme yetkiniz yok."), code="not_quote_desk")
    try:
        net = money(Decimal(str(net_amount)))
    except (InvalidOperation, ValueError):
        raise ApplicationError(_("Geçerli bir tutar giriniz."), code="bad_amount") from None
    if not net.is_finite() or net <= 0 or net >= Decimal("10000000000"):
        raise ApplicationError(_("Tutar sıfırdan büyük olmalıdır."), code="bad_amount")
    if valid_until < timezone.localdate():
        raise ApplicationError(_("Geçerlilik tarihi bugünden önce olamaz."), code="bad_valid_until")
    with transaction.atomic():
        quote = _lock(quote_id)
        if quote.status not in (QuoteRequest.Status.OPEN, QuoteRequest.Status.OFFERED):
            raise ApplicationError(
                _("Bu talep «%(status)s» durumunda; teklif verilemez.")
                % {"status": quote.get_status_display()},
                code="not_open",
            )
        quote.offer_net_amount = net
        quote.offer_valid_until = valid_until
        quote.offer_note = (note or "").strip()[:1000]
        quote.offered_by = actor
        quote.offered_at = timezone.now()
        quote.offer_emailed_at = None  # a corrected offer is sent again
        quote.status = QuoteRequest.Status.OFFERED
        quote.save(
            update_fields=[
                "offer_net_amount",
                "offer_valid_until",
                "offer_note",
                "offered_by",
                "offered_at",
                "offer_emailed_at",
                "status",
            ]
        )
        from .tasks import send_quote_offer

        transaction.on_commit(lambda: send_quote_offer.delay(quote.pk))
        return quote


def quote_offer_email(*, quote_id: int) -> bool:
    """Tell the customer an offer waits in the portal, once per offer (a retried task sends
    nothing twice). Signed by the team, never by the clerk."""
    from iys_portal.emails import send_templated_email

    with transaction.atomic():
        quote = (
            QuoteRequest.objects.select_for_update()
            .select_related("service_provider")
            .filter(pk=quote_id, status=QuoteRequest.Status.OFFERED)
            .first()
        )
        if quote is None or quote.offer_emailed_at is not None:
            return False
        send_templated_email(
            to=[quote.contact_email],
            template="packages/quote_offer",
            context={"quote": quote, "provider": quote.service_provider},
        )
        quote.offer_emailed_at = timezone.now()
        quote.save(update_fields=["offer_emailed_at"])
        return True


def quote_offer_accept(*, service_provider: ServiceProvider, quote_id: int, actor: User) -> Order:
    """The customer accepts the offer: an İLETİ+ order starts at Sözleşme Onay. Accepting twice
    returns the same order."""
    require_actor_role(actor=actor, service_provider_id=service_provider.pk, role=Role.PURCHASING)
    with transaction.atomic():
        ServiceProvider.objects.select_for_update().get(pk=service_provider.pk)
        quote = _lock(quote_id, service_provider=service_provider)
        if quote.status == QuoteRequest.Status.ACCEPTED and quote.order_id:
            return quote.order
        if quote.status != QuoteRequest.Status.OFFERED:
            raise ApplicationError(_("Bu talep için geçerli bir teklif yok."), code="no_offer")
        if quote.offer_expired():
            raise ApplicationError(
                _("Teklifin geçerlilik süresi doldu; destek ekibinden yeni teklif isteyiniz."),
                code="offer_expired",
            )
        package = Package.objects.filter(is_quote_only=True, is_active=True).first()
        if package is None:
            raise ApplicationError(_("İLETİ+ paketi şu anda satışta değil."), code="inactive")
        now = timezone.now()
        terms = _order_terms(
            service_provider=service_provider,
            package=package,
            address_count=quote.address_count,
            at=now,
            quote=quote,
        )
        # One draft at a time (as at Paket Seçimi): an earlier draft gives way to this order.
        for draft in Order.objects.select_for_update().filter(
            service_provider=service_provider, status=S.DRAFT
        ):
            order_transition(
                order_id=draft.pk,
                to_status=S.CANCELLED,
                actor=actor,
                note=_("İLETİ+ teklifi kabul edildi."),
            )
        order = Order.objects.create(
            code=_new_code(),
            service_provider=service_provider,
            created_by=actor,
            status=S.DRAFT,
            package=package,
            phone_count=quote.phone_count,
            email_count=quote.email_count,
            address_count=quote.address_count,
            **terms,
        )
        OrderTransition.objects.create(
            order=order,
            from_status="",
            to_status=S.DRAFT,
            actor=actor,
            note=_("İLETİ+ teklifi kabul edildi."),
        )
        quote.status = QuoteRequest.Status.ACCEPTED
        quote.accepted_by = actor
        quote.accepted_at = now
        quote.order = order
        quote.save(update_fields=["status", "accepted_by", "accepted_at", "order"])
        return order
