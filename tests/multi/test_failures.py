"""When a part fails, nothing is lost: real Redis, PostgreSQL and Celery worker processes of the
test's own (throw-away instances on free ports, never the machine's shared ones), stopped or
killed for real."""

import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import psycopg
import pytest
import requests
from celery import Celery

from accounts.models import AuthorizationRequest
from iys_portal.models import HeldTask
from packages.models import ContractAcceptance, Order
from payments.models import TransferNotice
from tests.factories import (
    BankAccountFactory,
    ContractAcceptanceFactory,
    ContractVersionFactory,
    MembershipFactory,
    OrderFactory,
    catalog,
)
from tests.multi import harness as h

pytestmark = pytest.mark.multi


@pytest.fixture
def outage_env(shared_postgres_test_db, monkeypatch):
    # Celery reads CELERY_BROKER_URL / CELERY_RESULT_BACKEND from the environment before any
    # configuration (CI sets both): this process's own Celery clients must use the private Redis.
    monkeypatch.delenv("CELERY_BROKER_URL", raising=False)
    monkeypatch.delenv("CELERY_RESULT_BACKEND", raising=False)
    redis = h.RedisServer().start()
    media = tempfile.mkdtemp(prefix="iys-media-")
    mail_dir = tempfile.mkdtemp(prefix="iys-mail-")
    port = h.free_port()
    env = h.portal_env(
        DATABASE_URL=shared_postgres_test_db,
        CONN_MAX_AGE=60,
        CACHE_URL=f"{redis.url}/1",
        CELERY_BROKER_URL=f"{redis.url}/0",
        CELERY_TASK_ALWAYS_EAGER="false",
        MEDIA_ROOT=media,
        EMAIL_URL=f"filemail:///{mail_dir}",  # four slashes: an absolute path
        PORTAL_BASE_URL=f"http://127.0.0.1:{port}",
    )
    procs = []
    try:
        procs.append(h.gunicorn(env, port))
        yield {
            "url": f"http://127.0.0.1:{port}",
            "redis": redis,
            "env": env,
            "media": media,
            "mail": mail_dir,
            "procs": procs,
        }
    finally:
        for proc in procs:
            h.stop(proc)
        redis.stop()
        shutil.rmtree(media, ignore_errors=True)
        shutil.rmtree(mail_dir, ignore_errors=True)


def _manage(env, *args) -> str:
    return subprocess.run(
        [str(h.BIN / "python"), "manage.py", *args],
        cwd=h.ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    ).stdout


@pytest.mark.postgres
@pytest.mark.broker
def test_redis_outage_pages_serve_and_queued_work_arrives_once_afterwards(outage_env):
    base, redis, env = outage_env["url"], outage_env["redis"], outage_env["env"]
    membership = MembershipFactory(service_provider__title="Anadolu Tekstil A.Ş.")
    provider = membership.service_provider
    catalog()
    ContractVersionFactory(version="2026.1")
    BankAccountFactory()
    http = requests.Session()
    h.edevlet_login(http, base, base, membership.user.tckn)

    redis.stop()  # broker and cache are gone (SIGKILL)

    # Every page still serves: the session is in the database, the cache degrades.
    for path in ("/", "/paket/", "/paket/satin-al/", "/hesap/yetkilendirme-talebi/"):
        response = http.get(base + path, timeout=30)
        assert response.status_code == 200, (path, response.status_code)
        assert provider.title in response.text or path == "/hesap/yetkilendirme-talebi/"

    # The public form's rate limit cannot count: it refuses, saying why, and files nothing.
    form = http.get(base + "/hesap/yetkilendirme-talebi/", timeout=30)
    refused = h.submit(
        http,
        base,
        form,
        "tax_number",
        tax_number=provider.tax_number,
        applicant_tckn="10000000146",
        first_name="Ayşe",
        last_name="Yılmaz",
        email="ayse@example.com",
        phone="0532 123 45 67",
        role_reason="Pazarlama müdürüyüm; izinleri ben yöneteceğim.",
    )
    assert refused.status_code == 503
    assert "Güvenlik denetimi şu anda yapılamadığı için başvurunuz alınmadı" in refused.text
    assert not AuthorizationRequest.objects.exists()

    # Work done during the outage: the contract (PDF task) and a bank transfer (e-mail task).
    started = time.monotonic()
    page = h.accept_contract_for_ileti_150(http, base)
    order = Order.objects.get(service_provider=provider)
    page = h.submit(
        http, base, http.get(f"{base}/odeme/{order.code}/havale/", timeout=30), "Onayla"
    )
    assert time.monotonic() - started < 20  # the broker's absence does not hang requests
    assert page.status_code == 200, page.status_code
    order.refresh_from_db()
    assert order.status == Order.Status.AWAITING_TRANSFER
    held = HeldTask.objects.filter(sent_at__isnull=True)
    assert sorted(held.values_list("task_name", flat=True)) == [
        "packages.render_contract_pdf",
        "payments.send_transfer_notice",
    ]
    assert not ContractAcceptance.objects.get(order=order).pdf
    assert h.mails(outage_env["mail"]) == []

    # Redis comes back (same port); the outbox is released, the worker does the work.
    redis.start()
    worker = h.celery_worker(env)
    outage_env["procs"].append(worker)
    assert "2 held task(s) sent." in _manage(env, "release_held_tasks")
    assert "0 held task(s) sent." in _manage(env, "release_held_tasks")
    assert not HeldTask.objects.filter(sent_at__isnull=True).exists()

    def transfer_mails():
        return [m for m in h.mails(outage_env["mail"]) if order.code in h.mail_text(m)]

    h.wait_until(transfer_mails, 60, "the transfer e-mail")
    acceptance = h.wait_until(
        lambda: ContractAcceptance.objects.filter(order=order).exclude(pdf="").first(),
        60,
        "the contract PDF",
    )
    assert (Path(outage_env["media"]) / acceptance.pdf.name).read_bytes().startswith(b"%PDF")
    time.sleep(3)  # anything sent twice would have arrived by now
    assert len(transfer_mails()) == 1
    assert TransferNotice.objects.get(order=order).sent_at is not None
    assert len(list(Path(outage_env["media"]).rglob("*.pdf"))) == 1


def _waiting_on_lock(database_url: str, table: str) -> bool:
    with psycopg.connect(database_url.replace(":@", "@"), autocommit=True) as conn:
        row = conn.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
            "AND query ILIKE %s",  # (long queries are cut at 1 kB: no «FOR UPDATE» to see)
            (f"SELECT %{table}%",),
        ).fetchone()
    return row[0] > 0


@pytest.mark.postgres
@pytest.mark.broker
def test_worker_killed_mid_task_runs_it_again_and_the_effect_happens_once(
    outage_env, shared_postgres_test_db
):
    env, redis = outage_env["env"], outage_env["redis"]
    acceptance = ContractAcceptanceFactory()
    # Only this worker stores results (for the test to wait on); web instances have none.
    worker = h.celery_worker({**env, "CELERY_RESULT_BACKEND": f"{redis.url}/2"}, concurrency=1)
    outage_env["procs"].append(worker)
    sender = Celery(broker=f"{redis.url}/0", backend=f"{redis.url}/2")

    # Hold the acceptance row: the task takes it FOR UPDATE, so it is caught mid-task.
    lock = psycopg.connect(shared_postgres_test_db.replace(":@", "@"))
    try:
        lock.execute(
            "SELECT id FROM packages_contractacceptance WHERE id = %s FOR UPDATE",
            (acceptance.pk,),
        )
        first = sender.send_task("packages.render_contract_pdf", args=[acceptance.pk])
        h.wait_until(
            lambda: _waiting_on_lock(shared_postgres_test_db, "contractacceptance"),
            90,  # the worker boots first (Django, Celery); slow on a loaded 2-core machine
            "the task to run and wait for the row",
        )
        children = h.pool_children(worker.pid)
        assert len(children) == 1, children
        os.kill(children[0], signal.SIGKILL)
        time.sleep(1)
    finally:
        lock.rollback()
        lock.close()

    # Given back to the queue (late ack, reject on worker lost), run again by a new process.
    name = first.get(timeout=90)
    again = sender.send_task("packages.render_contract_pdf", args=[acceptance.pk]).get(timeout=60)
    assert again == name
    acceptance.refresh_from_db()
    assert acceptance.pdf.name == name and acceptance.pdf_generated_at is not None
    pdfs = list(Path(outage_env["media"]).rglob("*.pdf"))
    assert [p.relative_to(outage_env["media"]).as_posix() for p in pdfs] == [name]
    assert worker.poll() is None  # the worker itself lives on

    # An e-mail notice killed after SMTP (here the mail file) took the e-mail, before its
    # outcome committed: sent again with the same Message-ID, recorded as a second attempt.
    _notice_killed_after_the_hand_over(outage_env, worker, sender, shared_postgres_test_db)


_HOLD_OUTCOME = 424242  # advisory lock key the test holds while the outcome is being written


def _notice_killed_after_the_hand_over(outage_env, worker, sender, database_url):
    from payments.services.transfer import bank_transfer_choose

    BankAccountFactory()
    order = OrderFactory(status=Order.Status.CONTRACT_ACCEPTED)
    bank_transfer_choose(order_id=order.pk, actor=order.created_by)  # its e-mail runs eagerly
    notice = TransferNotice.objects.get(order=order)
    TransferNotice.objects.filter(pk=notice.pk).update(sent_at=None, sending_at=None, attempts=0)

    url = database_url.replace(":@", "@")
    holder = psycopg.connect(url, autocommit=True)
    try:
        # Writing sent_at waits for the test's lock: the worker is caught inside the window.
        holder.execute(
            "CREATE FUNCTION iys_test_hold_outcome() RETURNS trigger AS $$ BEGIN "
            f"PERFORM pg_advisory_xact_lock_shared({_HOLD_OUTCOME}); RETURN NEW; END $$ "
            "LANGUAGE plpgsql"
        )
        holder.execute(
            "CREATE TRIGGER iys_test_hold_outcome BEFORE UPDATE OF sent_at "
            "ON payments_transfernotice FOR EACH ROW "
            "WHEN (NEW.sent_at IS NOT NULL AND OLD.sent_at IS NULL) "
            "EXECUTE FUNCTION iys_test_hold_outcome()"
        )
        holder.execute("SELECT pg_advisory_lock(%s)", (_HOLD_OUTCOME,))
        task = sender.send_task("payments.send_transfer_notice", args=[notice.pk])

        def copies():
            return [m for m in h.mails(outage_env["mail"]) if m["Message-ID"] == notice.message_id]

        def outcome_waiting() -> bool:
            return (
                holder.execute(
                    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted "
                    "AND objid = %s AND objsubid = 1",
                    (_HOLD_OUTCOME,),
                ).fetchone()[0]
                > 0
            )

        h.wait_until(lambda: copies() and outcome_waiting(), 90, "the e-mail, then the outcome")
        children = h.pool_children(worker.pid)
        assert len(children) == 1, children
        os.kill(children[0], signal.SIGKILL)
        time.sleep(1)
        holder.execute("SELECT pg_advisory_unlock(%s)", (_HOLD_OUTCOME,))

        assert task.get(timeout=90) is True  # given back and run again by a new process
        assert len(copies()) == 2  # the same e-mail twice, with one Message-ID
        notice.refresh_from_db()
        assert notice.sent_at is not None and notice.attempts == 2
        assert (
            sender.send_task("payments.send_transfer_notice", args=[notice.pk]).get(timeout=60)
            is False
        )
        assert len(copies()) == 2
    finally:
        holder.execute("DROP TRIGGER IF EXISTS iys_test_hold_outcome ON payments_transfernotice")
        holder.execute("DROP FUNCTION IF EXISTS iys_test_hold_outcome()")
        holder.close()


def test_postgresql_restart_under_load_gives_503_then_recovers_by_itself():
    pg = h.PostgresCluster()
    port = h.free_port()
    proc = None
    try:
        pg.start()
        pg.create_database()
        env = h.portal_env(DATABASE_URL=pg.url, CONN_MAX_AGE=60)
        _manage(env, "migrate", "sessions", "--noinput", "-v0")
        proc = h.gunicorn(env, port, workers=2)
        url = f"http://127.0.0.1:{port}/"
        # A session cookie makes every request read the session table.
        cookies = {"sessionid": "x" * 32}
        statuses: list[tuple[float, int, str]] = []
        stop = threading.Event()

        def load():
            with requests.Session() as s:
                while not stop.is_set():
                    try:
                        r = s.get(url, cookies=cookies, timeout=10)
                        statuses.append((time.monotonic(), r.status_code, r.text))
                    except requests.RequestException as exc:
                        statuses.append((time.monotonic(), -1, str(exc)))

        threads = [threading.Thread(target=load) for _ in range(3)]
        for t in threads:
            t.start()
        time.sleep(2)
        pg._run(str(pg.bin / "pg_ctl"), "-D", pg.data, "-m", "fast", "stop")
        time.sleep(2)  # requests arrive while it is down
        pg.start()
        restarted = time.monotonic()
        time.sleep(3)
        stop.set()
        for t in threads:
            t.join(15)

        codes = {code for _, code, _ in statuses}
        assert 500 not in codes and -1 not in codes, codes
        unavailable = [text for _, code, text in statuses if code == 503]
        assert unavailable, "no request met the outage"
        assert all("Lütfen birkaç saniye sonra yeniden deneyiniz" in t for t in unavailable)
        # Recovered by itself: everything after the first second back is served.
        late = [code for at, code, _ in statuses if at > restarted + 1]
        assert late and set(late) == {200}, late
        assert codes <= {200, 503}
    finally:
        h.stop(proc)
        pg.stop()
