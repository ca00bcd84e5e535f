"""The oversight job, run the way the worker runs it: the pages show only stored results."""

from __future__ import annotations

from flask import Flask

from reviewq.services import pending


def compute(app: Flask) -> dict[int, int]:
    """Compute and store the oversight results of every window, now.

    Returns:
        Decisions analysed per window, by its days.
    """
    result: dict[int, int] = app.extensions["reviewq.jobs"].run(pending.OVERSIGHT)
    return result
