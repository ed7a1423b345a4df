import os

import pytest
from django.db import connection


@pytest.fixture
def shared_postgres_test_db(transactional_db):
    """The test database, reachable by other processes (gunicorn, the worker) by URL."""
    if connection.vendor != "postgresql":
        if os.environ.get("CI"):
            pytest.fail("CI must run the multi-instance tests on PostgreSQL (DATABASE_URL)")
        pytest.skip("needs PostgreSQL (DATABASE_URL=postgres://…): instances share the database")
    s = connection.settings_dict
    return f"postgres://{s['USER']}:{s['PASSWORD'] or ''}@{s['HOST']}:{s['PORT']}/{s['NAME']}"
