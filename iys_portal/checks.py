"""System checks that keep development conveniences out of production."""

from django.conf import settings
from django.core.checks import Error, Tags, register


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
