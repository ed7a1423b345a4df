"""Support reads the registry in the admin; every change goes through the portal or the API
(the services), so these pages are read-only."""

from django.contrib import admin

from iys_portal.admin import ReadOnlyAdminMixin

from .models import AddressCounter, AddressNotice, Consent, ConsentEvent, UploadBatch


class ReadOnlyAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    show_full_result_count = False  # counting millions of rows would cost more than the page


@admin.register(Consent)
class ConsentAdmin(ReadOnlyAdmin):
    list_display = ["recipient", "brand", "channel", "status", "recipient_type", "consent_date"]
    list_filter = ["channel", "status", "recipient_type"]
    list_select_related = ["brand"]
    search_fields = ["=recipient"]
    raw_id_fields = ["service_provider", "brand", "recorded_by", "upload"]


@admin.register(ConsentEvent)
class ConsentEventAdmin(ReadOnlyAdmin):
    list_display = [
        "id",
        "recipient",
        "brand",
        "channel",
        "previous_status",
        "status",
        "recorded_at",
    ]
    list_select_related = ["brand"]
    search_fields = ["=recipient", "=transaction_id"]
    raw_id_fields = ["consent", "service_provider", "brand", "recorded_by", "upload"]


@admin.register(UploadBatch)
class UploadBatchAdmin(ReadOnlyAdmin):
    list_display = [
        "original_name",
        "service_provider",
        "brand",
        "status",
        "processed_rows",
        "rejected_count",
        "created_at",
    ]
    list_filter = ["status"]
    list_select_related = ["service_provider", "brand"]


@admin.register(AddressCounter)
class AddressCounterAdmin(ReadOnlyAdmin):
    list_display = ["service_provider", "kind", "count", "updated_at"]
    list_select_related = ["service_provider"]


@admin.register(AddressNotice)
class AddressNoticeAdmin(ReadOnlyAdmin):
    list_display = [
        "service_provider",
        "threshold",
        "address_count",
        "address_limit",
        "crossed_at",
        "emailed_at",
        "cleared_at",
    ]
    list_select_related = ["service_provider"]
