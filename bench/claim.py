"""Review next at scale: 20 reviewers over HTTP against 1,000,000 queued items, beside the raw
SQL claim statement at the same concurrency in the same run.

    .venv/bin/python bench/claim.py [--items 1000000] [--in-review 150000] [--expired 5000]
                                    [--reviewers 20] [--seconds 20] [--workers 2] [--keep]

Setup: a throwaway PostgreSQL database, migrated; the queue seeded in SQL (``generate_series``):
``--items`` queued drafts over three risk levels and authority levels 1-3, 1% of them waiting
for a second approval that one of the simulated reviewers already gave (the two-person rule
has to skip those), and ``--in-review`` more left claimed by people who walked away, of which
``--expired`` have leases that ran out (Review next returns those to the queue as it goes).
gunicorn serves reviewq with ``--workers`` sync workers and ``REDIS_URL`` set, as in
production (no RQ worker runs: no job is needed on this path).

Baseline: the very statement ``services.review.claim_statement`` builds (one
``UPDATE ... WHERE id = (SELECT ... FOR UPDATE SKIP LOCKED)``), compiled for PostgreSQL and run
by ``--reviewers`` processes on their own connections, one commit per claim, for ``--seconds``;
its claims are put back in the queue afterwards.

Reviewers: ``--reviewers`` processes, each a person signed in through the real form (CSRF
token from the page, session cookie), who press Review next, then loop: read the version and
CSRF token off the item page, decide through the real form (approve 70%, edit 15%, reject 15%),
follow the redirect to the next item. Server time comes from the ``Server-Timing`` header
(``claim`` = the claim and its commit, ``app`` = the whole view); "decision -> next served" is
the client's time from sending the decision to having the next item's page.

At the end, in SQL: no item was claimed twice without a decision, skip or expiry in between
(audit trail), and no two decisions were taken on one claim (decisions by item version).

Targets: claim p99 < 20 ms server time; decision -> next served p95 < 150 ms; zero double
claims. The verdict is printed; the exit status is 0 either way (1 only when setup fails).
"""

from __future__ import annotations

import argparse
import http.client
import multiprocessing as mp
import os
import re
import secrets
import shutil
import signal
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import intake  # noqa: E402
import result  # noqa: E402
from intake import percentile, pg_context, start_gunicorn, stop  # noqa: E402

from tests.support.services import (  # noqa: E402
    ServiceUnavailable,
    create_database,
    ensure_postgres,
    ensure_redis,
)

BIN = Path(sys.executable).parent  # the venv running this script (also in a worktree)
intake.BIN = BIN
DEFAULT_PG = "postgresql+psycopg://127.0.0.1:5432/postgres"
# a database of its own: nothing on this path enqueues a job, but nothing may leak either
DEFAULT_REDIS = "redis://127.0.0.1:6379/12"
REVIEWQ = "reviewq:create_app()"
PASSWORD = "bench-reviewer-pw-1"
WARMUP = 3.0
TARGET_CLAIM_P99 = 20.0
TARGET_NEXT_P95 = 150.0
LEVELS = [3] * 10 + [2] * 6 + [1] * 4  # reviewer authority levels, cycled
CSRF = re.compile(r'name="csrf-token" content="([^"]+)"')  # every page's meta tag
# A light page for a fresh CSRF token (the queue page's counts are another colleague's bench)
TOKEN_PAGE = "/notifications"
VERSION = re.compile(r'id="version" name="version" type="hidden" value="(\d+)"')
EDIT = "Dear customer,\n\nWe have refunded the full amount today.\n\nKind regards,\nSam"


def seed(url: str, items: int, in_review: int, expired: int, reviewer_ids: list[int]) -> None:
    """Fill the queue in SQL: fast enough for a million rows (about a minute)."""
    import psycopg

    body = "Dear customer, thank you for your patience. " * 8
    absent = reviewer_ids[-1] + 1  # the walked-away holders are created below
    with psycopg.connect(url.replace("+psycopg", ""), autocommit=True) as conn:
        conn.execute("SET synchronous_commit = off")
        holders = conn.execute(
            "INSERT INTO users (email, name, role, level, password_hash, active, created_at) "
            "SELECT 'gone' || g || '@example.com', 'Gone ' || g, 'reviewer', 3, '!', true, now() "
            "FROM generate_series(1, 50) g RETURNING id"
        ).fetchall()
        absent = holders[0][0]
        source = conn.execute("SELECT id FROM sources LIMIT 1").fetchone()[0]
        conn.execute(
            """
            INSERT INTO items (source_id, external_id, webhook_id, title, content, content_type,
                context, metadata, risk_tags, unknown_tags, min_level, approvals_required,
                sla_minutes, always_escalate, qa_rate, routing_reason, due_at, status,
                claimed_by_id, claimed_at, claim_expires_at, version, edited, created_at,
                updated_at, priority, words)
            SELECT %(source)s, 'd-' || g, 'w-' || g, 'Reply to ticket #' || g, %(body)s,
                'text/plain', '{}', '{}', '["refund"]', '[]',
                1 + (g %% 10 >= 6)::int + (g %% 10 >= 9)::int,
                1 + (g %% 100 = 7)::int, 4320, false, 0,
                '["default"]',
                now() + interval '1 hour' + (g %% 4000) * interval '1 minute',
                CASE WHEN g > %(queued)s THEN 'in_review' ELSE 'queued' END,
                CASE WHEN g > %(queued)s THEN %(absent)s + g %% 50 END,
                CASE WHEN g > %(queued)s THEN now() - interval '20 minutes' END,
                CASE WHEN g > %(queued)s + %(expired)s THEN now() + interval '1 day'
                     WHEN g > %(queued)s THEN now() - interval '5 minutes' END,
                1 + (g %% 100 = 7)::int, false,
                now() - interval '1 day' + g * interval '1 millisecond', now(),
                1 + (g %% 7 >= 2)::int + (g %% 7 >= 5)::int, %(words)s
            FROM generate_series(1, %(total)s) g
            """,
            {
                "source": source,
                "body": body,
                "words": len(body.split()),  # as intake counts them
                "queued": items,
                "total": items + in_review,
                "expired": expired,
                "absent": absent,
            },
        )
        # 1% wait for a second approval that one of the bench reviewers gave
        conn.execute(
            """
            INSERT INTO decisions (item_id, user_id, action, item_version, opened_at,
                decided_at, edit_chars)
            SELECT id, (%(ids)s::int[])[1 + id %% %(n)s], 'approve', 1, now(), now(), 0
            FROM items WHERE approvals_required = 2 AND status = 'queued'
            """,
            {"ids": reviewer_ids, "n": len(reviewer_ids)},
        )
        conn.execute("VACUUM ANALYZE items")
        conn.execute("VACUUM ANALYZE decisions")


def setup_people(env: dict[str, str], reviewers: int) -> tuple[list[tuple[str, int, int]], str]:
    """Reviewers (email, id, level) and a source, through the services; returns them and
    the source's slug."""
    os.environ.update(env)
    from reviewq import create_app
    from reviewq.domain.authority import Actor
    from reviewq.extensions import db
    from reviewq.services import sources, users

    app = create_app()
    with app.app_context():
        system = Actor.system("bench")
        owner = users.create_user(
            db.session, system, "owner@example.com", "Owner", "admin", 1, PASSWORD
        )
        people = []
        for n in range(reviewers):
            level = LEVELS[n % len(LEVELS)]
            email = f"r{n}@example.com"
            user = users.create_user(
                db.session, system, email, f"R{n}", "reviewer", level, PASSWORD
            )
            db.session.flush()
            people.append((email, user.id, level))
        # the baseline's claimers: same levels, never signed in
        for n in range(reviewers):
            level = LEVELS[n % len(LEVELS)]
            users.create_user(
                db.session, system, f"sql{n}@example.com", f"S{n}", "reviewer", level, PASSWORD
            )
        sources.create_source(db.session, system, "bench-bot", "Bench", owner.email)
        db.session.commit()
    return people, "bench-bot"


def baseline_statements(env: dict[str, str], reviewers: int) -> list[str]:
    """The claim statement of ``services.review`` for each baseline claimer, as SQL text."""
    from sqlalchemy.dialects import postgresql

    from reviewq import create_app
    from reviewq.extensions import db
    from reviewq.models import User
    from reviewq.models.types import utcnow
    from reviewq.services import review

    os.environ.update(env)
    app = create_app()
    texts = []
    with app.app_context():
        for n in range(reviewers):
            user = db.session.query(User).filter_by(email=f"sql{n}@example.com").one()
            stmt = review.claim_statement(user.actor, utcnow(), review.QueueFilter())
            compiled = stmt.compile(
                dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True}
            )
            texts.append(str(compiled))
    return texts


def sql_worker(url, statement, window, results) -> None:
    """One connection running the claim statement back to back, one commit each."""
    import psycopg

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    latencies, empty = [], 0
    with psycopg.connect(url.replace("+psycopg", "")) as conn:
        start, warm_end, end = window.wait()
        time.sleep(max(0.0, start - time.monotonic()))
        while time.monotonic() < end:
            sent = time.monotonic()
            got = conn.execute(statement).fetchone()
            conn.commit()
            done = time.monotonic()
            if warm_end <= done < end:
                if got is None:
                    empty += 1
                else:
                    latencies.append(done - sent)
    results.put({"claims": latencies, "empty": empty})


class Browser:
    """A signed-in person: one keep-alive connection (reopened when gunicorn closes it) and
    the session cookie."""

    def __init__(self, port: int) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookie = ""

    def go(self, method: str, path: str, form: dict | None = None):
        headers = {"Cookie": self.cookie} if self.cookie else {}
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            self.conn.request(method, path, body, headers)
            response = self.conn.getresponse()
        except (OSError, http.client.HTTPException):
            self.conn.close()
            self.conn.request(method, path, body, headers)
            response = self.conn.getresponse()
        text = response.read().decode()
        cookie = response.getheader("Set-Cookie")
        if cookie:
            self.cookie = cookie.split(";", 1)[0]
        timing = dict(
            (part.split(";dur=")[0].strip(), float(part.split(";dur=")[1]))
            for part in (response.getheader("Server-Timing") or "").split(",")
            if ";dur=" in part
        )
        return response.status, response.getheader("Location") or "", text, timing


def path_of(location: str) -> str:
    return "/" + location.split("://", 1)[-1].split("/", 1)[-1] if "://" in location else location


def reviewer(port, email, seed_, think, window, results) -> None:
    """Sign in, Review next, then decide and follow to the next item until the window ends."""
    import random

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    rng = random.Random(seed_)
    out = {"claim": [], "next": [], "next_server": [], "decide_app": [], "item_app": []}
    out.update(decisions=0, errors=0, empty=0, served=[])
    me = Browser(port)
    _, _, page, _ = me.go("GET", "/login")
    status, _, _, _ = me.go(
        "POST",
        "/login",
        {"csrf_token": CSRF.search(page)[1], "email": email, "password": PASSWORD},
    )
    assert status == 302, f"sign-in failed: {status}"
    _, _, page, _ = me.go("GET", TOKEN_PAGE)
    start, warm_end, end = window.wait()
    time.sleep(max(0.0, start - time.monotonic()))
    status, location, _, timing = me.go("POST", "/queue/next", {"csrf_token": CSRF.search(page)[1]})
    while time.monotonic() < end:
        if "/items/" not in location:
            out["empty"] += 1
            time.sleep(0.5)
            _, _, page, _ = me.go("GET", TOKEN_PAGE)
            status, location, _, timing = me.go(
                "POST", "/queue/next", {"csrf_token": CSRF.search(page)[1]}
            )
            continue
        status, _, page, item_timing = me.go("GET", path_of(location))
        version = VERSION.search(page)
        if status != 200 or version is None:
            out["errors"] += 1
            _, _, page, _ = me.go("GET", TOKEN_PAGE)
            status, location, _, timing = me.go(
                "POST", "/queue/next", {"csrf_token": CSRF.search(page)[1]}
            )
            continue
        if think:
            time.sleep(rng.uniform(0.5, 1.5) * think)  # reading the draft
        form = {"csrf_token": CSRF.search(page)[1], "version": version[1], "active_seconds": "9"}
        roll = rng.random()
        if roll < 0.70:
            form["action"] = "approve"
        elif roll < 0.85:
            form.update(action="edit", content=EDIT)
        else:
            form.update(action="reject", reason_code="factual_error", reason="Wrong amount.")
        sent = time.monotonic()
        status, location, _, timing = me.go("POST", path_of(location) + "/decision", form)
        if status != 302:
            out["errors"] += 1
            continue
        if "/items/" in location:
            status, _, _, item_timing = me.go("GET", path_of(location))
            done = time.monotonic()
            if warm_end <= done < end and status == 200:
                out["next"].append(done - sent)
                out["next_server"].append(timing.get("app", 0) + item_timing.get("app", 0))
                out["decide_app"].append(timing.get("app", 0))
                out["item_app"].append(item_timing.get("app", 0))
                if "claim" in timing:
                    out["claim"].append(timing["claim"])
                out["decisions"] += 1
    results.put(out)


class Window:
    """The timed window, set by the parent once every process is ready (signed in)."""

    def __init__(self, ctx, parties: int, seconds: float) -> None:
        self.ready = ctx.Barrier(parties + 1)
        self.start = ctx.Value("d", 0.0)
        self.seconds = seconds

    def wait(self) -> tuple[float, float, float]:
        """In a worker: report ready, then wait for the window; (start, warm end, end)."""
        self.ready.wait(timeout=300)
        while not self.start.value:
            time.sleep(0.01)
        start = self.start.value
        return start, start + WARMUP, start + WARMUP + self.seconds


def run_processes(target, arglists, seconds) -> list[dict]:
    ctx = mp.get_context("fork")
    results = ctx.Queue()
    window = Window(ctx, len(arglists), seconds)
    procs = [ctx.Process(target=target, args=(*a, window, results)) for a in arglists]
    try:
        for p in procs:
            p.start()
        window.ready.wait(timeout=300)
        window.start.value = time.monotonic() + 0.5
        return [results.get(timeout=WARMUP + seconds + 120) for _ in procs]
    finally:
        for p in procs:
            if p.is_alive():
                p.terminate()
            p.join()


def double_claims(url: str) -> tuple[int, int]:
    """(items claimed twice in a row with nothing ending the first claim, claims decided
    twice), both from SQL."""
    import psycopg

    with psycopg.connect(url.replace("+psycopg", "")) as conn:
        twice = conn.execute(
            """
            SELECT count(*) FROM (
                SELECT action, lag(action) OVER (PARTITION BY subject ORDER BY id) AS before
                FROM audit_events WHERE subject LIKE 'item:%%'
            ) e WHERE action = 'item.claimed' AND before = 'item.claimed'
            """
        ).fetchone()[0]
        decided = conn.execute(
            "SELECT count(*) FROM (SELECT 1 FROM decisions WHERE decided_at > now() - "
            "interval '1 hour' GROUP BY item_id, item_version HAVING count(*) > 1) d"
        ).fetchone()[0]
    return twice, decided


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=1_000_000, help="queued items")
    parser.add_argument("--in-review", type=int, default=150_000, help="left claimed")
    parser.add_argument("--expired", type=int, default=5_000, help="of those, lease ran out")
    parser.add_argument("--reviewers", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=20.0, help="counted time per side")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--think", type=float, default=1.0, help="paced run's reading time (s)")
    parser.add_argument("--keep", action="store_true", help="keep the database (prints its URL)")
    args = parser.parse_args()
    load_before = os.getloadavg()[0]
    try:
        server = ensure_postgres(os.environ.get("TEST_DATABASE_URL") or DEFAULT_PG)
        redis_url = ensure_redis(DEFAULT_REDIS)
    except ServiceUnavailable as exc:
        raise SystemExit(f"setup failed: {exc}") from None
    db_url, drop = create_database(server, prefix="reviewq_bench_claim")
    tmp = Path(tempfile.mkdtemp(prefix="reviewq-bench-claim-"))
    servers: list = []
    env = {
        "DATABASE_URL": db_url,
        "SECRET_KEY": secrets.token_hex(32),
        "REVIEWQ_INSTANCE_PATH": str(tmp / "instance"),
        "REDIS_URL": redis_url,
    }
    try:
        from subprocess import run

        done = run(
            [BIN / "flask", "--app", "reviewq", "db", "upgrade"],
            env={**os.environ, **env},
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        if done.returncode:
            raise SystemExit(f"setup failed: db upgrade:\n{done.stderr}")
        people, _ = setup_people(env, args.reviewers)
        t0 = time.monotonic()
        seed(db_url, args.items, args.in_review, args.expired, [p[1] for p in people])
        print(
            f"machine: {os.cpu_count()} CPUs, load average {load_before:.2f} at start, "
            f"{pg_context(db_url)}\nseeded {args.items:,} queued + {args.in_review:,} in review "
            f"({args.expired:,} expired) in {time.monotonic() - t0:.0f} s; "
            f"{args.reviewers} reviewers, gunicorn {args.workers} sync workers, "
            f"{args.seconds:g} s per side after {WARMUP:g} s warm-up\n",
            flush=True,
        )
        statements = baseline_statements(env, args.reviewers)
        parts = run_processes(sql_worker, [(db_url, s) for s in statements], args.seconds)
        sql = sorted(x for p in parts for x in p["claims"])
        reset_baseline(db_url)

        log = tmp / "gunicorn.log"
        port = start_gunicorn(
            servers, {**os.environ, **env}, log, args.workers, "/healthz", REVIEWQ
        )
        figures = []
        for label, think in (("saturated: no reading time", 0.0), ("paced", args.think)):
            if label == "paced":
                label = f"paced: {think:g} s reading time on average"
            arglists = [(port, email, n, think) for n, (email, _, _) in enumerate(people)]
            parts = run_processes(reviewer, arglists, args.seconds)
            print(f"\nHTTP, {label}")
            figures.append(report(args, sql, parts))
        twice, decided = double_claims(db_url)
        print(
            f"double claims (SQL): {twice} claimed twice in a row, {decided} claims decided twice"
        )
        claim_p99, next_p95, http_rate, sql_rate = figures[0]  # the saturated run
        result.report(
            "claim",
            f"claim p99 {claim_p99:.1f} ms (server), decision -> next p95 {next_p95:.0f} ms, "
            f"{http_rate:.1f} claims/s vs {sql_rate:.0f} raw SQL, "
            f"{twice + decided} double claims",
            f"claim p99 < {TARGET_CLAIM_P99:g} ms, next p95 < {TARGET_NEXT_P95:g} ms, "
            "no double claim",
            claim_p99 < TARGET_CLAIM_P99 and next_p95 < TARGET_NEXT_P95 and not twice + decided,
            claim_p99_ms=claim_p99,
            next_p95_ms=next_p95,
            claims_per_s=http_rate,
            sql_claims_per_s=sql_rate,
        )
        if args.keep:
            print(f"kept: {db_url}")
    finally:
        for proc in servers:
            stop(proc)
        if not args.keep:
            drop()
        shutil.rmtree(tmp, ignore_errors=True)


def reset_baseline(url: str) -> None:
    """Put the baseline's claims back in the queue (they wrote no audit events)."""
    import psycopg

    with psycopg.connect(url.replace("+psycopg", ""), autocommit=True) as conn:
        conn.execute(
            "UPDATE items SET status = 'queued', claimed_by_id = NULL, claimed_at = NULL, "
            "claim_expires_at = NULL, version = version - 1 WHERE claimed_by_id IN "
            "(SELECT id FROM users WHERE email LIKE 'sql%%@example.com')"
        )
        conn.execute("VACUUM ANALYZE items")


def report(args, sql: list[float], parts: list[dict]) -> tuple[float, float, float, float]:
    """Print one run's table; (claim p99 server ms, next p95 ms, claims/s, raw SQL claims/s)."""
    claims = sorted(x for p in parts for x in p["claim"])
    nxt = sorted(x for p in parts for x in p["next"])
    nxt_server = sorted(x / 1000 for p in parts for x in p["next_server"])
    decide_app = sorted(x / 1000 for p in parts for x in p["decide_app"])
    item_app = sorted(x / 1000 for p in parts for x in p["item_app"])
    decisions = sum(p["decisions"] for p in parts)
    errors = sum(p["errors"] for p in parts)
    empty = sum(p["empty"] for p in parts)
    sql_rate, http_rate = len(sql) / args.seconds, decisions / args.seconds
    print(f"{'':<34} {'count':>7} {'per s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}")

    def line(label, values, rate=None):
        rate_text = f"{rate:>8.1f}" if rate is not None else f"{'':>8}"
        print(
            f"{label:<34} {len(values):>7} {rate_text} {percentile(values, 0.5):>8.2f} "
            f"{percentile(values, 0.95):>8.2f} {percentile(values, 0.99):>8.2f}"
        )

    line("raw SQL claim (client time)", sql, sql_rate)
    line("HTTP decide+claim, claim (server)", [c / 1000 for c in claims], http_rate)
    line("POST decision (server, whole view)", decide_app)
    line("GET next item (server, whole view)", item_app)
    line("decision -> next served (server)", nxt_server)
    line("decision -> next served (client)", nxt)
    print(f"errors {errors}, queue-empty answers {empty}")
    claim_p99 = percentile([c / 1000 for c in claims], 0.99)
    next_p95 = percentile(nxt, 0.95)
    ratio = http_rate / sql_rate if sql_rate else 0.0
    print(
        f"\nclaims/s HTTP {http_rate:.1f} vs raw SQL {sql_rate:.1f}: ratio {ratio:.3f}\n"
        f"claim p99 {claim_p99:.1f} ms server time (target < {TARGET_CLAIM_P99:g}): "
        f"{'PASS' if claim_p99 < TARGET_CLAIM_P99 else 'FAIL'}\n"
        f"decision -> next served p95 {next_p95:.1f} ms (target < {TARGET_NEXT_P95:g}): "
        f"{'PASS' if next_p95 < TARGET_NEXT_P95 else 'FAIL'}"
    )
    return claim_p99, next_p95, http_rate, sql_rate


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        sys.exit(130)
