"""A development stand-in for e-Devlet's OAuth2 server: the same three endpoints and shapes.

Clearly marked on screen as a simulator. It accepts any valid T.C. kimlik no with the simulator
password (settings.EDEVLET_SIMULATOR_PASSWORD); names come from the demo identities or an
existing user. Codes are single-use and live ``CODE_TTL`` seconds; ``state`` and
``redirect_uri`` round-trip unchanged, as the real server does. Never mounted in production
(see iys_portal.checks).
"""

import hmac
import secrets
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import get_user_model
from django.http import HttpResponseBadRequest, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from accounts.validators import is_valid_tckn
from iys_portal import simulator_state

CODE_TTL = 60
TOKEN_TTL = 600

# Demo identities offered on the simulator page (also created by ``manage.py seed_demo``).
DEMO_IDENTITIES = {
    "10000000146": ("Ayşe", "Yılmaz"),
    "12345678950": ("Mehmet", "Öztürk"),
    "11111111110": ("Şükrü", "Çağlayan"),
}


def _password() -> str:
    return getattr(settings, "EDEVLET_SIMULATOR_PASSWORD", "demo")


def _names_for(tckn: str) -> tuple[str, str]:
    if tckn in DEMO_IDENTITIES:
        return DEMO_IDENTITIES[tckn]
    user = get_user_model().objects.filter(tckn=tckn).only("first_name", "last_name").first()
    if user and user.first_name:
        return user.first_name, user.last_name
    return "Deneme", "Kullanıcı"


@require_http_methods(["GET", "POST"])
def authorize(request):
    params = request.GET if request.method == "GET" else request.POST
    client_id = params.get("client_id", "")
    redirect_uri = params.get("redirect_uri", "")
    state = params.get("state", "")
    if (
        params.get("response_type") != "code"
        or client_id != settings.EDEVLET_CLIENT_ID
        or not redirect_uri
        or not state
    ):
        return HttpResponseBadRequest("invalid_request")
    error = ""
    if request.method == "POST":
        tckn = request.POST.get("tckn", "").strip()
        password = request.POST.get("password", "")
        if request.POST.get("action") == "cancel":
            query = urlencode({"error": "access_denied", "state": state})
            return HttpResponseRedirect(f"{redirect_uri}?{query}")
        if not is_valid_tckn(tckn) or not hmac.compare_digest(password, _password()):
            error = _("T.C. kimlik numarası veya e-Devlet şifresi hatalı.")
        else:
            code = secrets.token_urlsafe(24)
            simulator_state.put(
                f"edevlet-sim:code:{code}",
                {"tckn": tckn, "client_id": client_id, "redirect_uri": redirect_uri},
                CODE_TTL,
            )
            return HttpResponseRedirect(
                f"{redirect_uri}?{urlencode({'code': code, 'state': state})}"
            )
    return render(
        request,
        "edevlet/simulator_login.html",
        {
            "params": {
                "response_type": "code",
                "client_id": client_id,
                "redirect_uri": redirect_uri,
                "state": state,
                "scope": params.get("scope", ""),
            },
            "error": error,
            "demo_identities": [
                {"tckn": tckn, "name": f"{first} {last}"}
                for tckn, (first, last) in DEMO_IDENTITIES.items()
            ],
        },
    )


@csrf_exempt
@require_POST
def token(request):
    code = request.POST.get("code", "")
    key = f"edevlet-sim:code:{code}"
    grant = simulator_state.pop(key) if code else None  # single use, whatever happens next
    if (
        request.POST.get("grant_type") != "authorization_code"
        or request.POST.get("client_id") != settings.EDEVLET_CLIENT_ID
        or not hmac.compare_digest(
            request.POST.get("client_secret", ""), settings.EDEVLET_CLIENT_SECRET
        )
    ):
        return JsonResponse({"error": "invalid_client"}, status=401)
    if grant is None or grant["redirect_uri"] != request.POST.get("redirect_uri"):
        return JsonResponse({"error": "invalid_grant"}, status=400)
    access_token = secrets.token_urlsafe(32)
    simulator_state.put(f"edevlet-sim:token:{access_token}", grant["tckn"], TOKEN_TTL)
    return JsonResponse(
        {"access_token": access_token, "token_type": "Bearer", "expires_in": TOKEN_TTL}
    )


@require_http_methods(["GET", "POST"])
def identity(request):
    params = request.GET if request.method == "GET" else request.POST
    tckn = simulator_state.get(f"edevlet-sim:token:{params.get('accessToken', '')}")
    if params.get("clientId") != settings.EDEVLET_CLIENT_ID:
        return JsonResponse({"sonucKodu": "EDV09.004", "sonucAciklamasi": "Geçersiz istemci."})
    if tckn is None:
        return JsonResponse(
            {"sonucKodu": "EDV09.002", "sonucAciklamasi": "Geçersiz erişim anahtarı."}
        )
    first, last = _names_for(tckn)
    return JsonResponse(
        {
            "sonucKodu": "EDV09.000",
            "sonucAciklamasi": "İşlem başarılı.",
            "kullaniciBilgileri": {"kimlikNo": tckn, "ad": first, "soyad": last},
        }
    )
