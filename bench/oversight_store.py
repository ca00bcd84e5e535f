"""The oversight job and the pages that read its stored results, at a million decisions.

    .venv/bin/python bench/oversight_store.py [--decisions 1000000] [--reviewers 1000]
        [--server postgresql+psycopg://127.0.0.1:5432/postgres] [--database reviewq_bench_ostore]

What it does: writes a simulated decision log (reviewq/domain/simulate.py, not timed), moves
its times so that the newest decision is a minute old, and loads it into a fresh PostgreSQL
database (created, migrated, and dropped at the end) with COPY: a user per reviewer, the
sources, an item per decision (word count stored, short text), the decisions, canaries and
blind second reviews. Then, each in a fresh child process:

* **job**: ``reviewq.jobs.oversight`` (every window the pages offer: the trend's twelve weeks,
  then 14, 28 and 90 days, streamed from the database and stored), with its wall time and
  peak RSS above an idle child that only built the app;
* **baseline**: ``oversight analyze`` of the same decisions exported to a file (the 90-day
  window: the largest single analysis), analysis only, as ``bench/oversight.py`` times it.

The ratio job/baseline is printed. Last, the pages are timed in this process through the
Flask test client (server time: no network), signed in as a supervisor and as a reviewer:
the Oversight page of each window, a reviewer's page and My review stats; with the growth of
this process's peak RSS over all those requests.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PASSWORD = "bench-password-1"


def _rss_mb() -> float:
    """This process's peak resident set size, in MB.

    VmHWM, not ``ru_maxrss``: a child started with fork and exec keeps its parent's
    ``ru_maxrss`` (here, the parent that held the whole log), but starts a new VmHWM.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _app(url: str) -> Any:
    from reviewq import create_app

    return create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url})


def _child(mode: str, arg: str) -> None:
    result: dict[str, Any] = {}
    if mode == "idle":
        _app(arg)
    elif mode == "job":
        app = _app(arg)
        start = time.perf_counter()
        result["windows"] = app.extensions["reviewq.jobs"].run("oversight")
        result["seconds"] = time.perf_counter() - start
    elif mode == "analyze":
        from reviewq.domain.oversight import OversightAnalyzer

        path, now = arg.split("|")
        start = time.perf_counter()
        analyzer = OversightAnalyzer(window_days=90, now=datetime.fromisoformat(now))
        with open(path, encoding="utf-8") as fh:
            analyzer.add_lines(fh)
        report = analyzer.report()
        report.to_json()
        result["seconds"] = time.perf_counter() - start
        result["lines"] = analyzer.lines_read
        result["verdicts"] = {r.reviewer: r.verdict for r in report.reviewers}
    result["maxrss_mb"] = _rss_mb()
    print(json.dumps(result))


def _run(mode: str, arg: str) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, __file__, "--child", mode, arg],
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONHASHSEED": "0"},
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def _seed(app: Any, log: Path) -> tuple[int, datetime]:
    """Load the log into the app's database with COPY; (decisions, the newest time)."""
    import sqlalchemy as sa

    from reviewq.domain.authority import Actor
    from reviewq.extensions import db
    from reviewq.models import Source, User
    from reviewq.services import sources, users

    records = [json.loads(line) for line in log.open(encoding="utf-8")]
    _compact(records)
    newest = max(datetime.fromisoformat(r["decided_at"]) for r in records)
    shift = datetime.now(UTC) - timedelta(minutes=1) - newest
    system = Actor.system("bench")
    with app.app_context():
        User.password_method = "pbkdf2:sha256:1000"
        users.create_user(db.session, system, "owner@bench.example", "Owner", "admin", 1, PASSWORD)
        users.create_user(db.session, system, "sue@bench.example", "Sue", "supervisor", 9, PASSWORD)
        for name in sorted({r["reviewer"] for r in records}):
            users.create_user(
                db.session, system, f"{name.lower()}@bench.example", name, "reviewer", 3, PASSWORD
            )
        for slug in sorted({r.get("source") or "bench-bot" for r in records}):
            sources.create_source(db.session, system, slug, slug.title(), "owner@bench.example")
        db.session.commit()
        people = dict(db.session.execute(sa.select(User.name, User.id)).all())
        slugs = dict(db.session.execute(sa.select(Source.slug, Source.id)).all())
        conn = db.session.connection().connection.dbapi_connection
        with conn.cursor() as cur:
            canary = {}
            for slug, sid in slugs.items():
                for expected in ("reject", "escalate"):
                    cur.execute(
                        "INSERT INTO canaries (source_id, title, content, risk_tags, context,"
                        " category, expected, active, created_by_id, created_at)"
                        " VALUES (%s, 't', 'c', '[]', '{}', 'wrong_facts', %s, true, %s, now())"
                        " RETURNING id",
                        (sid, expected, people["Sue"]),
                    )
                    canary[(slug, expected)] = cur.fetchone()[0]
            with cur.copy(
                "COPY items (id, source_id, external_id, webhook_id, title, content,"
                " content_type, context, metadata, risk_tags, unknown_tags, min_level,"
                " approvals_required, sla_minutes, always_escalate, qa_rate, priority,"
                " routing_reason, due_at, status, version, edited, canary_id, created_at,"
                " updated_at, words) FROM STDIN"
            ) as copy:
                for n, r in enumerate(records, start=1):
                    slug = r.get("source") or "bench-bot"
                    opened = datetime.fromisoformat(r["opened_at"]) + shift
                    cid = canary[(slug, r["canary_expected"] or "reject")] if r["canary"] else None
                    copy.write_row(
                        (
                            n,
                            slugs[slug],
                            f"x{n}",
                            f"w{n}",
                            "t",
                            "bench draft",
                            "text/plain",
                            "{}",
                            "{}",
                            json.dumps(r["risk_tags"]),
                            "[]",
                            1,
                            1,
                            60,
                            False,
                            0.0,
                            3,
                            "[]",
                            opened,
                            "approved",
                            2,
                            bool(r["edited"]),
                            cid,
                            opened,
                            opened,
                            r["words"],
                        )  # fmt: skip
                    )
            with cur.copy(
                "COPY decisions (id, item_id, user_id, action, item_version, edit_chars,"
                " reason, opened_at, decided_at, active_seconds) FROM STDIN"
            ) as copy:
                for n, r in enumerate(records, start=1):
                    action = "edit" if r["edited"] else r["action"]
                    chars = r.get("edit_chars")
                    if chars is None and r["action"] == "approve":
                        chars = 0
                    copy.write_row(
                        (n, n, people[r["reviewer"]], action, 1, chars, r.get("reason"),
                         datetime.fromisoformat(r["opened_at"]) + shift,
                         datetime.fromisoformat(r["decided_at"]) + shift, r["active_seconds"])
                    )  # fmt: skip
            with cur.copy(
                "COPY qa_reviews (item_id, created_at, reviewer_id, agrees, done_at) FROM STDIN"
            ) as copy:
                for n, r in enumerate(records, start=1):
                    if r["qa_agreed"] is not None:
                        done = datetime.fromisoformat(r["decided_at"]) + shift
                        copy.write_row((n, done, people["Sue"], r["qa_agreed"], done))
            for table in ("items", "decisions"):
                cur.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT max(id) FROM {table}))"
                )
        db.session.commit()
        with db.engine.connect() as c:
            c.execute(sa.text("ANALYZE"))
    return len(records), newest + shift


def _compact(records: list[dict[str, Any]]) -> None:
    """Move each reviewer's working days next to each other, ending on the log's last day
    (the times of day, and so every session and dwell, stay as simulated): the simulator
    spreads a thousand decisions a reviewer over many months, the windows hold 90 days."""
    last = max(datetime.fromisoformat(r["decided_at"]).date() for r in records)
    days: dict[str, list[Any]] = {}
    for r in records:
        days.setdefault(r["reviewer"], []).append(datetime.fromisoformat(r["opened_at"]).date())
    moves: dict[str, dict[Any, timedelta]] = {}
    for name, dates in days.items():
        ordered = sorted(set(dates))
        moves[name] = {
            d: (last - timedelta(days=len(ordered) - 1 - k)) - d for k, d in enumerate(ordered)
        }
    for r in records:
        move = moves[r["reviewer"]][datetime.fromisoformat(r["opened_at"]).date()]
        for key in ("opened_at", "decided_at"):
            r[key] = (datetime.fromisoformat(r[key]) + move).isoformat()


def _export(app: Any, out: Path, now: datetime) -> int:
    """The last 90 days' decisions as a decision log (as ``oversight export`` writes them)."""
    from reviewq.extensions import db
    from reviewq.services import oversight, oversight_store

    count = 0
    with app.app_context(), out.open("w", encoding="utf-8") as fh:
        for record in oversight_store.stream(db.session, now - timedelta(days=90)):
            fh.write(json.dumps(oversight.log_line(record), ensure_ascii=False) + "\n")
            count += 1
        db.session.remove()
    return count


def _pages(app: Any, reviewer_email: str, reviewer_id: int, rounds: int = 5) -> None:
    """Server time of each page (median of ``rounds``), in this process."""
    before = _rss_mb()
    clients = {}
    for who in ("sue@bench.example", reviewer_email):
        client = app.test_client()
        html = client.get("/login").get_data(as_text=True)
        token = re.search(r'name="csrf-token" content="([^"]+)"', html).group(1)
        answer = client.post(
            "/login", data={"csrf_token": token, "email": who, "password": PASSWORD}
        )
        assert answer.status_code == 302, answer.status_code
        clients[who] = client
    paths = [("sue@bench.example", f"/oversight?days={d}") for d in (7, 14, 28, 90)]
    paths += [
        ("sue@bench.example", "/oversight?days=90&sort=floor&page=3"),
        ("sue@bench.example", f"/oversight/{reviewer_id}?days=90"),
        (reviewer_email, "/my-stats?days=90"),
        (reviewer_email, "/my-stats?days=14"),
    ]
    for who, path in paths:
        times = []
        for _ in range(rounds):
            start = time.perf_counter()
            answer = clients[who].get(path)
            body = answer.get_data()
            times.append(time.perf_counter() - start)
            assert answer.status_code == 200, (path, answer.status_code)
        print(
            f"  {path:42} {statistics.median(times) * 1000:7.1f} ms median of {rounds} "
            f"(max {max(times) * 1000:.1f} ms, {len(body) / 1000:.0f} kB)"
        )
    print(f"  peak RSS of this process grew {_rss_mb() - before:.1f} MB over those requests")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--decisions", type=int, default=1_000_000)
    # 1,000 decisions a reviewer take the simulator about seven weeks: all in the 90 days
    parser.add_argument("--reviewers", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--server", default="postgresql+psycopg://127.0.0.1:5432/postgres")
    parser.add_argument("--database", default="reviewq_bench_ostore")
    parser.add_argument("--child", nargs=2, metavar=("MODE", "ARG"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(*args.child)
        return 0

    import flask_migrate
    import sqlalchemy as sa

    from reviewq.domain.simulate import write_simulation

    admin = sa.create_engine(args.server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{args.database}"'))
        conn.execute(sa.text(f'CREATE DATABASE "{args.database}"'))
    url = sa.engine.make_url(args.server).set(database=args.database).render_as_string(False)
    try:
        with tempfile.TemporaryDirectory(prefix="oversight-store-bench-") as tmp:
            os.environ["REVIEWQ_INSTANCE_PATH"] = tmp
            log = Path(tmp) / "decisions.jsonl"
            per = max(1, args.decisions // args.reviewers)
            write_simulation(log, args.seed, reviewers=args.reviewers, per_reviewer=per)
            app = _app(url)
            with app.app_context():
                flask_migrate.upgrade(directory=str(ROOT / "migrations"))
            start = time.perf_counter()
            count, newest = _seed(app, log)
            print(f"seeded {count:,} decisions in {time.perf_counter() - start:.1f} s (COPY)")
            now = datetime.now(UTC)
            exported = Path(tmp) / "export.jsonl"
            in_window = _export(app, exported, now)
            idle = _run("idle", url)
            job = _run("job", url)
            base = _run("analyze", f"{exported}|{now.isoformat()}")
            print(f"decisions in the 90-day window: {in_window:,} (newest {newest:%Y-%m-%d %H:%M})")
            print(
                f"job (12 weeks + 14, 28, 90 days, stored): {job['seconds']:7.2f} s   "
                f"peak RSS {job['maxrss_mb']:7.1f} MB ({job['maxrss_mb'] - idle['maxrss_mb']:.1f}"
                f" MB above an idle app, {idle['maxrss_mb']:.1f} MB); {job['windows']}"
            )
            print(
                f"baseline: oversight analyze of the exported 90 days: {base['seconds']:7.2f} s   "
                f"peak RSS {base['maxrss_mb']:7.1f} MB"
            )
            print(f"ratio job / one analysis from a file: {job['seconds'] / base['seconds']:.2f}x")
            with app.app_context():
                from reviewq.extensions import db
                from reviewq.models import OversightResult, OversightRun, User

                stored = dict(
                    db.session.execute(
                        sa.select(OversightResult.reviewer, OversightResult.verdict)
                        .join(OversightRun)
                        .where(OversightRun.window_days == 90)
                    ).all()
                )
                same = sum(1 for r, v in base["verdicts"].items() if stored.get(r) == v)
                print(f"stored 90-day verdicts equal to the file analysis: {same}/{len(stored)}")
                reviewer = db.session.scalars(
                    sa.select(User).where(User.role == "reviewer").order_by(User.id).limit(1)
                ).one()
                email, rid = reviewer.email, reviewer.id
                db.session.remove()
            print("pages (server time, in process):")
            _pages(app, email, rid)
            with app.app_context():
                from reviewq.extensions import db

                db.engine.dispose()
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{args.database}" WITH (FORCE)'))
        admin.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
