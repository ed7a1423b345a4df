"""Throughput with 1 and 2 web instances behind a load balancer (issue 16, "More than one machine").

    .venv/bin/python bench/instances.py                       # 10,000 companies, 8 s per page
    .venv/bin/python bench/instances.py --providers 2000 --duration 5    # quicker

Serves bench/run.py's data set (database ``<prefix>_<N>``, created once) with production
settings, sessions in PostgreSQL and the cache in Redis (``--redis-db``), through nginx on
loopback (a temporary configuration, ``apt-get install nginx-light`` when missing), in four
set-ups, every one behind the same load balancer so that only the instances differ:

    1 × W      one gunicorn instance with W sync workers
    2 × W/2    two instances on two ports, the same total number of workers
    2 × W      two instances, twice the workers
    1 × 2W     one instance with twice the workers (tells the instance count from the worker count)

and measures a few representative pages with wrk against each. Prints a Markdown table with the
load average before and after each set-up. On a machine with fewer cores than processes the
figures show the CPU limit, not what a second machine adds (see docs/deploy.md).
Only loopback traffic; every wrk run is bounded by --duration.
"""

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from processes import loadavg, start_gunicorn  # noqa: E402  (bench/ is not a package)
from run import (  # noqa: E402
    PG,
    ROOT,
    _headers,
    check_page,
    ensure_database,
    manage,
    production_env,
    run_wrk,
    wait_until_up,
)

PAGES = [
    "Baseline (bare view + template)",
    "Ana sayfa (anonim)",
    "Ana sayfa (firma)",
    "Paket Yönetimi",
    "Marka Yönetimi (20 marka)",
]

NGINX_CONF = """\
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    upstream portal {{
{servers}
        keepalive 32;
    }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://portal;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $http_host;
            proxy_set_header X-Real-IP $remote_addr;
            proxy_set_header X-Forwarded-Proto http;
        }}
    }}
}}
"""


def nginx_binary() -> str:
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else "")
    if found:
        return found
    print("nginx is missing: apt-get install -y nginx-light", flush=True)
    subprocess.run(["apt-get", "install", "-y", "nginx-light"], check=True)
    return shutil.which("nginx") or "/usr/sbin/nginx"


class LoadBalancer:
    """nginx on loopback, round-robin over the given upstream ports, keep-alive to upstreams."""

    def __init__(self, port: int, upstreams: list[int]):
        self.tmp = tempfile.mkdtemp(prefix="iys-lb-")
        servers = "\n".join(f"        server 127.0.0.1:{p};" for p in upstreams)
        conf = Path(self.tmp) / "nginx.conf"
        conf.write_text(NGINX_CONF.format(tmp=self.tmp, servers=servers, port=port))
        self.proc = subprocess.Popen(
            [nginx_binary(), "-p", self.tmp, "-c", str(conf), "-g", "daemon off;"]
        )

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=20)
        shutil.rmtree(self.tmp, ignore_errors=True)


_TICK = os.sysconf("SC_CLK_TCK")


def process_tree(pid: int) -> list[int]:
    """``pid`` and its descendants (gunicorn's master and workers, nginx's master and worker)."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        try:
            with open(f"/proc/{current}/task/{current}/children") as f:
                todo += [int(x) for x in f.read().split()]
        except OSError:
            pass
    return found


def cpu_seconds(pids) -> float:
    """User + system CPU time of these processes so far (Linux /proc)."""
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rpartition(")")[2].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)
    return total / _TICK


def postgres_backends(database: str) -> list[int]:
    """The PostgreSQL server processes serving this (benchmark-only) database."""
    query = f"SELECT pid FROM pg_stat_activity WHERE datname = '{database}'"  # noqa: S608 (ours)
    out = subprocess.run(
        ["psql", f"{PG}/postgres", "-tAc", query], capture_output=True, text=True, check=True
    ).stdout
    return [int(x) for x in out.split()]


def measured_run(url, headers, args, servers, balancer, database) -> dict:
    """wrk on ``url``, with the CPU time each party spent per request: the gunicorn processes,
    the PostgreSQL backends of the benchmark database, nginx and wrk itself."""
    app = [p for s in servers for p in process_tree(s.pid)]
    lb = process_tree(balancer.proc.pid)
    db = postgres_backends(database)  # persistent connections, opened by the warm-up
    before = (cpu_seconds(app), cpu_seconds(db), cpu_seconds(lb), _children_cpu())
    result = run_wrk(url, headers, args.duration, args.connections, args.threads)
    after = (cpu_seconds(app), cpu_seconds(db), cpu_seconds(lb), _children_cpu())
    count = max(result["requests"], 1)
    per_request = [(b - a) * 1000 / count for a, b in zip(before, after, strict=True)]
    return {**result, "cpu": dict(zip(("app", "db", "lb", "wrk"), per_request, strict=True))}


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)  # wrk, once it has been waited for
    return usage.ru_utime + usage.ru_stime


def measure_setup(label, instances, workers, env, args, fixtures, targets, database) -> list:
    ports = [args.port + 1 + i for i in range(instances)]
    servers = [start_gunicorn(env, port, workers) for port in ports]
    balancer = None
    results = []
    try:
        for port in ports:
            wait_until_up(f"http://127.0.0.1:{port}/healthz", timeout=90)
        balancer = LoadBalancer(args.port, ports)
        base = f"http://127.0.0.1:{args.port}"
        wait_until_up(f"{base}/healthz")
        before = loadavg()
        for target in targets:
            url = base + target["path"]
            cookie = fixtures["cookies"].get(target["as"]) if target["as"] else None
            headers = _headers(cookie, target.get("headers", {}))
            status = check_page(url, headers)
            if status != 200:
                raise SystemExit(f"{label}: {target['name']}: {url} answered {status}, not 200")
            run_wrk(url, headers, 2, args.connections, args.threads)  # warm-up
            measured = measured_run(url, headers, args, servers, balancer, database)
            results.append({"setup": label, **target, **measured})
            cpu = measured["cpu"]
            print(
                f"  {label:<8} {target['name']:<34} {measured['rps']:8.1f} req/s"
                f"  p50 {measured['p50']:7.1f} ms  p99 {measured['p99']:7.1f} ms"
                f"  errors {measured['errors']}  CPU ms/req app {cpu['app']:.1f}"
                f" db {cpu['db']:.1f} lb {cpu['lb']:.2f} wrk {cpu['wrk']:.2f}",
                flush=True,
            )
        for r in results:
            r["load"] = f"{before} → {loadavg()}"
    finally:
        if balancer is not None:
            balancer.stop()
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(timeout=30)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--providers", type=int, default=10_000)
    parser.add_argument("--duration", type=int, default=8, help="seconds per page")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument(
        "--workers", type=int, default=4, help="W: sync workers of the 1-instance set-up (even)"
    )
    parser.add_argument(
        "--rounds", type=int, default=2, help="repeat the set-ups, every other round reversed"
    )
    parser.add_argument("--port", type=int, default=8500, help="load balancer; instances +1, +2")
    parser.add_argument("--db-prefix", default="iys_multi")
    parser.add_argument("--redis-db", type=int, default=7, help="shared cache (Redis database)")
    parser.add_argument("--output", default=str(ROOT / "var" / "bench" / "instances.md"))
    args = parser.parse_args()

    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: apt-get install wrk")
    if args.workers < 2 or args.workers % 2:
        raise SystemExit("--workers must be even (the 2-instance set-up halves it)")

    database = f"{args.db_prefix}_{args.providers}"
    env = production_env(database)
    env["CACHE_URL"] = f"redis://127.0.0.1:6379/{args.redis_db}"
    print(f"Data: {database} ({args.providers} providers)…", flush=True)
    fixtures = ensure_database(database, args.providers, env, rebuild=False)
    manage(env, "collectstatic", "--noinput", "-v0")
    targets = [t for t in fixtures["targets"] if t["name"] in PAGES]

    w = args.workers
    setups = [
        (f"1 × {w}", 1, w),
        (f"2 × {w // 2}", 2, w // 2),
        (f"2 × {w}", 2, w),
        (f"1 × {2 * w}", 1, 2 * w),
    ]
    runs = []
    started = loadavg()
    for round_ in range(args.rounds):
        for label, instances, workers in setups if round_ % 2 == 0 else setups[::-1]:
            runs += measure_setup(label, instances, workers, env, args, fixtures, targets, database)
            time.sleep(2)
    Path(args.output).parent.mkdir(parents=True, exist_ok=True)
    Path(args.output).with_suffix(".json").write_text(json.dumps(runs, ensure_ascii=False))
    report = render(runs, setups, targets, args, started)
    Path(args.output).write_text(report, encoding="utf-8")
    print()
    print(report)


def render(runs, setups, targets, args, started) -> str:
    def cell(label, name):
        return [r for r in runs if r["setup"] == label and r["name"] == name]

    first = setups[0][0]
    lines = [
        f"Machine: {os.cpu_count()} cores, shared; load average (1/5/15 min) at start {started}, "
        f"at the end {loadavg()}. nginx (1 worker process) in front of every set-up; gunicorn "
        f"sync workers; wrk {args.threads} threads, {args.connections} connections, "
        f"{args.duration} s per page; {args.rounds} rounds (every other one in reverse order); "
        f"sessions in PostgreSQL, cache in Redis; {args.providers} service providers. "
        "CPU ms per request: median over the rounds, per party (gunicorn processes, the "
        "PostgreSQL backends of the benchmark database, nginx, wrk).",
        "",
        f"| set-up (instances × workers) | page | req/s per round | median vs {first} "
        "| p50 ms | p99 ms | errors | CPU ms/req app | PostgreSQL | nginx | wrk |",
        "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for label, _, _ in setups:
        for target in targets:
            rs = cell(label, target["name"])
            base = statistics.median(r["rps"] for r in cell(first, target["name"]))
            rps = statistics.median(r["rps"] for r in rs)
            cpu = {k: statistics.median(r["cpu"][k] for r in rs) for k in rs[0]["cpu"]}
            lines.append(
                f"| {label} | {target['name']} | "
                + " / ".join(f"{r['rps']:.1f}" for r in rs)
                + f" | {rps / base:.2f} | {statistics.median(r['p50'] for r in rs):.1f} "
                f"| {statistics.median(r['p99'] for r in rs):.1f} "
                f"| {sum(r['errors'] for r in rs)} | {cpu['app']:.1f} | {cpu['db']:.1f} "
                f"| {cpu['lb']:.2f} | {cpu['wrk']:.2f} |"
            )
    lines += ["", "Load average per set-up and round (before → after its pages):", ""]
    for r in runs:
        if r["name"] == targets[0]["name"]:
            lines.append(f"- {r['setup']}: {r['load']}")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
