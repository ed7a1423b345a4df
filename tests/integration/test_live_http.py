"""The API driven the way an outside integrator's software does: plain HTTP (urllib) against a
live server, no Django test client."""

import json
import urllib.error
import urllib.parse
import urllib.request

import pytest

from brands.services import grant_revoke
from tests.factories import MembershipFactory

from .conftest import KNOWN, consent_body, make_world


def _call(url, body=None, token=None, form=False, headers=None):
    data = None
    all_headers = dict(headers or {})
    if body is not None:
        if form:
            data = urllib.parse.urlencode(body).encode()
            all_headers["Content-Type"] = "application/x-www-form-urlencoded"
        else:
            data = json.dumps(body).encode()
            all_headers["Content-Type"] = "application/json"
    if token:
        all_headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(url, data=data, headers=all_headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


@pytest.mark.django_db(transaction=True)
def test_an_integrator_session_over_http(live_server):
    world = make_world("partner_reconcile")
    api = f"{live_server.url}/api"
    status, tokens = _call(
        f"{api}/oauth2/token",
        {"grant_type": "password", "username": world.username, "password": world.secret},
        form=True,
    )
    assert status == 200
    token = tokens["access_token"]
    base = f"{api}/sps/{world.provider.iys_code}/brands/{world.brand.code}/consents"

    status, added = _call(base, consent_body("0532 444 55 66"), token)
    assert status == 200 and added["transactionId"]

    status, found = _call(
        f"{base}/status",
        {"recipient": "+905324445566", "recipientType": "BIREYSEL", "type": "MESAJ"},
        token,
    )
    assert (status, found["status"], found["transactionId"]) == (
        200,
        "ONAY",
        added["transactionId"],
    )

    rows = [consent_body("+905324445567"), {**consent_body("+905324445568"), "status": "BELKI"}]
    status, posted = _call(f"{base}/request", rows, token, headers={"Idempotency-Key": "k-1"})
    assert status == 200
    status, again = _call(f"{base}/request", rows, token, headers={"Idempotency-Key": "k-1"})
    assert again == posted
    status, results = _call(f"{base}/request/{posted['requestId']}", token=token)
    assert status == 200
    assert [(r["index"], r["status"]) for r in results] == [(0, "success"), (1, "failure")]
    assert results[1]["error"]["code"] == "status_invalid"

    status, feed = _call(f"{base}/changes?after=0&limit=50", token=token)
    assert status == 200
    assert [c["recipient"] for c in feed["list"]] == [KNOWN, "+905324445566", "+905324445567"]

    status, renewed = _call(
        f"{api}/oauth2/token",
        {"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]},
    )
    assert status == 200
    status, _body = _call(f"{base}/changes", token=token)
    assert status == 401

    grant_revoke(
        service_provider=world.provider,
        grant_id=world.grant.pk,
        actor=MembershipFactory(service_provider=world.provider).user,
    )
    status, refused = _call(f"{base}/changes", token=renewed["access_token"])
    assert status == 403 and refused["errors"][0]["code"] == "grant_not_found"
