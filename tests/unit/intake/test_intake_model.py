"""The candidate's life: registration bands, changes, withdrawal, erasure, urgency rules."""

from datetime import date, timedelta

import pytest

from services.intake.domain.errors import Conflict, InvalidInput
from services.intake.domain.income import load_income_limits
from services.intake.domain.model import (
    Candidate,
    CandidateStatus,
    Decision,
    NeedsSpec,
    Person,
    Situation,
    UrgencyStatus,
    WithdrawalReason,
)
from services.intake.domain.rules import urgency_valid_until
from services.intake.domain.validity import Validity
from shared.contracts.vocabulary import AgeBand, IncomeClass, TargetGroup

TODAY = date(2026, 3, 2)
LIMITS = load_income_limits()


def candidate(**person) -> Candidate:
    return Candidate.register(
        candidate_id="c-1", registered_by="Lentis", today=TODAY,
        person=Person(**({"bsn": "111222333", "name": "A", "birth_year": 1990,
                          "yearly_income": 20_000} | person)),
        situation=Situation(household_size=1, target_group=TargetGroup.MEDISCH,
                            needs=NeedsSpec(), registration_municipality="GM0014"),
        pseudonym="p" * 64, limits=LIMITS,
    )


def test_registration_derives_the_bands():
    c = candidate()
    assert c.status is CandidateStatus.ACTIVE
    assert c.age_band is AgeBand.FROM_23
    assert c.income_class is IncomeClass.PASSEND


def test_a_change_the_other_services_see_is_reported():
    c = candidate()
    bigger = Situation(**{**c.situation.__dict__, "household_size": 2})
    assert c.amend(person=c.person, situation=bigger, today=TODAY, limits=LIMITS)
    renamed = Person(**{**c.person.__dict__, "name": "B"})
    assert not c.amend(person=renamed, situation=bigger, today=TODAY, limits=LIMITS)
    richer = Person(**{**renamed.__dict__, "yearly_income": 45_000})
    assert c.amend(person=richer, situation=bigger, today=TODAY, limits=LIMITS)
    assert c.income_class is IncomeClass.DAEB


def test_withdrawal_frees_the_pseudonym_and_is_final():
    c = candidate()
    c.withdraw(WithdrawalReason.MOVED_AWAY, TODAY)
    assert c.status is CandidateStatus.WITHDRAWN and c.pseudonym is None
    with pytest.raises(Conflict):
        c.withdraw(None, TODAY)
    with pytest.raises(Conflict):
        c.amend(person=c.person, situation=c.situation, today=TODAY, limits=LIMITS)


def test_erasure_only_after_withdrawal_or_housing_and_only_once():
    active = candidate()
    with pytest.raises(Conflict):
        active.erase(TODAY)
    housed = candidate()
    assert housed.mark_housed(TODAY)
    assert not housed.mark_housed(TODAY)
    assert housed.erase(TODAY)
    assert housed.person is None and housed.status is CandidateStatus.ERASED
    assert housed.age_band is AgeBand.FROM_23  # the pseudonymous facts stay
    assert not housed.erase(TODAY)


def test_a_later_decision_replaces_an_earlier_one():
    c = candidate()
    c.decide_urgency(decision=Decision.GRANTED, category=TargetGroup.MEDISCH,
                     municipality="GM0014", today=TODAY, valid_until=TODAY + timedelta(days=90))
    c.decide_urgency(decision=Decision.REFUSED, category=TargetGroup.MEDISCH,
                     municipality="GM0014", today=TODAY, valid_until=None)
    assert c.urgency.status is UrgencyStatus.REFUSED
    assert not c.expire_urgency(TODAY + timedelta(days=365))


def test_urgency_expires_the_day_after_its_last_valid_day_exactly_once():
    c = candidate()
    last_day = TODAY + timedelta(days=90)
    c.decide_urgency(decision=Decision.GRANTED, category=TargetGroup.MEDISCH,
                     municipality="GM0014", today=TODAY, valid_until=last_day)
    assert not c.expire_urgency(last_day)
    assert c.expire_urgency(last_day + timedelta(days=1))
    assert c.urgency.status is UrgencyStatus.EXPIRED
    assert c.urgency.expired_on == last_day + timedelta(days=1)
    assert not c.expire_urgency(last_day + timedelta(days=2))


def test_no_urgency_decision_for_an_inactive_candidate():
    c = candidate()
    c.withdraw(None, TODAY)
    with pytest.raises(Conflict):
        c.decide_urgency(decision=Decision.GRANTED, category=TargetGroup.MEDISCH,
                         municipality="GM0014", today=TODAY, valid_until=TODAY)


def test_a_withdrawn_candidate_keeps_a_granted_urgency_from_expiring():
    c = candidate()
    c.decide_urgency(decision=Decision.GRANTED, category=TargetGroup.MEDISCH,
                     municipality="GM0014", today=TODAY, valid_until=TODAY + timedelta(days=1))
    c.withdraw(None, TODAY)
    assert not c.expire_urgency(TODAY + timedelta(days=10))


SETTING = Validity(90, from_agreement=False)


def test_validity_defaults_and_bounds():
    assert urgency_valid_until(Decision.GRANTED, None, TODAY, SETTING) == TODAY + timedelta(days=90)
    assert urgency_valid_until(Decision.GRANTED, TODAY + timedelta(days=1), TODAY, SETTING) == \
        TODAY + timedelta(days=1)
    assert urgency_valid_until(Decision.REFUSED, None, TODAY, SETTING) is None
    for bad in (TODAY, TODAY - timedelta(days=1), TODAY + timedelta(days=6 * 366)):
        with pytest.raises(InvalidInput):
            urgency_valid_until(Decision.GRANTED, bad, TODAY, SETTING)
    with pytest.raises(InvalidInput):
        urgency_valid_until(Decision.REFUSED, TODAY + timedelta(days=3), TODAY, SETTING)


def test_an_expiry_noticed_late_is_dated_the_day_after_the_last_valid_day():
    c = candidate()
    last_day = TODAY + timedelta(days=10)
    c.decide_urgency(decision=Decision.GRANTED, category=TargetGroup.MEDISCH,
                     municipality="GM0014", today=TODAY, valid_until=last_day)
    assert c.expire_urgency(last_day + timedelta(days=40))  # the check ran weeks later
    assert c.urgency.expired_on == last_day + timedelta(days=1)
