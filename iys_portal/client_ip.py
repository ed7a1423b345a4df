"""The one answer to "who is at the browser?": rate limits, recorded acceptances and the buyer
address sent to the payment gateway all ask ``client_ip``.

Served directly, the address is REMOTE_ADDR. Behind reverse proxies, ``TRUSTED_PROXIES`` lists
their addresses (IPs or networks): only a request arriving from one of them has its
X-Forwarded-For read, right to left, skipping the trusted proxies; the first other address is
the client. A browser that sends its own X-Forwarded-For changes nothing.
"""

import ipaddress
from functools import lru_cache

from django.conf import settings


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(p.strip(), strict=False) for p in proxies if p.strip())


def _address(value: str):
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        return None


def client_ip(request, default: str | None = None) -> str | None:
    """The client's address as text (``default`` when none can be read)."""
    trusted = _networks(tuple(settings.TRUSTED_PROXIES))
    address = _address(request.META.get("REMOTE_ADDR", "") or "")
    if address is not None and trusted and any(address in n for n in trusted):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        for hop in reversed(forwarded.split(",")):
            hop_address = _address(hop)
            if hop_address is None:
                break  # a malformed entry: nothing before it can be trusted
            address = hop_address
            if not any(hop_address in n for n in trusted):
                break
    return str(address) if address is not None else default


def rate_limit_ip(request) -> str:
    """django-ratelimit's ``key="ip"`` (RATELIMIT_IP_META_KEY points here)."""
    return client_ip(request, default="0.0.0.0")  # noqa: S104 (a key, not a bind address)
