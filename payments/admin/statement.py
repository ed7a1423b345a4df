"""The accounting desk's bank statements: upload one, see the proposed matches, confirm the
chosen ones in bulk; the credits nothing matched stay on «Eşleşmeyen hareketler»."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from iys_portal.admin import ReadOnlyAdminMixin
from iys_portal.errors import ApplicationError
from iys_portal.formatting import format_try

from ..forms.statement import StatementImportForm
from ..models import BankStatement, StatementLine
from ..selectors.transfer import statement_detail
from ..services.statement import statement_import, statement_lines_confirm
from ..services.transfer import CONFIRM_PERMISSION


class AccountingOnlyMixin(ReadOnlyAdminMixin):
    """Only accounting (who may confirm transfers) sees statements."""

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.has_perm(CONFIRM_PERMISSION)

    def has_module_permission(self, request):
        return self.has_view_permission(request)


@admin.register(BankStatement)
class BankStatementAdmin(AccountingOnlyMixin, admin.ModelAdmin):
    list_display = [
        "file_column",
        "bank_account",
        "file_format",
        "credit_count",
        "skipped_count",
        "imported_by",
        "imported_at",
    ]
    list_display_links = None
    list_select_related = ["bank_account", "imported_by"]
    list_filter = ["bank_account"]
    actions = None

    def has_add_permission(self, request, obj=None):
        return self.has_view_permission(request)

    @admin.display(description=gettext_lazy("Dosya"), ordering="file_name")
    def file_column(self, obj):
        url = reverse("admin:payments_bankstatement_detail", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, obj.file_name)

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path(
                "<int:object_id>/onayla/",
                wrap(require_POST(self.confirm_view)),
                name="payments_bankstatement_confirm",
            ),
            path("<int:object_id>/", wrap(self.detail_view), name="payments_bankstatement_detail"),
            *super().get_urls(),
        ]

    def _render(self, request, template, **context):
        request.current_app = self.admin_site.name
        return TemplateResponse(
            request,
            template,
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "app_label": self.opts.app_label,
                **context,
            },
        )

    def add_view(self, request, form_url="", extra_context=None):
        """«Ekstre yükle»: read the file and show what it matched."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = StatementImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                statement, created = statement_import(
                    actor=request.user,
                    bank_account_id=form.cleaned_data["bank_account"].pk,
                    file_name=upload.name,
                    content=upload.read(),
                    file_format=form.cleaned_data["file_format"],
                )
            except ApplicationError as error:
                field = {"bank_account": "bank_account", "file_format": "file_format"}
                form.add_error(field.get(error.code, "file"), str(error.message))
            else:
                if created:
                    messages.success(
                        request,
                        _(
                            "Ekstre yüklendi: %(credits)s alacak hareketi, %(skipped)s hareket "
                            "daha önce yüklenmişti."
                        )
                        % {"credits": statement.credit_count, "skipped": statement.skipped_count},
                    )
                else:
                    messages.warning(
                        request,
                        _("Bu dosya daha önce yüklenmişti; hiçbir şey eklenmedi."),
                    )
                return redirect("admin:payments_bankstatement_detail", statement.pk)
        return self._render(
            request,
            "admin/payments/bankstatement/upload.html",
            title=_("Banka ekstresi yükle"),
            form=form,
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if not str(object_id).isdigit():
            raise Http404
        return redirect("admin:payments_bankstatement_detail", int(object_id))

    def detail_view(self, request, object_id):
        if not self.has_view_permission(request):
            raise PermissionDenied
        statement, lines = statement_detail(statement_id=object_id)
        return self._render(
            request,
            "admin/payments/bankstatement/detail.html",
            title=_("Ekstre: %(name)s") % {"name": statement.file_name},
            statement=statement,
            proposed=lines[StatementLine.Match.PROPOSED],
            unmatched=lines[StatementLine.Match.UNMATCHED],
            confirmed=lines[StatementLine.Match.CONFIRMED],
        )

    def confirm_view(self, request, object_id):
        if not self.has_view_permission(request):
            raise PermissionDenied
        chosen = [int(v) for v in request.POST.getlist("line") if v.isdigit()]
        ids = list(
            StatementLine.objects.filter(statement_id=object_id, pk__in=chosen).values_list(
                "pk", flat=True
            )
        )
        if not ids:
            messages.error(request, _("Onaylanacak eşleşme seçmediniz."))
            return redirect("admin:payments_bankstatement_detail", object_id)
        result = statement_lines_confirm(line_ids=ids, actor=request.user)
        if result.confirmed:
            messages.success(
                request,
                _("%(count)s ödeme onaylandı, paketler etkinleştirildi: %(codes)s")
                % {"count": len(result.confirmed), "codes": ", ".join(result.confirmed)},
            )
        if result.already:
            messages.warning(
                request,
                _("Daha önce onaylanmış, hiçbir şey değişmedi: %(codes)s")
                % {"codes": ", ".join(result.already)},
            )
        for refusal in result.refused:
            messages.error(request, refusal)
        return redirect("admin:payments_bankstatement_detail", object_id)


class MatchFilter(admin.SimpleListFilter):
    """Opens on the credits nothing matched: those wait for a person."""

    title = gettext_lazy("eşleşme")
    parameter_name = "eslesme"

    def lookups(self, request, model_admin):
        return [*StatementLine.Match.choices, ("tumu", _("Tümü"))]

    def value(self):
        value = super().value()
        valid = {*StatementLine.Match.values, "tumu"}
        return value if value in valid else StatementLine.Match.UNMATCHED

    def choices(self, changelist):
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        return queryset if self.value() == "tumu" else queryset.filter(match=self.value())


@admin.register(StatementLine)
class StatementLineAdmin(AccountingOnlyMixin, admin.ModelAdmin):
    list_display = [
        "value_date",
        "amount_column",
        "description",
        "bank_reference",
        "order_column",
        "match_note",
        "statement_column",
    ]
    list_display_links = None
    list_filter = [MatchFilter, "bank_account"]
    list_select_related = ["order", "statement"]
    search_fields = ["description", "bank_reference", "order__code", "counterparty"]
    ordering = ["-value_date", "-id"]
    actions = None

    @admin.display(description=gettext_lazy("Tutar"), ordering="amount")
    def amount_column(self, obj):
        return format_try(obj.amount)

    @admin.display(description=gettext_lazy("Sipariş"))
    def order_column(self, obj):
        if obj.order_id is None:
            return "—"
        url = reverse("admin:payments_transferorder_detail", args=[obj.order_id])
        return format_html('<a href="{}" class="order-code">{}</a>', url, obj.order.code)

    @admin.display(description=gettext_lazy("Ekstre"))
    def statement_column(self, obj):
        url = reverse("admin:payments_bankstatement_detail", args=[obj.statement_id])
        return format_html('<a href="{}">{}</a>', url, obj.statement.file_name)
