from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.decorators import provider_required


@require_GET
def home(request):
    membership = getattr(request, "membership", None)
    if membership is None:
        return render(request, "home.html")
    from .home import home_overview_for

    return render(request, "home.html", {"home": home_overview_for(membership=membership)})


@require_GET
def healthz(request):
    return HttpResponse("ok", content_type="text/plain")


@require_GET
def bench_baseline(request):
    """The benchmark's yardstick: a bare view and a tiny template (mounted only for bench/)."""
    return render(request, "bench/baseline.html", {"name": "İYS"})


@require_GET
@provider_required
def bench_baseline_authenticated(request):
    """The benchmark's floor for a logged-in page (mounted only for bench/): the same middleware
    (session, user and per-request membership lookups), the same login and company check as the
    portal pages, and a tiny template that names the person and the company."""
    return render(request, "bench/baseline_authenticated.html")


def permission_denied(request, exception):
    """403. Inside the admin it is the admin's own page (its header, its way back), not the
    portal's, whose text speaks to customers."""
    from django.contrib import admin
    from django.urls import reverse

    message = str(exception) if exception and str(exception) else ""
    if request.path.startswith(reverse("admin:index")):
        context = {**admin.site.each_context(request), "message": message}
        return render(request, "admin/403.html", context, status=403)
    return render(request, "403.html", {"message": message}, status=403)


def page_not_found(request, exception):
    return render(request, "404.html", status=404)


def server_error(request):
    """500, or 503 «try again» when the database is unreachable (PostgreSQL restarting or
    failing over): that is temporary, and the next request reconnects by itself."""
    # No context processors that touch the database: this page must render when it is down.
    import sys

    from django.db import InterfaceError, OperationalError
    from django.template import loader

    # Called by Django while it handles the exception, so it is still the current one.
    if isinstance(sys.exc_info()[1], OperationalError | InterfaceError):
        response = HttpResponse(loader.get_template("503.html").render(), status=503)
        response["Retry-After"] = "5"
        response["Cache-Control"] = "no-store"
        return response
    return HttpResponse(loader.get_template("500.html").render(), status=500)
