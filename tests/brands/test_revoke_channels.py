"""Revoke removes one channel or all; «İş Ortağı Ekle» on a brand with a partner says it
replaces it; «Mutabakat» is explained where it is chosen."""

import pytest
from django.urls import reverse

from brands import services
from brands.models import Grant
from iys_portal.errors import ApplicationError
from tests.factories import (
    BrandFactory,
    MembershipFactory,
    PartnerFactory,
    PartnerGrantFactory,
    SubscriptionFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def brand(provider):
    return BrandFactory(service_provider=provider, name="Anadolu Tekstil")


def test_revoking_one_channel_keeps_the_others_as_a_new_grant(provider, brand):
    actor = MembershipFactory(service_provider=provider).user
    grant = PartnerGrantFactory(brand=brand, mesaj=True, arama=True, eposta=True)
    rest = services.grant_revoke(
        service_provider=provider, grant_id=grant.pk, actor=actor, channels=["ARAMA"]
    )
    grant.refresh_from_db()
    assert (grant.end_reason, grant.revoked_by, grant.replaced_by) == ("replaced", actor, rest)
    assert rest.channels == ["MESAJ", "EPOSTA"] and rest.revoked_at is None
    assert rest.can_write and rest.can_reconcile == grant.can_reconcile
    everything = services.grant_revoke(
        service_provider=provider, grant_id=rest.pk, actor=actor, channels=["MESAJ", "EPOSTA"]
    )
    assert everything.pk == rest.pk and everything.end_reason == "revoked"
    assert not Grant.objects.filter(revoked_at__isnull=True).exists()


def test_revoking_a_channel_the_grant_lacks_changes_nothing(provider, brand):
    actor = MembershipFactory(service_provider=provider).user
    grant = PartnerGrantFactory(brand=brand, mesaj=True, arama=False, eposta=False)
    with pytest.raises(ApplicationError, match="olmayan bir kanal"):
        services.grant_revoke(
            service_provider=provider, grant_id=grant.pk, actor=actor, channels=["EPOSTA"]
        )
    grant.refresh_from_db()
    assert grant.revoked_at is None


def test_revoke_page_with_no_channel_ticked_says_so(provider_client, brand):
    grant = PartnerGrantFactory(brand=brand, mesaj=True)
    response = provider_client.post(reverse("brands:grant_revoke", args=[brand.pk, grant.pk]), {})
    assert response.status_code == 400
    assert "En az bir kanal seçiniz." in response.content.decode()
    grant.refresh_from_db()
    assert grant.revoked_at is None


def test_partner_page_says_it_replaces_the_current_partner_and_explains_mutabakat(
    provider_client, provider, brand
):
    SubscriptionFactory(service_provider=provider)
    PartnerGrantFactory(brand=brand, integrator=PartnerFactory(title="Poli"), mesaj=True)
    index = provider_client.get(reverse("brands:index")).content.decode()
    assert "İş ortağını değiştir" in index
    page = provider_client.get(reverse("brands:partner_add", args=[brand.pk])).content.decode()
    assert "<h1>İş ortağını değiştir</h1>" in page
    assert "yetkisi kaldırılır ve yerine seçtiğiniz gelir" in page
    assert "Mutabakat: iş ortağı bu markanın" in page
