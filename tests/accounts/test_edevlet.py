"""The real e-Devlet client against the simulator (same protocol), and its failure modes."""

import socket
import threading
from urllib.parse import parse_qs, urlparse

import pytest
from django.urls import reverse

from accounts.edevlet.client import EDevletClient, EDevletError
from accounts.middleware import SESSION_PROVIDER_KEY
from accounts.models import Membership
from tests.factories import MembershipFactory, ServiceProviderFactory, UserFactory

CALLBACK = "http://testserver/hesap/giris/e-devlet/donus/"


def _client(settings, base_url=None, timeout=5.0, secret=None):
    return EDevletClient(
        base_url=base_url or settings.EDEVLET_BASE_URL,
        client_id=settings.EDEVLET_CLIENT_ID,
        client_secret=secret or settings.EDEVLET_CLIENT_SECRET,
        timeout=timeout,
    )


def _simulator_code(client, edevlet_url, tckn="10000000146", password="demo"):
    """Play the person at the simulator's login page; return the redirect's query."""
    parsed = urlparse(edevlet_url)
    params = {k: v[0] for k, v in parse_qs(parsed.query).items()}
    response = client.post(
        parsed.path, {**params, "tckn": tckn, "password": password, "action": "login"}
    )
    assert response.status_code == 302, response.content[:500]
    return {k: v[0] for k, v in parse_qs(urlparse(response["Location"]).query).items()}


@pytest.mark.django_db(transaction=True)
def test_full_code_flow_against_simulator(edevlet_simulator, settings, client):
    edevlet = _client(settings)
    url = edevlet.authorization_url(state="abc123", redirect_uri=CALLBACK)
    assert "/OAuth2AuthorizationServer/AuthorizationController?" in url
    assert "scope=Kimlik-Dogrula" in url
    query = _simulator_code(client, url)
    assert query["state"] == "abc123"

    token = edevlet.exchange_code(code=query["code"], redirect_uri=CALLBACK)
    identity = edevlet.fetch_identity(access_token=token)
    assert identity.tckn == "10000000146"
    assert (identity.first_name, identity.last_name) == ("Ayşe", "Yılmaz")


@pytest.mark.django_db(transaction=True)
def test_code_is_single_use(edevlet_simulator, settings, client):
    edevlet = _client(settings)
    query = _simulator_code(client, edevlet.authorization_url(state="s", redirect_uri=CALLBACK))
    edevlet.exchange_code(code=query["code"], redirect_uri=CALLBACK)
    with pytest.raises(EDevletError) as exc:
        edevlet.exchange_code(code=query["code"], redirect_uri=CALLBACK)
    assert exc.value.code == "token_refused"


@pytest.mark.django_db(transaction=True)
def test_expired_code_is_refused(edevlet_simulator, settings, client):
    from django.utils import timezone

    from iys_portal.models import SimulatorState

    edevlet = _client(settings)
    query = _simulator_code(client, edevlet.authorization_url(state="s", redirect_uri=CALLBACK))
    # 60 seconds later: the code's time is up.
    SimulatorState.objects.filter(key=f"edevlet-sim:code:{query['code']}").update(
        expires_at=timezone.now()
    )
    with pytest.raises(EDevletError):
        edevlet.exchange_code(code=query["code"], redirect_uri=CALLBACK)


@pytest.mark.django_db(transaction=True)
def test_code_bound_to_redirect_uri_and_client_secret(edevlet_simulator, settings, client):
    edevlet = _client(settings)
    query = _simulator_code(client, edevlet.authorization_url(state="s", redirect_uri=CALLBACK))
    with pytest.raises(EDevletError):
        _client(settings, secret="wrong").exchange_code(code=query["code"], redirect_uri=CALLBACK)
    query = _simulator_code(client, edevlet.authorization_url(state="s", redirect_uri=CALLBACK))
    with pytest.raises(EDevletError):
        edevlet.exchange_code(code=query["code"], redirect_uri="http://evil.example/cb")


@pytest.mark.django_db(transaction=True)
def test_identity_error_code_is_reported(edevlet_simulator, settings):
    with pytest.raises(EDevletError) as exc:
        _client(settings).fetch_identity(access_token="not-a-token")
    assert "EDV09.002" in str(exc.value)


def test_wrong_password_at_simulator_shows_error(client, db, settings):
    edevlet = _client(settings)
    url = urlparse(edevlet.authorization_url(state="s", redirect_uri=CALLBACK))
    params = {k: v[0] for k, v in parse_qs(url.query).items()}
    response = client.post(url.path, {**params, "tckn": "10000000146", "password": "x"})
    assert response.status_code == 200
    assert "şifresi hatalı" in response.content.decode()
    assert "SİMÜLATÖR" in response.content.decode()


@pytest.fixture
def silent_server():
    """A TCP server that accepts connections and never answers."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(5)
    accepted = []
    stop = threading.Event()

    def accept():
        sock.settimeout(0.2)
        while not stop.is_set():
            try:
                accepted.append(sock.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    stop.set()
    thread.join()
    for conn in accepted:
        conn.close()
    sock.close()


def test_timeout_raises_clear_error(silent_server, settings):
    with pytest.raises(EDevletError) as exc:
        _client(settings, base_url=silent_server, timeout=0.3).exchange_code(
            code="c", redirect_uri=CALLBACK
        )
    assert exc.value.code == "timeout"
    assert "zamanında yanıt vermedi" in str(exc.value)


def test_unreachable_server_raises_clear_error(settings):
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()  # nothing listens there now
    with pytest.raises(EDevletError) as exc:
        _client(settings, base_url=f"http://127.0.0.1:{port}").exchange_code(
            code="c", redirect_uri=CALLBACK
        )
    assert exc.value.code == "unavailable"


# --- The login views ---------------------------------------------------------------------


def _login_through_simulator(client, tckn):
    start = client.get(reverse("accounts:edevlet_start"))
    assert start.status_code == 302
    query = _simulator_code(client, start["Location"], tckn=tckn)
    return client.get(reverse("accounts:edevlet_callback"), query)


@pytest.mark.django_db(transaction=True)
def test_authorized_person_logs_in_and_sees_company(edevlet_simulator, client):
    membership = MembershipFactory(user=UserFactory(tckn="10000000146"))
    response = _login_through_simulator(client, "10000000146")
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert client.session[SESSION_PROVIDER_KEY] == membership.service_provider_id
    home = client.get(reverse("home"))
    assert membership.service_provider.title in home.content.decode()
    user = membership.user
    user.refresh_from_db()
    assert user.first_name == "Ayşe"  # refreshed from e-Devlet
    assert not user.has_usable_password()


@pytest.mark.django_db(transaction=True)
def test_person_without_membership_sees_explanation(edevlet_simulator, client):
    response = _login_through_simulator(client, "11111111110")
    assert response["Location"] == reverse("accounts:no_membership")
    page = client.get(response["Location"])
    text = page.content.decode()
    assert page.status_code == 403
    assert "yalnızca hizmet sağlayıcı yetkili kişisinin" in text
    assert "YETKİLENDİRME TALEP FORMU" in text
    assert "_auth_user_id" not in client.session  # not logged in
    assert client.session["edevlet_refused_tckn"] == "11111111110"  # for their own requests


@pytest.mark.django_db(transaction=True)
def test_inactive_delegate_cannot_log_in(edevlet_simulator, client):
    MembershipFactory(
        user=UserFactory(tckn="12345678950"), role=Membership.Role.DELEGATE, is_active=False
    )
    response = _login_through_simulator(client, "12345678950")
    assert response["Location"] == reverse("accounts:no_membership")


@pytest.mark.django_db(transaction=True)
def test_person_of_two_companies_chooses_and_switches(edevlet_simulator, client):
    user = UserFactory(tckn="10000000146")
    first = MembershipFactory(user=user, service_provider=ServiceProviderFactory(title="Alfa A.Ş."))
    second = MembershipFactory(
        user=user, service_provider=ServiceProviderFactory(title="Beta Ltd.")
    )
    response = _login_through_simulator(client, "10000000146")
    assert response["Location"] == reverse("accounts:choose_provider")
    page = client.get(reverse("accounts:choose_provider")).content.decode()
    assert "Alfa A.Ş." in page and "Beta Ltd." in page

    client.post(
        reverse("accounts:choose_provider"), {"service_provider": second.service_provider_id}
    )
    assert client.session[SESSION_PROVIDER_KEY] == second.service_provider_id
    home = client.get(reverse("home")).content.decode()
    assert 'id="provider-switcher"' in home

    client.post(
        reverse("accounts:switch_provider"), {"service_provider": first.service_provider_id}
    )
    assert client.session[SESSION_PROVIDER_KEY] == first.service_provider_id


def test_switch_to_foreign_company_is_refused(client, authorized_membership, foreign_provider):
    from tests.conftest import login_as

    login_as(client, authorized_membership.user, authorized_membership.service_provider)
    response = client.post(
        reverse("accounts:switch_provider"), {"service_provider": foreign_provider.pk}
    )
    assert response.status_code == 302
    assert client.session[SESSION_PROVIDER_KEY] == authorized_membership.service_provider_id
    for tampered in ["", "abc", "-1", "99999999"]:
        client.post(reverse("accounts:switch_provider"), {"service_provider": tampered})
        assert client.session[SESSION_PROVIDER_KEY] == authorized_membership.service_provider_id


@pytest.mark.django_db(transaction=True)
def test_state_mismatch_is_refused(edevlet_simulator, client):
    start = client.get(reverse("accounts:edevlet_start"))
    query = _simulator_code(client, start["Location"])
    query["state"] = "forged"
    response = client.get(reverse("accounts:edevlet_callback"), query)
    assert response.status_code == 400
    assert "doğrulanamadı" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_callback_without_session_state_is_refused(client, db):
    response = client.get(reverse("accounts:edevlet_callback"), {"code": "x", "state": "y"})
    assert response.status_code == 400


@pytest.mark.django_db(transaction=True)
def test_cancel_at_edevlet(edevlet_simulator, client):
    start = urlparse(client.get(reverse("accounts:edevlet_start"))["Location"])
    params = {k: v[0] for k, v in parse_qs(start.query).items()}
    back = client.post(start.path, {**params, "action": "cancel"})
    query = {k: v[0] for k, v in parse_qs(urlparse(back["Location"]).query).items()}
    response = client.get(reverse("accounts:edevlet_callback"), query)
    assert response.status_code == 400
    assert "iptal edildi" in response.content.decode()


def test_edevlet_down_shows_clear_page(client, db, settings, silent_server):
    settings.EDEVLET_BASE_URL = silent_server
    settings.EDEVLET_TIMEOUT_SECONDS = 0.3
    client.get(reverse("accounts:edevlet_start"))
    state = client.session["edevlet_state"]
    response = client.get(reverse("accounts:edevlet_callback"), {"code": "c", "state": state})
    assert response.status_code == 502
    assert "zamanında yanıt vermedi" in response.content.decode()


def test_deactivated_delegate_loses_access_on_next_request(client, provider):
    from tests.conftest import login_as

    membership = MembershipFactory(service_provider=provider, role=Membership.Role.DELEGATE)
    login_as(client, membership.user, provider)
    assert provider.title in client.get(reverse("home")).content.decode()
    membership.is_active = False
    membership.save(update_fields=["is_active"])
    page = client.get(reverse("home")).content.decode()
    assert provider.title not in page
    assert SESSION_PROVIDER_KEY not in client.session


def test_session_expires_after_inactivity(provider_client, settings, provider):
    import time_machine
    from django.utils import timezone

    with time_machine.travel(timezone.now(), tick=False) as traveller:
        assert provider.title in provider_client.get(reverse("home")).content.decode()
        traveller.shift(settings.SESSION_IDLE_SECONDS + 5)
        response = provider_client.get(reverse("home"))
    assert "_auth_user_id" not in provider_client.session
    assert "oturumunuz sonlandırıldı" in response.content.decode()


def test_logout(provider_client):
    response = provider_client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in provider_client.session
    assert provider_client.get(reverse("accounts:logout")).status_code == 405


def test_activity_keeps_session_alive_without_writing_it_every_request(
    provider_client, settings, provider
):
    import time_machine
    from django.utils import timezone

    with time_machine.travel(timezone.now(), tick=False) as traveller:
        provider_client.get(reverse("home"))
        first_seen = provider_client.session["last_seen"]
        traveller.shift(10)
        provider_client.get(reverse("home"))
        assert provider_client.session["last_seen"] == first_seen  # no write within a minute
        for _ in range(3):
            traveller.shift(settings.SESSION_IDLE_SECONDS - 60)
            page = provider_client.get(reverse("home")).content.decode()
            assert provider.title in page
        assert provider_client.session["last_seen"] > first_seen
