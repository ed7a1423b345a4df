"""Portal pages of the integration API: the Turkish reference generated from the OpenAPI
schema, and a grant's access log for its service provider (CSV)."""

import csv

from django.http import Http404, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from accounts.decorators import provider_required
from brands.models import Grant
from brands.selectors import grant_get

from .api import api
from .selectors import access_log_for_grant

METHODS = ("get", "post")


@require_GET
def docs(request):
    """Every operation from the code's schema: path, summary, parameters, body, answers."""
    schema = api.get_openapi_schema(path_prefix="/api")
    operations = []
    for path, item in schema["paths"].items():
        for method in METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            body = operation.get("requestBody", {}).get("content", {})
            operations.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "summary": operation.get("summary", ""),
                    "description": operation.get("description", ""),
                    "parameters": operation.get("parameters", []),
                    "body_types": list(body),
                    "responses": sorted(operation.get("responses", {})),
                    "secured": bool(operation.get("security")),
                }
            )
    return render(
        request,
        "integration/docs.html",
        {"info": schema["info"], "operations": operations, "schemas": schema["components"]},
    )


class _Echo:
    def write(self, value):
        return value


@require_GET
@provider_required
def grant_access_log(request, brand_id: int, grant_id: int):
    try:
        grant = grant_get(
            service_provider=request.service_provider, brand_id=brand_id, grant_id=grant_id
        )
    except Grant.DoesNotExist:
        raise Http404 from None
    writer = csv.writer(_Echo(), delimiter=";")
    header = ["zaman", "api_kullanicisi", "uc_nokta", "http_durumu", "hata_kodu", "alici_ozeti"]

    def rows():
        yield "\ufeff" + writer.writerow(header)
        for entry in access_log_for_grant(grant=grant):
            yield writer.writerow(
                [
                    timezone.localtime(entry.at).strftime("%Y-%m-%d %H:%M:%S"),
                    entry.api_user.username if entry.api_user else "",
                    entry.endpoint,
                    entry.http_status,
                    entry.error_code,
                    entry.recipient_hash,
                ]
            )

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    name = f"api-erisim-{grant.brand.code}-{grant.integrator.code}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
