"""Run every bench and write their headline figures as one markdown table (``make bench``).

    python bench/run_all.py [--only NAME ...] [--small] [--out bench/results.md] [--readme]

Each bench is a script that ends with a ``RESULT {json}`` line (see bench/result.py: its
name, headline figure, target and whether it is met); this runner starts each in turn with
this interpreter, shows its output as it goes, and collects that line. A bench that is not
there yet prints "not available" in its row; one that ends without a RESULT line shows its
exit status. A pytest proof (no RESULT line) gets its row from its exit status.

The table goes to ``--out`` (the last measured figures, committed); with ``--readme`` it
also replaces the table between the ``bench-table`` markers in README.md's Performance
section. Exit status 1 when a bench failed to run or missed its target. ``--small`` gives the
benches that build data at scale a small size (e.g. ``--only pages export --small``: 20,000
rows, a minute or two), to check that they run; its figures say nothing about the targets.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.result import parse  # noqa: E402

START, END = "<!-- bench-table:start -->", "<!-- bench-table:end -->"
HELDOUT = "tests/domain/test_oversight_heldout.py"


@dataclass(frozen=True)
class Bench:
    name: str
    argv: tuple[str, ...]  # after the interpreter; the first is the script (or -m)
    what: str
    proof: str = ""  # for a pytest proof: the figure its passing stands for
    small: tuple[str, ...] = ()  # further arguments for a quick check (--small)


BENCHES = [
    Bench("intake", ("bench/intake.py",), "signed intake vs a bare `return 204`"),
    Bench("claim", ("bench/claim.py",), "claim the next item over HTTP vs raw SQL"),
    # pages keeps its database for export, which drops it (run them in this order)
    Bench(
        "pages",
        ("bench/pages.py", "--keep"),
        "every page at 1M items and decisions; the sweep of 100k overdue",
        small=("--rows", "20000", "--escalations", "2000", "--overdue", "5000"),
    ),
    Bench(
        "export",
        ("bench/export.py", "--drop"),
        "`oversight export` of 1M decisions vs a plain COPY",
        small=("--rounds", "1"),
    ),
    Bench(
        "reports",
        ("bench/reports.py",),
        "every report page at 1M decisions vs the raw SQL GROUP BY of its figures",
        small=("--rows", "20000", "--escalations", "2000"),
    ),
    Bench("oversight", ("bench/oversight.py",), "analysis of 1M decisions vs parsing them"),
    Bench(
        "oversight held-out",
        ("-m", "pytest", "-q", "-m", "slow", "--db=sqlite", HELDOUT),
        "detector on 8 held-out teams of each composition",
        proof="no honest reviewer flagged; precision, recall, kind >= 0.9",
    ),
    Bench("edits", ("bench/edits.py",), "edit size on 100 KB drafts"),
    Bench("soak", ("bench/soak.py",), "2 web, 2 workers, 1 scheduler; kills web, worker, Redis"),
    Bench(
        "soak test",
        ("-m", "pytest", "-q", "-m", "slow", "--db=postgresql", "tests/bench/test_soak.py"),
        "the short soak as a test (about a minute)",
        proof="every soak check passes",
    ),
]


def run(bench: Bench, small: bool = False) -> dict[str, Any]:
    """Run one bench (with its quick-check arguments when ``small``), echoing its output;
    its row."""
    script = ROOT / bench.argv[0]
    if bench.argv[0] != "-m" and not script.exists():
        print(f"== {bench.name}: not available ({bench.argv[0]} is missing)\n", flush=True)
        return {"bench": bench.name, "what": bench.what, "figure": "not available", "met": None}
    argv = (*bench.argv, *bench.small) if small else bench.argv
    print(f"== {bench.name}: {' '.join(argv)}", flush=True)
    began = time.monotonic()
    proc = subprocess.Popen(
        [sys.executable, *argv],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert proc.stdout is not None
    lines = []
    for line in proc.stdout:
        print(line, end="", flush=True)
        lines.append(line)
    status = proc.wait()
    took = time.monotonic() - began
    print(flush=True)
    result = parse("".join(lines))
    if result is None and bench.proof:
        result = {"figure": "passed" if status == 0 else "FAILED", "target": bench.proof}
        result["met"] = status == 0
    if result is None:
        result = {"figure": f"no RESULT line (exit status {status})", "target": "", "met": False}
    return {**result, "bench": bench.name, "what": bench.what, "seconds": took, "exit": status}


def table(rows: list[dict[str, Any]], small: bool = False) -> str:
    """The markdown table, with when and where it was measured."""
    load = os.getloadavg()[0]
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    head = (
        f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC at commit {commit or '?'} on "
        f"{os.cpu_count()} CPUs (load average {load:.2f} at the end), each bench with its "
        + (
            "quick-check size (--small): not figures to compare with the targets"
            if small
            else "default settings"
        )
        + ".\n\n"
        "| bench | what | figure | target | met | run time |\n"
        "| --- | --- | --- | --- | --- | --- |\n"
    )
    verdicts = {True: "yes", False: "**no**", None: "-"}
    body = ""
    for r in rows:
        took = f"{r['seconds']:.0f} s" if "seconds" in r else "-"
        body += (
            f"| {r['bench']} | {r.get('what', '')} | {r['figure']} | {r.get('target', '')} | "
            f"{verdicts[r.get('met')]} | {took} |\n"
        )
    return head + body


def into_readme(text: str) -> bool:
    """Replace the table between the markers in README.md; False when they are missing."""
    readme = ROOT / "README.md"
    content = readme.read_text()
    if START not in content or END not in content:
        return False
    before, rest = content.split(START, 1)
    _, after = rest.split(END, 1)
    readme.write_text(f"{before}{START}\n{text}{END}{after}")
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", nargs="+", metavar="NAME", help="run only these benches")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results.md")
    parser.add_argument("--readme", action="store_true", help="also update README.md's table")
    parser.add_argument(
        "--small", action="store_true", help="quick check: the benches that scale at a small size"
    )
    args = parser.parse_args(argv)
    chosen = [b for b in BENCHES if not args.only or b.name in args.only]
    rows = [run(bench, args.small) for bench in chosen]
    text = table(rows, args.small)
    args.out.write_text("# Bench results\n\n" + text)
    print(text)
    print(f"written to {args.out}")
    if args.readme and not into_readme(text):
        print("README.md has no bench-table markers: not updated")
    failed = [r["bench"] for r in rows if r.get("met") is False]
    if failed:
        print(f"missed or failed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
