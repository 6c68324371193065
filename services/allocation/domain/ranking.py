"""Ranking of eligible candidates for one vacancy.

The score is a weighted sum of components, each its own function in natural units:

- `category`: priority of the urgency category in the agreement's order; the first of N
  categories scores N, the last 1 (a category outside the order scores 0).
- `waiting`: days since the urgency was granted.
- `preference`: 1 if the candidate prefers the destination, 0.5 if the candidate stated no
  preference (indifferent, so likely to accept), 0 if the candidate prefers elsewhere.
- `balance`: the fair-share balance between origin (registration municipality) and
  destination, in [-1, 1]. A candidate from a municipality that is *ahead* of its fair share
  (it has housed more urgent households than its pace asks, so it is over-served) scores
  positive when placed elsewhere: that municipality did its part and its remaining candidates
  spread over the region. A candidate from a municipality *behind* its share scores negative
  elsewhere: the own municipality should house it first, before a neighbour carries it.
  A local candidate (origin = destination) scores 0: the placement moves no load.

With the default weights one category step outweighs 100 days of waiting, and an urgency is
usually valid for three months, so the category order dominates as verordeningen intend.
Ties are broken by candidate id, so the ranking is deterministic.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import date

from shared.contracts.vocabulary import TargetGroup

from .model import Candidate, RankedCandidate, Vacancy


@dataclass(frozen=True)
class ScoreWeights:
    category: float = 100.0
    waiting: float = 1.0
    preference: float = 30.0
    balance: float = 20.0


@dataclass(frozen=True)
class RankingContext:
    today: date
    categories: Sequence[TargetGroup]  # highest priority first
    surplus: Mapping[str, float]  # municipality -> how far ahead of its pace, in [-1, 1]


def category_priority(candidate: Candidate, categories: Sequence[TargetGroup]) -> float:
    if candidate.urgency is None or candidate.urgency.category not in categories:
        return 0.0
    return float(len(categories) - categories.index(candidate.urgency.category))


def waiting_days(candidate: Candidate, today: date) -> float:
    if candidate.urgency is None:
        return 0.0
    return float(max(0, (today - candidate.urgency.granted_on).days))


def preference(candidate: Candidate, destination: str) -> float:
    if destination in candidate.preferred_municipalities:
        return 1.0
    return 0.5 if not candidate.preferred_municipalities else 0.0


def balance(candidate: Candidate, destination: str, surplus: Mapping[str, float]) -> float:
    origin = candidate.registration_municipality
    if origin == destination:
        return 0.0
    return max(-1.0, min(1.0, surplus.get(origin, 0.0)))


def components(candidate: Candidate, vacancy: Vacancy, ctx: RankingContext) -> dict[str, float]:
    return {
        "category": category_priority(candidate, ctx.categories),
        "waiting": waiting_days(candidate, ctx.today),
        "preference": preference(candidate, vacancy.municipality),
        "balance": round(balance(candidate, vacancy.municipality, ctx.surplus), 6),
    }


def score(parts: Mapping[str, float], weights: ScoreWeights) -> float:
    total = sum(getattr(weights, name) * value for name, value in parts.items())
    return _rounded(total)


def _rounded(total: float) -> float:
    # Rounded so that float noise cannot reorder candidates between runs or machines.
    return round(total, 6)


def rank(
    candidates: Iterable[Candidate], vacancy: Vacancy, ctx: RankingContext, weights: ScoreWeights
) -> list[RankedCandidate]:
    """Best first; equal scores are ordered by candidate id."""
    factors = asdict(weights)  # looked up once, not per candidate
    ranked = []
    for candidate in candidates:
        parts = components(candidate, vacancy, ctx)
        total = _rounded(sum(factors[name] * value for name, value in parts.items()))
        ranked.append(RankedCandidate(candidate.id, total, parts))
    return sorted(ranked, key=lambda r: (-r.score, r.candidate_id))


def top(
    candidates: Iterable[Candidate], vacancy: Vacancy, ctx: RankingContext,
    weights: ScoreWeights, n: int,
) -> list[RankedCandidate]:
    """`rank(...)[:n]` without building and sorting every candidate's entry: the score is
    computed inline (the same components, summed in the same order as `rank` does, so the
    same float), and the components are built only for the n kept (a unit test holds this
    against `rank`)."""
    if n <= 0:
        return []
    factors = asdict(weights)
    if heads_suffice(weights):
        candidates = _bucket_heads(candidates, n, ctx.today)
    w_category, w_waiting = factors["category"], factors["waiting"]
    w_preference, w_balance = factors["preference"], factors["balance"]
    categories, today, destination = ctx.categories, ctx.today, vacancy.municipality
    priority_of = len(categories)
    balance_of: dict[str, float] = {}  # origin -> rounded balance component
    keyed = []
    for candidate in candidates:
        urgency = candidate.urgency
        if urgency is None:
            category = waiting = 0.0
        else:
            category = (float(priority_of - categories.index(urgency.category))
                        if urgency.category in categories else 0.0)
            waiting = float(max(0, (today - urgency.granted_on).days))
        preferred = candidate.preferred_municipalities
        if destination in preferred:
            liked = 1.0
        else:
            liked = 0.5 if not preferred else 0.0
        origin = candidate.registration_municipality
        moved = balance_of.get(origin)
        if moved is None:
            moved = balance_of[origin] = round(balance(candidate, destination, ctx.surplus), 6)
        total = _rounded(sum((w_category * category, w_waiting * waiting,
                              w_preference * liked, w_balance * moved)))
        keyed.append((-total, candidate.id, total, candidate))
    best = heapq.nsmallest(n, keyed, key=_order)
    return [RankedCandidate(candidate.id, total, components(candidate, vacancy, ctx))
            for _, _, total, candidate in best]


# With at least this weight a day's more waiting always raises the score, after the rounding
# to 6 decimals too, so the longest waiting come first among otherwise equal candidates.
_MIN_WAITING_WEIGHT = 1e-3


def heads_suffice(weights: ScoreWeights) -> bool:
    """Whether the top n can be taken from the first n by (the day the waiting counts from,
    id) of every group of candidates equal in category, preferences and origin."""
    return weights.waiting >= _MIN_WAITING_WEIGHT


def _bucket_heads(candidates: Iterable[Candidate], n: int, today: date) -> list[Candidate]:
    """The candidates that can be in the top n: of the candidates with the same urgency
    category, preferences and origin (so the same category, preference and balance
    components), the score only grows with the days waited, and equal days score equal,
    so only the first n by (the day their waiting counts from, id) can make the top n."""
    buckets: dict[tuple, list[tuple]] = {}
    for candidate in candidates:
        urgency = candidate.urgency
        if urgency is None:
            category, since = None, today
        else:
            category, since = urgency.category, min(urgency.granted_on, today)
        key = (category, candidate.preferred_municipalities, candidate.registration_municipality)
        bucket = buckets.get(key)
        if bucket is None:
            buckets[key] = [(since, candidate.id, candidate)]
        else:
            bucket.append((since, candidate.id, candidate))
    heads = []
    for bucket in buckets.values():  # ids are unique: the tuples never compare candidates
        first = bucket if len(bucket) <= n else heapq.nsmallest(n, bucket)
        heads.extend(candidate for _, _, candidate in first)
    return heads


def _order(item: tuple) -> tuple:
    return item[0], item[1]  # score descending, then candidate id
