"""CPU per request of the portal pages, in-process, with the benchmark's production settings.

    .venv/bin/python bench/profile_pages.py --db-prefix iys_pages            # CPU ms per page
    .venv/bin/python bench/profile_pages.py --db-prefix iys_pages --profile "Marka"  # pyinstrument

Uses the data set bench/run.py built (``<prefix>_<providers>``) and the same environment as
its gunicorn (DEBUG off, persistent connections, cached template loader, the same middleware),
and calls the WSGI application directly — no HTTP, no wrk — so that the figure is the process's
own CPU time (``time.process_time``) per request, which a shared machine disturbs far less than
requests/s; each page runs several rounds and the least disturbed round counts. PostgreSQL's
own time is not in it (another process); the query count is.
"""

import argparse
import json
import os
import sys
import time
from http.cookies import SimpleCookie
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def _environ(path: str, cookie: str | None, headers: dict) -> dict:
    path_info, _, query = path.partition("?")
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path_info,
        "QUERY_STRING": query,
        "SCRIPT_NAME": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_HOST": "127.0.0.1",
        "HTTP_USER_AGENT": "bench",
        "HTTP_ACCEPT": "text/html",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": BytesIO(b""),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    if cookie:
        morsels = SimpleCookie(cookie)
        environ["HTTP_COOKIE"] = "; ".join(f"{k}={m.coded_value}" for k, m in morsels.items())
    for name, value in headers.items():
        environ["HTTP_" + name.upper().replace("-", "_")] = value
    return environ


def call(application, path: str, cookie: str | None, headers: dict) -> tuple[str, bytes]:
    status = {}

    def start_response(code, response_headers, exc_info=None):
        status["code"] = code

    body = b"".join(application(_environ(path, cookie, headers), start_response))
    return status["code"], body


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--db-prefix", default="iys_bench")
    parser.add_argument("--providers", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=100, help="requests per round")
    parser.add_argument("--rounds", type=int, default=5, help="rounds per page (the best counts)")
    parser.add_argument("--profile", default="", help="pyinstrument for pages whose name has this")
    parser.add_argument(
        "--cprofile", default="", help="cProfile on CPU time for pages whose name has this"
    )
    parser.add_argument("--sort", default="tottime", help="cProfile sort key")
    parser.add_argument(
        "--filter", default="", help="cProfile: only functions whose file matches this regex"
    )
    parser.add_argument("--skip", default="", help="leave out pages whose name has this")
    parser.add_argument("--sql", action="store_true", help="print each page's queries")
    parser.add_argument("--only", default="", help="measure only pages whose name has this")
    args = parser.parse_args()

    from run import production_env

    os.environ.update(production_env(f"{args.db_prefix}_{args.providers}"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "iys_portal.settings"
    import django

    django.setup()
    from django.core.management import call_command
    from django.core.wsgi import get_wsgi_application
    from django.db import connection

    out = __import__("io").StringIO()
    call_command("bench_data", "--providers", "0", "--json", stdout=out)
    fixtures = json.loads(out.getvalue().strip().splitlines()[-1])
    application = get_wsgi_application()

    print(f"{'page':<66} {'CPU ms/req':>10} {'queries':>8}")
    for target in fixtures["targets"]:
        if args.only and args.only not in target["name"]:
            continue
        if args.skip and args.skip in target["name"]:
            continue
        cookie = fixtures["cookies"].get(target["as"]) if target["as"] else None
        headers = target.get("headers", {})
        for _ in range(20):  # warm-up: templates, translations, URL resolver, connection
            code, _body = call(application, target["path"], cookie, headers)
        if not code.startswith("200"):
            raise SystemExit(f"{target['name']}: {code}")
        queries: list[str] = []

        def record(execute, sql, *rest, queries=queries):
            queries.append(sql)
            return execute(sql, *rest)

        with connection.execute_wrapper(record):
            call(application, target["path"], cookie, headers)
        rounds = []
        for _ in range(args.rounds):
            started = time.process_time()
            for _ in range(args.requests):
                call(application, target["path"], cookie, headers)
            rounds.append((time.process_time() - started) * 1000 / args.requests)
        cpu_ms = min(rounds)  # the least disturbed round of a shared machine
        print(f"{target['name']:<66} {cpu_ms:10.2f} {len(queries):8d}", flush=True)
        if args.sql:
            for sql in queries:
                print("    " + sql[:300])
        if args.profile and args.profile in target["name"]:
            from pyinstrument import Profiler

            profiler = Profiler(interval=0.0002)
            profiler.start()
            for _ in range(args.requests):
                call(application, target["path"], cookie, headers)
            profiler.stop()
            print(profiler.output_text(unicode=True, color=False, show_all=False))
        if args.cprofile and args.cprofile in target["name"]:
            import cProfile
            import pstats

            profiler = cProfile.Profile(time.process_time)
            profiler.enable()
            for _ in range(args.requests):
                call(application, target["path"], cookie, headers)
            profiler.disable()
            stats = pstats.Stats(profiler)
            stats.sort_stats(args.sort).print_stats(*([args.filter] if args.filter else []), 35)


if __name__ == "__main__":
    main()
