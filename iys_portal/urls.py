from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.i18n import JavaScriptCatalog

from integration.urls import api_urls

from . import views

admin.site.site_header = _("İYS Portal — Yönetim")
admin.site.site_title = _("İYS Portal")
admin.site.index_title = _("Yönetim paneli")

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("hesap/", include("accounts.urls")),
    path("paket/", include("packages.urls")),
    path("odeme/", include("payments.urls")),
    path("marka/", include("brands.urls")),
    path("izin/", include("consents.urls")),
    path("api/", api_urls),
    path("entegrasyon/", include("integration.portal_urls")),
    path("yonetim/", admin.site.urls),
]

if settings.EDEVLET_SIMULATOR:
    urlpatterns.append(path("edevlet-simulator/", include("accounts.edevlet.simulator_urls")))

if settings.BENCHMARK_BASELINE:
    urlpatterns += [
        path("bench/baseline/", views.bench_baseline, name="bench_baseline"),
        path(
            "bench/baseline/authenticated/",
            views.bench_baseline_authenticated,
            name="bench_baseline_authenticated",
        ),
    ]

handler403 = "iys_portal.views.permission_denied"
handler404 = "iys_portal.views.page_not_found"
handler500 = "iys_portal.views.server_error"
