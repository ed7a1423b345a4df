import logging
import secrets

from django.contrib import messages
from django.contrib.auth import login, logout
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from .edevlet.client import EDevletClient, EDevletError
from .middleware import SESSION_PROVIDER_KEY
from .selectors import membership_get_active, memberships_active_for
from .services import user_sync_from_identity

logger = logging.getLogger(__name__)

SESSION_STATE_KEY = "edevlet_state"
SESSION_NEXT_KEY = "edevlet_next"
SESSION_REFUSED_NAME_KEY = "edevlet_refused_name"


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
    return render(request, "accounts/no_membership.html", {"person_name": name}, status=403)


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
