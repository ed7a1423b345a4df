"""Production settings: `check --deploy` clean with real secrets; simulators refuse to start."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION_ENV = {
    "DJANGO_ENV": "production",
    "SECRET_KEY": "x" * 20 + "-production-secret-key-with-enough-entropy-1234567890",
    "ALLOWED_HOSTS": "portal.example.com",
    "DATABASE_URL": "sqlite:////tmp/iys-deploy-check.sqlite3",
    "EDEVLET_SIMULATOR": "false",
    "EDEVLET_CLIENT_ID": "client",
    "EDEVLET_CLIENT_SECRET": "secret",
    "PAYMENT_GATEWAY": "iyzico",
    "IYZICO_API_KEY": "api-key",
    "IYZICO_SECRET_KEY": "secret-key",
    "IYZICO_BASE_URL": "api.iyzipay.com",
    # Shared rate-limit cache and https links in e-mails (accounts.checks).
    "CACHE_URL": "redis://127.0.0.1:6379/1",
    "PORTAL_BASE_URL": "https://portal.example.com",
    # Files in a private bucket shared by every machine (iys.W001).
    "AWS_STORAGE_BUCKET_NAME": "iys-portal-files",
    # The receipt issuer, said explicitly (iys.W002, iys.E007).
    "ISSUER_NAME": "İleti Yönetim Sistemi A.Ş.",
    "ISSUER_ADDRESS": "Barbaros Mah. Begonya Sok. No: 3, 34746 Ataşehir / İstanbul",
    "ISSUER_TAX_OFFICE": "Kozyatağı",
    "ISSUER_TAX_NUMBER": "4700619860",
    "ISSUER_MERSIS": "0470061986000015",
}


def _check(env_overrides: dict, *args: str) -> subprocess.CompletedProcess:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(
            ("DJANGO_", "EDEVLET", "IYZICO", "CACHE_URL", "PORTAL_BASE_URL", "AWS_", "ISSUER_")
        )
    }
    env.pop("DATABASE_URL", None)
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "manage.py", "check", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_passes_check_deploy_without_warnings():
    result = _check(PRODUCTION_ENV, "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    ("override", "error_id"),
    [({"EDEVLET_SIMULATOR": "true"}, "iys.E004"), ({"PAYMENT_GATEWAY": "fake"}, "iys.E004")],
)
def test_production_refuses_simulators(override, error_id):
    result = _check({**PRODUCTION_ENV, **override})
    assert result.returncode != 0
    assert error_id in result.stdout + result.stderr


def test_production_needs_a_secret_key():
    env = dict(PRODUCTION_ENV)
    env.pop("SECRET_KEY")
    result = _check(env)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_reports_missing_payment_secrets():
    result = _check({**PRODUCTION_ENV, "IYZICO_SECRET_KEY": ""}, "--deploy")
    assert result.returncode != 0
    assert "iys.E003" in result.stdout + result.stderr


@pytest.mark.parametrize(
    ("override", "error_id"),
    [({"CACHE_URL": "dummycache://"}, "accounts.E001"), ({"PORTAL_BASE_URL": ""}, "accounts.E002")],
)
def test_production_refuses_unlimited_forms_and_plain_links(override, error_id):
    env = {**PRODUCTION_ENV, **override}
    if not env["PORTAL_BASE_URL"]:
        env.pop("PORTAL_BASE_URL")
    result = _check(env, "--deploy")
    assert result.returncode != 0
    assert error_id in result.stdout + result.stderr


@pytest.mark.parametrize("host", ["sandbox-api.iyzipay.com", "http://127.0.0.1:9000"])
def test_production_refuses_sandbox_or_plain_http_iyzico(host):
    result = _check({**PRODUCTION_ENV, "IYZICO_BASE_URL": host}, "--deploy")
    assert result.returncode != 0
    assert "iys.E005" in result.stdout + result.stderr


def test_production_with_plain_http_iyzico_refuses_to_start():
    """The plain ``check`` (run on every start, e.g. by runserver and migrate) fails."""
    result = _check({**PRODUCTION_ENV, "IYZICO_BASE_URL": "http://api.iyzipay.com"})
    assert result.returncode != 0
    assert "iys.E006" in result.stdout + result.stderr


def test_development_may_use_the_plain_http_double():
    env = {
        k: v
        for k, v in PRODUCTION_ENV.items()
        if k not in ("DJANGO_ENV", "SECRET_KEY", "EDEVLET_SIMULATOR")
    }
    result = _check({**env, "IYZICO_BASE_URL": "http://127.0.0.1:9000"})
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_on_the_local_disk_warns_that_files_stay_on_one_machine():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "AWS_STORAGE_BUCKET_NAME"}
    result = _check(env, "--deploy")
    assert result.returncode == 0, result.stdout + result.stderr  # a warning: one machine is fine
    assert "iys.W001" in result.stdout + result.stderr
    assert "another web instance or a worker" in result.stdout + result.stderr
    assert _check(env, "--deploy", "--fail-level", "WARNING").returncode != 0


def test_development_on_the_local_disk_is_not_warned():
    env = {
        k: v
        for k, v in PRODUCTION_ENV.items()
        if k not in ("DJANGO_ENV", "SECRET_KEY", "AWS_STORAGE_BUCKET_NAME")
    }
    result = _check(env)
    assert "iys.W001" not in result.stdout + result.stderr


def test_production_with_the_built_in_issuer_warns():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k not in ("ISSUER_NAME", "ISSUER_MERSIS")}
    result = _check(env, "--deploy")
    assert "iys.W002" in result.stdout + result.stderr
    assert "ISSUER_NAME, ISSUER_MERSIS" in result.stdout + result.stderr
    assert _check(env, "--deploy", "--fail-level", "WARNING").returncode != 0


def test_production_with_an_empty_issuer_field_refuses():
    result = _check({**PRODUCTION_ENV, "ISSUER_TAX_NUMBER": " "}, "--deploy")
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert "iys.E007" in output and "ISSUER_TAX_NUMBER" in output
