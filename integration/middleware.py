"""The integration API's requests skip the portal's page middleware.

An API call carries a Bearer token, never a session cookie: it has no session, no logged-in
user, no messages, no company switcher, no htmx, no CSRF cookie (its views are CSRF-exempt:
the token is in a header, not a cookie) and no static files. The portal's middleware for those
cost every call ~0.1–0.15 ms of CPU doing nothing (``bench/RESULTS.md``, issue 13), and the
status query is called before every message a partner or AHS sends.

``ApiRequestsMiddleware`` sits in ``settings.MIDDLEWARE`` after the middleware every response
needs (security headers, the content security policy, the control-character check). For a path
under ``API_PREFIX`` it calls ``API_MIDDLEWARE`` (the language, the frame header) and then the
view itself, as Django's handler would (resolve, call; exceptions become responses the same
way); every other request goes on through the rest of ``settings.MIDDLEWARE`` unchanged. The
test client runs the same list, so the tests exercise this path."""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.handlers.exception import convert_exception_to_response
from django.urls import get_resolver
from django.utils.module_loading import import_string

API_PREFIX = "/api/"
API_MIDDLEWARE = [
    "accounts.middleware.PortalLocaleMiddleware",  # Turkish unless a language cookie says
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]


def _view(request):
    """``BaseHandler._get_response`` for the API's views: none of ``API_MIDDLEWARE`` has view,
    template-response or exception hooks, and the API's views return plain responses."""
    match = get_resolver(getattr(request, "urlconf", None)).resolve(request.path_info)
    request.resolver_match = match
    response = match.func(request, *match.args, **match.kwargs)
    if response is None:
        raise ValueError(f"The view {match.func.__qualname__} didn't return an HttpResponse.")
    return response


def _api_chain():
    handler = convert_exception_to_response(_view)
    for path in reversed(API_MIDDLEWARE):
        handler = convert_exception_to_response(import_string(path)(handler))
    return handler


class ApiRequestsMiddleware:
    def __init__(self, get_response):
        if any(db.get("ATOMIC_REQUESTS") for db in settings.DATABASES.values()):
            # Django's handler would wrap each view in a transaction; ``_view`` does not.
            raise ImproperlyConfigured(
                "ApiRequestsMiddleware calls the API's views without ATOMIC_REQUESTS; "
                "turn it off or take the middleware out."
            )
        self.get_response = get_response
        self.api = _api_chain()

    def __call__(self, request):
        if request.path_info.startswith(API_PREFIX):
            return self.api(request)
        return self.get_response(request)
