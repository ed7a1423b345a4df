"""The simulated bank 3-D Secure page of the fake gateway (development and tests only).

It is clearly marked, and it answers like a bank's ACS: the browser is sent back to the
merchant's callback URL with a form post of status, paymentId, conversationId,
conversationData, mdStatus and signature, so the real callback view runs unchanged.
"""

from django.conf import settings
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from . import fake


@require_http_methods(["GET", "POST"])
def bank_page(request, payment_id: str):
    if settings.PAYMENT_GATEWAY != "fake":
        raise Http404
    payment = fake.load(payment_id)
    if payment is None or payment.state != fake.PaymentState.INIT_THREEDS:
        raise Http404
    if request.method == "POST":
        approved = request.POST.get("action") == "approve"
        fields = fake.bank_fields(payment, approved=approved)
        return render(
            request,
            "payments/fake_bank_return.html",
            {"callback_url": payment.callback_url, "fields": fields},
        )
    return render(request, "payments/fake_bank.html", {"payment": payment})
