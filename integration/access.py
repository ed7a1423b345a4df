"""Who may do what, decided on every call from the live grants (never cached): the grant of
the caller's integrator on the brand, its right and channels, and for partners the provider's
active package. Checks in a fixed order: provider and brand exist (404), a live grant (403
``grant_not_found``), the right (403 ``ahs_read_only`` / ``right_not_granted``), the channel
(403 ``channel_not_granted``), the package (403 ``package_inactive``)."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from accounts.models import ServiceProvider
from brands.models import Brand, Grant
from brands.selectors import grant_live_for_integrator

from .errors import forbidden, not_found
from .models import ApiUser


class Right:
    QUERY = "query"  # one recipient's consent: partners with read, and AHS
    READ = "read"  # a partner's read: its batches' results
    WRITE = "write"
    RECONCILE = "reconcile"


RIGHT_FIELDS = {
    Right.QUERY: "can_read",
    Right.READ: "can_read",
    Right.WRITE: "can_write",
    Right.RECONCILE: "can_reconcile",
}
RIGHT_NAMES = {
    Right.QUERY: _("sorgulama"),
    Right.READ: _("okuma"),
    Right.WRITE: _("yazma"),
    Right.RECONCILE: _("mutabakat"),
}


@dataclass
class Access:
    grant: Grant
    brand: Brand
    service_provider: ServiceProvider
    address_limit: int | None  # the active package's limit (partners only; None: unlimited)


def _missing(iys_code: int, brand_code: int, log: dict):
    brand = (
        Brand.objects.filter(code=brand_code, service_provider__iys_code=iys_code)
        .select_related("service_provider")
        .first()
    )
    if brand is not None:
        log.update(brand_id=brand.pk, service_provider_id=brand.service_provider_id)
        return forbidden(
            "grant_not_found", _("Bu marka için entegratörünüze verilmiş bir yetki yok.")
        )
    provider = ServiceProvider.objects.filter(iys_code=iys_code).values_list("pk", flat=True)
    provider_id = provider.first()
    if provider_id is None:
        return not_found(
            "provider_not_found", _("Bu İYS koduyla bir hizmet sağlayıcı yok."), "iysCode"
        )
    log["service_provider_id"] = provider_id
    return not_found(
        "brand_not_found", _("Hizmet sağlayıcının bu kodla bir markası yok."), "brandCode"
    )


def access_check(
    *,
    api_user: ApiUser,
    iys_code: int,
    brand_code: int,
    right: str,
    channel: str | None = None,
    log: dict,
) -> Access:
    """Raise ``ApiError`` unless the caller may use ``right`` on this brand (and channel).
    ``log`` receives what is known for the access log, even when refused."""
    from packages.selectors import subscription_active_for

    grant = grant_live_for_integrator(
        integrator_id=api_user.integrator_id, iys_code=iys_code, brand_code=brand_code
    )
    if grant is None:
        raise _missing(iys_code, brand_code, log)
    brand = grant.brand
    log.update(grant_id=grant.pk, brand_id=brand.pk, service_provider_id=brand.service_provider_id)
    if not grant.is_partner and right != Right.QUERY:
        raise forbidden(
            "ahs_read_only",
            _("Aracı hizmet sağlayıcılar yalnızca tek bir alıcının iznini sorgulayabilir."),
        )
    if not getattr(grant, RIGHT_FIELDS[right]):
        raise forbidden(
            "right_not_granted",
            _("Bu marka için %(right)s yetkiniz yok.") % {"right": RIGHT_NAMES[right]},
        )
    if channel is not None and not grant.covers(channel):
        raise forbidden(
            "channel_not_granted",
            _("Bu marka için %(channel)s kanalında yetkiniz yok.") % {"channel": channel},
        )
    limit = None
    if grant.is_partner:
        subscription = subscription_active_for(service_provider=brand.service_provider)
        if subscription is None:
            raise forbidden(
                "package_inactive",
                _(
                    "Hizmet sağlayıcının etkin bir İLETİ paketi yok; iş ortağı yetkileri paket "
                    "alınana kadar askıdadır."
                ),
            )
        limit = subscription.package.address_limit
    return Access(grant, brand, brand.service_provider, limit)
