"""Staff side: the integrator directory, brands (created through ``brand_create``), and a
read-only view of grants. Companies get a «Markalar» inline: the first brand is created with the
company from there."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from accounts.admin import ServiceProviderAdmin as AccountsServiceProviderAdmin
from accounts.models import ServiceProvider
from iys_portal.admin import ReadOnlyAdminMixin
from iys_portal.errors import ApplicationError

from . import services
from .models import Brand, Grant, Integrator


@admin.register(Integrator)
class IntegratorAdmin(admin.ModelAdmin):
    list_display = ["title", "code", "kind", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["title", "code"]

    def get_readonly_fields(self, request, obj=None):
        # A grant's kind follows its integrator's (enforced by the database on PostgreSQL):
        # once an integrator has grants, its kind stays.
        if obj is not None and obj.grants.exists():
            return ["kind"]
        return []


class BrandAdminForm(forms.ModelForm):
    """Checks the name rules up front so that the services below do not refuse the save."""

    class Meta:
        model = Brand
        fields = ["service_provider", "name", "code", "is_active"]

    def clean(self):
        data = super().clean()
        provider = data.get("service_provider") or getattr(self.instance, "service_provider", None)
        if provider is not None and data.get("name"):
            try:
                data["name"] = services.brand_name_validate(
                    service_provider=provider, name=data["name"], exclude_pk=self.instance.pk
                )
            except ApplicationError as exc:
                raise ValidationError({"name": str(exc.message)}) from None
        return data


class BrandInline(admin.TabularInline):
    model = Brand
    form = BrandAdminForm
    extra = 1
    fields = ["name", "code", "is_active", "created_at"]
    readonly_fields = ["code", "is_active", "created_at"]
    show_change_link = True
    verbose_name_plural = _("Markalar (ilk marka firmayla birlikte oluşturulur)")

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Brand)
class BrandAdmin(SimpleHistoryAdmin):
    list_display = ["name", "code", "service_provider", "is_active", "created_at"]
    list_filter = ["is_active"]
    search_fields = ["name", "code", "service_provider__title"]
    list_select_related = ["service_provider"]
    autocomplete_fields = ["service_provider"]
    readonly_fields = ["created_by", "created_at"]
    form = BrandAdminForm

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return self.readonly_fields
        return [*self.readonly_fields, "service_provider", "code"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["service_provider", "name", "code"]
        return ["service_provider", "code", "name", "is_active", "created_by", "created_at"]

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if obj is None and "code" in form.base_fields:
            form.base_fields["code"].required = False
            form.base_fields["code"].help_text = _("Boş bırakılırsa kullanılmayan bir kod verilir.")
        return form

    def save_model(self, request, obj, form, change):
        """Writes go through the services (name rules, code allocation, history user)."""
        data = form.cleaned_data
        if not change:
            brand = services.brand_create(
                service_provider=data["service_provider"],
                name=data["name"],
                code=data.get("code"),
                actor=request.user,
            )
            obj.pk, obj.code = brand.pk, brand.code
            return
        if "name" in form.changed_data:
            services.brand_rename(
                service_provider=obj.service_provider,
                brand_id=obj.pk,
                name=data["name"],
                actor=request.user,
            )
        if "is_active" in form.changed_data:
            services.brand_set_active(
                service_provider=obj.service_provider,
                brand_id=obj.pk,
                is_active=data["is_active"],
                actor=request.user,
            )

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Grant)
class GrantAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: grants change only in the portal, by the company, with who and when."""

    list_display = [
        "brand",
        "integrator",
        "kind",
        "channel_list",
        "can_write",
        "can_reconcile",
        "granted_by",
        "granted_at",
        "revoked_at",
        "end_reason",
    ]
    list_filter = ["kind", "end_reason"]
    search_fields = [
        "brand__name",
        "brand__code",
        "integrator__title",
        "brand__service_provider__title",
    ]
    list_select_related = ["brand", "integrator", "granted_by"]

    @admin.display(description=_("kanallar"))
    def channel_list(self, obj):
        return ", ".join(obj.channel_labels)


admin.site.unregister(ServiceProvider)


@admin.register(ServiceProvider)
class ServiceProviderAdmin(AccountsServiceProviderAdmin):
    """The accounts admin plus the company's brands: a new company gets its first brand here."""

    inlines = [*AccountsServiceProviderAdmin.inlines, BrandInline]

    def save_formset(self, request, form, formset, change):
        if formset.model is not Brand:
            return super().save_formset(request, form, formset, change)
        provider = form.instance
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for brand_form in formset.forms:
            if not brand_form.has_changed() or not brand_form.cleaned_data:
                continue
            name = brand_form.cleaned_data["name"]
            if brand_form.instance.pk is None:
                brand = services.brand_create(
                    service_provider=provider,
                    name=name,
                    code=brand_form.cleaned_data.get("code"),
                    actor=request.user,
                )
                formset.new_objects.append(brand)
            elif "name" in brand_form.changed_data:
                brand = services.brand_rename(
                    service_provider=provider,
                    brand_id=brand_form.instance.pk,
                    name=name,
                    actor=request.user,
                )
                formset.changed_objects.append((brand, ["name"]))
        return None
