from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.formats import date_format, localize
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from accounts.decorators import provider_required
from accounts.permissions import Role, has_role, role_required
from iys_portal.errors import ApplicationError
from iys_portal.reversed_urls import ReversedUrl

from . import services
from .forms import AhsGrantForm, BrandForm, GrantRevokeForm, PartnerGrantForm
from .models import Brand, Channel, Grant
from .package_access import has_active_package, package_coverage
from .selectors import brand_get, brand_history, brand_overview, grant_get, grants_live_for_brand


def _brand_or_404(request, brand_id: int) -> Brand:
    try:
        return brand_get(service_provider=request.service_provider, brand_id=brand_id)
    except Brand.DoesNotExist:
        raise Http404 from None


def _grid_cells(row, *, write: str, read: str, check: str, suspended: str):
    """The brand's cells of the «Yetki özeti» grid, written here rather than by ~12 template
    nodes per cell (a 20-brand page had 60 cells): the same HTML as the template wrote
    (tests/brands/test_views.py compares them), every name escaped by format_html."""
    code = f"{row.brand.code:d}"
    cells = []
    for cell in row.cells:
        parts = []
        if cell.writer:
            badge = (
                format_html(' <span class="badge badge-warn">{}</span>', suspended)
                if cell.writer.is_suspended
                else ""
            )
            parts.append(
                format_html(
                    "<div>{}: {}{}</div>",
                    write if cell.writer.can_write else read,
                    cell.writer.integrator.title,
                    badge,
                )
            )
        if cell.checkers:
            titles = format_html_join(", ", "{}", ((g.integrator.title,) for g in cell.checkers))
            parts.append(format_html("<div>{}: {}</div>", check, titles))
        if not cell.writer and not cell.checkers:
            parts.append(mark_safe('<span class="muted">—</span>'))  # noqa: S308 (a constant)
        cells.append(
            format_html(
                '<td data-label="{}" data-testid="grid-{}-{}">{}</td>',
                cell.channel,
                code,
                cell.channel,
                mark_safe("".join(parts)),  # noqa: S308 (each part built by format_html)
            )
        )
    return mark_safe("".join(cells))  # noqa: S308 (each cell built by format_html)


def _grant_summary(grant, *, labels: dict[str, str]):
    """What brands/_grant_summary.html wrote for a grant (its name, channels, scope, status and
    «granted by» line), built once per grant here rather than by an included template (40
    includes on a 20-brand page); the same HTML, tested against that template."""
    channels = format_html_join(
        "", '<span class="badge">{}</span> ', ((name,) for name in grant.channel_names)
    )
    if grant.is_partner:
        scope = format_html(
            "{}{}",
            labels["read_write"] if grant.can_write else labels["partner_read_only"],
            format_html(" + {}", labels["reconcile"]) if grant.can_reconcile else "",
        )
    else:
        scope = format_html("{}", labels["read_only"])
    if grant.is_suspended:
        status = format_html(
            '<span class="badge badge-warn" data-testid="grant-status">{}</span>',
            labels["suspended"],
        )
    else:
        status = format_html(
            '<span class="badge badge-ok" data-testid="grant-status">{}</span>', labels["active"]
        )
    return format_html(
        '<span class="grant-title">{}</span>\n{}\n<span class="muted">\n  {}\n</span>\n'
        '\n  {}\n\n<br><small class="muted">{}</small>\n',
        grant.integrator.title,
        channels,
        scope,
        status,
        grant.granted_line,
    )


def _grant_usage(grant, *, labels: dict[str, str]):
    """What integration/_grant_usage.html wrote for a grant (its API use: last call, today,
    30 days, per endpoint, the access log link), built once per grant here rather than by an
    included template; the same HTML, tested against that template."""
    usage = grant.api_usage
    if usage.last_used:
        last = format_html(
            "{} {}",
            labels["last_call"],
            date_format(localtime(usage.last_used), "j F Y H:i"),
        )
    else:
        last = format_html("{}", labels["no_call"])
    endpoints = ""
    if usage.by_endpoint:
        endpoints = format_html(
            "({})",
            format_html_join(
                ", ",
                "{}: {}",
                ((endpoint, localize(counts[1])) for endpoint, counts in usage.by_endpoint.items()),
            ),
        )
    return format_html(
        '\n<p class="muted grant-usage" data-testid="grant-usage">\n  {}:\n  {}\n'
        '  · {} <strong data-testid="usage-today">{}</strong>\n'
        '  · {} <strong data-testid="usage-month">{}</strong>\n  {}\n'
        '  · <a href="{}" download>{}</a>\n</p>',
        labels["api_usage"],
        last,
        labels["today"],
        localize(usage.today),
        labels["30_days"],
        localize(usage.month),
        endpoints,
        grant.access_log_url,
        labels["access_log"],
    )


def _prepare_rows(overview) -> None:
    """What the page shows per brand and grant, worked out once for the page: the links
    (reversed once, not once per row), the channel names and the «granted by … on …» line."""
    channel_names = {c.value: str(c.label) for c in Channel}
    granted_line = _("%(who)s tarafından %(when)s tarihinde yetkilendirildi")
    rename = ReversedUrl("brands:brand_rename", 1)
    history_url = ReversedUrl("brands:history", 1)
    partner_add = ReversedUrl("brands:partner_add", 1)
    ahs_add = ReversedUrl("brands:ahs_add", 1)
    revoke = ReversedUrl("brands:grant_revoke", 2)
    access_log = ReversedUrl("integration:grant_access_log", 2)
    write, read, check, suspended = _("Yazma"), _("Okuma"), _("Kontrol"), _("askıda")
    labels = {
        "read_write": _("okuma + yazma"),
        "partner_read_only": _("yalnızca okuma"),
        "reconcile": _("mutabakat"),
        "read_only": _("yalnızca okuma (gönderim öncesi kontrol)"),
        "suspended": _("Askıda: aktif paket yok"),
        "active": _("Aktif"),
        "api_usage": _("API kullanımı"),
        "last_call": _("son çağrı"),
        "no_call": _("henüz çağrı yok"),
        "today": _("bugün"),
        "30_days": _("son 30 gün"),
        "access_log": _("Erişim kaydını indir (CSV)"),
    }
    for row in overview.rows:
        brand_id = row.brand.pk
        row.grid_cells = _grid_cells(row, write=write, read=read, check=check, suspended=suspended)
        row.rename_url = rename(brand_id)
        row.history_url = history_url(brand_id)
        row.partner_add_url = partner_add(brand_id)
        row.ahs_add_url = ahs_add(brand_id)
        for grant in [row.partner, *row.ahs]:
            if grant is not None:
                grant.revoke_url = revoke(brand_id, grant.pk)
                grant.access_log_url = access_log(grant.brand_id, grant.pk)
                grant.channel_names = [channel_names[c] for c in grant.channels]
                who = grant.granted_by
                grant.granted_line = granted_line % {
                    "who": (who.get_full_name() or who.tckn) if who else "",
                    "when": date_format(localtime(grant.granted_at), "j F Y H:i"),
                }
                grant.summary_html = _grant_summary(grant, labels=labels)
                grant.usage_html = _grant_usage(grant, labels=labels)


@require_GET
@provider_required
def index(request):
    overview = brand_overview(service_provider=request.service_provider)
    from integration.selectors import grants_attach_usage

    grants_attach_usage(g for row in overview.rows for g in [row.partner, *row.ahs])
    _prepare_rows(overview)
    return render(
        request,
        "brands/index.html",
        {
            "overview": overview,
            "brand_form": BrandForm(),
            "can_manage": has_role(request.membership, Role.BRANDS),
        },
    )


@require_http_methods(["GET", "POST"])
@role_required(Role.BRANDS)
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
@role_required(Role.BRANDS)
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


def _grant_form_page(request, brand: Brand, form, template: str):
    package_active = has_active_package(service_provider=request.service_provider)
    coverage = (
        package_coverage(service_provider=request.service_provider)
        if package_active and isinstance(form, PartnerGrantForm)
        else None
    )
    current = grants_live_for_brand(brand=brand, kind=form.kind)
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


def _granted(request, brand: Brand, grant: Grant):
    messages.success(
        request,
        ngettext(
            "%(integrator)s, «%(brand)s» markası için %(channels)s kanalında yetkilendirildi.",
            "%(integrator)s, «%(brand)s» markası için %(channels)s kanallarında yetkilendirildi.",
            len(grant.channels),
        )
        % {
            "integrator": grant.integrator.title,
            "brand": brand.name,
            "channels": ", ".join(grant.channel_labels),
        },
    )
    return redirect("brands:index")


@require_http_methods(["GET", "POST"])
@role_required(Role.BRANDS)
def partner_add(request, brand_id: int):
    brand = _brand_or_404(request, brand_id)
    form = PartnerGrantForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        data = form.cleaned_data
        try:
            grant = services.partner_grant_set(
                service_provider=request.service_provider,
                brand_id=brand.pk,
                integrator_id=data["integrator"].pk,
                channels=data["channels"],
                write=not data["read_only"],
                reconciliation=data["reconciliation"],
                actor=request.user,
            )
        except ApplicationError as exc:
            form.add_error(None, str(exc.message))
        else:
            return _granted(request, brand, grant)
    return _grant_form_page(request, brand, form, "brands/partner_form.html")


@require_http_methods(["GET", "POST"])
@role_required(Role.BRANDS)
def ahs_add(request, brand_id: int):
    brand = _brand_or_404(request, brand_id)
    form = AhsGrantForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        data = form.cleaned_data
        try:
            grant = services.ahs_grant_set(
                service_provider=request.service_provider,
                brand_id=brand.pk,
                integrator_id=data["integrator"].pk,
                channels=data["channels"],
                actor=request.user,
            )
        except ApplicationError as exc:
            form.add_error(None, str(exc.message))
        else:
            return _granted(request, brand, grant)
    return _grant_form_page(request, brand, form, "brands/ahs_form.html")


@require_http_methods(["GET", "POST"])
@role_required(Role.BRANDS)
def grant_revoke(request, brand_id: int, grant_id: int):
    try:
        grant = grant_get(
            service_provider=request.service_provider, brand_id=brand_id, grant_id=grant_id
        )
    except Grant.DoesNotExist:
        raise Http404 from None
    form = GrantRevokeForm(request.POST if request.method == "POST" else None, grant=grant)
    if request.method == "POST" and grant.revoked_at is None:
        if not form.is_valid():
            return render(
                request,
                "brands/grant_revoke.html",
                {"grant": grant, "brand": grant.brand, "form": form},
                status=400,
            )
        chosen = form.cleaned_data["channels"]
        try:
            services.grant_revoke(
                service_provider=request.service_provider,
                grant_id=grant.pk,
                actor=request.user,
                channels=chosen,
            )
        except ApplicationError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(
                request,
                _("%(integrator)s için «%(brand)s» markasındaki %(channels)s yetkisi kaldırıldı.")
                % {
                    "integrator": grant.integrator.title,
                    "brand": grant.brand.name,
                    "channels": ", ".join(c for c in grant.channels if c in chosen),
                },
            )
        return redirect("brands:index")
    if request.method == "POST":
        return redirect("brands:index")
    return render(
        request, "brands/grant_revoke.html", {"grant": grant, "brand": grant.brand, "form": form}
    )


@require_GET
@provider_required
def history(request, brand_id: int):
    brand = _brand_or_404(request, brand_id)
    events = brand_history(service_provider=request.service_provider, brand_id=brand.pk)
    return render(request, "brands/history.html", {"brand": brand, "events": events})
