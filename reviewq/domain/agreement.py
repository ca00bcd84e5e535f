"""Agreement between a first decision and a blind second review, as Cohen's kappa over a
2x2 table of counts (approve or not, by each), so the database does the counting."""

from __future__ import annotations

from dataclasses import dataclass

MIN_PAIRS = 10  # below this, kappa is "not enough data"


@dataclass(frozen=True)
class Table:
    """Counts of (first approved?, second would approve?) pairs."""

    both: int = 0  # both approve
    first_only: int = 0  # first approved, second would change or reject
    second_only: int = 0  # first did not approve, second would approve
    neither: int = 0

    def __add__(self, other: Table) -> Table:
        return Table(
            self.both + other.both,
            self.first_only + other.first_only,
            self.second_only + other.second_only,
            self.neither + other.neither,
        )

    @classmethod
    def of(cls, first_approved: bool, second_approves: bool, count: int) -> Table:
        """A table holding ``count`` pairs in one cell."""
        if first_approved:
            return cls(both=count) if second_approves else cls(first_only=count)
        return cls(second_only=count) if second_approves else cls(neither=count)

    @property
    def pairs(self) -> int:
        """How many pairs the table counts."""
        return self.both + self.first_only + self.second_only + self.neither

    @property
    def agreement(self) -> float | None:
        """The share of pairs where both made the same call (None without pairs)."""
        return (self.both + self.neither) / self.pairs if self.pairs else None

    @property
    def kappa(self) -> float | None:
        """Cohen's kappa: agreement beyond what the two raters' rates give by chance.

        None without pairs, or when it is undefined (both raters put every pair in the
        same one class, so chance agreement is already 1).
        """
        n = self.pairs
        if n == 0:
            return None
        first_yes = (self.both + self.first_only) / n
        second_yes = (self.both + self.second_only) / n
        chance = first_yes * second_yes + (1 - first_yes) * (1 - second_yes)
        if chance >= 1.0:
            return None
        observed = (self.both + self.neither) / n
        return (observed - chance) / (1 - chance)

    @property
    def enough(self) -> bool:
        """Whether there are enough pairs to show kappa (``MIN_PAIRS``)."""
        return self.pairs >= MIN_PAIRS
