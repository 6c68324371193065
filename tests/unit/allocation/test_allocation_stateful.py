"""Invariants of the Allocator under random sequences of inputs, duplicates included.

The machine records every command it applies; redelivering a command that took effect changes
nothing, and replaying the whole record on a fresh allocator gives the same events and state.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

from allocation_builders import MUNICIPALITIES, candidate, vacancy
from allocation_commands import (
    CANDIDATE_IDS,
    CODES,
    START,
    VACANCY_IDS,
    Command,
    apply,
    candidate_st,
    decision_st,
    fitting_candidate_st,
    fresh_allocator,
    letting,
    party_st,
    proposal_ids,
    reason_st,
    urgency_st,
    vacancy_st,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)

from services.allocation.domain import (
    CandidateProposed,
    ProposalStatus,
    VacancyLabelled,
)
from services.allocation.domain.controller import whole_ceiling
from services.allocation.domain.rules import (
    EligibilityContext,
    accessible_enough,
    care_covered,
    enough_rooms,
    income_within_daeb,
    not_excluded_municipality,
    not_parked,
    rent_within_cap,
    urgency_valid,
    within_region_binding,
)
from shared.contracts.vocabulary import TenantType

# The hard constraints of DOMAIN.md, re-checked on every proposal the allocator makes.
HARD_CONSTRAINTS = (urgency_valid, not_parked, not_excluded_municipality, within_region_binding,
                    care_covered, rent_within_cap, income_within_daeb, enough_rooms,
                    accessible_enough)

# Inputs that carry an id: a redelivery, however late, must be a no-op.
REDELIVERABLE = {"announce_vacancy", "withdraw_vacancy", "record_letting", "respond",
                 "move_in", "withdraw_candidate"}


class AllocatorMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.alloc = fresh_allocator()
        self.today = START
        self.log: list[tuple[Command, list | str]] = []
        self.effective: list[Command] = []
        self.proposal_ids_seen: Counter[str] = Counter()
        self.last: Command | None = None

    # --- applying -------------------------------------------------------------------------

    def run(self, name: str, *args) -> list | str:
        command = Command(name, args)
        before = self.alloc.snapshot()
        result = apply(self.alloc, command)
        self.log.append((command, result))
        self.last = command
        if isinstance(result, list):
            self.check_events(result)
            if result or self.alloc.snapshot() != before:
                self.effective.append(command)
        else:
            assert self.alloc.snapshot() == before, f"{result} left a trace"
        return result

    def check_events(self, events: list) -> None:
        for event in events:
            if isinstance(event, CandidateProposed):
                self.proposal_ids_seen[event.proposal_id] += 1
                assert self.proposal_ids_seen[event.proposal_id] == 1, "proposal id reused"
                self.check_hard_constraints(event)
        labelled = {e.municipality for e in events
                    if isinstance(e, VacancyLabelled) and e.labelled}
        for code in labelled:
            state = self.alloc.fair_share(code, self.today)
            assert state.urgent_so_far <= whole_ceiling(state.cap_share * state.lettings_so_far)

    def check_hard_constraints(self, event: CandidateProposed) -> None:
        cand = self.alloc.candidate(event.candidate_id)
        vac = self.alloc.vacancy(event.vacancy_id)
        ctx = EligibilityContext(event.proposed_on, MUNICIPALITIES)
        broken = [r.__name__ for r in HARD_CONSTRAINTS if r(cand, vac, ctx) is not None]
        assert broken == [], f"proposal {event.proposal_id} breaks {broken}"

    # --- rules ----------------------------------------------------------------------------

    @initialize(cands=st.lists(candidate_st, min_size=2, max_size=5))
    def seed_candidates(self, cands):
        for cand in cands:
            self.run("upsert_candidate", cand)

    @rule(days=st.integers(0, 20))
    def advance(self, days):
        self.today += timedelta(days=days)

    @rule(cand=candidate_st)
    def upsert_candidate(self, cand):
        self.run("upsert_candidate", cand)

    @rule(cid=st.sampled_from(CANDIDATE_IDS), urg=urgency_st)
    def grant_urgency(self, cid, urg):
        self.run("grant_urgency", cid, urg)

    @rule(cid=st.sampled_from(CANDIDATE_IDS))
    def expire_urgency(self, cid):
        self.run("expire_urgency", cid, self.today)

    @rule(cid=st.sampled_from(CANDIDATE_IDS), now=st.sampled_from([False, False, True]))
    def withdraw_candidate(self, cid, now):
        # Withdrawal is final, so it is drawn less often than other inputs: otherwise the
        # pool empties early and later steps exercise nothing.
        if now:
            self.run("withdraw_candidate", cid, self.today)

    @rule(vac=vacancy_st)
    def announce_vacancy(self, vac):
        self.run("announce_vacancy", vac, self.today)

    @rule(vacs=st.lists(vacancy_st, min_size=2, max_size=4))
    def announce_vacancies(self, vacs):
        self.run("announce_vacancies", vacs, self.today)

    @rule(vid=st.sampled_from(VACANCY_IDS))
    def withdraw_vacancy(self, vid):
        self.run("withdraw_vacancy", vid, self.today)

    @rule(vid=st.sampled_from(VACANCY_IDS), code=st.sampled_from(CODES),
          tenant=st.sampled_from(list(TenantType)))
    def record_letting(self, vid, code, tenant):
        self.run("record_letting", letting(vid, code, tenant, self.today))

    @precondition(lambda self: self.alloc.proposals())
    @rule(index=st.integers(0, 100), decision=decision_st, party=party_st, reason=reason_st)
    def respond(self, index, decision, party, reason):
        ids = proposal_ids(self.alloc)
        self.run("respond", ids[index % len(ids)], decision, party, self.today, reason)

    @precondition(lambda self: self.alloc.proposals(ProposalStatus.OPEN))
    @rule(index=st.integers(0, 100))
    def accept_by_both(self, index):
        ids = [p.id for p in self.alloc.proposals(ProposalStatus.OPEN)]
        pid = ids[index % len(ids)]
        for party in ("corporation", "candidate"):
            self.run("respond", pid, "accepted", party, self.today, None)

    @precondition(lambda self: self.alloc.proposals())
    @rule(index=st.integers(0, 100))
    def move_in(self, index):
        ids = proposal_ids(self.alloc)
        self.run("move_in", ids[index % len(ids)], self.today)

    @precondition(lambda self: self.alloc.proposals(ProposalStatus.ACCEPTED))
    @rule(index=st.integers(0, 100), delay=st.integers(0, 30))
    def move_in_accepted(self, index, delay):
        ids = [p.id for p in self.alloc.proposals(ProposalStatus.ACCEPTED)]
        self.run("move_in", ids[index % len(ids)], self.today + timedelta(days=delay))

    @rule()
    def expire_due(self):
        self.run("expire_due", self.today)

    @precondition(lambda self: self.alloc.proposals(ProposalStatus.OPEN))
    @rule(days=st.integers(7, 10))
    def wait_and_expire(self, days):
        self.today += timedelta(days=days)
        self.run("expire_due", self.today)

    @precondition(lambda self: self.last is not None)
    @rule()
    def duplicate_last(self):
        """The same input delivered twice in a row changes nothing."""
        before = self.alloc.snapshot()
        result = self.run(self.last.name, *self.last.args)
        assert result == [] or isinstance(result, str)
        assert self.alloc.snapshot() == before

    @precondition(lambda self: any(c.name in REDELIVERABLE for c in self.effective))
    @rule(index=st.integers(0, 1000))
    def redeliver_earlier(self, index):
        """An input with an id, delivered again much later (a consumer's redelivery)."""
        earlier = [c for c in self.effective if c.name in REDELIVERABLE]
        command = earlier[index % len(earlier)]
        before = self.alloc.snapshot()
        result = self.run(command.name, *command.args)
        assert result == [] or isinstance(result, str), f"redelivered {command} acted"
        assert self.alloc.snapshot() == before

    # --- invariants -----------------------------------------------------------------------

    @invariant()
    def domain_invariants_hold(self):
        assert self.alloc.invariant_violations() == []

    @invariant()
    def at_most_one_live_proposal_and_placement_each(self):
        live = [p for p in self.alloc.proposals() if p.is_live]
        assert len({p.vacancy_id for p in live}) == len(live)
        assert len({p.candidate_id for p in live}) == len(live)
        placements = self.alloc.placements()
        assert len({p.vacancy_id for p in placements}) == len(placements)
        assert len({p.candidate_id for p in placements}) == len(placements)

    def teardown(self):
        """Replaying the record on a fresh allocator rebuilds the same events and state."""
        replayed = fresh_allocator()
        for command, result in self.log:
            assert apply(replayed, command) == result
        assert replayed.snapshot() == self.alloc.snapshot()


AllocatorMachine.TestCase.settings = settings(
    max_examples=50, stateful_step_count=40, deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestAllocatorInvariants = AllocatorMachine.TestCase


# --- the same inputs, run twice or each delivered twice -------------------------------------

def at(days: int) -> date:
    return START + timedelta(days=days)


# "nth" operations name a proposal by position; `resolve` turns them into concrete inputs.
operation_st = st.one_of(
    st.builds(lambda c: Command("upsert_candidate", (c,)), candidate_st),
    st.builds(lambda v, d: Command("announce_vacancy", (v, at(d))), vacancy_st,
              st.integers(0, 60)),
    st.builds(lambda i, dec, p, r, d: Command("respond_nth", (i, dec, p, at(d), r)),
              st.integers(0, 20), decision_st, party_st, reason_st, st.integers(0, 60)),
    st.builds(lambda i, d: Command("accept_nth", (i, at(d))), st.integers(0, 20),
              st.integers(0, 60)),
    st.builds(lambda d: Command("expire_due", (at(d),)), st.integers(0, 60)),
    st.builds(lambda i, d: Command("move_in_nth", (i, at(d))), st.integers(0, 20),
              st.integers(0, 60)),
    st.builds(lambda v, d: Command("withdraw_vacancy", (v, at(d))),
              st.sampled_from(VACANCY_IDS), st.integers(0, 60)),
)

# Seeded with candidates who fit, so sequences reach proposals, answers and placements.
commands_st = st.tuples(
    st.lists(fitting_candidate_st, min_size=2, max_size=4),
    st.lists(operation_st, min_size=5, max_size=40),
).map(lambda pair: [Command("upsert_candidate", (c,)) for c in pair[0]] + pair[1])


def resolve(alloc, command: Command) -> list[Command]:
    """Turn "the n-th proposal" into concrete inputs against the current state."""
    if not command.name.endswith("_nth"):
        return [command]
    ids = proposal_ids(alloc)
    index, day = command.args[0], command.args[-1 if command.name != "respond_nth" else 3]
    if not ids:
        return [Command("expire_due", (day,))]
    pid = ids[index % len(ids)]
    if command.name == "move_in_nth":
        return [Command("move_in", (pid, day))]
    if command.name == "accept_nth":
        return [Command("respond", (pid, "accepted", party, day, None))
                for party in ("corporation", "candidate")]
    return [Command("respond", (pid, *command.args[1:]))]


def run_all(commands: list[Command], twice: bool = False):
    alloc, events = fresh_allocator(), []
    for raw in commands:
        for command in resolve(alloc, raw):
            events.append(apply(alloc, command))
            if twice:
                again = apply(alloc, command)
                assert again == (events[-1] if isinstance(events[-1], str) else [])
    return alloc, events


@settings(max_examples=50, deadline=None)
@given(commands_st)
def test_replay_gives_the_same_events_and_state(commands):
    first, first_events = run_all(commands)
    second, second_events = run_all(commands)
    assert first_events == second_events
    assert first.snapshot() == second.snapshot()


@settings(max_examples=50, deadline=None)
@given(commands_st)
def test_every_input_delivered_twice_leaves_the_state_of_once(commands):
    once, once_events = run_all(commands)
    twice, twice_events = run_all(commands, twice=True)
    assert once_events == twice_events
    assert once.snapshot() == twice.snapshot()


def test_deterministic_proposal_ids_survive_a_crash_and_redo():
    """Work lost before commit is redone from the same inputs: the same proposal id comes out,
    so the unit of work's unique key refuses a second proposal."""

    def run():
        alloc = fresh_allocator()
        alloc.upsert_candidate(candidate("c-1"))
        return alloc.announce_vacancy(vacancy("v-1"), date(2026, 3, 2))

    first, redo = run(), run()
    ids = [e.proposal_id for e in first if isinstance(e, CandidateProposed)]
    assert len(ids) == 1
    assert ids == [e.proposal_id for e in redo if isinstance(e, CandidateProposed)]
