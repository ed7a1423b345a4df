"""An upload builds its items' rows as new consents ahead of their batch (``writes.new_rows``,
in the validating thread); ``consents_apply`` uses one only when the item is a new consent.
The outcome must be exactly what the same file gives without rows built ahead."""

import random
import re

import pytest

from consents.models import Consent, ConsentEvent
from consents.services import RecordedBy, consent_add, consents_apply
from consents.writes import new_rows
from tests.factories import BrandFactory

from .test_event_copies import assert_event_copies
from .test_uploads import csv_file

HEADER = ["recipient", "type", "recipientType", "status", "source", "consentDate"]


def file_rows(seed: int, count: int) -> list[list[str]]:
    """Few recipients, so a batch meets stored consents and its own earlier rows."""
    rng = random.Random(seed)
    rows = [HEADER]
    for _ in range(count):
        n = rng.randrange(40)
        channel = rng.choice(["MESAJ", "ARAMA", "EPOSTA"])
        recipient = f"kisi{n}@ornek.com" if channel == "EPOSTA" else f"0532 000 {n:04d}"
        if rng.random() < 0.15:
            rows.append([recipient, channel, "TACIR", rng.choice(["ONAY", "RET"]), "", ""])
            continue
        rows.append(
            [
                recipient,
                channel,
                "BIREYSEL",
                rng.choice(["ONAY", "ONAY", "RET"]),
                rng.choice(["HS_WEB", "HS_MESAJ"]),
                f"2024-0{rng.randrange(1, 4)}-{rng.randrange(10, 13)} 10:00:00",
            ]
        )
    rows.append(["bozuk", "MESAJ", "BIREYSEL", "ONAY", "HS_WEB", "2024-01-10 10:00:00"])
    return rows


def recorded_at_masked(result: bytes) -> str:
    return re.sub(r"\((?!2024-)\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\)", "(…)", result.decode())


def state(brand):
    consents = sorted(
        (
            c.recipient,
            c.channel,
            c.recipient_type,
            c.status,
            c.source,
            c.consent_date,
            c.recorded_via,
            c.upload_id is not None,
            c.recorded_by_id,
        )
        for c in Consent.objects.filter(brand=brand)
    )
    events = [
        (
            e.recipient,
            e.channel,
            e.action,
            e.previous_status,
            e.status,
            e.consent_date,
            e.recorded_via,
            e.upload_id is not None,
        )
        for e in ConsentEvent.objects.filter(brand=brand).order_by("id")
    ]
    return consents, events


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_rows_built_ahead_give_what_the_general_path_gives(
    seed, run_upload, provider, authorized_user, monkeypatch
):
    monkeypatch.setattr("consents.uploads.BATCH_SIZE", 37)
    built, general = (
        BrandFactory(service_provider=provider),
        BrandFactory(service_provider=provider),
    )
    for brand in (built, general):  # the same stored consents in both brands
        for n in range(0, 40, 3):
            consent_add(
                service_provider=provider,
                brand_id=brand.pk,
                recipient=f"0532 000 {n:04d}",
                channel="MESAJ",
                recipient_type="BIREYSEL",
                status="ONAY",
                source="HS_WEB",
                consent_date="2024-02-11 10:00:00",
                recorded_by=RecordedBy.portal_user(authorized_user),
            )
    rows = file_rows(seed, 400)
    first = run_upload(provider, built, authorized_user, csv_file(rows))
    with monkeypatch.context() as patched:
        patched.setattr("consents.uploads.new_rows", lambda **kwargs: None)
        second = run_upload(provider, general, authorized_user, csv_file(rows))
    counts = ("created_count", "changed_count", "unchanged_count", "rejected_count")
    assert [getattr(first, c) for c in counts] == [getattr(second, c) for c in counts]
    assert first.created_count and first.changed_count and first.unchanged_count
    assert first.rejected_count > 1  # the broken row and older or same-date ones
    assert state(built) == state(general)
    # A consent's first event was recorded when the consent was created (the batch's time).
    for consent in Consent.objects.filter(brand=built):
        first_event = consent.events.order_by("id").first()
        assert first_event.recorded_at == consent.created_at <= consent.recorded_at
    with first.result_file.open("rb") as a, second.result_file.open("rb") as b:
        # A TACIR consent without a date counts from when it was recorded: those differ.
        assert recorded_at_masked(a.read()) == recorded_at_masked(b.read())
    assert_event_copies()


def test_rows_built_for_another_brand_are_refused(provider, authorized_user):
    from consents.normalize import consent_clean

    brand, other = BrandFactory(service_provider=provider), BrandFactory(service_provider=provider)
    item = consent_clean(
        recipient="0532 000 0001",
        channel="MESAJ",
        recipient_type="BIREYSEL",
        status="ONAY",
        source="HS_WEB",
        consent_date="2024-02-11 10:00:00",
    )
    by = RecordedBy.portal_user(authorized_user)
    new = new_rows(
        service_provider_id=provider.pk,
        brand_id=other.pk,
        items=[item],
        postgres=True,
    )
    with pytest.raises(ValueError, match="another batch"):
        consents_apply(
            service_provider=provider, brand=brand, items=[item], recorded_by=by, new=new
        )
    assert not Consent.objects.exists()
