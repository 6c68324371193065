"""Settings of the allocation domain, with defaults; a scenario or deployment overrides them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from .controller import Pacing
from .limits import INCOME_LIMITS_2025, IncomeLimits
from .ranking import ScoreWeights

# Decline reasons the platform knows, and how long each parks the candidate. Any other reason
# (free text) parks for `default_park_days`. Reasons are matched lower-cased and trimmed.
DEFAULT_PARK_DAYS: Mapping[str, int] = MappingProxyType({
    "refused-without-valid-reason": 90,  # verordeningen often end the urgency; we park instead
    "no-show": 30,  # did not turn up for the viewing
    "unreachable": 14,
    "dwelling-not-suitable": 0,  # the match was wrong, not the candidate
    "corporation-screening": 0,
})


@dataclass(frozen=True)
class AllocationPolicy:
    proposal_expiry_days: int = 7  # days the parties have to answer, counted from the proposal
    park_days_by_reason: Mapping[str, int] = field(default_factory=lambda: DEFAULT_PARK_DAYS)
    default_park_days: int = 0
    explanation_top_n: int = 5
    weights: ScoreWeights = ScoreWeights()
    income_limits: IncomeLimits = INCOME_LIMITS_2025
    availability_slack_days: int = 0  # how long a dwelling may wait for its candidate
    pacing: Pacing = Pacing.EVEN  # how the controller spreads the target over the period
    band_tolerance: float = 0.02  # front-loaded pacing fills up to ceil(T * (1 + this))
    # None: a vacancy is decided when announced; N: N days before it is free (or at once)
    decision_lead_days: int | None = None

    def park_days(self, reason: str) -> int:
        return self.park_days_by_reason.get(reason.strip().lower(), self.default_park_days)
