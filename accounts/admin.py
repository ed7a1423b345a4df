from functools import lru_cache
from html import escape as html_escape

from django.contrib import admin, messages
from django.contrib.admin.templatetags.admin_list import _boolean_icon as admin_boolean_icon
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.admin.views.main import ChangeList
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.timezone import get_current_timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from iys_portal.admin import DeskRowsMixin, ReadOnlyAdminMixin, datetime_cell
from iys_portal.errors import ApplicationError
from iys_portal.reversed_urls import ReversedUrl

from .forms import RejectionForm
from .models import AuthorizationRequest, Membership, ServiceProvider, User
from .services import authorization_request_approve, authorization_request_reject


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
    # Roles are the authorized person's decision, recorded by accounts.services: shown only.
    readonly_fields = [
        "roles",
        "granted_via",
        "granted_by",
        "granted_at",
        "deactivated_by",
        "deactivated_at",
    ]


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
    # Roles are the authorized person's decision, recorded by accounts.services: shown only.
    readonly_fields = [
        "roles",
        "granted_via",
        "granted_by",
        "granted_at",
        "deactivated_by",
        "deactivated_at",
    ]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.granted_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(AuthorizationRequest)
class AuthorizationRequestAdmin(DeskRowsMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    """The support desk (group "Destek"): review, view the signed PDF, approve or reject.

    Records are never added, edited or deleted here; decisions go through the services.

    The list renders a row at a time (``desk_row``, the admin's own markup) from only the
    columns' fields; the "başvuru tarihi" filter narrows by date (the date hierarchy above the
    list cost two queries per view, one of them over every request ever made).
    """

    list_display = [
        "number",
        "service_provider",
        "applicant",
        "applicant_tckn",
        "status",
        "has_signed_form",
        "created_at",
        "decided_at",
    ]
    list_filter = ["status", "decided_via", "created_at"]
    search_fields = [
        "=number",
        "=service_provider__tax_number",
        "service_provider__title",
        "=applicant_tckn",
        "applicant_first_name",
        "applicant_last_name",
        "applicant_email",
    ]
    search_help_text = _("Talep no, VKN, T.C. kimlik no, ad, soyad ya da e-posta ile arayın.")
    list_select_related = ["service_provider"]
    show_full_result_count = False
    change_form_template = "admin/accounts/authorizationrequest/change_form.html"
    fieldsets = (
        (
            _("Talep"),
            {"fields": ("number", "status", "service_provider", "created_at", "created_ip")},
        ),
        (
            _("Başvuran"),
            {
                "fields": (
                    "applicant_tckn",
                    "applicant_first_name",
                    "applicant_last_name",
                    "applicant_email",
                    "applicant_phone",
                    "role_reason",
                )
            },
        ),
        (
            _("İmzalı form"),
            {"fields": ("signed_form_link", "signed_form_uploaded_at", "upload_link_expires_at")},
        ),
        (
            _("Karar"),
            {
                "fields": (
                    "decided_via",
                    "decided_by",
                    "decided_at",
                    "rejection_reason",
                    "membership",
                )
            },
        ),
    )

    def get_readonly_fields(self, request, obj=None):
        return [f for fieldset in self.fieldsets for f in fieldset[1]["fields"]]

    def get_changelist(self, request, **kwargs):
        return _DeskChangeList

    def desk_row(self, obj, cl) -> str:
        """The row as the admin renders these columns (tests compare the two)."""
        links = getattr(cl, "desk_links", None)
        if links is None:
            change_url = ReversedUrl("admin:accounts_authorizationrequest_change", 1)
            prefix = change_url(0)
            filters = add_preserved_filters(
                {"preserved_filters": cl.preserved_filters, "opts": cl.opts}, prefix
            )
            links = cl.desk_links = (
                change_url,
                filters[len(prefix) :],
                str(_empty(self)),  # the same on every row (a lazy text: made once)
                get_language(),
                get_current_timezone(),
            )
        e, empty, language, zone = html_escape, links[2], links[3], links[4]
        decided = empty if obj.decided_at is None else datetime_cell(obj.decided_at, language, zone)
        cells = (
            f'<th class="field-number"><a href="{links[0](obj.pk)}{e(links[1])}">'
            f"{e(obj.number)}</a></th>"
            f'<td class="field-service_provider nowrap">{e(obj.service_provider.title)}</td>'
            f'<td class="field-applicant">{e(obj.applicant_full_name)}</td>'
            f'<td class="field-applicant_tckn">{e(obj.applicant_tckn) or empty}</td>'
            f'<td class="field-status">{e(_status_label(language, obj.status))}</td>'
            f'<td class="field-has_signed_form">{_boolean_icon(bool(obj.signed_form))}</td>'
            f'<td class="field-created_at nowrap">'
            f"{datetime_cell(obj.created_at, language, zone)}</td>"
            f'<td class="field-decided_at nowrap">{decided}</td>'
        )
        return mark_safe(cells)  # noqa: S308 (every value escaped)

    @admin.display(description=_("Başvuran"), ordering="applicant_last_name")
    def applicant(self, obj):
        return obj.applicant_full_name

    @admin.display(description=_("İmzalı form"), boolean=True)
    def has_signed_form(self, obj):
        return bool(obj.signed_form)

    @admin.display(description=_("İmzalı form (PDF)"))
    def signed_form_link(self, obj):
        if not obj.signed_form:
            return _("Henüz yüklenmedi")
        url = reverse("admin:accounts_authorizationrequest_signed_form", args=[obj.pk])
        return format_html('<a href="{}" target="_blank" rel="noopener">{}</a>', url, _("PDF'i aç"))

    def get_urls(self):
        own = [
            path(
                "<int:object_id>/imzali-form/",
                self.admin_site.admin_view(self.signed_form_view),
                name="accounts_authorizationrequest_signed_form",
            ),
            path(
                "<int:object_id>/onayla/",
                self.admin_site.admin_view(self.approve_view),
                name="accounts_authorizationrequest_approve",
            ),
            path(
                "<int:object_id>/reddet/",
                self.admin_site.admin_view(self.reject_view),
                name="accounts_authorizationrequest_reject",
            ),
        ]
        return own + super().get_urls()

    def _get_viewable(self, request, object_id: int) -> AuthorizationRequest:
        obj = self.get_object(request, str(object_id))
        if obj is None:
            raise Http404
        if not self.has_view_permission(request, obj):
            raise PermissionDenied
        return obj

    def _may_decide(self, request) -> bool:
        return request.user.has_perm("accounts.decide_authorizationrequest")

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["may_decide"] = self._may_decide(request)
        if obj is not None:
            # Beside the signed PDF: who the registry says signs for the company.
            context["registered_authorized"] = (
                Membership.objects.filter(
                    service_provider_id=obj.service_provider_id,
                    role=Membership.Role.AUTHORIZED,
                    is_active=True,
                )
                .select_related("user")
                .first()
            )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def signed_form_view(self, request, object_id: int):
        """The uploaded PDF, to staff who may see the request; never from a public URL."""
        obj = self._get_viewable(request, object_id)
        if not obj.signed_form:
            raise Http404
        response = FileResponse(
            obj.signed_form.open("rb"),
            content_type="application/pdf",
            as_attachment=False,
            filename=f"yetkilendirme-talebi-{obj.number}.pdf",
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Content-Security-Policy"] = "sandbox"
        response["Cache-Control"] = "private, no-store"
        return response

    def _change_url(self, obj) -> str:
        return reverse("admin:accounts_authorizationrequest_change", args=[obj.pk])

    @method_decorator(require_POST)
    def approve_view(self, request, object_id: int):
        obj = self._get_viewable(request, object_id)
        if not self._may_decide(request):
            raise PermissionDenied
        try:
            authorization_request_approve(
                authorization_request_id=obj.pk,
                actor=request.user,
                via=AuthorizationRequest.DecidedVia.SUPPORT,
            )
        except ApplicationError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(
                request,
                _("%(number)s onaylandı: %(name)s artık %(title)s adına giriş yapabilir.")
                % {
                    "number": obj.number,
                    "name": obj.applicant_full_name,
                    "title": obj.service_provider.title,
                },
            )
        return redirect(self._change_url(obj))

    @method_decorator(require_http_methods(["GET", "POST"]))
    def reject_view(self, request, object_id: int):
        obj = self._get_viewable(request, object_id)
        if not self._may_decide(request):
            raise PermissionDenied
        form = RejectionForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            try:
                authorization_request_reject(
                    authorization_request_id=obj.pk,
                    actor=request.user,
                    via=AuthorizationRequest.DecidedVia.SUPPORT,
                    reason=form.cleaned_data["reason"],
                )
            except ApplicationError as exc:
                messages.error(request, str(exc.message))
            else:
                messages.success(request, _("%(number)s reddedildi.") % {"number": obj.number})
            return redirect(self._change_url(obj))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": obj,
            "form": form,
            "title": _("Talebi reddet: %(number)s") % {"number": obj.number},
        }
        return TemplateResponse(
            request,
            "admin/accounts/authorizationrequest/reject.html",
            context,
            status=400 if form.errors else 200,
        )


class _DeskChangeList(ChangeList):
    """The support desk's list loads only what its columns show."""

    def get_queryset(self, request, exclude_parameters=None):
        return (
            super()
            .get_queryset(request, exclude_parameters)
            .only(
                "number",
                "service_provider__title",
                "applicant_first_name",
                "applicant_last_name",
                "applicant_tckn",
                "status",
                "signed_form",
                "created_at",
                "decided_at",
            )
        )


def _empty(model_admin) -> str:
    return escape(model_admin.get_empty_value_display())


@lru_cache(maxsize=64)
def _status_label(language: str, status: str) -> str:
    return str(dict(AuthorizationRequest.Status.choices).get(status, "-"))


@lru_cache(maxsize=8)
def _boolean_icon(value: bool) -> str:
    return admin_boolean_icon(value)
