"""Real processes for the multi-instance and failure tests: throw-away Redis and PostgreSQL
on free ports (never the machine's shared ones), moto's S3 server, gunicorn instances, a
Celery worker, and a small HTML-form client over plain HTTP."""

import email
import glob
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from html import unescape
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, timeout: float = 30.0, proc: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"process exited ({proc.returncode}) before port {port} opened")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"nothing listens on port {port} after {timeout}s")


def need(executable: str) -> str:
    path = shutil.which(executable) or (
        str(BIN / executable) if (BIN / executable).exists() else None
    )
    if not path:
        pytest.skip(f"{executable} is not installed")
    return path


def stop(proc: subprocess.Popen | None, sig=signal.SIGTERM, timeout: float = 15.0) -> None:
    if proc is None or proc.poll() is not None:
        return
    proc.send_signal(sig)
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(5)


class RedisServer:
    """``redis-server`` on its own port, no persistence: stop() is a real outage."""

    def __init__(self):
        self.binary = need("redis-server")
        self.port = free_port()
        self.proc = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}"

    def start(self):
        self.proc = subprocess.Popen(
            [
                self.binary,
                "--port",
                str(self.port),
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "no",
                "--bind",
                "127.0.0.1",
            ],
            stdout=subprocess.DEVNULL,
        )
        wait_for_port(self.port, proc=self.proc)
        return self

    def stop(self):
        stop(self.proc, signal.SIGKILL)


class PostgresCluster:
    """A private PostgreSQL (initdb into a temp dir, run as the postgres user when root)."""

    def __init__(self):
        found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
        if not found:
            pytest.skip("PostgreSQL server binaries (/usr/lib/postgresql/*/bin) not found")
        self.bin = Path(found[-1]).parent
        self.port = free_port()
        self.dir = tempfile.mkdtemp(prefix="iys-pg-")
        self.prefix = []
        if os.geteuid() == 0:
            if not shutil.which("runuser"):
                pytest.skip("running as root without runuser: cannot start PostgreSQL")
            shutil.chown(self.dir, "postgres", "postgres")
            self.prefix = ["runuser", "-u", "postgres", "--"]
        self.data = os.path.join(self.dir, "data")

    def _run(self, *args, check=True):
        return subprocess.run(
            [*self.prefix, *args], check=check, capture_output=True, text=True, timeout=120
        )

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/iys"

    def start(self):
        if not os.path.exists(self.data):
            self._run(
                str(self.bin / "initdb"),
                "-D",
                self.data,
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--no-sync",
            )
        self._run(
            str(self.bin / "pg_ctl"),
            "-D",
            self.data,
            "-w",
            "-l",
            os.path.join(self.dir, "log"),
            "-o",
            f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off",
            "start",
        )
        return self

    def create_database(self):
        self._run(
            str(self.bin / "createdb"),
            "-h",
            "127.0.0.1",
            "-p",
            str(self.port),
            "-U",
            "postgres",
            "iys",
        )

    def restart(self):
        self._run(
            str(self.bin / "pg_ctl"),
            "-D",
            self.data,
            "-w",
            "-m",
            "fast",
            "restart",
            "-o",
            f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off",
        )

    def stop(self):
        self._run(str(self.bin / "pg_ctl"), "-D", self.data, "-m", "immediate", "stop", check=False)
        shutil.rmtree(self.dir, ignore_errors=True)


class MotoS3:
    """moto's S3 in server mode: an S3-compatible endpoint on a free port."""

    def __init__(self):
        pytest.importorskip("moto.server", reason="moto[server] is not installed")
        self.port = free_port()
        self.proc = None

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, bucket: str):
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for_port(self.port, proc=self.proc)
        self.client().create_bucket(Bucket=bucket)
        return self

    def client(self):
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            region_name="us-east-1",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )

    def stop(self):
        stop(self.proc)


def portal_env(**overrides) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST"))}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "iys_portal.settings",
            "DEBUG": "false",
            "SECRET_KEY": "multi-instance-test-secret-" + "x" * 30,
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "LOG_LEVEL": "WARNING",
        }
    )
    env.update({k: str(v) for k, v in overrides.items()})
    return env


def gunicorn(env: dict, port: int, workers: int = 2) -> subprocess.Popen:
    proc = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "iys_portal.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--timeout",
            "60",
            "--graceful-timeout",
            "5",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
    )
    wait_for_port(port, timeout=60, proc=proc)
    return proc


def celery_worker(env: dict, *, pool: str = "prefork", concurrency: int = 1) -> subprocess.Popen:
    return subprocess.Popen(
        [
            str(BIN / "celery"),
            "-A",
            "iys_portal",
            "worker",
            "--pool",
            pool,
            "--concurrency",
            str(concurrency),
            "--loglevel",
            "WARNING",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
    )


def pool_children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            return [int(x) for x in f.read().split()]
    except OSError:
        return []


def mails(directory: str) -> list[email.message.Message]:
    """Every message the file-based e-mail backend wrote."""
    found = []
    for path in sorted(Path(directory).glob("*.log")):
        for chunk in path.read_bytes().split(b"-" * 79):
            if chunk.strip():
                found.append(email.message_from_bytes(chunk.strip() + b"\n"))
    return found


def mail_text(message) -> str:
    for part in message.walk():
        if part.get_content_type() == "text/plain":
            return part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")
    return ""


def wait_until(condition, timeout: float, what: str, interval: float = 0.5):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


_FORM = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.S | re.I)
_ATTR_QUOTED = re.compile(r"""([\w-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")


def _attrs(tag: str) -> dict:
    return {name: dq or sq for name, dq, sq in _ATTR_QUOTED.findall(tag)}


def forms(html: str) -> list[dict]:
    """The page's forms: action, method, default field values (hidden, text, checked boxes,
    selected options), and their inner HTML to pick one by its text."""
    result = []
    for attrs, body in _FORM.findall(html):
        a = _attrs(attrs)
        fields: list[tuple[str, str]] = []
        for tag in re.findall(r"<input\b[^>]*>", body, re.I):
            t = _attrs(tag)
            kind = t.get("type", "text").lower()
            if "name" not in t or kind in ("submit", "button", "file"):
                continue
            if kind in ("checkbox", "radio") and " checked" not in tag:
                continue
            fields.append((t["name"], unescape(t.get("value", "on" if kind == "checkbox" else ""))))
        result.append(
            {
                "action": unescape(a.get("action", "")),
                "method": a.get("method", "get").lower(),
                "fields": fields,
                "html": body,
            }
        )
    return result


def pick_form(html: str, containing: str) -> dict:
    for form in forms(html):
        if containing in unescape(form["html"]):
            return form
    raise AssertionError(f"no form containing {containing!r} on the page:\n{html[:3000]}")


def submit(http, base: str, page: requests.Response, containing: str, **values):
    form = pick_form(page.text, containing)
    data = dict(form["fields"])
    data.update(values)
    action = form["action"] or page.url
    url = (
        action
        if action.startswith("http")
        else base + action
        if action.startswith("/")
        else page.url
    )
    url = re.sub(r"^http://127\.0\.0\.1:\d+", base, url)
    if form["method"] == "get":
        return http.get(url, params=data, timeout=30)
    return http.post(url, data=data, headers={"Referer": url}, timeout=30)


def edevlet_login(http, portal: str, simulator: str, tckn: str):
    """Log in on ``portal`` through the e-Devlet simulator served at ``simulator``."""
    page = http.get(f"{portal}/hesap/giris/e-devlet/", timeout=30)
    assert page.url.startswith(f"{simulator}/edevlet-simulator/"), page.url
    page = submit(http, simulator, page, "tckn", tckn=tckn, password="demo", action="login")
    assert page.url.startswith(portal), page.url
    return page


def accept_contract_for_ileti_150(http, portal: str):
    """Paket Seçimi → Sözleşme Onay: the order waits for payment on the payment step."""
    page = http.get(f"{portal}/paket/satin-al/?phone_count=100000&email_count=120000", timeout=30)
    page = submit(http, portal, page, "İLETİ-150")
    assert "/sozlesme/" in page.url, page.url
    return submit(http, portal, page, "Onayla ve Ödeme Adımına Geç", accept="on")
