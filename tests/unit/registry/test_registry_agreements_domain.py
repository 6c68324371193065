"""Agreements in the domain: scope, inputs the registry derives, errors, and properties of
the targets computed from them."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.registry.domain.agreements import (
    STOCK_ESTIMATED,
    STOCK_FROM_DWELLINGS,
    AgreementTerms,
    CategoryRule,
    Inputs,
    compute,
    parse_period,
    scope_members,
    social_stock,
)
from services.registry.domain.errors import InvalidInput
from services.registry.domain.municipalities import MunicipalityRecord
from services.registry.domain.reference import default_reference_data
from shared.contracts.vocabulary import TargetGroup

REFERENCE = default_reference_data()
RECORDS = tuple(MunicipalityRecord.from_reference(REFERENCE, m.code)
                for m in REFERENCE.municipalities)
CATEGORIES = (CategoryRule(TargetGroup.VROUWENOPVANG, 90), CategoryRule(TargetGroup.MEDISCH, 90))
POPULATION = {"population": 1.0, "socialStock": 0.0, "lettings": 0.0}


def terms(**overrides) -> AgreementTerms:
    fields = dict(urgent_share=0.27, key_weights=POPULATION, categories=CATEGORIES,
                  expected_lettings=1000)
    return AgreementTerms(**(fields | overrides))


def inputs(members=RECORDS, stock=None, lettings=None) -> Inputs:
    return Inputs(tuple(members), stock or {}, lettings or {}, "2025")


def test_scopes_are_the_province_or_a_region_as_the_registry_holds_them():
    assert len(scope_members("province", RECORDS, REFERENCE)) == 10
    assert [m.code for m in scope_members("eemsdelta", RECORDS, REFERENCE)] == ["GM1979"]
    moved = [replace(r, region="oost-groningen") if r.code == "GM1979" else r for r in RECORDS]
    assert "GM1979" in [m.code for m in scope_members("oost-groningen", moved, REFERENCE)]
    with pytest.raises(InvalidInput) as empty:
        scope_members("eemsdelta", moved, REFERENCE)
    assert empty.value.errors[0].field == "scope"
    for unknown in ("drenthe", "GM0014", "PV22"):
        with pytest.raises(InvalidInput):
            scope_members(unknown, RECORDS, REFERENCE)


@pytest.mark.parametrize("label, ok", [("2026", True), ("2026-H2", True), ("2026-Q1", False),
                                       ("26", False), ("2101", False)])
def test_periods(label, ok):
    if ok:
        assert parse_period(label).label == label
    else:
        with pytest.raises(InvalidInput):
            parse_period(label)


def test_registered_stock_wins_and_an_empty_registry_falls_back_to_an_estimate():
    stock, source = social_stock(inputs(stock={"GM0014": 12}), 0.138)
    assert source == STOCK_FROM_DWELLINGS and stock["GM0014"] == 12 and stock["GM0765"] == 0
    stock, source = social_stock(inputs(), 0.138)
    assert source == STOCK_ESTIMATED and stock["GM0765"] == round(12459 * 0.138)


def test_every_bad_field_is_named_at_once():
    bad = terms(key_weights={"population": 0.5}, urgent_share=2.0,
                categories=(CategoryRule(TargetGroup.MEDISCH, 1),
                            CategoryRule(TargetGroup.MEDISCH, 0)),
                carry_over={"GM9999": 1})
    with pytest.raises(InvalidInput) as raised:
        compute(bad, parse_period("2026"), inputs(), turnover_rate=0.07,
                stock_per_inhabitant=0.138)
    fields = {e.field for e in raised.value.errors}
    assert {"keyWeights", "urgentShare", "categories[1].category", "categories[1].validityDays",
            "carryOver.GM9999"} <= fields


def test_derived_expected_lettings_and_the_notes_say_how():
    result, basis = compute(terms(expected_lettings=None), parse_period("2026-H1"),
                            inputs(stock={"GM0014": 1000, "GM1966": 1000}),
                            turnover_rate=0.1, stock_per_inhabitant=0.138)
    assert result.expected_lettings == 100  # 2000 x 0.1 x 0.5
    assert result.expected_lettings_source == "derived"
    assert basis["socialStockSource"] == STOCK_FROM_DWELLINGS
    assert basis["socialStockPerInhabitant"] is None
    assert any("turnover rate 0.1" in note for note in basis["notes"])


@settings(max_examples=60, deadline=None)
@given(
    share=st.floats(0, 1),
    expected=st.integers(0, 20_000),
    weights=st.sampled_from([POPULATION, {"population": 0.5, "socialStock": 0.5},
                             {"population": 0.2, "socialStock": 0.3, "lettings": 0.5}]),
    stock=st.lists(st.integers(0, 5000), min_size=10, max_size=10),
    lettings=st.lists(st.integers(1, 300), min_size=10, max_size=10),
    carry=st.dictionaries(st.sampled_from([r.code for r in RECORDS]), st.integers(-20, 20)),
)
def test_targets_add_up_never_go_negative_and_follow_the_key(share, expected, weights, stock,
                                                             lettings, carry):
    codes = [r.code for r in RECORDS]
    result, _ = compute(
        terms(urgent_share=share, expected_lettings=expected, key_weights=weights,
              carry_over=carry),
        parse_period("2026"),
        inputs(stock=dict(zip(codes, stock)), lettings=dict(zip(codes, lettings))),
        turnover_rate=0.07, stock_per_inhabitant=0.138)
    rows = result.municipalities
    assert sum(m.base_target for m in rows) == result.scope_total
    assert all(m.target >= 0 for m in rows)
    assert all(m.target == max(0, m.base_target + carry.get(m.municipality, 0)) for m in rows)
    for a in rows:  # a larger key never gets a smaller base target
        for b in rows:
            if a.key > b.key + 1e-12:
                assert a.base_target >= b.base_target
