import logging
import secrets

from django.contrib import messages
from django.contrib.auth import login, logout
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_ratelimit.decorators import ratelimit

from iys_portal.cache_health import rate_limit_cache_reachable
from iys_portal.client_ip import client_ip
from iys_portal.errors import ApplicationError, NotFoundError

from . import authorization
from .edevlet.client import EDevletClient, EDevletError
from .forms import AuthorizationRequestForm, SignedFormUploadForm
from .middleware import SESSION_PROVIDER_KEY
from .models import AuthorizationRequest
from .selectors import (
    authorization_request_get_by_upload_token,
    authorization_requests_of_applicant,
    membership_get_active,
    memberships_active_for,
)
from .services import (
    authorization_request_attach_signed_form,
    authorization_request_create,
    user_sync_from_identity,
)

logger = logging.getLogger(__name__)

SESSION_STATE_KEY = "edevlet_state"
SESSION_NEXT_KEY = "edevlet_next"
SESSION_REFUSED_NAME_KEY = "edevlet_refused_name"
# The TCKN e-Devlet vouched for, kept so that the refusal page can show the person's own
# authorization requests (never taken from the browser).
SESSION_REFUSED_TCKN_KEY = "edevlet_refused_tckn"


def _callback_uri(request) -> str:
    return request.build_absolute_uri(reverse("accounts:edevlet_callback"))


@require_GET
def login_page(request):
    if request.user.is_authenticated and request.service_provider is not None:
        return redirect("home")
    next_url = request.GET.get("next", "")
    return render(request, "accounts/login.html", {"next": next_url})


@require_GET
def edevlet_start(request):
    """Step 1: send the browser to e-Devlet with a fresh, session-bound ``state``."""
    state = secrets.token_urlsafe(24)
    request.session[SESSION_STATE_KEY] = state
    next_url = request.GET.get("next", "")
    if next_url and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        request.session[SESSION_NEXT_KEY] = next_url
    client = EDevletClient.from_settings()
    return HttpResponseRedirect(
        client.authorization_url(state=state, redirect_uri=_callback_uri(request))
    )


def _login_failed(request, message: str, status: int = 502):
    return render(request, "accounts/login_failed.html", {"message": message}, status=status)


@require_GET
def edevlet_callback(request):
    """Step 2: e-Devlet sends the browser back with ``code`` and ``state``."""
    expected_state = request.session.pop(SESSION_STATE_KEY, None)
    state = request.GET.get("state", "")
    if not expected_state or not secrets.compare_digest(state, expected_state):
        return _login_failed(
            request,
            _("Giriş isteği doğrulanamadı ya da süresi doldu. Lütfen yeniden giriş yapınız."),
            status=400,
        )
    if request.GET.get("error"):
        return _login_failed(request, _("e-Devlet girişi iptal edildi."), status=400)
    code = request.GET.get("code", "")
    if not code:
        return _login_failed(request, _("e-Devlet yanıtında yetki kodu yok."), status=400)
    client = EDevletClient.from_settings()
    try:
        access_token = client.exchange_code(code=code, redirect_uri=_callback_uri(request))
        identity = client.fetch_identity(access_token=access_token)
    except EDevletError as exc:
        return _login_failed(request, str(exc.message))

    user = user_sync_from_identity(identity=identity)
    memberships = list(memberships_active_for(user=user))
    if not memberships:
        request.session[SESSION_REFUSED_NAME_KEY] = user.get_full_name()
        request.session[SESSION_REFUSED_TCKN_KEY] = user.tckn
        return redirect("accounts:no_membership")

    next_url = request.session.pop(SESSION_NEXT_KEY, "")
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    if len(memberships) == 1:
        request.session[SESSION_PROVIDER_KEY] = memberships[0].service_provider_id
        return redirect(next_url or "home")
    if next_url:
        request.session[SESSION_NEXT_KEY] = next_url
    return redirect("accounts:choose_provider")


@require_GET
def no_membership(request):
    name = request.session.get(SESSION_REFUSED_NAME_KEY, "")
    tckn = request.session.get(SESSION_REFUSED_TCKN_KEY, "")
    own_requests = list(authorization_requests_of_applicant(tckn=tckn)[:10]) if tckn else []
    return render(
        request,
        "accounts/no_membership.html",
        {"person_name": name, "own_requests": own_requests},
        status=403,
    )


@require_http_methods(["GET", "POST"])
def choose_provider(request):
    if not request.user.is_authenticated:
        return redirect("accounts:login")
    memberships = list(memberships_active_for(user=request.user))
    if not memberships:
        logout(request)
        return redirect("accounts:no_membership")
    if request.method == "POST":
        return _select_provider(request)
    return render(request, "accounts/choose_provider.html", {"memberships": memberships})


@require_POST
def switch_provider(request):
    if not request.user.is_authenticated:
        return redirect("accounts:login")
    return _select_provider(request)


def _select_provider(request):
    try:
        provider_id = int(request.POST.get("service_provider", ""))
    except ValueError:
        provider_id = None
    membership = (
        membership_get_active(user=request.user, service_provider_id=provider_id)
        if provider_id
        else None
    )
    if membership is None:
        messages.error(request, _("Bu hizmet sağlayıcı adına işlem yetkiniz bulunmuyor."))
        return redirect("accounts:choose_provider")
    request.session[SESSION_PROVIDER_KEY] = membership.service_provider_id
    messages.success(
        request,
        _("%(title)s adına işlem yapıyorsunuz.") % {"title": membership.service_provider.title},
    )
    return redirect(request.session.pop(SESSION_NEXT_KEY, "") or "home")


@require_POST
def logout_view(request):
    logout(request)
    messages.info(request, _("Oturumunuz kapatıldı."))
    return redirect("home")


# --- Authorization requests: the public form and the signed-form upload ---------------------

# Per client address, and per company so one company cannot be flooded from many addresses.
REQUEST_RATE_PER_IP = "5/h"
REQUEST_RATE_PER_COMPANY = "20/d"
UPLOAD_RATE_PER_IP = "20/h"


def _too_many(request, template: str, context: dict):
    context["rate_limited"] = True
    if not rate_limit_cache_reachable():
        # The limit cannot be counted (Redis down): it fails closed, and says so.
        messages.error(
            request,
            _(
                "Güvenlik denetimi şu anda yapılamadığı için başvurunuz alınmadı. "
                "Lütfen birkaç dakika sonra yeniden deneyiniz."
            ),
        )
        return render(request, template, context, status=503)
    messages.error(request, _("Çok fazla deneme yapıldı. Lütfen bir süre sonra yeniden deneyiniz."))
    return render(request, template, context, status=429)


@ratelimit(key="ip", rate=REQUEST_RATE_PER_IP, method="POST", block=False)
@ratelimit(key="post:tax_number", rate=REQUEST_RATE_PER_COMPANY, method="POST", block=False)
@require_http_methods(["GET", "POST"])
def authorization_request_new(request):
    form = AuthorizationRequestForm(request.POST if request.method == "POST" else None)
    template = "accounts/authorization_request_new.html"
    if request.method == "POST":
        if getattr(request, "limited", False):
            return _too_many(request, template, {"form": form})
        if form.is_bot:
            # Looks like success to the bot; nothing is filed or sent.
            return redirect("accounts:authorization_request_sent")
        if form.is_valid():
            data = form.cleaned_data
            try:
                authorization_request_create(
                    tax_number=data["tax_number"],
                    applicant_tckn=data["applicant_tckn"],
                    first_name=data["first_name"],
                    last_name=data["last_name"],
                    email=data["email"],
                    phone=data["phone"],
                    role_reason=data["role_reason"],
                    requested_roles=data["requested_roles"],
                    ip=client_ip(request),
                )
            except ApplicationError as exc:
                field = "tax_number" if exc.code == "provider_not_found" else None
                form.add_error(field, str(exc.message))
            else:
                return redirect("accounts:authorization_request_sent")
    return render(request, template, {"form": form}, status=400 if form.errors else 200)


@require_GET
def authorization_request_sent(request):
    return render(request, "accounts/authorization_request_sent.html")


@never_cache
@ratelimit(key="ip", rate=UPLOAD_RATE_PER_IP, method="POST", block=False)
@require_http_methods(["GET", "POST"])
def authorization_request_upload(request, number: str, token: str):
    """The single-use link from the e-mail: upload the signed form as PDF."""
    template = "accounts/authorization_request_upload.html"
    auth_request = authorization_request_get_by_upload_token(number=number, token=token)
    if auth_request is None:
        raise Http404
    if auth_request.status != AuthorizationRequest.Status.AWAITING_SIGNATURE:
        return render(request, template, {"auth_request": auth_request, "closed": True}, status=410)
    if authorization.upload_link_expired(auth_request):
        return render(
            request, template, {"auth_request": auth_request, "expired": True}, status=410
        )
    context = {
        "auth_request": auth_request,
        "form": SignedFormUploadForm(),
        "deadline": authorization.upload_deadline(auth_request),
    }
    if request.method == "POST":
        # The limit is checked before the upload is read: a refused request renders the empty
        # form, so the (costly) PDF check never runs for it.
        if getattr(request, "limited", False):
            return _too_many(request, template, context)
        form = context["form"] = SignedFormUploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                authorization_request_attach_signed_form(
                    number=number, token=token, signed_form=form.cleaned_data["signed_form"]
                )
            except NotFoundError as exc:
                raise Http404 from exc
            except ApplicationError as exc:
                form.add_error(None, str(exc.message))
            else:
                messages.success(
                    request,
                    _(
                        "İmzalı form alındı. Talebiniz incelendikten sonra size e-posta ile bilgi "
                        "verilecektir."
                    ),
                )
                return redirect("accounts:authorization_request_sent")
        return render(request, template, context, status=400)
    return render(request, template, context)
