"""A Content-Security-Policy without 'unsafe-inline' is coming: no page may rely on an inline
<script> or an on…= event handler attribute. Behaviour lives in static/js/."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from tests.payments.card_helpers import bank_payment_id, pay, payable_order

TEMPLATES = Path(settings.BASE_DIR) / "templates"
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)


def _inline(text: str) -> list[str]:
    return INLINE_SCRIPT.findall(text) + EVENT_HANDLER.findall(text)


def test_no_template_has_inline_script_or_event_handlers():
    found = {
        str(path.relative_to(TEMPLATES)): hits
        for path in TEMPLATES.rglob("*.html")
        if (hits := _inline(path.read_text()))
    }
    assert not found


@pytest.mark.django_db
def test_the_simulated_bank_redirects_without_inline_script(provider_client, provider):
    start = pay(provider_client, payable_order(provider))
    assert start.status_code == 200
    start_html = start.content.decode()
    assert not _inline(start_html), start_html
    assert "js/autosubmit.js" in start_html

    bank = reverse("payments:fake_bank", args=[bank_payment_id(start_html)])
    back = provider_client.post(bank, {"action": "approve"}).content.decode()
    assert not _inline(back), back
    assert "data-autosubmit" in back
