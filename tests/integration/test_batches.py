import json

import pytest

from brands.services import grant_revoke
from consents.models import Consent, ConsentEvent
from integration.models import ApiBatch
from integration.services import batch_process
from tests.factories import MembershipFactory

from .conftest import Api, consent_body, error_code, make_world


def _base(world):
    return f"/sps/{world.provider.iys_code}/brands/{world.brand.code}/consents"


ROWS = [
    consent_body("+905320000001"),  # 0 good
    {**consent_body("+905320000002"), "type": "FAKS"},  # 1 bad channel
    consent_body("0532 000 00 01"),  # 2 duplicate of 0 (same number, other spelling)
    {**consent_body("+905320000003"), "source": ""},  # 3 BIREYSEL without a source
    consent_body("ali@ornek.com.tr", channel="EPOSTA"),  # 4 channel not granted
    consent_body("+905320000004", status="RET"),  # 5 good
]


def test_batch_with_good_bad_and_duplicate_rows(client, world, django_capture_on_commit_callbacks):
    api = Api(client, world.token)
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(f"{_base(world)}/request", ROWS)
    assert response.status_code == 200, response.content
    request_id = response.json()["requestId"]

    rows = api.get(f"{_base(world)}/request/{request_id}").json()

    assert [r["index"] for r in rows] == list(range(len(ROWS)))
    assert [r["status"] for r in rows] == [
        "success",
        "failure",
        "failure",
        "failure",
        "failure",
        "success",
    ]
    codes = {r["index"]: r["error"]["code"] for r in rows if r["status"] == "failure"}
    assert codes == {
        1: "type_invalid",
        2: "duplicate_row",
        3: "source_required",
        4: "channel_not_granted",
    }
    assert rows[1]["error"]["location"] == "type"
    assert "Kanal" in rows[1]["error"]["message"]
    assert set(
        Consent.objects.filter(brand=world.brand, api_client_id=world.api_user.pk).values_list(
            "recipient", "status"
        )
    ) == {("+905320000001", "ONAY"), ("+905320000004", "RET")}


def test_results_are_enqueue_until_processed(client, world):
    api = Api(client, world.token)
    request_id = api.post(f"{_base(world)}/request", ROWS[:2]).json()["requestId"]
    rows = api.get(f"{_base(world)}/request/{request_id}").json()
    assert rows == [{"index": 0, "status": "enqueue", "transactionId": None, "error": None}] + [
        {"index": 1, "status": "enqueue", "transactionId": None, "error": None}
    ]


def test_same_idempotency_key_and_body_is_processed_once(
    client, world, django_capture_on_commit_callbacks
):
    api = Api(client, world.token)
    headers = {"Idempotency-Key": "gonderim-42"}
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        first = api.post(f"{_base(world)}/request", ROWS[:1], headers)
        second = api.post(f"{_base(world)}/request", ROWS[:1], headers)
    assert first.json() == second.json()
    assert len(callbacks) == 1
    assert ApiBatch.objects.filter(api_user=world.api_user).count() == 1
    assert ConsentEvent.objects.filter(recipient="+905320000001").count() == 1

    other = api.post(f"{_base(world)}/request", ROWS[5:], headers)
    assert other.status_code == 422 and error_code(other) == "idempotency_key_reused"


def test_without_a_key_a_repost_is_a_new_batch(client, world):
    api = Api(client, world.token)
    a = api.post(f"{_base(world)}/request", ROWS[:1]).json()
    b = api.post(f"{_base(world)}/request", ROWS[:1]).json()
    assert a != b


def test_running_the_task_again_changes_nothing(client, world):
    api = Api(client, world.token)
    request_id = api.post(f"{_base(world)}/request", ROWS).json()["requestId"]
    batch = ApiBatch.objects.get(request_id=request_id)
    batch_process(batch_id=batch.pk)
    events = ConsentEvent.objects.count()
    results = ApiBatch.objects.get(pk=batch.pk).results
    batch_process(batch_id=batch.pk)
    assert ConsentEvent.objects.count() == events
    assert ApiBatch.objects.get(pk=batch.pk).results == results


def test_grant_revoked_before_processing_fails_every_row(client, world):
    api = Api(client, world.token)
    request_id = api.post(f"{_base(world)}/request", ROWS[:2]).json()["requestId"]
    grant_revoke(
        service_provider=world.provider,
        grant_id=world.grant.pk,
        actor=MembershipFactory(service_provider=world.provider).user,
    )
    batch = ApiBatch.objects.get(request_id=request_id)
    batch_process(batch_id=batch.pk)
    batch.refresh_from_db()
    assert [r["error"]["code"] for r in batch.results] == ["grant_not_found"] * 2
    assert not Consent.objects.filter(recipient="+905320000001").exists()


def test_batch_over_the_limit_of_rows_and_empty(client, world):
    api = Api(client, world.token)
    too_many = [consent_body(f"+9053210{i:05d}") for i in range(1001)]
    response = api.post(f"{_base(world)}/request", too_many)
    assert response.status_code == 422 and error_code(response) == "batch_too_large"
    response = api.post(f"{_base(world)}/request", [])
    assert response.status_code == 422 and error_code(response) == "batch_empty"
    assert not ApiBatch.objects.exists()


def test_a_batch_of_another_integrator_is_not_found(client, db):
    mine, theirs = make_world(), make_world()
    request_id = (
        Api(client, theirs.token).post(f"{_base(theirs)}/request", ROWS[:1]).json()["requestId"]
    )
    response = Api(client, mine.token).get(f"{_base(mine)}/request/{request_id}")
    assert response.status_code == 404 and error_code(response) == "request_not_found"


def test_address_limit_in_a_batch(client, db, django_capture_on_commit_callbacks):
    world = make_world(limit=2)  # the world holds one approved phone already
    rows = [
        consent_body("+905320000011"),  # new: count 2, allowed
        consent_body("+905320000012"),  # new: beyond the limit
        consent_body("+905320000013", status="RET"),  # RET: always accepted
        consent_body("+905320000011", channel="ARAMA"),  # an address already counted
    ]
    with django_capture_on_commit_callbacks(execute=True):
        request_id = (
            Api(client, world.token).post(f"{_base(world)}/request", rows).json()["requestId"]
        )
    results = ApiBatch.objects.get(request_id=request_id).results
    assert [r["status"] for r in results] == ["success", "failure", "success", "success"]
    assert results[1]["error"]["code"] == "address_limit_exceeded"


def test_malformed_json_body(client, world):
    response = client.post(
        f"/api{_base(world)}/request",
        "[{",
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {world.token}",
    )
    assert response.status_code in (400, 422)
    assert json.loads(response.content)["errors"][0]["code"] == "body_invalid"


@pytest.mark.parametrize("limit", [1])
def test_single_add_over_the_limit_keeps_existing_changes_and_ret(client, db, limit):
    from .conftest import KNOWN

    world = make_world(limit=limit)
    api = Api(client, world.token)
    new = api.post(_base(world), consent_body("+905320000021"))
    assert new.status_code == 422 and error_code(new) == "address_limit_exceeded"
    assert new.json()["errors"][0]["location"] == "recipient"
    assert api.post(_base(world), consent_body("+905320000022", status="RET")).status_code == 200
    assert api.post(_base(world), consent_body(KNOWN, channel="ARAMA")).status_code == 200
    assert api.post(_base(world), consent_body(KNOWN, status="RET")).status_code == 200
