"""Client for e-Devlet's OAuth2 authorization-code login (Kimlik-Dogrula scope).

The endpoint shapes follow the public client code described in docs/domain.md. The simulator in
``simulator.py`` serves the same three endpoints, so this module runs unchanged in development
and tests.
"""

import json
import logging
from dataclasses import dataclass
from urllib.error import HTTPError, URLError
from urllib.parse import urlencode
from urllib.request import Request, urlopen

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from iys_portal.errors import ApplicationError

logger = logging.getLogger(__name__)

AUTHORIZE_PATH = "/OAuth2AuthorizationServer/AuthorizationController"
TOKEN_PATH = "/OAuth2AuthorizationServer/AccessTokenController"  # noqa: S105
IDENTITY_PATH = "/OAuth2AuthorizationServer/AuthenticationController"
SUCCESS_CODE = "EDV09.000"


class EDevletError(ApplicationError):
    """e-Devlet could not be reached or refused; the message is safe to show."""


@dataclass(frozen=True)
class Identity:
    tckn: str
    first_name: str
    last_name: str


class EDevletClient:
    def __init__(
        self,
        *,
        base_url: str,
        client_id: str,
        client_secret: str,
        timeout: float,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.client_id = client_id
        self.client_secret = client_secret
        self.timeout = timeout

    @classmethod
    def from_settings(cls) -> "EDevletClient":
        return cls(
            base_url=settings.EDEVLET_BASE_URL,
            client_id=settings.EDEVLET_CLIENT_ID,
            client_secret=settings.EDEVLET_CLIENT_SECRET,
            timeout=settings.EDEVLET_TIMEOUT_SECONDS,
        )

    def authorization_url(self, *, state: str, redirect_uri: str) -> str:
        query = urlencode(
            {
                "response_type": "code",
                "client_id": self.client_id,
                "state": state,
                "scope": "Kimlik-Dogrula",
                "redirect_uri": redirect_uri,
            }
        )
        return f"{self.base_url}{AUTHORIZE_PATH}?{query}"

    def exchange_code(self, *, code: str, redirect_uri: str) -> str:
        """Trade a single-use authorization code for an access token."""
        payload = self._request(
            TOKEN_PATH,
            data={
                "grant_type": "authorization_code",
                "client_id": self.client_id,
                "client_secret": self.client_secret,
                "code": code,
                "redirect_uri": redirect_uri,
            },
        )
        token = payload.get("access_token")
        if not isinstance(token, str) or not token:
            logger.warning("e-Devlet token response without access_token: %s", payload.get("error"))
            raise EDevletError(
                _("e-Devlet oturumu doğrulanamadı. Lütfen yeniden giriş yapınız."),
                code="token_refused",
            )
        return token

    def fetch_identity(self, *, access_token: str) -> Identity:
        payload = self._request(
            IDENTITY_PATH,
            query={
                "accessToken": access_token,
                "resourceId": "1",
                "kapsam": "Ad-Soyad",
                "clientId": self.client_id,
            },
        )
        result_code = payload.get("sonucKodu")
        info = payload.get("kullaniciBilgileri")
        if result_code != SUCCESS_CODE or not isinstance(info, dict):
            logger.warning("e-Devlet identity error: %s", result_code)
            raise EDevletError(
                _("e-Devlet kimlik bilgilerinizi paylaşmadı (hata kodu: %(code)s).")
                % {"code": result_code or "—"},
                code="identity_refused",
            )
        tckn = str(info.get("kimlikNo", ""))
        if len(tckn) != 11 or not tckn.isdigit():
            raise EDevletError(_("e-Devlet geçersiz kimlik bilgisi döndürdü."), code="bad_identity")
        return Identity(
            tckn=tckn,
            first_name=str(info.get("ad", "")).strip(),
            last_name=str(info.get("soyad", "")).strip(),
        )

    def _request(self, path: str, *, data: dict | None = None, query: dict | None = None) -> dict:
        url = f"{self.base_url}{path}"
        if query:
            url = f"{url}?{urlencode(query)}"
        body = urlencode(data).encode() if data is not None else None
        request = Request(url, data=body, headers={"Accept": "application/json"})  # noqa: S310
        try:
            with urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                raw = response.read()
        except HTTPError as exc:
            raw = exc.read()
            if not raw:
                raise self._unavailable(f"HTTP {exc.code}") from exc
        except TimeoutError as exc:
            raise EDevletError(
                _("e-Devlet zamanında yanıt vermedi. Lütfen biraz sonra yeniden deneyiniz."),
                code="timeout",
            ) from exc
        except (URLError, OSError) as exc:
            raise self._unavailable(exc) from exc
        try:
            payload = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise self._unavailable("invalid JSON") from exc
        if not isinstance(payload, dict):
            raise self._unavailable("unexpected JSON")
        return payload

    @staticmethod
    def _unavailable(reason) -> EDevletError:
        logger.warning("e-Devlet unavailable: %s", reason)
        return EDevletError(
            _("e-Devlet hizmetine şu anda ulaşılamıyor. Lütfen biraz sonra yeniden deneyiniz."),
            code="unavailable",
        )
