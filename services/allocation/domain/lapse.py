"""When an urgency lapses: after N refusals without a valid reason or N unanswered proposals,
N per category in the agreement (as the Rotterdam region's scheme runs it). Pure functions."""

from __future__ import annotations

from shared.contracts.decline_reasons import CANDIDATE, decline_reasons
from shared.contracts.vocabulary import DecidedBy

from .model import Candidate, CategoryRule

LAPSED_BY_REFUSALS = "refusals"
LAPSED_BY_UNANSWERED = "unanswered"


def is_refusal_without_valid_reason(party: DecidedBy, reason: str) -> bool:
    """A decline by the candidate's side whose code the shared list does not mark `valid`
    (shared/contracts/decline_reasons.json); a code it does not know (an old free-text decline
    replayed) counts, as every candidate decline did before the list."""
    if party is not DecidedBy.CANDIDATE:
        return False
    entry = decline_reasons().find(CANDIDATE, reason)
    return entry is None or not entry.valid


def lapse_reason(candidate: Candidate, rule: CategoryRule | None) -> str | None:
    """The reason the candidate's urgency lapses now, or None while it holds."""
    if rule is None:
        return None
    if rule.lapse_after_refusals and candidate.refusals >= rule.lapse_after_refusals:
        return LAPSED_BY_REFUSALS
    if rule.lapse_after_unanswered and candidate.unanswered >= rule.lapse_after_unanswered:
        return LAPSED_BY_UNANSWERED
    return None
