"""One access-log row per API call, written after the answer is known."""

from functools import wraps

from django.utils.crypto import salted_hmac

from .models import AccessLog


def recipient_digest(recipient: str) -> str:
    """A keyed hash: the same recipient gives the same value, which no one can reverse
    without the site's secret key (a plain hash of a phone number is reversible by trying)."""
    if not recipient:
        return ""
    return salted_hmac("integration.AccessLog.recipient", recipient.strip().lower()).hexdigest()


def logged(view):
    """Wrap one of the API's URL callbacks: every call leaves a row, refused ones too."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        request.api_log = {}
        response = view(request, *args, **kwargs)
        entry = request.api_log
        match = request.resolver_match
        AccessLog.objects.create(
            api_user_id=entry.get("api_user_id"),
            integrator_id=entry.get("integrator_id"),
            service_provider_id=entry.get("service_provider_id"),
            brand_id=entry.get("brand_id"),
            grant_id=entry.get("grant_id"),
            endpoint=(match.url_name if match else "") or request.path[-30:],
            http_status=response.status_code,
            error_code=entry.get("error_code", ""),
            recipient_hash=recipient_digest(entry.get("recipient", "")),
        )
        return response

    return wrapper
