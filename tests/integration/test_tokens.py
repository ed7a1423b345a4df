import pytest
import time_machine
from django.utils import timezone

from integration.credentials import api_tokens_revoke, api_user_disable, digest
from integration.models import AccessLog, ApiToken, ApiUser

from .conftest import KNOWN, Api, error_code


def _status(client, world, token):
    base = f"/sps/{world.provider.iys_code}/brands/{world.brand.code}/consents"
    body = {"recipient": KNOWN, "recipientType": "BIREYSEL", "type": "MESAJ"}
    return Api(client, token).post(f"{base}/status", body)


def _form(client, **params):
    from urllib.parse import urlencode

    return client.post(
        "/api/oauth2/token", urlencode(params), content_type="application/x-www-form-urlencoded"
    )


def _json(client, **params):
    return client.post("/api/oauth2/token", params, content_type="application/json")


def _multipart(client, **params):
    return client.post("/api/oauth2/token", params)  # the test client's default: multipart


@pytest.mark.parametrize("send", [_json, _form, _multipart], ids=["json", "form", "multipart"])
def test_password_grant_in_both_formats_gives_a_working_token(client, world, send):
    response = send(client, grant_type="password", username=world.username, password=world.secret)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] > 0 and body["refresh_expires_in"] > body["expires_in"]
    assert _status(client, world, body["access_token"]).status_code == 200
    stored = ApiToken.objects.get(access_hash=digest(body["access_token"]))
    assert body["access_token"] not in (stored.access_hash, stored.refresh_hash)


def test_secret_is_stored_hashed(world):
    user = ApiUser.objects.get(pk=world.api_user.pk)
    assert user.secret_hash == digest(world.secret) and world.secret not in user.secret_hash


@pytest.mark.parametrize("send", [_json, _form], ids=["json", "form"])
def test_wrong_password_is_refused(client, world, send):
    response = send(client, grant_type="password", username=world.username, password="yanlis")
    assert response.status_code == 401
    assert error_code(response) == "invalid_grant"
    assert AccessLog.objects.filter(endpoint="token", http_status=401).exists()


def test_unknown_grant_type(client, world):
    response = _json(client, grant_type="client_credentials")
    assert response.status_code == 422 and error_code(response) == "unsupported_grant_type"


def test_disabled_user_gets_no_token_and_its_tokens_stop(client, world):
    api_user_disable(api_user=world.api_user)
    response = _json(client, grant_type="password", username=world.username, password=world.secret)
    assert response.status_code == 401 and error_code(response) == "invalid_grant"
    response = _status(client, world, world.token)
    assert response.status_code == 401 and error_code(response) == "invalid_token"


def test_inactive_integrator_stops_its_users(client, world):
    world.grant.integrator.is_active = False
    world.grant.integrator.save(update_fields=["is_active"])
    assert _status(client, world, world.token).status_code == 401


def test_expired_access_token(client, world):
    with time_machine.travel(timezone.now() + timezone.timedelta(hours=2), tick=False):
        response = _status(client, world, world.token)
    assert response.status_code == 401 and error_code(response) == "invalid_token"


def test_revoked_tokens(client, world):
    api_tokens_revoke(api_user=world.api_user)
    assert _status(client, world, world.token).status_code == 401


def test_missing_or_garbage_token(client, world):
    assert error_code(_status(client, world, None)) == "invalid_token"
    assert _status(client, world, "x" * 40).status_code == 401


@pytest.mark.parametrize("send", [_json, _form], ids=["json", "form"])
def test_refresh_renews_once_and_ends_the_old_pair(client, world, send):
    first = _json(
        client, grant_type="password", username=world.username, password=world.secret
    ).json()
    response = send(client, grant_type="refresh_token", refresh_token=first["refresh_token"])
    assert response.status_code == 200, response.content
    renewed = response.json()
    assert _status(client, world, renewed["access_token"]).status_code == 200
    assert _status(client, world, first["access_token"]).status_code == 401
    again = send(client, grant_type="refresh_token", refresh_token=first["refresh_token"])
    assert again.status_code == 401 and error_code(again) == "invalid_grant"


def test_expired_refresh_token(client, world):
    first = _json(
        client, grant_type="password", username=world.username, password=world.secret
    ).json()
    with time_machine.travel(timezone.now() + timezone.timedelta(days=2), tick=False):
        response = _json(client, grant_type="refresh_token", refresh_token=first["refresh_token"])
    assert response.status_code == 401


def test_refresh_of_a_disabled_user(client, world):
    first = _json(
        client, grant_type="password", username=world.username, password=world.secret
    ).json()
    api_user_disable(api_user=world.api_user)
    response = _json(client, grant_type="refresh_token", refresh_token=first["refresh_token"])
    assert response.status_code == 401


def test_rate_limit_answers_429_with_retry_after(client, world, settings):
    from django.core.cache import cache

    cache.clear()
    world.api_user.rate_limit = 3
    world.api_user.save(update_fields=["rate_limit"])
    with time_machine.travel(timezone.now().replace(second=5), tick=False):
        codes = [_status(client, world, world.token).status_code for _ in range(4)]
        last = _status(client, world, world.token)
    assert codes == [200, 200, 200, 429]
    assert last.status_code == 429 and error_code(last) == "rate_limited"
    assert int(last["Retry-After"]) == 55
    assert AccessLog.objects.filter(error_code="rate_limited").count() == 2
