"""Is the shared cache (Redis) answering? Rate limits fail closed when it is not, and the page
then says why instead of «too many attempts»."""

from django.conf import settings
from django.core.cache import caches


def rate_limit_cache_reachable() -> bool:
    cache = caches[settings.RATELIMIT_USE_CACHE]
    client = getattr(cache, "client", None)
    if client is None or not hasattr(client, "get_client"):
        return True  # an in-process cache (development) is always there
    try:
        return bool(client.get_client(write=True).ping())
    except Exception:  # any failure to reach it means «not reachable»
        return False
