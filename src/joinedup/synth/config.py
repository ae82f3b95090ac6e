"""What to synthesise, and how noisy each agency's recording of a person is.

The noise rates are data, not code, so a linkage evaluation can state exactly how hard the
population it measured was; docs/synth.md lists the defaults.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from joinedup.records.clock import uk_today
from joinedup.synth.errors import InvalidSynthConfig

# The history ends a week before today, so every date is safely in the past for ingest.
END_MARGIN_DAYS = 7
MAX_CHILDREN = 2_000_000


@dataclass(frozen=True)
class NoiseRates:
    """Chance of each kind of identity noise.

    ``view_*`` rates apply once per (person, agency): an agency keeps the same spelling on
    every later record, as a case-management system does. ``record_*`` rates apply to each
    record afresh.
    """

    view_given_typo: float = 0.03
    view_family_typo: float = 0.03
    view_nickname: float = 0.10  # given name recorded in its informal form, when one exists
    view_other_names: float = 0.06  # an alias listed in other_names
    view_maiden_name: float = 0.30  # a mother with a maiden name recorded under it
    view_partner_surname: float = 0.15  # a child recorded under the mother's partner's surname
    view_dob_missing_child: float = 0.03
    view_dob_missing_adult: float = 0.12
    view_dob_swapped: float = 0.02  # day and month swapped (only where that makes a real date)
    view_dob_partial: float = 0.02  # year and month only, or year only
    view_dob_typo: float = 0.01  # one day out
    view_sex_missing: float = 0.05
    record_given_typo: float = 0.005
    record_old_address: float = 0.30  # within six months of a move, the previous address
    record_postcode_typo: float = 0.02
    record_postcode_format: float = 0.06  # no space, or lower case
    record_la_missing: float = 0.10
    record_local_id_missing: float = 0.10  # a social care, early help or police record without its local id
    record_local_id_typo: float = 0.01  # a digit of the local id mistyped or two swapped


@dataclass(frozen=True)
class SynthConfig:
    children: int
    years: int = 3
    seed: int = 1
    start: date | None = None
    harm_rate: float = 0.03  # share of children on a harm trajectory
    decoy_rate: float = 0.04  # share of children showing a harmless cluster of concerns
    noise: NoiseRates = field(default_factory=NoiseRates)

    def start_date(self) -> date:
        return self.start if self.start is not None else default_start(self.years)

    def end_date(self) -> date:
        start = self.start_date()
        try:
            return start.replace(year=start.year + self.years) - timedelta(days=1)
        except ValueError:  # 29 February
            return start.replace(year=start.year + self.years, day=28)

    def validate(self) -> None:
        if not 1 <= self.children <= MAX_CHILDREN:
            raise InvalidSynthConfig(f"--children must be between 1 and {MAX_CHILDREN:,}, not {self.children}")
        if not 1 <= self.years <= 20:
            raise InvalidSynthConfig(f"--years must be between 1 and 20, not {self.years}")
        latest = uk_today() - timedelta(days=1)
        if self.end_date() > latest:
            raise InvalidSynthConfig(
                f"a history of {self.years} year(s) from {self.start_date().isoformat()} would end on "
                f"{self.end_date().isoformat()}, after yesterday; choose an earlier --start-date"
            )
        for name in ("harm_rate", "decoy_rate"):
            value = getattr(self, name)
            if not 0.0 <= value <= 0.5:
                raise InvalidSynthConfig(f"{name} must be between 0 and 0.5, not {value}")


def default_start(years: int, today: date | None = None) -> date:
    """A start date such that the history ends about a week before today."""
    end = (today or uk_today()) - timedelta(days=END_MARGIN_DAYS)
    start = end + timedelta(days=1)
    try:
        return start.replace(year=start.year - years)
    except ValueError:
        return start.replace(year=start.year - years, day=28)
