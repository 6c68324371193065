"""An Allocator rebuilt from its own recorded decisions instead of deciding again.

Replaying the inputs into an `Allocator` re-derives every label and proposal: right, but each
decision weighs the whole candidate pool again. Allocation's own topic already holds the
decisions it made (`VacancyLabelled`, `CandidateProposed` with the explanation), so a rebuild
can apply the inputs as commands, as usual, and take the decisions as recorded: the result
is the same state, at the cost of bookkeeping alone. The input commands never decide here
(no label, no next proposal after a decline or an expiry); `follow_label` and
`follow_proposal` apply the recorded decision where it appears in the log, right after the
input that caused it.
"""

from __future__ import annotations

from datetime import date

from shared.contracts.vocabulary import TargetGroup

from .allocator import Allocator, Events
from .counting import Outcome
from .model import Explanation, Proposal, Vacancy, VacancyStatus


class FollowingAllocator(Allocator):
    def _decide_label(self, vacancy: Vacancy, today: date) -> Events:
        return []  # the recorded label follows

    def _propose_next(self, vacancy: Vacancy, today: date) -> Events:
        return []  # the recorded proposal (or release) follows

    def follow_label(self, vacancy_id: str, labelled: bool, reason: str, on: date) -> None:
        """A recorded `VacancyLabelled`: the first decision on the vacancy, or its release to
        a regular seeker when no eligible candidate was left."""
        vacancy = self._vacancies.get(vacancy_id)
        if vacancy is None or vacancy.status is not VacancyStatus.OPEN:
            return
        if vacancy.decided_on is None:
            vacancy.decided_on = on
        vacancy.labelled, vacancy.label_reason = labelled, reason
        outcome = Outcome.URGENT if labelled else Outcome.REGULAR
        self._ledger.record(vacancy.id, vacancy.municipality, outcome, on)

    def follow_proposal(self, proposal_id: str, vacancy_id: str, candidate_id: str,
                        category: TargetGroup, proposed_on: date, expires_on: date,
                        explanation: Explanation) -> None:
        """A recorded `CandidateProposed`; a repeated one changes nothing."""
        if proposal_id in self._proposals:
            return
        candidate = self._candidate(candidate_id)
        attempts = self._attempts.get(vacancy_id, ())
        granted_on = candidate.urgency.granted_on if candidate.urgency else proposed_on
        proposal = Proposal(id=proposal_id, vacancy_id=vacancy_id, candidate_id=candidate_id,
                            attempt=len(attempts) + 1, category=category,
                            urgency_granted_on=granted_on, proposed_on=proposed_on,
                            expires_on=expires_on, explanation=explanation)
        self._proposals[proposal.id] = proposal
        self._attempts[vacancy_id] = (*attempts, proposal.id)
        self._live_by_vacancy[vacancy_id] = proposal.id
        self._live_by_candidate[candidate_id] = proposal.id
