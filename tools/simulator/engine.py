"""The day loop: one policy through one world, in-process, through the domain's Allocator.

Each day, in this order: candidates granted urgency that day join (the queue of the last
`backlogDays` of the previous year joins on day one); corporations let stalled vacancies to a
regular seeker (labelled, still no accepted proposal `stalledLetAfterDays` after the
announcement); proposals past their answer period expire; the answers due that day arrive
(from the world's pair outcomes); the keys due that day are handed over (move-in); the day's
vacancies are announced. After the horizon no vacancy or candidate is added, but proposals
already made run on (at most `drainDays`) so that the year's vacancies get their outcome.

The engine keeps its own record of live proposals, tried pairs and parking from the events
the Allocator returns; the `Checker` uses that record, not the Allocator's, to verify.
"""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from services.allocation.domain import (
    Allocator,
    CandidateLapsed,
    CandidatePlaced,
    CandidateProposed,
    DomainEvent,
    Letting,
    ProposalAccepted,
    ProposalDeclined,
    ProposalExpired,
    ProposalStatus,
    ProposalWithdrawn,
    VacancyLabelled,
)
from shared.contracts.vocabulary import DecidedBy, TenantType

from .policies import PolicySetup
from .verify import Checker
from .world import CANDIDATE_DECLINES, CORPORATION_DECLINES, NO_RESPONSE, World

STALLED = "stalled-let-to-regular"


@dataclass(frozen=True)
class PlacementRecord:
    candidate_id: str
    vacancy_id: str
    municipality: str
    origin: str
    target_group: str
    granted_on: date
    proposed_on: date
    move_in: date


@dataclass
class EngineResult:
    policy: str
    world: World
    placements: list[PlacementRecord]
    labelled: dict[str, bool]  # vacancy id -> finally labelled (urgent) or not
    counters: Counter
    violations: dict
    last_day: date
    seconds: float
    proposals_by_vacancy: dict[str, int] = field(default_factory=dict)


@dataclass(order=True)
class _Action:
    seq: int
    kind: str = field(compare=False)  # "answer" | "move-in"
    proposal_id: str = field(compare=False)
    party: DecidedBy | None = field(compare=False, default=None)
    decision: str | None = field(compare=False, default=None)
    reason: str | None = field(compare=False, default=None)


class Engine:
    def __init__(self, world: World, setup: PolicySetup,
                 tick: Callable[[int], None] | None = None):
        self.world, self.setup, self.tick = world, setup, tick
        self.allocator = Allocator(world.scenario.scope, setup.allocation)
        for ref in world.refs.values():
            self.allocator.upsert_municipality(ref)
        self.allocator.upsert_agreement(setup.agreement)
        self.checker = Checker(world, setup.allocation.income_limits,
                               setup.allocation.availability_slack_days)
        self.agenda: dict[date, list[_Action]] = defaultdict(list)
        self.seq = 0
        self.live_by_vacancy: dict[str, str] = {}
        self.live_by_candidate: dict[str, str] = {}
        self.proposed_on: dict[str, date] = {}
        self.tried: dict[str, set[str]] = defaultdict(set)
        self.parked_until: dict[str, date] = {}
        self.labelled: dict[str, bool] = {}
        self.urgent: Counter[str] = Counter()  # per municipality, for the cap check
        self.decided: Counter[str] = Counter()
        self.placements: list[PlacementRecord] = []
        self.counters: Counter[str] = Counter()
        self.expiries: dict[date, list[str]] = defaultdict(list)  # day -> candidates

    # --- running ----------------------------------------------------------------------------

    def run(self) -> EngineResult:
        started = time.perf_counter()
        world = self.world
        arrivals = defaultdict(list)
        for arrival in world.arrivals:
            arrivals[max(arrival.granted_on, world.start)].append(arrival.candidate)
        vacancies = defaultdict(list)
        for facts in world.vacancies:
            vacancies[facts.announced_on].append(facts)
        day = world.start
        for index in range(world.days):
            self._day(day, arrivals.get(day, ()), vacancies.get(day, ()))
            if self.tick:
                self.tick(index + 1)
            day += timedelta(days=1)
        drain_end = world.end + timedelta(days=world.scenario.evaluation.drain_days)
        while (self.live_by_vacancy or self.agenda) and day < drain_end:
            self._day(day, (), ())
            day += timedelta(days=1)
        self.counters["live-at-end"] = len(self.live_by_vacancy)
        self.checker.final(self.allocator)
        return EngineResult(
            policy=self.setup.name, world=world, placements=self.placements,
            labelled=dict(self.labelled), counters=self.counters,
            violations=self.checker.summary(), last_day=day - timedelta(days=1),
            seconds=time.perf_counter() - started,
            proposals_by_vacancy={v: len(c) for v, c in self.tried.items()})

    def _day(self, today: date, candidates: Iterable, vacancies: Iterable) -> None:
        for candidate in candidates:
            self.allocator.upsert_candidate(replace(candidate, urgency=None))
            self.allocator.grant_urgency(candidate.id, candidate.urgency)
            self.expiries[candidate.urgency.valid_until + timedelta(days=1)].append(
                candidate.id)
        for candidate_id in self.expiries.pop(today, ()):  # as intake's expiry reports it
            self._handle(self.allocator.expire_urgency(candidate_id, today), today)
        self._let_stalled(today)
        self._handle(self.allocator.expire_due(today), today)
        for action in sorted(self.agenda.pop(today, ())):
            self._act(action, today)
        self._handle(self.allocator.decide_due(today), today)
        self._announce(list(vacancies), today)

    def _announce(self, facts: list, today: date) -> None:
        if not facts:
            return
        if self.setup.batch:
            self._handle(self.allocator.announce_vacancies([f.vacancy for f in facts], today),
                         today)
            return
        slots = self.setup.quota_slots
        for f in facts:
            vacancy = f.vacancy
            if slots is None or vacancy.id in slots:
                self._handle(self.allocator.announce_vacancy(vacancy, today), today)
                continue
            letting = Letting(vacancy.id, vacancy.bag_id, vacancy.municipality,
                              vacancy.corporation, TenantType.REGULAR, today)
            self._handle(self.allocator.record_letting(letting), today)
            self._decide(vacancy.id, vacancy.municipality, False)

    def _let_stalled(self, today: date) -> None:
        limit = self.world.scenario.behaviour.stalled_let_after_days
        for vacancy_id, proposal_id in sorted(self.live_by_vacancy.items()):
            facts = self.world.vacancy_by_id[vacancy_id]
            if today < facts.announced_on + timedelta(days=limit):
                continue
            if self.allocator.proposal(proposal_id).status is not ProposalStatus.OPEN:
                continue  # accepted: the keys are on their way
            vacancy = facts.vacancy
            letting = Letting(vacancy.id, vacancy.bag_id, vacancy.municipality,
                              vacancy.corporation, TenantType.REGULAR, today)
            self._handle(self.allocator.record_letting(letting), today)
            self._unlabel(vacancy.id, vacancy.municipality)
            self.counters[STALLED] += 1

    def _act(self, action: _Action, today: date) -> None:
        proposal = self.allocator.proposal(action.proposal_id)
        if action.kind == "move-in":
            if proposal.status is ProposalStatus.ACCEPTED:
                self._handle(self.allocator.move_in(proposal.id, today), today)
            return
        if proposal.status is not ProposalStatus.OPEN:
            return  # closed meanwhile: the other party declined, or it expired
        self._handle(self.allocator.respond(proposal.id, action.decision, action.party, today,
                                            action.reason), today)

    def _schedule(self, day: date, kind: str, proposal_id: str, **details) -> None:
        self.seq += 1
        self.agenda[day].append(_Action(self.seq, kind, proposal_id, **details))

    # --- events -----------------------------------------------------------------------------

    def _handle(self, events: list[DomainEvent], today: date) -> None:
        for event in events:
            if isinstance(event, VacancyLabelled):
                self._on_labelled(event)
            elif isinstance(event, CandidateProposed):
                self._on_proposed(event)
            elif isinstance(event, ProposalAccepted):
                self._on_accepted(event)
            elif isinstance(event, ProposalDeclined):
                self._close(event.vacancy_id, event.candidate_id)
                self.counters[f"declined:{event.decided_by.value}:{event.reason_code}"] += 1
                if event.parked_until is not None:
                    self.parked_until[event.candidate_id] = event.parked_until
            elif isinstance(event, ProposalExpired):
                self._close(event.vacancy_id, event.candidate_id)
                self.counters["expired"] += 1
            elif isinstance(event, CandidatePlaced):
                self._on_placed(event)
            elif isinstance(event, ProposalWithdrawn):
                self._close(event.vacancy_id, event.candidate_id)
                self.counters[f"withdrawn:{event.reason_code}"] += 1
            elif isinstance(event, CandidateLapsed):
                self.counters[f"lapsed:{event.reason_code}"] += 1

    def _on_labelled(self, event: VacancyLabelled) -> None:
        if event.vacancy_id not in self.labelled:
            self._decide(event.vacancy_id, event.municipality, event.labelled)
        elif self.labelled[event.vacancy_id] and not event.labelled:
            self._unlabel(event.vacancy_id, event.municipality)
            self.counters["released"] += 1

    def _decide(self, vacancy_id: str, municipality: str, labelled: bool) -> None:
        self.labelled[vacancy_id] = labelled
        self.decided[municipality] += 1
        if labelled:
            self.urgent[municipality] += 1
            self.checker.cap(municipality, self.urgent[municipality], self.decided[municipality])

    def _unlabel(self, vacancy_id: str, municipality: str) -> None:
        if self.labelled.get(vacancy_id):
            self.labelled[vacancy_id] = False
            self.urgent[municipality] -= 1

    def _on_proposed(self, event: CandidateProposed) -> None:
        cid, vid, on = event.candidate_id, event.vacancy_id, event.proposed_on
        parked = self.parked_until.get(cid)
        self.checker.at_proposal(cid, vid, on, self.live_by_candidate.keys(),
                                 self.tried[vid], parked)
        if vid in self.live_by_vacancy:
            self.checker.violation("eligibility-at-proposal", f"{vid} had a live proposal")
        self.live_by_vacancy[vid] = event.proposal_id
        self.live_by_candidate[cid] = event.proposal_id
        self.tried[vid].add(cid)
        self.proposed_on[event.proposal_id] = on
        self.counters["proposals"] += 1
        outcome = self.world.outcome(cid, vid)
        corporation_day = on + timedelta(days=outcome.corporation_days)
        if outcome.kind == CORPORATION_DECLINES:
            self._schedule(corporation_day, "answer", event.proposal_id,
                           party=DecidedBy.CORPORATION, decision="declined",
                           reason=outcome.reason)
        else:
            self._schedule(corporation_day, "answer", event.proposal_id,
                           party=DecidedBy.CORPORATION, decision="accepted")
        if outcome.kind == NO_RESPONSE:
            return
        candidate_day = on + timedelta(days=outcome.candidate_days)
        if outcome.kind == CANDIDATE_DECLINES:
            self._schedule(candidate_day, "answer", event.proposal_id,
                           party=DecidedBy.CANDIDATE, decision="declined",
                           reason=outcome.reason)
        else:
            self._schedule(candidate_day, "answer", event.proposal_id,
                           party=DecidedBy.CANDIDATE, decision="accepted")

    def _on_accepted(self, event: ProposalAccepted) -> None:
        facts = self.world.vacancy_by_id[event.vacancy_id]
        day = max(facts.vacancy.available_from,
                  event.accepted_on + timedelta(days=facts.move_in_delay_days))
        self._schedule(day, "move-in", event.proposal_id)
        self.counters["accepted"] += 1

    def _on_placed(self, event: CandidatePlaced) -> None:
        proposed_on = self.proposed_on[event.proposal_id]
        self.checker.at_placement(event.candidate_id, event.vacancy_id, proposed_on)
        self._close(event.vacancy_id, event.candidate_id)
        candidate = self.world.candidate_by_id[event.candidate_id]
        assert candidate.urgency is not None
        self.placements.append(PlacementRecord(
            candidate_id=event.candidate_id, vacancy_id=event.vacancy_id,
            municipality=event.municipality, origin=event.origin_municipality,
            target_group=event.target_group.value, granted_on=candidate.urgency.granted_on,
            proposed_on=proposed_on, move_in=event.move_in_date))

    def _close(self, vacancy_id: str, candidate_id: str) -> None:
        self.live_by_vacancy.pop(vacancy_id, None)
        self.live_by_candidate.pop(candidate_id, None)


def run_policy(world: World, setup: PolicySetup,
               tick: Callable[[int], None] | None = None) -> EngineResult:
    return Engine(world, setup, tick).run()
