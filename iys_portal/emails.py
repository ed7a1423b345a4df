"""Templated e-mail: a subject line and a plain-text body, each rendered from a template.

Called from Celery tasks only: pages never wait on SMTP.
"""

from collections.abc import Iterable

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation


def send_templated_email(
    *,
    to: Iterable[str],
    template: str,
    context: dict,
    attachments: Iterable[tuple[str, bytes, str]] = (),
    reply_to: Iterable[str] = (),
    message_id: str = "",
) -> None:
    """Send ``{template}_subject.txt`` / ``{template}_body.txt`` (under templates/emails/).
    ``message_id``: a fixed Message-ID (a notice's: the same on every attempt), else a new one."""
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string(f"emails/{template}_subject.txt", context).strip()
        body = render_to_string(f"emails/{template}_body.txt", context)
    message = EmailMessage(
        subject=" ".join(subject.split()),
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=list(to),
        reply_to=list(reply_to) or None,
        headers={"Message-ID": message_id} if message_id else None,
    )
    for filename, content, mimetype in attachments:
        message.attach(filename, content, mimetype)
    message.send()
