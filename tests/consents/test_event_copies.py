"""ConsentEvent's copies of its consent's provider, brand, user and upload have no database
constraint (consents.models.ConsentEvent): the ORM must still refuse to delete what an event
refers to, and every writer must copy exactly the consent's values."""

import pytest
from django.db.models import ProtectedError
from django.urls import reverse

from consents.models import Consent, ConsentEvent
from consents.services import RecordedBy
from tests.factories.accounts import delegate_with_roles

from .test_services import add
from .test_uploads import csv_file

HEADER = ["Alıcı", "Kanal", "Alıcı Tipi", "Durum", "Kaynak", "İzin Tarihi"]
PHONE_ONAY = ["0532 111 22 33", "MESAJ", "BIREYSEL", "ONAY", "HS_WEB", "2024-01-10 10:00:00"]
PHONE_RET = ["0532 111 22 33", "MESAJ", "BIREYSEL", "RET", "HS_WEB", "2024-02-10 10:00:00"]


def assert_event_copies():
    """Every event names its consent's provider and brand; the latest event of each consent
    names who recorded the consent's current state; users and uploads named exist."""
    consents = {c.pk: c for c in Consent.objects.all()}
    assert consents
    latest = {}
    for event in ConsentEvent.objects.order_by("id"):
        consent = consents[event.consent_id]
        assert (event.service_provider_id, event.brand_id) == (
            consent.service_provider_id,
            consent.brand_id,
        ), event
        assert (event.recipient, event.channel) == (consent.recipient, consent.channel)
        latest[event.consent_id] = event
        # The referenced rows exist (no database constraint checks it any more).
        if event.recorded_by_id is not None:
            assert event.recorded_by is not None
        if event.upload_id is not None:
            assert event.upload is not None
        event.service_provider  # noqa: B018 — raises if missing
        event.brand  # noqa: B018
    assert latest.keys() == consents.keys()
    for pk, event in latest.items():
        consent = consents[pk]
        fields = ("recorded_via", "recorded_by_id", "upload_id", "api_client_id", "status")
        assert [getattr(event, f) for f in fields] == [getattr(consent, f) for f in fields]
        assert event.transaction_id == consent.transaction_id


def test_upload_then_portal_writes_copy_the_consents_values(
    run_upload, provider_client, provider, brand, other_brand, authorized_user
):
    def upload(target_brand, *rows):
        return run_upload(provider, target_brand, authorized_user, csv_file([HEADER, *rows]))

    first = upload(
        brand,
        PHONE_ONAY,
        ["ali@ornek.com.tr", "EPOSTA", "BIREYSEL", "ONAY", "HS_WEB", "2024-01-10 10:00"],
        ["0212 555 01 01", "ARAMA", "TACIR", "ONAY", "", ""],
    )
    assert first.created_count == 3
    assert upload(other_brand, PHONE_ONAY).created_count == 1
    assert upload(brand, PHONE_RET).changed_count == 1
    response = provider_client.post(
        reverse("consents:add"),
        {
            "brand": brand.pk,
            "recipient": "ali@ornek.com.tr",
            "channel": "EPOSTA",
            "recipient_type": "BIREYSEL",
            "status": "RET",
            "source": "HS_WEB",
            "consent_date": "2024-03-01T10:00",
        },
    )
    assert response.status_code == 302
    add(provider, other_brand, RecordedBy.portal_user(authorized_user), recipient="0533 000 00 01")
    assert ConsentEvent.objects.count() == 7
    assert_event_copies()


def test_the_orm_refuses_to_delete_what_an_event_refers_to(
    run_upload, provider, brand, authorized_user
):
    """The consent moves on (recorded by another user, not by the upload any more), so only
    its first event still names the upload, and through it the uploading user (an upload's
    rows carry no user of their own: the upload's ``created_by`` is who recorded them)."""
    uploaded = run_upload(provider, brand, authorized_user, csv_file([HEADER, PHONE_ONAY]))
    other_user = delegate_with_roles(provider, "consents").user
    add(
        provider,
        brand,
        RecordedBy.portal_user(other_user),
        recipient="0532 111 22 33",
        status="RET",
        consent_date="2024-02-01 10:00:00",
    )
    consent = Consent.objects.get()
    assert consent.upload_id is None and consent.recorded_by_id == other_user.pk
    first = ConsentEvent.objects.order_by("id").first()
    assert first.upload_id == uploaded.pk and first.recorded_by_id is None
    assert first.recorder == authorized_user and uploaded.created_by == authorized_user

    for target in (uploaded, brand, provider):
        with pytest.raises(ProtectedError) as refused:
            target.delete()
        assert first in refused.value.protected_objects, target
    # The uploading user is protected by the upload, which the event protects.
    with pytest.raises(ProtectedError) as refused:
        authorized_user.delete()
    assert uploaded in refused.value.protected_objects
    assert ConsentEvent.objects.count() == 2
