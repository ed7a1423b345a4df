"""The README's commands, run as a new user runs them: `make run` on another port, the
documented gunicorn command with 3 workers, and what `seed_demo` prints."""

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from html.parser import HTMLParser
from http.cookiejar import CookieJar
from io import StringIO
from pathlib import Path
from urllib.parse import urlencode, urlparse

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[2]
PYTHON = str(Path(sys.executable))
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _clean_env(**overrides) -> dict:
    """The environment of a fresh shell: development defaults, nothing from this test run."""
    drop = ("DJANGO_", "EDEVLET", "IYZICO", "CACHE_URL", "PORTAL_BASE_URL", "CELERY", "DATABASE")
    env = {k: v for k, v in os.environ.items() if not k.startswith(drop)}
    env.update(overrides)
    return env


@pytest.fixture(scope="module")
def demo_database(tmp_path_factory):
    """A fresh SQLite database, migrated and seeded through manage.py as the README says."""
    base = tmp_path_factory.mktemp("two-commands")
    env = _clean_env(
        DATABASE_URL=f"sqlite:///{base / 'db.sqlite3'}", MEDIA_ROOT=str(base / "media")
    )
    outputs = []
    for command in (["migrate", "--noinput"], ["seed_demo"]):
        result = subprocess.run(
            [PYTHON, "manage.py", *command],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        outputs.append(result.stdout + result.stderr)
    return env, outputs[1]


def test_seed_demo_runs_without_warnings(demo_database):
    _env, output = demo_database
    assert "Demo verisi hazır." in output
    assert "WARNING" not in output, output  # e.g. kombu's "No hostname was supplied"


@pytest.mark.django_db
def test_seed_demo_prints_the_demo_companies_real_packages():
    from packages.models import Package, Subscription

    call_command("seed_demo", stdout=StringIO())
    # The demo was used: Anadolu Tekstil moved up to İLETİ-250.
    Subscription.objects.filter(service_provider__tax_number="1234567890").update(
        package=Package.objects.get(code="ileti-250")
    )
    second_run = StringIO()
    call_command("seed_demo", stdout=second_run)
    output = second_run.getvalue()
    assert re.search(r"Anadolu Tekstil Sanayi ve Ticaret A\.Ş\.: aktif İLETİ-250 \(", output)
    assert "İLETİ-75" not in output.split("Kampanya")[1].split("\n", 1)[1]
    assert "Boğaziçi Gıda Ürünleri Ltd. Şti.: paket yok" in output


@pytest.mark.parametrize("target", ["run", "worker", "beat"])
def test_make_derives_the_base_urls_from_host_and_port(target):
    result = subprocess.run(
        ["make", "-n", target, "PORT=8500", "HOST=127.0.0.1"],
        cwd=ROOT,
        env=_clean_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "PORTAL_BASE_URL=http://127.0.0.1:8500 " in result.stdout
    assert ":8000" not in result.stdout
    if target == "run":  # Django's banner says what the line above it already says
        assert "DJANGO_RUNSERVER_HIDE_WARNING=true" in result.stdout


def test_settings_derive_the_simulator_address_from_the_portal_base_url():
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'iys_portal.settings'; "
        "django.setup(); from django.conf import settings as s; "
        "print(s.PORTAL_BASE_URL, s.EDEVLET_BASE_URL)"
    )
    result = subprocess.run(
        [PYTHON, "-c", code],
        cwd=ROOT,
        env=_clean_env(PORTAL_BASE_URL="http://127.0.0.1:8500/"),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.split() == [
        "http://127.0.0.1:8500",
        "http://127.0.0.1:8500/edevlet-simulator",
    ], result.stderr


class _Form(HTMLParser):
    def __init__(self):
        super().__init__()
        self.fields: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input" and attrs.get("name"):
            self.fields[attrs["name"]] = attrs.get("value") or ""


def _login_through_the_simulator(base: str) -> str:
    """«e-Devlet ile Giriş» with a plain HTTP client that follows redirects and keeps cookies;
    returns the path the person lands on."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
    with opener.open(f"{base}/hesap/giris/e-devlet/", timeout=30) as response:
        simulator_url = response.url
        form = _Form()
        form.feed(response.read().decode())
    assert "/edevlet-simulator/" in simulator_url, simulator_url
    data = {**form.fields, "tckn": "10000000146", "password": "demo"}
    request = urllib.request.Request(
        simulator_url, data=urlencode(data).encode(), headers={"Referer": simulator_url}
    )
    with opener.open(request, timeout=30) as response:
        body = response.read().decode()
        path = urlparse(response.url).path
    assert "Ayşe Yılmaz" in body, (path, body[:500])
    return path


def test_documented_gunicorn_command_with_three_workers_logs_in_ten_times(demo_database, tmp_path):
    env, _ = demo_database
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    log = (tmp_path / "gunicorn.log").open("w+")
    server = subprocess.Popen(  # the README's line, on a free port
        [GUNICORN, "iys_portal.wsgi", "--workers", "3", "--bind", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env={**env, "PORTAL_BASE_URL": base},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{base}/healthz", timeout=5):
                    break
            except OSError:  # refused, or no worker ready to answer yet
                assert server.poll() is None, (tmp_path / "gunicorn.log").read_text()
                assert time.monotonic() < deadline, "gunicorn did not start within 60 s"
                time.sleep(0.3)
        landings = [_login_through_the_simulator(base) for _ in range(10)]
        assert landings == ["/hesap/firma-sec/"] * 10  # Ayşe is in, and picks a company
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
