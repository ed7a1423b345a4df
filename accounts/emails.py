"""E-mails about authorization requests (the Celery tasks in ``tasks`` call these): the
pre-filled form with the upload link, and the decision. Each checks the request is still in the
state the e-mail is about, so a late or repeated task sends nothing wrong."""

from django.conf import settings

from iys_portal.emails import send_templated_email
from iys_portal.pdf import render_pdf

from . import authorization
from .models import AuthorizationRequest
from .selectors import authorization_request_get, authorized_person_emails_for


def authorization_request_pdf(request: AuthorizationRequest) -> bytes:
    """The pre-filled «İLETİ YÖNETİM SİSTEMİ YETKİLENDİRME TALEP FORMU»."""
    return render_pdf(
        "pdf/authorization_request.html",
        {"request": request, "upload_deadline": authorization.upload_deadline(request)},
    )


def authorization_request_form_send(
    *, authorization_request_id: int, notify_company: bool = True
) -> None:
    """The applicant gets the pre-filled form and the upload link; the company is told once."""
    request = authorization_request_get(pk=authorization_request_id)
    if request is None or request.status != AuthorizationRequest.Status.AWAITING_SIGNATURE:
        return
    context = {
        "request": request,
        "upload_url": authorization.upload_url(request),
        "upload_deadline": authorization.upload_deadline(request),
        "portal_url": settings.PORTAL_BASE_URL,
        "support_email": settings.SUPPORT_EMAIL,
    }
    send_templated_email(
        to=[request.applicant_email],
        template="authorization_request_form",
        context=context,
        attachments=[
            (
                f"yetkilendirme-talep-formu-{request.number}.pdf",
                authorization_request_pdf(request),
                "application/pdf",
            )
        ],
    )
    company_emails = (
        authorized_person_emails_for(service_provider=request.service_provider)
        if notify_company
        else []
    )
    if notify_company and company_emails:
        send_templated_email(
            to=company_emails, template="authorization_request_company", context=context
        )


def authorization_request_decision_send(*, authorization_request_id: int) -> None:
    """Tell the applicant whether the request was approved or, with the reason, refused."""
    request = authorization_request_get(pk=authorization_request_id)
    if request is None or request.is_open:
        return
    template = (
        "authorization_approved"
        if request.status == AuthorizationRequest.Status.APPROVED
        else "authorization_rejected"
    )
    send_templated_email(
        to=[request.applicant_email],
        template=template,
        context={
            "request": request,
            "portal_url": settings.PORTAL_BASE_URL,
            "support_email": settings.SUPPORT_EMAIL,
        },
    )
