"""Admin for card payments and their event log: read-only, with a refund action."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from iys_portal.errors import ApplicationError
from iys_portal.formatting import format_try

from ..models import Payment, PaymentEvent
from ..services.card import payment_void


class PaymentEventInline(admin.TabularInline):
    model = PaymentEvent
    extra = 0
    can_delete = False
    fields = ["at", "kind", "message", "actor", "data"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Payment)
class PaymentAdmin(admin.ModelAdmin):
    list_display = [
        "order",
        "company",
        "status",
        "amount",
        "installment",
        "masked_card",
        "gateway_payment_id",
        "created_at",
    ]
    list_filter = ["status", "gateway", "installment"]
    search_fields = [
        "order__code",
        "gateway_payment_id",
        "conversation_id",
        "order__service_provider__title",
    ]
    list_select_related = ["order__service_provider"]
    date_hierarchy = "created_at"
    inlines = [PaymentEventInline]
    actions = ["refund"]
    exclude = ["conversation_data"]
    readonly_fields = [
        "order",
        "conversation_id",
        "gateway",
        "gateway_payment_id",
        "status",
        "price",
        "paid_price",
        "currency",
        "installment",
        "bin_number",
        "last_four",
        "card_family",
        "failure_code",
        "failure_message",
        "created_by",
        "created_at",
        "completed_at",
        "receipt_pdf",
        "receipt_sent_at",
    ]

    @admin.display(description=_("hizmet sağlayıcı"), ordering="order__service_provider__title")
    def company(self, obj):
        return obj.order.service_provider.title

    @admin.display(description=_("çekilen tutar"), ordering="paid_price")
    def amount(self, obj):
        return format_try(obj.paid_price)

    @admin.display(description=_("kart"))
    def masked_card(self, obj):
        return obj.masked_card

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Seçili başarılı ödemeleri iade et"), permissions=["change"])
    def refund(self, request, queryset):
        for payment in queryset:
            try:
                payment_void(
                    payment_id=payment.pk,
                    actor=request.user,
                    reason=_("Yönetim panelinden iade edildi."),
                    ip=request.META.get("REMOTE_ADDR", "127.0.0.1"),
                )
            except ApplicationError as exc:
                self.message_user(request, f"{payment.order}: {exc.message}", messages.ERROR)
            else:
                self.message_user(request, _("%(order)s iade edildi.") % {"order": payment.order})
