"""Who may do what, decided on every call from the live grants (never cached): the grant of
the caller's integrator on the brand, its right and channels, and for partners the provider's
active package. Checks in a fixed order: provider and brand exist (404), a live grant (403
``grant_not_found``), the right (403 ``ahs_read_only`` / ``right_not_granted``), the channel
(403 ``channel_not_granted``), the package (403 ``package_inactive``)."""

from dataclasses import dataclass

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import ServiceProvider
from brands.models import Brand, Grant
from packages.models import Package, Subscription

from . import sql
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


BIGINT_MAX = 2**63 - 1


def grant_columns() -> str:
    """The columns read by ``grant_join``, in the order ``grant_from_row`` reads them."""
    return (
        f"{sql.columns(Grant, 'g')}, {sql.columns(Brand, 'b')}, "
        f'{sql.columns(ServiceProvider, "sp")}, s."id", p."address_limit"'
    )


def grant_join() -> str:
    """Grants ``g`` with their brand ``b`` and provider ``sp``, and the provider's package now
    (``packages.selectors.subscription_active_for``: active, started, not ended, the latest
    start first) as ``s``/``p``; parameters: ``grant_join_params()``. The caller matches the
    grant with ``GRANT_MATCH`` (as ``brands.selectors.grant_live_for_integrator``)."""
    subscription = Subscription._meta.db_table
    return (
        f"({Brand._meta.db_table} b "  # noqa: S608 (names from model metadata)
        f'JOIN {ServiceProvider._meta.db_table} sp ON sp."id" = b."service_provider_id" '
        f'JOIN {Grant._meta.db_table} g ON g."brand_id" = b."id" '
        f'LEFT JOIN {subscription} s ON s."id" = ('
        f'SELECT s2."id" FROM {subscription} s2 WHERE s2."service_provider_id" = sp."id" '
        f'AND s2."status" = %s AND s2."starts_at" <= %s AND s2."ends_at" > %s '
        f'ORDER BY s2."starts_at" DESC, s2."id" DESC LIMIT 1) '
        f'LEFT JOIN {Package._meta.db_table} p ON p."id" = s."package_id")'
    )


# The live grant of the integrator (``{integrator}``: a column or ``%s``) on the brand
# ``b."code" = %s`` of the provider ``sp."iys_code" = %s``.
GRANT_MATCH = (
    'g."revoked_at" IS NULL AND g."integrator_id" = {integrator} AND b."code" = %s '
    'AND sp."iys_code" = %s'
)


def grant_join_params() -> list:
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    return [Subscription.Status.ACTIVE.value, now, now]


def codes_valid(iys_code: int, brand_code: int) -> bool:
    """Codes a bigint column can hold (larger ones match nothing, as in the ORM)."""
    return 0 <= iys_code <= BIGINT_MAX and 0 <= brand_code <= BIGINT_MAX


def grant_from_row(row, start: int = 0):
    """``(grant, has_package, address_limit)`` from ``grant_columns`` at ``row[start]``, or
    ``(None, False, None)`` when no grant matched."""
    if row is None or row[start] is None:
        return None, False, None
    at = start + sql.width(Grant)
    grant = sql.instance(Grant, "g", row, start)
    brand = sql.instance(Brand, "b", row, at)
    brand.service_provider = sql.instance(ServiceProvider, "sp", row, at + sql.width(Brand))
    grant.brand = brand
    end = at + sql.width(Brand) + sql.width(ServiceProvider)
    return grant, row[end] is not None, row[end + 1]


def live_grant(*, integrator_id: int, iys_code: int, brand_code: int):
    """The live grant of an integrator on a provider's brand, with the package, read now (one
    query): ``grant_from_row``'s triple."""
    if not codes_valid(iys_code, brand_code):
        return None, False, None
    row = sql.fetch_one(
        f"SELECT {grant_columns()} FROM {grant_join()} "  # noqa: S608 (names from metadata)
        f"WHERE {GRANT_MATCH.format(integrator='%s')} LIMIT 1",
        [*grant_join_params(), integrator_id, brand_code, iys_code],
    )
    return grant_from_row(row)


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
    prefetched = getattr(api_user, "prefetched_grant", None)
    if prefetched is not None and prefetched[0] == (iys_code, brand_code):
        grant, has_package, address_limit = prefetched[1]  # read with the token, this request
    else:
        grant, has_package, address_limit = live_grant(
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
        if not has_package:
            raise forbidden(
                "package_inactive",
                _(
                    "Hizmet sağlayıcının etkin bir İLETİ paketi yok; iş ortağı yetkileri paket "
                    "alınana kadar askıdadır."
                ),
            )
        limit = address_limit
    return Access(grant, brand, brand.service_provider, limit)
