"""The accounting desk: our bank accounts, and the orders paid by bank transfer (Havale/EFT)
with a confirm form, a reject form, totals, a typo-aware order-code search and a CSV export."""

import csv
from html import escape as html_escape

from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from simple_history.admin import SimpleHistoryAdmin

from iys_portal.admin import DeskRowsMixin, ReadOnlyAdminMixin
from iys_portal.errors import ApplicationError
from iys_portal.formatting import format_phone, format_try, group_iban
from packages import order_codes

from ..forms.transfer import BankAccountForm, TransferConfirmForm, TransferRejectForm
from ..models import BankAccount, BankTransfer, TransferOrder
from ..selectors.transfer import (
    order_code_suggestions,
    transfer_confirmation,
    transfer_decisions,
    transfer_order_detail,
    transfer_order_next_pending,
    transfer_orders_csv_rows,
    transfer_orders_for_desk,
    transfer_orders_for_desk_list,
)
from ..services.transfer import (
    CONFIRM_PERMISSION,
    bank_transfer_record_received,
    bank_transfer_reject,
)
from .transfer_filters import TransferAgeFilter, TransferBankFilter, TransferStatusFilter
from .transfer_list import ListContext, TotalsPaginator, list_cell


@admin.register(BankAccount)
class BankAccountAdmin(SimpleHistoryAdmin):
    form = BankAccountForm
    list_display = ["bank_name", "grouped_iban", "account_holder", "is_active", "display_order"]
    list_filter = ["is_active"]
    list_editable = ["display_order"]
    search_fields = ["bank_name", "iban", "account_holder"]
    ordering = ["display_order", "bank_name"]

    @admin.display(description=gettext_lazy("IBAN"), ordering="iban")
    def grouped_iban(self, obj: BankAccount) -> str:
        return group_iban(obj.iban)


@admin.register(TransferOrder)
class TransferOrderAdmin(DeskRowsMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    # Six columns, two lines each: the list fits a 1366 px screen beside the filters.
    list_display = [
        "code_column",
        "company_column",
        "amount_column",
        "dates_column",
        "status_column",
        "accounting_column",
    ]
    list_display_links = None
    list_filter = [TransferStatusFilter, TransferBankFilter, TransferAgeFilter]
    search_fields = [
        "code",
        "service_provider__title",
        "service_provider__tax_number",
        "bank_transfers__bank_reference",
    ]
    search_help_text = gettext_lazy(
        "Sipariş kodu (ör. K7MPX9RT4), firma unvanı, VKN ya da banka referansı"
    )
    ordering = ["payment_due_at", "created_at"]
    list_per_page = 50
    show_full_result_count = False
    actions = None
    change_list_template = "admin/payments/transferorder/change_list.html"

    def get_queryset(self, request):
        if getattr(request, "_transfer_export", False):
            return transfer_orders_for_desk()
        # The list: only what its columns show (the CSV export and the pages take everything).
        return transfer_orders_for_desk_list()

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        return TotalsPaginator(queryset, per_page, orphans, allow_empty_first_page)

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("csv/", wrap(self.export_csv_view), name="payments_transferorder_csv"),
            path(
                "<int:object_id>/onayla/",
                wrap(self.confirm_view),
                name="payments_transferorder_confirm",
            ),
            path(
                "<int:object_id>/reddet/",
                wrap(self.reject_view),
                name="payments_transferorder_reject",
            ),
            path("<int:object_id>/", wrap(self.detail_view), name="payments_transferorder_detail"),
            *super().get_urls(),
        ]

    # Columns: the same markup as before, with what repeats from row to row (dates, amounts,
    # labels, the URL prefix) formatted once per language and value (see transfer_list.list_cell).

    def desk_row(self, obj, cl) -> str:
        """DeskRowsMixin's row, the columns given what every row shares (``ListContext``:
        the language, the link prefix, the zone and now, read once per list)."""
        shared = getattr(cl, "desk_shared", None)
        if shared is None:
            shared = cl.desk_shared = ListContext.read()
        return super().desk_row(obj, cl, shared)

    @admin.display(description=gettext_lazy("Sipariş kodu"), ordering="code")
    def code_column(self, obj, shared=None):
        shared = shared or ListContext.read()
        return mark_safe(  # noqa: S308 (escaped)
            f'<a href="{shared.detail_url(obj.pk)}" class="order-code">'
            f"{html_escape(obj.code)}</a><br><small>{html_escape(obj.package.name)}</small>"
        )

    @admin.display(description=gettext_lazy("Firma"), ordering="service_provider__title")
    def company_column(self, obj, shared=None):
        language = shared.language if shared else get_language()
        company = obj.service_provider
        email = html_escape(company.email)
        return mark_safe(  # noqa: S308 (escaped)
            f"{html_escape(company.title)}<br><small>{list_cell(language, 'vkn', None)} "
            f'{html_escape(company.tax_number)} · <a href="mailto:{email}">{email}</a> · '
            f'<span class="nowrap">{html_escape(format_phone(company.phone) or "—")}</span></small>'
        )

    @admin.display(description=gettext_lazy("Tutar"), ordering="total_amount")
    def amount_column(self, obj, shared=None):
        return list_cell(shared.language if shared else get_language(), "amount", obj.total_amount)

    @admin.display(description=gettext_lazy("Sipariş / son ödeme"), ordering="payment_due_at")
    def dates_column(self, obj, shared=None):
        shared = shared or ListContext.read()
        language = shared.language
        created = obj.created_at.astimezone(shared.zone)  # timezone.localtime
        days = (shared.now - obj.created_at).days
        due = obj.payment_due_at
        due_text = (
            list_cell(
                language, "minute", due.astimezone(shared.zone).replace(second=0, microsecond=0)
            )
            if due
            else "—"
        )
        return mark_safe(  # noqa: S308 (every piece escaped by _cached)
            f"{list_cell(language, 'date', created.date())} "
            f"<small>({list_cell(language, 'days', days)})</small><br>"
            f"<small>{list_cell(language, 'due', None)} {due_text}</small>"
        )

    @admin.display(description=gettext_lazy("Durum"), ordering="status")
    def status_column(self, obj, shared=None):
        return list_cell(shared.language if shared else get_language(), "status", obj.status)

    @admin.display(description=gettext_lazy("Gelen / işlem"))
    def accounting_column(self, obj, shared=None):
        decisions = transfer_decisions(obj)
        if not decisions:
            return "—"
        latest = decisions[0]
        confirmation = transfer_confirmation(obj)
        received = (
            format_html(
                "{} · {}<br>",
                format_try(confirmation.amount_received),
                confirmation.bank_account.bank_name,
            )
            if confirmation
            else ""
        )
        return format_html(
            "{}<small>{} · {} · {}</small>",
            received,
            latest.get_outcome_display(),
            latest.decided_by,
            date_format(timezone.localtime(latest.decided_at), "j M Y H:i"),
        )

    # Search: the order code, with its check character

    def get_search_results(self, request, queryset, search_term):
        code = order_codes.normalize(search_term)
        if order_codes.is_valid(code):
            return queryset.filter(code=code), False
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if (
            _looks_like_code(code)
            and not getattr(request, "_transfer_export", False)
            and not results.exists()
        ):
            self._hint_code_typo(request, code)
        return results, may_have_duplicates

    def _hint_code_typo(self, request, code: str) -> None:
        """Nothing found for a code-shaped term whose check character fails: say so, and offer
        the existing orders one slip away."""
        suggestions = order_code_suggestions(code)
        if not suggestions:
            messages.warning(
                request,
                _(
                    "«%(code)s» geçerli bir sipariş kodu değil: kontrol karakteri tutmuyor "
                    "ve benzer kodlu bir sipariş de bulunamadı. Açıklamadaki kodu yeniden "
                    "kontrol ediniz."
                )
                % {"code": code},
            )
            return
        links = format_html_join(
            ", ", '<a href="?q={}&amp;durum=tumu">{}</a>', ((s, s) for s in suggestions)
        )
        messages.warning(
            request,
            format_html(
                "{} {}",
                _(
                    "«%(code)s» geçerli bir sipariş kodu değil: kontrol karakteri tutmuyor, "
                    "bir karakter yanlış yazılmış olabilir. Bunu mu demek istediniz:"
                )
                % {"code": code},
                links,
            ),
        )

    # Pages

    def changelist_view(self, request, extra_context=None):
        extra_context = {"title": _("Havale/EFT siparişleri"), **(extra_context or {})}
        response = super().changelist_view(request, extra_context)
        context = getattr(response, "context_data", None)
        if context is not None and "cl" in context:
            context["totals"] = context["cl"].paginator.totals
            context["csv_query"] = request.GET.urlencode()
        return response

    def _page(self, request, order, template: str, **extra):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "app_label": self.opts.app_label,
            "original": order,
            "order": order,
            "can_decide": request.user.has_perm(CONFIRM_PERMISSION),
            **extra,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, template, context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """The generic read-only form would show raw order fields: use the desk's page."""
        if not str(object_id).isdigit():
            raise Http404
        return redirect("admin:payments_transferorder_detail", int(object_id))

    def detail_view(self, request, object_id):
        if not self.has_view_permission(request):
            raise PermissionDenied
        order = transfer_order_detail(order_id=object_id)
        return self._page(
            request,
            order,
            "admin/payments/transferorder/detail.html",
            title=_("Havale/EFT siparişi %(code)s") % {"code": order.code},
            confirmation=transfer_confirmation(order),
            next_pending=transfer_order_next_pending(after=order),
        )

    def _decision_order(self, request, object_id):
        if not request.user.has_perm(CONFIRM_PERMISSION):
            raise PermissionDenied
        return get_object_or_404(transfer_orders_for_desk(), pk=object_id)

    def _back(self, order):
        return redirect("admin:payments_transferorder_detail", order.pk)

    def confirm_view(self, request, object_id):
        order = self._decision_order(request, object_id)
        confirmation = transfer_confirmation(order)
        form = TransferConfirmForm(
            request.POST or None, initial={"value_date": timezone.localdate()}
        )
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                transfer, changed = bank_transfer_record_received(
                    order_id=order.pk,
                    actor=request.user,
                    amount_received=data["amount_received"],
                    value_date=data["value_date"],
                    bank_account_id=data["bank_account"].pk,
                    bank_reference=data["bank_reference"],
                    note=data["note"],
                    mismatch_decision=data["mismatch_decision"],
                )
            except ApplicationError as error:
                form.add_service_error(error)
            else:
                if transfer.outcome == BankTransfer.Outcome.REJECTED:
                    self._report_rejection(request, order, transfer, changed)
                    return self._back(order)
                if changed:
                    messages.success(
                        request,
                        _(
                            "%(code)s onaylandı: paket etkinleştirildi, müşteriye e-posta "
                            "gönderiliyor."
                        )
                        % {"code": order.code},
                    )
                else:
                    messages.warning(request, _already_confirmed(order, transfer))
                return self._back(order)
        return self._page(
            request,
            order,
            "admin/payments/transferorder/confirm.html",
            title=_("Havale/EFT onayı: %(code)s") % {"code": order.code},
            form=form,
            confirmation=confirmation,
            already_confirmed=_already_confirmed(order, confirmation) if confirmation else "",
        )

    def _report_rejection(self, request, order, transfer, changed):
        if changed:
            messages.success(
                request,
                _(
                    "%(code)s reddedildi; müşteriye gerekçeyle e-posta gönderiliyor. Sipariş "
                    "yeniden ödenebilir ya da iptal edilebilir."
                )
                % {"code": order.code},
            )
        else:
            messages.warning(
                request,
                _(
                    "%(code)s daha önce %(who)s tarafından %(when)s tarihinde reddedilmişti; "
                    "hiçbir şey değişmedi."
                )
                % {
                    "code": order.code,
                    "who": transfer.decided_by,
                    "when": date_format(timezone.localtime(transfer.decided_at), "j F Y H:i"),
                },
            )

    def reject_view(self, request, object_id):
        order = self._decision_order(request, object_id)
        form = TransferRejectForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                transfer, changed = bank_transfer_reject(
                    order_id=order.pk,
                    actor=request.user,
                    reason=form.cleaned_data["reason"],
                    note=form.cleaned_data["note"],
                )
            except ApplicationError as error:
                form.add_service_error(error)
            else:
                self._report_rejection(request, order, transfer, changed)
                return self._back(order)
        return self._page(
            request,
            order,
            "admin/payments/transferorder/reject.html",
            title=_("Havale/EFT reddi: %(code)s") % {"code": order.code},
            form=form,
        )

    def export_csv_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        request._transfer_export = True
        try:
            changelist = self.get_changelist_instance(request)
        except IncorrectLookupParameters:
            messages.error(request, _("Süzgeç değerleri geçersiz; liste süzgeçsiz gösteriliyor."))
            return redirect("admin:payments_transferorder_changelist")
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        response["Content-Disposition"] = f'attachment; filename="havale-eft-{stamp}.csv"'
        response.write("\ufeff")  # BOM: Excel then reads the file as UTF-8
        writer = csv.writer(response, delimiter=";", lineterminator="\r\n")
        writer.writerows(transfer_orders_csv_rows(changelist.queryset))
        return response


def _looks_like_code(text: str) -> bool:
    return (
        order_codes.CODE_LENGTH - 1 <= len(text) <= order_codes.CODE_LENGTH + 1
        and text.isascii()
        and text.isalnum()
    )


def _already_confirmed(order, transfer) -> str:
    return _(
        "%(code)s numaralı siparişin ödemesi %(who)s tarafından %(when)s tarihinde zaten "
        "onaylanmış (%(amount)s); hiçbir şey değişmedi."
    ) % {
        "code": order.code,
        "who": transfer.decided_by,
        "when": date_format(timezone.localtime(transfer.decided_at), "j F Y H:i"),
        "amount": format_try(transfer.amount_received),
    }


@admin.register(BankTransfer)
class BankTransferAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    """Read-only record of every accounting decision, with its change history."""

    list_display = [
        "order",
        "outcome",
        "amount_received",
        "value_date",
        "bank_account",
        "bank_reference",
        "decided_by",
        "decided_at",
    ]
    list_filter = ["outcome", "bank_account"]
    search_fields = ["order__code", "bank_reference", "order__service_provider__title"]
    list_select_related = ["order", "bank_account", "decided_by"]
    ordering = ["-decided_at"]
