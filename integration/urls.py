from .accesslog import logged
from .api import api

_UNLOGGED = {"openapi-json", "openapi-view"}


def _urls():
    patterns, app_name, namespace = api.urls
    for pattern in patterns:
        if pattern.name not in _UNLOGGED:
            pattern.callback = logged(pattern.callback)
    return patterns, app_name, namespace


api_urls = _urls()
