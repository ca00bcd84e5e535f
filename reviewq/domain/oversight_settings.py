"""Every threshold of the oversight detector (DESIGN section 8), in one place.

The engine (``reviewq.domain.oversight``) reads nothing else: each flag it raises shows the
threshold and minimum sample from here beside the number, so a reviewer or a manager can see
exactly which rule fired. Change a value by building a new ``OversightSettings`` with
``dataclasses.replace(DEFAULT_SETTINGS, ...)``; never by editing the engine.

Where the defaults come from (DESIGN section 8): silent reading of non-fiction runs at about
238 words a minute (most people 175-300; Brysbaert 2019); skimming runs near 450 wpm and
nobody keeps 75% comprehension above about 600 wpm (Carver; Rayner et al. 2016); review
quality falls after 60-90 minutes without a break (SmartBear/Cisco); crowd work plants gold
questions at 1-3% and careful humans still miss 20-35% of seeded errors.

Conventions used below:

* a *floor* is the least time in which a draft could have been read at all:
  ``floor_base_seconds + words / floor_wpm`` (2 s + words at 600 wpm);
* *careful time* is what a careful reading needs: ``careful_base_seconds + words / careful_wpm``
  (4 s + words at 238 wpm);
* *rested work* is a reviewer's decisions made less than ``rested_session_minutes`` into a
  session and outside overloaded stretches; the individual-pattern signals (S1, S2, S3, S4,
  S5, S8, S9) are measured on rested work only, so that a workload problem is never charged
  to the person;
* every team baseline is the median and MAD of the reviewers who meet the signal's minimum
  sample (never a mean, which the outliers themselves would pull). With fewer than
  ``baseline_min_reviewers`` such reviewers, the signals that have a research prior fall back
  to it (``prior_*``); the outcome-rate signals (S3, S4, S9) depend on the queue and have no
  prior, so they report "no baseline" and never fire;
* a tail test against the team uses a beta-binomial whose mean is the team median (never
  below ``min_base_rate``) and whose spread is the honest between-reviewer spread estimated
  from the MAD (minus the binomial noise), so an honest reviewer at the edge of the team is
  not flagged just because they made many decisions.
"""

from __future__ import annotations

from dataclasses import dataclass, field

HIGH_RISK_TAGS: frozenset[str] = frozenset(
    {"refund", "legal", "medical", "financial", "finance", "safety", "pii", "high-risk"}
)


@dataclass(frozen=True)
class OversightSettings:
    """Detector thresholds. Times in seconds unless the name says otherwise."""

    # -- windows, sessions, clocks -------------------------------------------------------------
    window_days: int = 14
    """Rolling window of the live service. The offline ``analyze`` command uses the whole log
    unless ``--window-days`` is given; then the window ends at the log's latest decision."""
    session_gap_minutes: float = 10.0
    """A new session starts when a decision is opened at least this long after the reviewer's
    previous decision was made (DESIGN S6b: "without a 10-min break")."""
    clock_skew_tolerance_seconds: float = 2.0
    """``decided_at`` up to this much *before* ``opened_at`` is browser/server clock skew and
    is clamped to a dwell of 0; more than this is a negative duration and the record is
    refused. The same tolerance applies to ``active_seconds`` exceeding the dwell (clamped)."""

    # -- reading floor and careful time -------------------------------------------------------
    floor_base_seconds: float = 2.0
    floor_wpm: float = 600.0
    careful_base_seconds: float = 4.0
    careful_wpm: float = 238.0

    # -- rested work and overload -------------------------------------------------------------
    rested_session_minutes: float = 90.0
    overload_window_minutes: float = 60.0
    """A decision is in an overloaded stretch when the careful time demanded by the decisions
    of its session opened within +-30 min exceeds the time worked in that window (time worked
    is the session's span; at least ``active_hour_min_minutes`` is assumed)."""
    active_hour_min_minutes: float = 10.0
    """A clock hour counts as an *active hour* for S7 when the reviewer was in a session for at
    least this long in it; demand is pro-rated by the time worked (a 30-minute stint that
    demanded 40 minutes of careful reading is an overloaded hour)."""

    # -- statistics shared by several signals -------------------------------------------------
    wilson_z: float = 1.959964
    """Two-sided 95% Wilson score interval."""
    min_base_rate: float = 0.005
    """Team rates used as a tail-test mean are kept within [min_base_rate, 1 - min_base_rate]
    so that a team median of exactly 0 does not turn one event into p = 0."""
    baseline_min_reviewers: int = 5
    high_risk_tags: frozenset[str] = field(default=HIGH_RISK_TAGS)
    """An item is high-risk when any of its risk tags is in this set (the live service passes
    the tags its risk policy routes to two approvals or a raised level)."""
    examples_per_flag: int = 5

    # -- S1 under the reading floor -----------------------------------------------------------
    s1_min_decisions: int = 30
    s1_wilson_lower: float = 0.05
    s1_p: float = 0.001
    prior_s1_share: float = 0.01

    # -- S2 skimming --------------------------------------------------------------------------
    s2_min_items: int = 20
    s2_min_words: int = 100
    s2_wpm: float = 450.0
    s2_z: float = 3.0
    s2_min_sd_wpm: float = 25.0
    """Floor under the robust SD (1.4826 x MAD) so that a uniform team does not make every small
    difference a huge z."""
    prior_s2_median_wpm: float = 238.0
    prior_s2_sd_wpm: float = 50.0

    # -- S3 high-risk approval excess (approvals, edited or not, of high-risk items) --------------
    s3_min_items: int = 30
    s3_alert_p: float = 0.01
    s3_alarm_p: float = 0.001

    # -- S4 never edits (edits against the team, adjusted for risk and length) -----------------
    s4_min_decisions: int = 50
    s4_p: float = 0.001
    s4_length_edges: tuple[int, ...] = (100, 300)
    """Word-count bucket edges: strata are (high-risk or not) x (<100, 100-299, 300+ words)."""
    s4_stratum_min: int = 10
    """A reviewer's stratum rate enters the stratum's team median only from this many items."""

    # -- S5 bursts ----------------------------------------------------------------------------
    s5_min_decisions: int = 50
    s5_run: int = 5
    s5_share: float = 0.10
    s5_p: float = 0.001
    prior_s5_share: float = 0.01

    # -- S6 fatigue drift and S6b long sessions -----------------------------------------------
    s6_min_per_part: int = 20
    s6_early_minutes: float = 45.0
    s6_late_minutes: float = 90.0
    s6_ratio: float = 1.25
    s6_p: float = 0.001
    s6b_min_decisions: int = 30
    s6b_share: float = 0.25

    # -- S7 overload --------------------------------------------------------------------------
    s7_min_hours: int = 5
    s7_share: float = 0.5

    # -- S8 misses canaries -------------------------------------------------------------------
    s8_min_canaries: int = 6
    s8_catch_rate: float = 0.5
    s8_posterior: float = 0.95
    """Fires when P(true catch rate < s8_catch_rate | caught c of k) > s8_posterior under a
    uniform prior (8 planted: fires at 0 or 1 caught). A canary counts as caught when the
    reviewer rejected or escalated it; an (edited) approval is a miss."""

    # -- S9 second-review escapes -------------------------------------------------------------
    s9_min_pairs: int = 20
    s9_p: float = 0.001
    s9_kappa: float = 0.2
    """Kappa below this is reported as a concern beside S9; only the tail test fires S9."""

    # -- S10 boilerplate reasons (supporting only, never decides a verdict) ---------------------
    s10_min_reasons: int = 20
    s10_share: float = 0.8

    @property
    def session_gap_seconds(self) -> float:
        return self.session_gap_minutes * 60.0

    def describe(self) -> dict[str, object]:
        """All values, JSON-ready (sets become sorted lists)."""
        out: dict[str, object] = {}
        for name in self.__dataclass_fields__:
            value = getattr(self, name)
            if isinstance(value, frozenset):
                value = sorted(value)
            elif isinstance(value, tuple):
                value = list(value)
            out[name] = value
        return out


DEFAULT_SETTINGS = OversightSettings()
