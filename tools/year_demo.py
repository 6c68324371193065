"""The year demo: the policy simulator's world of one year (`groningen` scenario) driven through
the running platform as the parties would, with the dates the events carry.

Day by day from 1 January (up to today, or the first `days` days), in the simulator engine's
order: care providers and Menzis register the day's candidates and the municipality grants
urgency (dated that day); corporations let a labelled dwelling still without an accepted
proposal 42 days after its announcement to a regular seeker (the feed's `let`); the answers
and move-ins due that day are given (dated that day, by the world's answer for the pair:
accept, a decline with its reason code by either party, or silence); the day's vacancies are
announced on the corporations' Kafka feed (dated that day). The calendar moves on once
allocation has decided the day's vacancies. After the horizon, proposals already made run
on, as in the simulator. Everything is idempotent: deterministic BSNs and Idempotency-Keys,
feed records with fixed CloudEvents ids, answers that repeat harmlessly, so a second run
adds nothing.
"""

from __future__ import annotations

import heapq
import itertools
import random
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta

from tools.simulator.world import (
    CANDIDATE_DECLINES,
    CORPORATION_DECLINES,
    NO_RESPONSE,
    VacancyFacts,
    World,
)
from tools.year_http import PartyApi
from tools.year_kafka import DecisionWatch, VacancyFeed
from tools.year_parties import answer_body, candidate_body, registrar, urgency_body
from tools.year_setup import import_stock, publish_agreement

WITHDRAWING_SHARE = 0.1  # of the candidates still waiting at the end, without a proposal
# registrations in flight at once: intake answers in threads and each registration writes
# its own rows, so the client's and the network's share of each call overlaps with the
# server's work of the others. Answers and move-ins go one at a time: each changes
# allocation's one aggregate of the province, and calls in flight together miss its cache
# (it is handed to one request at a time), read it whole from the database and wait for
# SQLite's write lock (the profile of allocation's API during a run showed both).
CONCURRENCY = 4


@dataclass
class YearStats:
    day: date | None = None
    days_done: int = 0
    candidates: int = 0
    urgency_granted: int = 0
    vacancies: int = 0
    proposals: int = 0
    accepted: int = 0
    declined_by_candidate: int = 0
    declined_by_corporation: int = 0
    placements: int = 0
    let_to_regular: int = 0
    withdrawn: int = 0
    # who would withdraw but is in a proposal still running: a later run may withdraw them
    withdrawal_deferred: int = 0
    undecided: int = 0  # vacancies allocation had not decided when the calendar moved on
    # the demo's back-dated proposals the worker's timer expired on today's date
    expired_by_timer: int = 0
    errors: int = 0
    last_errors: list[str] = field(default_factory=list)
    seconds: Counter = field(default_factory=Counter)  # per phase, to see where time goes

    def line(self) -> str:
        return (f"{self.day} kand {self.candidates} won {self.vacancies} "
                f"voorst {self.proposals} afgew {self.declined_by_candidate}"
                f"+{self.declined_by_corporation} plaatst {self.placements} "
                f"fout {self.errors}")


@dataclass
class Tracked:
    """A proposal the demo has seen, with the world's facts of its dwelling and candidate."""

    id: str
    facts: VacancyFacts
    world_candidate: str
    registrar: str
    proposed_on: date
    status: str = "open"  # open | accepted | closed


@dataclass(order=True)
class Action:
    day: date
    seq: int
    kind: str = field(compare=False)  # answer | move-in
    proposal_id: str = field(compare=False)
    on: date = field(compare=False)
    party: str | None = field(compare=False, default=None)
    decision: str | None = field(compare=False, default=None)
    reason: str | None = field(compare=False, default=None)


class YearDemo:
    def __init__(self, world: World, api: PartyApi, feed: VacancyFeed, watch: DecisionWatch,
                 *, today: date, stock: World | None = None, step_days: int = 1,
                 decide_timeout: float = 30.0, concurrency: int = CONCURRENCY):
        self.world, self.api, self.feed, self.watch = world, api, feed, watch
        self.stock = stock or world  # whose dwellings the corporations hold
        self.today = today
        # days announced together: 1 is the simulator's order exactly; more is faster, and a
        # vacancy may then be decided before the answers of the days before it in the step
        self.step_days = step_days
        self.decide_timeout = decide_timeout
        self.stats = api.stats = YearStats()
        self.ids: dict[str, str] = {}  # world candidate id -> intake candidate id
        self.world_id: dict[str, str] = {}  # intake candidate id -> world candidate id
        self.by_bag = {f.vacancy.bag_id: f for f in world.vacancies}
        self.tracked: dict[str, Tracked] = {}
        self.live_by_vacancy: dict[str, str] = {}  # world vacancy id -> open proposal id
        self.placed: set[str] = set()  # world candidate ids
        self.agenda: list[Action] = []
        self.news = True  # something happened that may have led to new proposals
        self.announced: dict[str, VacancyFacts] = {}  # registry's vacancy id -> facts
        self.let: set[str] = set()  # registry's vacancy ids reported let to regular seekers
        self.seq = itertools.count()
        self.concurrency = concurrency
        self.lock = threading.Lock()  # guards what the calls in flight update: counts, agenda

    # --- the year ----------------------------------------------------------------------------

    def days(self) -> list[date]:
        last = min(self.world.end - timedelta(days=1), self.today)
        return [self.world.start + timedelta(days=n)
                for n in range((last - self.world.start).days + 1)]

    def run(self, tick: Callable[[YearStats], None] = lambda stats: None) -> YearStats:
        world = self.world
        with self._timed("setup"):
            import_stock(self.api, self.stock)
            publish_agreement(self.api, world)
        arrivals: dict[date, list] = {}
        for arrival in world.arrivals:
            arrivals.setdefault(max(arrival.granted_on, world.start), []).append(arrival)
        vacancies: dict[date, list[VacancyFacts]] = {}
        for facts in world.vacancies:
            vacancies.setdefault(facts.announced_on, []).append(facts)
        self._catch_up_accepted()
        days = self.days()
        for first in range(0, len(days), self.step_days):
            step = days[first:first + self.step_days]
            with self._timed("register"):
                self._concurrently(self._register, [
                    a.candidate for a in itertools.chain.from_iterable(
                        arrivals.get(d, ()) for d in step)])
            with self._timed("announce"):
                announced = self._announce([f for d in step for f in vacancies.get(d, ())])
            with self._timed("decide"):  # allocation's worker decides: the platform's own time
                self.stats.undecided += len(self.watch.wait_for(announced,
                                                                self.decide_timeout))
            for day in step:
                self._day(day)
                tick(self.stats)
        day = days[-1] + timedelta(days=1)
        drain_end = min(world.end + timedelta(days=world.scenario.evaluation.drain_days),
                        self.today + timedelta(days=1))
        while (self.agenda or self.live_by_vacancy) and day < drain_end:
            self._day(day)
            tick(self.stats)
            day += timedelta(days=1)
        self._withdraw_some_of_the_waiting()
        self.stats.expired_by_timer = len(
            {p for p in self.watch.expired_on_the_clock()
             if p in self.tracked and self.tracked[p].proposed_on < self.today})
        tick(self.stats)
        return self.stats

    def _day(self, day: date) -> None:
        """The day's lettings to regular seekers, answers and move-ins, then a look at the
        proposals they led to (a decline passes the dwelling to the next candidate)."""
        self.stats.day = day
        with self._timed("let"):
            self._let_stalled(day)
            self._let_regular(day)
        with self._timed("answer"):
            while self.agenda and self.agenda[0].day <= day:
                self._act(heapq.heappop(self.agenda))
                self.news = True
        if self.news:  # only answers and announcements lead to new proposals
            with self._timed("look"):
                self._look_at_proposals(day)
            self.news = False
        self.stats.days_done += 1

    def _concurrently(self, work: Callable, items: Iterable) -> None:
        items = list(items)
        if len(items) <= 1:
            for item in items:
                work(item)
            return
        with ThreadPoolExecutor(max_workers=self.concurrency) as pool:
            for _ in pool.map(work, items):  # re-raises a call's exception here
                pass

    def _count(self, name: str, by: int = 1) -> None:
        with self.lock:
            setattr(self.stats, name, getattr(self.stats, name) + by)

    @contextmanager
    def _timed(self, phase: str):
        started = time.perf_counter()
        try:
            yield
        finally:
            self.stats.seconds[phase] += time.perf_counter() - started

    # --- candidates ----------------------------------------------------------------------------

    def _register(self, candidate) -> None:
        org, role = registrar(candidate.registered_by)
        registered = self.api.register(org, role, candidate_body(candidate, self.world.seed),
                                       key=f"year-demo-{self.world.seed}-{candidate.id}")
        if registered is None:
            return
        intake_id, is_new = registered
        with self.lock:
            self.ids[candidate.id], self.world_id[intake_id] = intake_id, candidate.id
            self.stats.candidates += 1
        if not is_new and (self.api.candidate(org, role, intake_id) or {}).get("urgency"):
            return  # granted in an earlier run
        if self.api.grant(candidate.registration_municipality, intake_id,
                          urgency_body(candidate)):
            self._count("urgency_granted")

    def _withdraw_some_of_the_waiting(self) -> None:
        """Some who still wait withdraw (moved away, found a home themselves): dated today,
        after the year, so the year's allocation is the simulator's. Who may withdraw is fixed
        by the seed; who is still active is asked, so a second run withdraws no one twice."""
        busy = {self.world_id.get(item["candidateId"])  # asked: an earlier run's count too
                for status in ("open", "accepted") for item in self.api.proposals(status)}
        for arrival in self.world.arrivals:
            candidate = arrival.candidate
            draw = random.Random(f"year-demo-withdrawal:{self.world.seed}:{candidate.id}")
            if (candidate.id not in self.ids or candidate.id in self.placed
                    or draw.random() >= WITHDRAWING_SHARE):
                continue
            if candidate.id in busy:
                self.stats.withdrawal_deferred += 1
                continue
            org, role = registrar(candidate.registered_by)
            intake_id = self.ids[candidate.id]
            current = self.api.candidate(org, role, intake_id) or {}
            # only who still waits with a granted urgency: one that expired between two runs
            # (intake's check runs by the clock) ended its proposal, which does not make it
            # one who waits
            if current.get("status") != "active" or (
                    current.get("urgency") or {}).get("status") != "granted":
                continue
            if self.api.withdraw(org, role, intake_id):
                self.stats.withdrawn += 1

    # --- vacancies -----------------------------------------------------------------------------

    def _announce(self, vacancies: list[VacancyFacts]) -> set[str]:
        """Each on its own day, all in one batch of records; the calendar goes on once
        allocation has decided them all."""
        announced: set[str] = set()
        if not vacancies:
            return announced
        for f in vacancies:
            vacancy_id = self.feed.announce(f.vacancy.corporation, f.vacancy.bag_id,
                                            f.vacancy.available_from, f.announced_on)
            self.announced[vacancy_id] = f
            announced.add(vacancy_id)
        self.feed.flush()
        self.news = True
        self.stats.vacancies += len(vacancies)
        return announced

    def _let_regular(self, day: date) -> None:
        """Corporations report the letting of a dwelling allocation left to regular seekers,
        on the day it is free: monitoring's expected-to-date follows the lettings."""
        for vacancy_id, decided_on in self.watch.regular().items():
            facts = self.announced.get(vacancy_id)
            if facts is None or vacancy_id in self.let or self.live_by_vacancy.get(
                    facts.vacancy.id):
                continue
            let_on = max(facts.vacancy.available_from, decided_on)
            if let_on > day:
                continue
            self.feed.let_to_regular(facts.vacancy.corporation, facts.vacancy.bag_id, let_on)
            self.let.add(vacancy_id)
            self.stats.let_to_regular += 1
        self.feed.flush()

    def _let_stalled(self, day: date) -> None:
        limit = self.world.scenario.behaviour.stalled_let_after_days
        for vacancy_id, proposal_id in sorted(self.live_by_vacancy.items()):
            tracked = self.tracked[proposal_id]
            if tracked.status != "open" or day < tracked.facts.announced_on + timedelta(
                    days=limit):
                continue
            vacancy = tracked.facts.vacancy
            self.feed.let_to_regular(vacancy.corporation, vacancy.bag_id, day)
            self._close(tracked)
            self.stats.let_to_regular += 1
        self.feed.flush()

    # --- proposals -----------------------------------------------------------------------------

    def _look_at_proposals(self, day: date) -> None:
        for item in self.api.proposals("open"):
            if item["id"] not in self.tracked:
                self._track(item, day)

    def _catch_up_accepted(self) -> None:
        """A run before this one may have left accepted proposals without their move-in."""
        for item in self.api.proposals("accepted"):
            tracked = self._track(item, None)
            if tracked is not None:
                answers = [a["on"] for a in item["responses"].values() if a]
                self._accepted(tracked, max(date.fromisoformat(on) for on in answers))

    def _track(self, item: dict, day: date | None) -> Tracked | None:
        facts = self.by_bag.get(item["bagId"])
        world_candidate = self.world_id.get(item["candidateId"])
        if facts is None or world_candidate is None:
            return None  # not of this world (another demo's, or an earlier horizon's)
        candidate = self.world.candidate_by_id[world_candidate]
        tracked = Tracked(item["id"], facts, world_candidate,
                          registrar(candidate.registered_by)[0],
                          date.fromisoformat(item["proposedOn"]), item["status"])
        self.tracked[tracked.id] = tracked
        if day is not None:
            self.live_by_vacancy[facts.vacancy.id] = tracked.id
            self.stats.proposals += 1
            self._schedule_answers(tracked, day)
        return tracked

    def _schedule_answers(self, tracked: Tracked, day: date) -> None:
        """As the world says this pair answers: the corporation always (accepts, or declines
        after screening), the candidate unless silent (the proposal then expires)."""
        outcome = self.world.outcome(tracked.world_candidate, tracked.facts.vacancy.id)
        corporation = "declined" if outcome.kind == CORPORATION_DECLINES else "accepted"
        self._plan(tracked, day, outcome.corporation_days, "corporation", corporation,
                   outcome.reason if corporation == "declined" else None)
        if outcome.kind == NO_RESPONSE:
            return
        candidate = "declined" if outcome.kind == CANDIDATE_DECLINES else "accepted"
        self._plan(tracked, day, outcome.candidate_days, "candidate", candidate,
                   outcome.reason if candidate == "declined" else None)

    def _plan(self, tracked: Tracked, day: date, after_days: int, party: str, decision: str,
              reason: str | None) -> None:
        on = tracked.proposed_on + timedelta(days=after_days)
        if on > self.today:
            return  # the answer lies in the future
        heapq.heappush(self.agenda, Action(max(on, day), next(self.seq), "answer", tracked.id,
                                           on, party, decision, reason))

    def _act(self, action: Action) -> None:
        tracked = self.tracked[action.proposal_id]
        if action.kind == "move-in":
            if tracked.status == "accepted" and self.api.move_in(
                    tracked.facts.vacancy.corporation, tracked.id, action.on):
                self._count("placements")
                with self.lock:
                    self.placed.add(tracked.world_candidate)
            self._close(tracked)
            return
        if tracked.status != "open":
            return  # closed meanwhile: the other party declined, or the dwelling was let
        org = (tracked.facts.vacancy.corporation if action.party == "corporation"
               else tracked.registrar)
        answer = self.api.answer(org, action.party, tracked.id,
                                 answer_body(action.party, action.decision, action.on,
                                             action.reason))
        if answer is None or answer["status"] not in ("open", "accepted"):
            self._close(tracked)
            if answer is not None and answer["status"] == "declined":
                self._count("declined_by_candidate" if action.party == "candidate"
                            else "declined_by_corporation")
            return
        if answer["status"] == "accepted":
            self._count("accepted")
            self._accepted(tracked, action.on)

    def _accepted(self, tracked: Tracked, accepted_on: date) -> None:
        tracked.status = "accepted"
        facts = tracked.facts
        move_in = max(facts.vacancy.available_from,
                      accepted_on + timedelta(days=facts.move_in_delay_days))
        with self.lock:
            self.live_by_vacancy[facts.vacancy.id] = tracked.id
            if move_in > self.today:
                return  # the keys are handed over after today
            heapq.heappush(self.agenda, Action(move_in, next(self.seq), "move-in", tracked.id,
                                               move_in))

    def _close(self, tracked: Tracked) -> None:
        tracked.status = "closed"
        with self.lock:
            if self.live_by_vacancy.get(tracked.facts.vacancy.id) == tracked.id:
                del self.live_by_vacancy[tracked.facts.vacancy.id]
