"""PDF rendering with WeasyPrint from Django templates under ``templates/pdf/``."""

from django.conf import settings
from django.template.loader import render_to_string


def render_pdf(template_name: str, context: dict) -> bytes:
    """Render ``template_name`` to PDF bytes. Fonts: DejaVu (full Turkish coverage)."""
    from weasyprint import HTML  # imported lazily: it loads Pango at import time

    html = render_to_string(template_name, context)
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
