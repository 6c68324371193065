"""The bulk assessment (`rules.assess`, `ranking.top`, `Allocator._assess`) gives exactly what
asking `rules.eligibility` and `ranking.rank` candidate by candidate gives: the same eligible
candidates, the same exclusion counts, the same ranked top with the same scores, including
after profiles, urgencies and parking change between two assessments (the profile memo)."""

from collections import Counter
from dataclasses import replace
from datetime import date, timedelta

from allocation_builders import (
    GRONINGEN,
    HET_HOGELAND,
    OLDAMBT,
    PEKELA,
    TODAY,
    WESTERKWARTIER,
    allocator,
    context,
    vacancy,
)
from hypothesis import given, settings
from hypothesis import strategies as st

from services.allocation.domain import Candidate, Needs, Urgency, ranking, rules
from services.allocation.domain.model import CandidateStatus
from shared.contracts.vocabulary import Accessibility, IncomeClass, TargetGroup

CODES = (GRONINGEN, WESTERKWARTIER, HET_HOGELAND, OLDAMBT, PEKELA, "GM9999")  # one unknown
DAYS = st.integers(-120, 120).map(lambda n: TODAY + timedelta(days=n))

needs_ = st.builds(
    Needs,
    accessibility=st.sampled_from(list(Accessibility)),
    min_rooms=st.none() | st.integers(1, 5),
    ambulant_support=st.booleans(),
    care_provider=st.none() | st.sampled_from(["lentis", "cosis", "leger-des-heils", "x"]),
)
urgency_ = st.none() | st.builds(
    Urgency, category=st.sampled_from(list(TargetGroup)), granted_on=DAYS, valid_until=DAYS,
    municipality=st.just(GRONINGEN))
profile_ = st.fixed_dictionaries({
    "household_size": st.integers(1, 6),
    "income_class": st.sampled_from(list(IncomeClass)),
    "needs": needs_,
    "excluded_municipalities": st.lists(st.sampled_from(CODES), max_size=2).map(tuple),
    "region_binding": st.none() | st.sampled_from(["Groningen-Assen", "Oost-Groningen"]),
    "registration_municipality": st.sampled_from(CODES),
    "preferred_municipalities": st.lists(st.sampled_from(CODES), max_size=2).map(tuple),
    "available_from": st.none() | DAYS,
})


@st.composite
def pools(draw, max_size=30):
    # Few distinct profiles, reused, so that candidates share profile groups.
    profiles = draw(st.lists(profile_, min_size=1, max_size=5))
    n = draw(st.integers(0, max_size))
    pool = []
    for i in range(n):
        profile = draw(st.sampled_from(profiles))
        pool.append(Candidate(
            id=f"c{i:03d}", target_group=TargetGroup.BESCHERMD_WONEN, registered_by="lentis",
            urgency=draw(urgency_), parked_until=draw(st.none() | DAYS), **profile))
    return pool


vacancies = st.builds(
    lambda municipality, rooms, rent, access, available: vacancy(
        municipality=municipality, rooms=rooms, monthly_rent=rent, accessibility=access,
        available_from=available),
    st.sampled_from(CODES), st.integers(1, 6),
    st.sampled_from([400.0, 620.0, 700.0, 750.0, 900.0, 1200.0]),
    st.sampled_from(list(Accessibility)), DAYS)


@st.composite
def contexts(draw, pool):
    ids = [c.id for c in pool]
    subset = st.lists(st.sampled_from(ids), max_size=5).map(frozenset) if ids \
        else st.just(frozenset())
    categories = draw(st.none() | st.lists(st.sampled_from(list(TargetGroup)), min_size=1,
                                           max_size=4).map(frozenset))
    return context(today=draw(DAYS), categories=categories, engaged_candidates=draw(subset),
                   tried_candidates=draw(subset),
                   availability_slack_days=draw(st.integers(0, 30)))


def reference(pool, vac, ctx):
    eligible, excluded = [], Counter()
    for candidate in pool:
        reasons = rules.eligibility(candidate, vac, ctx)
        if reasons:
            excluded.update(str(reason) for reason in reasons)
        else:
            eligible.append(candidate)
    return eligible, dict(sorted(excluded.items()))


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_bulk_eligibility_equals_candidate_by_candidate(data):
    pool = data.draw(pools())
    for _ in range(3):  # again after changes, so stale profile memos would show
        vac = data.draw(vacancies)
        ctx = data.draw(contexts(pool))
        eligible, excluded = rules.assess(pool, vac, ctx)
        expected_eligible, expected_excluded = reference(pool, vac, ctx)
        # the same candidates; their order (group by group) does not matter to the ranking
        assert sorted(c.id for c in eligible) == [c.id for c in expected_eligible]
        assert excluded == expected_excluded
        assert all(type(key) is str for key in excluded)
        for candidate in data.draw(st.lists(st.sampled_from(pool), max_size=4)) if pool else []:
            change = data.draw(st.sampled_from(["profile", "urgency", "parked"]))
            if change == "profile":
                for name, value in data.draw(profile_).items():
                    setattr(candidate, name, value)
            elif change == "urgency":
                candidate.urgency = data.draw(urgency_)
            else:
                candidate.parked_until = data.draw(st.none() | DAYS)


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_ranking_top_equals_the_head_of_the_full_ranking(data):
    pool = data.draw(pools(max_size=40))
    vac = data.draw(vacancies)
    order = tuple(data.draw(st.lists(st.sampled_from(list(TargetGroup)), unique=True,
                                     max_size=5)))
    surplus = data.draw(st.dictionaries(st.sampled_from(CODES),
                                        st.floats(-3, 3, allow_nan=False)))
    weights = data.draw(st.builds(ranking.ScoreWeights, *(st.sampled_from(
        [0.0, 1.0, 0.3, 20.0, 30.0, 100.0, 1 / 3]) for _ in range(4))))
    ctx = ranking.RankingContext(data.draw(DAYS), order, surplus)
    n = data.draw(st.integers(0, 45))
    assert ranking.top(pool, vac, ctx, weights, n) == ranking.rank(pool, vac, ctx, weights)[:n]


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_the_heads_of_the_eligible_rank_as_all_the_eligible_do(data):
    """`rules.assess_heads` counts the eligible and takes only those that can rank among the
    best n: its count and exclusions equal the plain rules', and `ranking.top` of its heads
    equals the head of the full ranking, with candidates engaged or tried before, and with
    newcomers filed into groups whose verdicts for the day are already current."""
    memo = rules.RuleMemo()
    groups: dict = {}
    active: dict = {}

    def file(candidate):
        group = groups.setdefault(rules.profile_of(candidate, memo),
                                  rules.Group(rules.profile_of(candidate, memo)))
        group.members[candidate.id] = candidate
        active[candidate.id] = candidate
        return group

    for candidate in data.draw(pools(max_size=40)):
        file(candidate)
    other = st.sampled_from([0.0, 1.0, 20.0, 30.0, 100.0, 1 / 3])
    weights = data.draw(st.builds(ranking.ScoreWeights, category=other, preference=other,
                                  balance=other, waiting=st.sampled_from([1.0, 0.3, 1 / 3])))
    today, vac = data.draw(DAYS), data.draw(vacancies)
    for round_ in range(5):
        pool = list(active.values())
        vac = data.draw(st.just(vac) | vacancies)
        today = data.draw(st.just(today) | st.just(today + timedelta(days=1)) | DAYS)
        ctx = replace(data.draw(contexts(pool)), today=today)
        n = data.draw(st.integers(1, 6))
        count, heads, excluded = rules.assess_heads(groups.values(), active, vac, ctx, memo, n)
        eligible, expected_excluded = reference(pool, vac, ctx)
        assert count == len(eligible)
        assert excluded == expected_excluded
        order = tuple(data.draw(st.lists(st.sampled_from(list(TargetGroup)), unique=True,
                                         max_size=3)))
        rank_ctx = ranking.RankingContext(today, order, data.draw(st.dictionaries(
            st.sampled_from(CODES), st.floats(-3, 3, allow_nan=False))))
        assert ranking.heads_suffice(weights)
        assert (ranking.top(heads, vac, rank_ctx, weights, n)
                == ranking.rank(eligible, vac, rank_ctx, weights)[:n])
        for i, twin in enumerate(data.draw(st.lists(st.sampled_from(pool), min_size=1,
                                                    max_size=4)) if pool else []):
            # a twin's profile: into a group whose verdicts for the day may be current
            urgency = twin.urgency and replace(
                twin.urgency, granted_on=today - timedelta(days=data.draw(st.integers(0, 9))),
                valid_until=today + timedelta(days=30))
            newcomer = replace(twin, id=f"r{round_}-{i}", urgency=urgency, parked_until=None,
                               available_from=data.draw(st.none() | DAYS))
            file(newcomer).added(newcomer)


def test_a_profile_change_after_an_assessment_is_seen():
    base = Candidate("c1", 1, IncomeClass.PASSEND, TargetGroup.BESCHERMD_WONEN, GRONINGEN,
                     "lentis", urgency=Urgency(TargetGroup.BESCHERMD_WONEN, date(2026, 1, 5),
                                               date(2026, 12, 31)))
    twin = replace(base, id="c2")
    vac = vacancy(rooms=2)
    assert sorted(c.id for c in rules.assess([base, twin], vac, context())[0]) == ["c1", "c2"]
    base.household_size = 4  # needs 4 rooms now
    eligible, excluded = rules.assess([base, twin], vac, context())
    assert [c.id for c in eligible] == ["c2"]
    assert excluded == {"too-few-rooms": 1}


def check_assessment(alloc, vac, today):
    agreement_ = alloc.agreement_on(today)
    got = alloc._assess(vac, today, agreement_)
    ctx = alloc._eligibility_context(vac, today, agreement_)
    active = [c for c in alloc._candidates.values() if c.status is CandidateStatus.ACTIVE]
    eligible, excluded = reference(active, vac, ctx)
    rank_ctx = ranking.RankingContext(
        today, agreement_.category_order if agreement_ else (),
        alloc._surpluses(agreement_, {c.registration_municipality for c in eligible}))
    ranked = ranking.rank(eligible, vac, rank_ctx, alloc.policy.weights)
    top_n = alloc.policy.explanation_top_n
    assert got.eligible_count == len(ranked)
    assert got.excluded == excluded
    assert got.ranked[:top_n] == ranked[:top_n]
    if ranked:
        assert got.ranked[0] == ranked[0]


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_allocator_assessment_equals_the_plain_rules_and_ranking(data):
    pool = data.draw(pools(max_size=25))
    alloc = allocator(*pool, explanation_top_n=data.draw(st.integers(-2, 7)))
    for candidate in data.draw(st.lists(st.sampled_from(pool), max_size=3)) if pool else []:
        alloc.candidate(candidate.id).status = data.draw(st.sampled_from(
            [CandidateStatus.WITHDRAWN, CandidateStatus.PLACED]))  # before the index exists
    for round_ in range(4):
        check_assessment(alloc, data.draw(vacancies), data.draw(DAYS))
        # the commands that change candidates, between two assessments
        for _ in range(data.draw(st.integers(0, 4))):
            command = data.draw(st.sampled_from(["new", "profile", "grant", "expire",
                                                 "withdraw"]))
            known = sorted(alloc._candidates)
            if command == "new" or not known:
                fresh = data.draw(pools(max_size=1))
                for candidate in fresh:
                    alloc.upsert_candidate(replace(candidate, id=f"n{round_}-{len(known)}"))
                continue
            target = data.draw(st.sampled_from(known))
            if command == "profile":
                alloc.upsert_candidate(replace(alloc.candidate(target), **data.draw(profile_)))
            elif command == "grant":
                alloc.grant_urgency(target, data.draw(urgency_.filter(bool)))
            elif command == "expire":
                alloc.expire_urgency(target, data.draw(DAYS))
            else:
                alloc.withdraw_candidate(target, data.draw(DAYS))
