"""Issue 12 in intake's domain: validity from the agreement in force, revocation, extension
and lapse of an urgency, and which fields each decision needs."""

from datetime import date, timedelta

import pytest

from services.intake.domain.errors import Conflict, InvalidInput
from services.intake.domain.income import load_income_limits
from services.intake.domain.model import (
    Candidate,
    Decision,
    NeedsSpec,
    Person,
    RevocationReason,
    Situation,
    UrgencyStatus,
)
from services.intake.domain.rules import decision_errors, urgency_valid_until
from services.intake.domain.validity import (
    AgreementTerms,
    Validity,
    agreed_validity_days,
)
from shared.contracts.vocabulary import TargetGroup

TODAY = date(2026, 3, 2)


def terms(period="2026", start=date(2026, 1, 1), end=date(2026, 12, 31), version=1,
          municipalities=("GM0014",), **days) -> AgreementTerms:
    return AgreementTerms("province", period, version, start, end, frozenset(municipalities),
                          days or {"beschermd-wonen": 180})


def test_the_agreement_in_force_for_the_municipality_gives_the_validity():
    agreements = [terms(), terms(municipalities=("GM1966",), **{"beschermd-wonen": 30},
                                 period="2026-x")]
    assert agreed_validity_days(agreements, "GM0014", "beschermd-wonen", TODAY) == 180
    assert agreed_validity_days(agreements, "GM1966", "beschermd-wonen", TODAY) == 30


def test_no_agreement_or_no_rule_for_the_category_means_none():
    assert agreed_validity_days([terms()], "GM0014", "medisch", TODAY) is None
    assert agreed_validity_days([terms()], "GM1895", "beschermd-wonen", TODAY) is None
    assert agreed_validity_days([terms()], "GM0014", "beschermd-wonen", date(2027, 1, 1)) \
        is None


def test_a_half_year_outranks_the_year_and_a_later_version_its_predecessor():
    half = terms("2026-H1", date(2026, 1, 1), date(2026, 6, 30), **{"beschermd-wonen": 60})
    newer_year = terms(version=2, **{"beschermd-wonen": 120})
    assert agreed_validity_days([terms(), half], "GM0014", "beschermd-wonen", TODAY) == 60
    assert agreed_validity_days([terms(), newer_year], "GM0014", "beschermd-wonen",
                                TODAY) == 120


def test_a_decision_may_shorten_the_agreed_validity_but_never_lengthen_it():
    agreed = Validity(90, from_agreement=True)
    assert urgency_valid_until(Decision.GRANTED, None, TODAY, agreed) == \
        TODAY + timedelta(days=90)
    shorter = TODAY + timedelta(days=30)
    assert urgency_valid_until(Decision.GRANTED, shorter, TODAY, agreed) == shorter
    with pytest.raises(InvalidInput) as refused:
        urgency_valid_until(Decision.GRANTED, TODAY + timedelta(days=91), TODAY, agreed)
    assert refused.value.errors[0].field == "validUntil"


def test_the_setting_is_only_a_default():
    setting = Validity(90, from_agreement=False)
    longer = TODAY + timedelta(days=200)
    assert urgency_valid_until(Decision.GRANTED, longer, TODAY, setting) == longer


@pytest.mark.parametrize("decision, category, valid_until, code, fields", [
    (Decision.GRANTED, None, None, None, {"category"}),
    (Decision.REVOKED, None, None, None, {"reasonCode"}),
    (Decision.REVOKED, None, TODAY, RevocationReason.OTHER, {"validUntil"}),
    (Decision.GRANTED, TargetGroup.MEDISCH, None, RevocationReason.OTHER, {"reasonCode"}),
    (Decision.EXTENDED, None, None, None, {"validUntil"}),
    (Decision.REVOKED, None, None, RevocationReason.MOVED_AWAY, set()),
    (Decision.EXTENDED, None, TODAY, None, set()),
])
def test_each_decision_names_the_fields_it_needs(decision, category, valid_until, code,
                                                 fields):
    assert {e.field for e in decision_errors(decision, category, valid_until, code)} == fields


def granted():
    candidate = Candidate.register(
        candidate_id="c-1", registered_by="Lentis", today=TODAY,
        person=Person(bsn="111222333", name="A", birth_year=1990, yearly_income=20_000),
        situation=Situation(household_size=1, target_group=TargetGroup.MEDISCH,
                            needs=NeedsSpec(), registration_municipality="GM0014"),
        pseudonym="p" * 64, limits=load_income_limits())
    candidate.decide_urgency(decision=Decision.GRANTED, category=TargetGroup.MEDISCH,
                             municipality="GM0014", today=TODAY,
                             valid_until=TODAY + timedelta(days=90))
    return candidate


def test_revoke_extend_and_lapse_a_granted_urgency():
    candidate = granted()
    with pytest.raises(Conflict):
        candidate.extend_urgency(TODAY + timedelta(days=10))  # not later than now
    assert candidate.extend_urgency(TODAY + timedelta(days=120)).valid_until == \
        TODAY + timedelta(days=120)
    assert candidate.revoke_urgency(TODAY).status is UrgencyStatus.REVOKED
    with pytest.raises(Conflict):
        candidate.revoke_urgency(TODAY)  # nothing granted any more
    assert not candidate.record_lapse(TODAY)
    other = granted()
    assert other.record_lapse(TODAY) and other.urgency.status is UrgencyStatus.LAPSED
