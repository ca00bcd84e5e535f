"""Oversight analysis of a large decision log, against the time to merely parse it.

    .venv/bin/python bench/oversight.py [--decisions 1000000] [--reviewers 200] [--rounds 2]

What it measures: ``OversightAnalyzer.add_lines`` + ``report()`` + ``to_json()`` (what
``flask --app reviewq oversight analyze FILE --format json`` does, minus printing) over a
DESIGN section 6 log of ``--decisions`` decisions from ``--reviewers`` reviewers, written by
the simulator (reviewq/domain/simulate.py) into a temporary directory first; generating the
file is not timed. Beside it, the *parse* baseline reads the same file and ``json.loads`` every
line and nothing else: the least any analysis of that file must do. The target is
analysis <= 3 x parse.

Each measurement runs in a fresh child process (so one's memory and caches do not help or
hurt the other) and reports its wall time and its peak resident set size (ru_maxrss); an idle
child that only imports the engine gives the interpreter's own footprint, subtracted to show
what the data costs. Runs alternate (parse, analysis, parse, analysis, ...) and the best of
each is kept, so drift on a shared machine hits both sides. The simulator's labels are
checked against the verdicts too, as a sanity check at scale. Exit status 0 either way (the
verdict is printed); 1 only when setup fails. Each run's process CPU time is printed too
(the best of each side, and their ratio, also in the RESULT line as ``cpu_ratio``): on a
loaded machine it varies less than wall time; the figure stays the wall-time ratio.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGET = 3.0


def _child(mode: str, path: str) -> None:
    from reviewq.domain.oversight import OversightAnalyzer

    result: dict[str, object] = {}
    start, cpu_start = time.perf_counter(), time.process_time()
    if mode == "parse":
        loads = json.loads
        count = 0
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                loads(line)
                count += 1
        result["lines"] = count
    elif mode == "analyze":
        analyzer = OversightAnalyzer()
        with open(path, encoding="utf-8") as fh:
            analyzer.add_lines(fh)
        report = analyzer.report()
        text = report.to_json()
        result["lines"] = analyzer.lines_read
        result["skipped"] = analyzer.error_count
        result["json_bytes"] = len(text)
        result["verdicts"] = {r.reviewer: r.verdict for r in report.reviewers}
        result["index"] = report.team["symbolic_oversight_index"]["value"]
    result["seconds"] = time.perf_counter() - start
    result["cpu_seconds"] = time.process_time() - cpu_start
    result["maxrss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    print(json.dumps(result))


def _run(mode: str, path: Path) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--child", mode, str(path)],
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONHASHSEED": "0"},
    )
    return json.loads(out.stdout)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--decisions", type=int, default=1_000_000)
    parser.add_argument("--reviewers", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--child", nargs=2, metavar=("MODE", "FILE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(*args.child)
        return 0

    from reviewq.domain.simulate import write_simulation

    per = max(1, args.decisions // args.reviewers)
    with tempfile.TemporaryDirectory(prefix="oversight-bench-") as tmp:
        path = Path(tmp) / "decisions.jsonl"
        start = time.perf_counter()
        labels_file, count = write_simulation(
            path, args.seed, reviewers=args.reviewers, per_reviewer=per
        )
        generated = time.perf_counter() - start
        size_mb = path.stat().st_size / 1e6
        print(
            f"log: {count:,} decisions from {args.reviewers} reviewers, {size_mb:.0f} MB "
            f"(simulated in {generated:.1f} s, not timed below)"
        )
        idle = _run("idle", path)
        parses, analyses = [], []
        for _ in range(args.rounds):
            parses.append(_run("parse", path))
            analyses.append(_run("analyze", path))
        parse = min(parses, key=lambda r: r["seconds"])
        analysis = min(analyses, key=lambda r: r["seconds"])
        labels = {}
        for line in labels_file.read_text().splitlines():
            row = json.loads(line)
            labels[row["reviewer"]] = row["expected_verdict"]

    ratio = analysis["seconds"] / parse["seconds"]
    # CPU time beside wall time: on a loaded machine the wall ratio also measures what the
    # other processes did during each run; the process's own CPU time much less so
    cpu_parse = min(r["cpu_seconds"] for r in parses)
    cpu_analysis = min(r["cpu_seconds"] for r in analyses)
    cpu_ratio = cpu_analysis / cpu_parse
    per_decision = analysis["seconds"] / count * 1e6
    agree = sum(1 for r, v in analysis["verdicts"].items() if labels.get(r) == v)
    base_mb = idle["maxrss_mb"]
    print(
        f"parse (json.loads per line):  {parse['seconds']:7.2f} s   peak RSS "
        f"{parse['maxrss_mb']:7.1f} MB"
    )
    print(
        f"analysis (collect + report):  {analysis['seconds']:7.2f} s   peak RSS "
        f"{analysis['maxrss_mb']:7.1f} MB ({analysis['maxrss_mb'] - base_mb:.1f} MB above an idle "
        f"interpreter with the engine imported, {base_mb:.1f} MB)"
    )
    print(f"per decision: {per_decision:.2f} us; skipped lines: {analysis['skipped']}")
    print(
        f"process CPU time: analysis {cpu_analysis:.2f} s, parse {cpu_parse:.2f} s: "
        f"{cpu_ratio:.2f}x (the wall-time ratio below is the figure)"
    )
    print(
        f"verdicts matching the simulator's labels: {agree}/{len(analysis['verdicts'])}; "
        f"symbolic oversight index {analysis['index']}"
    )
    print(
        f"ratio analysis/parse: {ratio:.2f}x (target <= {TARGET:g}x): "
        f"{'met' if ratio <= TARGET else 'NOT met'}"
    )
    print(f"best of {args.rounds} alternating runs each, fresh process per run")
    from bench.result import report

    report(
        "oversight",
        f"ratio {ratio:.2f}x of parse ({analysis['seconds']:.1f} s vs {parse['seconds']:.1f} s; "
        f"{agree}/{len(analysis['verdicts'])} verdicts as labelled)",
        f"<= {TARGET:g}x of parse",
        ratio <= TARGET,
        ratio=round(ratio, 3),
        cpu_ratio=round(cpu_ratio, 3),
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
