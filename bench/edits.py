"""Edit size (reviewq/domain/edits.py) on 100 KB drafts, from a few changes to a rewrite.

    .venv/bin/python bench/edits.py [--kb 100] [--rounds 3]

What it measures: ``edit_size(before, after)`` as a decision computes it, on a generated draft
of ``--kb`` kilobytes (words drawn from a small vocabulary, the worst case for difflib's
matching; lines of 14 words, or one long line) against edited copies: identical, a few and
many one-word changes, whitespace reflowed, line endings turned to CRLF, half deleted, and
everything rewritten. Beside each, the *collapse* baseline times what any comparison must do
(collapse both texts' whitespace and compare them). The best of ``--rounds`` runs is kept.
The target is every case under 0.25 s; the verdict is printed, the exit status is 0 either way.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.result import report  # noqa: E402
from reviewq.domain.edits import edit_size  # noqa: E402

TARGET_SECONDS = 0.25
VOCAB = [f"w{i}" for i in range(250)] + ["the", "a", "refund", "customer", "order."]


def draft(rng: random.Random, size: int, per_line: int) -> str:
    """About ``size`` characters of words, ``per_line`` words a line."""
    words = [rng.choice(VOCAB) for _ in range(size // 4)]
    text = "\n".join(" ".join(words[i : i + per_line]) for i in range(0, len(words), per_line))
    return text[:size]


def changed(rng: random.Random, text: str, count: int) -> str:
    """``text`` with ``count`` words changed by one letter each."""
    words = text.split(" ")
    for i in rng.sample(range(len(words)), count):
        words[i] += "x"
    return " ".join(words)


def best(fn: Callable[[], object], rounds: int) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kb", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    rng, size = random.Random(7), args.kb * 1000
    lines, one_line = draft(rng, size, 14), draft(rng, size, 10**9)
    cases = {
        "identical": (lines, lines),
        "5 one-word changes": (lines, changed(rng, lines, 5)),
        "50 one-word changes": (lines, changed(rng, lines, 50)),
        "reflowed (whitespace only)": (lines, lines.replace("\n", " ").replace(". ", ".\n\n")),
        "CRLF line endings": (lines, lines.replace("\n", "\r\n")),
        "second half deleted": (lines, lines[: size // 2]),
        "everything rewritten": (lines, draft(rng, size, 14)),
        "one line, 5 one-word changes": (one_line, changed(rng, one_line, 5)),
        "one line, everything rewritten": (one_line, draft(rng, size, 10**9)),
    }
    worst = 0.0
    print(f"{'case':34} {'size':>8} {'edit_size':>10} {'collapse':>9}")
    for name, (before, after) in cases.items():
        seconds = best(lambda b=before, a=after: edit_size(b, a), args.rounds)
        floor = best(lambda b=before, a=after: " ".join(b.split()) == " ".join(a.split()), 3)
        worst = max(worst, seconds)
        result = edit_size(before, after)
        print(f"{name:34} {result:8d} {seconds * 1000:8.1f} ms {floor * 1000:6.1f} ms")
    verdict = "met" if worst < TARGET_SECONDS else "MISSED"
    print(f"slowest {worst * 1000:.1f} ms; target < {TARGET_SECONDS * 1000:.0f} ms: {verdict}")
    target = f"< {TARGET_SECONDS * 1000:.0f} ms"
    report("edits", f"slowest case {worst * 1000:.1f} ms", target, worst < TARGET_SECONDS)


if __name__ == "__main__":
    main()
