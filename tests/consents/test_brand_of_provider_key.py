"""The consent's provider and brand are one composite foreign key in PostgreSQL (consents
migration 0003): a consent's brand must belong to its provider, a brand with consents cannot be
deleted or moved to another provider, and the check is deferred to commit like Django's."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import ProtectedError

from consents.models import Consent
from consents.services import RecordedBy
from tests.factories import BrandFactory

from .test_services import add

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

CONSTRAINT = "consent_brand_of_provider_fk"


def _checked():
    """Run the deferred checks now (the test runs inside a transaction that never commits)."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def test_the_key_is_composite_and_deferred():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_get_constraintdef(oid), condeferrable, condeferred FROM pg_constraint "
            "WHERE conrelid = 'consents_consent'::regclass AND contype = 'f' ORDER BY conname"
        )
        keys = cursor.fetchall()
    assert (
        "FOREIGN KEY (brand_id, service_provider_id) "
        "REFERENCES brands_brand(id, service_provider_id) DEFERRABLE INITIALLY DEFERRED",
        True,
        True,
    ) in keys
    # No separate keys on the two columns any more: one check per row.
    assert not [
        k
        for k in keys
        if k[0].startswith(("FOREIGN KEY (brand_id)", "FOREIGN KEY (service_provider_id)"))
    ]


def test_a_brand_of_another_provider_is_refused(provider, foreign_provider, brand, by_user):
    add(provider, brand, by_user)
    foreign_brand = BrandFactory(service_provider=foreign_provider)
    with pytest.raises(IntegrityError, match=CONSTRAINT), transaction.atomic():
        # Deferred: the statement itself passes, the check runs at commit.
        Consent.objects.filter(brand=brand).update(brand=foreign_brand)
        _checked()
    with pytest.raises(IntegrityError, match=CONSTRAINT), transaction.atomic():
        Consent.objects.filter(brand=brand).update(service_provider=foreign_provider)
        _checked()


def test_a_brand_with_consents_cannot_be_deleted_or_moved(
    provider, foreign_provider, brand, by_user
):
    add(provider, brand, by_user)
    # The ORM refuses first (on_delete=PROTECT).
    for target in (brand, provider):
        with pytest.raises(ProtectedError) as refused:
            target.delete()
        assert Consent.objects.get() in refused.value.protected_objects
    # The database refuses too, whatever goes around the ORM.
    with pytest.raises(IntegrityError, match=CONSTRAINT), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM brands_brand WHERE id = %s", [brand.pk])
        _checked()
    with pytest.raises(IntegrityError, match=CONSTRAINT), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE brands_brand SET service_provider_id = %s WHERE id = %s",
                [foreign_provider.pk, brand.pk],
            )
        _checked()
    assert Consent.objects.get().brand_id == brand.pk


def test_a_brand_without_consents_can_still_be_deleted(provider, brand, other_brand, by_user):
    add(provider, brand, by_user)
    other_brand.delete()
    _checked()
    assert Consent.objects.count() == 1


def test_the_upload_write_path_is_checked_too(provider, foreign_provider, authorized_user):
    """The COPY of ``writes.write`` (uploads, batches) with a brand of another provider."""
    from django.utils import timezone

    from consents import writes
    from consents.transaction_ids import new_transaction_ids

    foreign_brand = BrandFactory(service_provider=foreign_provider)
    now = timezone.now()
    row = writes.Row(
        None,
        foreign_brand.pk,
        "+905321234567",
        "MESAJ",
        "BIREYSEL",
        "ONAY",
        "HS_WEB",
        now,
        now,
        next(new_transaction_ids(1)),
        is_new=True,
    )
    with pytest.raises(IntegrityError, match=CONSTRAINT), transaction.atomic():
        writes.write(
            service_provider_id=provider.pk,
            created=[row],
            changed=[],
            events=[],
            who=RecordedBy.portal_user(authorized_user).fields(),
            now=now,
        )
        _checked()
    assert not Consent.objects.exists()
