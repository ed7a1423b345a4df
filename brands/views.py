from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from accounts.decorators import provider_required
from iys_portal.errors import ApplicationError

from . import services
from .forms import AhsGrantForm, BrandForm, PartnerGrantForm
from .models import Brand, Grant
from .packaging import has_active_package, package_coverage
from .selectors import brand_get, brand_history, brand_overview, grant_get, grants_live_for_brand


def _brand_or_404(request, brand_id: int) -> Brand:
    try:
        return brand_get(service_provider=request.service_provider, brand_id=brand_id)
    except Brand.DoesNotExist:
        raise Http404 from None


@require_GET
@provider_required
def index(request):
    overview = brand_overview(service_provider=request.service_provider)
    from integration.selectors import grants_attach_usage

    grants_attach_usage(g for row in overview.rows for g in [row.partner, *row.ahs])
    return render(request, "brands/index.html", {"overview": overview, "brand_form": BrandForm()})


@require_http_methods(["GET", "POST"])
@provider_required
def brand_add(request):
    form = BrandForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            brand = services.brand_create(
                service_provider=request.service_provider,
                name=form.cleaned_data["name"],
                actor=request.user,
            )
        except ApplicationError as exc:
            form.add_error("name", str(exc.message))
        else:
            messages.success(
                request,
                _("«%(name)s» markası eklendi (marka kodu %(code)s).")
                % {"name": brand.name, "code": brand.code},
            )
            return redirect("brands:index")
    return render(request, "brands/brand_form.html", {"form": form, "brand": None})


@require_http_methods(["GET", "POST"])
@provider_required
def brand_rename(request, brand_id: int):
    brand = _brand_or_404(request, brand_id)
    if request.method == "POST":
        form = BrandForm(request.POST)
        if form.is_valid():
            try:
                services.brand_rename(
                    service_provider=request.service_provider,
                    brand_id=brand.pk,
                    name=form.cleaned_data["name"],
                    actor=request.user,
                )
            except ApplicationError as exc:
                form.add_error("name", str(exc.message))
            else:
                messages.success(request, _("Marka adı kaydedildi."))
                return redirect("brands:index")
    else:
        form = BrandForm(initial={"name": brand.name})
    return render(request, "brands/brand_form.html", {"form": form, "brand": brand})


def _grant_page(request, brand_id: int, *, form_class, service, template: str):
    brand = _brand_or_404(request, brand_id)
    package_active = has_active_package(service_provider=request.service_provider)
    coverage = (
        package_coverage(service_provider=request.service_provider)
        if package_active and form_class is PartnerGrantForm
        else None
    )
    current = grants_live_for_brand(brand=brand, kind=form_class.kind)
    if request.method == "POST":
        form = form_class(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            extra = {"reconciliation": data["reconciliation"]} if "reconciliation" in data else {}
            try:
                grant = service(
                    service_provider=request.service_provider,
                    brand_id=brand.pk,
                    integrator_id=data["integrator"].pk,
                    channels=data["channels"],
                    actor=request.user,
                    **extra,
                )
            except ApplicationError as exc:
                form.add_error(None, str(exc.message))
            else:
                messages.success(
                    request,
                    ngettext(
                        "%(integrator)s, «%(brand)s» markası için %(channels)s kanalında "
                        "yetkilendirildi.",
                        "%(integrator)s, «%(brand)s» markası için %(channels)s kanallarında "
                        "yetkilendirildi.",
                        len(grant.channels),
                    )
                    % {
                        "integrator": grant.integrator.title,
                        "brand": brand.name,
                        "channels": ", ".join(grant.channels),
                    },
                )
                return redirect("brands:index")
    else:
        form = form_class()
    return render(
        request,
        template,
        {
            "brand": brand,
            "form": form,
            "package_active": package_active,
            "coverage": coverage,
            "current": current,
        },
    )


@require_http_methods(["GET", "POST"])
@provider_required
def partner_add(request, brand_id: int):
    return _grant_page(
        request,
        brand_id,
        form_class=PartnerGrantForm,
        service=services.partner_grant_set,
        template="brands/partner_form.html",
    )


@require_http_methods(["GET", "POST"])
@provider_required
def ahs_add(request, brand_id: int):
    return _grant_page(
        request,
        brand_id,
        form_class=AhsGrantForm,
        service=services.ahs_grant_set,
        template="brands/ahs_form.html",
    )


@require_http_methods(["GET", "POST"])
@provider_required
def grant_revoke(request, brand_id: int, grant_id: int):
    try:
        grant = grant_get(
            service_provider=request.service_provider, brand_id=brand_id, grant_id=grant_id
        )
    except Grant.DoesNotExist:
        raise Http404 from None
    if request.method == "POST":
        try:
            services.grant_revoke(
                service_provider=request.service_provider, grant_id=grant.pk, actor=request.user
            )
        except ApplicationError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(
                request,
                _("%(integrator)s için «%(brand)s» markasındaki yetki kaldırıldı.")
                % {"integrator": grant.integrator.title, "brand": grant.brand.name},
            )
        return redirect("brands:index")
    return render(request, "brands/grant_revoke.html", {"grant": grant, "brand": grant.brand})


@require_GET
@provider_required
def history(request, brand_id: int):
    brand = _brand_or_404(request, brand_id)
    events = brand_history(service_provider=request.service_provider, brand_id=brand.pk)
    return render(request, "brands/history.html", {"brand": brand, "events": events})
