"""Checkout and Paket Yönetimi views: check access, parse a form, call one service."""

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.decorators import provider_required
from accounts.permissions import Role, role_required
from iys_portal.client_ip import client_ip
from iys_portal.errors import ApplicationError
from iys_portal.formatting import format_try

from . import order_rules, pricing, quotes, selectors, services
from .addresses import measured_addresses
from .forms import ContractForm, PackageChoiceForm, QuoteRequestForm, SizingForm
from .models import Order


def payment_step_url(order: Order) -> str:
    """The Ödeme Adımı (a page of the payments app, reached by its URL name)."""
    return reverse("payments:step", kwargs={"code": order.code})


def _order_or_404(request, code: str) -> Order:
    try:
        return selectors.order_get_for_provider(
            service_provider=request.service_provider, code=code
        )
    except Order.DoesNotExist:
        raise Http404 from None


def _redirect_to_step(request, order: Order):
    step = selectors.order_checkout_step(order=order)
    if step == selectors.STEP_CONTRACT:
        return redirect("packages:contract", code=order.code)
    if step == selectors.STEP_PAYMENT:
        return redirect(payment_step_url(order))
    if step == selectors.STEP_DONE:
        messages.info(request, _("Bu sipariş tamamlandı."))
    else:
        messages.warning(
            request,
            _("%(code)s numaralı sipariş %(status)s.")
            % {"code": order.code, "status": order.get_status_display().lower()},
        )
    return redirect("packages:manage")


@require_GET
@provider_required
def manage(request):
    """«Paket Yönetimi»."""
    overview = selectors.package_overview_for(service_provider=request.service_provider)
    offers = list(selectors.quotes_offered_for(service_provider=request.service_provider))
    return render(request, "packages/manage.html", {"overview": overview, "offers": offers})


def _catalog_context(request, *, phone_count: int, email_count: int, chosen=None, sized: bool):
    packages, free_ids = selectors.package_list_active_with_promotions()
    sizing = pricing.package_sizing(
        phone_count=phone_count, email_count=email_count, packages=packages
    )
    # The catalog names the current package and its end, not the order that bought it.
    current = selectors.subscription_active_for(
        service_provider=request.service_provider, with_order=False
    )
    rows = []
    for package in packages:
        price = pricing.package_price(package=package, free_ids=free_ids)
        rows.append(
            {
                "package": package,
                "price": price,
                "recommended": sized and sizing.package is not None and package == sizing.package,
                "too_small": not package.covers(sizing.address_count),
                "chosen": chosen is not None and chosen == package.pk,
                "is_current": current is not None and current.package_id == package.pk,
            }
        )
    return {
        "rows": rows,
        "sizing": sizing,
        "sized": sized,
        "current": current,
        "phone_count": phone_count,
        "email_count": email_count,
    }


@require_http_methods(["GET", "POST"])
@role_required(Role.PURCHASING)
def purchase(request):
    """«Paket Seçimi»: the sizing helper and the catalog; choosing a package starts the order."""
    order_code = ""
    chosen = None
    measured = measured_addresses(service_provider=request.service_provider)
    if request.method == "POST":
        form = PackageChoiceForm(request.POST)
        if form.is_valid():
            phone_count, email_count = form.counts()
            try:
                order = services.order_start(
                    service_provider=request.service_provider,
                    package_id=form.cleaned_data["package"],
                    phone_count=phone_count,
                    email_count=email_count,
                    actor=request.user,
                    order_code=form.cleaned_data["order_code"] or None,
                )
            except ApplicationError as error:
                messages.error(request, error.message)
            else:
                return redirect("packages:contract", code=order.code)
        else:
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
        sizing_form = SizingForm(request.POST)
        order_code = request.POST.get("order_code", "")
        chosen = form.cleaned_data.get("package") if form.is_bound else None
        sized = True
    else:
        previous_code = request.GET.get("siparis", "")
        draft = None
        if previous_code:
            draft = _order_or_404(request, previous_code)
        else:
            draft = selectors.order_draft_for(service_provider=request.service_provider)
        if draft is not None and draft.status in (
            Order.Status.DRAFT,
            Order.Status.CONTRACT_ACCEPTED,
        ):
            # «Geri»: the choices made are kept.
            initial = {"phone_count": draft.phone_count, "email_count": draft.email_count}
            sizing_form = SizingForm(request.GET if "phone_count" in request.GET else initial)
            order_code = draft.code if draft.status == Order.Status.CONTRACT_ACCEPTED else ""
            chosen = draft.package_id
            sized = True
        else:
            # The sizing helper starts from the measured address count (Temel Hizmetler).
            asked = "phone_count" in request.GET or "email_count" in request.GET
            sizing_form = SizingForm(
                request.GET if asked else None,
                initial={"phone_count": measured.phones, "email_count": measured.emails},
            )
            sized = asked or measured.total > 0
    if not sizing_form.is_bound:
        sizing_form = SizingForm(sizing_form.initial)
    if not sizing_form.is_valid():
        # A count that cannot be read is not a count of 0: only the error is shown.
        sized = False
    phone_count, email_count = sizing_form.counts()
    context = _catalog_context(
        request, phone_count=phone_count, email_count=email_count, chosen=chosen, sized=sized
    )
    context.update(
        {
            "form": sizing_form,
            "order_code": order_code,
            "measured": measured,
            "quote_form": QuoteRequestForm(
                initial={
                    "phone_count": phone_count,
                    "email_count": email_count,
                    "contact_email": request.service_provider.email,
                    "contact_phone": request.service_provider.phone,
                }
            ),
        }
    )
    template = "packages/_catalog.html" if request.htmx else "packages/purchase.html"
    return render(request, template, context)


@require_POST
@role_required(Role.PURCHASING)
def quote_request(request):
    """İLETİ+: the address count is above the largest fixed package; support sees the request."""
    form = QuoteRequestForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("packages:purchase")
    phone_count, email_count = form.counts()
    services.quote_request_create(
        service_provider=request.service_provider,
        phone_count=phone_count,
        email_count=email_count,
        contact_email=form.cleaned_data["contact_email"],
        contact_phone=form.cleaned_data["contact_phone"],
        note=form.cleaned_data["note"],
        actor=request.user,
    )
    messages.success(
        request,
        _("İLETİ+ teklif talebiniz alındı. Destek ekibimiz %(email)s adresinden size ulaşacak.")
        % {"email": form.cleaned_data["contact_email"]},
    )
    return redirect("packages:manage")


@require_http_methods(["GET", "POST"])
@role_required(Role.PURCHASING)
def contract(request, code: str):
    """«Sözleşme Onay». Free package: «Tamamla» ends the purchase here; paid: on to Ödeme Adımı."""
    order = _order_or_404(request, code)
    if order_rules.order_can_complete_free(order):
        return _complete_free(request, order)
    if order.status != Order.Status.DRAFT:
        # Later steps, a second click or a replayed form: the first one already did the work.
        return _redirect_to_step(request, order)
    contract_version = selectors.contract_version_current()
    if contract_version is None:
        messages.error(
            request, _("Sözleşme metni şu anda yayında değil; lütfen daha sonra deneyiniz.")
        )
        return redirect("packages:manage")
    form = ContractForm(request.POST or None, initial={"contract_version": contract_version.pk})
    if request.method == "POST" and form.is_valid():
        shown_free = order.is_free
        try:
            order, activated = services.order_confirm_contract(
                order_id=order.pk,
                contract_version_id=form.cleaned_data["contract_version"],
                actor=request.user,
                ip_address=client_ip(request),
                user_agent=request.headers.get("User-Agent", ""),
            )
        except ApplicationError as error:
            messages.error(request, error.message)
            order.refresh_from_db()
            if order.status != Order.Status.DRAFT:
                return _redirect_to_step(request, order)
        else:
            if order.status == Order.Status.ACTIVE:
                if activated:
                    messages.success(
                        request,
                        _("%(name)s paketiniz etkinleştirildi.") % {"name": order.package.name},
                    )
                return redirect("packages:manage")
            if shown_free:
                messages.warning(
                    request,
                    _("Kampanya sona erdiği için paket ücretli: %(total)s.")
                    % {"total": format_try(order.total_amount)},
                )
            return redirect(payment_step_url(order))
    return render(
        request,
        "packages/contract.html",
        {"order": order, "contract": contract_version, "form": form},
    )


def _complete_free(request, order: Order):
    """A free order whose contract is accepted but not yet completed: only «Tamamla» is left."""
    if request.method == "POST":
        try:
            order, activated = services.order_complete_free(order_id=order.pk, actor=request.user)
        except ApplicationError as error:
            messages.error(request, error.message)
            return redirect("packages:manage")
        if activated:
            messages.success(
                request, _("%(name)s paketiniz etkinleştirildi.") % {"name": order.package.name}
            )
        return redirect("packages:manage")
    acceptance = selectors.order_acceptance_for(order=order)
    return render(
        request,
        "packages/contract.html",
        {"order": order, "contract": acceptance.contract_version, "accepted": acceptance},
    )


@require_http_methods(["GET", "POST"])
@role_required(Role.PURCHASING)
def cancel(request, code: str):
    """GET asks first (a transfer may already be on its way); POST cancels."""
    order = _order_or_404(request, code)
    if request.method == "GET":
        if not order.is_in_progress or order.status == Order.Status.PAID:
            return _redirect_to_step(request, order)
        return render(request, "packages/cancel_confirm.html", {"order": order})
    try:
        services.order_cancel(
            order_id=order.pk, actor=request.user, note=_("Hizmet sağlayıcı iptal etti.")
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("%(code)s numaralı sipariş iptal edildi.") % {"code": code})
    return redirect("packages:manage")


@require_GET
@provider_required
def contract_pdf(request, code: str):
    """The accepted contract as PDF: rendered by a Celery task after the acceptance, or here on
    the first download when no worker has done it yet (no worker in development)."""
    order = _order_or_404(request, code)
    acceptance = selectors.order_acceptance_for(order=order)
    if acceptance is None:
        raise Http404
    if not acceptance.pdf:
        acceptance = services.contract_pdf_render(acceptance_id=acceptance.pk)
    response = FileResponse(
        acceptance.pdf.open("rb"),
        content_type="application/pdf",
        filename=f"sozlesme-{order.code}.pdf",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_POST
@role_required(Role.PURCHASING)
def quote_accept(request, pk: int):
    """İLETİ+: the customer accepts support's offer; the order continues at Sözleşme Onay."""
    quote = selectors.quote_get_for(service_provider=request.service_provider, pk=pk)
    if quote is None:
        raise Http404
    try:
        order = quotes.quote_offer_accept(
            service_provider=request.service_provider, quote_id=quote.pk, actor=request.user
        )
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("packages:manage")
    return redirect("packages:contract", code=order.code)
