"""Server time and memory of every page at production scale, and the sweep of 100k overdue.

    .venv/bin/python bench/pages.py [--rows 1000000] [--escalations 10000] [--overdue 100000]
                                    [--reuse] [--keep] [--skip ENDPOINT ...]

Builds its own PostgreSQL database (``reviewq_bench_pages``, dropped at the end unless
``--keep``; ``--reuse`` keeps one that a ``--keep`` run left) with bench/scale_data.py:
``--rows`` queued items, as many decisions, ``--escalations`` open escalations and what goes
with them. Then it signs in one person of each role (reviewer, supervisor, manager, admin)
through the login form and opens every page of the app's URL map (GET routes outside the
API, so a new page cannot be forgotten) as each of them, in this process through the WSGI
test client: what it times is the server's work, without network or browser.

Each page is opened ``--repeat`` times after one warm-up (a page slower than 5 s once);
the median is printed beside the item page's, measured in the same run (the baseline: one
row by primary key), with the peak RSS the request added to the process (VmHWM, reset
before each request) and what it kept. Targets: every page under 300 ms, none growing a
worker by more than 50 MB. Then ``--overdue`` queued items are made overdue and the sweep
escalates them in committed batches, while another thread opens the item page: the sweep's
time and the item page's slowest answer during it are printed.

A quick check: ``--rows 20000 --escalations 2000 --overdue 5000``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import flask_migrate  # noqa: E402
import psycopg  # noqa: E402
import scale_data  # noqa: E402
import sqlalchemy as sa  # noqa: E402
from flask import Flask  # noqa: E402
from flask.testing import FlaskClient  # noqa: E402

from bench.result import report  # noqa: E402
from reviewq import create_app  # noqa: E402
from reviewq.extensions import db  # noqa: E402
from reviewq.models.types import utcnow  # noqa: E402
from tests.support.auth import sign_in  # noqa: E402

ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
TARGET_MS = 300.0
TARGET_MB = 50.0
SLOW_S = 5.0
SWEEP_MINUTES = 10  # "minutes, not an hour"


def _kb(field: str) -> int:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(field):
                return int(line.split()[1])
    return 0


def _reset_peak() -> None:
    with open("/proc/self/clear_refs", "w") as fh:
        fh.write("5")  # resets VmHWM to the current RSS


def database(name: str, reuse: bool) -> tuple[str, bool]:
    """The bench database's URL, and whether it already holds the data."""
    with psycopg.connect(ADMIN, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if exists and not reuse:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        if not exists or not reuse:
            conn.execute(f'CREATE DATABASE "{name}"')
    return f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}", bool(exists and reuse)


def drop(name: str) -> None:
    with psycopg.connect(ADMIN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# pages whose work depends on a query: the worst case people type (a title word matches
# from the newest down; an unknown one reads every item)
QUERIES = {"search.search": "?q=order+status"}


def pages(app: Flask, sample: scale_data.Sample) -> list[tuple[str, str]]:
    """(endpoint, path) of every page a signed-in person can open, from the URL map."""
    values = {
        "item_id": sample.item_id,
        "review_id": sample.qa_review_id,
        "user_id": sample.reviewer_id,
        "canary_id": sample.canary_id,
    }
    found = []
    for rule in app.url_map.iter_rules():
        if "GET" not in (rule.methods or ()) or rule.endpoint == "static":
            continue
        if rule.rule.startswith("/api/") or rule.endpoint in ("auth.login", "health.healthz"):
            continue
        if rule.endpoint.startswith("reports."):  # bench/reports.py, against its own target
            continue
        missing = [arg for arg in rule.arguments if arg not in values]
        if missing:
            raise SystemExit(f"bench/pages.py: no sample value for {missing} of {rule.rule}")
        path = rule.rule.split("<")[0] + _tail(rule, values)
        found.append((rule.endpoint, path + QUERIES.get(rule.endpoint, "")))
    return sorted(found, key=lambda page: (page[0] != "review.item", page[0]))


def _tail(rule: object, values: dict[str, int]) -> str:
    arguments = getattr(rule, "arguments", ())
    return "".join(str(values[arg]) for arg in arguments)


def measure(client: FlaskClient, path: str, repeat: int) -> tuple[int, float, float, float]:
    """(status, median ms, peak MB added, MB kept) of GET ``path``."""
    before = _kb("VmRSS")
    _reset_peak()
    started = time.perf_counter()
    status = client.get(path).status_code  # warm-up: templates, caches, plans
    # the first request's growth counts: what it allocates stays in the process's arenas
    times, peaks, kept = [], [(_kb("VmHWM") - before) / 1024], [(_kb("VmRSS") - before) / 1024]
    runs = 1 if time.perf_counter() - started > SLOW_S else repeat
    for _ in range(runs):
        before = _kb("VmRSS")
        _reset_peak()
        started = time.perf_counter()
        status = client.get(path).status_code
        times.append((time.perf_counter() - started) * 1000)
        peaks.append((_kb("VmHWM") - before) / 1024)
        kept.append((_kb("VmRSS") - before) / 1024)
    return status, statistics.median(times), max(peaks), max(kept)


def page_table(
    app: Flask, sample: scale_data.Sample, repeat: int, skip: set[str]
) -> tuple[bool, float, str, float]:
    """Print every page's figures per role; (all within target, slowest page's ms, that
    page and role, largest peak MB)."""
    clients = {}
    for role, (email, _) in scale_data.ROLES.items():
        client = app.test_client()
        assert sign_in(client, email, scale_data.PASSWORD).status_code == 302, role
        clients[role] = client
    ok = True
    baseline = None
    slowest, slowest_page, largest = 0.0, "", 0.0
    print(
        f"\n{'page':42} {'role':10} {'status':>6} {'ms':>9} {'x item':>8} {'peak MB':>8} "
        f"{'kept MB':>8}"
    )
    for endpoint, path in pages(app, sample):
        for role, client in clients.items():
            if endpoint in skip:
                print(f"{path:42} {role:10} {'skipped':>6}")
                continue
            status, ms, peak, kept = measure(client, path, repeat)
            if baseline is None:
                baseline = ms
            within = status >= 400 or (ms < TARGET_MS and peak < TARGET_MB)
            if status < 400 and ms > slowest:
                slowest, slowest_page = ms, f"{path} as {role}"
            largest = max(largest, peak)
            ok = ok and within
            mark = "" if within else "  <-- over target"
            print(
                f"{path:42} {role:10} {status:>6} {ms:>9.1f} {ms / baseline:>8.1f} "
                f"{peak:>8.1f} {kept:>8.1f}{mark}",
                flush=True,
            )
    print(
        f"\nbaseline: the item page {baseline:.1f} ms; target < {TARGET_MS:.0f} ms server "
        f"time and < {TARGET_MB:.0f} MB peak growth per page: {'met' if ok else 'NOT met'}"
    )
    return ok, slowest, slowest_page, largest


def take_counts(app: Flask) -> None:
    """Take the counts the sweep takes every minute (the queue and canary pages show them
    for a long queue), and print how long that took."""
    from reviewq.services import canaries, queue

    with app.app_context():
        for label, take in (
            ("queue counts", queue.take_counts),
            ("catch rates", canaries.take_catch_rates),
        ):
            started = time.perf_counter()
            take(db.session, utcnow())
            db.session.commit()
            print(f"the sweep's {label}: {(time.perf_counter() - started) * 1000:.0f} ms")


def sweep_run(app: Flask, overdue: int, item_path: str) -> tuple[float, float]:
    """Make ``overdue`` queued items overdue, sweep, and time the item page meanwhile;
    (escalations per second, the item page's slowest ms meanwhile)."""
    from reviewq.jobs import sweep

    with app.app_context():
        db.session.execute(
            sa.text(
                "UPDATE items SET due_at = now() - interval '1 minute' WHERE id IN "
                "(SELECT id FROM items WHERE status = 'queued' ORDER BY id LIMIT :n)"
            ),
            {"n": overdue},
        )
        db.session.commit()
    client = app.test_client()
    assert sign_in(client, scale_data.ROLES["supervisor"][0], scale_data.PASSWORD).status_code
    during: list[float] = []
    done = threading.Event()

    def browse() -> None:
        while not done.is_set():
            started = time.perf_counter()
            client.get(item_path)
            during.append((time.perf_counter() - started) * 1000)
            time.sleep(0.05)

    watcher = threading.Thread(target=browse)
    started = time.perf_counter()
    watcher.start()
    with app.app_context():
        summary = sweep()
    elapsed = time.perf_counter() - started
    done.set()
    watcher.join()
    print(
        f"\nsweep: {summary['sla_breached']:,} of {overdue:,} overdue items escalated in "
        f"{elapsed:.1f} s ({summary['sla_breached'] / elapsed:,.0f}/s); the item page "
        f"answered {len(during)} times meanwhile, p50 {statistics.median(during):.0f} ms, "
        f"slowest {max(during):.0f} ms"
    )
    return summary["sla_breached"] / elapsed, max(during)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--escalations", type=int, default=10_000)
    parser.add_argument("--overdue", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--db-name", default="reviewq_bench_pages")
    parser.add_argument("--reuse", action="store_true", help="use the data a --keep run left")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--no-sweep", action="store_true")
    parser.add_argument("--no-pages", action="store_true", help="only the sweep")
    parser.add_argument("--skip", nargs="*", default=[], help="endpoints not to open")
    args = parser.parse_args()
    url, filled = database(args.db_name, args.reuse)
    # one instance folder per database: its generated keys open the secrets it sealed
    instance = Path(tempfile.gettempdir()) / f"reviewq-bench-{args.db_name}"
    instance.mkdir(exist_ok=True)
    os.environ["REVIEWQ_INSTANCE_PATH"] = str(instance)
    # TESTING: the bench drives the sweep itself (no embedded sweep thread)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True})
    try:
        with app.app_context():  # on a reused database: the indexes added since
            flask_migrate.upgrade(directory=str(ROOT / "migrations"))
        if not filled:
            print(
                f"building {args.rows:,} queued items, {args.rows:,} decisions, "
                f"{args.escalations:,} open escalations",
                flush=True,
            )
            sample = scale_data.build(app, args.rows, args.escalations)
        else:
            sample = scale_data.sample(app)
        figure, target, met = [], [], True
        if not args.no_pages:
            take_counts(app)
            ok, slowest, page, peak = page_table(app, sample, args.repeat, set(args.skip))
            figure.append(f"slowest page {slowest:.0f} ms ({page}), peak +{peak:.0f} MB")
            target.append(f"every page < {TARGET_MS:.0f} ms and < {TARGET_MB:.0f} MB")
            met = met and ok
        if not args.no_sweep:
            rate, during = sweep_run(app, args.overdue, f"/items/{sample.item_id}")
            minutes = args.overdue / rate / 60 if rate else float("inf")
            figure.append(
                f"sweep {rate:,.0f} items/s ({args.overdue:,} in {minutes:.1f} min; item page "
                f"{during:.0f} ms at worst meanwhile)"
            )
            target.append(f"the sweep of {args.overdue:,} in < {SWEEP_MINUTES} min")
            met = met and minutes < SWEEP_MINUTES
        report(
            "pages",
            f"{'; '.join(figure)} at {args.rows:,} rows",
            "; ".join(target),
            met,
            rows=args.rows,
        )
    finally:
        if not args.keep:
            with app.app_context():
                db.engine.dispose()
            drop(args.db_name)


if __name__ == "__main__":
    main()
