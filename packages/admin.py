"""Admin: the catalog, promotions and contract versions are data edited here; orders and
subscriptions are read-only (they change through services only); support answers İLETİ+ quote
requests here."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from iys_portal.errors import ApplicationError

from . import services
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
    list_display = (
        "service_provider",
        "address_count",
        "contact_email",
        "contact_phone",
        "status",
        "created_at",
    )
    list_filter = ("status",)
    list_editable = ("status",)
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
    )
