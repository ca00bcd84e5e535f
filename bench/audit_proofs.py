"""Audit log proofs at scale: seal N events on PostgreSQL, then time inclusion and
consistency proofs and the checkpoint read, beside a primary-key lookup of one event.

    .venv/bin/python bench/audit_proofs.py [--events 1000000] [--proofs 200]

Uses its own throwaway database (``reviewq_bench_tlog_<pid>``) on the PostgreSQL of
``TEST_DATABASE_URL`` (default postgresql://127.0.0.1:5432/postgres), dropped at the end.
Events are bulk-inserted with Core (the intake path's INSERT, in batches), then sealed by the
real sealer (``jobs.seal``: batches of 5,000, one checkpoint each). Prints the sealing rate,
the p50/p99 of each proof as served by the service layer, and their ratio to the primary-key
lookup measured in the same run. Target: every proof well under 300 ms at 1M events.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def _times(run, n: int) -> list[float]:
    out = []
    for _ in range(n):
        start = time.perf_counter()
        run()
        out.append((time.perf_counter() - start) * 1000)
    return out


def _summary(name: str, ms: list[float], base: float) -> str:
    ms = sorted(ms)
    p50, p99 = statistics.median(ms), ms[min(len(ms) - 1, int(len(ms) * 0.99))]
    ratio = p50 / base
    return f"{name:<24} p50 {p50:7.2f} ms  p99 {p99:7.2f} ms  p50 / PK lookup {ratio:5.1f}x"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--proofs", type=int, default=200)
    args = parser.parse_args()

    server = os.environ.get("TEST_DATABASE_URL", "postgresql+psycopg://127.0.0.1:5432/postgres")
    name = f"reviewq_bench_tlog_{os.getpid()}"
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f"CREATE DATABASE {name}"))
    url = server.rsplit("/", 1)[0] + "/" + name
    try:
        import flask_migrate

        from reviewq import create_app, jobs
        from reviewq.domain import note, tlog
        from reviewq.domain.audit import content_hash, leaf_data
        from reviewq.extensions import audit_signer, db
        from reviewq.models.types import utcnow
        from reviewq.services import audit
        from reviewq.services import tlog as log

        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True})
        with app.app_context():
            flask_migrate.upgrade()
            at = utcnow()
            started = time.perf_counter()
            batch = []
            for n in range(args.events):
                data = {"n": n}
                batch.append(
                    {"at": at, "actor": "bench", "action": "thing.done",
                     "subject": f"thing:{n}", "data": data,
                     "hash": content_hash(at, "bench", "thing.done", f"thing:{n}", data)}
                )  # fmt: skip
                if len(batch) == 20_000:
                    db.session.execute(sa.insert(audit.EVENTS), batch)
                    db.session.commit()
                    batch = []
            if batch:
                db.session.execute(sa.insert(audit.EVENTS), batch)
                db.session.commit()
            inserted = time.perf_counter() - started
            started = time.perf_counter()
            while jobs.seal():
                pass
            sealed = time.perf_counter() - started
            head = log.newest(db.session)
            assert head is not None and head.size == args.events, head
            rate = args.events / sealed
            print(f"{args.events} events: inserted in {inserted:.1f} s, sealed in {sealed:.1f} s")
            print(f"({rate:,.0f} events/s, {-(-head.size // log.BATCH)} checkpoints)")
            verifier = audit_signer().verifier
            checkpoint = note.open_checkpoint(head.note, verifier)
            rng = random.Random(7)
            ids = [rng.randint(1, args.events) for _ in range(args.proofs)]
            it = iter(ids * 3)

            def pk() -> None:
                db.session.execute(
                    sa.select(audit.EVENTS.c.hash).where(audit.EVENTS.c.id == next(it))
                ).one()

            def inclusion() -> None:
                event_id = next(it)
                p = log.inclusion(db.session, event_id, head.size)
                leaf = tlog.leaf_hash(leaf_data(event_id, p.event_hash))
                tlog.verify_inclusion(leaf, p.leaf_index, p.size, p.proof, checkpoint.root)

            def consistency() -> None:
                old = rng.randint(1, head.size)
                log.consistency(db.session, old, head.size)

            def newest() -> None:
                log.newest(db.session)

            base_ms = _times(pk, args.proofs)
            base = statistics.median(base_ms)
            print(_summary("primary-key lookup", base_ms, base))
            print(_summary("inclusion proof+verify", _times(inclusion, args.proofs), base))
            print(_summary("consistency proof", _times(consistency, args.proofs), base))
            print(_summary("newest checkpoint", _times(newest, args.proofs), base))
            db.session.remove()
            db.engine.dispose()
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
