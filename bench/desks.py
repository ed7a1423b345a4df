"""CPU per request of the two desk lists and the card installment lookup, in-process, with the
benchmark's production settings (DEBUG off, cached templates, PAYMENT_GATEWAY=iyzico pointed
at the local iyzico double over HTTPS, in its own process) and a cProfile of each.

    .venv/bin/python bench/desks.py --database iys_desks_10000            # after bench/run.py
    .venv/bin/python bench/desks.py --database iys_desks_10000 --profile 25 --only Destek

For each page: CPU ms per request of this process (``time.process_time``: Django, the
template, the SDK's TLS client), of the iyzico double's process (from /proc) and wall ms per
request, the least of five rounds of ``--requests``/5 requests after a warm-up; with
``--profile N`` the top N functions by own time and by cumulative time. The machine is
shared: CPU time is the figure to compare, wall time moves with the load.
"""

import argparse
import cProfile
import io
import json
import os
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import run as pages  # noqa: E402  (bench/run.py: production settings)
from iyzico_double import IyzicoDoubleProcess  # noqa: E402

DEFAULT_PAGES = ("Baseline", "Muhasebe", "Destek", "Kart taksit")
ROUNDS = 5


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--database", default="iys_desks_10000")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--profile", type=int, default=0, help="top N functions per page")
    parser.add_argument("--only", nargs="*", default=DEFAULT_PAGES, help="page name prefixes")
    args = parser.parse_args()

    with IyzicoDoubleProcess(pages.ROOT / "var" / "bench" / "iyzico-desks") as double:
        os.environ.update(pages.production_env(args.database))
        os.environ.update(double.env())
        os.environ["DJANGO_SETTINGS_MODULE"] = "iys_portal.settings"
        import django

        django.setup()
        from django.conf import settings
        from django.core.management import call_command

        if not (Path(settings.STATIC_ROOT) / "staticfiles.json").exists():
            call_command("collectstatic", "--noinput", "-v0")
        out = io.StringIO()
        call_command("bench_data", "--providers", "0", "--json", stdout=out)
        fixtures = json.loads(out.getvalue().strip().splitlines()[-1])
        rows = []
        for target in fixtures["targets"]:
            if not target["name"].startswith(tuple(args.only)):
                continue
            rows.append(measure(target, fixtures["cookies"], double, args))
        print()
        print("| page | CPU ms/request (portal) | CPU ms/request (iyzico double) | wall ms |")
        print("|---|---:|---:|---:|")
        for name, ours, theirs, wall in rows:
            print(f"| {name} | {ours:.2f} | {theirs:.2f} | {wall:.2f} |")
        print(f"\nload average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


def measure(target: dict, cookies: dict, double: IyzicoDoubleProcess, args):
    from http.cookies import SimpleCookie

    from django.test import Client

    client = Client()
    if target["as"]:
        for key, morsel in SimpleCookie(cookies[target["as"]]).items():
            client.cookies[key] = morsel.value
    headers = target.get("headers", {})

    def get():
        response = client.get(target["path"], headers=headers)
        if response.status_code != 200:
            raise SystemExit(f"{target['path']} answered {response.status_code}")
        return response

    for _ in range(20):
        get()
    n = args.requests
    database = {"seconds": 0.0, "queries": 0}

    def timed(execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            database["seconds"] += time.perf_counter() - start
            database["queries"] += 1

    from django.db import connection

    # Five rounds; the least CPU per request of a round is the figure (a shared machine only
    # ever adds: another process's cache misses and frequency changes, never less work).
    rounds = []
    with connection.execute_wrapper(timed):
        for _ in range(ROUNDS):
            cpu, wall, theirs = time.process_time(), time.perf_counter(), double.cpu_seconds()
            for _ in range(n // ROUNDS):
                get()
            rounds.append(
                (
                    (time.process_time() - cpu) * 1000 / (n // ROUNDS),
                    (double.cpu_seconds() - theirs) * 1000 / (n // ROUNDS),
                    (time.perf_counter() - wall) * 1000 / (n // ROUNDS),
                )
            )
    ours, theirs, wall = min(rounds)
    print(
        f"{target['name']:<45} portal {ours:6.2f} CPU ms/req · double {theirs:5.2f} · "
        f"wall {wall:6.2f} ms (of which SQL {database['seconds'] * 1000 / n:6.2f} ms, "
        f"{database['queries'] / n:.0f} queries)",
        flush=True,
    )
    if args.profile:
        # CPU time (not wall): what this process spent, whatever the machine's load.
        profiler = cProfile.Profile(time.process_time)
        profiler.enable()
        for _ in range(n):
            get()
        profiler.disable()
        # The profiler's own cost grows with the number of calls: its shares, applied to the
        # unprofiled CPU time, are an estimate.
        print(f"--- {target['name']}: share of the request's CPU (cumulative) ≈ CPU ms")
        parts = breakdown(pstats.Stats(profiler), n)
        whole = parts[0][1] if parts else 1.0
        for label, ms in parts:
            print(f"    {ms / whole:6.1%}  ≈ {ours * ms / whole:6.2f} ms  {label}")
        for order in ("tottime", "cumulative"):
            text = io.StringIO()
            stats = pstats.Stats(profiler, stream=text)
            stats.sort_stats(order).print_stats(args.profile)
            body = text.getvalue()
            print(f"--- {target['name']}: by {order} (totals over {n} requests)")
            print(body[body.index("   ncalls") :] if "   ncalls" in body else body)
    return target["name"], ours, theirs, wall


ADMIN_LIST = "django/contrib/admin/templatetags/admin_list.py"
# Where a page's CPU goes: (label, file ending, function name); cumulative, so they overlap
# (the template includes the rows; the admin view includes the count and the filters).
PARTS = [
    ("whole request", "django/test/client.py", "request"),
    ("session + user (middleware)", "django/contrib/auth/middleware.py", "get_user"),
    (
        "admin permissions (2 queries: ModelBackend)",
        "django/contrib/auth/backends.py",
        "_get_permissions",
    ),
    ("admin permissions (1 query)", "iys_portal/admin_site.py", "load_permissions"),
    ("admin view", "django/contrib/admin/options.py", "changelist_view"),
    ("- changelist (queryset, count, filters)", "django/contrib/admin/views/main.py", "__init__"),
    ("- admin site context (app list)", "django/contrib/admin/sites.py", "each_context"),
    ("- the app list (built when read)", "django/contrib/admin/sites.py", "get_app_list"),
    ("- the nav sidebar (kept per permissions and path)", "desk_list.py", "nav_sidebar"),
    ("template rendering", "django/template/response.py", "render"),
    ("- the rows (desk_result_list)", "iys_portal/templatetags/desk_list.py", "desk_result_list"),
    ("- the rows (admin result_list)", ADMIN_LIST, "result_list"),
    ("- filters", ADMIN_LIST, "admin_list_filter"),
    ("installment lookup: the gateway call", "payments/gateways/iyzico.py", "_call"),
    ("- TLS connect + handshake", "http/client.py", "connect"),
    ("all SQL (execute)", "django/db/backends/utils.py", "_execute"),
]


def breakdown(stats: pstats.Stats, n: int):
    totals = {}
    for (filename, _line, name), (_cc, _nc, _tt, cumulative, _callers) in stats.stats.items():
        for label, ending, function in PARTS:
            if name == function and filename.endswith(ending):
                totals[label] = max(totals.get(label, 0.0), cumulative)
    return [(label, totals[label] * 1000 / n) for label, *_ in PARTS if label in totals]


if __name__ == "__main__":
    main()
