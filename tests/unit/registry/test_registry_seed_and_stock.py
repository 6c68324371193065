"""Seeding reference data (insert, keep, re-apply) and dwelling rules."""

from __future__ import annotations

from dataclasses import replace

import pytest

from services.registry.domain.dwellings import (
    Dwelling,
    Upsert,
    check_owner,
    dwelling_errors,
    upsert_kind,
)
from services.registry.domain.errors import Forbidden
from services.registry.domain.municipalities import MunicipalityRecord, plan_seed
from services.registry.domain.reference import default_reference_data
from shared.contracts.vocabulary import Accessibility

REFERENCE = default_reference_data()


def test_a_fresh_registry_inserts_every_municipality_with_its_care_coverage():
    plans = plan_seed(REFERENCE, {})
    assert [p.action for p in plans] == ["insert"] * 10
    groningen = next(p.record for p in plans if p.record.code == "GM0014")
    assert groningen.population == 244441 and groningen.region == "groningen-assen"
    assert groningen.care_providers == REFERENCE.care_providers_for("GM0014")


def test_an_unchanged_file_keeps_everything_and_a_changed_value_is_reapplied():
    stored = {p.record.code: p.record.fingerprint() for p in plan_seed(REFERENCE, {})}
    assert {p.action for p in plan_seed(REFERENCE, stored)} == {"keep"}
    stored["GM0765"] = "fingerprint of an older file"
    changed = [p for p in plan_seed(REFERENCE, stored) if p.action != "keep"]
    assert [(p.record.code, p.action) for p in changed] == [("GM0765", "reapply")]


def test_fingerprints_ignore_the_order_of_care_providers():
    record = MunicipalityRecord("GM0014", "Groningen", "groningen-assen", "PV20", 1, ("b", "a"))
    assert record.fingerprint() == replace(record, care_providers=("a", "b")).fingerprint()
    assert record.fingerprint() != replace(record, population=2).fingerprint()


def test_a_change_sorts_and_dedupes_care_providers_and_keeps_the_name():
    record = MunicipalityRecord("GM0014", "Groningen", "groningen-assen", "PV20", 1)
    changed = record.changed(region="eemsdelta", population=5, care_providers=("b", "a", "b"))
    assert changed == MunicipalityRecord("GM0014", "Groningen", "eemsdelta", "PV20", 5,
                                         ("a", "b"))


DWELLING = Dwelling("0014010011067299", "GM0014", "lefier", 3, 612.5, Accessibility.NULTREDEN)


@pytest.mark.parametrize("overrides, fields", [
    ({}, []),
    ({"bag_id": "12"}, ["bagId"]),
    ({"municipality": "GM9999", "monthly_rent": -1.0}, ["municipality", "monthlyRent"]),
    ({"rooms": 0}, ["rooms"]),
])
def test_dwelling_rules_name_every_bad_field(overrides, fields):
    errors = dwelling_errors(replace(DWELLING, **overrides), frozenset({"GM0014"}))
    assert [e.field for e in errors] == fields


def test_ownership_and_upsert_kinds():
    check_owner(None, "lefier")
    check_owner(DWELLING, "lefier")
    with pytest.raises(Forbidden):
        check_owner(DWELLING, "nijestee")
    assert upsert_kind(None, DWELLING) is Upsert.CREATED
    assert upsert_kind(DWELLING, DWELLING) is Upsert.UNCHANGED
    assert upsert_kind(DWELLING, replace(DWELLING, rooms=4)) is Upsert.UPDATED
