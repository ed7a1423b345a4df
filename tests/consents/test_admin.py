"""Support reads the registry in the admin and cannot edit it there."""

from django.urls import reverse

from consents.services import RecordedBy, consent_add
from tests.factories import UserFactory


def test_support_sees_consents_read_only(client, provider, brand, authorized_user):
    consent_add(
        service_provider=provider,
        brand_id=brand.pk,
        recipient="05321234567",
        channel="MESAJ",
        recipient_type="BIREYSEL",
        status="ONAY",
        source="HS_WEB",
        consent_date="2024-03-01 10:00:00",
        recorded_by=RecordedBy.portal_user(authorized_user),
    )
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    page = client.get(reverse("admin:consents_consent_changelist"), {"q": "+905321234567"})
    assert page.status_code == 200 and "+905321234567" in page.content.decode()
    assert client.get(reverse("admin:consents_consent_add")).status_code == 403
