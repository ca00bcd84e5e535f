"""The scale-out proof, short: bench/soak.py with small numbers (about a minute), as a
separate process: two web processes, two workers, a scheduler and a Redis of its own, one
of each killed and restarted mid-run. Every end check of the soak must pass.

Marked slow: ``make bench`` runs it (``pytest -m slow --db=postgresql tests/bench``), not
``make test``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bench.result import parse

ROOT = Path(__file__).resolve().parents[2]
SHORT = ["--seconds", "30", "--rate", "1", "--drain", "90", "--think", "0.1"]

pytestmark = [pytest.mark.slow, pytest.mark.postgres_only]


def test_a_short_soak_with_kills_passes_every_check(pg_server: str) -> None:
    done = subprocess.run(
        [sys.executable, "bench/soak.py", *SHORT],
        cwd=ROOT,
        env={**os.environ, "TEST_DATABASE_URL": pg_server},
        capture_output=True,
        text=True,
        timeout=600,
    )
    result = parse(done.stdout)
    assert result is not None, f"no RESULT line:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    failed = {name: result["details"][name] for name, ok in result["checks"].items() if not ok}
    assert not failed, f"failed checks: {failed}\n{done.stdout[-3000:]}"
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert {row["endpoint"] for row in result["endpoints"]} >= {
        "POST intake",
        "POST /queue/next",
        "POST decision",
        "POST /escalations/<id>/resolve",
    }
