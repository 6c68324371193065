"""Settings of the allocation domain, with defaults; a scenario or deployment overrides them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from shared.contracts.decline_reasons import decline_reasons

from .controller import Pacing
from .limits import YEARLY_LIMITS, IncomeLimits, YearlyLimits
from .ranking import ScoreWeights

# How long each decline reason code parks the candidate: the `parkDays` of the shared list
# (shared/contracts/decline_reasons.json). A code not in it parks for `default_park_days`.
DEFAULT_PARK_DAYS: Mapping[str, int] = MappingProxyType(decline_reasons().park_days())


@dataclass(frozen=True)
class AllocationPolicy:
    proposal_expiry_days: int = 7  # days the parties have to answer, counted from the proposal
    park_days_by_reason: Mapping[str, int] = field(default_factory=lambda: DEFAULT_PARK_DAYS)
    default_park_days: int = 0
    explanation_top_n: int = 5
    weights: ScoreWeights = ScoreWeights()
    # the limits of each year (a proposal's date picks one); a scenario may fix one set
    income_limits: YearlyLimits | IncomeLimits = YEARLY_LIMITS
    availability_slack_days: int = 0  # how long a dwelling may wait for its candidate
    pacing: Pacing = Pacing.EVEN  # how the controller spreads the target over the period
    band_tolerance: float = 0.02  # front-loaded pacing fills up to ceil(T * (1 + this))
    # None: a vacancy is decided when announced; N: N days before it is free (or at once)
    decision_lead_days: int | None = None

    def park_days(self, reason: str) -> int:
        return self.park_days_by_reason.get(reason.strip().lower(), self.default_park_days)
