"""Every write of the brands app: brands, and per-brand, per-channel integrator grants."""

import secrets
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import ServiceProvider, User
from accounts.permissions import Role, require_actor_role
from iys_portal.errors import ApplicationError

from .models import CHANNEL_FIELDS, Brand, Channel, Grant, Integrator
from .package_access import has_active_package, package_coverage

BRAND_CODE_RANGE = (10_000, 999_999)


class NoActivePackageError(ApplicationError):
    """Business-partner authorization needs an active İLETİ package."""


class PackageTooSmallError(ApplicationError):
    """The active package does not cover the measured address count (issue 12)."""


def _ensure_package_covers(service_provider: ServiceProvider) -> None:
    from iys_portal.formatting import format_count

    coverage = package_coverage(service_provider=service_provider)
    if coverage.covers or coverage.limit is None:
        return
    needed = coverage.needed
    raise PackageTooSmallError(
        _(
            "Adres sayınız (%(count)s) %(current)s paketinizin sınırını (%(limit)s) aşıyor; "
            "iş ortağı yetkilendirmek için %(needed)s paketini satın almalısınız."
        )
        % {
            "count": format_count(coverage.address_count),
            "current": coverage.current_name,
            "limit": format_count(coverage.limit),
            "needed": needed.name if needed else "İLETİ+",
        },
        code="package_too_small",
        extra={"needed_package_id": needed.pk if needed else None},
    )


def _normalize_name(name: str) -> str:
    return " ".join((name or "").split())


def _clean_brand_name(name: str) -> str:
    name = _normalize_name(name)
    if not name:
        raise ApplicationError(_("Marka adı boş olamaz."), code="name_required")
    if len(name) > Brand._meta.get_field("name").max_length:
        raise ApplicationError(_("Marka adı en fazla 150 karakter olabilir."), code="name_long")
    return name


def _ensure_name_free(*, service_provider_id: int, name: str, exclude_pk: int | None = None):
    """Names are compared Turkish-style case-insensitively ("İPEK" = "ipek")."""
    wanted = name.replace("I", "ı").replace("İ", "i").casefold()
    others = Brand.objects.filter(service_provider_id=service_provider_id).exclude(pk=exclude_pk)
    for other in others.values_list("name", flat=True):
        if other.replace("I", "ı").replace("İ", "i").casefold() == wanted:
            raise ApplicationError(
                _("«%(name)s» adında bir markanız zaten var.") % {"name": other},
                code="name_taken",
            )


def brand_name_validate(
    *, service_provider: ServiceProvider, name: str, exclude_pk: int | None = None
) -> str:
    """The cleaned name, or ApplicationError (for forms that want to check before saving)."""
    name = _clean_brand_name(name)
    _ensure_name_free(service_provider_id=service_provider.pk, name=name, exclude_pk=exclude_pk)
    return name


@transaction.atomic
def brand_create(
    *, service_provider: ServiceProvider, name: str, actor: User | None, code: int | None = None
) -> Brand:
    """Add a brand. İYS gives brands an integer code; we draw an unused random one.

    The company row is locked so that two clicks (or two people) cannot add the same name twice.
    """
    require_actor_role(actor=actor, service_provider_id=service_provider.pk, role=Role.BRANDS)
    name = _clean_brand_name(name)
    ServiceProvider.objects.select_for_update().get(pk=service_provider.pk)
    _ensure_name_free(service_provider_id=service_provider.pk, name=name)
    if code is not None:
        if Brand.objects.filter(code=code).exists():
            raise ApplicationError(
                _("%(code)s marka kodu kullanımda.") % {"code": code}, code="code_taken"
            )
        return Brand.objects.create(
            service_provider=service_provider, name=name, code=code, created_by=actor
        )
    low, high = BRAND_CODE_RANGE
    for _attempt in range(10):
        candidate = low + secrets.randbelow(high - low)
        if Brand.objects.filter(code=candidate).exists():
            continue
        try:
            with transaction.atomic():
                return Brand.objects.create(
                    service_provider=service_provider,
                    name=name,
                    code=candidate,
                    created_by=actor,
                )
        except IntegrityError:
            continue
    raise ApplicationError(_("Marka kodu üretilemedi, lütfen yeniden deneyiniz."), code="no_code")


def _lock_brand(*, service_provider: ServiceProvider, brand_id: int) -> Brand:
    brand = (
        Brand.objects.select_for_update()
        .filter(pk=brand_id, service_provider=service_provider)
        .first()
    )
    if brand is None:
        raise ApplicationError(_("Marka bulunamadı."), code="brand_not_found")
    return brand


@transaction.atomic
def brand_rename(
    *, service_provider: ServiceProvider, brand_id: int, name: str, actor: User
) -> Brand:
    require_actor_role(actor=actor, service_provider_id=service_provider.pk, role=Role.BRANDS)
    brand = _lock_brand(service_provider=service_provider, brand_id=brand_id)
    name = _clean_brand_name(name)
    if name == brand.name:
        return brand
    _ensure_name_free(service_provider_id=service_provider.pk, name=name, exclude_pk=brand.pk)
    brand.name = name
    brand._history_user = actor
    brand.save(update_fields=["name"])
    return brand


@transaction.atomic
def brand_set_active(
    *, service_provider: ServiceProvider, brand_id: int, is_active: bool, actor: User
) -> Brand:
    """Staff only (admin). A passive brand keeps its grants' history but gets no new grants."""
    brand = _lock_brand(service_provider=service_provider, brand_id=brand_id)
    if brand.is_active == is_active:
        return brand
    brand.is_active = is_active
    brand._history_user = actor
    brand.save(update_fields=["is_active"])
    return brand


def _clean_channels(channels: Iterable[str]) -> set[str]:
    chosen = {str(c) for c in channels}
    if not chosen:
        raise ApplicationError(_("En az bir kanal seçiniz."), code="no_channel")
    unknown = chosen - set(Channel.values)
    if unknown:
        raise ApplicationError(_("Geçersiz kanal seçimi."), code="bad_channel")
    return chosen


def _integrator(*, integrator_id: int, kind: str) -> Integrator:
    integrator = Integrator.objects.filter(pk=integrator_id, kind=kind, is_active=True).first()
    if integrator is None:
        message = (
            _("Seçilen iş ortağı listede yok ya da artık hizmet vermiyor.")
            if kind == Integrator.Kind.PARTNER
            else _("Seçilen aracı hizmet sağlayıcı listede yok ya da artık hizmet vermiyor.")
        )
        raise ApplicationError(message, code="integrator_not_found")
    return integrator


def _same_grant(
    grant: Grant, *, integrator: Integrator, channels: set[str], write: bool, reconcile: bool
):
    return (
        grant.integrator_id == integrator.pk
        and set(grant.channels) == channels
        and grant.can_write == write
        and grant.can_reconcile == reconcile
    )


def _end(grant: Grant, *, actor: User, reason: str) -> None:
    grant.revoked_by = actor
    grant.revoked_at = timezone.now()
    grant.end_reason = reason
    grant.save(update_fields=["revoked_by", "revoked_at", "end_reason"])


def _grant(
    *,
    brand: Brand,
    integrator: Integrator,
    channels: set[str],
    write: bool,
    reconcile: bool,
    actor: User,
    current: Grant | None,
) -> Grant:
    """Create the new grant; ``current`` (if any) ends, replaced by it, in this transaction.
    ``write`` and ``reconcile`` count for partners only (an AHS only reads)."""
    is_partner = integrator.kind == Integrator.Kind.PARTNER
    write, reconcile = is_partner and write, is_partner and reconcile
    if current is not None and _same_grant(
        current, integrator=integrator, channels=channels, write=write, reconcile=reconcile
    ):
        return current  # a replay (double click, second tab): nothing changes
    if current is not None:
        _end(current, actor=actor, reason=Grant.EndReason.REPLACED)
    grant = Grant.objects.create(
        brand=brand,
        integrator=integrator,
        kind=integrator.kind,
        can_read=True,
        can_write=write,
        can_reconcile=reconcile,
        granted_by=actor,
        granted_at=timezone.now(),
        **{CHANNEL_FIELDS[c]: True for c in channels},
    )
    if current is not None:
        current.replaced_by = grant
        current.save(update_fields=["replaced_by"])
    return grant


def _active_grants(brand: Brand):
    return Grant.objects.select_for_update().live().filter(brand=brand)


def _ensure_brand_active(brand: Brand) -> None:
    if not brand.is_active:
        raise ApplicationError(
            _("«%(name)s» markası pasif; yeni yetkilendirme yapılamaz.") % {"name": brand.name},
            code="brand_inactive",
        )


@transaction.atomic
def partner_grant_set(
    *,
    service_provider: ServiceProvider,
    brand_id: int,
    integrator_id: int,
    channels: Iterable[str],
    write: bool = True,
    reconciliation: bool = False,
    actor: User,
) -> Grant:
    """Authorize a business partner for a brand on ``channels``: read always, write unless the
    owner chooses read only (``write=False``), optionally reconciliation. A brand has at most
    one partner: a different choice (partner, channels or rights) replaces the current partner
    grant, which ends in the same transaction (its row stays as history)."""
    require_actor_role(actor=actor, service_provider_id=service_provider.pk, role=Role.BRANDS)
    brand = _lock_brand(service_provider=service_provider, brand_id=brand_id)
    _ensure_brand_active(brand)
    if not has_active_package(service_provider=service_provider):
        raise NoActivePackageError(
            _(
                "İş ortağı yetkilendirmesi için aktif bir İLETİ paketiniz olmalıdır. "
                "Paket Yönetimi sayfasından paket alabilirsiniz."
            ),
            code="no_package",
        )
    _ensure_package_covers(service_provider)
    chosen = _clean_channels(channels)
    integrator = _integrator(integrator_id=integrator_id, kind=Integrator.Kind.PARTNER)
    current = _active_grants(brand).filter(kind=Integrator.Kind.PARTNER).first()
    return _grant(
        brand=brand,
        integrator=integrator,
        channels=chosen,
        write=bool(write),
        reconcile=bool(reconciliation),
        actor=actor,
        current=current,
    )


@transaction.atomic
def ahs_grant_set(
    *,
    service_provider: ServiceProvider,
    brand_id: int,
    integrator_id: int,
    channels: Iterable[str],
    actor: User,
) -> Grant:
    """Authorize an AHS for a brand on ``channels``: read-only (consent check before sending),
    always. A brand may have several AHS; choosing one again with other channels replaces its
    grant. No package needed."""
    require_actor_role(actor=actor, service_provider_id=service_provider.pk, role=Role.BRANDS)
    brand = _lock_brand(service_provider=service_provider, brand_id=brand_id)
    _ensure_brand_active(brand)
    chosen = _clean_channels(channels)
    integrator = _integrator(integrator_id=integrator_id, kind=Integrator.Kind.AHS)
    current = _active_grants(brand).filter(integrator=integrator).first()
    return _grant(
        brand=brand,
        integrator=integrator,
        channels=chosen,
        write=False,
        reconcile=False,
        actor=actor,
        current=current,
    )


@transaction.atomic
def grant_revoke(
    *,
    service_provider: ServiceProvider,
    grant_id: int,
    actor: User,
    channels: Iterable[str] | None = None,
) -> Grant:
    """Revoke a grant on ``channels`` (default: all of them). Revoking some channels ends the
    grant and creates one for the channels left (rows are history, never edited); the new grant
    is returned. Revoking a grant that has already ended changes nothing."""
    require_actor_role(actor=actor, service_provider_id=service_provider.pk, role=Role.BRANDS)
    grant = (
        Grant.objects.select_for_update(of=("self",))
        .filter(pk=grant_id, brand__service_provider=service_provider)
        .first()
    )
    if grant is None:
        raise ApplicationError(_("Yetkilendirme bulunamadı."), code="grant_not_found")
    if not grant.is_active:
        return grant
    remaining = set(grant.channels)
    if channels is not None:
        chosen = _clean_channels(channels)
        if not chosen <= remaining:
            raise ApplicationError(_("Bu yetkide olmayan bir kanal seçtiniz."), code="bad_channel")
        remaining -= chosen
    else:
        remaining = set()
    if not remaining:
        _end(grant, actor=actor, reason=Grant.EndReason.REVOKED)
        return grant
    return _grant(
        brand=grant.brand,
        integrator=grant.integrator,
        channels=remaining,
        write=grant.can_write,
        reconcile=grant.can_reconcile,
        actor=actor,
        current=grant,
    )
