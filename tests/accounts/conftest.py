import io

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_rate_limits_and_media(settings, tmp_path):
    """Rate-limit counters live in the (locmem) cache and uploads under MEDIA_ROOT: each test
    starts with neither carried over from another."""
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()
    yield
    cache.clear()


def make_pdf(pages: int = 1, *, password: str | None = None) -> bytes:
    """A real PDF, as a scanner would produce (blank A4 pages)."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    if password:
        writer.encrypt(password)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
