"""PDF rendering with WeasyPrint from Django templates under ``templates/pdf/``."""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation


def issuer() -> dict:
    """The company issuing receipts and party to the package contract, from settings: one
    name everywhere."""
    return {
        "name": settings.ISSUER_NAME,
        "address": settings.ISSUER_ADDRESS,
        "tax_office": settings.ISSUER_TAX_OFFICE,
        "tax_number": settings.ISSUER_TAX_NUMBER,
        "mersis": settings.ISSUER_MERSIS,
    }


def render_pdf(template_name: str, context: dict) -> bytes:
    """Render ``template_name`` to PDF bytes, with ``issuer`` in every document's context.
    Fonts: DejaVu (full Turkish coverage).

    Documents of record (contracts, receipts, the signed authorization form) are issued in the
    portal's official language, like the e-mails they travel with, whatever language the page
    that triggered them was in.
    """
    from weasyprint import HTML  # imported lazily: it loads Pango at import time

    with translation.override(settings.LANGUAGE_CODE):
        html = render_to_string(template_name, {"issuer": issuer(), **context})
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
