"""The world of one simulated year, fixed by the scenario and the seed before any policy runs.

It holds the vacancies (when, where, which dwelling), the urgent candidates (when granted, who,
what they need and prefer) and, per (candidate, dwelling) pair, how the parties would answer a
proposal and how long they would take. Every policy and the hindsight bound see exactly this
world; only the decisions differ.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from services.allocation.domain import (
    Agreement,
    Candidate,
    MunicipalityRef,
    MunicipalityTarget,
    Needs,
    Urgency,
    Vacancy,
)
from services.registry.domain import FairShareResult
from shared.contracts.periods import Period

from . import rand
from .scenario import GroupProfile, MunicipalityPlan, Scenario

ACCEPT = "accept"
CANDIDATE_DECLINES = "candidate-declines"
CORPORATION_DECLINES = "corporation-declines"
NO_RESPONSE = "no-response"
SCREENING = "corporation-screening"


@dataclass(frozen=True)
class VacancyFacts:
    """A vacancy of the year with what the simulator knows beyond the domain's Vacancy."""

    vacancy: Vacancy
    announced_on: date
    move_in_delay_days: int  # from acceptance to the keys, never before available_from


@dataclass(frozen=True)
class Arrival:
    candidate: Candidate  # with its urgency; granted_on is the day it joins the queue

    @property
    def granted_on(self) -> date:
        assert self.candidate.urgency is not None
        return self.candidate.urgency.granted_on


@dataclass(frozen=True)
class PairOutcome:
    """How a proposal of this dwelling to this candidate would go."""

    kind: str  # ACCEPT | CANDIDATE_DECLINES | CORPORATION_DECLINES | NO_RESPONSE
    reason: str | None
    candidate_days: int  # days from the proposal to the candidate's answer
    corporation_days: int

    @property
    def accepted(self) -> bool:
        return self.kind == ACCEPT

    @property
    def answer_days(self) -> int:
        """Days until both have answered (for an accepted proposal)."""
        return max(self.candidate_days, self.corporation_days)


class World:
    def __init__(self, scenario: Scenario, year: int, seed: int, days: int | None = None):
        self.scenario, self.year, self.seed = scenario, year, seed
        self.period = Period.parse(str(year))
        self.start = self.period.start
        self.days = self.period.days if days is None else max(1, min(days, self.period.days))
        self.end = self.start + timedelta(days=self.days)  # first day after the horizon
        self.fair_share: FairShareResult = scenario.fair_share()
        self.refs = {m.code: _ref(m) for m in scenario.municipalities}
        self._target_override: dict[str, float] | None = None
        self._index(_vacancies(scenario, seed, self.start, self.days),
                    _arrivals(scenario, seed, self.start, self.days, self.refs))

    @classmethod
    def hand_made(cls, scenario: Scenario, year: int, seed: int, days: int,
                  vacancies: list[VacancyFacts], arrivals: list[Arrival],
                  targets: dict[str, float] | None = None) -> "World":
        """A world with given vacancies and candidates (tests, worked examples)."""
        world = cls.__new__(cls)
        world.scenario, world.year, world.seed = scenario, year, seed
        world.period = Period.parse(str(year))
        world.start, world.days = world.period.start, days
        world.end = world.start + timedelta(days=days)
        world.fair_share = scenario.fair_share()
        world.refs = {m.code: _ref(m) for m in scenario.municipalities}
        world._target_override = targets
        world._index(sorted(vacancies, key=lambda f: (f.announced_on, f.vacancy.id)),
                     sorted(arrivals, key=lambda a: (a.granted_on, a.candidate.id)))
        return world

    def _index(self, vacancies: list[VacancyFacts], arrivals: list[Arrival]) -> None:
        self.vacancies, self.arrivals = vacancies, arrivals
        self.vacancy_by_id = {f.vacancy.id: f for f in self.vacancies}
        self.candidate_by_id = {a.candidate.id: a.candidate for a in self.arrivals}
        self.candidate_index = {a.candidate.id: i for i, a in enumerate(self.arrivals)}
        self.vacancy_index = {f.vacancy.id: j for j, f in enumerate(self.vacancies)}
        self.codes = self.scenario.codes
        municipality_index = {code: m for m, code in enumerate(self.codes)}
        self.vacancy_municipality = np.array(
            [municipality_index[f.vacancy.municipality] for f in self.vacancies], dtype=np.int64)
        self.preference = _preferences(self.arrivals, self.codes)
        self._outcomes: dict[tuple[str, str], PairOutcome] = {}

    # --- the agreement and targets ----------------------------------------------------------

    @property
    def horizon_fraction(self) -> float:
        return self.days / self.period.days

    def agreement(self) -> Agreement:
        """The fair-share agreement of the year, as the registry would publish it."""
        targets = tuple(MunicipalityTarget(m.municipality, m.target, m.expected_lettings,
                                           m.key, m.base_target, m.carry_over)
                        for m in self.fair_share.municipalities)
        return Agreement(self.scenario.scope, self.period, self.scenario.urgent_share,
                         self.scenario.cap_share, self.scenario.categories, targets)

    def targets(self) -> dict[str, float]:
        """Target per municipality for the simulated horizon (the year's, pro rata)."""
        if self._target_override is not None:
            return dict(self._target_override)
        return {m.municipality: m.target * self.horizon_fraction
                for m in self.fair_share.municipalities}

    def expected_lettings(self) -> dict[str, float]:
        return {m.municipality: m.expected_lettings for m in self.fair_share.municipalities}

    # --- pair facts -------------------------------------------------------------------------

    def outcome(self, candidate_id: str, vacancy_id: str) -> PairOutcome:
        found = self._outcomes.get((candidate_id, vacancy_id))
        if found is None:
            found = pair_outcome(self, candidate_id, vacancy_id)
            self._outcomes[(candidate_id, vacancy_id)] = found
        return found



KINDS = (ACCEPT, CANDIDATE_DECLINES, CORPORATION_DECLINES, NO_RESPONSE)
PREFERRED, INDIFFERENT, NOT_PREFERRED = 0, 1, 2


@dataclass(frozen=True)
class PairOutcomes:
    """`pair_outcomes` for many pairs at once: arrays, one entry per pair."""

    kind: np.ndarray  # index into KINDS
    reason: np.ndarray  # index into the scenario's decline reasons, -1 for none
    candidate_days: np.ndarray
    corporation_days: np.ndarray

    @property
    def accepted(self) -> np.ndarray:
        return self.kind == 0

    @property
    def answer_days(self) -> np.ndarray:
        return np.maximum(self.candidate_days, self.corporation_days)


def pair_outcomes(world: "World", candidates: np.ndarray, vacancies: np.ndarray) -> PairOutcomes:
    """How proposals of vacancies[i] to candidates[i] would go (indices into the world's
    arrivals and vacancies): a pure function of the seed, the pair and the behaviour."""
    b = world.scenario.behaviour
    u_corp, u_decline, u_reason, u_silent, u_cand, u_corp_days = rand.pair_uniforms(
        world.seed, candidates, vacancies, 6)
    preference = world.preference[candidates, world.vacancy_municipality[vacancies]]
    decline = np.array([b.decline_preferred, b.decline_indifferent,
                        b.decline_not_preferred])[preference]
    weights = np.array(list(b.decline_reasons.values()), dtype=float)
    cumulative = np.cumsum(weights)
    reason_index = np.minimum(np.searchsorted(cumulative, u_reason * cumulative[-1],
                                              side="right"), len(weights) - 1)
    corporation = u_corp < b.corporation_decline
    declines = ~corporation & (u_decline < decline)
    silent = ~corporation & ~declines & (u_silent < b.no_response)
    kind = np.select([corporation, declines, silent], [2, 1, 3], default=0)
    reason = np.where(declines, reason_index, -1)
    return PairOutcomes(kind, reason, _between(u_cand, *b.candidate_response_days),
                        _between(u_corp_days, *b.corporation_response_days))


def pair_outcome(world: "World", candidate_id: str, vacancy_id: str) -> PairOutcome:
    many = pair_outcomes(world, np.array([world.candidate_index[candidate_id]]),
                         np.array([world.vacancy_index[vacancy_id]]))
    kind = KINDS[int(many.kind[0])]
    reasons = list(world.scenario.behaviour.decline_reasons)
    if kind == CORPORATION_DECLINES:
        reason = SCREENING
    elif kind == CANDIDATE_DECLINES:
        reason = reasons[int(many.reason[0])]
    else:
        reason = None
    return PairOutcome(kind, reason, int(many.candidate_days[0]),
                       int(many.corporation_days[0]))


def _between(u: np.ndarray, low: int, high: int) -> np.ndarray:
    span = high - low + 1
    return low + np.minimum((u * span).astype(np.int64), span - 1)


# --- generation -----------------------------------------------------------------------------


def _preferences(arrivals: list[Arrival], codes: tuple[str, ...]) -> np.ndarray:
    """Per candidate and municipality: PREFERRED, INDIFFERENT (no preference) or NOT_PREFERRED."""
    matrix = np.full((len(arrivals), len(codes)), INDIFFERENT, dtype=np.int64)
    for i, arrival in enumerate(arrivals):
        preferred = arrival.candidate.preferred_municipalities
        if preferred:
            matrix[i] = [PREFERRED if code in preferred else NOT_PREFERRED for code in codes]
    return matrix


def _ref(plan: MunicipalityPlan) -> MunicipalityRef:
    return MunicipalityRef(plan.code, plan.region, "PV20", plan.population,
                           plan.care_providers, plan.name)


def _poisson_days(rng, per_year: float, first: date, days: int) -> list[date]:
    """Arrival days of a Poisson process with `per_year` events a (365-day) year."""
    rate = per_year / 365.0
    if rate <= 0:
        return []
    out, t = [], rng.expovariate(rate)
    while t < days:
        out.append(first + timedelta(days=math.floor(t)))
        t += rng.expovariate(rate)
    return out


def _vacancies(scenario: Scenario, seed: int, start: date, days: int) -> list[VacancyFacts]:
    mix, behaviour = scenario.dwellings, scenario.behaviour
    facts = []
    for plan in scenario.municipalities:
        rng = rand.stream(seed, f"vacancies:{plan.code}")
        for n, announced in enumerate(_poisson_days(rng, plan.expected_lettings, start, days)):
            band = rand.pick(rng, {b: b.share for b in mix.rent})
            rent = round(band.low + rng.random() * (band.high - band.low), 2)
            vacancy = Vacancy(
                id=f"v-{plan.code}-{n + 1:05d}",
                bag_id=f"{plan.code[2:]}01{n + 1:010d}",
                municipality=plan.code,
                corporation=rand.pick_from(rng, plan.corporations),
                rooms=rand.pick(rng, mix.rooms),
                monthly_rent=rent,
                accessibility=rand.pick(rng, mix.accessibility),
                available_from=announced + timedelta(days=rng.randint(*mix.notice_days)),
                care_suitable=rng.random() < mix.care_suitable_share,
            )
            delay = rng.randint(*behaviour.move_in_delay_days)
            facts.append(VacancyFacts(vacancy, announced, delay))
    facts.sort(key=lambda f: (f.announced_on, f.vacancy.id))
    return facts


def _arrivals(scenario: Scenario, seed: int, start: date, days: int,
              refs: dict[str, MunicipalityRef]) -> list[Arrival]:
    first = start - timedelta(days=scenario.backlog_days)
    drafted = []
    for profile in scenario.groups:
        rng = rand.stream(seed, f"inflow:{profile.group.value}")
        origins = _origin_weights(scenario, profile)
        for granted in _poisson_days(rng, profile.per_year, first, scenario.backlog_days + days):
            drafted.append((granted, profile, rng.random(), _draft(scenario, profile, origins,
                                                                   rng, refs)))
    drafted.sort(key=lambda d: (d[0], d[1].group.value, d[2]))
    arrivals = []
    for n, (granted, profile, _, draft) in enumerate(drafted):
        urgency = Urgency(profile.group, granted,
                          granted + timedelta(days=_validity_days(scenario, profile) - 1),
                          draft["registration_municipality"])
        arrivals.append(Arrival(Candidate(id=f"c-{n + 1:05d}", urgency=urgency,
                                          target_group=profile.group, **draft)))
    return arrivals


def _validity_days(scenario: Scenario, profile: GroupProfile) -> int:
    """As intake grants it: the agreement's days for the category, else the default."""
    rule = next((r for r in scenario.categories if r.category == profile.group), None)
    return rule.validity_days if rule else scenario.urgency_validity_days


def _origin_weights(scenario: Scenario, profile: GroupProfile) -> dict[str, float]:
    explicit = {code: share for code, share in profile.origin.items() if code in scenario.codes}
    rest = max(0.0, 1.0 - sum(explicit.values()))
    others = [m for m in scenario.municipalities if m.code not in explicit]
    population = sum(m.population for m in others)
    weights = dict(explicit)
    for m in others:
        weights[m.code] = rest * m.population / population if population else 0.0
    return weights


def _draft(scenario: Scenario, profile: GroupProfile, origins: dict[str, float], rng,
           refs: dict[str, MunicipalityRef]) -> dict:
    """The profile of one candidate (everything but id, urgency and group)."""
    origin = rand.pick(rng, origins)
    region = refs[origin].region
    in_region = tuple(sorted(code for code, ref in refs.items() if ref.region == region))
    ambulant = rng.random() < profile.ambulant_support
    named = ambulant and rng.random() < profile.named_provider_share
    provider = _provider(scenario, profile, origin, rng)
    excluded = (origin,) if rng.random() < profile.exclude_origin_share else ()
    bound = region if rng.random() < profile.region_binding_share else None
    u = rng.random()
    if u < profile.prefer_origin and not excluded:
        preferred: tuple[str, ...] = (origin,)
    elif u < profile.prefer_origin + profile.prefer_region:
        preferred = tuple(code for code in in_region if code not in excluded)
    else:
        preferred = ()
    return dict(
        household_size=rand.pick(rng, profile.household_size),
        income_class=rand.pick(rng, profile.income_class),
        registration_municipality=origin,
        registered_by=_registered_by(profile, origin, provider),
        needs=Needs(accessibility=rand.pick(rng, profile.accessibility),
                    ambulant_support=ambulant,
                    care_provider=provider if named else None),
        preferred_municipalities=preferred,
        excluded_municipalities=excluded,
        region_binding=bound,
    )


def _provider(scenario: Scenario, profile: GroupProfile, origin: str, rng) -> str | None:
    kind = profile.care_provider_kind
    if kind is None:
        return None
    kinds = scenario.provider_kinds
    serving = sorted(p for p in scenario.municipality(origin).care_providers
                     if kinds.get(p) == kind)
    if serving:
        return rand.pick_from(rng, serving)
    anywhere = sorted(p for p, k in kinds.items() if k == kind)
    return rand.pick_from(rng, anywhere) if anywhere else None


def _registered_by(profile: GroupProfile, origin: str, provider: str | None) -> str:
    if profile.registered_by == "provider" and provider is not None:
        return provider
    if profile.registered_by == "care-office":
        return "menzis"
    return origin


