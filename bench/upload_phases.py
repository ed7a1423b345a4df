"""Where an upload's time goes: ``bench/consents.py upload`` with its PostgreSQL phases timed.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/<db> \\
        .venv/bin/python bench/upload_phases.py --rows 200000 [--no-built-rows] [--no-gate]

Per phase and per row: the PostgreSQL backend's CPU (``/proc/<pid>/schedstat``, nanoseconds;
the server must be local and readable), the wall time and the writing thread's CPU. "consents_apply
total" is one batch's whole serial chain; what it spends outside the listed phases is the
writer's Python (decisions, results). ``--no-built-rows`` makes the upload build its new rows in
``consents_apply`` as before session 4, ``--no-gate`` lets the validating thread start on the
next batch as soon as the writer takes one (A/B of ``writes.new_rows`` and ``before_write``).
"""

import argparse
import collections
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iys_portal.settings")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--no-built-rows", action="store_true")
    parser.add_argument("--no-gate", action="store_true")
    args = parser.parse_args()
    import django

    django.setup()
    from django.db import connections
    from django.db.models import QuerySet

    import consents.services as services
    import consents.uploads as uploads
    import consents.writes as writes

    stats = collections.defaultdict(lambda: [0, 0.0, 0.0, 0])
    backend = []

    def backend_ns() -> int:
        if not backend:
            connection = connections["default"]
            connection.ensure_connection()
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                backend.append(cursor.fetchone()[0])
        with open(f"/proc/{backend[0]}/schedstat") as stat:
            return int(stat.read().split()[0])

    def timed(name, function):
        def call(*args, **kwargs):
            ns, wall, cpu = backend_ns(), time.perf_counter(), time.thread_time()
            try:
                return function(*args, **kwargs)
            finally:
                entry = stats[name(args) if callable(name) else name]
                entry[0] += backend_ns() - ns
                entry[1] += time.perf_counter() - wall
                entry[2] += time.thread_time() - cpu
                entry[3] += 1

        return call

    writes.rows_lock = timed("locked read", writes.rows_lock)
    writes._assign_ids = timed("consent ids", writes._assign_ids)
    writes._copy = timed(lambda a: "COPY " + a[0], writes._copy)
    writes._update_postgres = timed("UPDATE changed", writes._update_postgres)
    services._lock_counters = timed("counter locks", services._lock_counters)
    services.address_thresholds_check = timed("thresholds", services.address_thresholds_check)
    QuerySet.update = timed(lambda a: "update " + a[0].model.__name__, QuerySet.update)
    wrapper = type(connections["default"])
    commit = wrapper.commit
    wrapper.commit = lambda self: timed("commit", commit)(self)
    if args.no_built_rows:
        uploads.new_rows = lambda **kwargs: None
    apply = services.consents_apply

    def consents_apply(*a, **kwargs):
        if args.no_gate:
            kwargs.pop("before_write", None)
        return apply(*a, **kwargs)

    uploads.consents_apply = timed("consents_apply total", consents_apply)
    from importlib.util import module_from_spec, spec_from_file_location

    spec = spec_from_file_location("bench_consents", Path(__file__).parent / "consents.py")
    bench = module_from_spec(spec)
    spec.loader.exec_module(bench)
    bench.bench_upload(args.rows, None)
    rows = args.rows
    print(f"{'phase':24} {'PG µs/row':>10} {'wall µs/row':>12} {'writer CPU µs/row':>18} calls")
    for name, (ns, wall, cpu, calls) in sorted(stats.items(), key=lambda item: -item[1][1]):
        pg, wall, cpu = ns / 1000 / rows, wall * 1e6 / rows, cpu * 1e6 / rows
        print(f"{name:24} {pg:10.2f} {wall:12.2f} {cpu:18.2f} {calls}")


if __name__ == "__main__":
    main()
