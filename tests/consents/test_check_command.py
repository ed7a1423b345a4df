"""The check command: silent agreement, a loud difference, and --fix."""

import pytest
from django.core.management import CommandError, call_command

from consents.models import AddressCounter
from consents.services import RecordedBy, consent_add


def test_check_reports_a_tampered_counter_and_fixes_it(provider, brand, authorized_user, capsys):
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
    call_command("address_counts_check")
    AddressCounter.objects.filter(service_provider=provider, kind="phone").update(count=7)
    with pytest.raises(CommandError):
        call_command("address_counts_check")
    assert f"{provider.iys_code} phone: sayaç 7, yeniden sayım 1" in capsys.readouterr().out
    call_command("address_counts_check", "--fix")
    assert AddressCounter.objects.get(service_provider=provider, kind="phone").count == 1
    call_command("address_counts_check")
