"""One client address for rate limits, contract acceptances and the gateway's buyer IP."""

import pytest
from django.test import RequestFactory

from iys_portal.client_ip import client_ip, rate_limit_ip


def request_from(remote: str, forwarded: str | None = None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


@pytest.mark.parametrize(
    ("proxies", "remote", "forwarded", "expected"),
    [
        ([], "203.0.113.9", None, "203.0.113.9"),
        ([], "203.0.113.9", "198.51.100.1", "203.0.113.9"),  # no proxy: the header is forged
        (["10.0.0.1"], "203.0.113.9", "198.51.100.1", "203.0.113.9"),  # not from our proxy
        (["10.0.0.1"], "10.0.0.1", "198.51.100.1", "198.51.100.1"),
        (["10.0.0.0/8"], "10.0.0.2", "6.6.6.6, 198.51.100.1, 10.0.0.1", "198.51.100.1"),
        (["10.0.0.0/8"], "10.0.0.2", "10.0.0.3, 10.0.0.1", "10.0.0.3"),  # only proxies
        (["10.0.0.0/8"], "10.0.0.2", "junk, 198.51.100.1", "198.51.100.1"),
        (["10.0.0.0/8"], "10.0.0.2", "198.51.100.1, junk", "10.0.0.2"),
        (["10.0.0.0/8"], "10.0.0.2", None, "10.0.0.2"),
        (["2001:db8::/32"], "2001:db8::1", "2001:db8:ffff::1, 2a00::5", "2a00::5"),
    ],
)
def test_client_ip(settings, proxies, remote, forwarded, expected):
    settings.TRUSTED_PROXIES = proxies
    assert client_ip(request_from(remote, forwarded)) == expected


def test_unreadable_address_gives_the_default(settings):
    settings.TRUSTED_PROXIES = []
    assert client_ip(request_from("")) is None
    assert client_ip(request_from("not-an-ip"), default="127.0.0.1") == "127.0.0.1"
    assert rate_limit_ip(request_from("")) == "0.0.0.0"  # noqa: S104
