from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import Membership, ServiceProvider, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["last_name", "first_name"]
    list_display = ["tckn", "first_name", "last_name", "email", "is_staff", "is_active"]
    list_filter = ["is_staff", "is_superuser", "is_active", "groups"]
    search_fields = ["tckn", "first_name", "last_name", "email"]
    fieldsets = (
        (None, {"fields": ("tckn", "password")}),
        (_("Kişisel bilgiler"), {"fields": ("first_name", "last_name", "email")}),
        (
            _("Yetkiler"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Tarihler"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("tckn", "first_name", "last_name", "email", "password1", "password2"),
            },
        ),
    )


class MembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "service_provider"
    extra = 0
    autocomplete_fields = ["user"]
    readonly_fields = ["granted_by", "granted_at", "deactivated_by", "deactivated_at"]


@admin.register(ServiceProvider)
class ServiceProviderAdmin(admin.ModelAdmin):
    list_display = ["title", "tax_number", "iys_code", "email", "created_at"]
    search_fields = ["title", "tax_number", "iys_code", "mersis_no"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "service_provider", "role", "is_active", "granted_by", "granted_at"]
    list_filter = ["role", "is_active"]
    search_fields = ["user__tckn", "user__last_name", "service_provider__title"]
    autocomplete_fields = ["user", "service_provider"]
    list_select_related = ["user", "service_provider", "granted_by"]
    readonly_fields = ["granted_by", "granted_at", "deactivated_by", "deactivated_at"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.granted_by = request.user
        super().save_model(request, obj, form, change)
