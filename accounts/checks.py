"""Deploy checks for authorization requests: their abuse limits and e-mailed links."""

from django.conf import settings
from django.core.checks import Error, Tags

_PER_PROCESS_CACHES = (
    "django.core.cache.backends.dummy.DummyCache",
    "django.core.cache.backends.locmem.LocMemCache",
)


def authorization_request_safety(app_configs=None, **kwargs):
    if not settings.PRODUCTION:
        return []
    errors = []
    cache_name = getattr(settings, "RATELIMIT_USE_CACHE", "default")
    backend = settings.CACHES.get(cache_name, {}).get("BACKEND", "")
    if backend in _PER_PROCESS_CACHES:
        errors.append(
            Error(
                "The rate-limit cache is not shared between processes "
                f"({backend.rsplit('.', 1)[-1]}): the authorization request form and the "
                "signed-form upload would not be rate-limited.",
                hint="Set CACHE_URL to a shared cache, e.g. redis://…",
                id="accounts.E001",
            )
        )
    if not settings.PORTAL_BASE_URL.startswith("https://"):
        errors.append(
            Error(
                "PORTAL_BASE_URL is not an https:// address; e-mailed upload links would be "
                "wrong or insecure.",
                hint="Set PORTAL_BASE_URL to the portal's public https address.",
                id="accounts.E002",
            )
        )
    return errors


authorization_request_safety.tags = [Tags.security]
