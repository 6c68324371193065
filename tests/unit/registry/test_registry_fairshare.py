"""Fair-share targets: unit tests and hypothesis properties."""

from __future__ import annotations

import math
import random
from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from services.registry.domain.fairshare import (
    FairShareError,
    KeyWeights,
    MunicipalityInput,
    compute_targets,
    inputs_from_mapping,
    period_years,
    round_half_up,
)
from services.registry.domain.reference import default_reference_data
from shared.contracts.events import MunicipalityTarget

POP_ONLY = {"population": 1.0, "socialStock": 0.0, "lettings": 0.0}


def m(code: str, population: int = 0, stock: int = 0, lettings: float = 0) -> MunicipalityInput:
    return MunicipalityInput(code, population, stock, lettings)


# --- rounding and keys ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "p, expected, total",
    [(0.15, 10, 2), (0.125, 20, 3), (0.27, 1000, 270), (0.5, 3, 2), (0.0, 999, 0),
     (1.0, 7, 7), (0.1, 4, 0), (0.35, 10, 4)],
)
def test_scope_total_rounds_half_up_on_decimal_values(p, expected, total):
    result = compute_targets([m("GM0001", 1)], POP_ONLY, p, expected_lettings=expected)
    assert result.scope_total == total
    assert result.rounding == "half-up"


def test_round_half_up():
    assert [round_half_up(x) for x in (0, 0.49, 0.5, 1.5, 2.5, 2.4999)] == [0, 0, 1, 2, 3, 2]


def test_hand_computed_example_with_breakdown():
    # population 600/300/100, stock 100/300/600, lettings 50/50/0; weights 0.5/0.3/0.2
    munis = [m("GM0001", 600, 100, 50), m("GM0002", 300, 300, 50), m("GM0003", 100, 600, 0)]
    weights = {"population": 0.5, "socialStock": 0.3, "lettings": 0.2}
    result = compute_targets(munis, weights, 0.27, expected_lettings=100,
                             carry_over={"GM0003": 2})
    # keys: 0.5*0.6+0.3*0.1+0.2*0.5 = 0.43; 0.15+0.09+0.1 = 0.34; 0.05+0.18+0 = 0.23
    by = result.by_code()
    assert [round(by[c].key, 12) for c in ("GM0001", "GM0002", "GM0003")] == [0.43, 0.34, 0.23]
    assert result.scope_total == 27
    # quotas 11.61, 9.18, 6.21 -> floors 11, 9, 6 (26); the one unit goes to the largest
    # remainder 0.61 (GM0001)
    assert [by[c].floor for c in ("GM0001", "GM0002", "GM0003")] == [11, 9, 6]
    assert by["GM0001"].got_extra_unit and by["GM0001"].remainder_rank == 1
    assert [by[c].base_target for c in ("GM0001", "GM0002", "GM0003")] == [12, 9, 6]
    assert by["GM0003"].carry_over == 2 and by["GM0003"].target == 8
    assert result.total_base_target == 27 and result.total_target == 29
    assert result.remaining_units == 1
    # expected lettings follow the lettings share (50/50/0)
    assert [by[c].expected_lettings for c in ("GM0001", "GM0002", "GM0003")] == [50, 50, 0]
    assert result.expected_lettings_basis == "lettings"
    assert by["GM0001"].cap_lettings == 25 and not by["GM0001"].exceeds_cap
    assert by["GM0003"].exceeds_cap  # 8 urgent targets but no expected lettings


def test_ties_go_to_larger_key_then_lower_code():
    # equal keys and remainders: 10 / 3 = 3.33 each -> the one unit goes to the lowest code
    result = compute_targets([m("GM0003", 1), m("GM0001", 1), m("GM0002", 1)], POP_ONLY, 1.0,
                             expected_lettings=10)
    assert [(b.municipality, b.base_target) for b in result.municipalities] == [
        ("GM0001", 4), ("GM0002", 3), ("GM0003", 3)]
    # equal remainders (0.5), different keys: 1/4 and 3/4 of 2 -> 0.5 and 1.5 -> 1 unit left;
    # remainders tie at 0.5, the larger key wins
    result = compute_targets([m("GM0001", 1), m("GM0002", 3)], POP_ONLY, 1.0, expected_lettings=2)
    assert {b.municipality: b.base_target for b in result.municipalities} == {
        "GM0001": 0, "GM0002": 2}


def test_weights_of_one_third_are_normalised_exactly():
    third = 1 / 3
    result = compute_targets([m("GM0001", 1, 1, 1), m("GM0002", 1, 1, 1)],
                             {"population": third, "socialStock": third, "lettings": third},
                             0.5, expected_lettings=10)
    assert [b.base_target for b in result.municipalities] == [3, 2]
    assert [b.key for b in result.municipalities] == [0.5, 0.5]


def test_expected_lettings_derived_from_stock_and_turnover():
    munis = [m("GM0001", 10, 600), m("GM0002", 10, 401)]
    result = compute_targets(munis, POP_ONLY, 0.5, turnover_rate=0.07)
    assert result.expected_lettings_source == "derived"
    assert result.expected_lettings == 70  # 1001 * 0.07 = 70.07
    assert result.expected_lettings_basis == "socialStock"  # no lettings known
    half = compute_targets(munis, POP_ONLY, 0.5, turnover_rate=0.07,
                           period_length_years=period_years("2026-H1"))
    assert half.expected_lettings == 35  # 35.035
    assert period_years("2026") == 1.0
    # given expected lettings win over the turnover rate
    given_ = compute_targets(munis, POP_ONLY, 0.5, expected_lettings=10, turnover_rate=0.07)
    assert given_.expected_lettings == 10 and given_.expected_lettings_source == "given"


def test_negative_carry_over_never_goes_below_zero():
    result = compute_targets([m("GM0001", 1), m("GM0002", 1)], POP_ONLY, 1.0,
                             expected_lettings=4, carry_over={"GM0001": -5, "GM0002": -1})
    assert [(b.base_target, b.target) for b in result.municipalities] == [(2, 0), (2, 1)]


def test_zero_scope_total():
    result = compute_targets([m("GM0001", 5), m("GM0002", 1)], POP_ONLY, 0.0,
                             expected_lettings=100)
    assert [b.base_target for b in result.municipalities] == [0, 0]


def test_municipality_targets_fit_the_event_contract():
    ref = default_reference_data()
    munis = [m(x.code, x.population, x.population // 9, x.population // 90)
             for x in ref.municipalities]
    result = compute_targets(munis, {"population": 0.4, "socialStock": 0.4, "lettings": 0.2},
                             0.27, expected_lettings=6500, carry_over={"GM0014": -10})
    targets = [MunicipalityTarget.model_validate(t) for t in result.municipality_targets()]
    assert len(targets) == 10
    assert sum(t.base_target for t in targets) == result.scope_total == 1755
    assert abs(sum(t.expected_lettings for t in targets) - 6500) < 1e-6
    assert result.to_dict()["municipalities"][0]["municipality"] == "GM0014"


def test_inputs_from_mapping():
    rows = [{"code": "GM0001", "population": 5, "socialStock": 2, "lettings": 1}]
    assert inputs_from_mapping(rows) == [MunicipalityInput("GM0001", 5, 2, 1)]
    assert KeyWeights.from_mapping({"social_stock": 1.0}) == KeyWeights(0.0, 1.0, 0.0)


# --- validation -------------------------------------------------------------------------------

BASE = dict(municipalities=[m("GM0001", 10, 5, 2), m("GM0002", 20, 5, 2)],
            weights={"population": 0.5, "socialStock": 0.25, "lettings": 0.25},
            urgent_share=0.3)


def call(**overrides):
    args = {**BASE, "expected_lettings": 100, **overrides}
    return compute_targets(args.pop("municipalities"), args.pop("weights"),
                           args.pop("urgent_share"), **args)


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"weights": {"population": 0.5, "socialStock": 0.3, "lettings": 0.3}}, "keyWeights"),
        ({"weights": {"population": 0.5, "socialStock": 0.5, "lettings": 1e-6}}, "keyWeights"),
        ({"weights": {"population": 1.5, "socialStock": -0.5, "lettings": 0}},
         "keyWeights.population"),
        ({"weights": {"population": 0.5, "stock": 0.5}}, "keyWeights.stock"),
        ({"weights": "population"}, "keyWeights"),
        ({"urgent_share": 1.2}, "urgentShare"),
        ({"urgent_share": -0.01}, "urgentShare"),
        ({"urgent_share": float("nan")}, "urgentShare"),
        ({"cap_share": 1.5}, "capShare"),
        ({"cap_share": -0.1}, "capShare"),
        ({"expected_lettings": -1}, "expectedLettings"),
        ({"expected_lettings": 10.5}, "expectedLettings"),
        ({"expected_lettings": None}, "expectedLettings"),
        ({"expected_lettings": None, "turnover_rate": -0.1}, "turnoverRate"),
        ({"carry_over": {"GM9999": 1}}, "carryOver.GM9999"),
        ({"carry_over": {"GM0001": 1.5}}, "carryOver.GM0001"),
        ({"municipalities": []}, "municipalities"),
        ({"municipalities": [m("GM0001", -1, 5, 2)]}, "municipalities[GM0001].population"),
        ({"municipalities": [m("GM0001", 1, -5, 2)]}, "municipalities[GM0001].socialStock"),
        ({"municipalities": [m("GM0001", 1, 5, -2)]}, "municipalities[GM0001].lettings"),
        ({"municipalities": [m("GM0001", 1, 5, 2), m("GM0001", 1, 5, 2)]},
         "municipalities[GM0001].code"),
        ({"municipalities": [m("Groningen", 1, 5, 2)]}, "municipalities[Groningen].code"),
        ({"municipalities": [m("GM0001", 1, 0, 2)]}, "keyWeights.socialStock"),
    ],
)
def test_validation_errors_name_the_field(overrides, field):
    with pytest.raises(FairShareError) as info:
        call(**overrides)
    assert field in info.value.fields
    assert isinstance(info.value, ValueError)


def test_all_errors_are_reported_at_once():
    with pytest.raises(FairShareError) as info:
        call(urgent_share=2, cap_share=2, carry_over={"GM0404": 1})
    assert set(info.value.fields) == {"urgentShare", "capShare", "carryOver.GM0404"}
    assert info.value.field == "urgentShare"


# --- properties -----------------------------------------------------------------------------


@st.composite
def agreements(draw):
    n = draw(st.integers(1, 12))
    codes = draw(st.lists(st.integers(0, 9999), min_size=n, max_size=n, unique=True))
    munis = [
        MunicipalityInput(
            code=f"GM{code:04d}",
            population=draw(st.integers(0, 300_000)),
            social_stock=draw(st.integers(0, 40_000)),
            lettings=draw(st.one_of(st.integers(0, 3_000),
                                    st.floats(0, 3_000, allow_nan=False, allow_infinity=False))),
        )
        for code in codes
    ]
    raw = draw(st.tuples(*(st.integers(0, 10) for _ in range(3))).filter(lambda t: sum(t) > 0))
    weights = {name: value / sum(raw)
               for name, value in zip(("population", "socialStock", "lettings"), raw)}
    totals = {"population": sum(x.population for x in munis),
              "socialStock": sum(x.social_stock for x in munis),
              "lettings": sum(x.lettings for x in munis)}
    assume(all(totals[k] > 0 for k, w in weights.items() if w > 0))
    p = draw(st.floats(0, 1, allow_nan=False))
    expected = draw(st.integers(0, 50_000))
    carry = {x.code: draw(st.integers(-50, 50))
             for x in munis if draw(st.booleans())}
    return munis, weights, p, expected, carry


PROPERTY_SETTINGS = settings(max_examples=100, deadline=None,
                             suppress_health_check=[HealthCheck.filter_too_much])


@PROPERTY_SETTINGS
@given(agreements())
def test_targets_add_up_exactly_to_the_scope_total(case):
    munis, weights, p, expected, carry = case
    result = compute_targets(munis, weights, p, expected_lettings=expected, carry_over=carry)
    exact = (Decimal(repr(p)) * expected).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    assert result.scope_total == int(exact)
    assert sum(b.base_target for b in result.municipalities) == result.scope_total
    assert result.total_base_target == result.scope_total


@PROPERTY_SETTINGS
@given(agreements())
def test_targets_never_negative_and_carry_over_applied(case):
    munis, weights, p, expected, carry = case
    result = compute_targets(munis, weights, p, expected_lettings=expected, carry_over=carry)
    for b in result.municipalities:
        assert b.base_target >= 0 and b.target >= 0
        assert b.carry_over == carry.get(b.municipality, 0)
        assert b.target == max(0, b.base_target + b.carry_over)


@PROPERTY_SETTINGS
@given(agreements())
def test_targets_follow_the_key(case):
    munis, weights, p, expected, carry = case
    result = compute_targets(munis, weights, p, expected_lettings=expected, carry_over=carry)
    assert abs(sum(b.key for b in result.municipalities) - 1) < 1e-9
    for b in result.municipalities:
        # floor or ceil of its exact quota
        assert b.base_target in (b.floor, b.floor + 1)
        assert b.floor <= b.quota + 1e-9 and b.quota - b.floor < 1 + 1e-9
        assert abs(b.base_target - b.quota) < 1 + 1e-9
        assert b.got_extra_unit == (b.base_target == b.floor + 1)
    for a in result.municipalities:
        for b in result.municipalities:
            if a.key > b.key:
                assert a.base_target >= b.base_target, (a, b)
    assert sum(b.got_extra_unit for b in result.municipalities) == result.remaining_units


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(agreements(), st.randoms(use_true_random=False))
def test_input_order_does_not_matter(case, rnd: random.Random):
    munis, weights, p, expected, carry = case
    shuffled = list(munis)
    rnd.shuffle(shuffled)
    a = compute_targets(munis, weights, p, expected_lettings=expected, carry_over=carry)
    b = compute_targets(shuffled, weights, p, expected_lettings=expected, carry_over=carry)
    assert a == b


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(1, 10_000), min_size=1, max_size=10),
       st.integers(0, 5_000))
def test_population_only_key_is_proportional(populations, total):
    munis = [m(f"GM{i:04d}", pop) for i, pop in enumerate(populations)]
    result = compute_targets(munis, POP_ONLY, 1.0, expected_lettings=total)
    whole = sum(populations)
    for b, pop in zip(result.municipalities, populations):
        assert math.floor(total * pop / whole) <= b.base_target <= math.ceil(total * pop / whole)


def test_province_targets_from_reference_data():
    from services.registry.domain.fairshare import inputs_for_scope
    ref = default_reference_data()
    scope = ref.municipalities_in_scope("oost-groningen")
    stock = {m.code: m.population // 5 for m in scope}
    inputs = inputs_for_scope(scope, stock)
    assert [i.code for i in inputs] == [m.code for m in scope]
    result = compute_targets(inputs, {"population": 0.5, "socialStock": 0.5}, 0.3,
                             turnover_rate=0.07, period_length_years=period_years("2026-H2"))
    assert result.expected_lettings == round_half_up(sum(stock.values()) * 0.07 * 0.5)
    assert result.total_base_target == result.scope_total
