"""The 3-D Secure page handed over by the gateway, served under the portal's CSP.

iyzico's ``threeDSHtmlContent`` is third-party HTML: a form aimed at the card's bank (any HTTPS
host) and an inline ``<script>`` that submits it. That one response gets a nonce on its own
``<script>`` tags and may post to the bank; everything else in the policy stays as it is (no
'unsafe-inline', no inline event handlers).
"""

import re

from csp.constants import NONCE
from django.conf import settings
from django.http import HttpResponse

_SCRIPT_TAG = re.compile(r"<script\b", re.IGNORECASE)


def bank_page_response(request, html: str) -> HttpResponse:
    nonce = str(request.csp_nonce) if hasattr(request, "csp_nonce") else ""
    if nonce:
        html = _SCRIPT_TAG.sub(f'<script nonce="{nonce}"', html)
    response = HttpResponse(html)
    # The bank's ACS host is not known in advance; only HTTPS in production.
    response._csp_update = {
        "script-src": [NONCE],
        "form-action": ["https:"] if settings.PRODUCTION else ["https:", "http:"],
    }
    return response
