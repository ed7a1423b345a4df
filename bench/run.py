"""Load benchmark of the portal's main pages under gunicorn on PostgreSQL.

    make bench                      # or: .venv/bin/python bench/run.py --providers 10000

1. creates (once) a PostgreSQL database with ``manage.py bench_data --providers N``;
2. starts gunicorn on loopback with production settings (DEBUG off, persistent connections);
3. drives each page with wrk for a bounded time, side by side with two yardsticks: a bare Django
   view, and a bare logged-in view (the same middleware, a session, the user and membership
   lookups, the portal's login and company check, a tiny template);
4. prints requests/s, p50, p99, errors, each page's req/s and p99 against both yardsticks and
   whether it meets issue 16's target, the load average, and the query count of every page at
   a small and the large data size (measured in-process with the test client): a Markdown
   table to paste into bench/RESULTS.md (also written to --output).

Only loopback traffic; every wrk run is bounded by --duration.
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from iyzico_double import IyzicoDoubleProcess  # noqa: E402  (bench/iyzico_double.py)

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PG = "postgres://postgres@127.0.0.1:5432"


def production_env(database: str) -> dict:
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_ENV": "production",
            "SECRET_KEY": "bench-only-secret-key-" + "x" * 40,
            "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
            "DATABASE_URL": f"{PG}/{database}",
            "CONN_MAX_AGE": "60",
            "EDEVLET_SIMULATOR": "false",
            "EDEVLET_CLIENT_ID": "bench",
            "EDEVLET_CLIENT_SECRET": "bench",
            "PAYMENT_GATEWAY": "iyzico",
            "IYZICO_API_KEY": "bench",
            "IYZICO_SECRET_KEY": "bench",
            "SECURE_SSL_REDIRECT": "false",
            "SECURE_HSTS_SECONDS": "0",
            "BENCHMARK_BASELINE": "true",
            "CELERY_TASK_ALWAYS_EAGER": "true",
            "LOG_LEVEL": "WARNING",
        }
    )
    return env


def manage(env: dict, *args: str, capture: bool = False) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        text=True,
        stdout=subprocess.PIPE if capture else None,
    )
    return result.stdout or ""


def ensure_database(database: str, providers: int, env: dict, *, rebuild: bool) -> dict:
    exists = subprocess.run(
        ["psql", f"{PG}/postgres", "-tAc", f"SELECT 1 FROM pg_database WHERE datname='{database}'"],  # noqa: S608,E501 (our own constant name)
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    if exists and rebuild:
        subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", database], check=True)
        exists = ""
    if not exists:
        subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", database], check=True)
    manage(env, "migrate", "--noinput", "-v0")
    out = manage(env, "bench_data", "--providers", str(providers), "--json", capture=True)
    return json.loads(out.strip().splitlines()[-1])


def wait_until_up(url: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            time.sleep(0.3)
    raise SystemExit(f"gunicorn did not answer at {url}")


def _headers(cookie: str | None, extra: dict) -> dict:
    return {**extra, **({"Cookie": cookie} if cookie else {})}


def check_page(url: str, headers: dict) -> int:
    request = urllib.request.Request(url, headers=headers)  # noqa: S310
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * _UNITS[unit]


def run_wrk(
    url: str, headers: dict, duration: int, connections: int, threads: int, script: str = ""
) -> dict:
    """``script``: a wrk Lua file (e.g. a POST with a JSON body per request)."""
    command = ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{duration}s", "--latency"]
    if script:
        command += ["-s", script]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    output = subprocess.run(
        [*command, url], capture_output=True, text=True, check=True, timeout=duration + 30
    ).stdout
    requests = int(re.search(r"(\d+) requests in", output).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    errors = int(non2xx.group(1)) if non2xx else 0
    if socket_errors:
        errors += sum(int(x) for x in socket_errors.groups())
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50": _ms(re.search(r"^\s+50%\s+(\S+)", output, re.M).group(1)),
        "p99": _ms(re.search(r"^\s+99%\s+(\S+)", output, re.M).group(1)),
        "requests": requests,
        "errors": errors,
    }


BARE = "Baseline (bare view + template)"
LOGGED_IN = "Baseline, logged in (session, user, membership, tiny template)"
ANONYMOUS_HOME = "Ana sayfa (anonim)"
DESKS = ("Muhasebe", "Destek")
# Issue 16's targets, measured in one run.
TARGETS = {
    "portal": (0.50, 3.0),  # req/s ≥ 50% of the logged-in yardstick, p99 ≤ 3× its p99
    "desk": (0.30, None),  # desk lists: req/s ≥ 30% of the logged-in yardstick
    "anonymous": (0.70, None),  # the anonymous home page: req/s ≥ 70% of the bare view
}


def _load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def _target(row: dict, bare: dict | None, logged_in: dict | None) -> str:
    """``ok``/``missed`` against the page's target, or ``—`` for the yardsticks themselves."""
    name = row["name"]
    if name in (BARE, LOGGED_IN):
        return "—"
    if name == ANONYMOUS_HOME:
        minimum, _ = TARGETS["anonymous"]
        return "—" if bare is None else _ok(row["rps"] / bare["rps"] >= minimum)
    if logged_in is None:
        return "—"
    minimum, p99_factor = TARGETS["desk" if name.startswith(DESKS) else "portal"]
    met = row["rps"] / logged_in["rps"] >= minimum
    if p99_factor is not None:
        met = met and row["p99"] <= p99_factor * logged_in["p99"]
    return _ok(met)


def _ok(met: bool) -> str:
    return "ok" if met else "**missed**"


def ratio_table(results: list[dict], queries_small: dict, queries_large: dict) -> list[str]:
    """The results as a Markdown table with each page's req/s and p99 against the bare view and
    the logged-in yardstick, and whether it meets its target (pasteable into RESULTS.md)."""
    bare = next((r for r in results if r["name"] == BARE), None)
    logged_in = next((r for r in results if r["name"] == LOGGED_IN), None)

    def ratio(value: float, of: dict | None, key: str) -> str:
        return "—" if of is None or not of[key] else f"{value / of[key]:.2f}"

    lines = [
        "| page | req/s | p50 ms | p99 ms | errors "
        "| req/s vs bare | p99 vs bare | req/s vs logged-in | p99 vs logged-in | target "
        "| queries (small) | queries (large) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {r['name']} | {r['rps']:.1f} | {r['p50']:.1f} | {r['p99']:.1f} | {r['errors']} "
            f"| {ratio(r['rps'], bare, 'rps')} | {ratio(r['p99'], bare, 'p99')} "
            f"| {ratio(r['rps'], logged_in, 'rps')} | {ratio(r['p99'], logged_in, 'p99')} "
            f"| {_target(r, bare, logged_in)} "
            f"| {queries_small.get(r['name'], '—')} | {queries_large.get(r['name'], '—')} |"
        )
    lines += [
        "",
        "Targets (issue 16, one run): every portal page ≥ 0.50× the logged-in yardstick's req/s "
        "with p99 ≤ 3× its p99; the desk lists ≥ 0.30× its req/s; the anonymous home page "
        "≥ 0.70× the bare view's req/s.",
    ]
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--providers", type=int, default=10_000)
    parser.add_argument("--small", type=int, default=50, help="providers in the small data set")
    parser.add_argument("--duration", type=int, default=10, help="seconds per page")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) * 2 + 1)
    parser.add_argument("--port", type=int, default=8199)
    parser.add_argument("--rebuild", action="store_true", help="drop and regenerate the data")
    parser.add_argument("--output", default=str(ROOT / "var" / "bench" / "latest.md"))
    parser.add_argument(
        "--db-prefix", default="iys_bench", help="database names: <prefix>_small, <prefix>_<N>"
    )
    args = parser.parse_args()

    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: apt-get install wrk")

    small_db, large_db = f"{args.db_prefix}_small", f"{args.db_prefix}_{args.providers}"
    small_env = production_env(small_db)
    large_env = production_env(large_db)
    print(
        f"Data: small ({args.small} providers) and large ({args.providers} providers)…", flush=True
    )
    ensure_database(small_db, args.small, small_env, rebuild=args.rebuild)
    fixtures = ensure_database(large_db, args.providers, large_env, rebuild=args.rebuild)
    # The card installment lookup: the gateway (iyzico, production settings) talks HTTPS to the
    # payment tests' local iyzico double, for the query counts and the server alike.
    double = IyzicoDoubleProcess(ROOT / "var" / "bench" / "iyzico").start()
    try:
        small_env.update(double.env())
        large_env.update(double.env())
        _measure(args, fixtures, small_env, large_env)
    finally:
        double.stop()


def _measure(args, fixtures: dict, small_env: dict, large_env: dict) -> None:
    manage(large_env, "collectstatic", "--noinput", "-v0")
    queries_small = json.loads(
        manage(small_env, "bench_queries", capture=True).strip().splitlines()[-1]
    )
    queries_large = json.loads(
        manage(large_env, "bench_queries", capture=True).strip().splitlines()[-1]
    )

    base = f"http://127.0.0.1:{args.port}"
    server = subprocess.Popen(
        [
            str(Path(PYTHON).with_name("gunicorn")),
            "iys_portal.wsgi",
            "--workers",
            str(args.workers),
            "--bind",
            f"127.0.0.1:{args.port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=large_env,
    )
    results = []
    load_before = _load_average()
    try:
        wait_until_up(f"{base}/healthz")
        for target in fixtures["targets"]:
            url = base + target["path"]
            cookie = fixtures["cookies"].get(target["as"]) if target["as"] else None
            headers = _headers(cookie, target.get("headers", {}))
            status = check_page(url, headers)
            if status != 200:
                raise SystemExit(f"{target['name']}: {url} answered {status}, not 200")
            run_wrk(url, headers, 2, args.connections, args.threads)  # warm-up
            measured = run_wrk(url, headers, args.duration, args.connections, args.threads)
            results.append({**target, **measured})
            print(
                f"  {target['name']:<40} {measured['rps']:8.1f} req/s"
                f"  p50 {measured['p50']:7.1f} ms  p99 {measured['p99']:7.1f} ms"
                f"  errors {measured['errors']}",
                flush=True,
            )
    finally:
        server.terminate()
        server.wait(timeout=20)

    lines = [
        f"Machine: {os.cpu_count()} cores; gunicorn {args.workers} sync workers; wrk "
        f"{args.threads} threads, {args.connections} connections, {args.duration} s per page; "
        f"PostgreSQL; {args.providers} service providers; load average before / after: "
        f"{load_before} / {_load_average()}.",
        "",
        *ratio_table(results, queries_small, queries_large),
    ]
    report = "\n".join(lines) + "\n"
    Path(args.output).parent.mkdir(parents=True, exist_ok=True)
    Path(args.output).write_text(report, encoding="utf-8")
    print()
    print(report)
    grown = [n for n in queries_small if queries_small[n] != queries_large.get(n)]
    if grown:
        print("Query counts differ between data sizes: " + ", ".join(grown))
        raise SystemExit(1)


if __name__ == "__main__":
    main()
