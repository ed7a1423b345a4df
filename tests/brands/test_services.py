"""Brands and AHS grants through the services; database constraints on grants."""

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.roles import Role
from brands import services
from brands.models import Brand, Grant, Integrator
from brands.selectors import brand_history
from iys_portal.errors import ApplicationError
from tests.factories import (
    AhsFactory,
    AhsGrantFactory,
    BrandFactory,
    MembershipFactory,
    PartnerFactory,
    PartnerGrantFactory,
    ServiceProviderFactory,
    UserFactory,
    delegate_with_roles,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def actor(provider):
    """The company's authorized person (who holds every role)."""
    return MembershipFactory(service_provider=provider).user


@pytest.fixture
def brand(provider):
    return BrandFactory(service_provider=provider, name="Anadolu Tekstil")


# Brands -------------------------------------------------------------------------------------


def test_brand_create_gives_an_unused_integer_code(provider, actor):
    brand = services.brand_create(service_provider=provider, name="  Yeni   Marka ", actor=actor)
    assert brand.name == "Yeni Marka"
    assert isinstance(brand.code, int)
    assert 10_000 <= brand.code < 1_000_000
    assert brand.created_by == actor
    other = services.brand_create(service_provider=provider, name="İkinci", actor=actor)
    assert other.code != brand.code


def test_brand_create_with_a_given_code_refuses_a_used_one(provider, actor):
    BrandFactory(code=77790)
    with pytest.raises(ApplicationError, match="77790 marka kodu kullanımda"):
        services.brand_create(service_provider=provider, name="Kopya", actor=actor, code=77790)
    assert not Brand.objects.filter(name="Kopya").exists()


@pytest.mark.parametrize("same_name", ["Anadolu Tekstil", "ANADOLU TEKSTİL", "anadolu  tekstil"])
def test_brand_names_are_unique_per_company_turkish_case_insensitively(brand, actor, same_name):
    with pytest.raises(ApplicationError, match="zaten var"):
        services.brand_create(service_provider=brand.service_provider, name=same_name, actor=actor)
    assert Brand.objects.filter(service_provider=brand.service_provider).count() == 1


def test_another_company_may_use_the_same_brand_name(brand, actor):
    other_company = ServiceProviderFactory()
    MembershipFactory(service_provider=other_company, user=actor)
    other = services.brand_create(service_provider=other_company, name=brand.name, actor=actor)
    assert other.name == brand.name


def test_brand_create_refuses_an_empty_name(provider, actor):
    with pytest.raises(ApplicationError, match="boş olamaz"):
        services.brand_create(service_provider=provider, name="   ", actor=actor)
    assert not Brand.objects.exists()


def test_brand_rename_records_who_in_history(brand, actor):
    services.brand_rename(
        service_provider=brand.service_provider, brand_id=brand.pk, name="Anadolu Ev", actor=actor
    )
    brand.refresh_from_db()
    assert brand.name == "Anadolu Ev"
    latest = brand.history.latest()
    assert (latest.name, latest.history_user) == ("Anadolu Ev", actor)


def test_brand_rename_of_another_companys_brand_changes_nothing(brand, actor):
    other_company = ServiceProviderFactory()
    MembershipFactory(service_provider=other_company, user=actor)
    with pytest.raises(ApplicationError, match="Marka bulunamadı"):
        services.brand_rename(
            service_provider=other_company,
            brand_id=brand.pk,
            name="Ele geçti",
            actor=actor,
        )
    brand.refresh_from_db()
    assert brand.name == "Anadolu Tekstil"


def test_brand_rename_refuses_a_name_the_company_already_uses(brand, actor):
    second = BrandFactory(service_provider=brand.service_provider, name="Pamukkale")
    with pytest.raises(ApplicationError, match="zaten var"):
        services.brand_rename(
            service_provider=brand.service_provider,
            brand_id=second.pk,
            name="anadolu tekstil",
            actor=actor,
        )
    second.refresh_from_db()
    assert second.name == "Pamukkale"


# AHS grants ---------------------------------------------------------------------------------


def test_ahs_grant_is_read_only_on_the_chosen_channels(brand, actor):
    ahs = AhsFactory(title="Mobilişim İletişim A.Ş.")
    grant = services.ahs_grant_set(
        service_provider=brand.service_provider,
        brand_id=brand.pk,
        integrator_id=ahs.pk,
        channels=["MESAJ"],
        actor=actor,
    )
    assert grant.channels == ["MESAJ"]
    assert (grant.kind, grant.can_read, grant.can_write, grant.can_reconcile) == (
        "ahs",
        True,
        False,
        False,
    )
    assert (grant.granted_by, grant.revoked_at) == (actor, None)


def test_a_brand_may_have_several_ahs(brand, actor):
    for ahs in (AhsFactory(), AhsFactory()):
        services.ahs_grant_set(
            service_provider=brand.service_provider,
            brand_id=brand.pk,
            integrator_id=ahs.pk,
            channels=["MESAJ"],
            actor=actor,
        )
    assert Grant.objects.filter(brand=brand, revoked_at__isnull=True).count() == 2


def test_the_same_ahs_grant_twice_is_one_grant(brand, actor):
    ahs = AhsFactory()
    kwargs = {
        "service_provider": brand.service_provider,
        "brand_id": brand.pk,
        "integrator_id": ahs.pk,
        "channels": ["MESAJ", "ARAMA"],
        "actor": actor,
    }
    first = services.ahs_grant_set(**kwargs)
    second = services.ahs_grant_set(**{**kwargs, "channels": ["ARAMA", "MESAJ"]})
    assert first.pk == second.pk
    assert Grant.objects.count() == 1


def test_changing_an_ahs_channels_replaces_its_grant_and_keeps_history(brand, actor):
    ahs = AhsFactory()
    kwargs = {
        "service_provider": brand.service_provider,
        "brand_id": brand.pk,
        "integrator_id": ahs.pk,
    }
    old = services.ahs_grant_set(**kwargs, channels=["MESAJ"], actor=actor)
    changer = delegate_with_roles(brand.service_provider, Role.BRANDS).user
    new = services.ahs_grant_set(**kwargs, channels=["MESAJ", "EPOSTA"], actor=changer)
    old.refresh_from_db()
    assert (old.end_reason, old.revoked_by, old.replaced_by) == ("replaced", changer, new)
    assert new.channels == ["MESAJ", "EPOSTA"] and new.revoked_at is None
    events = brand_history(service_provider=brand.service_provider, brand_id=brand.pk)
    assert [(e.action, e.grant.pk, e.actor) for e in events] == [
        ("granted", new.pk, changer),
        ("replaced", old.pk, changer),
        ("granted", old.pk, actor),
    ]


@pytest.mark.parametrize(
    "channels, message", [([], "En az bir kanal"), (["SMS"], "Geçersiz kanal")]
)
def test_ahs_grant_refuses_bad_channels(brand, actor, channels, message):
    with pytest.raises(ApplicationError, match=message):
        services.ahs_grant_set(
            service_provider=brand.service_provider,
            brand_id=brand.pk,
            integrator_id=AhsFactory().pk,
            channels=channels,
            actor=actor,
        )
    assert not Grant.objects.exists()


def test_ahs_grant_refuses_a_partner_an_inactive_ahs_and_a_foreign_brand(brand, actor):
    provider = brand.service_provider
    for integrator_id, brand_id, target in [
        (PartnerFactory().pk, brand.pk, provider),
        (AhsFactory(is_active=False).pk, brand.pk, provider),
        (AhsFactory().pk, BrandFactory().pk, provider),
        (AhsFactory().pk, brand.pk, ServiceProviderFactory()),
    ]:
        with pytest.raises(ApplicationError):
            services.ahs_grant_set(
                service_provider=target,
                brand_id=brand_id,
                integrator_id=integrator_id,
                channels=["MESAJ"],
                actor=actor,
            )
    assert not Grant.objects.exists()


def test_a_passive_brand_gets_no_new_grants(brand, actor):
    services.brand_set_active(
        service_provider=brand.service_provider, brand_id=brand.pk, is_active=False, actor=actor
    )
    with pytest.raises(ApplicationError, match="pasif"):
        services.ahs_grant_set(
            service_provider=brand.service_provider,
            brand_id=brand.pk,
            integrator_id=AhsFactory().pk,
            channels=["MESAJ"],
            actor=actor,
        )


# Revoke -------------------------------------------------------------------------------------


def test_revoke_records_who_and_when_and_twice_is_once(brand, actor):
    grant = AhsGrantFactory(brand=brand)
    revoked = services.grant_revoke(
        service_provider=brand.service_provider, grant_id=grant.pk, actor=actor
    )
    first_time = revoked.revoked_at
    assert (revoked.revoked_by, revoked.end_reason) == (actor, "revoked")
    assert first_time is not None
    again = services.grant_revoke(
        service_provider=brand.service_provider,
        grant_id=grant.pk,
        actor=delegate_with_roles(brand.service_provider, Role.BRANDS).user,
    )
    assert (again.revoked_at, again.revoked_by) == (first_time, actor)


def test_revoke_of_another_companys_grant_changes_nothing(brand, actor):
    grant = PartnerGrantFactory(brand=brand)
    other_company = ServiceProviderFactory()
    MembershipFactory(service_provider=other_company, user=actor)
    with pytest.raises(ApplicationError, match="bulunamadı"):
        services.grant_revoke(service_provider=other_company, grant_id=grant.pk, actor=actor)
    grant.refresh_from_db()
    assert grant.revoked_at is None


# Database constraints: whatever code writes, these cannot be stored -------------------------


def _insert(**fields):
    with pytest.raises(IntegrityError), transaction.atomic():
        Grant.objects.create(**fields)


def test_database_refuses_write_or_reconciliation_for_an_ahs_grant(brand):
    ahs = AhsFactory()
    user = UserFactory()
    base = {"brand": brand, "integrator": ahs, "kind": "ahs", "mesaj": True, "granted_by": user}
    _insert(**base, can_write=True)
    _insert(**base, can_reconcile=True)
    _insert(**base, can_read=False)
    assert not Grant.objects.exists()
    Grant.objects.create(**base)  # read-only is what an AHS may have
    assert Grant.objects.count() == 1


def test_database_refuses_a_partner_grant_that_cannot_read(brand):
    """A partner may be read-only (no write), never without read."""
    base = {
        "brand": brand,
        "integrator": PartnerFactory(),
        "kind": "partner",
        "mesaj": True,
        "granted_by": UserFactory(),
    }
    _insert(**base, can_read=False, can_write=True)
    assert not Grant.objects.exists()
    Grant.objects.create(**base, can_write=False)
    assert Grant.objects.get().can_write is False


def test_database_refuses_raising_an_existing_ahs_grant_to_write(brand):
    grant = AhsGrantFactory(brand=brand)
    with pytest.raises(IntegrityError), transaction.atomic():
        Grant.objects.filter(pk=grant.pk).update(can_write=True)
    grant.refresh_from_db()
    assert grant.can_write is False


def test_database_keeps_one_active_partner_per_brand(brand):
    PartnerGrantFactory(brand=brand)
    with pytest.raises(IntegrityError), transaction.atomic():
        PartnerGrantFactory(brand=brand)
    assert Grant.objects.filter(brand=brand).count() == 1


def test_database_refuses_a_grant_without_channels_or_a_half_revocation(brand):
    user = UserFactory()
    partner = PartnerFactory()
    base = {
        "brand": brand,
        "integrator": partner,
        "kind": "partner",
        "can_write": True,
        "granted_by": user,
    }
    _insert(**base, mesaj=False)

    _insert(**base, mesaj=True, revoked_at=timezone.now())
    assert not Grant.objects.exists()


@pytest.mark.postgres
def test_database_keeps_a_grants_kind_equal_to_its_integrators(brand):
    """On PostgreSQL a composite foreign key ties (integrator, kind): an AHS cannot be stored as
    a partner grant to get write access."""
    ahs = AhsFactory()
    user = UserFactory()
    _insert(
        brand=brand, integrator=ahs, kind="partner", can_write=True, mesaj=True, granted_by=user
    )
    grant = AhsGrantFactory(brand=brand, integrator=ahs)
    with pytest.raises(IntegrityError), transaction.atomic():
        Integrator.objects.filter(pk=ahs.pk).update(kind="partner")
    ahs.refresh_from_db()
    grant.refresh_from_db()
    assert (ahs.kind, grant.kind) == ("ahs", "ahs")
