from django.utils import timezone

from tests.factories import AhsGrantFactory, BrandFactory

from .conftest import Api, error_code, make_world


def test_integrator_lists_its_providers_brands_and_rights(client, db):
    world = make_world("partner_reconcile")
    AhsGrantFactory(brand=BrandFactory())  # someone else's grant
    world.subscription.ends_at = timezone.now() - timezone.timedelta(seconds=1)
    world.subscription.save(update_fields=["ends_at"])
    code = world.grant.integrator.code
    response = Api(client, world.token).get(f"/integrator/{code}/sps")
    assert response.status_code == 200, response.content
    assert response.json() == [
        {
            "iysCode": world.provider.iys_code,
            "title": world.provider.title,
            "packageActive": False,
            "brands": [
                {
                    "brandCode": world.brand.code,
                    "name": world.brand.name,
                    "channels": ["MESAJ", "ARAMA"],
                    "rights": ["read", "write", "reconciliation"],
                    "effective": False,
                }
            ],
        }
    ]


def test_another_integrators_code_is_refused(client, db):
    world, other = make_world(), make_world()
    response = Api(client, world.token).get(f"/integrator/{other.grant.integrator.code}/sps")
    assert response.status_code == 403 and error_code(response) == "integrator_mismatch"


def test_unknown_provider_and_brand_are_404(client, db):
    world = make_world()
    api = Api(client, world.token)
    body = {"recipient": "+905321110000", "recipientType": "BIREYSEL", "type": "MESAJ"}
    response = api.post(f"/sps/1/brands/{world.brand.code}/consents/status", body)
    assert response.status_code == 404 and error_code(response) == "provider_not_found"
    response = api.post(f"/sps/{world.provider.iys_code}/brands/1/consents/status", body)
    assert response.status_code == 404 and error_code(response) == "brand_not_found"
    unknown = {**body, "recipient": "+905321119999"}
    base = f"/sps/{world.provider.iys_code}/brands/{world.brand.code}/consents"
    response = api.post(f"{base}/status", unknown)
    assert response.status_code == 404 and error_code(response) == "consent_not_found"
