"""The integration API (django-ninja, chosen by measured speed: bench/framework_choice.py).

Mounted at ``/api/``: an integrator's software written for İYS works by pointing its base URL
there. Every answer that is not a success carries ``{"errors": [{"code", "location",
"message"}]}``; every call leaves an access-log row (``accesslog.logged``)."""

import json

from django.http import HttpRequest, QueryDict
from django.utils.functional import cached_property
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import HttpBearer

from consents.models import Channel

from .credentials import token_authenticate, token_issue, token_refresh
from .errors import ApiError, unauthorized, unprocessable
from .ratelimit import RateLimitUnavailable, default_limit, rate_limit_wait
from .schemas import ErrorOut, ProviderRightsOut, TokenOut
from .selectors import integrator_providers
from .services import recipient_normalize

DESCRIPTION = """
İş ortaklarının ve aracı hizmet sağlayıcıların (AHS) çağırdığı API. Biçimler İYS'nin genel
API'siyle aynıdır: İYS için yazılmış bir yazılım temel adresini bu portala çevirerek çalışır.

**Yetki her istekte canlı yetkilendirmelerden okunur** (Marka Yönetimi): kanal, hak (yazma,
okuma, mutabakat), AHS için yalnızca tek alıcı sorgusu, iş ortakları için hizmet sağlayıcının
etkin paketi. Bir yetkinin kaldırılması bir sonraki istekte geçerlidir.

**Hatalar** her zaman `{"errors": [{"code", "location", "message"}]}` biçimindedir: 401 geçerli
belirteç yok, 403 yetki yok, 404 bilinmeyen hizmet sağlayıcı / marka / izin / istek, 422 kurala
aykırı gövde, 429 istek sınırı aşıldı (`Retry-After` başlığı kaç saniye sonra
deneneceğini söyler), 503 istek sınırı şu anda denetlenemiyor (yine `Retry-After`).

Denetim sırası (ilk aykırılık döner): hizmet sağlayıcı ve marka var mı (404
`provider_not_found`, `brand_not_found`), entegratörünüzün bu markada canlı yetkisi var mı (403
`grant_not_found`), hak (403 `ahs_read_only`, `right_not_granted`), kanal (403
`channel_not_granted`), paket (403 `package_inactive`; AHS yetkileri pakete bağlı değildir).
Paketin adres sınırını aşan yeni onaylı adresler 422 `address_limit_exceeded` ile reddedilir;
kayıtlı adreslerin izinleri değiştirilebilir, RET her zaman kabul edilir.
"""


def _brand_of(request: HttpRequest) -> tuple[int, int] | None:
    """``(iysCode, brandCode)`` of a ``/sps/…`` call, read with the token (one query)."""
    kwargs = request.resolver_match.kwargs if request.resolver_match else {}
    try:
        return int(kwargs["iysCode"]), int(kwargs["brandCode"])
    except (KeyError, TypeError, ValueError):
        return None


_STATUS_TYPES = frozenset(Channel.values)


_NO_BODY = object()


def json_body(request: HttpRequest):
    """The request's body as JSON, parsed once per request (None when it is not JSON)."""
    body = getattr(request, "_api_json_body", _NO_BODY)
    if body is _NO_BODY:
        try:
            body = json.loads(request.body)
        except ValueError:
            body = None
        request._api_json_body = body
    return body


def _consent_of(request: HttpRequest) -> tuple[str, str] | None:
    """``(recipient, channel)`` of a status query whose body names a valid one, normalized, to
    be read with the token (``token_authenticate``); None for anything else (the route
    then validates the body and answers as before)."""
    match = request.resolver_match
    if match is None or match.url_name != "consent_status" or request.method != "POST":
        return None
    body = json_body(request)
    if not isinstance(body, dict):
        return None
    channel, recipient = body.get("type"), body.get("recipient")
    if channel not in _STATUS_TYPES or not isinstance(recipient, str):
        return None
    try:
        return recipient_normalize(channel=channel, recipient=recipient), channel
    except ApiError:
        return None


def _unavailable() -> ApiError:
    return ApiError(
        503,
        "rate_limit_unavailable",
        _("İstek sınırı şu anda denetlenemiyor; birkaç saniye sonra yeniden deneyin."),
        headers={"Retry-After": "5"},
    )


def _limited(limit: int, wait: int) -> ApiError:
    return ApiError(
        429,
        "rate_limited",
        _("İstek sınırı aşıldı (dakikada %(limit)s); %(wait)s saniye sonra deneyin.")
        % {"limit": limit, "wait": wait},
        headers={"Retry-After": str(wait)},
    )


def _counted(*, key: str, limit: int) -> int | None:
    """``rate_limit_wait``, refusing the call (503) when the counter cannot be reached."""
    try:
        return rate_limit_wait(key=key, limit=limit)
    except RateLimitUnavailable:
        raise _unavailable() from None


def rate_limit_refusal(request: HttpRequest, *, limit: int, wait: int | None):
    """The answer of a call counted after its reads (``accesslog.logged``) and over its limit
    (``wait`` seconds), or not countable (``wait`` None): the same as when counted first."""
    return error_response(request, _unavailable() if wait is None else _limited(limit, wait))


# Calls that change nothing and whose reads are all in the token's statement: counted with
# their access-log row after the answer (one Redis command instead of two; the answer of a
# call over the limit is dropped for the 429). Other calls are counted before any work.
COUNTED_AFTER = frozenset({"consent_status"})


class BearerAuth(HttpBearer):
    """An access token from ``/oauth2/token``; then the API user's rate limit."""

    def authenticate(self, request: HttpRequest, token: str):
        consent = _consent_of(request)
        api_user = token_authenticate(access_token=token, brand=_brand_of(request), consent=consent)
        if api_user is None:
            return None
        log = getattr(request, "api_log", {})
        log.update(api_user_id=api_user.pk, integrator_id=api_user.integrator_id)
        limit = api_user.rate_limit or default_limit()
        key = f"user:{api_user.pk}"
        if consent is not None and request.resolver_match.url_name in COUNTED_AFTER:
            log["rate"] = (key, limit)
            return api_user
        wait = _counted(key=key, limit=limit)
        if wait is not None:
            raise _limited(limit, wait)
        return api_user


class PortalNinjaAPI(NinjaAPI):
    """django-ninja's API with its OpenAPI schema built once per process and language: the
    schema follows from the code alone, and building it took ~20 ms of CPU on every request of
    /api/openapi.json and the «API belgeleri» page (``bench/RESULTS.md``). Nothing about a
    caller, a grant or the data is in it."""

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        key = (path_prefix, get_language())
        schema = self._schemas.get(key)
        if schema is None:
            schema = self._schemas[key] = super().get_openapi_schema(path_prefix=path_prefix)
        return schema

    @cached_property
    def _schemas(self) -> dict:
        return {}


BEARER = BearerAuth()  # every operation's authentication (``routes.status_fast_path`` too)

api = PortalNinjaAPI(
    title="İYS Portal Entegrasyon API",
    version="1.0",
    description=DESCRIPTION,
    auth=BEARER,
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
)


def error_response(request, error: ApiError):
    log = getattr(request, "api_log", None)
    if log is not None:
        log["error_code"] = error.code
    response = api.create_response(request, error.body(), status=error.status)
    for name, value in error.headers.items():
        response[name] = value
    return response


@api.exception_handler(ApiError)
def _api_error(request, exc: ApiError):
    return error_response(request, exc)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    return error_response(request, unauthorized())


@api.exception_handler(ValidationError)
def _invalid(request, exc: ValidationError):
    first = exc.errors[0] if exc.errors else {}
    location = ".".join(str(p) for p in first.get("loc", ()) if p not in ("body", "payload"))
    if first.get("type") == "json_invalid" or "JSON" in str(first.get("msg", "")):
        error = unprocessable("body_invalid", _("İstek gövdesi geçerli bir JSON değil."), "body")
    elif first.get("type") == "missing":
        error = unprocessable("field_required", _("Bu alan zorunludur."), location)
    else:
        error = unprocessable("field_invalid", _("Bu alanın değeri geçersiz."), location)
    return error_response(request, error)


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    code = "body_invalid" if exc.status_code == 400 else "http_error"
    return error_response(request, ApiError(exc.status_code, code, _("İstek işlenemedi.")))


def _token_params(request: HttpRequest) -> dict:
    content_type = request.content_type or ""
    if content_type == "application/json":
        try:
            data = json.loads(request.body or b"{}")
        except ValueError:
            raise unprocessable(
                "body_invalid", _("İstek gövdesi geçerli bir JSON değil."), "body"
            ) from None
        return data if isinstance(data, dict) else {}
    if content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        # Parsed once by Django (the control-character middleware has read it already).
        return request.POST.dict()
    return QueryDict(request.body, encoding="utf-8").dict()


TOKEN_BODY = {
    "required": True,
    "content": {
        media: {
            "schema": {
                "type": "object",
                "required": ["grant_type"],
                "properties": {
                    "grant_type": {"type": "string", "enum": ["password", "refresh_token"]},
                    "username": {"type": "string"},
                    "password": {"type": "string"},
                    "refresh_token": {"type": "string"},
                },
            }
        }
        for media in ("application/json", "application/x-www-form-urlencoded")
    },
}


@api.post(
    "/oauth2/token",
    auth=None,
    response={200: TokenOut, 401: ErrorOut, 422: ErrorOut, 429: ErrorOut},
    url_name="token",
    summary="Erişim belirteci al ya da yenile",
    description=(
        "`grant_type=password` (`username`, `password`) ya da `grant_type=refresh_token` "
        "(`refresh_token`); gövde JSON ya da form olabilir. Yenileme belirteci bir kez "
        "kullanılır; eski çift geçersiz olur."
    ),
    openapi_extra={"requestBody": TOKEN_BODY},
    tags=["Kimlik doğrulama"],
)
def token(request: HttpRequest):
    params = _token_params(request)
    grant_type = str(params.get("grant_type") or "")
    if grant_type == "password":
        username = str(params.get("username") or "")
        wait = _counted(key=f"token:{username.lower()}", limit=default_limit())
        if wait is not None:
            raise ApiError(
                429,
                "rate_limited",
                _("Çok fazla deneme; %(wait)s saniye sonra deneyin.") % {"wait": wait},
                headers={"Retry-After": str(wait)},
            )
        return token_issue(username=username, password=str(params.get("password") or ""))
    if grant_type == "refresh_token":
        return token_refresh(refresh_token=str(params.get("refresh_token") or ""))
    raise unprocessable(
        "unsupported_grant_type",
        _("grant_type password ya da refresh_token olmalıdır."),
        "grant_type",
    )


@api.get(
    "/integrator/{integratorCode}/sps",
    response={200: list[ProviderRightsOut], 401: ErrorOut, 403: ErrorOut, 429: ErrorOut},
    url_name="integrator_sps",
    summary="Yetki veren hizmet sağlayıcılar, markalar, kanallar ve haklar",
    tags=["Entegratör"],
)
def integrator_sps(request: HttpRequest, integratorCode: int):  # noqa: N803
    api_user = request.auth
    if api_user.integrator.code != integratorCode:
        raise ApiError(
            403,
            "integrator_mismatch",
            _("Bu entegratör kodu API kullanıcınızın entegratörüne ait değil."),
            "integratorCode",
        )
    return integrator_providers(api_user=api_user)


from . import routes  # noqa: E402  (registers the /sps/… operations on ``api``)

__all__ = ["api", "routes"]
