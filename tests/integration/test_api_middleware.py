"""API calls skip the portal's page middleware (``integration.middleware``) and answer as
before: the same headers every response needs, the language, errors as responses."""

import pytest
from django.conf import settings
from django.utils import translation

from integration.middleware import ApiRequestsMiddleware

from .conftest import KNOWN


def _status(api, world, recipient=KNOWN):
    return api.post(
        f"/sps/{world.provider.iys_code}/brands/{world.brand.code}/consents/status",
        {"recipient": recipient, "recipientType": "BIREYSEL", "type": "MESAJ"},
    )


def test_the_api_goes_by_before_sessions_csrf_and_the_rest(api, world):
    middleware = settings.MIDDLEWARE
    position = middleware.index("integration.middleware.ApiRequestsMiddleware")
    assert middleware.index("django.contrib.sessions.middleware.SessionMiddleware") > position
    assert middleware.index("django.middleware.csrf.CsrfViewMiddleware") > position
    for needed in (
        "django.middleware.security.SecurityMiddleware",
        "iys_portal.middleware.ContentSecurityPolicyMiddleware",
        "iys_portal.middleware.RejectControlCharactersMiddleware",
    ):
        assert middleware.index(needed) < position

    response = _status(api, world)
    assert response.status_code == 200, response.content
    request = response.wsgi_request
    assert not hasattr(request, "session") and not hasattr(request, "user")
    assert "Cookie" not in response.get("Vary", "") and not response.cookies
    # What every response keeps: security headers, the API's policy, the frame header.
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; frame-ancestors 'none'"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Content-Language"] == "tr"


def test_pages_still_get_the_whole_list(client, db):
    response = client.get("/")
    assert hasattr(response.wsgi_request, "session")
    assert hasattr(response.wsgi_request, "user")


def test_api_answers_are_turkish_whatever_the_thread_spoke_before(api, world):
    """The language is set on every call, as for pages: a worker thread that last served an
    English page must not answer the next API call in English."""
    translation.activate("en")
    try:
        response = _status(api, world, "+905321119999")
    finally:
        translation.deactivate()
    assert response.status_code == 404
    message = response.json()["errors"][0]["message"]
    assert message == "Bu alıcı için bu kanalda kayıtlı bir izin yok."


def test_an_unknown_api_path_is_a_404_and_a_control_character_a_400(api, client, world):
    assert api.get("/no/such/path").status_code == 404
    response = client.get("/api/oauth2/token", {"x": "a\x01b"})
    assert response.status_code == 400


def test_a_failing_view_is_a_500_response_not_an_exception(api, world, monkeypatch, client):
    from integration import routes

    def broken(**kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(routes, "consent_status", broken)
    client.raise_request_exception = False
    response = _status(api, world)
    assert response.status_code == 500


@pytest.mark.parametrize("path", ["/api", "/apix/", "/static/api/"])
def test_only_the_api_prefix_takes_the_short_way(path, rf):
    seen = []
    middleware = ApiRequestsMiddleware(lambda request: seen.append(request) or "page")
    assert middleware(rf.get(path)) == "page" and seen


def test_requests_wrapped_in_transactions_are_refused_at_start(monkeypatch):
    """The short way calls the view itself: with ATOMIC_REQUESTS it would silently skip the
    transaction Django's handler adds, so the setting is refused when the middleware loads."""
    from django.core.exceptions import ImproperlyConfigured

    monkeypatch.setitem(settings.DATABASES["default"], "ATOMIC_REQUESTS", True)
    with pytest.raises(ImproperlyConfigured):
        ApiRequestsMiddleware(lambda request: None)
