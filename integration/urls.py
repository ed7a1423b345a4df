from .accesslog import logged
from .api import api
from .routes import status_fast_path

_UNLOGGED = {"openapi-json", "openapi-view"}


def _urls():
    patterns, app_name, namespace = api.urls
    for pattern in patterns:
        if pattern.name == "consent_status":
            pattern.callback = status_fast_path(pattern.callback)
        if pattern.name not in _UNLOGGED:
            pattern.callback = logged(pattern.callback)
    return patterns, app_name, namespace


api_urls = _urls()


def logged_endpoints() -> list[str]:
    """The names under which calls are logged (``AccessLog.endpoint``)."""
    return sorted(p.name for p in api_urls[0] if p.name and p.name not in _UNLOGGED)
