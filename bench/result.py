"""The one line each bench ends with, for ``bench/run_all.py`` (``make bench``) to collect.

Convention: a bench's last line on stdout is ``RESULT {json}`` with at least

- ``bench``: its short name (``intake``, ``claim``, ``pages``, ``oversight``, ``soak``...);
- ``figure``: the headline measurement as people read it, e.g. ``"ratio 0.31 of bare"``;
- ``target``: what it should be, e.g. ``">= 0.30 of bare"``;
- ``met``: true or false (null when the bench has no target);

and any further keys it likes (numbers behind the figure). Print it with ``report()``.
"""

from __future__ import annotations

import json
from typing import Any

PREFIX = "RESULT "


def report(bench: str, figure: str, target: str, met: bool | None, **extra: Any) -> None:
    """Print the bench's RESULT line (last thing it prints)."""
    line = {"bench": bench, "figure": figure, "target": target, "met": met, **extra}
    print(PREFIX + json.dumps(line, default=str), flush=True)


def parse(stdout: str) -> dict[str, Any] | None:
    """The last RESULT line in ``stdout``, or None when there is none."""
    for line in reversed(stdout.splitlines()):
        if line.startswith(PREFIX):
            value = json.loads(line[len(PREFIX) :])
            return value if isinstance(value, dict) else None
    return None
