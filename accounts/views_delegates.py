"""«Yetkilendirmeler»: the authorized person decides requests, sets delegates' roles, and
removes delegates. Approving and removing are confirmed on their own page (works without JS)."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from iys_portal.errors import ApplicationError, NotFoundError

from .decorators import authorized_person_required
from .forms import DelegateRolesForm, RejectionForm
from .models import AuthorizationRequest, Membership
from .roles import normalize_roles
from .selectors import (
    authorization_request_get_for,
    authorization_requests_open_for,
    delegate_get_for,
    delegates_active_for,
    role_changes_for,
)
from .services import (
    authorization_request_approve,
    authorization_request_reject,
    delegate_deactivate,
    membership_roles_set,
)


def _extra(roles) -> list[str]:
    return [r for r in normalize_roles(roles) if r != "view"]


@authorized_person_required
@require_GET
def delegates(request):
    provider = request.service_provider
    delegates = list(delegates_active_for(service_provider=provider))
    return render(
        request,
        "accounts/delegates.html",
        {
            "open_requests": list(authorization_requests_open_for(service_provider=provider)),
            "delegates": [
                (m, DelegateRolesForm(initial={"roles": _extra(m.roles)}, prefix=f"m{m.pk}"))
                for m in delegates
            ],
            "role_changes": list(role_changes_for(service_provider=provider)),
            "rejection_form": RejectionForm(),
        },
    )


def _own_request_or_404(request, pk: int) -> AuthorizationRequest:
    auth_request = authorization_request_get_for(service_provider=request.service_provider, pk=pk)
    if auth_request is None:
        raise Http404
    return auth_request


def _own_delegate_or_404(request, pk: int) -> Membership:
    membership = delegate_get_for(service_provider=request.service_provider, pk=pk)
    if membership is None:
        raise Http404
    return membership


@authorized_person_required
@require_http_methods(["GET", "POST"])
def authorization_request_approve_view(request, pk: int):
    """GET: the confirmation page with the roles the form asked for, pre-ticked; POST: approve."""
    auth_request = _own_request_or_404(request, pk)
    if request.method == "GET":
        form = DelegateRolesForm(initial={"roles": _extra(auth_request.requested_roles)})
        return render(
            request,
            "accounts/authorization_request_approve.html",
            {"auth_request": auth_request, "form": form},
        )
    form = DelegateRolesForm(request.POST)
    if not form.is_valid():
        return render(
            request,
            "accounts/authorization_request_approve.html",
            {"auth_request": auth_request, "form": form},
            status=400,
        )
    try:
        authorization_request_approve(
            authorization_request_id=auth_request.pk,
            actor=request.user,
            via=AuthorizationRequest.DecidedVia.PORTAL,
            roles=form.cleaned_data["roles"],
        )
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(
            request,
            _("%(name)s artık firmanız adına giriş yapabilir.")
            % {"name": auth_request.applicant_full_name},
        )
    return redirect("accounts:delegates")


@authorized_person_required
@require_POST
def authorization_request_reject_view(request, pk: int):
    auth_request = _own_request_or_404(request, pk)
    form = RejectionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Ret gerekçesi yazınız."))
        return redirect("accounts:delegates")
    try:
        authorization_request_reject(
            authorization_request_id=auth_request.pk,
            actor=request.user,
            via=AuthorizationRequest.DecidedVia.PORTAL,
            reason=form.cleaned_data["reason"],
        )
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(
            request, _("%(number)s numaralı talep reddedildi.") % {"number": auth_request.number}
        )
    return redirect("accounts:delegates")


@authorized_person_required
@require_POST
def delegate_roles_view(request, pk: int):
    membership = _own_delegate_or_404(request, pk)
    form = DelegateRolesForm(request.POST, prefix=f"m{membership.pk}")
    if not form.is_valid():
        messages.error(request, _("Geçersiz rol seçimi."))
        return redirect("accounts:delegates")
    try:
        membership = membership_roles_set(
            service_provider=request.service_provider,
            membership_id=membership.pk,
            roles=form.cleaned_data["roles"],
            actor=request.user,
        )
    except NotFoundError as exc:
        raise Http404 from exc
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(
            request,
            _("%(name)s kişisinin rolleri: %(roles)s.")
            % {
                "name": membership.user.get_full_name() or membership.user.masked_tckn,
                "roles": ", ".join(membership.role_labels),
            },
        )
    return redirect("accounts:delegates")


@authorized_person_required
@require_http_methods(["GET", "POST"])
def delegate_deactivate_view(request, pk: int):
    """GET: «Yetkiyi kaldır» asks first; POST: the access ends."""
    membership = _own_delegate_or_404(request, pk)
    if request.method == "GET":
        return render(request, "accounts/delegate_deactivate.html", {"membership": membership})
    try:
        membership = delegate_deactivate(
            service_provider=request.service_provider, membership_id=pk, actor=request.user
        )
    except NotFoundError as exc:
        raise Http404 from exc
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(
            request,
            _("%(name)s kişisinin firmanız adına giriş yetkisi kaldırıldı.")
            % {"name": membership.user.get_full_name() or membership.user.masked_tckn},
        )
    return redirect("accounts:delegates")
