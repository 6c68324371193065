"""Hard constraints: a proposal never breaks one of these.

Every rule has the same shape, `rule(candidate, vacancy, context) -> str | None`: None when the
candidate passes, otherwise the name of the exclusion. The names end up in the proposal's
explanation, so "why not this client?" is answered by them.
"""

from __future__ import annotations

from bisect import bisect_right, insort
from collections.abc import Callable, Iterable, Mapping, Set
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from functools import cached_property

from shared.contracts.vocabulary import Accessibility, IncomeClass, TargetGroup

from .limits import YEARLY_LIMITS, IncomeLimits, YearlyLimits
from .model import Candidate, MunicipalityRef, Vacancy


class Exclusion(StrEnum):
    NO_URGENCY = "no-urgency"
    URGENCY_EXPIRED = "urgency-expired"
    CATEGORY_NOT_IN_AGREEMENT = "category-not-in-agreement"
    PARKED = "parked"
    HAS_OPEN_PROPOSAL = "has-open-proposal"
    ALREADY_PROPOSED = "already-proposed-for-vacancy"
    NOT_YET_AVAILABLE = "not-yet-available"
    EXCLUDED_MUNICIPALITY = "excluded-municipality"
    OUTSIDE_REGION = "outside-region-binding"
    CARE_NOT_COVERED = "care-not-covered"
    RENT_ABOVE_CAP = "rent-above-cap"
    INCOME_ABOVE_DAEB = "income-above-daeb"
    TOO_FEW_ROOMS = "too-few-rooms"
    ACCESSIBILITY = "accessibility-insufficient"


@dataclass(frozen=True)
class EligibilityContext:
    """What the rules need besides the candidate and the vacancy."""

    today: date
    municipalities: Mapping[str, MunicipalityRef]
    # every year's limits (the date picks one), or one fixed set
    income_limits: YearlyLimits | IncomeLimits = YEARLY_LIMITS
    categories: Set[TargetGroup] | None = None  # the agreement's categories; None: any
    engaged_candidates: Set[str] = frozenset()  # holding an open or accepted proposal
    tried_candidates: Set[str] = frozenset()  # proposed for this vacancy before
    availability_slack_days: int = 0


    @cached_property
    def limits(self) -> IncomeLimits:
        """The limits in force on the day of the decision (`today`)."""
        return self.income_limits.for_date(self.today)


Rule = Callable[[Candidate, Vacancy, EligibilityContext], "str | None"]


# --- urgency and the candidate's own state ------------------------------------------------


def urgency_valid(candidate: Candidate, vacancy: Vacancy, ctx: EligibilityContext) -> str | None:
    urgency = candidate.urgency
    if urgency is None or urgency.granted_on > ctx.today:
        return Exclusion.NO_URGENCY
    if ctx.today > urgency.valid_until:
        return Exclusion.URGENCY_EXPIRED
    return None


def category_in_agreement(
    candidate: Candidate, vacancy: Vacancy, ctx: EligibilityContext
) -> str | None:
    # Priority exists only for the groups the verordening names; an urgency under another
    # category gives no claim under this agreement.
    if ctx.categories is None or candidate.urgency is None:
        return None
    if candidate.urgency.category in ctx.categories:
        return None
    return Exclusion.CATEGORY_NOT_IN_AGREEMENT


def not_parked(candidate: Candidate, vacancy: Vacancy, ctx: EligibilityContext) -> str | None:
    return Exclusion.PARKED if candidate.is_parked_on(ctx.today) else None


def one_open_proposal(
    candidate: Candidate, vacancy: Vacancy, ctx: EligibilityContext
) -> str | None:
    # An accepted proposal awaiting move-in still binds the candidate, so it counts as open.
    return Exclusion.HAS_OPEN_PROPOSAL if candidate.id in ctx.engaged_candidates else None


def not_tried_before(
    candidate: Candidate, vacancy: Vacancy, ctx: EligibilityContext
) -> str | None:
    # After a decline or expiry the vacancy moves on; offering it again to the same candidate
    # would loop.
    return Exclusion.ALREADY_PROPOSED if candidate.id in ctx.tried_candidates else None


def available_in_time(
    candidate: Candidate, vacancy: Vacancy, ctx: EligibilityContext
) -> str | None:
    """The candidate can move in when the dwelling can be let (or today, if that is later)."""
    if candidate.available_from is None:
        return None
    move_in = max(vacancy.available_from, ctx.today)
    latest = move_in + timedelta(days=ctx.availability_slack_days)
    return Exclusion.NOT_YET_AVAILABLE if candidate.available_from > latest else None


# --- where the dwelling lies --------------------------------------------------------------


def not_excluded_municipality(
    candidate: Candidate, vacancy: Vacancy, ctx: EligibilityContext
) -> str | None:
    if vacancy.municipality in candidate.excluded_municipalities:
        return Exclusion.EXCLUDED_MUNICIPALITY
    return None


def within_region_binding(
    candidate: Candidate, vacancy: Vacancy, ctx: EligibilityContext
) -> str | None:
    if candidate.region_binding is None:
        return None
    ref = ctx.municipalities.get(vacancy.municipality)
    # An unknown municipality cannot be shown to lie in the region, so it does not.
    if ref is not None and ref.region == candidate.region_binding:
        return None
    return Exclusion.OUTSIDE_REGION


def care_covered(candidate: Candidate, vacancy: Vacancy, ctx: EligibilityContext) -> str | None:
    needs = candidate.needs
    if not needs.ambulant_support:
        return None
    ref = ctx.municipalities.get(vacancy.municipality)
    providers = ref.care_providers if ref is not None else ()
    if needs.care_provider is None:
        return None if providers else Exclusion.CARE_NOT_COVERED
    return None if needs.care_provider in providers else Exclusion.CARE_NOT_COVERED


# --- the dwelling itself ------------------------------------------------------------------


def rent_within_cap(
    candidate: Candidate, vacancy: Vacancy, ctx: EligibilityContext
) -> str | None:
    """Passend toewijzen: a household with a passend income gets a rent up to the cap."""
    if candidate.income_class is not IncomeClass.PASSEND:
        return None
    cap = ctx.limits.rent_cap(candidate.household_size)
    return Exclusion.RENT_ABOVE_CAP if vacancy.monthly_rent > cap else None


def income_within_daeb(
    candidate: Candidate, vacancy: Vacancy, ctx: EligibilityContext
) -> str | None:
    """A social (DAEB) dwelling is for incomes within the DAEB limit."""
    if candidate.income_class is not IncomeClass.ABOVE_DAEB:
        return None
    social = vacancy.monthly_rent <= ctx.limits.liberalisation_limit
    return Exclusion.INCOME_ABOVE_DAEB if social else None


def minimal_rooms(household_size: int, min_rooms: int | None = None) -> int:
    """A living room plus one bedroom per person or couple.

    Intake does not say who forms a couple, so a household of two or more is read as one
    couple plus one bedroom for each further member; a need assessed by intake (`min_rooms`)
    can only raise this.
    """
    bedrooms = 1 if household_size <= 1 else household_size - 1
    return max(1 + bedrooms, min_rooms or 0)


def enough_rooms(candidate: Candidate, vacancy: Vacancy, ctx: EligibilityContext) -> str | None:
    needed = minimal_rooms(candidate.household_size, candidate.needs.min_rooms)
    return Exclusion.TOO_FEW_ROOMS if vacancy.rooms < needed else None


# Accessibility's own order (geen < nultreden < rollator < rolstoel), looked up once: this
# rule runs for every candidate on every labelled vacancy.
_ACCESS_RANK = {level: level.rank for level in Accessibility}


def accessible_enough(
    candidate: Candidate, vacancy: Vacancy, ctx: EligibilityContext
) -> str | None:
    if _ACCESS_RANK[vacancy.accessibility] >= _ACCESS_RANK[candidate.needs.accessibility]:
        return None
    return Exclusion.ACCESSIBILITY


RULES: tuple[Rule, ...] = (
    urgency_valid,
    category_in_agreement,
    not_parked,
    one_open_proposal,
    not_tried_before,
    available_in_time,
    not_excluded_municipality,
    within_region_binding,
    care_covered,
    rent_within_cap,
    income_within_daeb,
    enough_rooms,
    accessible_enough,
)


def eligibility(candidate: Candidate, vacancy: Vacancy, context: EligibilityContext) -> list[str]:
    """Every rule the candidate fails for this vacancy; empty means eligible."""
    return [reason for rule in RULES if (reason := rule(candidate, vacancy, context)) is not None]


def is_eligible(candidate: Candidate, vacancy: Vacancy, context: EligibilityContext) -> bool:
    return all(rule(candidate, vacancy, context) is None for rule in RULES)


# --- many candidates at once --------------------------------------------------------------

# The rules that read nothing of the candidate but its profile (`profile_key`) and nothing of
# the context but reference data; the rest read the candidate's own state (urgency dates,
# parking, availability) or the proposals, and are asked per candidate.
STATIC_RULES: tuple[Rule, ...] = (
    category_in_agreement,
    not_excluded_municipality,
    within_region_binding,
    care_covered,
    rent_within_cap,
    income_within_daeb,
    enough_rooms,
    accessible_enough,
)
DYNAMIC_RULES: tuple[Rule, ...] = tuple(rule for rule in RULES if rule not in STATIC_RULES)
# The static rules by what they read of the dwelling: where it lies (and the agreement's
# categories), or the dwelling itself.
PLACE_RULES: tuple[Rule, ...] = STATIC_RULES[:4]
DWELLING_RULES: tuple[Rule, ...] = STATIC_RULES[4:]


def profile_key(candidate: Candidate) -> tuple:
    """Everything `STATIC_RULES` read of a candidate: equal keys, equal static verdicts."""
    urgency = candidate.urgency
    return (candidate.household_size, candidate.income_class, candidate.needs,
            candidate.excluded_municipalities, candidate.region_binding,
            None if urgency is None else urgency.category)


class _Profile:
    """One profile key, compared by identity (hashing the key itself calls into Python for
    every enum and for `Needs`, which costs more than the rules it saves)."""

    __slots__ = ("key",)

    def __init__(self, key: tuple):
        self.key = key


_Verdicts = dict[_Profile, tuple[str, ...]]  # profile -> the static rules it fails


class RuleMemo:
    """What the rules remember across assessments, owned by whoever assesses (the Allocator's
    active-candidate index): the profiles interned (`profile_of`), each candidate's profile
    with the objects it was made from, and the static verdicts per place or dwelling and
    profile. Bounded: dropping any of it only costs recomputation or sharing."""

    PROFILES_MAX = 100_000
    SITES_MAX = 20_000
    VERDICTS_MAX = 2_000_000

    __slots__ = ("profiles", "of_candidate", "sites", "verdicts")

    def __init__(self) -> None:
        self.profiles: dict[tuple, _Profile] = {}
        self.of_candidate: dict[str, tuple] = {}  # candidate id -> (its fields..., profile)
        self.sites: dict[tuple, _Verdicts] = {}  # place or dwelling key -> verdicts
        self.verdicts = 0

    def verdicts_for(self, key: tuple) -> _Verdicts:
        verdicts = self.sites.get(key)
        if verdicts is None:
            if len(self.sites) >= self.SITES_MAX or self.verdicts >= self.VERDICTS_MAX:
                self.sites.clear()
                self.verdicts = 0
            verdicts = self.sites[key] = {}
        return verdicts


def profile_of(candidate: Candidate, memo: RuleMemo) -> _Profile:
    """The candidate's profile, remembered in `memo`. The memo is checked against the very
    objects it was made from (all immutable), so a changed profile or urgency makes a new
    one; identity implies equality, so a memo that passes the check is right."""
    known = memo.of_candidate.get(candidate.id)
    urgency = candidate.urgency
    if (known is not None and known[0] is candidate.needs
            and known[1] is candidate.excluded_municipalities
            and known[2] is candidate.household_size and known[3] is candidate.income_class
            and known[4] is candidate.region_binding and known[5] is urgency):
        return known[6]
    key = profile_key(candidate)
    profile = memo.profiles.get(key)
    if profile is None:
        if len(memo.profiles) >= memo.PROFILES_MAX:
            memo.profiles.clear()
            memo.of_candidate.clear()
        profile = memo.profiles[key] = _Profile(key)
    memo.of_candidate[candidate.id] = (
        candidate.needs, candidate.excluded_municipalities, candidate.household_size,
        candidate.income_class, candidate.region_binding, urgency, profile)
    return profile


_NO_URGENCY = str(Exclusion.NO_URGENCY)
_URGENCY_EXPIRED = str(Exclusion.URGENCY_EXPIRED)
_PARKED = str(Exclusion.PARKED)
_HAS_OPEN_PROPOSAL = str(Exclusion.HAS_OPEN_PROPOSAL)
_ALREADY_PROPOSED = str(Exclusion.ALREADY_PROPOSED)
_NOT_YET_AVAILABLE = str(Exclusion.NOT_YET_AVAILABLE)


def place_key(vacancy: Vacancy, context: EligibilityContext) -> tuple:
    """Everything `PLACE_RULES` read of a dwelling and of the context."""
    return ("place", vacancy.municipality, context.municipalities.get(vacancy.municipality),
            context.categories)


def dwelling_key(vacancy: Vacancy, context: EligibilityContext) -> tuple:
    """Everything `DWELLING_RULES` read of a dwelling and of the context; the rent only as
    the rules compare it."""
    limits = context.limits
    rent = vacancy.monthly_rent
    if type(limits) is IncomeLimits:  # rent_cap is one of its two caps
        rent_key: tuple = (rent > limits.rent_cap_small, rent > limits.rent_cap_large,
                           rent <= limits.liberalisation_limit)
    else:
        rent_key = ("rent", rent)
    return ("dwelling", vacancy.rooms, vacancy.accessibility, rent_key, limits)


def _verdict(memo: RuleMemo, verdicts: _Verdicts, profile: _Profile,
             rules_: tuple[Rule, ...], candidate: Candidate, vacancy: Vacancy,
             context: EligibilityContext) -> tuple[str, ...]:
    reasons = verdicts[profile] = tuple(
        str(reason) for rule in rules_
        if (reason := rule(candidate, vacancy, context)) is not None)
    memo.verdicts += 1
    return reasons


class Group:
    """Candidates of one profile (`profile_of`), by id, with what the date rules say of them
    on one day (urgency valid, not parked), remembered until the day or a member changes
    (`changed`, which whoever changes a member's urgency or parking must call). The members
    clean on the day are also kept by preferences and origin, in the order of their grant day
    and id (`eligible_heads`), so that a ranking need not walk them all."""

    __slots__ = ("profile", "members", "_day", "_counts", "_clean", "_available",
                 "_clean_moves", "_queues")

    def __init__(self, profile: _Profile):
        self.profile = profile
        self.members: dict[str, Candidate] = {}
        self._day: date | None = None

    def changed(self) -> None:
        self._day = None

    def added(self, candidate: Candidate) -> None:
        """A new member (already in `members`): classified on its own while the day's
        verdicts are current, so a growing group is not walked again for every newcomer."""
        if self._day is None:
            return
        if self._count(candidate, self._day):
            self._clean[candidate.id] = candidate
            if candidate.available_from is not None:
                insort(self._clean_moves, candidate.available_from)
            if self._queues is not None:
                insort(self._queues.setdefault(_queue_key(candidate), []),
                       _queued(candidate))
        if candidate.available_from is not None:
            insort(self._available, candidate.available_from)

    def eligible_heads(self, n: int, latest: date, engaged: Set[str],
                       tried: Set[str]) -> tuple[int, list[Candidate]]:
        """Of the members clean on the day (`_on` first): how many are eligible (neither
        `engaged` nor `tried`, and available by `latest`), and of those the first `n` per
        (preferences, origin) by (grant day, id), which are all that can rank among the
        best `n` (`ranking.top`, whose buckets these refine: the profile fixes the category)."""
        if self._queues is None:
            self._queues = _queues(self._clean)
        clean = self._clean
        moves = self._clean_moves
        count = len(clean) - (len(moves) - bisect_right(moves, latest))
        blocked = _among(engaged, clean) | _among(tried, clean)
        for candidate_id in blocked:
            moves_on = clean[candidate_id].available_from
            if moves_on is None or moves_on <= latest:
                count -= 1
        heads: list[Candidate] = []
        for queue in self._queues.values():
            taken = 0
            for _, candidate_id, candidate in queue:
                moves_on = candidate.available_from
                if candidate_id in blocked or (moves_on is not None and moves_on > latest):
                    continue
                heads.append(candidate)
                taken += 1
                if taken == n:
                    break
        return count, heads

    def _on(self, today: date) -> None:
        self._counts = [0, 0, 0]  # no urgency, expired, parked
        self._clean = {c.id: c for c in self.members.values() if self._count(c, today)}
        self._clean_moves = sorted(c.available_from for c in self._clean.values()
                                   if c.available_from is not None)
        self._queues = None  # built on first use
        self._available = sorted(candidate.available_from for candidate in self.members.values()
                                 if candidate.available_from is not None)
        self._day = today

    def _count(self, candidate: Candidate, today: date) -> bool:
        """Counts what the date rules exclude the candidate for; True if nothing."""
        ok = True
        urgency = candidate.urgency
        if urgency is None or urgency.granted_on > today:
            self._counts[0] += 1
            ok = False
        elif today > urgency.valid_until:
            self._counts[1] += 1
            ok = False
        parked_until = candidate.parked_until
        if parked_until is not None and today <= parked_until:
            self._counts[2] += 1
            ok = False
        return ok


def _queue_key(candidate: Candidate) -> tuple:
    return candidate.preferred_municipalities, candidate.registration_municipality


def _queued(candidate: Candidate) -> tuple:
    assert candidate.urgency is not None  # clean: a valid urgency
    return candidate.urgency.granted_on, candidate.id, candidate  # ids unique: no tie


def _queues(clean: Mapping[str, Candidate]) -> dict[tuple, list[tuple]]:
    queues: dict[tuple, list[tuple]] = {}
    for candidate in clean.values():
        queues.setdefault(_queue_key(candidate), []).append(_queued(candidate))
    for queue in queues.values():
        queue.sort()
    return queues


def _among(ids: Set[str], members: Mapping[str, object]) -> set[str]:
    """The ids that are members, walking the smaller of the two."""
    if len(ids) <= len(members):
        return {i for i in ids if i in members}
    return {i for i in members if i in ids}


def assess(
    candidates: Iterable[Candidate], vacancy: Vacancy, context: EligibilityContext,
    memo: RuleMemo | None = None,
) -> tuple[list[Candidate], dict[str, int]]:
    """`eligibility` for many candidates at once: the eligible ones and how many candidates
    each rule excluded (a candidate failing several counts under each), sorted by rule name,
    without zero counts. The same as asking `eligibility` candidate by candidate (a unit test
    holds it against that); see `assess_groups`."""
    memo = memo or RuleMemo()
    groups: dict[_Profile, Group] = {}
    active: dict[str, Candidate] = {}
    for candidate in candidates:
        profile = profile_of(candidate, memo)
        group = groups.get(profile)
        if group is None:
            group = groups[profile] = Group(profile)
        group.members[candidate.id] = candidate
        active[candidate.id] = candidate
    return assess_groups(groups.values(), active, vacancy, context, memo)


def assess_groups(
    groups: Iterable[Group], active: Mapping[str, object], vacancy: Vacancy,
    context: EligibilityContext, memo: RuleMemo,
) -> tuple[list[Candidate], dict[str, int]]:
    """`assess` for candidates already grouped by `profile_of` with `memo` (no group empty;
    `active`: keyed by the ids of all their members).

    `STATIC_RULES` are asked once per profile and place (`place_key`) or dwelling
    (`dwelling_key`), on one member, and remembered across calls; they are counted per
    profile. Of `DYNAMIC_RULES`, the date rules (urgency, parking) are asked once per group
    and day (`Group`), availability by bisection of the group's dates, open and earlier
    proposals by intersecting the context's sets with `active`. Only members of groups that
    pass the static rules are looked at one by one, and only those clean on the day. The
    eligible come group by group.
    """
    engaged, tried = context.engaged_candidates, context.tried_candidates
    eligible: list[Candidate] = []
    append = eligible.append

    def take_every(group: Group, latest: date) -> None:
        for candidate_id, candidate in group._clean.items():
            if candidate_id in engaged or candidate_id in tried:
                continue
            moves = candidate.available_from
            if moves is None or moves <= latest:
                append(candidate)

    excluded = _walk(groups, active, vacancy, context, memo, take_every)
    return eligible, excluded


def assess_heads(
    groups: Iterable[Group], active: Mapping[str, object], vacancy: Vacancy,
    context: EligibilityContext, memo: RuleMemo, n: int,
) -> tuple[int, list[Candidate], dict[str, int]]:
    """`assess_groups` for a ranking of the best `n` only: how many are eligible, the
    eligible that can be among the best `n` (`Group.eligible_heads`; `ranking.top` of them is
    `ranking.top` of all eligible when `ranking.heads_suffice`), and the same exclusion
    counts. The eligible are counted, not walked one by one."""
    engaged, tried = context.engaged_candidates, context.tried_candidates
    heads: list[Candidate] = []
    count = 0

    def take_heads(group: Group, latest: date) -> None:
        nonlocal count
        found, first = group.eligible_heads(n, latest, engaged, tried)
        count += found
        heads.extend(first)

    excluded = _walk(groups, active, vacancy, context, memo, take_heads)
    return count, heads, excluded


def _walk(groups: Iterable[Group], active: Mapping[str, object], vacancy: Vacancy,
          context: EligibilityContext, memo: RuleMemo,
          take: Callable[[Group, date], None]) -> dict[str, int]:
    """Counts what excludes whom, group by group; `take(group, latest)` for every group
    that passes the static rules, after its day's verdicts are current."""
    today = context.today
    engaged = context.engaged_candidates
    tried = context.tried_candidates
    latest = max(vacancy.available_from, today) + timedelta(
        days=context.availability_slack_days)
    at_place = memo.verdicts_for(place_key(vacancy, context))
    in_dwelling = memo.verdicts_for(dwelling_key(vacancy, context))
    excluded: dict[str, int] = {}
    no_urgency = expired = parked = late = 0
    for group in groups:
        profile = group.profile
        place = at_place.get(profile)
        if place is None:
            place = _verdict(memo, at_place, profile, PLACE_RULES,
                             next(iter(group.members.values())), vacancy, context)
        dwelling = in_dwelling.get(profile)
        if dwelling is None:
            dwelling = _verdict(memo, in_dwelling, profile, DWELLING_RULES,
                                next(iter(group.members.values())), vacancy, context)
        reasons = place + dwelling if place and dwelling else place or dwelling
        if group._day != today:
            group._on(today)
        counts = group._counts
        no_urgency += counts[0]
        expired += counts[1]
        parked += counts[2]
        available = group._available
        if available:
            late += len(available) - bisect_right(available, latest)
        if reasons:
            n = len(group.members)
            for reason in reasons:
                excluded[reason] = excluded.get(reason, 0) + n
            continue
        take(group, latest)
    engaged_n = len(active.keys() & engaged)
    tried_n = len(active.keys() & tried) if tried else 0
    for reason, n in ((_NO_URGENCY, no_urgency), (_URGENCY_EXPIRED, expired),
                      (_PARKED, parked), (_HAS_OPEN_PROPOSAL, engaged_n),
                      (_ALREADY_PROPOSED, tried_n), (_NOT_YET_AVAILABLE, late)):
        if n:
            excluded[reason] = n
    return dict(sorted(excluded.items()))
