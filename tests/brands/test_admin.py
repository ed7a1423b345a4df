"""Staff side: the first brand is created with the company (inline), brands go through the
services, grants are read-only, an integrator with grants keeps its kind."""

import pytest
from django.urls import reverse

from accounts.models import ServiceProvider
from brands.models import Brand, Grant
from tests.factories import (
    AhsGrantFactory,
    BrandFactory,
    IntegratorFactory,
    ServiceProviderFactory,
    UserFactory,
    make_vkn,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    admin = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)
    client.admin = admin
    return client


def _inline_management(prefix, total, initial):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def test_new_company_gets_its_first_brand_from_the_admin_inline(admin_client):
    data = {
        "title": "Yeni Kumaş A.Ş.",
        "tax_number": make_vkn(424242),
        "mersis_no": "",
        "iys_code": "555001",
        "email": "bilgi@yenikumas.example",
        "phone": "",
        "address": "",
        "city": "İzmir",
        **_inline_management("memberships", 0, 0),
        **_inline_management("brands", 1, 0),
        "brands-0-name": "  Yeni   Kumaş ",
    }
    response = admin_client.post(reverse("admin:accounts_serviceprovider_add"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    provider = ServiceProvider.objects.get(title="Yeni Kumaş A.Ş.")
    brand = provider.brands.get()
    assert brand.name == "Yeni Kumaş"  # normalized by brand_create
    assert brand.created_by == admin_client.admin
    assert 10_000 <= brand.code < 1_000_000


def test_admin_brand_add_refuses_a_duplicate_name_with_a_message(admin_client):
    existing = BrandFactory(name="Pamukkale")
    response = admin_client.post(
        reverse("admin:brands_brand_add"),
        {"service_provider": existing.service_provider.pk, "name": "PAMUKKALE", "code": ""},
    )
    assert response.status_code == 200
    assert "«Pamukkale» adında bir markanız zaten var." in response.content.decode()
    assert Brand.objects.count() == 1


def test_admin_brand_rename_goes_through_the_service_history(admin_client):
    brand = BrandFactory(name="Eski Ad")
    response = admin_client.post(
        reverse("admin:brands_brand_change", args=[brand.pk]),
        {"name": "Yeni Ad", "is_active": "on"},
    )
    assert response.status_code == 302
    brand.refresh_from_db()
    assert brand.name == "Yeni Ad"
    assert brand.history.latest().history_user == admin_client.admin


def test_grants_are_read_only_in_the_admin(admin_client):
    grant = AhsGrantFactory()
    assert admin_client.get(reverse("admin:brands_grant_add")).status_code == 403
    response = admin_client.post(
        reverse("admin:brands_grant_change", args=[grant.pk]), {"can_write": "on"}
    )
    assert response.status_code == 403
    grant.refresh_from_db()
    assert grant.can_write is False
    listing = admin_client.get(reverse("admin:brands_grant_changelist"))
    assert grant.integrator.title in listing.content.decode()


def test_integrator_with_grants_keeps_its_kind(admin_client):
    grant = AhsGrantFactory()
    ahs = grant.integrator
    response = admin_client.post(
        reverse("admin:brands_integrator_change", args=[ahs.pk]),
        {
            "title": ahs.title,
            "code": ahs.code,
            "kind": "partner",
            "is_active": "on",
            "description": "",
        },
    )
    assert response.status_code == 302
    ahs.refresh_from_db()
    assert ahs.kind == "ahs"
    assert Grant.objects.get().kind == "ahs"
    fresh = IntegratorFactory(kind="ahs")
    admin_client.post(
        reverse("admin:brands_integrator_change", args=[fresh.pk]),
        {"title": fresh.title, "code": fresh.code, "kind": "partner", "is_active": "on"},
    )
    fresh.refresh_from_db()
    assert fresh.kind == "partner"


def test_company_admin_page_lists_its_brands(admin_client):
    provider = ServiceProviderFactory()
    BrandFactory(service_provider=provider, name="Görünür Marka")
    response = admin_client.get(
        reverse("admin:accounts_serviceprovider_change", args=[provider.pk])
    )
    assert "Görünür Marka" in response.content.decode()
