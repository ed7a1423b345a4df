"""Integration API benchmark (issue 13): the status query under gunicorn next to the bare-view
baseline (same server, same run), and a batch of 1,000 rows processed by one Celery worker.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/iys_consents \
        .venv/bin/python manage.py bench_data --providers 100 --consents 10000000   # once
    .venv/bin/python bench/api.py status --database iys_consents --port 8730
    .venv/bin/python bench/api.py batch --database iys_consents --port 8731 --redis-db 13
    .venv/bin/python bench/api.py profile --database iys_consents --redis-db 13 --calls 1000

``status``: gunicorn (production settings, the rate-limit counters in Redis, as production
needs) serves ``/bench/baseline/`` and ``POST /api/sps/{iysCode}/brands/{brandCode}/consents/
status`` with a Bearer token of an API user of the benchmark's business partner (a live grant
with read on MESAJ; the company's package is active) and of its AHS. wrk posts a random
existing recipient of the 10,000,000 consents on every request; every request still checks
the token, counts the rate limit, reads the grant and the package and records the access log
(in Redis; a Celery worker with beat, started by the run, moves it into PostgreSQL every 5 s).
Each line also gives the CPU per request by program (gunicorn, PostgreSQL, Redis, Celery).

``batch``: gunicorn and one Celery worker (``--pool solo``, the broker on Redis) run for real;
a batch of 1,000 rows (half new recipients, half changes of existing consents) is posted and
polled; the worker's processing time is ``finished_at - started_at`` of the batch.

``profile``: the same production settings in one process, through Django's WSGI handler: CPU
and wall time per call of the baseline and the status query (partner, AHS), the statements
each runs, and a cProfile of the partner's status query.
"""

import argparse
import json
import os
import random
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import run as pages  # noqa: E402  (bench/run.py: production settings, gunicorn, wrk)
from processes import cpu_by_group, cpu_split, loadavg, start_celery, start_gunicorn  # noqa: E402

ROOT = pages.ROOT
RATE_LIMIT = 2_000_000_000  # per minute: counted on every request, never reached in a run
RECIPIENTS = 166_666  # bench_data: 60 consents (20 brands × 3 channels) per recipient


def api_env(database: str, redis_db: int, *, eager: bool) -> dict:
    env = pages.production_env(database)
    redis = f"redis://127.0.0.1:6379/{redis_db}"
    env.update(
        {
            "CACHE_URL": redis,
            "CELERY_BROKER_URL": redis,
            "CELERY_TASK_ALWAYS_EAGER": "true" if eager else "false",
            # Connections kept through the whole run: a backend that ends between two readings
            # takes its CPU with it (``cpu_by_group``); with 60 s they were renewed mid-run.
            "CONN_MAX_AGE": "3600",
        }
    )
    return env


def prepare(env: dict) -> dict:
    """In this process: an API user per benchmark integrator with a fresh token each."""
    os.environ.update(env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "iys_portal.settings"
    import django

    django.setup()
    from accounts.bench import MEASURED_TITLE
    from accounts.models import ServiceProvider
    from brands.models import Brand, Integrator
    from integration.credentials import api_user_create, api_user_secret_reset, token_issue
    from integration.models import ApiUser

    provider = ServiceProvider.objects.get(title=MEASURED_TITLE)
    brand = Brand.objects.filter(service_provider=provider).order_by("pk").first()
    tokens = {}
    for code, name in ((990001, "bench-partner"), (990002, "bench-ahs")):
        integrator = Integrator.objects.get(code=code)
        user = ApiUser.objects.filter(username=name).first()
        if user is None:
            user = api_user_create(integrator=integrator, username=name).api_user
        ApiUser.objects.filter(pk=user.pk).update(rate_limit=RATE_LIMIT, is_active=True)
        secret = api_user_secret_reset(api_user=user)
        tokens[name] = token_issue(username=name, password=secret)["access_token"]
    from django.db import connections

    connections.close_all()
    base = f"/api/sps/{provider.iys_code}/brands/{brand.code}/consents"
    return {"tokens": tokens, "base": base, "provider_id": provider.pk, "brand_id": brand.pk}


def post(url: str, token: str, body, extra: dict | None = None) -> tuple[int, dict]:
    request = urllib.request.Request(  # noqa: S310 (loopback)
        url,
        data=json.dumps(body).encode(),
        headers={
            "Authorization": f"Bearer {token}",
            "Content-Type": "application/json",
            **(extra or {}),
        },
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def get(url: str, token: str) -> tuple[int, object]:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})  # noqa: S310
    with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
        return response.status, json.loads(response.read())


STATUS_LUA = """
math.randomseed(os.time() + math.floor(os.clock() * 1000000))
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer %(token)s"
request = function()
  local k = math.random(0, %(recipients)d - 1)
  local body = string.format(
    '{"recipient":"+90532%%07d","recipientType":"BIREYSEL","type":"MESAJ"}', k)
  return wrk.format(nil, nil, nil, body)
end
"""


def run_wrk_script(url: str, script: str, args, duration: int | None = None) -> dict:
    """``run.run_wrk`` with a Lua script, or a plain GET without one."""
    duration = duration or args.duration
    if not script:
        return pages.run_wrk(url, {}, duration, args.connections, args.threads)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(script)
    try:
        return pages.run_wrk(url, {}, duration, args.connections, args.threads, script=handle.name)
    finally:
        os.unlink(handle.name)


def bench_status(args) -> None:
    env = api_env(args.database, args.redis_db, eager=False)
    fixtures = prepare(env)
    pages.manage(env, "collectstatic", "--noinput", "-v0")
    base = f"http://127.0.0.1:{args.port}"
    server = start_gunicorn(env, args.port, args.workers)
    # As production: beat and a worker move the access log from its Redis buffer into
    # PostgreSQL every 5 seconds (integration.accesslog); their CPU is counted in the run.
    flusher = start_celery(env, beat=True)
    rows = []
    try:
        pages.wait_until_up(f"{base}/healthz")
        status_url = f"{base}{fixtures['base']}/status"
        for name, token in fixtures["tokens"].items():
            code, body = post(
                status_url,
                token,
                {"recipient": "+905320000042", "recipientType": "BIREYSEL", "type": "MESAJ"},
            )
            if code != 200:
                raise SystemExit(f"status query as {name} answered {code}: {body}")
        targets = [("Baseline (bare view + template)", f"{base}/bench/baseline/", None)]
        for name, token in fixtures["tokens"].items():
            script = STATUS_LUA % {"token": token, "recipients": args.recipients}
            targets.append((f"API status query ({name})", status_url, script))
        for _round in range(args.rounds):
            for name, url, script in targets:
                if _round == 0:
                    run_wrk_script(url, script, args, duration=2)  # warm-up
                before = loadavg()
                cpu_before = cpu_by_group(args.database)
                result = run_wrk_script(url, script, args)
                split = cpu_split(cpu_before, cpu_by_group(args.database), result["requests"])
                rows.append({"name": name, "round": _round + 1, "load": before, **result})
                print(
                    f"  [{_round + 1}] {name:<36} {result['rps']:8.1f} req/s"
                    f"  p50 {result['p50']:6.1f} ms  p99 {result['p99']:6.1f} ms"
                    f"  errors {result['errors']}  load {before}\n      {split}",
                    flush=True,
                )
    finally:
        flusher.terminate()
        server.terminate()
        flusher.wait(timeout=30)
        server.wait(timeout=20)
    print()
    print(
        "| round | what | req/s | p50 ms | p99 ms | errors | req/s vs baseline "
        "| p99 vs baseline | load avg (1/5/15 min) |"
    )
    print("|---:|---|---:|---:|---:|---:|---:|---:|---|")
    for r in rows:
        baseline = next(
            b for b in rows if b["round"] == r["round"] and b["name"].startswith("Baseline")
        )
        print(
            f"| {r['round']} | {r['name']} | {r['rps']:.1f} | {r['p50']:.1f} | {r['p99']:.1f} "
            f"| {r['errors']} | {r['rps'] / baseline['rps']:.2f} "
            f"| {r['p99'] / baseline['p99']:.2f} | {r['load']} |"
        )


def _batch_rows(seed: int) -> list[dict]:
    rng = random.Random(seed)
    rows = []
    for i in range(1000):
        if i % 2:  # a change of an existing consent: RET with a newer date
            k = rng.randrange(RECIPIENTS)
            rows.append(
                {
                    "recipient": f"+90532{k:07d}",
                    "recipientType": "BIREYSEL",
                    "type": "MESAJ",
                    "source": "HS_WEB",
                    "status": "RET",
                    "consentDate": "2026-01-05 10:00:00",
                }
            )
        else:  # a new recipient (the partner's grant covers MESAJ and ARAMA)
            rows.append(
                {
                    "recipient": f"0533 {(seed * 1000 + i) % 10_000_000:07d}",
                    "recipientType": "BIREYSEL",
                    "type": "MESAJ",
                    "source": "HS_WEB",
                    "status": "ONAY",
                    "consentDate": "2026-01-05 10:00:00",
                }
            )
    return rows


def bench_batch(args) -> None:
    env = api_env(args.database, args.redis_db, eager=False)
    fixtures = prepare(env)
    from integration.models import ApiBatch
    from packages.models import Package, Subscription

    # The measured company holds more approved addresses than its İLETİ-150 allows (10,000,000
    # consents plus the upload benchmark's); a company of that size holds İLETİ+. The run gives
    # it İLETİ+ so the batch's new addresses are written, not refused, and puts it back after.
    subscription = Subscription.objects.get(
        service_provider_id=fixtures["provider_id"], status=Subscription.Status.ACTIVE
    )
    held = subscription.package_id
    unlimited = Package.objects.get(address_limit__isnull=True)
    Subscription.objects.filter(pk=subscription.pk).update(package=unlimited)

    base = f"http://127.0.0.1:{args.port}"
    server = start_gunicorn(env, args.port, 2)
    worker = start_celery(env)
    token = fixtures["tokens"]["bench-partner"]
    try:
        pages.wait_until_up(f"{base}/healthz")
        time.sleep(3)  # the worker connects to the broker
        for n in range(args.batches):
            rows = _batch_rows(int(time.time()) % 9_000 + n)
            before = loadavg()
            started = time.perf_counter()
            code, body = post(f"{base}{fixtures['base']}/request", token, rows)
            if code != 200:
                raise SystemExit(f"batch post answered {code}: {body}")
            request_id = body["requestId"]
            while True:
                batch = ApiBatch.objects.get(request_id=request_id)
                if batch.status == ApiBatch.Status.DONE:
                    break
                if time.perf_counter() - started > 120:
                    raise SystemExit("the batch was not processed within 120 s")
                time.sleep(0.02)
            end_to_end = time.perf_counter() - started
            code, results = get(f"{base}{fixtures['base']}/request/{request_id}", token)
            ok = sum(1 for r in results if r["status"] == "success")
            refused = Counter(r["error"]["code"] for r in results if r["status"] != "success")
            worker_s = (batch.finished_at - batch.started_at).total_seconds()
            queued_s = (batch.started_at - batch.created_at).total_seconds()
            print(
                f"  batch {n + 1}: {len(results)} rows, {ok} success; worker {worker_s:.2f} s "
                f"(queued {queued_s:.2f} s, post → done {end_to_end:.2f} s); load {before}"
                + (f"; refused {dict(refused)}" if refused else ""),
                flush=True,
            )
    finally:
        Subscription.objects.filter(pk=subscription.pk).update(package_id=held)
        worker.terminate()
        server.terminate()
        worker.wait(timeout=30)
        server.wait(timeout=20)


def bench_profile(args) -> None:
    """In this process, through Django's WSGI handler (the code gunicorn calls), production
    settings: CPU (``time.process_time``) and wall time per call of the baseline and the status
    query, then a cProfile of the status query (``--profile-top`` functions by own time)."""
    import cProfile
    import io
    import pstats

    env = api_env(args.database, args.redis_db, eager=True)
    fixtures = prepare(env)
    from django.core.handlers.wsgi import WSGIHandler
    from django.db import connection
    from django.test import RequestFactory

    handler = WSGIHandler()
    factory = RequestFactory()
    rng = random.Random(7)
    status_path = f"{fixtures['base']}/status"

    def environ(name: str) -> dict:
        if name == "baseline":
            return factory.get("/bench/baseline/").environ
        body = json.dumps(
            {
                "recipient": f"+90532{rng.randrange(args.recipients):07d}",
                "recipientType": "BIREYSEL",
                "type": "MESAJ",
            }
        )
        return factory.post(
            status_path,
            data=body,
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {fixtures['tokens'][name]}",
        ).environ

    def call(name: str) -> None:
        statuses = []
        chunks = handler(environ(name), lambda status, headers: statuses.append(status))
        b"".join(chunks)
        if not statuses[0].startswith("200"):
            raise SystemExit(f"{name}: {statuses[0]}")

    queries = {}
    for name in ("baseline", "bench-partner", "bench-ahs"):
        for _ in range(50):  # warm-up: connections, caches, imports
            call(name)
        before = len(connection.queries_log)
        connection.force_debug_cursor = True
        call(name)
        connection.force_debug_cursor = False
        queries[name] = [q["sql"][:60] for q in list(connection.queries_log)[before:]]
    spent = Counter()

    def timed(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            spent[sql[:40]] += time.perf_counter() - started

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = Path(f"/proc/{cursor.fetchone()[0]}/stat")

    def backend_cpu() -> float:
        """The PostgreSQL backend's CPU seconds (it runs on this machine)."""
        values = backend.read_text().rsplit(")", 1)[1].split()
        return (int(values[11]) + int(values[12])) / os.sysconf("SC_CLK_TCK")

    for name in ("baseline", "bench-partner", "bench-ahs"):
        spent.clear()
        cpu0, wall0, pg0 = time.process_time(), time.perf_counter(), backend_cpu()
        with connection.execute_wrapper(timed):
            for _ in range(args.calls):
                call(name)
        cpu = (time.process_time() - cpu0) / args.calls * 1000
        wall = (time.perf_counter() - wall0) / args.calls * 1000
        pg = (backend_cpu() - pg0) / args.calls * 1000
        print(
            f"  {name:<14} wall {wall:6.2f} ms  CPU {cpu:6.2f} ms per call, PostgreSQL backend"
            f" {pg:5.2f} ms  ({args.calls} calls, {len(queries[name])} queries;"
            f" load {loadavg()})",
            flush=True,
        )
        for q in queries[name]:
            print(f"      {q}")
        for q, seconds in spent.items():
            print(f"      {seconds / args.calls * 1000:6.2f} ms wall in  {q}")
    if not args.profile_top:
        return
    profiler = cProfile.Profile(time.process_time)  # CPU: not the waits, not preemption
    profiler.enable()
    for _ in range(args.calls):
        call("bench-partner")
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("tottime").print_stats(args.profile_top)
    stats.sort_stats("cumulative").print_stats(args.profile_top)
    print(out.getvalue())


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("what", choices=["status", "batch", "profile"])
    parser.add_argument("--database", default="iys_consents")
    parser.add_argument("--redis-db", type=int, default=13)
    parser.add_argument("--port", type=int, default=8730)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) * 2 + 1)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--batches", type=int, default=3)
    parser.add_argument(
        "--recipients",
        type=int,
        default=RECIPIENTS,
        help="status/profile: query among the first N loaded recipients (consents / 60)",
    )
    parser.add_argument("--calls", type=int, default=1000, help="profile: calls per variant")
    parser.add_argument(
        "--profile-top", type=int, default=40, help="profile: functions shown (0: no cProfile)"
    )
    args = parser.parse_args()
    if args.what == "status":
        bench_status(args)
    elif args.what == "profile":
        bench_profile(args)
    else:
        bench_batch(args)


if __name__ == "__main__":
    main()
