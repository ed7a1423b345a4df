from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET


@require_GET
def home(request):
    return render(request, "home.html")


@require_GET
def healthz(request):
    return HttpResponse("ok", content_type="text/plain")


@require_GET
def bench_baseline(request):
    """The benchmark's yardstick: a bare view and a tiny template (mounted only for bench/)."""
    return render(request, "bench/baseline.html", {"name": "İYS"})


def page_not_found(request, exception):
    return render(request, "404.html", status=404)


def server_error(request):
    # No context processors that touch the database: this page must render when it is down.
    from django.template import loader

    return HttpResponse(loader.get_template("500.html").render(), status=500)
