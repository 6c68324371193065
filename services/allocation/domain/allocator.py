"""The Allocator aggregate: the allocation state of one scope (the province or a region).

Every command takes plain inputs (dates included: the domain never reads a clock) and returns
the domain events it caused. Commands whose input carries an id are idempotent: a redelivered
input returns no events and changes nothing, so consumers can process at least once. Refusals
raise an AllocationError before anything changes.

Invariants (checked by `invariant_violations`): a vacancy has at most one live (open or
accepted) proposal and at most one placement; a candidate likewise; an open labelled vacancy
always has a live proposal; the letting counts equal a recount. Replaying the same inputs in
the same order yields the same state and the same events: there is no randomness, no clock,
every ordering has a deterministic tie-break and every id is derived from its content.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, replace
from datetime import date, timedelta

from shared.contracts.periods import Period
from shared.contracts.vocabulary import PROVINCE_SCOPE, DecidedBy, TenantType

from . import assessment, controller, ids, lapse, ranking, rules, stored, tracking
from .controller import FairShareState, LabelDecision
from .counting import LettingLedger, Outcome
from .errors import (
    InvalidResponse,
    ProposalNotAccepted,
    ProposalNotCancellable,
    ProposalNotOpen,
    UnknownCandidate,
    UnknownProposal,
    UnknownVacancy,
)
from .events import (
    CandidateLapsed,
    CandidatePlaced,
    CandidateProposed,
    DomainEvent,
    ProposalAccepted,
    ProposalCancelled,
    ProposalDeclined,
    ProposalExpired,
    ProposalWithdrawn,
    VacancyLabelled,
)
from .model import (
    PROFILE_FIELDS,
    Agreement,
    Candidate,
    CandidateStatus,
    Decision,
    Explanation,
    Letting,
    MunicipalityRef,
    Placement,
    Proposal,
    ProposalStatus,
    RankedCandidate,
    Realisation,
    Response,
    Urgency,
    Vacancy,
    VacancyStatus,
)
from .policy import AllocationPolicy

# Reasons the platform itself gives when it closes a proposal; they never park anyone.
VACANCY_WITHDRAWN = "vacancy-withdrawn"
CANDIDATE_WITHDRAWN = "candidate-withdrawn"
LET_OUTSIDE_PLATFORM = "let-outside-platform"
# Why a candidacy ended (ProposalWithdrawn.reason_code).
CANDIDATE_ERASED = "candidate-erased"
URGENCY_REFUSED = "urgency-refused"
URGENCY_REVOKED = "urgency-revoked"
URGENCY_EXPIRED = "urgency-expired"
URGENCY_LAPSED = "urgency-lapsed"

Events = list[DomainEvent]


@dataclass(frozen=True)
class Assessment:
    """All active candidates weighed for one vacancy."""

    ranked: list[RankedCandidate]  # the best eligible ones, best first (the explanation's top)
    eligible_count: int
    excluded: dict[str, int]  # rule name -> candidates it excluded


class _ActiveIndex:
    """The active candidates of one Allocator, grouped by `rules.profile_of` (`rules.Group`),
    so that an assessment neither walks the placed and withdrawn ones nor asks every rule
    per candidate. Derived data, not state: the Allocator owns it (`_index`, never stored), built
    from `_candidates` on first use and kept up to date by the commands that change a
    candidate (`_refile`, `_touch`); built again when `_candidates` is replaced or changes
    size behind the commands' back."""

    __slots__ = ("source", "size", "groups", "group_of", "memo")

    def __init__(self, candidates: dict[str, Candidate], memo: rules.RuleMemo):
        self.source = candidates
        self.size = len(candidates)
        self.memo = memo  # the rules' caches, kept when the index is built again
        self.groups: dict[object, rules.Group] = {}  # profile -> its active candidates
        self.group_of: dict[str, rules.Group] = {}  # active candidate id -> its group
        for candidate in candidates.values():
            self.refile(candidate)

    def refile(self, candidate: Candidate) -> None:
        old = self.group_of.pop(candidate.id, None)
        if old is not None:
            del old.members[candidate.id]
            old.changed()
            if not old.members:
                del self.groups[old.profile]
        if candidate.status is CandidateStatus.ACTIVE:
            profile = rules.profile_of(candidate, self.memo)
            group = self.groups.get(profile)
            if group is None:
                group = self.groups[profile] = rules.Group(profile)
            group.members[candidate.id] = candidate
            if group is old:  # refiled in place: its verdicts may have changed
                group.changed()
            else:
                group.added(candidate)
            self.group_of[candidate.id] = group

    def touch(self, candidate: Candidate) -> None:
        group = self.group_of.get(candidate.id)
        if group is not None:
            group.changed()


class Allocator:
    def __init__(self, scope: str = PROVINCE_SCOPE, policy: AllocationPolicy | None = None):
        self.scope = scope
        self.policy = policy or AllocationPolicy()
        self._municipalities: dict[str, MunicipalityRef] = {}
        self._agreements: dict[str, Agreement] = {}  # period label -> latest version
        self._candidates: dict[str, Candidate] = {}
        self._vacancies: dict[str, Vacancy] = {}
        self._external_lettings: dict[str, Letting] = {}  # lettings of unseen vacancies
        self._proposals: dict[str, Proposal] = {}
        self._attempts: dict[str, tuple[str, ...]] = {}  # vacancy id -> its proposal ids
        self._live_by_vacancy: dict[str, str] = {}  # vacancy id -> open/accepted proposal id
        self._live_by_candidate: dict[str, str] = {}
        self._placements: dict[str, Placement] = {}
        self._ledger = LettingLedger()
        self._index: _ActiveIndex | None = None  # derived: the active candidates by profile
        self._stored = stored.StoredMemo()  # derived: what was last stored, per entity
        self._touched = tracking.Touched()  # derived: the entities changed since then
        stored.track(self)

    # --- storage (the adapters see documents and records, never the attributes) -------------

    def to_document(self) -> dict:
        """The whole aggregate as one plain JSON-able document."""
        return stored.to_document(self)

    @classmethod
    def from_document(cls, document: dict, policy: AllocationPolicy | None = None
                      ) -> Allocator:
        return stored.from_document(document, policy)

    def stored_changes(self) -> stored.StoredChanges:
        """The entity records changed, added or gone since the last call (or the restore);
        the caller stores them, or drops this Allocator (the next one restores afresh)."""
        return stored.changes(self)

    @classmethod
    def from_records(cls, scope: str, records: Iterable[stored.Record],
                     policy: AllocationPolicy | None = None) -> Allocator:
        """Restore from the records `stored_changes` gave, in their `seq` order."""
        return stored.from_records(scope, records, policy)

    # --- reference data ---------------------------------------------------------------------

    def upsert_municipality(self, municipality: MunicipalityRef) -> Events:
        self._municipalities[municipality.code] = municipality
        return []

    def upsert_agreement(self, agreement: Agreement) -> Events:
        """Keeps the latest version per period; another scope's agreement is not ours."""
        if agreement.scope != self.scope:
            return []
        current = self._agreements.get(agreement.period.label)
        if current is None or agreement.version >= current.version:
            self._agreements[agreement.period.label] = agreement
        return []

    # --- candidates -------------------------------------------------------------------------

    def upsert_candidate(self, candidate: Candidate) -> Events:
        """A new candidate is taken as given; for a known one only the profile is replaced,
        the state allocation keeps (urgency, parking, status) stays."""
        existing = self._candidates.get(candidate.id)
        if existing is None:
            added = self._candidates[candidate.id] = replace(candidate)
            self._refile(added, added=True)
            return []
        for name in PROFILE_FIELDS:
            setattr(existing, name, getattr(candidate, name))
        self._refile(existing)
        return []

    def grant_urgency(self, candidate_id: str, urgency: Urgency) -> Events:
        """A grant (or an extension: the same urgency with a later last day). A new grant
        starts the lapse counts afresh; an extension keeps them."""
        candidate = self._candidate(candidate_id)
        if not _same_urgency(candidate.urgency, urgency):
            candidate.refusals = candidate.unanswered = 0
        candidate.urgency = urgency
        self._refile(candidate)
        return []

    def expire_urgency(self, candidate_id: str, on: date) -> Events:
        return self.end_urgency(candidate_id, on, URGENCY_EXPIRED)

    def end_urgency(self, candidate_id: str, on: date, reason: str) -> Events:
        """Refused, revoked, expired or lapsed: the candidacy ends at once. An open proposal
        is withdrawn and its vacancy moves on; an accepted one stands (acceptance ends the
        urgency by itself). Not proposed again until granted anew."""
        candidate = self._candidates.get(candidate_id)
        # An end dated before the current grant belongs to an earlier urgency.
        if candidate is None or candidate.urgency is None or candidate.urgency.granted_on > on:
            return []
        candidate.urgency = None
        self._refile(candidate)
        return self._withdraw_live_of(candidate, on, reason, accepted_too=False)

    def withdraw_candidate(self, candidate_id: str, on: date,
                           reason: str = CANDIDATE_WITHDRAWN) -> Events:
        """Withdrawn or erased in intake: even an accepted proposal is withdrawn."""
        candidate = self._candidates.get(candidate_id)
        if candidate is None or candidate.status is not CandidateStatus.ACTIVE:
            return []
        candidate.status = CandidateStatus.WITHDRAWN
        self._refile(candidate)
        return self._withdraw_live_of(candidate, on, reason, accepted_too=True)

    def _withdraw_live_of(self, candidate: Candidate, on: date, reason: str,
                          accepted_too: bool) -> Events:
        proposal = self._live_proposal(self._live_by_candidate, candidate.id)
        if proposal is None or (proposal.status is not ProposalStatus.OPEN
                                and not accepted_too):
            return []
        self._close(proposal, ProposalStatus.WITHDRAWN, on, None, reason)
        self._touch(candidate)
        withdrawn = ProposalWithdrawn(proposal.id, proposal.vacancy_id, candidate.id,
                                      self._municipality_of(proposal), reason, on)
        return [withdrawn, *self._propose_next(self._vacancies[proposal.vacancy_id], on)]

    # --- vacancies --------------------------------------------------------------------------

    def announce_vacancy(self, vacancy: Vacancy, today: date) -> Events:
        """Decided at once, or with `policy.decision_lead_days` set, on the day that many days
        before the dwelling is free (by `decide_due`): a household then gets the dwelling that
        is free first, not the one announced first."""
        if self._is_known_vacancy(vacancy.id):
            return []
        vacancy = replace(vacancy, status=VacancyStatus.OPEN, labelled=None,
                          label_reason=None, decided_on=None)
        self._vacancies[vacancy.id] = vacancy
        if self._decision_day(vacancy) > today:
            return []
        return self._decide_label(vacancy, today)

    def announce_vacancies(self, vacancies: Iterable[Vacancy], today: date) -> Events:
        """Vacancies open at the same time: the municipality furthest behind goes first, and
        the order is recomputed after each decision, since each one moves its municipality."""
        pending: dict[str, Vacancy] = {}
        for vacancy in vacancies:
            if not self._is_known_vacancy(vacancy.id):
                pending.setdefault(vacancy.id, vacancy)
        return self._in_lag_order(pending, today, self.announce_vacancy)

    def decide_due(self, today: date) -> Events:
        """Open vacancies still undecided whose decision day has come, furthest behind first."""
        due = {v.id: v for v in self._vacancies.values()
               if v.status is VacancyStatus.OPEN and v.decided_on is None
               and self._decision_day(v) <= today}
        return self._in_lag_order(due, today, self._decide_label)

    def _in_lag_order(self, pending: dict[str, Vacancy], today: date,
                      decide: Callable[[Vacancy, date], Events]) -> Events:
        events: Events = []
        while pending:
            agreement = self._agreement_on(today)
            states = {v.municipality: self._state(agreement, v.municipality)
                      for v in pending.values()}
            first = controller.order_by_lag(pending.values(), states)[0]
            del pending[first.id]
            events += decide(first, today)
        return events

    def _decision_day(self, vacancy: Vacancy) -> date:
        lead = self.policy.decision_lead_days
        if lead is None:
            return date.min
        return vacancy.available_from - timedelta(days=lead)

    def withdraw_vacancy(self, vacancy_id: str, on: date) -> Events:
        vacancy = self._vacancies.get(vacancy_id)
        if vacancy is None or vacancy.status is not VacancyStatus.OPEN:
            return []
        events = self._close_live_of_vacancy(vacancy, VACANCY_WITHDRAWN, on)
        vacancy.status = VacancyStatus.WITHDRAWN
        self._ledger.forget(vacancy.id)  # no letting will happen
        return events

    def record_letting(self, letting: Letting) -> Events:
        """A letting the corporation made itself. It counts once per vacancy; a proposal still
        open for the vacancy is closed, since the dwelling is gone."""
        if letting.vacancy_id in self._external_lettings:
            return []
        outcome = Outcome.URGENT if letting.tenant_type is TenantType.URGENT else Outcome.REGULAR
        vacancy = self._vacancies.get(letting.vacancy_id)
        if vacancy is None:
            self._external_lettings[letting.vacancy_id] = letting
            self._ledger.record(letting.vacancy_id, letting.municipality, outcome, letting.let_on)
            return []
        if vacancy.status in (VacancyStatus.LET, VacancyStatus.PLACED):
            return []  # already counted; a placement reported back as a letting counts once
        events = self._close_live_of_vacancy(vacancy, LET_OUTSIDE_PLATFORM, letting.let_on)
        vacancy.status = VacancyStatus.LET
        self._ledger.record(vacancy.id, vacancy.municipality, outcome, letting.let_on)
        return events

    # --- proposals --------------------------------------------------------------------------

    def respond(
        self,
        proposal_id: str,
        decision: Decision | str,
        decided_by: DecidedBy | str,
        on: date,
        reason: str | None = None,
    ) -> Events:
        """Accepted by both parties -> accepted; declined by either -> declined, the candidate
        maybe parked, and the vacancy goes to the next candidate."""
        proposal = self.proposal(proposal_id)
        decision, party = Decision(decision), DecidedBy(decided_by)
        if decision is Decision.DECLINED and not (reason and reason.strip()):
            raise InvalidResponse("a decline needs a reason")
        if _is_repeat(proposal.response_of(party), decision, reason):
            return []
        if proposal.status is not ProposalStatus.OPEN:
            raise ProposalNotOpen(f"proposal {proposal_id} is {proposal.status}")
        if decision is Decision.DECLINED:
            return self._declined_by(proposal, party, reason or "", on)
        proposal.record(party, Response(Decision.ACCEPTED, on))
        if not proposal.accepted_by_both:
            return []
        proposal.status = ProposalStatus.ACCEPTED
        return [ProposalAccepted(proposal.id, proposal.vacancy_id, proposal.candidate_id,
                                 self._municipality_of(proposal), on)]

    def expire_due(self, today: date) -> Events:
        """Open proposals whose last day to answer has passed; each vacancy moves on."""
        due = sorted((p for p in self._live_proposals()
                      if p.status is ProposalStatus.OPEN and p.expires_on < today),
                     key=lambda p: (p.expires_on, p.id))
        events: Events = []
        for proposal in due:
            self._close(proposal, ProposalStatus.EXPIRED, today)
            events.append(ProposalExpired(proposal.id, proposal.vacancy_id,
                                          proposal.candidate_id,
                                          self._municipality_of(proposal), today))
            candidate = self._candidates[proposal.candidate_id]
            candidate.unanswered += 1
            events += self._lapse_if_due(candidate, today)
            events += self._propose_next(self._vacancies[proposal.vacancy_id], today)
        return events

    def cancel(self, proposal_id: str, party: DecidedBy | str, reason_code: str, on: date
               ) -> Events:
        """An accepted proposal undone before the move-in: the candidate is free again (not
        parked: the tenancy fell through) and the vacancy goes to the next candidate."""
        proposal = self.proposal(proposal_id)
        if proposal.status is ProposalStatus.CANCELLED:
            return []  # a repeated cancellation
        if proposal.status is not ProposalStatus.ACCEPTED:
            raise ProposalNotCancellable(f"proposal {proposal_id} is {proposal.status}")
        party = DecidedBy(party)
        self._close(proposal, ProposalStatus.CANCELLED, on, party, reason_code)
        self._touch(self._candidates[proposal.candidate_id])
        cancelled = ProposalCancelled(proposal.id, proposal.vacancy_id, proposal.candidate_id,
                                      self._municipality_of(proposal), party, reason_code, on)
        return [cancelled, *self._propose_next(self._vacancies[proposal.vacancy_id], on)]

    def _lapse_if_due(self, candidate: Candidate, on: date) -> Events:
        """After a refusal or an unanswered proposal: the agreement's lapse rule may end the
        urgency (no proposal of the candidate is live at that moment)."""
        urgency = candidate.urgency
        if urgency is None or candidate.status is not CandidateStatus.ACTIVE:
            return []
        agreement = self._agreement_on(on)
        reason = lapse.lapse_reason(candidate,
                                    agreement.rule_for(urgency.category) if agreement else None)
        if reason is None:
            return []
        count = candidate.refusals if reason == lapse.LAPSED_BY_REFUSALS else candidate.unanswered
        candidate.urgency = None
        self._refile(candidate)
        return [CandidateLapsed(candidate.id, urgency.municipality, urgency.category, on,
                                reason, count)]

    def move_in(self, proposal_id: str, on: date) -> Events:
        proposal = self.proposal(proposal_id)
        if proposal.status is ProposalStatus.PLACED:
            return []
        if proposal.status is not ProposalStatus.ACCEPTED:
            raise ProposalNotAccepted(f"proposal {proposal_id} is {proposal.status}")
        vacancy = self._vacancies[proposal.vacancy_id]
        candidate = self._candidates[proposal.candidate_id]
        placement = _placement(proposal, vacancy, candidate, on)
        self._close(proposal, ProposalStatus.PLACED, on)
        vacancy.status = VacancyStatus.PLACED
        candidate.status = CandidateStatus.PLACED
        self._refile(candidate)
        self._placements[placement.id] = placement
        self._ledger.record(vacancy.id, vacancy.municipality, Outcome.PLACED, on)
        return [CandidatePlaced.of(placement)]

    # --- views ------------------------------------------------------------------------------

    def proposal(self, proposal_id: str) -> Proposal:
        try:
            return self._proposals[proposal_id]
        except KeyError:
            raise UnknownProposal(proposal_id) from None

    def proposals(self, status: ProposalStatus | str | None = None) -> list[Proposal]:
        wanted = None if status is None else ProposalStatus(status)
        found = (p for p in self._proposals.values() if wanted is None or p.status is wanted)
        return sorted(found, key=lambda p: (p.proposed_on, p.id))

    def candidate(self, candidate_id: str) -> Candidate | None:
        return self._candidates.get(candidate_id)

    def vacancy(self, vacancy_id: str) -> Vacancy | None:
        return self._vacancies.get(vacancy_id)

    def assess_candidate(self, vacancy_id: str, candidate_id: str, today: date
                         ) -> assessment.CandidateAssessment:
        """Why (not) this candidate for this vacancy, as of the vacancy's latest decision (see
        `assessment`); `today` for a vacancy not decided yet."""
        vacancy = self._vacancies.get(vacancy_id)
        if vacancy is None:
            raise UnknownVacancy(vacancy_id)
        candidate = self._candidate(candidate_id)
        attempts = self._attempts.get(vacancy.id, ())
        latest = self._proposals[attempts[-1]] if attempts else None
        day = latest.proposed_on if latest else (vacancy.decided_on or today)
        agreement = self._agreement_on(day)
        context = replace(
            self._eligibility_context(vacancy, day, agreement),
            tried_candidates=frozenset(self._proposals[pid].candidate_id
                                       for pid in attempts[:-1]),
            # holding this very proposal is no reason against it
            engaged_candidates=frozenset(self._live_by_candidate) - (
                {latest.candidate_id} if latest else set()))
        checks = assessment.check_rules(candidate, vacancy, context)
        recorded = latest and assessment.recorded_rank(latest.explanation, candidate.id)
        rank, score, parts = recorded or (None, None, None)
        if parts is None and all(c.passed for c in checks):
            ranking_context = ranking.RankingContext(
                day, agreement.category_order if agreement else (),
                self._surpluses(agreement, {candidate.registration_municipality}))
            parts = ranking.components(candidate, vacancy, ranking_context)
            score = ranking.score(parts, self.policy.weights)
        return assessment.CandidateAssessment(
            vacancy.id, candidate.id, day, vacancy.labelled, vacancy.label_reason,
            self._state(agreement, vacancy.municipality), checks,
            latest.id if latest else None, rank, score, parts)

    def placements(self) -> list[Placement]:
        return sorted(self._placements.values(), key=lambda p: (p.move_in_date, p.id))

    def agreement_on(self, day: date) -> Agreement | None:
        return self._agreement_on(day)

    def fair_share(self, municipality: str, today: date) -> FairShareState | None:
        return self._state(self._agreement_on(today), municipality)

    def realisation(self, period: str) -> dict[str, Realisation]:
        """Per municipality: placements and lettings counted in the period."""
        span = Period.parse(period)
        agreement = self._agreements.get(period)
        codes = set(agreement.municipalities if agreement else ()) | self._ledger.municipalities()
        return {code: self._realisation(code, span, agreement) for code in sorted(codes)}

    def snapshot(self) -> dict:
        """The whole state as plain, comparable data."""
        return {
            "scope": self.scope,
            "municipalities": _by_key(self._municipalities),
            "agreements": _by_key(self._agreements),
            "candidates": _by_key(self._candidates),
            "vacancies": _by_key(self._vacancies),
            "external_lettings": _by_key(self._external_lettings),
            "proposals": _by_key(self._proposals),
            "attempts": {k: list(v) for k, v in sorted(self._attempts.items())},
            "placements": _by_key(self._placements),
            "ledger": self._ledger.snapshot(),
        }

    def invariant_violations(self) -> list[str]:
        return [*self._one_live_proposal_each(), *self._one_placement_each(),
                *self._indexes_consistent(), *self._labels_consistent(),
                *self._counts_consistent()]

    # --- deciding a vacancy -----------------------------------------------------------------

    def _decide_label(self, vacancy: Vacancy, today: date) -> Events:
        agreement = self._agreement_on(today)
        decision = controller.decide_pace(self._state(agreement, vacancy.municipality),
                                          vacancy.municipality)
        assessment = None
        if decision.labelled:  # assessing candidates is the costly part: only when needed
            assessment = self._assess(vacancy, today, agreement)
            decision = controller.with_candidates(decision, assessment.eligible_count)
        vacancy.labelled, vacancy.label_reason = decision.labelled, decision.reason
        vacancy.decided_on = today
        events: Events = [_labelled_event(vacancy, decision, today)]
        if assessment is None or not decision.labelled:
            self._ledger.record(vacancy.id, vacancy.municipality, Outcome.REGULAR, today)
            return events
        # Counted as urgent from the moment it is labelled, so the next decision sees it.
        self._ledger.record(vacancy.id, vacancy.municipality, Outcome.URGENT, today)
        return [*events, self._open_proposal(vacancy, assessment, today)]

    def _propose_next(self, vacancy: Vacancy, today: date) -> Events:
        if vacancy.status is not VacancyStatus.OPEN or not vacancy.labelled:
            return []
        assessment = self._assess(vacancy, today, self._agreement_on(today))
        if assessment.eligible_count == 0:
            return self._release(vacancy, today)
        return [self._open_proposal(vacancy, assessment, today)]

    def _release(self, vacancy: Vacancy, today: date) -> Events:
        """No eligible candidate is left: the dwelling goes to a regular seeker after all."""
        attempts = len(self._attempts.get(vacancy.id, ()))
        decision = controller.released(vacancy.label_reason or "", attempts)
        vacancy.labelled, vacancy.label_reason = False, decision.reason
        self._ledger.record(vacancy.id, vacancy.municipality, Outcome.REGULAR, today)
        return [_labelled_event(vacancy, decision, today)]

    def _assess(self, vacancy: Vacancy, today: date, agreement: Agreement | None) -> Assessment:
        """`rules.eligibility` for every active candidate and `ranking.rank` of the eligible,
        done in bulk (`rules.assess_heads`: static rules once per candidate profile, the
        eligible counted and only those that can rank among the explanation's top taken;
        `ranking.top`: only that top is built). The same figures as one by one: unit tests
        hold both against the plain functions."""
        context = self._eligibility_context(vacancy, today, agreement)
        index = self._active_index()
        top_n = self.policy.explanation_top_n  # sliced from the ranking: a negative n
        if top_n >= 0 and ranking.heads_suffice(self.policy.weights):
            keep = max(top_n, 1)
            count, ranked_from, excluded = rules.assess_heads(
                index.groups.values(), index.group_of, vacancy, context, index.memo, keep)
        else:  # drops from the ranking's end, or waiting may not order: rank them all
            ranked_from, excluded = rules.assess_groups(
                index.groups.values(), index.group_of, vacancy, context, index.memo)
            count = len(ranked_from)
            keep = count if top_n < 0 else max(top_n, 1)
        if not count:
            return Assessment([], 0, excluded)
        ranking_context = ranking.RankingContext(
            today, agreement.category_order if agreement else (),
            self._surpluses(agreement, {c.registration_municipality for c in ranked_from}))
        ranked = ranking.top(ranked_from, vacancy, ranking_context, self.policy.weights, keep)
        return Assessment(ranked, count, excluded)

    def _active_index(self) -> _ActiveIndex:
        index = self._index
        if (index is None or index.source is not self._candidates
                or index.size != len(self._candidates)):
            memo = index.memo if index is not None else rules.RuleMemo()
            index = self._index = _ActiveIndex(self._candidates, memo)
        return index

    def _refile(self, candidate: Candidate, added: bool = False) -> None:
        """After a command changed a candidate's status, profile or urgency (or added it)."""
        index = self._index
        if index is None:
            return
        if index.source is not self._candidates or index.size + added != len(
                self._candidates):
            self._index = None  # out of step: built again on next use
            return
        index.size += added
        index.refile(candidate)

    def _touch(self, candidate: Candidate) -> None:
        """After a command changed a candidate's parking."""
        index = self._index
        if index is not None:
            index.touch(candidate)

    def _eligibility_context(
        self, vacancy: Vacancy, today: date, agreement: Agreement | None
    ) -> rules.EligibilityContext:
        tried = frozenset(self._proposals[pid].candidate_id
                          for pid in self._attempts.get(vacancy.id, ()))
        return rules.EligibilityContext(
            today=today,
            municipalities=self._municipalities,
            income_limits=self.policy.income_limits,
            categories=frozenset(agreement.category_order) if agreement else None,
            engaged_candidates=self._live_by_candidate.keys(),
            tried_candidates=tried,
            availability_slack_days=self.policy.availability_slack_days,
        )

    def _surpluses(self, agreement: Agreement | None, origins: set[str]) -> dict[str, float]:
        states = {code: self._state(agreement, code) for code in origins}
        return {code: state.surplus for code, state in states.items() if state is not None}

    def _open_proposal(self, vacancy: Vacancy, assessment: Assessment, today: date) -> (
        CandidateProposed
    ):
        best = self._candidates[assessment.ranked[0].candidate_id]
        assert best.urgency is not None  # eligibility demands a valid urgency
        attempts = self._attempts.get(vacancy.id, ())
        explanation = Explanation(
            label_reason=vacancy.label_reason or "",
            eligible_count=assessment.eligible_count,
            ranked=tuple(assessment.ranked[: self.policy.explanation_top_n]),
            excluded=assessment.excluded,
        )
        proposal = Proposal(
            id=ids.proposal_id(vacancy.id, best.id, len(attempts) + 1),
            vacancy_id=vacancy.id, candidate_id=best.id, attempt=len(attempts) + 1,
            category=best.urgency.category, urgency_granted_on=best.urgency.granted_on,
            proposed_on=today,
            expires_on=today + timedelta(days=self.policy.proposal_expiry_days),
            explanation=explanation,
        )
        self._proposals[proposal.id] = proposal
        self._attempts[vacancy.id] = (*attempts, proposal.id)  # immutable: see `tracking`
        self._live_by_vacancy[vacancy.id] = proposal.id
        self._live_by_candidate[best.id] = proposal.id
        return CandidateProposed.of(proposal, vacancy, best)

    # --- closing proposals ------------------------------------------------------------------

    def _declined_by(self, proposal: Proposal, party: DecidedBy, reason: str, on: date) -> (
        Events
    ):
        proposal.record(party, Response(Decision.DECLINED, on, reason))
        declined = self._decline(proposal, party, reason, on, self.policy.park_days(reason))
        candidate = self._candidates[proposal.candidate_id]
        lapsed: Events = []
        if lapse.is_refusal_without_valid_reason(party, reason):
            candidate.refusals += 1
            lapsed = self._lapse_if_due(candidate, on)
        return [declined, *lapsed, *self._propose_next(self._vacancies[proposal.vacancy_id], on)]

    def _close_live_of_vacancy(self, vacancy: Vacancy, reason: str, on: date) -> Events:
        proposal = self._live_proposal(self._live_by_vacancy, vacancy.id)
        if proposal is None:
            return []
        return [self._decline(proposal, DecidedBy.CORPORATION, reason, on, 0)]

    def _decline(
        self, proposal: Proposal, party: DecidedBy, reason: str, on: date, park_days: int
    ) -> ProposalDeclined:
        self._close(proposal, ProposalStatus.DECLINED, on, party, reason)
        candidate = self._candidates[proposal.candidate_id]
        parked_until = self._park(candidate, on, park_days)
        self._touch(candidate)
        return ProposalDeclined(proposal.id, proposal.vacancy_id, proposal.candidate_id,
                                self._municipality_of(proposal), party, reason, on,
                                parked_until)

    def _close(
        self,
        proposal: Proposal,
        status: ProposalStatus,
        on: date,
        by: DecidedBy | None = None,
        reason: str | None = None,
    ) -> None:
        proposal.status, proposal.closed_on = status, on
        proposal.closed_by, proposal.close_reason = by, reason
        self._live_by_vacancy.pop(proposal.vacancy_id, None)
        self._live_by_candidate.pop(proposal.candidate_id, None)

    @staticmethod
    def _park(candidate: Candidate, on: date, days: int) -> date | None:
        if days <= 0:
            return None
        until = on + timedelta(days=days)
        if candidate.parked_until is None or candidate.parked_until < until:
            candidate.parked_until = until
        return candidate.parked_until

    # --- lookups ----------------------------------------------------------------------------

    def _candidate(self, candidate_id: str) -> Candidate:
        try:
            return self._candidates[candidate_id]
        except KeyError:
            raise UnknownCandidate(candidate_id) from None

    def _is_known_vacancy(self, vacancy_id: str) -> bool:
        return vacancy_id in self._vacancies or vacancy_id in self._external_lettings

    def _live_proposal(self, index: dict[str, str], key: str) -> Proposal | None:
        proposal_id = index.get(key)
        return None if proposal_id is None else self._proposals[proposal_id]

    def _live_proposals(self) -> list[Proposal]:
        return [self._proposals[pid] for pid in self._live_by_vacancy.values()]

    def _municipality_of(self, proposal: Proposal) -> str:
        return self._vacancies[proposal.vacancy_id].municipality

    def _agreement_on(self, day: date) -> Agreement | None:
        """The agreement in force: the most specific period (a half year over a year)."""
        current = [a for a in self._agreements.values() if a.period.contains(day)]
        return min(current, key=lambda a: (a.period.days, a.period.label), default=None)

    def _state(self, agreement: Agreement | None, municipality: str) -> FairShareState | None:
        target = agreement.target_for(municipality) if agreement else None
        if agreement is None or target is None:
            return None
        counts = self._ledger.counts(municipality, agreement.period)
        return FairShareState(municipality, agreement.period.label, target.target,
                              target.expected_lettings, agreement.cap_share, counts.urgent,
                              counts.lettings, self.policy.pacing, self.policy.band_tolerance)

    def _realisation(self, code: str, span: Period, agreement: Agreement | None) -> (
        Realisation
    ):
        counts = self._ledger.counts(code, span)
        target = agreement.target_for(code) if agreement else None
        if target is None or agreement is None:
            return Realisation(code, counts.placed, counts.urgent, counts.lettings)
        state = FairShareState(code, span.label, target.target, target.expected_lettings,
                               agreement.cap_share, counts.urgent, counts.lettings)
        return Realisation(code, counts.placed, counts.urgent, counts.lettings, target.target,
                           round(state.expected_to_date, 6))

    # --- invariants -------------------------------------------------------------------------

    def _one_live_proposal_each(self) -> list[str]:
        live = [p for p in self._proposals.values() if p.is_live]
        return [*_more_than_one("vacancy", Counter(p.vacancy_id for p in live), "live proposals"),
                *_more_than_one("candidate", Counter(p.candidate_id for p in live),
                                "live proposals")]

    def _one_placement_each(self) -> list[str]:
        placements = self._placements.values()
        return [*_more_than_one("vacancy", Counter(p.vacancy_id for p in placements),
                                "placements"),
                *_more_than_one("candidate", Counter(p.candidate_id for p in placements),
                                "placements")]

    def _indexes_consistent(self) -> list[str]:
        live = [p for p in self._proposals.values() if p.is_live]
        problems = []
        if self._live_by_vacancy != {p.vacancy_id: p.id for p in live}:
            problems.append("live-by-vacancy index differs from the proposals")
        if self._live_by_candidate != {p.candidate_id: p.id for p in live}:
            problems.append("live-by-candidate index differs from the proposals")
        placed = {p.id for p in self._proposals.values() if p.status is ProposalStatus.PLACED}
        if placed != {pl.proposal_id for pl in self._placements.values()}:
            problems.append("placed proposals and placements differ")
        return problems

    def _labels_consistent(self) -> list[str]:
        problems = []
        placed_vacancies = {p.vacancy_id for p in self._placements.values()}
        placed_candidates = {p.candidate_id for p in self._placements.values()}
        for vacancy in self._vacancies.values():
            is_open_labelled = vacancy.status is VacancyStatus.OPEN and bool(vacancy.labelled)
            if is_open_labelled != (vacancy.id in self._live_by_vacancy):
                problems.append(f"vacancy {vacancy.id}: labelled and open iff a live proposal")
            if (vacancy.status is VacancyStatus.PLACED) != (vacancy.id in placed_vacancies):
                problems.append(f"vacancy {vacancy.id}: placed iff a placement")
        for candidate in self._candidates.values():
            if (candidate.status is CandidateStatus.PLACED) != (candidate.id in
                                                                placed_candidates):
                problems.append(f"candidate {candidate.id}: placed iff a placement")
            live = self._live_by_candidate.get(candidate.id)
            if live and candidate.status is not CandidateStatus.ACTIVE:
                problems.append(f"candidate {candidate.id}: live proposal but not active")
        return problems

    def _counts_consistent(self) -> list[str]:
        problems = []
        if self._ledger.buckets() != self._ledger.recount():
            problems.append("letting counts differ from a recount")
        for vacancy in self._vacancies.values():
            counted = self._ledger.outcome_of(vacancy.id)
            outcome = None if counted is None else counted.outcome
            if vacancy.status is VacancyStatus.WITHDRAWN and outcome is not None:
                problems.append(f"vacancy {vacancy.id}: withdrawn but counted")
            if vacancy.status is VacancyStatus.PLACED and outcome is not Outcome.PLACED:
                problems.append(f"vacancy {vacancy.id}: placed but not counted as placed")
            if vacancy.id in self._live_by_vacancy and outcome is not Outcome.URGENT:
                problems.append(f"vacancy {vacancy.id}: live proposal not counted as urgent")
        return problems


# --- pure helpers ---------------------------------------------------------------------------


def _same_urgency(current: Urgency | None, new: Urgency) -> bool:
    return (current is not None and current.granted_on == new.granted_on
            and current.category == new.category and current.municipality == new.municipality)


def _is_repeat(previous: Response | None, decision: Decision, reason: str | None) -> bool:
    """A redelivered response: same party, same decision (and for a decline, same reason)."""
    if previous is None or previous.decision is not decision:
        return False
    return decision is Decision.ACCEPTED or previous.reason == reason


def _placement(proposal: Proposal, vacancy: Vacancy, candidate: Candidate, on: date) -> (
    Placement
):
    return Placement(
        id=ids.placement_id(proposal.id), proposal_id=proposal.id, vacancy_id=vacancy.id,
        bag_id=vacancy.bag_id, candidate_id=candidate.id, municipality=vacancy.municipality,
        origin_municipality=candidate.registration_municipality,
        target_group=proposal.category, urgency_granted_on=proposal.urgency_granted_on,
        move_in_date=on,
    )


def _labelled_event(vacancy: Vacancy, decision: LabelDecision, today: date) -> VacancyLabelled:
    return VacancyLabelled(vacancy.id, vacancy.bag_id, vacancy.municipality, decision.labelled,
                           decision.reason, today)


def _more_than_one(kind: str, counts: Counter[str], what: str) -> list[str]:
    return [f"{kind} {key} has {n} {what}" for key, n in sorted(counts.items()) if n > 1]


def _by_key(items: dict) -> dict:
    return {key: asdict(value) for key, value in sorted(items.items())}
