"""The customer's side of a bank transfer: «Onayla» in the payment step's dialog (or its page
without JavaScript), the last step with our bank accounts and «Tamamla», and switching to card
while the order waits. Cancelling is Paket Yönetimi's (``packages:cancel``)."""

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from accounts.decorators import provider_required
from accounts.permissions import Role, role_required
from iys_portal.errors import ApplicationError
from packages import order_rules
from packages.models import Order
from packages.services import order_choose_payment_method

from ..selectors.transfer import bank_accounts_active, transfer_order_get_for_provider
from ..services.transfer import bank_transfer_choose

S = Order.Status


def _order(request, code: str) -> Order:
    return transfer_order_get_for_provider(service_provider=request.service_provider, code=code)


@never_cache
@role_required(Role.PURCHASING)
@require_http_methods(["GET", "POST"])
def transfer_choose(request, code: str):
    """POST: «Onayla» in the dialog. GET: the same question as a page (no JavaScript)."""
    order = _order(request, code)
    if request.method == "POST":
        try:
            bank_transfer_choose(order_id=order.pk, actor=request.user)
        except ApplicationError as error:
            messages.error(request, error.message)
            return redirect("payments:step", code=order.code)
        return redirect("payments:transfer_instructions", code=order.code)
    if order.status == S.AWAITING_TRANSFER:
        return redirect("payments:transfer_instructions", code=order.code)
    if not order_rules.order_can_wait_for(order, Order.PaymentMethod.TRANSFER):
        return redirect("payments:step", code=order.code)
    return render(
        request,
        "payments/transfer_confirm.html",
        {"order": order, "transfer_expiry_days": settings.BANK_TRANSFER_EXPIRY_DAYS},
    )


@never_cache
@provider_required
@require_http_methods(["GET"])
def transfer_instructions(request, code: str):
    """The last step: where to send how much, with which description, until when. Delegates
    may read it too (they often make the transfer); choosing and switching is the authorized
    person's, like the rest of the purchase."""
    order = _order(request, code)
    if order_rules.order_is_paid(order):
        messages.success(request, _("Bu siparişin ödemesi alındı; paketiniz etkin."))
        return redirect("packages:manage")
    if order.status != S.AWAITING_TRANSFER:
        return redirect("payments:step", code=order.code)
    return render(
        request,
        "payments/transfer_instructions.html",
        {
            "order": order,
            "bank_accounts": bank_accounts_active(),
            "accounting_email": settings.ACCOUNTING_EMAIL,
        },
    )


@role_required(Role.PURCHASING)
@require_POST
def transfer_switch_to_card(request, code: str):
    """While the transfer is awaited the customer may pay by card instead."""
    order = _order(request, code)
    if order.status == S.AWAITING_TRANSFER:
        try:
            order_choose_payment_method(
                order_id=order.pk, method=Order.PaymentMethod.CARD, actor=request.user
            )
        except ApplicationError as error:
            messages.error(request, error.message)
            return redirect("packages:manage")
        messages.info(request, _("Kredi kartı ile ödemeye geçtiniz; banka transferi beklenmiyor."))
    return redirect("payments:step", code=order.code)
