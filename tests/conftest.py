import os

import pytest
from django.db import connection

from accounts.middleware import SESSION_PROVIDER_KEY
from accounts.models import Membership
from tests.factories import MembershipFactory, ServiceProviderFactory


def pytest_collection_modifyitems(config, items):
    on_postgres = os.environ.get("DATABASE_URL", "").startswith(("postgres", "psql"))
    require_postgres = os.environ.get("REQUIRE_POSTGRES") == "1"
    if require_postgres and not on_postgres:
        raise pytest.UsageError("REQUIRE_POSTGRES=1 but DATABASE_URL does not point at PostgreSQL")
    for item in items:
        if "tests/e2e/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.e2e)
        if item.get_closest_marker("postgres") and not on_postgres:
            item.add_marker(
                pytest.mark.skip(
                    reason="needs PostgreSQL row locks and parallel connections "
                    "(set DATABASE_URL=postgres://…; CI does)"
                )
            )


def login_as(client, user, service_provider=None):
    """Log ``user`` in on a Django test client, acting for ``service_provider``."""
    client.force_login(user)
    if service_provider is not None:
        session = client.session
        session[SESSION_PROVIDER_KEY] = service_provider.pk
        session.save()
    return client


@pytest.fixture
def provider(db):
    return ServiceProviderFactory()


@pytest.fixture
def authorized_membership(provider):
    return MembershipFactory(service_provider=provider, role=Membership.Role.AUTHORIZED)


@pytest.fixture
def authorized_user(authorized_membership):
    return authorized_membership.user


@pytest.fixture
def provider_client(client, authorized_membership):
    """A test client logged in as the authorized person of ``provider``."""
    return login_as(client, authorized_membership.user, authorized_membership.service_provider)


@pytest.fixture
def delegate_client(client, provider):
    membership = MembershipFactory(service_provider=provider, role=Membership.Role.DELEGATE)
    return login_as(client, membership.user, provider)


@pytest.fixture
def foreign_provider(db):
    return ServiceProviderFactory(title="Yabancı Firma A.Ş.")


@pytest.fixture
def foreign_client(client, foreign_provider):
    """A client acting for *another* company: every object URL of ``provider`` must 404 here."""
    membership = MembershipFactory(service_provider=foreign_provider)
    return login_as(client, membership.user, foreign_provider)


@pytest.fixture
def edevlet_simulator(live_server, settings):
    """Point the real e-Devlet client at the simulator served by a live test server."""
    settings.EDEVLET_BASE_URL = f"{live_server.url}/edevlet-simulator"
    return live_server


@pytest.fixture
def is_postgres():
    return connection.vendor == "postgresql"


@pytest.fixture
def celery_broker_worker(transactional_db, settings):
    """A real Celery worker thread consuming from the Redis broker in CELERY_BROKER_URL.

    Tasks queued while this fixture is active travel through Redis (not eager). Tests using it
    are marked ``broker``; they skip when no broker is configured, and CI configures one.
    """
    import os

    from celery.contrib.testing.worker import start_worker

    from iys_portal.celery import app

    broker_url = os.environ.get("CELERY_BROKER_URL", "")
    if not broker_url.startswith("redis://"):
        if os.environ.get("CI"):
            pytest.fail("CI must provide CELERY_BROKER_URL=redis://… for broker tests")
        pytest.skip("no Redis broker configured (CELERY_BROKER_URL); CI sets one")
    previous = {
        "broker_url": app.conf.broker_url,
        "result_backend": app.conf.result_backend,
        "task_always_eager": app.conf.task_always_eager,
    }
    app.conf.update(
        broker_url=broker_url,
        result_backend=app.conf.result_backend or broker_url,
        task_always_eager=False,
    )
    _forget_result_backend(app)
    settings.CELERY_TASK_ALWAYS_EAGER = False
    # Messages an earlier test left on the broker (sent with no worker to take them) would be
    # this worker's first tasks, about rows that no longer exist: every test starts empty.
    app.control.purge()
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            yield app
    finally:
        app.conf.update(**previous)
        _forget_result_backend(app)


def _forget_result_backend(app):
    """Celery caches the result backend it first built (a disabled one when none was set)."""
    app._backend_cache = None
    vars(app._local).pop("backend", None)
