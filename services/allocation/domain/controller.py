"""The fair-share controller: is this vacancy labelled for an urgent candidate?

For municipality m in the agreement's period, with
    U = urgent lettings so far (placements, open and accepted proposals, urgent lettings the
        corporations reported), L = all lettings so far (urgent and regular),
    T = target_m (base target plus carry-over), E = expected lettings of m in the period,
    c = the agreement's cap share,
the allowance after n lettings depends on the pacing the allocation policy chooses:

    even          pace(n) = T * min(1, n / E)  (T when E is 0): the target spread evenly over
                  the period's lettings and never beyond the target itself;
    front-loaded  pace(n) = ceil(T * (1 + b))  for every n, b the band tolerance: house every
                  urgent candidate as soon as a suitable dwelling opens, up to the top of the
                  fair-share band. The cap below still protects regular seekers letting by
                  letting. Waiting is shortest this way (a household housed in March does not
                  wait until its share of the year's lettings comes round), at the price of
                  municipalities running ahead of the even expected-to-date early in the year.

A new vacancy is the (L+1)-th letting, so it is labelled when

    1. T > 0,
    2. U < pace(L + 1)                        behind the pace, counting the vacancy at hand;
                                              the first vacancy of a municipality with T > 0
                                              always passes (0 < T / E),
    3. U + 1 <= ceil(c * (L + 1))             the cap, counted in whole lettings,
    4. at least one candidate is eligible.

Why the cap is rounded up: a strict `U + 1 <= c * (L + 1)` would refuse the first vacancy of
every municipality for any cap below 100%, so no small municipality could ever start. Rounded
up, the share of urgent lettings exceeds c by less than one letting at any moment (and by at
most 1/L at the end of the period), and the cap still binds as soon as lettings accumulate.

When several vacancies are open at once and candidates are scarce, `order_by_lag` decides them
in order of the municipality furthest behind: lag = (pace(L + 1) - U) / max(T, 1), relative to
the target so that Pekela and Groningen compare fairly.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from .model import Vacancy

_EPSILON = 1e-9  # 0.3 * 10 is 3.0000000000000004 in floats; a ceiling must not turn it into 4


class Pacing(StrEnum):
    EVEN = "even"
    FRONT_LOADED = "front-loaded"


class LabelCode(StrEnum):
    BEHIND_PACE = "behind-pace"  # labelled
    NO_AGREEMENT = "no-agreement"
    NO_TARGET = "no-target"
    ON_PACE = "on-pace"
    BAND_FULL = "band-full"  # front-loaded: the top of the band is reached
    CAP_REACHED = "cap-reached"
    NO_CANDIDATE = "no-eligible-candidate"
    RELEASED = "released"  # was labelled, but no eligible candidate is left


@dataclass(frozen=True)
class LabelDecision:
    labelled: bool
    code: LabelCode
    reason: str  # Dutch, for the dashboard and the proposal's explanation


@dataclass(frozen=True)
class FairShareState:
    """One municipality's position in the current period, as the controller sees it."""

    municipality: str
    period: str
    target: int
    expected_lettings: float
    cap_share: float
    urgent_so_far: int
    lettings_so_far: int
    pacing: Pacing = Pacing.EVEN
    band_tolerance: float = 0.0

    def pace(self, lettings: int) -> float:
        if self.pacing is Pacing.FRONT_LOADED:
            return float(whole_ceiling(self.target * (1 + self.band_tolerance)))
        return self.even_pace(lettings)

    def even_pace(self, lettings: int) -> float:
        if self.expected_lettings <= 0:
            return float(self.target)
        return self.target * min(1.0, lettings / self.expected_lettings)

    @property
    def expected_to_date(self) -> float:
        """What monitoring compares with: the target spread evenly, whatever the pacing."""
        return self.even_pace(self.lettings_so_far)

    @property
    def allowance(self) -> float:
        """Urgent lettings the pace allows once the vacancy at hand is let."""
        return self.pace(self.lettings_so_far + 1)

    @property
    def cap_allowance(self) -> int:
        return whole_ceiling(self.cap_share * (self.lettings_so_far + 1))

    @property
    def lag(self) -> float:
        return (self.allowance - self.urgent_so_far) / max(self.target, 1)

    @property
    def surplus(self) -> float:
        """How far ahead of its pace, relative to its target, clamped to [-1, 1]."""
        ahead = (self.urgent_so_far - self.expected_to_date) / max(self.target, 1)
        return max(-1.0, min(1.0, ahead))


def whole_ceiling(value: float) -> int:
    return math.ceil(value - _EPSILON)


def decide_pace(state: FairShareState | None, municipality: str = "") -> LabelDecision:
    """Everything but the candidates: cheap, so it runs before any candidate is assessed."""
    if state is None:
        return _no(LabelCode.NO_AGREEMENT, f"geen geldende afspraak voor {municipality}")
    if state.target <= 0:
        return _no(LabelCode.NO_TARGET, f"geen taakstelling voor {state.municipality} "
                   f"in {state.period}")
    if state.urgent_so_far >= state.allowance:
        if state.pacing is Pacing.FRONT_LOADED:
            return _no(LabelCode.BAND_FULL, f"bovenkant van de band bereikt: {_position(state)}")
        return _no(LabelCode.ON_PACE, f"op schema: {_position(state)}")
    if state.urgent_so_far + 1 > state.cap_allowance:
        return _no(LabelCode.CAP_REACHED, f"plafond bereikt: {state.urgent_so_far + 1} van "
                   f"{state.lettings_so_far + 1} verhuringen zou boven "
                   f"{state.cap_share:.0%} uitkomen")
    if state.pacing is Pacing.FRONT_LOADED:
        return LabelDecision(True, LabelCode.BEHIND_PACE,
                             f"onder de bovenkant van de band: {_position(state)}")
    return LabelDecision(True, LabelCode.BEHIND_PACE, f"achter op schema: {_position(state)}")


def with_candidates(decision: LabelDecision, eligible_count: int) -> LabelDecision:
    """Nothing is labelled without an eligible candidate."""
    if not decision.labelled or eligible_count > 0:
        return decision
    return _no(LabelCode.NO_CANDIDATE, f"{decision.reason}; maar geen geschikte kandidaat")


def decide(state: FairShareState | None, eligible_count: int, municipality: str = "") -> (
    LabelDecision
):
    return with_candidates(decide_pace(state, municipality), eligible_count)


def released(previous_reason: str, attempts: int) -> LabelDecision:
    return _no(LabelCode.RELEASED, f"vrijgegeven na {attempts} voorstel(len): geen geschikte "
               f"kandidaat meer ({previous_reason})")


def order_by_lag(
    vacancies: Iterable[Vacancy], states: Mapping[str, FairShareState | None]
) -> list[Vacancy]:
    """Vacancies of the municipality furthest behind first; deterministic on ties."""

    def key(vacancy: Vacancy) -> tuple:
        state = states.get(vacancy.municipality)
        if state is None:
            return (1, 0.0, 0.0, vacancy.available_from, vacancy.id)
        behind = state.allowance - state.urgent_so_far
        return (0, -state.lag, -behind, vacancy.available_from, vacancy.id)

    return sorted(vacancies, key=key)


def _position(state: FairShareState) -> str:
    limit = ("bovengrens" if state.pacing is Pacing.FRONT_LOADED else "tempo")
    return (f"{state.urgent_so_far} urgente van {state.lettings_so_far} verhuringen in "
            f"{state.municipality}, {limit} {state.allowance:.2f} bij deze woning "
            f"(taakstelling {state.target} op {state.expected_lettings:g} verwachte "
            f"verhuringen in {state.period})")


def _no(code: LabelCode, reason: str) -> LabelDecision:
    return LabelDecision(False, code, reason)
