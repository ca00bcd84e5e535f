"""`oversight export` at scale: its time beside a plain SQL copy of the same rows, and its memory.

    .venv/bin/python bench/export.py [--db-name reviewq_bench_pages] [--rounds 2] [--drop]

Runs on the database bench/pages.py left with ``--keep`` (1,000,000 decisions by default).
The baseline is PostgreSQL's own ``COPY (SELECT ...) TO STDOUT`` of the same joined columns,
read by psycopg and written to a file: the least any export of these rows can cost. The
export is the command's own code (``services.export.write``) writing the decision log to a
file. Rounds alternate (copy, export, copy, export) and the best of each is kept. Memory is
the peak RSS the export added to this process (VmHWM, reset before it). Target: export time
at most 2x the copy, memory bounded (tens of MB, whatever the number of decisions).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import psycopg  # noqa: E402

from bench.result import report  # noqa: E402
from reviewq import create_app  # noqa: E402
from reviewq.extensions import db  # noqa: E402
from reviewq.services import export  # noqa: E402

TARGET = 2.0
COPY = """COPY (
    SELECT d.id, d.action, d.content_before, d.opened_at, d.decided_at, d.active_seconds,
           d.reason, d.edit_chars, i.id, i.content, i.risk_tags, i.canary_id, s.slug, u.email,
           c.expected, q.agrees
    FROM decisions d JOIN items i ON i.id = d.item_id JOIN sources s ON s.id = i.source_id
    JOIN users u ON u.id = d.user_id LEFT JOIN canaries c ON c.id = i.canary_id
    LEFT JOIN qa_reviews q ON q.item_id = i.id AND q.done_at IS NOT NULL
    WHERE d.decided_at >= %s AND d.action IN ('approve', 'edit', 'reject', 'escalate')
    ORDER BY d.decided_at) TO STDOUT"""


def _kb(field: str) -> int:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(field):
                return int(line.split()[1])
    return 0


def plain_copy(dsn: str, since: datetime, out: Path) -> tuple[float, int]:
    started = time.perf_counter()
    size = 0
    with (
        psycopg.connect(dsn) as conn,
        conn.cursor() as cur,
        out.open("wb") as fh,
        cur.copy(COPY, (since,)) as copy,
    ):
        for chunk in copy:
            fh.write(chunk)
            size += len(chunk)
    return time.perf_counter() - started, size


def streamed_export(app, since: datetime, out: Path) -> tuple[float, int, float]:
    with app.app_context():
        before = _kb("VmRSS")
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")
        started = time.perf_counter()
        with out.open("w", encoding="utf-8") as fh:
            count = export.write(db.session, since, fh)
        elapsed = time.perf_counter() - started
        db.session.remove()
    return elapsed, count, (_kb("VmHWM") - before) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db-name", default="reviewq_bench_pages")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--drop", action="store_true", help="drop the database afterwards")
    args = parser.parse_args()
    dsn = f"postgresql://postgres@127.0.0.1:5432/{args.db_name}"
    os.environ["REVIEWQ_INSTANCE_PATH"] = str(
        Path(tempfile.gettempdir()) / f"reviewq-bench-{args.db_name}"
    )
    app = create_app({"SQLALCHEMY_DATABASE_URI": dsn.replace("://", "+psycopg://", 1)})
    since = datetime.now(UTC) - timedelta(days=365)
    copies, exports, peaks = [], [], []
    with tempfile.TemporaryDirectory() as folder:
        for _ in range(args.rounds):
            copied, size = plain_copy(dsn, since, Path(folder) / "copy.tsv")
            copies.append(copied)
            elapsed, count, peak = streamed_export(app, since, Path(folder) / "log.jsonl")
            exports.append(elapsed)
            peaks.append(peak)
            print(
                f"copy {copied:.1f} s ({size / 1e6:.0f} MB); export {elapsed:.1f} s "
                f"({count:,} decisions, {(Path(folder) / 'log.jsonl').stat().st_size / 1e6:.0f}"
                f" MB), peak RSS +{peak:.0f} MB",
                flush=True,
            )
    if args.drop:
        with app.app_context():
            db.engine.dispose()
        with psycopg.connect(dsn.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{args.db_name}" WITH (FORCE)')
    ratio = min(exports) / min(copies)
    verdict = "met" if ratio <= TARGET else "NOT met"
    print(
        f"\nbest: copy {min(copies):.1f} s, export {min(exports):.1f} s: ratio {ratio:.2f}x "
        f"(target <= {TARGET:.0f}x: {verdict}); peak RSS +{max(peaks):.0f} MB"
    )
    report(
        "export",
        f"ratio {ratio:.2f}x of COPY ({min(exports):.1f} s vs {min(copies):.1f} s, "
        f"{count:,} decisions), peak RSS +{max(peaks):.0f} MB",
        f"<= {TARGET:.0f}x of COPY, bounded memory",
        ratio <= TARGET,
        ratio=ratio,
        decisions=count,
    )


if __name__ == "__main__":
    main()
