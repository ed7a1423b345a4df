"""Pure helpers for authorization requests: request numbers, upload-link tokens, PDF checks."""

import json
import logging
import math
import secrets
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

# Unambiguous characters only (no 0/O, 1/I/L): the number is read over the phone and typed.
NUMBER_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
NUMBER_PREFIX = "YT-"
NUMBER_LENGTH = 8

UPLOAD_LINK_VALID_DAYS = 30
SIGNED_FORM_MAX_BYTES = 5 * 1024 * 1024
SIGNED_FORM_MAX_PAGES = 20
_PROBE = Path(__file__).with_name("pdf_probe.py")

logger = logging.getLogger(__name__)

_TOKEN_SALT = "accounts.authorization_request.upload"  # noqa: S105 (a salt, not a secret)


def new_request_number() -> str:
    return NUMBER_PREFIX + "".join(secrets.choice(NUMBER_ALPHABET) for _ in range(NUMBER_LENGTH))


def new_upload_nonce() -> str:
    return secrets.token_hex(16)


def upload_token(request) -> str:
    """The secret in the upload link: an HMAC (SECRET_KEY) of the number and a random nonce, so
    the database alone does not give it away and the e-mail task can rebuild it from the id."""
    return salted_hmac(
        _TOKEN_SALT, f"{request.number}:{request.upload_nonce}", algorithm="sha256"
    ).hexdigest()


def upload_token_matches(request, token: str) -> bool:
    return bool(token) and constant_time_compare(upload_token(request), token)


def new_upload_deadline():
    return timezone.now() + timedelta(days=UPLOAD_LINK_VALID_DAYS)


def upload_deadline(request):
    return request.upload_link_expires_at or request.created_at + timedelta(
        days=UPLOAD_LINK_VALID_DAYS
    )


def upload_link_expired(request, *, now=None) -> bool:
    return (now or timezone.now()) > upload_deadline(request)


def upload_url(request) -> str:
    path = reverse(
        "accounts:authorization_request_upload",
        kwargs={"number": request.number, "token": upload_token(request)},
    )
    return settings.PORTAL_BASE_URL + path


class NotAPdf(ValueError):
    pass


def check_pdf(data: bytes) -> int:
    """Raise ``NotAPdf`` unless ``data`` is a readable, unencrypted PDF; return its page count.

    Judged by content, never by file name or the browser's content type. The parsing runs in a
    child process (``pdf_probe.py``) with an address-space and CPU limit and a wall-clock timeout:
    a crafted PDF costs at most those, then fails as ``too_complex``.
    """
    if not data.startswith(b"%PDF-"):
        raise NotAPdf("magic")
    timeout = settings.SIGNED_FORM_CHECK_TIMEOUT_SECONDS
    try:
        completed = subprocess.run(  # noqa: S603 — our interpreter and our script, no shell
            [
                sys.executable,
                "-I",
                str(_PROBE),
                str(settings.SIGNED_FORM_CHECK_MEMORY_MB * 1024 * 1024),
                str(max(1, math.ceil(timeout))),
            ],
            input=data,
            capture_output=True,
            timeout=timeout,
            check=False,
            env={"LANG": "C.UTF-8"},
        )
    except subprocess.TimeoutExpired as exc:
        logger.warning("signed-form PDF check gave up after %ss", timeout)
        raise NotAPdf("too_complex") from exc
    if completed.returncode != 0:
        logger.warning("signed-form PDF check stopped (exit status %s)", completed.returncode)
        raise NotAPdf("too_complex")
    try:
        result = json.loads(completed.stdout)
    except ValueError as exc:
        raise NotAPdf("too_complex") from exc
    if "error" in result:
        raise NotAPdf(str(result["error"]))
    pages = int(result.get("pages", 0))
    if pages < 1:
        raise NotAPdf("empty")
    return pages
