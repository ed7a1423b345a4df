"""Business-partner grants: one per brand, package gating, lapse and restore."""

import pytest
import time_machine
from django.utils import timezone

from accounts.roles import Role
from brands import services
from brands.models import Grant
from brands.selectors import brand_overview
from packages.services import subscriptions_lapse_due
from tests.factories import (
    AhsFactory,
    BrandFactory,
    MembershipFactory,
    PartnerFactory,
    SubscriptionFactory,
    delegate_with_roles,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def actor(provider):
    """The company's authorized person (who holds every role)."""
    return MembershipFactory(service_provider=provider).user


@pytest.fixture
def brand(provider):
    return BrandFactory(service_provider=provider)


def _partner(
    brand, actor, integrator, channels=("MESAJ", "ARAMA"), reconciliation=False, write=True
):
    return services.partner_grant_set(
        service_provider=brand.service_provider,
        brand_id=brand.pk,
        integrator_id=integrator.pk,
        channels=channels,
        write=write,
        reconciliation=reconciliation,
        actor=actor,
    )


def _ahs(brand, actor, integrator, channels=("MESAJ",)):
    return services.ahs_grant_set(
        service_provider=brand.service_provider,
        brand_id=brand.pk,
        integrator_id=integrator.pk,
        channels=channels,
        actor=actor,
    )


def test_partner_grant_reads_and_writes_and_may_reconcile(active_package, brand, actor):
    grant = _partner(brand, actor, PartnerFactory(), reconciliation=True)
    assert grant.channels == ["MESAJ", "ARAMA"]
    assert (grant.kind, grant.can_read, grant.can_write, grant.can_reconcile) == (
        "partner",
        True,
        True,
        True,
    )
    assert grant.granted_by == actor


def test_partner_grant_needs_an_active_package(brand, actor):
    with pytest.raises(services.NoActivePackageError, match="aktif bir İLETİ paketiniz"):
        _partner(brand, actor, PartnerFactory())
    assert not Grant.objects.exists()


def test_partner_authorization_works_right_after_a_free_package_is_taken(
    brand, actor, django_capture_on_commit_callbacks
):
    """Paket Seçimi → Sözleşme Onay → «Tamamla» (the packages services), then İş Ortağı."""
    from packages.services import order_accept_contract, order_complete_free, order_start
    from tests.factories import ContractVersionFactory, catalog

    provider = brand.service_provider
    partner = PartnerFactory()
    with pytest.raises(services.NoActivePackageError):
        _partner(brand, actor, partner)
    ileti_5 = catalog()["ileti-5"]
    order = order_start(
        service_provider=provider,
        package_id=ileti_5.pk,
        phone_count=1_000,
        email_count=2_000,
        actor=actor,
    )
    with django_capture_on_commit_callbacks(execute=False):
        order_accept_contract(
            order_id=order.pk, contract_version_id=ContractVersionFactory().pk, actor=actor
        )
    order_complete_free(order_id=order.pk, actor=actor)
    grant = _partner(brand, actor, partner)
    assert grant.revoked_at is None and grant.can_write


def test_a_package_that_has_ended_does_not_count(brand, actor):
    SubscriptionFactory(
        service_provider=brand.service_provider,
        starts_at=timezone.now() - timezone.timedelta(days=400),
        ends_at=timezone.now() - timezone.timedelta(days=35),
    )
    with pytest.raises(services.NoActivePackageError):
        _partner(brand, actor, PartnerFactory())


def test_another_companys_package_does_not_count(brand, actor):
    SubscriptionFactory()
    with pytest.raises(services.NoActivePackageError):
        _partner(brand, actor, PartnerFactory())


def test_replacing_the_partner_revokes_the_old_grant_in_the_same_call(active_package, brand, actor):
    old = _partner(brand, actor, PartnerFactory(title="Poli"))
    other_person = delegate_with_roles(brand.service_provider, Role.BRANDS).user
    new = _partner(brand, other_person, PartnerFactory(title="Veribağ"), channels=["EPOSTA"])
    old.refresh_from_db()
    assert old.revoked_at is not None
    assert (old.revoked_by, old.end_reason, old.replaced_by) == (other_person, "replaced", new)
    live = Grant.objects.filter(brand=brand, kind="partner", revoked_at__isnull=True)
    assert list(live) == [new]


def test_same_partner_with_other_channels_is_a_new_grant_same_choice_is_a_replay(
    active_package, brand, actor
):
    partner = PartnerFactory()
    first = _partner(brand, actor, partner, channels=["MESAJ"])
    assert _partner(brand, actor, partner, channels=["MESAJ"]).pk == first.pk
    assert Grant.objects.count() == 1
    wider = _partner(brand, actor, partner, channels=["MESAJ", "EPOSTA"])
    assert wider.pk != first.pk
    assert Grant.objects.filter(revoked_at__isnull=True).get() == wider


def test_each_brand_may_have_a_different_partner(active_package, provider, actor):
    first, second = BrandFactory(service_provider=provider), BrandFactory(service_provider=provider)
    _partner(first, actor, PartnerFactory())
    _partner(second, actor, PartnerFactory())
    assert Grant.objects.filter(kind="partner", revoked_at__isnull=True).count() == 2


def test_partner_grant_refuses_an_ahs_id_and_an_inactive_partner(active_package, brand, actor):
    for integrator in (AhsFactory(), PartnerFactory(is_active=False)):
        with pytest.raises(services.ApplicationError, match="iş ortağı listede yok"):
            _partner(brand, actor, integrator)
    assert not Grant.objects.exists()


def test_partner_grant_for_another_companys_brand_changes_nothing(active_package, actor):
    foreign_brand = BrandFactory()
    with pytest.raises(services.ApplicationError, match="Marka bulunamadı"):
        services.partner_grant_set(
            service_provider=active_package.service_provider,
            brand_id=foreign_brand.pk,
            integrator_id=PartnerFactory().pk,
            channels=["MESAJ"],
            actor=actor,
        )
    assert not Grant.objects.exists()


def _states(provider):
    overview = brand_overview(service_provider=provider)
    (row,) = overview.rows
    return (
        overview.package_active,
        row.partner.is_suspended,
        [g.is_suspended for g in row.ahs],
        row.cells[0].writer == row.partner,
    )


def test_lapse_suspends_partner_grants_and_a_new_package_restores_them(brand, actor):
    """Derived, not stored: the grant row stays as it was; AHS grants are unaffected."""
    provider = brand.service_provider
    now = timezone.now()
    SubscriptionFactory(
        service_provider=provider,
        starts_at=now - timezone.timedelta(days=360),
        ends_at=now + timezone.timedelta(days=5),
    )
    partner_grant = _partner(brand, actor, PartnerFactory())
    _ahs(brand, actor, AhsFactory())
    assert _states(provider) == (True, False, [False], True)

    with time_machine.travel(now + timezone.timedelta(days=6), tick=False):
        assert subscriptions_lapse_due() == 1
        assert _states(provider) == (False, True, [False], True)
        with pytest.raises(services.NoActivePackageError):
            _partner(brand, actor, PartnerFactory())
        # A new package (e.g. İLETİ-5, free) brings the same grant back.
        SubscriptionFactory(service_provider=provider, starts_at=timezone.now())
        assert _states(provider) == (True, False, [False], True)

    partner_grant.refresh_from_db()
    assert partner_grant.revoked_at is None
    assert Grant.objects.count() == 2


def test_overview_at_a_past_moment_uses_the_package_of_that_moment(brand, actor):
    provider = brand.service_provider
    sub = SubscriptionFactory(service_provider=provider)
    _partner(brand, actor, PartnerFactory())
    before = brand_overview(service_provider=provider, at=sub.starts_at - timezone.timedelta(1))
    assert before.package_active is False
    assert before.rows[0].partner.is_suspended is True


def test_grid_shows_writer_and_checkers_per_channel(active_package, brand, actor):
    partner = PartnerFactory(title="Poli")
    sms = AhsFactory(title="Mobilişim")
    mail = AhsFactory(title="Ege E-posta")
    _partner(brand, actor, partner, channels=["MESAJ", "ARAMA"])
    _ahs(brand, actor, sms, channels=["MESAJ"])
    _ahs(brand, actor, mail, channels=["EPOSTA", "MESAJ"])
    (row,) = brand_overview(service_provider=brand.service_provider).rows
    grid = {
        c.channel: (
            c.writer.integrator.title if c.writer else None,
            [g.integrator.title for g in c.checkers],
        )
        for c in row.cells
    }
    assert grid == {
        "MESAJ": ("Poli", ["Ege E-posta", "Mobilişim"]),
        "ARAMA": ("Poli", []),
        "EPOSTA": (None, ["Ege E-posta"]),
    }


def test_a_partner_may_be_given_read_only(active_package, brand, actor):
    """İYS grants a partner per brand × channel × {okuma, yazma, mutabakat}: the owner may keep
    writing to itself and let the partner only read (docs/integration.md)."""
    grant = _partner(brand, actor, PartnerFactory(), channels=("MESAJ",), write=False)
    assert (grant.kind, grant.can_read, grant.can_write, grant.can_reconcile) == (
        "partner",
        True,
        False,
        False,
    )


def test_changing_only_the_write_right_replaces_the_grant_and_keeps_its_history(
    active_package, brand, actor
):
    partner = PartnerFactory()
    first = _partner(brand, actor, partner, channels=("MESAJ",))
    read_only = _partner(brand, actor, partner, channels=("MESAJ",), write=False)
    first.refresh_from_db()
    assert read_only.pk != first.pk and not read_only.can_write
    assert (first.end_reason, first.replaced_by_id, first.can_write) == (
        "replaced",
        read_only.pk,
        True,
    )
    # a replay of the same choice changes nothing
    assert _partner(brand, actor, partner, channels=("MESAJ",), write=False).pk == read_only.pk
    both = _partner(brand, actor, partner, write=False)
    rest = services.grant_revoke(  # revoking a channel keeps the rights of the rest
        service_provider=brand.service_provider, grant_id=both.pk, channels=["ARAMA"], actor=actor
    )
    assert (rest.channels, rest.can_write) == (["MESAJ"], False)
    assert Grant.objects.filter(brand=brand).count() == 4
