"""«Belgelerim»: the company's contracts and receipts, and the receipt PDF of any paid order
(card or transfer), rendered from the recorded payment."""

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.decorators import provider_required
from iys_portal.pdf import render_pdf

from ..selectors.receipt import (
    documents_for_provider,
    receipt_get_for_provider,
    receipt_pdf_context,
)


@provider_required
@require_GET
def documents(request):
    items = documents_for_provider(service_provider=request.service_provider)
    return render(request, "payments/documents.html", {"documents": items})


@provider_required
@require_GET
def receipt_pdf(request, code: str):
    receipt = receipt_get_for_provider(service_provider=request.service_provider, code=code)
    content = render_pdf("pdf/receipt.html", receipt_pdf_context(receipt))
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="makbuz-{receipt.order.code}.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
