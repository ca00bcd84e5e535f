"""Scale-out proof: reviewq as several processes, under load, with processes killed.

    python bench/soak.py [--seconds 60] [--rate 2] [--drain 120] [--web-workers 2] [--seed 1]

What runs: two gunicorn web processes (``reviewq:create_app()``, on two ports), two RQ
workers (``python -m reviewq.worker``) and one scheduler (``flask --app reviewq scheduler``,
sweeping every 5 s) against one throwaway PostgreSQL database and a throwaway Redis of its
own. Two simulated AI systems post signed drafts (official ``standardwebhooks`` client) to
both web processes in turn at ``--rate`` each per second, and withdraw a few; four reviewers
(levels 1, 2, 3, 3) and two supervisors sign in through the form and work over HTTP with
real sessions (Review next, decide through the forms, claim and resolve escalations). The
policy makes some drafts need level 2 or 3, two approvals, or always escalate. A receiver
verifies every decision callback's signature and records its webhook-id.

Mid-run (at 25%, 45% and 65% of ``--seconds``) one web process, one worker and Redis are
each killed with SIGKILL (with everything they started) and started again; each kill window
runs from the kill until the process served again plus ``--grace`` seconds. Then intake
stops and the people work until every item is final and every callback has arrived
(``--drain`` seconds at most).

Checks (exit status 1 when any fails): drafts accepted = items stored; every item decided as
its policy requires (distinct eligible approvers, from SQL); every final decision delivered
at least once with one distinct webhook-id; zero double claims (audit trail walk, and pages
shown); zero deadlocks (pg_stat_database, logs); zero 5xx or unanswered requests outside the
kill windows; ``flask audit verify`` passes (and against the newest checkpoint the receipts
carried); each receipt's checkpoint is signed by the log's key (generated for the run and
given to every process as ``REVIEWQ_AUDIT_KEY``) and the decision's audit event is in the
tree it signs (inclusion proof from ``GET /api/v1/audit/proof``, checked with
``reviewq.domain.tlog``; a receipt whose ``leaf`` is null is proved at the log's newest
checkpoint), and the oldest checkpoint seen is consistent with the newest. Printed:
throughput and p50/p99 per endpoint (client-side time, so including the load generator's
share of a small machine).
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import psycopg  # noqa: E402

from bench.result import report  # noqa: E402
from bench.soaklib import actors, checks, receiver, world  # noqa: E402
from bench.soaklib.client import Recorder  # noqa: E402
from bench.soaklib.cluster import Cluster, KillWindow  # noqa: E402
from reviewq.domain import note  # noqa: E402
from tests.support.services import ServiceUnavailable, create_database, ensure_postgres  # noqa: E402

DEFAULT_PG = "postgresql+psycopg://127.0.0.1:5432/postgres"
KILLS = [(0.25, "web1"), (0.45, "worker1"), (0.65, "redis")]


def libpq(url: str) -> str:
    return url.replace("+psycopg", "")


def setup(cluster: Cluster, hooks: receiver.Receiver) -> dict[str, dict[str, str]]:
    """Migrate, then make the people, sources and policy (one app start)."""
    cluster.flask("db", "upgrade")
    done = subprocess.run(
        [sys.executable, "-m", "bench.soaklib.world", hooks.url("")],
        env=cluster.env(),
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if done.returncode:
        raise RuntimeError(f"setting up the world failed:\n{done.stderr}")
    creds: dict[str, dict[str, str]] = json.loads(done.stdout.strip().splitlines()[-1])
    for slug, values in creds.items():
        hooks.secrets[slug] = values["secret"]
    return creds


def open_work(conn: psycopg.Connection[Any], hooks: receiver.Receiver) -> tuple[int, int]:
    """(items not final, final callbacks not yet received)."""
    (undecided,) = conn.execute(
        "SELECT count(*) FROM items WHERE canary_id IS NULL"
        " AND status NOT IN ('approved', 'rejected', 'withdrawn')"
    ).fetchone() or (0,)
    expected = {
        msg_id
        for (msg_id,) in conn.execute(
            "SELECT msg_id FROM deliveries"
            " WHERE event IN ('item.approved', 'item.rejected', 'item.withdrawn')"
        )
    }
    got = {hit.msg_id for hit in hooks.snapshot()}
    return int(undecided), len(expected - got)


def audit_verify(cluster: Cluster, hits: list[receiver.Hit]) -> checks.Check:
    """``flask audit verify``, and against the newest checkpoint a receipt carried, if any."""
    try:
        out = cluster.flask("audit", "verify").strip().splitlines()[-1]
    except RuntimeError as exc:
        return checks.Check("audit verify passes", False, str(exc).strip().splitlines()[-1])
    found = [receiver.receipt_checkpoint(hit.payload) for hit in hits]
    notes = [f[0] for f in found if f is not None]
    if not notes:
        return checks.Check("audit verify passes", True, f"{out}; no checkpoint in receipts")

    def size(note: str) -> int:  # signed note: origin, tree size, root hash, ...
        lines = note.splitlines()
        return int(lines[1]) if len(lines) > 1 and lines[1].isdigit() else -1

    newest = max(notes, key=size)
    path = cluster.tmp / "receipt-checkpoint.txt"
    path.write_text(newest)
    try:
        against = cluster.flask("audit", "verify", "--checkpoint", str(path)).strip()
    except RuntimeError as exc:
        return checks.Check("audit verify passes", False, f"against a receipt's checkpoint: {exc}")
    detail = f"{out}; against the newest receipt checkpoint: {against.splitlines()[-1]}"
    return checks.Check("audit verify passes", True, detail)


def api_getter(port: int, token: str) -> receiver.ApiGet:
    """``api_get(path) -> (status, json)`` against one web process with a source's token."""

    def api_get(path: str) -> tuple[int, Any]:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            conn.request("GET", path, headers={"Authorization": f"Bearer {token}"})
            answer = conn.getresponse()
            text = answer.read().decode("utf-8", "replace")
        finally:
            conn.close()
        try:
            return answer.status, json.loads(text)
        except ValueError:
            return answer.status, text[:200]

    return api_get


def checkpoints(
    hits: list[receiver.Hit], api_get: receiver.ApiGet, verifier: note.Verifier
) -> checks.Check:
    """Each receipt's checkpoint (``receiver.check_receipt_checkpoint``), and consistency
    from the oldest checkpoint the receipts carried to the newest, then to the log's newest."""
    name = "receipt checkpoints"
    found = [receiver.receipt_checkpoint(hit.payload) for hit in hits]
    if all(f is None for f in found):
        print(receiver.NOT_AVAILABLE)
        return checks.Check(name, False, "no receipt carries a checkpoint")
    status, head = api_get("/api/v1/audit/checkpoint")
    if status != 200:
        return checks.Check(name, False, f"GET /api/v1/audit/checkpoint: {status} {head}")
    if head.get("public_key") != verifier.text:
        return checks.Check(name, False, f"the API's public key is {head.get('public_key')}")
    try:
        later = note.open_checkpoint(head["checkpoint"], verifier)
    except note.NoteError as exc:
        return checks.Check(name, False, f"the log's newest checkpoint: {exc}")
    results = [receiver.check_receipt_checkpoint(hit, api_get, verifier, later) for hit in hits]
    problems = [r for r in results if r is not None]
    unsealed = sum(1 for f in found if f is not None and f[2] is None)
    seen = []
    for f in found:
        if f is None:
            continue
        with contextlib.suppress(note.NoteError):  # already a problem above
            seen.append(note.open_checkpoint(f[0], verifier))
    detail = (
        f"{len(results) - len(problems)} of {len(results)} receipts check out"
        f" ({unsealed} with leaf null, proved at size {later.size})"
    )
    if seen:
        first, last = min(seen, key=lambda c: c.size), max(seen, key=lambda c: c.size)
        for a, b in ((first, last), (last, later)):
            problem = receiver.check_consistency(a, b, api_get)
            if problem:
                problems.append(problem)
        detail += f"; consistent {first.size} -> {last.size} -> {later.size}"
        detail += f" ({len({c.size for c in seen})} distinct checkpoints in receipts)"
    if problems:
        detail += "; e.g. " + "; ".join(problems[:3])
    return checks.Check(name, not problems, detail)


def run(args: argparse.Namespace, db_url: str, tmp: Path) -> int:
    env = {"SECRET_KEY": secrets.token_hex(32)}
    cluster = Cluster(db_url, tmp, web_workers=args.web_workers, extra_env=env)
    # One signing key for every process, in their environment as production would have it
    # (development would make one per instance folder); its public half checks receipts.
    audit_key = cluster.flask("audit", "generate-key", "--name", "soak.reviewq.local/log")
    env["REVIEWQ_AUDIT_KEY"] = audit_key.strip().splitlines()[-1]
    verifier = note.Signer.parse(env["REVIEWQ_AUDIT_KEY"]).verifier
    hooks = receiver.Receiver()
    recorder, ledger = Recorder(), actors.Ledger()
    intake_stop, people_stop = threading.Event(), threading.Event()
    try:
        cluster.build()
        cluster.start("redis")
        creds = setup(cluster, hooks)
        for name in ("web1", "web2", "worker1", "worker2", "scheduler"):
            cluster.start(name)
        conn = psycopg.connect(libpq(db_url), autocommit=True)
        (deadlocks_before,) = conn.execute(
            "SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()"
        ).fetchone() or (0,)
        ports = cluster.web_ports
        people: list[actors.Person] = []
        for i, email in enumerate(world.reviewers() + world.supervisors()):
            kind = actors.Supervisor if email in world.supervisors() else actors.Person
            client = actors.client_for(ports, recorder, i)
            people.append(kind(email, client, ledger, people_stop, args.seed + i, args.think))
        systems = [
            actors.AISystem(
                slug,
                c["secret"],
                c["token"],
                actors.client_for(ports, recorder, i),
                ledger,
                args.rate,
                intake_stop,
                args.seed + 100 + i,
            )
            for i, (slug, c) in enumerate(creds.items())
        ]
        began = time.monotonic()
        actors.start_all([*people, *systems])
        for share, name in KILLS:
            time.sleep(max(0.0, began + share * args.seconds - time.monotonic()))
            window = cluster.kill_and_restart(name, args.down, args.grace)
            print(
                f"killed {name} at {window.start - began:5.1f} s, serving again "
                f"at {window.end - args.grace - began:5.1f} s",
                flush=True,
            )
        time.sleep(max(0.0, began + args.seconds - time.monotonic()))
        intake_stop.set()
        for system in systems:
            system.join()
        load_end = time.monotonic()
        deadline = load_end + args.drain
        undecided, unreceived = open_work(conn, hooks)
        while (undecided or unreceived) and time.monotonic() < deadline:
            time.sleep(1.0)
            undecided, unreceived = open_work(conn, hooks)
        drained = time.monotonic()
        people_stop.set()
        for person in people:
            person.join(timeout=30)
        print(
            f"load {load_end - began:.1f} s, drain {drained - load_end:.1f} s "
            f"(open items {undecided}, callbacks not received {unreceived})"
        )
        time.sleep(1.5)  # PostgreSQL's statistics reach pg_stat_database within a second
        hits = hooks.snapshot()
        results = [
            checks.drafts_stored(conn, ledger),
            checks.decided_by_policy(conn, ledger),
            checks.delivered_once_each(conn, hits, len(hooks.refused)),
            checks.no_double_claims(conn, ledger),
            checks.deadlocks(conn, deadlocks_before, cluster.logs()),
            checks.no_errors_outside_windows(recorder.samples, cluster.windows),
            audit_verify(cluster, hits),
            checkpoints(hits, api_getter(ports[0], next(iter(creds.values()))["token"]), verifier),
        ]
        if ledger.errors:
            results.append(checks.Check("bench ran cleanly", False, "; ".join(ledger.errors[:3])))
        conn.close()
        durations = (load_end - began, drained - began)
        return summarize(args, results, recorder, ledger, cluster.windows, *durations)
    finally:
        intake_stop.set()
        people_stop.set()
        cluster.stop_all()
        hooks.close()


def summarize(
    args: argparse.Namespace,
    results: list[checks.Check],
    recorder: Recorder,
    ledger: actors.Ledger,
    windows: list[KillWindow],
    load_seconds: float,
    total_seconds: float,
) -> int:
    table = checks.latency_table(recorder.samples, total_seconds, windows)
    counted = sum(row["requests"] for row in table)
    print(f"\n{len(recorder.samples) - counted} requests in the kill windows are not in this table")
    print(f"{'endpoint':34} {'requests':>8} {'req/s':>7} {'p50 ms':>8} {'p99 ms':>8}")
    for row in table:
        print(
            f"{row['endpoint']:34} {row['requests']:>8} {row['rate']:>7.1f} "
            f"{row['p50_ms']:>8.1f} {row['p99_ms']:>8.1f}"
        )
    drafts_rate = len(ledger.accepted) / load_seconds
    decisions_rate = ledger.decisions / total_seconds
    print(
        f"\nthroughput: {len(ledger.accepted)} drafts accepted ({drafts_rate:.1f}/s over the "
        f"{load_seconds:.0f} s load), {ledger.decisions} decisions through the forms "
        f"({decisions_rate:.1f}/s over {total_seconds:.0f} s)\n"
    )
    for check in results:
        print(f"{'PASS' if check.ok else 'FAIL'}  {check.name}: {check.detail}")
    passed = sum(c.ok for c in results)
    met = passed == len(results)
    report(
        "soak",
        f"{passed}/{len(results)} checks pass; {drafts_rate:.1f} drafts/s, "
        f"{decisions_rate:.1f} decisions/s with 3 kills",
        "every check passes",
        met,
        checks={c.name: c.ok for c in results},
        details={c.name: c.detail for c in results},
        endpoints=table,
        seconds=args.seconds,
    )
    return 0 if met else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="load phase length")
    parser.add_argument("--rate", type=float, default=2.0, help="drafts/s per AI system")
    parser.add_argument("--drain", type=float, default=120.0, help="max seconds to finish")
    parser.add_argument("--web-workers", type=int, default=2, help="gunicorn workers each")
    parser.add_argument("--think", type=float, default=0.2, help="seconds a person reads")
    parser.add_argument("--down", type=float, default=2.0, help="seconds a killed one is down")
    parser.add_argument("--grace", type=float, default=3.0, help="window after a restart")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the logs and the database")
    args = parser.parse_args(argv)
    try:
        server = ensure_postgres(os.environ.get("TEST_DATABASE_URL") or DEFAULT_PG)
    except ServiceUnavailable as exc:
        raise SystemExit(f"setup failed: {exc}") from None
    db_url, drop = create_database(server, prefix="reviewq_soak")
    tmp = Path(tempfile.mkdtemp(prefix="reviewq-soak-"))
    try:
        return run(args, db_url, tmp)
    finally:
        if args.keep:
            print(f"kept: logs in {tmp}, database {db_url}")
        else:
            drop()
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
