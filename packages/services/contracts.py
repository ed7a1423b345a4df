"""Contract acceptance (Sözleşme Onay): the recorded acceptance, its PDF, and the step's
button that completes a free order at once."""

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from iys_portal.errors import ApplicationError
from iys_portal.formatting import money
from iys_portal.pdf import render_pdf
from iys_portal.tasks import queue_task

from .. import order_rules as rules
from ..models import ContractAcceptance, Order, QuoteRequest
from ..selectors import contract_version_current
from .orders import (
    IllegalTransition,
    _order_terms,
    _purchaser_order,
    order_complete_free,
    order_transition,
)

S = Order.Status


def order_accept_contract(
    *,
    order_id: int,
    contract_version_id: int,
    actor: User,
    ip_address: str | None = None,
    user_agent: str = "",
) -> Order:
    """«Sözleşme Onay»: records version, time, person, IP and browser, re-prices the order
    from the catalog, and queues the contract PDF after commit. Idempotent.

    Without a worker (eager Celery, as in ``make run``) the task would run inside this request
    and the page would wait seconds for WeasyPrint; then nothing is queued and the first
    download renders the PDF (``contract_pdf_render`` is idempotent either way)."""
    with transaction.atomic():
        order = _purchaser_order(order_id, actor)
        if order.status != S.DRAFT:
            if hasattr(order, "acceptance"):
                return order  # a double click: accepted once already
            raise IllegalTransition(_("Bu siparişin sözleşmesi artık onaylanamaz."))
        current = contract_version_current()
        if current is None or current.pk != contract_version_id:
            raise ApplicationError(
                _("Sözleşme metni güncellendi; lütfen güncel metni okuyup yeniden onaylayınız."),
                code="stale_contract",
            )
        now = timezone.now()
        terms = _order_terms(
            service_provider=order.service_provider,
            package=order.package,
            address_count=order.address_count,
            at=now,
            quote=QuoteRequest.objects.filter(order=order).first(),
        )
        acceptance = ContractAcceptance.objects.create(
            order=order,
            contract_version=current,
            accepted_by=actor,
            accepted_at=now,
            ip_address=ip_address or None,
            user_agent=(user_agent or "")[:500],
        )
        changes = dict(terms)
        if money(terms["total_amount"]) == 0:
            changes["payment_method"] = Order.PaymentMethod.FREE
        order = order_transition(
            order_id=order.pk,
            to_status=S.CONTRACT_ACCEPTED,
            actor=actor,
            note=_("Sözleşme v%(version)s onaylandı.") % {"version": current.version},
            changes=changes,
        )
        if not settings.CELERY_TASK_ALWAYS_EAGER:
            queue_task("packages.render_contract_pdf", acceptance.pk)
        return order


def contract_pdf_render(*, acceptance_id: int) -> ContractAcceptance:
    """Render the accepted contract to PDF once (the Celery task, or the first download)."""
    with transaction.atomic():
        acceptance = (
            ContractAcceptance.objects.select_for_update()
            .select_related(
                "order__service_provider", "order__package", "contract_version", "accepted_by"
            )
            .get(pk=acceptance_id)
        )
        if acceptance.pdf:
            return acceptance
        order = acceptance.order
        content = render_pdf(
            "pdf/contract.html",
            {
                "acceptance": acceptance,
                "order": order,
                "provider": order.service_provider,
                "contract": acceptance.contract_version,
            },
        )
        acceptance.pdf.save(f"sozlesme-{order.code}.pdf", ContentFile(content), save=False)
        acceptance.pdf_generated_at = timezone.now()
        acceptance.save(update_fields=["pdf", "pdf_generated_at"])
        return acceptance


def order_confirm_contract(
    *,
    order_id: int,
    contract_version_id: int,
    actor: User,
    ip_address: str | None = None,
    user_agent: str = "",
) -> tuple[Order, bool]:
    """The button of the Sözleşme Onay step. The acceptance re-prices the order; a free order is
    then completed at once («Tamamla», the guide's last step for free packages), a paid one
    waits for the payment step. One transaction: a double click activates once.

    Returns (order, activated_now).
    """
    with transaction.atomic():
        order = order_accept_contract(
            order_id=order_id,
            contract_version_id=contract_version_id,
            actor=actor,
            ip_address=ip_address,
            user_agent=user_agent,
        )
        if order.status == S.ACTIVE or rules.order_can_complete_free(order):
            return order_complete_free(order_id=order_id, actor=actor)
        return order, False
