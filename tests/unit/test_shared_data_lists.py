"""The shared data lists: decline reason codes and yearly limits, each in one file that every
service reads."""

from __future__ import annotations

import json
from datetime import date

import pytest
from factories import sample_event

from services.allocation.domain.limits import YEARLY_LIMITS
from services.allocation.domain.policy import AllocationPolicy
from services.intake.domain.income import load_income_limits
from shared.contracts import events as ev
from shared.contracts.decline_reasons import CANDIDATE, CORPORATION, decline_reasons
from shared.contracts.envelope import decode, encode
from shared.contracts.vocabulary import DecidedBy
from shared.contracts.yearly_limits import yearly_limits_document


def test_every_candidate_code_says_whether_it_is_a_valid_reason():
    reasons = decline_reasons()
    for code in reasons.codes_for(CANDIDATE):
        assert reasons.find(CANDIDATE, code).valid in (True, False), code
    assert reasons.find(CANDIDATE, "refused-without-valid-reason").valid is False
    assert reasons.find(CORPORATION, "corporation-screening").valid is None


def test_park_days_come_from_the_list():
    policy = AllocationPolicy()
    assert policy.park_days("no-show") == 30
    assert policy.park_days("refused-without-valid-reason") == 90
    assert policy.park_days("dwelling-not-suitable") == 0


@pytest.mark.parametrize(("by", "text", "code"), [
    (DecidedBy.CORPORATION, "huurachterstand", "unspecified"),
    (DecidedBy.CANDIDATE, " No-Show ", "no-show"),  # old text that already was a code
    (DecidedBy.CORPORATION, "vacancy-withdrawn", "vacancy-withdrawn"),  # platform closure
])
def test_an_old_free_text_decline_decodes_to_a_code_without_its_text(by, text, code):
    event = sample_event(ev.ProposalDeclined, decided_by=by, reason_code="no-show")
    document = json.loads(encode(event, source="urn:test"))
    del document["data"]["reasonCode"]
    document["data"]["reason"] = text
    decoded = decode(json.dumps(document).encode()).event
    assert decoded.reason_code == code
    assert "reason" not in decoded.wire() and "huurachterstand" not in json.dumps(decoded.wire())


def test_every_year_has_its_source_and_2024_to_2026_exist():
    years = yearly_limits_document()["years"]
    assert {"2024", "2025", "2026"} <= set(years)
    assert all(entry["source"] for entry in years.values())


def test_intake_and_allocation_read_the_same_yearly_figures():
    intake = load_income_limits()
    for year in (2024, 2025, 2026):
        mine, theirs = YEARLY_LIMITS.for_year(year), intake.for_year(year)
        assert (mine.passend_income_single, mine.passend_income_multi) == (
            theirs.passend.one_person, theirs.passend.two_or_more)
        assert (mine.daeb_income_single, mine.daeb_income_multi) == (
            theirs.daeb.one_person, theirs.daeb.two_or_more)


def test_the_date_picks_the_year():
    assert YEARLY_LIMITS.for_date(date(2024, 12, 31)).rent_cap(2) == 650.43
    assert YEARLY_LIMITS.for_date(date(2025, 1, 1)).rent_cap(2) == 682.96
    assert YEARLY_LIMITS.for_date(date(2031, 6, 1)) == YEARLY_LIMITS.for_year(2026)
    with pytest.raises(LookupError):
        YEARLY_LIMITS.for_date(date(2019, 1, 1))
