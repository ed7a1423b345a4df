"""Tenant-isolation checks reused by every app's view tests."""


def assert_foreign_404(client, url: str, *, method: str = "get", data: dict | None = None):
    """``client`` acts for another company: ``url`` must look as if it did not exist."""
    response = getattr(client, method)(url, data or {})
    assert response.status_code == 404, (
        f"{method.upper()} {url} answered {response.status_code} to a foreign company; want 404"
    )
    return response
