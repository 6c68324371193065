"""Who sees which proposal, and who answers for whom."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from services.allocation.service.access import (
    audience_of,
    may_answer_for,
    may_report_move_in,
)
from shared.auth import Caller
from shared.contracts.vocabulary import DecidedBy, Role

ROW = SimpleNamespace(corporation="lefier", municipality="GM0014", origin_municipality="GM1966",
                      registered_by="lentis", care_provider="Leger des Heils")


@pytest.mark.parametrize(("caller", "sees"), [
    (Caller("lefier", Role.CORPORATION), True),
    (Caller("Lefier", Role.CORPORATION), True),  # organisations compare case-insensitively
    (Caller("nijestee", Role.CORPORATION), False),
    (Caller("lentis", Role.CARE_PROVIDER), True),  # registered the candidate
    (Caller("leger des heils", Role.CARE_PROVIDER), True),  # the candidate's care provider
    (Caller("cosis", Role.CARE_PROVIDER), False),
    (Caller("lentis", Role.CARE_OFFICE), True),
    (Caller("GM0014", Role.MUNICIPALITY), True),  # the dwelling lies here
    (Caller("GM1966", Role.MUNICIPALITY), True),  # the candidate comes from here
    (Caller("GM1895", Role.MUNICIPALITY), False),
    (Caller("lefier", Role.MUNICIPALITY), False),  # a name is no municipality
    (Caller("provincie", Role.PROVINCE), True),
    (Caller("ops", Role.ADMIN), True),
])
def test_who_sees_a_proposal(caller, sees):
    assert audience_of(caller).sees(ROW) is sees


@pytest.mark.parametrize(("caller", "party", "may"), [
    (Caller("lefier", Role.CORPORATION), DecidedBy.CORPORATION, True),
    (Caller("lefier", Role.CORPORATION), DecidedBy.CANDIDATE, False),
    (Caller("nijestee", Role.CORPORATION), DecidedBy.CORPORATION, False),
    (Caller("lentis", Role.CARE_PROVIDER), DecidedBy.CANDIDATE, True),
    (Caller("Leger des Heils", Role.CARE_PROVIDER), DecidedBy.CANDIDATE, True),
    (Caller("lentis", Role.CARE_PROVIDER), DecidedBy.CORPORATION, False),
    (Caller("cosis", Role.CARE_PROVIDER), DecidedBy.CANDIDATE, False),
    (Caller("lentis", Role.CARE_OFFICE), DecidedBy.CANDIDATE, True),
    (Caller("GM0014", Role.MUNICIPALITY), DecidedBy.CANDIDATE, False),  # read-only
    (Caller("GM0014", Role.MUNICIPALITY), DecidedBy.CORPORATION, False),
    (Caller("ops", Role.ADMIN), DecidedBy.CORPORATION, False),
    (Caller("provincie", Role.PROVINCE), DecidedBy.CANDIDATE, False),
])
def test_who_answers_for_whom(caller, party, may):
    assert may_answer_for(caller, party, ROW) is may


def test_only_the_dwellings_corporation_reports_the_move_in():
    assert may_report_move_in(Caller("lefier", Role.CORPORATION), ROW)
    assert not may_report_move_in(Caller("nijestee", Role.CORPORATION), ROW)
    assert not may_report_move_in(Caller("lentis", Role.CARE_PROVIDER), ROW)
    assert not may_report_move_in(Caller("ops", Role.ADMIN), ROW)


def test_a_proposal_without_a_care_provider_is_still_the_registrars():
    row = SimpleNamespace(**(vars(ROW) | {"care_provider": None}))
    assert audience_of(Caller("lentis", Role.CARE_PROVIDER)).sees(row)
    assert not audience_of(Caller("leger des heils", Role.CARE_PROVIDER)).sees(row)
