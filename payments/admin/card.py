"""Admin for card payments and their event log: read-only, with a refund action, and the
«İnceleme gerekiyor» list (payments whose outcome iyzico never confirmed in a verified answer)
with the actions a person takes after checking iyzico's merchant panel."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from iys_portal.client_ip import client_ip
from iys_portal.errors import ApplicationError
from iys_portal.formatting import format_try

from ..models import Payment, PaymentEvent
from ..services.card_reconcile import payment_reconcile
from ..services.card_settle import Resolution, payment_resolve, payment_void


class NeedsAttentionFilter(admin.SimpleListFilter):
    title = _("inceleme")
    parameter_name = "inceleme"

    def lookups(self, request, model_admin):
        return [
            ("gerekiyor", _("İnceleme gerekiyor")),
            ("sonuclandi", _("Personelce sonuçlandırıldı")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "gerekiyor":
            return queryset.filter(
                attention_since__isnull=False,
                resolved_at__isnull=True,
                status__in=Payment.UNSETTLED,
            )
        if self.value() == "sonuclandi":
            return queryset.filter(resolved_at__isnull=False)
        return queryset


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
        "attention",
        "reconcile_attempts",
        "created_at",
    ]
    list_filter = [NeedsAttentionFilter, "status", "gateway", "installment"]
    search_fields = [
        "order__code",
        "gateway_payment_id",
        "conversation_id",
        "order__service_provider__title",
    ]
    list_select_related = ["order__service_provider"]
    date_hierarchy = "created_at"
    inlines = [PaymentEventInline]
    actions = ["refund", "ask_again", "resolve_paid", "resolve_not_charged", "resolve_refunded"]
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
        "reconcile_attempts",
        "next_reconcile_at",
        "last_error",
        "attention_since",
        "attention_reason",
        "resolved_by",
        "resolved_at",
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

    @admin.display(description=_("inceleme"), boolean=True, ordering="attention_since")
    def attention(self, obj):
        return obj.needs_attention

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
                    ip=client_ip(request, default="127.0.0.1"),
                )
            except ApplicationError as exc:
                self.message_user(request, f"{payment.order}: {exc.message}", messages.ERROR)
            else:
                self.message_user(request, _("%(order)s iade edildi.") % {"order": payment.order})

    @admin.action(
        description=_("Seçili ödemelerin durumunu iyzico'ya yeniden sor"), permissions=["change"]
    )
    def ask_again(self, request, queryset):
        for payment in queryset:
            if payment.status not in Payment.IN_FLIGHT:
                continue
            payment = payment_reconcile(payment_id=payment.pk, force=True)
            self.message_user(
                request,
                _("%(order)s: %(status)s")
                % {"order": payment.order, "status": payment.get_status_display()},
            )

    def _resolve(self, request, queryset, outcome: str) -> None:
        for payment in queryset:
            try:
                payment = payment_resolve(
                    payment_id=payment.pk, outcome=outcome, actor=request.user
                )
            except ApplicationError as exc:
                self.message_user(request, f"{payment.order}: {exc.message}", messages.ERROR)
            else:
                self.message_user(
                    request,
                    _("%(order)s sonuçlandırıldı: %(status)s")
                    % {"order": payment.order, "status": payment.get_status_display()},
                )

    @admin.action(
        description=_("Kontrol edildi: çekim yapılmış, ödeme alındı (sipariş ödenir)"),
        permissions=["change"],
    )
    def resolve_paid(self, request, queryset):
        self._resolve(request, queryset, Resolution.SUCCEEDED)

    @admin.action(
        description=_("Kontrol edildi: karttan çekim yapılmamış (sipariş yeniden ödenebilir)"),
        permissions=["change"],
    )
    def resolve_not_charged(self, request, queryset):
        self._resolve(request, queryset, Resolution.FAILED)

    @admin.action(
        description=_("Kontrol edildi: çekim iade edilmiş (sipariş yeniden ödenebilir)"),
        permissions=["change"],
    )
    def resolve_refunded(self, request, queryset):
        self._resolve(request, queryset, Resolution.REFUNDED)
