"""Request hygiene applied to every URL of the portal, the desks and the admin, in one place."""

import re

from csp.constants import HEADER as CSP_HEADER
from csp.middleware import CSPMiddleware
from django.http import HttpResponseBadRequest
from django.template import loader

# Never legitimate in a path, a cookie or a query string key.
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# Form text (query values, POST fields) may hold tab and line breaks (textareas); nothing else.
_CONTROL_IN_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def has_control_characters(request) -> bool:
    """Whether a path, cookie, query parameter or form field carries C0 control characters.

    PostgreSQL refuses NUL in text (``DataError`` → 500) and no screen shows the rest: such a
    request can only be a mistake or an attack, so it is answered with 400 before any view or
    query sees it.
    """
    if _CONTROL.search(request.path_info) or _CONTROL.search(request.path):
        return True
    for name, value in request.COOKIES.items():
        if _CONTROL.search(name) or _CONTROL.search(value):
            return True
    if _multidict_has_control(request.GET):
        return True
    if request.method in ("POST", "PUT", "PATCH"):
        if _multidict_has_control(request.POST):
            return True
        for name, upload in request.FILES.items():
            if _CONTROL.search(name) or _CONTROL.search(upload.name or ""):
                return True
    return False


def _multidict_has_control(data) -> bool:
    for name, values in data.lists():
        if _CONTROL.search(name):
            return True
        if any(_CONTROL_IN_TEXT.search(value) for value in values if isinstance(value, str)):
            return True
    return False


class RejectControlCharactersMiddleware:
    """Answers 400 (a Turkish page) to requests carrying C0 control characters.

    Placed before WhiteNoise, sessions and CSRF: the session lookup, a static-file lookup or a
    view would otherwise meet the bytes first.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if has_control_characters(request):
            body = loader.get_template("400.html").render({"control_characters": True})
            return HttpResponseBadRequest(body)
        return self.get_response(request)


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, except for a response that carries its own fixed policy
    (``fixed_content_security_policy``): django-csp builds the site's policy for every response
    before looking whether the response already has one, which it then keeps. The integration
    API's JSON answers carry a stricter policy of their own (``default-src 'none'``), on the
    call made before every message a partner sends."""

    def process_response(self, request, response):
        if getattr(response, "fixed_content_security_policy", False) and CSP_HEADER in response:
            return response
        return super().process_response(request, response)


def fixed_content_security_policy(response, policy: str):
    """Give ``response`` its own Content-Security-Policy (``ContentSecurityPolicyMiddleware``
    keeps it as is)."""
    response[CSP_HEADER] = policy
    response.fixed_content_security_policy = True
    return response
