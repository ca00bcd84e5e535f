"""Every threshold of the oversight detector (DESIGN section 8), in one place.

The engine reads nothing else: each flag shows the threshold and minimum sample from here
beside the number, so a reviewer or a manager can see exactly which rule fired. Change a value
with ``dataclasses.replace(DEFAULT_SETTINGS, ...)``; never by editing the engine.

Where the defaults come from (DESIGN section 8): silent reading of non-fiction runs at about
238 words a minute (most people 175-300; Brysbaert 2019); skimming runs near 450 wpm and
nobody keeps 75% comprehension above about 600 wpm (Carver; Rayner et al. 2016); review
quality falls after 60-90 minutes without a break (SmartBear/Cisco); crowd work plants gold
questions at 1-3% and careful humans still miss 20-35% of seeded errors.

Conventions:

* the *word model* of a draft: careful time ``careful_base_seconds + words / careful_wpm``
  and reading floor ``floor_base_seconds + words / floor_wpm`` (4 s + 238 wpm; 2 s + 600 wpm);
* the *norm* of a stratum (source x high-risk or not x length band) is how long the team
  takes on such drafts, as a multiple of the word model: the trimmed median, over reviewers
  with enough decisions there, of each reviewer's median (dwell / careful time): the upper
  quartile, after leaving out reviewers more than twice as fast as the median (stampers do
  not set the pace). Templated and very short drafts thereby set their own norm;
* a decision's *careful time* is the word model times its stratum's norm (the source's norm,
  then 1, when the stratum has too few reviewers); its *floor* is the lower of the absolute
  floor and ``floor_share_of_careful`` of its careful time;
* *demand* around a decision is the careful time of the decisions opened within
  +-15 minutes of it in its session, per minute spent there (time engaged on drafts plus the
  pauses between them). A *high-demand* stretch is one where the queue kept the reviewer
  busy: the pauses between drafts (beyond a few seconds to open the next) add up to less than
  15% of the time. Demand per minute is shown as context but does not mark a stretch, because
  in a backlog it only measures the reviewer's own pace; a reviewer who races through drafts
  and then waits for the next is not under demand: that speed is their own;
* *rested work* is a reviewer's decisions at most ``rested_session_minutes`` into a session
  and outside high-demand stretches. Individual signals are measured on rested work (on all
  work when rested work is below ``rested_min_decisions``);
* team baselines are medians and MADs over reviewers with enough data, trimmed on the bad
  side (``stats.trimmed_center``) so that up to 40% of stampers do not move them; tail tests
  use a beta-binomial whose spread is the honest between-reviewer spread.
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
    session_gap_minutes: float = 10.0
    """A new session starts after a pause of at least this long between decisions."""
    clock_skew_tolerance_seconds: float = 2.0
    """``decided_at`` up to this much before ``opened_at`` is clamped to a dwell of 0; more is
    refused. ``active_seconds`` above the dwell is clamped to it."""

    # -- the word model, norms and floors ------------------------------------------------------
    floor_base_seconds: float = 2.0
    floor_wpm: float = 600.0
    careful_base_seconds: float = 4.0
    careful_wpm: float = 238.0
    length_edges: tuple[int, ...] = (30, 80, 200, 500)
    """Word-count bands of a stratum: <30, 30-79, 80-199, 200-499, 500+ words."""
    norm_min_decisions: int = 5
    """A reviewer's median enters a stratum's norm from this many decisions there."""
    norm_min_reviewers: int = 2
    """A queue worked by two reviewers already sets its own norm (with one, the word model)."""
    norm_trim_ratio: float = 0.5
    """Reviewer medians below this share of the first median are left out of the norm."""
    norm_quantile: float = 0.75
    """The norm is this quantile of the kept reviewers' medians: careful reviewers' pace."""
    floor_share_of_careful: float = 0.4
    """Relative floor: 40% of careful time (the absolute floor is ~41% of the word model's
    careful time for an ordinary draft, so both agree where the word model holds)."""
    min_dwell_seconds: float = 0.5
    """Dwell below this is taken as this when dividing (pace of an instant decision)."""

    # -- rested work and demand ----------------------------------------------------------------
    rested_session_minutes: float = 90.0
    rested_min_decisions: int = 50
    demand_window_minutes: float = 30.0
    demand_min_worked_minutes: float = 5.0
    day_gap_hours: float = 6.0
    """Sessions less than this apart are one working day (strain is compared within days)."""
    demand_min_busy: float = 0.85
    """A stretch is high-demand when the reviewer was busy at least this share of it."""
    demand_pause_grace_seconds: float = 3.0
    """A pause up to this long is moving to the next draft, not idle time."""
    engaged_cap_careful: float = 3.0
    engaged_cap_seconds: float = 30.0
    """Without active time, a dwell counts as engaged up to 3 x careful time + 30 s (a draft
    left open through an interruption is not work)."""

    # -- statistics shared by several signals -------------------------------------------------
    wilson_z: float = 1.959964
    min_base_rate: float = 0.005
    """Rates used as a tail-test mean stay within [min_base_rate, 1 - min_base_rate]."""
    baseline_min_reviewers: int = 5
    high_risk_tags: frozenset[str] = field(default=HIGH_RISK_TAGS)
    """An item is high-risk when any of its tags is in this set (the live service passes the
    tags its policy routes to two approvals or a raised level)."""
    examples_per_flag: int = 5
    rate_min_worked_minutes: float = 10.0
    """Items per hour is shown from this much work; below it, why not."""
    verdict_min_decisions: int = 50
    """Below this many decisions, and with no hard signal, the verdict is *insufficient*."""

    # -- S1 under the reading floor (hard) ------------------------------------------------------
    s1_min_decisions: int = 30
    s1_deep_share_of_floor: float = 0.5
    """S1 counts decisions in under half the floor (honest fast readers dip just under it)."""
    s1_wilson_lower: float = 0.05
    s1_plain_wilson_lower: float = 0.35
    """...or more than a third of decisions under the floor itself (the floor is skimming
    speed; noisy fast honest readers stay well below a third)."""
    s1_p: float = 0.0001
    prior_s1_share: float = 0.01

    # -- S2 skimming: pace against the stratum norm (soft) --------------------------------------
    s2_min_items: int = 20
    s2_pace: float = 1.8
    """Median careful time / dwell above this (about 430 wpm on an ordinary draft)."""
    s2_z: float = 3.0
    s2_min_sd: float = 0.15

    # -- S3 high-risk approval excess (soft) -----------------------------------------------------
    s3_min_items: int = 30
    s3_alert_p: float = 0.001
    s3_alarm_p: float = 0.00001

    # -- S4 never edits: real edits against the team by stratum (soft) --------------------------
    s4_min_decisions: int = 50
    s4_min_expected: float = 5.0
    s4_p: float = 0.001
    s4_max_ratio: float = 0.35
    """Fires only when real edits are below this share of the expected count."""
    real_edit_min_chars: int = 5
    """An edit that changed fewer characters (whitespace-only changes count 0) is not an
    edit: it is an approval with cosmetics."""

    min_log_spread: float = 0.15
    """Least between-reviewer spread (log scale) assumed for outcome counts: honest people
    differ by at least some 15% even on an identical queue."""

    # -- S5 bursts (hard) ----------------------------------------------------------------------
    s5_min_decisions: int = 50
    s5_run: int = 5
    s5_share: float = 0.10
    s5_p: float = 0.0001
    prior_s5_share: float = 0.01

    # -- S6 fatigue: late in a session against rested work (conditions) -------------------------
    s6_late_minutes: tuple[float, ...] = (90.0, 120.0, 150.0, 180.0)
    """Late work is tried from each of these cut-offs (Bonferroni across them)."""
    s6_min_per_part: int = 20
    s6_ratio: float = 1.35
    s6_p: float = 0.001

    # -- worse under strain (conditions; late in sessions or high demand vs rested) ----------
    strain_min_decisions: int = 50
    strain_p: float = 0.0001
    strain_floor_rise: float = 0.10
    """Under-floor share at least this much higher under strain than rested (and 2.5x)..."""
    strain_floor_pace: float = 1.15
    """...with the median pace at least this much faster."""
    strain_intervention_ratio: float = 0.6
    """Interventions (real edits, rejects, escalations) at most this share of the rested rate."""
    strain_catch_drop: float = 0.3
    strain_qa_rise: float = 0.10

    # -- S6b long sessions, S7 high demand: risk factors only ----------------------------------
    s6b_min_decisions: int = 30
    s6b_share: float = 0.25
    s7_min_decisions: int = 30
    s7_share: float = 0.20

    # -- S8 misses canaries (hard) -------------------------------------------------------------
    s8_min_canaries: int = 6
    s8_reference_catch: float = 0.6
    """An honest reviewer catches at least this share (careful humans miss 20-35%); the
    reference is lowered to 80% of the team's own catch rate where planted drafts are harder."""
    s8_p: float = 0.001
    """Hard evidence (an individual verdict alone) below this p..."""
    s8_soft_p: float = 0.01
    """...soft evidence (needs a second signal) below this one."""
    s8_team_share: float = 0.8
    """Where the team catches less of a source's canaries, the reference is this share of the
    team's rate there (harder canaries lower the bar for everyone)."""
    s8_catch_rate: float = 0.5
    """Shown beside the test: P(true catch rate < 0.5 | caught of planted)."""

    # -- S9 blind second-review disagreement (soft; hard when strong) ---------------------------
    s9_min_pairs: int = 20
    s9_p: float = 0.001
    s9_hard_p: float = 0.00001
    s9_min_excess: float = 0.05
    s9_alarm_excess: float = 0.3
    """Rejections and escalations the second reviewer would not have made count from this
    far above the team's share: cautious reviewers escalate some good drafts, dumpers most."""
    s9_kappa: float = 0.2

    absolute_combined_p: float = 0.00001
    """S8 and S9 (canaries, blind second review) combined by Fisher's method below this p
    carry an individual verdict even when neither is strong alone."""

    # -- S11 silent sessions (soft; hard when strong) -------------------------------------------
    s11_min_expected: float = 4.0
    """A session counts when the reviewer's own rates predict this many interventions in it
    (a silent one then has a chance of e^-4, about 2%)."""
    s11_min_sessions: int = 5
    s11_p: float = 0.001
    s11_hard_p: float = 0.000001

    # -- S10 boilerplate reasons (supporting only) ---------------------------------------------
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

    def floor_seconds(self, words: int) -> float:
        """The plain reading floor of a text: faster than this, it cannot have been read
        (the analysis scales it per source, risk and length from the careful reviewers)."""
        return self.floor_base_seconds + words / self.floor_wpm * 60


DEFAULT_SETTINGS = OversightSettings()
