"""Every role × situation × endpoint → the exact status and error code.

The roles are the rights İYS gives per brand × channel (docs/integration.md): a partner with
«write» (read + write), a partner with «read» only (the owner's choice on Marka Yönetimi: it may
query one consent and read its batches' results, never add or change), a partner with
«reconciliation» (read + write + mutabakat) and an AHS (always read-only, one recipient at a
time)."""

import uuid

import pytest
from django.utils import timezone

from brands.services import grant_revoke
from integration.access import Access, Right, access_check
from integration.models import ApiBatch
from integration.services import batch_submit
from tests.factories import MembershipFactory

from .conftest import KNOWN, Api, consent_body, error_code, make_world, record

ROLES = ["partner_write", "partner_read", "partner_reconcile", "ahs"]
SITUATIONS = [
    "granted",
    "other_channel",
    "other_brand",
    "other_provider",
    "revoked",
    "package_lapsed",
    "over_limit",
]
ENDPOINTS = ["add", "status", "batch", "batch_result", "changes"]

OK = (200, None)
GRANT = (403, "grant_not_found")
AHS = (403, "ahs_read_only")
NO_RIGHT = (403, "right_not_granted")
CHANNEL = (403, "channel_not_granted")
PACKAGE = (403, "package_inactive")
LIMIT = (422, "address_limit_exceeded")

PARTNER_WRITE = {
    "granted": {"add": OK, "status": OK, "batch": OK, "batch_result": OK, "changes": NO_RIGHT},
    "other_channel": {
        "add": CHANNEL,
        "status": CHANNEL,
        "batch": OK,
        "batch_result": OK,
        "changes": NO_RIGHT,
    },
    "package_lapsed": {
        "add": PACKAGE,
        "status": PACKAGE,
        "batch": PACKAGE,
        "batch_result": PACKAGE,
        "changes": NO_RIGHT,
    },
    "over_limit": {
        "add": LIMIT,
        "status": OK,
        "batch": OK,
        "batch_result": OK,
        "changes": NO_RIGHT,
    },
}
WRITES = ("add", "batch")
PARTNER_READ = {
    situation: {
        **row,
        # Refused for the right before the channel; the package is checked after the right.
        **dict.fromkeys(WRITES, NO_RIGHT),
    }
    for situation, row in PARTNER_WRITE.items()
}
PARTNER_RECONCILE = {
    situation: {**row, "changes": PACKAGE if situation == "package_lapsed" else OK}
    for situation, row in PARTNER_WRITE.items()
}
AHS_ROWS = {
    # AHS grants do not depend on the package (brands.packaging, J8)
    situation: {"add": AHS, "status": OK, "batch": AHS, "batch_result": AHS, "changes": AHS}
    for situation in ("granted", "package_lapsed", "over_limit")
}
AHS_ROWS["other_channel"] = {
    "add": AHS,
    "status": CHANNEL,
    "batch": AHS,
    "batch_result": AHS,
    "changes": AHS,
}
EXPECTED = {
    "partner_write": PARTNER_WRITE,
    "partner_read": PARTNER_READ,
    "partner_reconcile": PARTNER_RECONCILE,
    "ahs": AHS_ROWS,
}
for rows in EXPECTED.values():
    for situation in ("other_brand", "other_provider", "revoked"):
        rows[situation] = dict.fromkeys(ENDPOINTS, GRANT)


def _situate(world, situation):
    """Returns the (provider, brand) to call and the channel to use."""
    provider, brand, channel = world.provider, world.brand, "MESAJ"
    if situation == "other_channel":
        channel = "EPOSTA"
    elif situation == "other_brand":
        brand = world.other_brand
    elif situation == "other_provider":
        provider, brand = world.foreign_brand.service_provider, world.foreign_brand
    elif situation == "revoked":
        grant_revoke(
            service_provider=world.provider,
            grant_id=world.grant.pk,
            actor=MembershipFactory(service_provider=world.provider).user,
        )
    elif situation == "package_lapsed":
        world.subscription.ends_at = timezone.now() - timezone.timedelta(minutes=1)
        world.subscription.save(update_fields=["ends_at"])
    return provider, brand, channel


def _batch_for(world) -> str:
    """A batch of this brand sent earlier by the integrator (for the result endpoint)."""
    if not world.grant.is_partner:
        return str(uuid.uuid4())
    if not world.grant.can_write:  # sent while the partner could still write
        grant = world.grant
        access = Access(grant, grant.brand, grant.brand.service_provider, None)
        batch = batch_submit(
            access=access, api_user=world.api_user, rows=[consent_body()], body=b"1"
        )
        return str(batch.request_id)
    access = access_check(
        api_user=world.api_user,
        iys_code=world.provider.iys_code,
        brand_code=world.brand.code,
        right=Right.WRITE,
        log={},
    )
    batch = batch_submit(access=access, api_user=world.api_user, rows=[consent_body()], body=b"1")
    return str(batch.request_id)


def _call(api, endpoint, provider, brand, channel, request_id):
    base = f"/sps/{provider.iys_code}/brands/{brand.code}/consents"
    recipient = "yeni@ornek.com.tr" if channel == "EPOSTA" else "+905329990001"
    if endpoint == "add":
        return api.post(base, consent_body(recipient, channel))
    if endpoint == "status":
        known = "bilinen@ornek.com.tr" if channel == "EPOSTA" else KNOWN
        return api.post(
            f"{base}/status", {"recipient": known, "recipientType": "BIREYSEL", "type": channel}
        )
    if endpoint == "batch":
        return api.post(f"{base}/request", [consent_body(recipient, channel)])
    if endpoint == "batch_result":
        return api.get(f"{base}/request/{request_id}")
    return api.get(f"{base}/changes")


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize("situation", SITUATIONS)
@pytest.mark.parametrize("role", ROLES)
def test_matrix(db, client, role, situation, endpoint):
    world = make_world(role, limit=1 if situation == "over_limit" else 150_000)
    record(world.brand, "bilinen@ornek.com.tr", channel="EPOSTA")
    request_id = _batch_for(world) if endpoint == "batch_result" else None
    provider, brand, channel = _situate(world, situation)

    response = _call(Api(client, world.token), endpoint, provider, brand, channel, request_id)

    status, code = EXPECTED[role][situation][endpoint]
    assert response.status_code == status, response.content
    if code is None:
        assert "errors" not in response.json()
    else:
        assert error_code(response) == code
    if endpoint == "batch" and status == 200:
        assert ApiBatch.objects.filter(brand=brand).count() == 1
