"""Admin: the catalog, promotions and contract versions are data edited here; orders and
subscriptions are read-only (they change through services only); support answers İLETİ+ quote
requests here."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from iys_portal.errors import ApplicationError
from iys_portal.formatting import format_try

from . import quotes, services
from .forms import QuoteOfferForm
from .models import (
    ContractAcceptance,
    ContractVersion,
    Order,
    OrderTransition,
    Package,
    Promotion,
    QuoteRequest,
    Subscription,
)


@admin.register(Package)
class PackageAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "code",
        "address_limit",
        "yearly_net_price",
        "vat_rate",
        "always_free",
        "is_quote_only",
        "is_active",
        "display_order",
    )
    list_editable = ("yearly_net_price", "is_active", "display_order")
    prepopulated_fields = {"code": ("name",)}


@admin.register(Promotion)
class PromotionAdmin(admin.ModelAdmin):
    list_display = ("name", "starts_at", "ends_at")
    filter_horizontal = ("packages",)


@admin.register(ContractVersion)
class ContractVersionAdmin(admin.ModelAdmin):
    list_display = ("version", "title", "effective_from", "created_at")

    def get_readonly_fields(self, request, obj=None):
        # An accepted text is evidence: it must not change afterwards (publish a new version).
        if obj is not None and obj.acceptances.exists():
            return ("version", "title", "text", "effective_from")
        return ()


class OrderTransitionInline(admin.TabularInline):
    model = OrderTransition
    extra = 0
    can_delete = False
    fields = ("at", "from_status", "to_status", "actor", "note")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class ContractAcceptanceInline(admin.StackedInline):
    model = ContractAcceptance
    extra = 0
    can_delete = False
    readonly_fields = (
        "contract_version",
        "accepted_by",
        "accepted_at",
        "ip_address",
        "user_agent",
        "pdf",
        "pdf_generated_at",
    )

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = (
        "code",
        "service_provider",
        "package",
        "status",
        "payment_method",
        "total_amount",
        "payment_due_at",
        "created_at",
    )
    list_filter = ("status", "payment_method", "package")
    search_fields = ("code", "service_provider__title", "service_provider__tax_number")
    list_select_related = ("service_provider", "package")
    inlines = [ContractAcceptanceInline, OrderTransitionInline]
    actions = ["cancel_orders"]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in Order._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Seçili ödenmemiş siparişleri iptal et"))
    def cancel_orders(self, request, queryset):
        for order in queryset:
            try:
                services.order_cancel(
                    order_id=order.pk, actor=request.user, note=_("Yönetim panelinden iptal.")
                )
            except ApplicationError as error:
                self.message_user(request, f"{order.code}: {error}", messages.ERROR)


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    list_display = ("service_provider", "package", "status", "starts_at", "ends_at", "end_reason")
    list_filter = ("status", "package")
    search_fields = ("service_provider__title",)
    list_select_related = ("service_provider", "package")

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in Subscription._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(QuoteRequest)
class QuoteRequestAdmin(admin.ModelAdmin):
    """The quote desk (Destek): see the request, price it, send the offer."""

    change_form_template = "admin/packages/quoterequest/change_form.html"
    list_display = (
        "service_provider",
        "address_count",
        "contact_email",
        "contact_phone",
        "status",
        "offer_total_display",
        "created_at",
    )
    list_filter = ("status",)
    search_fields = ("service_provider__title", "contact_email")
    readonly_fields = (
        "service_provider",
        "phone_count",
        "email_count",
        "address_count",
        "contact_email",
        "contact_phone",
        "note",
        "created_by",
        "created_at",
        "status",
        "offer_net_amount",
        "offer_vat_rate",
        "offer_valid_until",
        "offer_note",
        "offered_by",
        "offered_at",
        "accepted_by",
        "accepted_at",
        "order",
    )

    @admin.display(description=_("Teklif (KDV dahil)"))
    def offer_total_display(self, obj):
        return format_try(obj.offer_total) if obj.offer_net_amount else "—"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def _may_price(self, request) -> bool:
        return request.user.has_perm(quotes.PRICE_PERMISSION)

    def get_urls(self):
        own = [
            path(
                "<int:object_id>/teklif/",
                self.admin_site.admin_view(self.offer_view),
                name="packages_quoterequest_offer",
            )
        ]
        return own + super().get_urls()

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and self._may_price(request):
            context["offer_form"] = context.get("offer_form") or QuoteOfferForm(
                initial=QuoteOfferForm.initial_for(obj)
            )
            context["may_price"] = obj.status in (
                QuoteRequest.Status.OPEN,
                QuoteRequest.Status.OFFERED,
            )
        return super().render_change_form(request, context, add, change, form_url, obj)

    @method_decorator(require_POST)
    def offer_view(self, request, object_id: int):
        obj = self.get_object(request, str(object_id))
        if obj is None:
            raise Http404
        if not (self.has_view_permission(request, obj) and self._may_price(request)):
            raise PermissionDenied
        form = QuoteOfferForm(request.POST)
        if form.is_valid():
            try:
                quotes.quote_offer_send(
                    quote_id=obj.pk,
                    net_amount=form.cleaned_data["net_amount"],
                    valid_until=form.cleaned_data["valid_until"],
                    note=form.cleaned_data["note"],
                    actor=request.user,
                )
            except ApplicationError as exc:
                messages.error(request, str(exc.message))
            else:
                obj.refresh_from_db()
                messages.success(
                    request,
                    _("Teklif gönderildi: %(total)s (KDV dahil). Müşteri portalda kabul edebilir.")
                    % {"total": format_try(obj.offer_total)},
                )
            return redirect(reverse("admin:packages_quoterequest_change", args=[obj.pk]))
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(reverse("admin:packages_quoterequest_change", args=[obj.pk]))
