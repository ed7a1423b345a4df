import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.utils import translation
from django.utils.translation import gettext as _

from .selectors import memberships_active_for

SESSION_PROVIDER_KEY = "current_provider_id"
SESSION_LAST_SEEN_KEY = "last_seen"
LAST_SEEN_RESOLUTION = 60  # seconds


class SessionIdleTimeoutMiddleware:
    """Log portal users out after SESSION_IDLE_SECONDS without a request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            last_seen = request.session.get(SESSION_LAST_SEEN_KEY)
            if last_seen is not None and now - int(last_seen) > settings.SESSION_IDLE_SECONDS:
                logout(request)
                messages.info(
                    request, _("Uzun süre işlem yapılmadığı için oturumunuz sonlandırıldı.")
                )
            elif last_seen is None or now - int(last_seen) >= LAST_SEEN_RESOLUTION:
                # Coarse on purpose: writing the session on every request would cost a
                # database write per page view.
                request.session[SESSION_LAST_SEEN_KEY] = now
        return self.get_response(request)


class CurrentProviderMiddleware:
    """Sets ``request.membership`` and ``request.service_provider`` for the chosen company.

    The membership is checked on every request, so a deactivated delegate loses access at once.
    The check reads the person's active memberships (one query, with their companies) and
    keeps them as ``request.active_memberships``: the header's company switcher shows the same
    list, so a page does not query for it a second time.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.membership = None
        request.service_provider = None
        provider_id = request.session.get(SESSION_PROVIDER_KEY)
        if provider_id is not None and request.user.is_authenticated:
            request.active_memberships = list(memberships_active_for(user=request.user))
            membership = next(
                (m for m in request.active_memberships if m.service_provider_id == provider_id),
                None,
            )
            if membership is None:
                request.session.pop(SESSION_PROVIDER_KEY, None)
            else:
                request.membership = membership
                request.service_provider = membership.service_provider
        return self.get_response(request)


class PortalLocaleMiddleware:
    """Turkish first: the language is Turkish unless the person chose another one.

    Django's LocaleMiddleware would follow the browser's Accept-Language and show an English
    page to anyone with an English browser; here only the language cookie set by the footer's
    language form (``set_language``) switches it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response
