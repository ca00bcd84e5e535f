"""Oversight detector: is a reviewer's review real, or symbolic? (DESIGN sections 6 and 8).

Plain Python over decision records, shared by the live service and by the offline
``flask --app reviewq oversight analyze FILE.jsonl`` command. Stdlib only. One module per
concern, in the order the data flows:

* ``records``: a decision (the log line), validated;
* ``collect``: records into each reviewer's compact columns (``OversightAnalyzer``);
* ``baselines``: per-source pace norms, and the team's robust baselines;
* ``work``: one reviewer's decisions in time order with every per-decision measure;
* ``profile``: the parts compared (rested, late, high demand, and their references);
* ``signals``, ``outcomes`` and ``strain``: one function per signal, each a typed ``Signal``;
* ``verdict``: individual, conditions, insufficient or ok, and who sees which evidence;
* ``report``: the JSON report; ``evaluate``: scoring against labels;
* ``settings``: every threshold, in one place.
"""

from .collect import OversightAnalyzer, analyze, analyze_lines
from .records import ACTIONS, DecisionRecord, RecordError
from .report import Report, ReviewerResult
from .settings import DEFAULT_SETTINGS, OversightSettings
from .stats import (
    beta_binomial_tail,
    binomial_tail,
    canary_miss_posterior,
    cohen_kappa_binary,
    fisher_greater,
    mann_whitney_greater,
    robust_center,
    wilson_interval,
)

__all__ = [
    "ACTIONS",
    "DEFAULT_SETTINGS",
    "DecisionRecord",
    "OversightAnalyzer",
    "OversightSettings",
    "RecordError",
    "Report",
    "ReviewerResult",
    "analyze",
    "analyze_lines",
    "beta_binomial_tail",
    "binomial_tail",
    "canary_miss_posterior",
    "cohen_kappa_binary",
    "fisher_greater",
    "mann_whitney_greater",
    "robust_center",
    "wilson_interval",
]
