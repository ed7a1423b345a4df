"""The processes a benchmark runs (gunicorn, a Celery worker) and where their CPU goes, read
from ``/proc``: shared by ``api.py`` and ``instances.py`` (bench/ is not a package)."""

import os
import subprocess
from pathlib import Path

import run as pages  # bench/run.py: the interpreter and the project's root

ROOT = pages.ROOT


def start_gunicorn(env: dict, port: int, workers: int) -> subprocess.Popen:
    return subprocess.Popen(
        [
            str(Path(pages.PYTHON).with_name("gunicorn")),
            "iys_portal.wsgi",
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )


def start_celery(env: dict, *, beat: bool = False) -> subprocess.Popen:
    """One Celery worker (``--pool solo``), with the beat scheduler in it when ``beat``."""
    return subprocess.Popen(
        [
            str(Path(pages.PYTHON).with_name("celery")),
            "-A",
            "iys_portal",
            "worker",
            *(["--beat"] if beat else []),  # the schedule is in the database
            "--pool",
            "solo",
            "--concurrency",
            "1",
            "--loglevel",
            "WARNING",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=ROOT,
        env=env,
    )


def loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


CPU_GROUPS = ("gunicorn", "postgres", "pg-server", "redis", "celery", "wrk")


def cpu_by_group(database: str) -> dict[str, float]:
    """CPU seconds (user + system) used so far by the processes alive now, by program: where a
    request's CPU goes under load (a process that ends between two readings is not counted;
    gunicorn's workers, PostgreSQL's backends, Redis and wrk live through a run).
    ``postgres``: the backends connected to ``database``; ``pg-server``: PostgreSQL's own
    processes (WAL writer, checkpointer, …); backends of other databases count as ``other``."""
    tick = os.sysconf("SC_CLK_TCK")
    totals = dict.fromkeys((*CPU_GROUPS, "other"), 0.0)
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
            title = (stat.parent / "cmdline").read_bytes().decode(errors="replace")
        except OSError:
            continue
        name, fields = text[text.index("(") + 1 : text.rindex(")")], text[text.rindex(")") + 2 :]
        values = fields.split()
        seconds = (int(values[11]) + int(values[12])) / tick
        group = next((g for g in CPU_GROUPS if name.startswith(g)), "other")
        if group == "postgres" and f" {database} " not in title:
            # a backend's title is "postgres: user database host(port) state"
            group = "other" if "(" in title else "pg-server"
        totals[group] += seconds
    return totals


def cpu_split(before: dict, after: dict, requests: int) -> str:
    """µs of CPU per request, by program, between two ``cpu_by_group`` readings."""
    parts = [
        f"{group} {(after[group] - before[group]) / requests * 1e6:.0f}"
        for group in (*CPU_GROUPS, "other")
    ]
    total = sum(after.values()) - sum(before.values())
    return f"CPU µs/request: {' · '.join(parts)} · total {total / requests * 1e6:.0f}"
