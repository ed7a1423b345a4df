"""System checks that keep development conveniences out of production."""

import os

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

ISSUER_SETTINGS = (
    "ISSUER_NAME",
    "ISSUER_ADDRESS",
    "ISSUER_TAX_OFFICE",
    "ISSUER_TAX_NUMBER",
    "ISSUER_MERSIS",
)


@register(Tags.security, deploy=True)
def production_safety(app_configs, **kwargs):
    errors = []
    if not settings.PRODUCTION:
        return errors
    if settings.EDEVLET_SIMULATOR:
        errors.append(
            Error(
                "The e-Devlet simulator is enabled in production.",
                hint="Set EDEVLET_SIMULATOR=false and configure the real e-Devlet client.",
                id="iys.E001",
            )
        )
    if settings.PAYMENT_GATEWAY != "iyzico":
        errors.append(
            Error(
                "The fake payment gateway is enabled in production.",
                hint="Set PAYMENT_GATEWAY=iyzico with IYZICO_API_KEY and IYZICO_SECRET_KEY.",
                id="iys.E002",
            )
        )
    missing = [
        name
        for name in (
            "EDEVLET_CLIENT_ID",
            "EDEVLET_CLIENT_SECRET",
            "IYZICO_API_KEY",
            "IYZICO_SECRET_KEY",
        )
        if not getattr(settings, name)
    ]
    if missing:
        errors.append(
            Error(
                "Production secrets are missing: " + ", ".join(missing) + ".",
                hint="Provide them through the environment.",
                id="iys.E003",
            )
        )
    host = settings.IYZICO_BASE_URL
    if "://" in host or host.startswith("sandbox"):
        errors.append(
            Error(
                f"IYZICO_BASE_URL is {host!r}: production needs iyzico's live host, bare "
                "(the SDK always connects over HTTPS).",
                hint="Set IYZICO_BASE_URL=api.iyzipay.com.",
                id="iys.E005",
            )
        )
    return errors


@register(Tags.security)
def simulator_never_in_production(app_configs, **kwargs):
    """Runs on every start (not only --deploy): production never boots with a simulator."""
    if settings.PRODUCTION and (settings.EDEVLET_SIMULATOR or settings.PAYMENT_GATEWAY == "fake"):
        return [
            Error(
                "A simulator (e-Devlet or the fake payment gateway) is enabled in production.",
                id="iys.E004",
            )
        ]
    return []


@register(Tags.security)
def card_data_never_in_clear_text(app_configs, **kwargs):
    """Runs on every start: production never boots with iyzico over plain HTTP.

    ``http://`` base URLs exist for the local iyzico test double only; in production they would
    send card numbers and CVCs unencrypted.
    """
    if settings.PRODUCTION and settings.IYZICO_BASE_URL.strip().lower().startswith("http://"):
        return [
            Error(
                f"IYZICO_BASE_URL is {settings.IYZICO_BASE_URL!r}: production never sends card "
                "data over plain HTTP.",
                hint="Set IYZICO_BASE_URL=api.iyzipay.com (the SDK connects over HTTPS).",
                id="iys.E006",
            )
        ]
    return []


@register(Tags.files, deploy=True)
def files_shared_between_machines(app_configs, **kwargs):
    """Production on the local disk works on one machine only (docs/deploy.md)."""
    backend = settings.STORAGES["default"]["BACKEND"]
    if settings.PRODUCTION and backend == "django.core.files.storage.FileSystemStorage":
        return [
            Warning(
                f"Uploaded and generated files (signed forms, contracts, receipts) are stored on "
                f"this machine's disk ({settings.MEDIA_ROOT}): another web instance or a worker "
                "on another machine cannot read them.",
                hint="Set AWS_STORAGE_BUCKET_NAME (with AWS_S3_ENDPOINT_URL for a store other "
                "than Amazon S3) to keep them in a private bucket; keep the local disk only when "
                "the web server and the workers run on this one machine.",
                id="iys.W001",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def receipt_issuer_configured(app_configs, **kwargs):
    """Every receipt and contract names the issuer: production must say who it is."""
    if not settings.PRODUCTION:
        return []
    empty = [name for name in ISSUER_SETTINGS if not str(getattr(settings, name)).strip()]
    if empty:
        return [
            Error(
                "The receipt issuer is incomplete: " + ", ".join(empty) + " empty; receipts and "
                "contracts would be issued without it.",
                hint="Set the issuer's legal name, address, tax office, tax number and MERSIS "
                "number in the environment.",
                id="iys.E007",
            )
        ]
    defaults = [name for name in ISSUER_SETTINGS if name not in os.environ]
    if defaults:
        return [
            Warning(
                "The receipt issuer uses the built-in development values for "
                + ", ".join(defaults)
                + ": every receipt and contract would print them as the issuer.",
                hint="Set each ISSUER_* setting in the environment to the issuing company's "
                "registered details, even where the value is the same.",
                id="iys.W002",
            )
        ]
    return []
