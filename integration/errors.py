"""The API's one error type: HTTP status, a stable ``code``, the field (``location``) and a
Turkish message; rendered as ``{"errors": [{"code", "location", "message"}]}``."""

from django.utils.translation import gettext_lazy as _


class ApiError(Exception):
    def __init__(self, status: int, code: str, message, location: str = "", headers=None):
        super().__init__(code)
        self.status = status
        self.code = code
        self.message = message
        self.location = location
        self.headers = headers or {}

    def body(self) -> dict:
        return {
            "errors": [{"code": self.code, "location": self.location, "message": str(self.message)}]
        }


def unauthorized(code: str = "invalid_token") -> ApiError:
    return ApiError(401, code, _("Geçerli bir erişim belirteci (Bearer) gönderilmedi."))


def forbidden(code: str, message) -> ApiError:
    return ApiError(403, code, message)


def not_found(code: str, message, location: str = "") -> ApiError:
    return ApiError(404, code, message, location)


def unprocessable(code: str, message, location: str = "") -> ApiError:
    return ApiError(422, code, message, location)
