from consents.models import Consent
from integration.models import AccessLog

from .conftest import KNOWN, consent_body


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
