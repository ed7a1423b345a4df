"""Temel Hizmetler with files: «Toplu Yükleme» (upload, mapping, progress, result) and
«Dışa Aktar»."""

import csv
import io

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.decorators import provider_required
from iys_portal.errors import ApplicationError

from . import selectors
from .access import consent_writer_required
from .exports import export_is_large, export_rows, export_start
from .forms import FilterForm, MappingForm, UploadForm
from .models import ExportJob, UploadBatch
from .uploads import TEMPLATE_HEADER, TEMPLATE_ROWS, upload_create, upload_set_mapping


def _upload_or_404(request, upload_id: int) -> UploadBatch:
    try:
        return selectors.upload_get(service_provider=request.service_provider, upload_id=upload_id)
    except UploadBatch.DoesNotExist:
        raise Http404 from None


@require_http_methods(["GET", "POST"])
@consent_writer_required
def upload(request):
    form = UploadForm(
        request.POST or None, request.FILES or None, service_provider=request.service_provider
    )
    if request.method == "POST" and form.is_valid():
        try:
            batch = upload_create(
                service_provider=request.service_provider,
                brand_id=form.cleaned_data["brand"].pk,
                uploaded=form.cleaned_data["file"],
                actor=request.user,
            )
        except ApplicationError as error:
            form.add_error("file", str(error.message))
        else:
            return redirect("consents:upload_map", upload_id=batch.pk)
    uploads = selectors.uploads_recent(service_provider=request.service_provider)
    return render(request, "consents/upload.html", {"form": form, "uploads": uploads})


@require_http_methods(["GET", "POST"])
@consent_writer_required
def upload_map(request, upload_id: int):
    batch = _upload_or_404(request, upload_id)
    if batch.status != UploadBatch.Status.MAPPING:
        return redirect("consents:upload_detail", upload_id=batch.pk)
    form = MappingForm(request.POST or None, columns=batch.columns, initial_mapping=batch.mapping)
    if request.method == "POST" and form.is_valid():
        try:
            upload_set_mapping(
                service_provider=request.service_provider,
                upload_id=batch.pk,
                mapping=form.mapping(),
            )
        except ApplicationError as error:
            form.add_error(None, str(error.message))
        else:
            return redirect("consents:upload_detail", upload_id=batch.pk)
    return render(request, "consents/upload_map.html", {"batch": batch, "form": form})


@require_GET
@provider_required
def upload_detail(request, upload_id: int):
    batch = _upload_or_404(request, upload_id)
    template = "consents/_upload_progress.html" if request.htmx else "consents/upload_detail.html"
    return render(request, template, {"batch": batch})


@require_GET
@provider_required
def upload_result(request, upload_id: int):
    batch = _upload_or_404(request, upload_id)
    if not batch.result_file:
        raise Http404
    return FileResponse(
        batch.result_file.open("rb"),
        as_attachment=True,
        filename=f"yukleme-{batch.pk}-hatali-satirlar.csv",
        content_type="text/csv; charset=utf-8",
    )


@require_GET
@provider_required
def upload_template(request):
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(TEMPLATE_HEADER)
    writer.writerows(TEMPLATE_ROWS)
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="izin-yukleme-sablonu.csv"'
    return response


@require_http_methods(["GET", "POST"])
@provider_required
def export(request):
    """GET: the filtered list as CSV at once, or (large) a background job; POST starts it."""
    form = FilterForm(request.GET or None, service_provider=request.service_provider)
    filters = form.filters()
    if request.method == "POST" or export_is_large(
        service_provider=request.service_provider, filters=filters
    ):
        job = export_start(
            service_provider=request.service_provider, filters=filters, actor=request.user
        )
        messages.info(request, _("Liste büyük; dosya arka planda hazırlanıyor."))
        return redirect("consents:export_detail", export_id=job.pk)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response = StreamingHttpResponse(
        export_rows(service_provider=request.service_provider, filters=filters),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="izinler-{stamp}.csv"'
    return response


@require_GET
@provider_required
def export_detail(request, export_id: int):
    try:
        job = selectors.export_get(service_provider=request.service_provider, export_id=export_id)
    except ExportJob.DoesNotExist:
        raise Http404 from None
    if request.GET.get("indir") and job.file:
        return FileResponse(
            job.file.open("rb"),
            as_attachment=True,
            filename=f"izinler-{job.pk}.csv",
            content_type="text/csv; charset=utf-8",
        )
    template = "consents/_export_status.html" if request.htmx else "consents/export.html"
    return render(request, template, {"job": job})
