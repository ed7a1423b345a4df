"""Temel Hizmetler: İzin Ekle, İzin Sorgula, the list of consents (free, no package needed)."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.decorators import provider_required
from iys_portal.reversed_urls import ReversedUrl

from . import selectors
from .access import can_write_consents, consent_writer_required
from .forms import ConsentForm, FilterForm, QueryForm
from .models import Consent
from .normalize import ConsentInvalid, normalize_email, normalize_phone
from .services import ConsentRefused, Outcome, RecordedBy, consent_add

FORM_FIELDS = {
    "recipient": "recipient",
    "type": "channel",
    "recipientType": "recipient_type",
    "status": "status",
    "source": "source",
    "consentDate": "consent_date",
}


def _page_number(request) -> int:
    try:
        return max(1, min(int(request.GET.get("sayfa", "1")), 100_000))
    except ValueError:
        return 1


@require_GET
@provider_required
def index(request):
    """The list of consents, filtered and paginated (no total count: constant cost)."""
    form = FilterForm(request.GET or None, service_provider=request.service_provider)
    if form.is_bound and not form.is_valid():
        messages.warning(request, _("Geçersiz süzgeç değerleri yok sayıldı."))
    filters = form.filters()
    page = selectors.consent_page(
        service_provider=request.service_provider, filters=filters, number=_page_number(request)
    )
    query = request.GET.copy()
    query.pop("sayfa", None)
    detail_url = ReversedUrl("consents:detail", 1)  # reversed once, not once per row
    for consent in page.rows:
        consent.detail_url = detail_url(consent.pk)
    return render(
        request,
        "consents/index.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "can_write": can_write_consents(request.membership),
            "address_count": selectors.address_count_for(service_provider=request.service_provider),
        },
    )


@require_http_methods(["GET", "POST"])
@consent_writer_required
def add(request):
    """«İzin Ekle»: one consent by form."""
    form = ConsentForm(request.POST or None, service_provider=request.service_provider)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = consent_add(
                service_provider=request.service_provider,
                brand_id=data["brand"].pk,
                recipient=data["recipient"],
                channel=data["channel"],
                recipient_type=data["recipient_type"],
                status=data["status"],
                source=data["source"],
                consent_date=data["consent_date"],
                recorded_by=RecordedBy.portal_user(request.user),
            )
        except ConsentRefused as error:
            form.add_error(FORM_FIELDS.get(error.location), str(error.message))
        else:
            text = {
                Outcome.CREATED: _("İzin kaydedildi: %(recipient)s, %(channel)s, %(status)s."),
                Outcome.CHANGED: _("İzin güncellendi: %(recipient)s, %(channel)s, %(status)s."),
                Outcome.UNCHANGED: _(
                    "Bu izin zaten aynı bilgilerle kayıtlı: %(recipient)s, %(channel)s, "
                    "%(status)s; değişiklik yapılmadı."
                ),
            }[result.outcome]
            consent = result.consent
            messages.success(
                request,
                text
                % {
                    "recipient": consent.recipient,
                    "channel": consent.channel,
                    "status": consent.status,
                },
            )
            return redirect("consents:detail", consent_id=consent.pk)
    return render(request, "consents/add.html", {"form": form})


def _candidates(text: str) -> tuple[list[str], str]:
    """A typed recipient as the registry stores it (phone or e-mail), or the reason it isn't."""
    try:
        return ([normalize_email(text)] if "@" in text else [normalize_phone(text)]), ""
    except ConsentInvalid as error:
        return [], error.message


@require_GET
@provider_required
def query(request):
    """«İzin Sorgula»: one recipient's consents across brands and channels."""
    form = QueryForm(request.GET or None)
    consents, searched, reason = [], "", ""
    if form.is_bound and form.is_valid():
        recipients, reason = _candidates(form.cleaned_data["recipient"])
        if recipients:
            searched = recipients[0]
            consents = selectors.consents_for_recipient(
                service_provider=request.service_provider, recipients=recipients
            )
        else:
            form.add_error("recipient", reason)
    return render(
        request,
        "consents/query.html",
        {"form": form, "consents": consents, "searched": searched},
    )


@require_GET
@provider_required
def detail(request, consent_id: int):
    try:
        consent = selectors.consent_get(
            service_provider=request.service_provider, consent_id=consent_id
        )
    except Consent.DoesNotExist:
        raise Http404 from None
    events = selectors.consent_events(consent=consent)
    return render(request, "consents/detail.html", {"consent": consent, "events": events})
