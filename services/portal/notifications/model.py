"""What waits for whom: notices derived from the events the portal consumes (pure Python).

A notice names an organisation and the roles within it, what waits (in Dutch), a link into
the portal and a reference (a proposal id or a candidate's pseudonymous id), never a person.
A later event settles it: the proposal answered, the urgency decided.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from shared.contracts.events import (
    CandidateErased,
    CandidateProposed,
    CandidateRegistered,
    CandidateWithdrawn,
    Event,
    ProposalAccepted,
    ProposalDeclined,
    ProposalExpired,
    ProposalStalled,
    UrgencyGranted,
    UrgencyRefused,
)
from shared.contracts.vocabulary import Role


class Kind(StrEnum):
    PROPOSAL_TO_ANSWER = "proposal-to-answer"
    DECISION_TO_TAKE = "decision-to-take"
    STALLED_PROPOSAL = "stalled-proposal"


TEXTS = {
    Kind.PROPOSAL_TO_ANSWER: ("Een voorstel wacht op uw antwoord", "/corporatie/voorstellen"),
    Kind.DECISION_TO_TAKE: ("Een urgentieaanvraag wacht op uw besluit", "/gemeente/urgentie"),
    Kind.STALLED_PROPOSAL: ("Een voorstel staat stil: beantwoord het of laat het verlopen",
                            "/corporatie/voorstellen"),
}


@dataclass(frozen=True)
class Notice:
    kind: Kind
    ref: str  # proposal id or candidate pseudonym: never personal data
    org: str
    roles: tuple[Role, ...]

    @property
    def text(self) -> str:
        return TEXTS[self.kind][0]

    @property
    def link(self) -> str:
        return TEXTS[self.kind][1]


@dataclass(frozen=True)
class Settles:
    """The notices of these kinds about `ref` are done."""

    kinds: tuple[Kind, ...]
    ref: str


def notices_for(event: Event, corporation_of_proposal: str | None = None) -> list[Notice]:
    """The notices an event raises; `corporation_of_proposal` for alerts that lack it."""
    if isinstance(event, CandidateProposed):
        return [Notice(Kind.PROPOSAL_TO_ANSWER, event.proposal_id, event.corporation,
                       (Role.CORPORATION,))]
    if isinstance(event, CandidateRegistered):
        return [Notice(Kind.DECISION_TO_TAKE, event.candidate_id,
                       event.profile.registration_municipality, (Role.MUNICIPALITY,))]
    if isinstance(event, ProposalStalled) and corporation_of_proposal:
        return [Notice(Kind.STALLED_PROPOSAL, event.proposal_id, corporation_of_proposal,
                       (Role.CORPORATION,))]
    return []


def settled_by(event: Event) -> Settles | None:
    proposal_done = (Kind.PROPOSAL_TO_ANSWER, Kind.STALLED_PROPOSAL)
    if isinstance(event, (ProposalAccepted, ProposalDeclined, ProposalExpired)):
        return Settles(proposal_done, event.proposal_id)
    if isinstance(event, (UrgencyGranted, UrgencyRefused, CandidateWithdrawn, CandidateErased)):
        return Settles((Kind.DECISION_TO_TAKE,), event.candidate_id)
    return None
