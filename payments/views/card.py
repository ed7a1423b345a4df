"""The payment step («Ödeme Adımı»), card payment through 3-D Secure, the bank's callback, the
confirmation («Ödemeyi Tamamla») and the receipt.

Paying is for the company's authorized person, like choosing the package; delegates may still
see the confirmation and download receipts.

The card number and CVC only travel from the form to the gateway inside one request; they are
marked sensitive so that error reports never show them.
"""

from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_ratelimit.decorators import ratelimit

from accounts.decorators import provider_required
from accounts.permissions import Role, role_required
from iys_portal.client_ip import client_ip
from iys_portal.errors import ApplicationError
from iys_portal.formatting import money
from packages import order_rules
from packages.models import Order
from packages.selectors import order_get_for_provider

from ..bank_page import bank_page_response
from ..forms.card import BinForm, CardForm
from ..gateways import GatewayError, InstallmentOption, get_gateway
from ..models import Payment
from ..selectors.card import (
    card_payment_latest_for,
    card_payment_succeeded_for,
    card_payment_unresolved_for,
)
from ..services import card as services

# «Öde» attempts per person: enough for typos and a second card, too few for card testing.
PAY_RATE = "10/h"


def _order_or_404(request, code: str) -> Order:
    try:
        return order_get_for_provider(service_provider=request.service_provider, code=code)
    except Order.DoesNotExist:
        raise Http404 from None


def _not_payable_redirect(request, order: Order):
    """None when the order may be paid now; otherwise where to send the user, with why."""
    if order_rules.order_is_paid(order):
        if card_payment_succeeded_for(order=order):
            return redirect("payments:confirm", code=order.code)
        messages.info(request, _("Bu siparişin ödemesi alınmış."))
        return redirect("packages:manage")
    if order.status == Order.Status.DRAFT:
        messages.warning(request, _("Ödemeden önce sözleşmeyi onaylayınız."))
        return redirect("packages:contract", code=order.code)
    if not order_rules.order_can_wait_for(order, Order.PaymentMethod.CARD):
        messages.error(
            request,
            _("%(code)s kodlu sipariş «%(status)s» durumunda; ödeme alınamaz.")
            % {"code": order.code, "status": order.get_status_display()},
        )
        return redirect("packages:manage")
    return None


def _render_step(request, order: Order, form: CardForm, *, status: int = 200, error: str = ""):
    latest = card_payment_latest_for(order=order)
    # A card that may have been charged: no new payment (card or transfer) until it is settled,
    # so that nobody pays twice; the page says what is known and whom to ask.
    unresolved = card_payment_unresolved_for(order=order)
    total = money(order.total_amount)
    context = {
        "order": order,
        "form": form,
        "latest": latest,
        "unresolved": unresolved,
        "verifying": unresolved is not None
        and unresolved.status == Payment.Status.COMPLETING
        and not unresolved.needs_attention,
        "accounting_email": settings.ACCOUNTING_EMAIL,
        "options": [InstallmentOption(count=1, installment_price=total, total_price=total)],
        "selected": 1,
        "total": total,
        "test_cards": settings.PAYMENT_GATEWAY == "fake",
        "error": error,
    }
    return render(request, "payments/step.html", context, status=status)


@never_cache
@role_required(Role.PURCHASING)
@require_GET
def step(request, code: str):
    order = _order_or_404(request, code)
    blocked = _not_payable_redirect(request, order)
    if blocked is not None:
        return blocked
    return _render_step(request, order, CardForm())


@never_cache
@role_required(Role.PURCHASING)
@require_POST
@sensitive_post_parameters("card_number", "cvc")
@ratelimit(key="user", rate=PAY_RATE, method="POST", block=False)
@sensitive_variables("form", "card")
def pay(request, code: str):
    """«Öde»: start 3-D Secure and hand the browser the bank's page."""
    order = _order_or_404(request, code)
    blocked = _not_payable_redirect(request, order)
    if blocked is not None:
        return blocked
    if getattr(request, "limited", False):
        error = _("Çok sayıda ödeme denemesi yapıldı; lütfen bir saat sonra yeniden deneyiniz.")
        return _render_step(request, order, CardForm(), status=429, error=error)
    form = CardForm(request.POST)
    if not form.is_valid():
        return _render_step(request, order, form, status=400)
    card = form.card()
    try:
        _payment, bank_html = services.payment_start(
            order_id=order.pk,
            card=card,
            installment=form.cleaned_data["installment"],
            actor=request.user,
            ip=client_ip(request, default="127.0.0.1"),
            callback_url=request.build_absolute_uri(reverse("payments:callback")),
        )
    except ApplicationError as exc:
        form.add_error(None, exc.message)
        order.refresh_from_db()
        return _render_step(request, order, form, status=400)
    return bank_page_response(request, bank_html)


@role_required(Role.PURCHASING)
@require_GET
def installments(request, code: str):
    """The options of the card being typed (htmx), from its first 6–8 digits only."""
    order = _order_or_404(request, code)
    total = money(order.total_amount)
    single = [InstallmentOption(count=1, installment_price=total, total_price=total)]
    form = BinForm(request.GET)
    context = {"order": order, "options": single, "selected": 1, "total": total}
    if not form.is_valid():
        return render(request, "payments/_installments.html", context)
    try:
        family = get_gateway().installment_options(bin_number=form.cleaned_data["bin"], price=total)
    except GatewayError:
        context["notice"] = _("Taksit seçenekleri şu anda alınamadı; peşin ödeyebilirsiniz.")
        return render(request, "payments/_installments.html", context)
    if family is not None and family.options:
        context.update(family=family, options=list(family.options))
    else:
        context["notice"] = _("Bu kart için taksit seçeneği bulunmuyor; ödeme peşin alınır.")
    return render(request, "payments/_installments.html", context)


@role_required(Role.PURCHASING)
@require_GET
def installment_table(request, code: str):
    """«Taksit Seçenekleri»: the table for every card family."""
    order = _order_or_404(request, code)
    total = money(order.total_amount)
    try:
        table = get_gateway().installment_table(price=total)
        notice = ""
    except GatewayError:
        table, notice = [], _("Taksit tablosu şu anda alınamadı; lütfen biraz sonra deneyiniz.")
    counts = sorted({o.count for family in table for o in family.options})
    rows = [{"family": family, "cells": [family.option(n) for n in counts]} for family in table]
    template = (
        "payments/_installment_table.html"
        if request.htmx
        else "payments/installment_table_page.html"
    )
    return render(
        request, template, {"order": order, "counts": counts, "rows": rows, "notice": notice}
    )


@csrf_exempt
@require_POST
def callback(request):
    """The bank posts the browser back here (cross-site: no session, no CSRF token). The
    attempt is found by conversationId; trust comes from completing it with iyzico."""
    data = {name: request.POST.get(name, "") for name in (*services.CALLBACK_FIELDS, "signature")}
    try:
        payment = services.payment_handle_callback(data=data)
    except services.CallbackRejected as exc:
        return render(request, "payments/callback_error.html", {"reason": exc.message}, status=400)
    code = payment.order.code
    if payment.status == Payment.Status.SUCCEEDED:
        return redirect("payments:confirm", code=code)
    return redirect("payments:step", code=code)


@never_cache
@provider_required
@require_http_methods(["GET", "POST"])
def confirm(request, code: str):
    """After the bank: the payment is in; «Ödemeyi Tamamla» takes the user to the package."""
    order = _order_or_404(request, code)
    payment = card_payment_succeeded_for(order=order)
    if payment is None:
        return redirect("payments:step", code=order.code)
    if request.method == "POST":
        messages.success(
            request,
            _("Ödemeniz tamamlandı. %(package)s paketiniz aktif.") % {"package": order.package},
        )
        return redirect("packages:manage")
    return render(request, "payments/confirm.html", {"order": order, "payment": payment})


@provider_required
@require_GET
def receipt(request, code: str):
    order = _order_or_404(request, code)
    payment = card_payment_succeeded_for(order=order)
    if payment is None:
        raise Http404
    if not payment.receipt_pdf:
        messages.info(request, _("Makbuzunuz hazırlanıyor; birkaç dakika sonra yeniden deneyiniz."))
        return redirect("packages:manage")
    return FileResponse(
        payment.receipt_pdf.open("rb"),
        as_attachment=True,
        filename=f"makbuz-{order.code}.pdf",
        content_type="application/pdf",
    )
