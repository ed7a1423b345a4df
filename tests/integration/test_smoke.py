from consents.models import Consent
from integration.models import AccessLog

from .conftest import KNOWN, consent_body, error_code


def test_add_then_query(api, world):
    base = f"/sps/{world.provider.iys_code}/brands/{world.brand.code}/consents"
    response = api.post(base, consent_body("0532 999 00 00"))
    assert response.status_code == 200, response.content
    assert Consent.objects.get(brand=world.brand, recipient="+905329990000").api_client_id == (
        world.api_user.pk
    )
    response = api.post(
        f"{base}/status", {"recipient": KNOWN, "recipientType": "BIREYSEL", "type": "MESAJ"}
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "ONAY"
    assert AccessLog.objects.filter(grant=world.grant).count() == 2


def test_codes_beyond_bigint_are_unknown_not_a_crash(api, world):
    """The grant is read with hand-written SQL (``integration.sql``): a code no bigint column
    can hold must match nothing (as in the ORM), not fail in the database driver."""
    huge = 2**63
    response = api.post(
        f"/sps/{huge}/brands/{world.brand.code}/consents/status",
        {"recipient": KNOWN, "recipientType": "BIREYSEL", "type": "MESAJ"},
    )
    assert response.status_code == 404, response.content
    assert error_code(response) == "provider_not_found"
    response = api.post(
        f"/sps/{world.provider.iys_code}/brands/{huge}/consents/status",
        {"recipient": KNOWN, "recipientType": "BIREYSEL", "type": "MESAJ"},
    )
    assert response.status_code == 404, response.content
    assert error_code(response) == "brand_not_found"
