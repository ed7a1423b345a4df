"""Two people (or two tabs) at once: the row locks keep the rules (PostgreSQL)."""

import threading

import pytest
from django.db import connection

from brands import services
from brands.models import Brand, Grant
from iys_portal.errors import ApplicationError
from tests.factories import (
    AhsGrantFactory,
    BrandFactory,
    PartnerFactory,
    ServiceProviderFactory,
    SubscriptionFactory,
    delegate_with_roles,
)

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _in_parallel(*calls):
    """Run the calls in threads that start together; return their results or exceptions."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait()
            results[index] = call()
        except Exception as exc:  # reported to the test
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def test_two_people_choose_different_partners_at_once_one_partner_remains():
    provider = ServiceProviderFactory()
    SubscriptionFactory(service_provider=provider)
    brand = BrandFactory(service_provider=provider)
    partners = [PartnerFactory(), PartnerFactory()]
    people = [
        delegate_with_roles(provider, "brands").user,
        delegate_with_roles(provider, "brands").user,
    ]

    results = _in_parallel(
        *[
            lambda p=p, u=u: services.partner_grant_set(
                service_provider=provider,
                brand_id=brand.pk,
                integrator_id=p.pk,
                channels=["MESAJ"],
                actor=u,
            )
            for p, u in zip(partners, people, strict=True)
        ]
    )
    assert all(isinstance(r, Grant) for r in results), results
    live = Grant.objects.filter(brand=brand, revoked_at__isnull=True)
    assert live.count() == 1
    ended = Grant.objects.get(brand=brand, revoked_at__isnull=False)
    assert ended.end_reason == "replaced" and ended.replaced_by == live.get()


def test_double_submitted_grant_is_stored_once():
    provider = ServiceProviderFactory()
    SubscriptionFactory(service_provider=provider)
    brand = BrandFactory(service_provider=provider)
    partner, person = PartnerFactory(), delegate_with_roles(provider, "brands").user

    def grant():
        return services.partner_grant_set(
            service_provider=provider,
            brand_id=brand.pk,
            integrator_id=partner.pk,
            channels=["MESAJ", "ARAMA"],
            actor=person,
        )

    first, second = _in_parallel(grant, grant)
    assert first.pk == second.pk
    assert Grant.objects.count() == 1


def test_two_revokes_at_once_record_one_revocation():
    grant = AhsGrantFactory()
    provider = grant.brand.service_provider
    people = [
        delegate_with_roles(provider, "brands").user,
        delegate_with_roles(provider, "brands").user,
    ]
    results = _in_parallel(
        *[
            lambda u=u: services.grant_revoke(service_provider=provider, grant_id=grant.pk, actor=u)
            for u in people
        ]
    )
    revoked_at = {r.revoked_at for r in results}
    revoked_by = {r.revoked_by_id for r in results}
    assert len(revoked_at) == 1 and len(revoked_by) == 1
    grant.refresh_from_db()
    assert grant.revoked_by_id in {p.pk for p in people}


def test_the_same_brand_added_twice_at_once_is_added_once():
    provider = ServiceProviderFactory()
    person = delegate_with_roles(provider, "brands").user

    def add():
        return services.brand_create(service_provider=provider, name="Çift Tık", actor=person)

    results = _in_parallel(add, add)
    assert sum(isinstance(r, Brand) for r in results) == 1
    assert sum(isinstance(r, ApplicationError) for r in results) == 1
    assert Brand.objects.filter(service_provider=provider).count() == 1
