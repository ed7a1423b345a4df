"""Support manages integrators' API users here: create (the secret is shown once, on the page
that answers the save, and never stored), disable, revoke tokens, new secret; and reads each
integrator's calls (last call, today, 30 days) and the access log."""

from datetime import timedelta

from django import forms
from django.contrib import admin, messages
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from iys_portal.admin import ReadOnlyAdminMixin

from .credentials import api_tokens_revoke, api_user_create, api_user_disable, api_user_secret_reset
from .models import AccessLog, AccessLogFlush, ApiBatch, ApiUser
from .selectors import _today_start


class ApiUserCreateForm(forms.ModelForm):
    class Meta:
        model = ApiUser
        fields = ["integrator", "username", "rate_limit"]


def _count(since):
    calls = (
        AccessLog.objects.filter(integrator_id=OuterRef("integrator_id"), at__gte=since)
        .order_by()
        .values("integrator_id")
        .annotate(n=Count("id"))
        .values("n")
    )
    return Coalesce(Subquery(calls), 0)


@admin.register(ApiUser)
class ApiUserAdmin(admin.ModelAdmin):
    list_display = [
        "username",
        "integrator",
        "is_active",
        "integrator_last_call",
        "integrator_calls_today",
        "integrator_calls_30_days",
        "created_at",
    ]
    list_filter = ["is_active", "integrator__kind"]
    list_select_related = ["integrator"]
    search_fields = ["username", "integrator__title", "=integrator__code"]
    readonly_fields = ["integrator", "username", "created_by", "created_at", "disabled_at"]
    fields = ["integrator", "username", "rate_limit", "created_by", "created_at", "disabled_at"]
    actions = ["disable", "revoke_tokens", "reset_secret"]

    def get_queryset(self, request):
        now = timezone.now()
        last = AccessLog.objects.filter(integrator_id=OuterRef("integrator_id")).order_by("-at")
        return (
            super()
            .get_queryset(request)
            .annotate(
                last_call=Subquery(last.values("at")[:1]),
                calls_today=_count(_today_start(now)),
                calls_30_days=_count(now - timedelta(days=30)),
            )
        )

    @admin.display(description=_("entegratörün son çağrısı"), ordering="last_call")
    def integrator_last_call(self, obj):
        return obj.last_call

    @admin.display(description=_("bugün"), ordering="calls_today")
    def integrator_calls_today(self, obj):
        return obj.calls_today

    @admin.display(description=_("son 30 gün"), ordering="calls_30_days")
    def integrator_calls_30_days(self, obj):
        return obj.calls_30_days

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = ApiUserCreateForm
        return super().get_form(request, obj, **kwargs)

    def get_fields(self, request, obj=None):
        return ["integrator", "username", "rate_limit"] if obj is None else self.fields

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.readonly_fields

    def save_model(self, request, obj, form, change):
        if change:
            obj.save(update_fields=["rate_limit"])
            return
        issued = api_user_create(
            integrator=form.cleaned_data["integrator"],
            username=form.cleaned_data["username"],
            created_by=request.user,
        )
        obj.pk = issued.api_user.pk
        if form.cleaned_data.get("rate_limit"):
            ApiUser.objects.filter(pk=obj.pk).update(rate_limit=form.cleaned_data["rate_limit"])
        request._issued_secret = issued.secret

    def response_add(self, request, obj, post_url_continue=None):
        return self._show_secret(request, obj, request._issued_secret)

    def _show_secret(self, request, obj, secret):
        context = {
            **self.admin_site.each_context(request),
            "api_user": obj,
            "secret": secret,
            "opts": self.model._meta,
            "title": _("API kullanıcısının parolası"),
        }
        return TemplateResponse(request, "admin/integration/secret.html", context)

    @admin.action(description=_("Seçilenleri devre dışı bırak (belirteçleri de iptal edilir)"))
    def disable(self, request, queryset):
        for user in queryset:
            api_user_disable(api_user=user)
        messages.success(request, _("%(n)s API kullanıcısı devre dışı.") % {"n": len(queryset)})

    @admin.action(description=_("Seçilenlerin belirteçlerini iptal et"))
    def revoke_tokens(self, request, queryset):
        total = sum(api_tokens_revoke(api_user=user) for user in queryset)
        messages.success(request, _("%(n)s belirteç iptal edildi.") % {"n": total})

    @admin.action(description=_("Yeni parola üret (yalnızca bir kullanıcı seçin)"))
    def reset_secret(self, request, queryset):
        if queryset.count() != 1:
            messages.error(request, _("Yeni parola için tek bir API kullanıcısı seçin."))
            return None
        user = queryset.first()
        return self._show_secret(request, user, api_user_secret_reset(api_user=user))


class EndpointFilter(admin.SimpleListFilter):
    """The API's operations, from its URLs: Django's own filter for a text column would read
    every distinct value of the whole log on each page (a scan of millions of rows)."""

    title = _("uç nokta")
    parameter_name = "endpoint"

    def lookups(self, request, model_admin):
        from .urls import logged_endpoints

        return [(name, name) for name in logged_endpoints()]

    def queryset(self, request, queryset):
        value = self.value()
        return queryset.filter(endpoint=value) if value else queryset


class HttpStatusFilter(admin.SimpleListFilter):
    """The answers the API gives (``api.DESCRIPTION``), listed without reading the log."""

    title = _("HTTP durumu")
    parameter_name = "http_status"
    STATUSES = (200, 401, 403, 404, 422, 429, 503)

    def lookups(self, request, model_admin):
        return [(str(code), str(code)) for code in self.STATUSES]

    def queryset(self, request, queryset):
        value = self.value()
        if value and value.isdigit():
            return queryset.filter(http_status=int(value))
        return queryset


@admin.register(AccessLog)
class AccessLogAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The log grows by every API call. Nothing on the page reads the whole table: filters with
    fixed choices and a date filter instead of the date hierarchy (its queries scan every row),
    the newest rows through ``accesslog_recent_idx``."""

    list_display = ["at", "integrator", "api_user", "service_provider", "brand", "endpoint"]
    list_display += ["http_status", "error_code"]
    list_filter = [("at", admin.DateFieldListFilter), EndpointFilter, HttpStatusFilter]
    list_filter += ["integrator__kind"]
    list_select_related = ["integrator", "api_user", "service_provider", "brand"]
    search_fields = ["=integrator__code", "=recipient_hash", "error_code"]
    show_full_result_count = False


@admin.register(AccessLogFlush)
class AccessLogFlushAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """When the access log last moved from Redis into the database (every 5 s while beat and a
    worker run; ``integration.accesslog``): a gap here means calls reach the log late."""

    list_display = ["at", "rows", "batch"]
    ordering = ["-at"]
    show_full_result_count = False


@admin.register(ApiBatch)
class ApiBatchAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["request_id", "api_user", "brand", "status", "created_at", "finished_at"]
    list_filter = ["status"]
    list_select_related = ["api_user", "brand"]
    search_fields = ["=request_id", "=idempotency_key"]
    date_hierarchy = "created_at"  # a row per batch of up to 1,000 calls: a small table
    exclude = ["items", "results"]
    show_full_result_count = False
