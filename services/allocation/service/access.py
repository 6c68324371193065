"""Who sees which proposal or placement, and who may answer for whom. Pure functions.

- corporation: its own dwellings (it answers for the corporation and reports the move-in);
- care provider / care office: candidates it registered or is the care provider of (it
  answers for the candidate);
- municipality: candidates registered in it and dwellings in it, read-only;
- province and admin: everything, read-only.
Organisations are compared case-insensitively: a candidate's care provider is typed by the
registering organisation, while token organisations are issued by ops.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from shared.auth import Caller
from shared.contracts.vocabulary import DecidedBy, Role

CANDIDATE_SIDE = (Role.CARE_PROVIDER, Role.CARE_OFFICE)


class Parties(Protocol):
    """What a proposal or placement row says about the parties involved."""

    corporation: str
    municipality: str
    origin_municipality: str
    registered_by: str
    care_provider: str | None


@dataclass(frozen=True)
class CandidateParties:
    """The parties of a candidate, for an assessment (no proposal row exists for it)."""

    registered_by: str
    care_provider: str | None
    origin_municipality: str

    @classmethod
    def of(cls, candidate) -> "CandidateParties":
        return cls(candidate.registered_by, candidate.needs.care_provider,
                   candidate.registration_municipality)


@dataclass(frozen=True)
class Audience:
    """What one caller may read; a field set means "rows where this matches" (ORed)."""

    everything: bool = False
    corporation: str | None = None  # the dwelling's corporation
    organisation: str | None = None  # registering organisation or care provider
    municipality: str | None = None  # destination or origin municipality

    def sees(self, row: Parties) -> bool:
        if self.everything:
            return True
        return any((
            self.corporation is not None and _same(row.corporation, self.corporation),
            self.organisation is not None and (
                _same(row.registered_by, self.organisation)
                or _same(row.care_provider, self.organisation)),
            self.municipality is not None and self.municipality in (
                row.municipality, row.origin_municipality),
        ))


def audience_of(caller: Caller) -> Audience:
    if caller.role in (Role.PROVINCE, Role.ADMIN):
        return Audience(everything=True)
    if caller.role is Role.CORPORATION:
        return Audience(corporation=caller.org)
    if caller.role in CANDIDATE_SIDE:
        return Audience(organisation=caller.org)
    if caller.role is Role.MUNICIPALITY:
        return Audience(municipality=caller.org)
    return Audience()


def may_answer_for(caller: Caller, party: DecidedBy, row: Parties) -> bool:
    """The dwelling's corporation answers for the corporation; the candidate's registering
    organisation or care provider answers for the candidate."""
    if party is DecidedBy.CORPORATION:
        return caller.role is Role.CORPORATION and _same(row.corporation, caller.org)
    return caller.role in CANDIDATE_SIDE and (
        _same(row.registered_by, caller.org) or _same(row.care_provider, caller.org))


def is_party(caller: Caller, row: Parties) -> bool:
    """The proposal's parties: the side answering for the dwelling and the one answering for
    the candidate. Only they read the notes given with a decline."""
    return any(may_answer_for(caller, party, row) for party in DecidedBy)


def may_report_move_in(caller: Caller, row: Parties) -> bool:
    """The landlord hands over the keys, so the dwelling's corporation reports the move-in."""
    return caller.role is Role.CORPORATION and _same(row.corporation, caller.org)


def may_read_assessment(caller: Caller, corporation: str, candidate: Parties) -> bool:
    """The vacancy's corporation, the candidate's registering organisation, care provider or
    registration municipality; the province and admin."""
    if caller.role in (Role.PROVINCE, Role.ADMIN):
        return True
    if caller.role is Role.CORPORATION:
        return _same(corporation, caller.org)
    if caller.role in CANDIDATE_SIDE:
        return _same(candidate.registered_by, caller.org) or _same(candidate.care_provider,
                                                                    caller.org)
    if caller.role is Role.MUNICIPALITY:
        return candidate.origin_municipality == caller.org
    return False


def cancelling_party(caller: Caller, row: Parties) -> DecidedBy | None:
    """Who undoes an accepted proposal: the dwelling's corporation, or the candidate's care
    provider (or registering organisation); None for anyone else."""
    for party in (DecidedBy.CORPORATION, DecidedBy.CANDIDATE):
        if may_answer_for(caller, party, row):
            return party
    return None


def _same(a: str | None, b: str) -> bool:
    return a is not None and a.casefold() == b.casefold()
