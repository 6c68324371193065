from datetime import date

from services.intake.domain.geography import load_geography
from services.intake.domain.model import NeedsSpec, Person, Situation
from services.intake.domain.rules import person_errors, situation_errors
from shared.contracts.vocabulary import TargetGroup

GEO = load_geography()
TODAY = date(2026, 3, 2)


def situation(**overrides) -> Situation:
    fields = dict(household_size=1, target_group=TargetGroup.DETENTIE, needs=NeedsSpec(),
                  registration_municipality="GM0014")
    return Situation(**(fields | overrides))


def names(errors) -> list[str]:
    return [e.field for e in errors]


def test_the_ten_municipalities_of_groningen_are_known():
    assert GEO.municipalities == {"GM0014", "GM1969", "GM1952", "GM1966", "GM1979", "GM1895",
                                  "GM0037", "GM0047", "GM1950", "GM0765"}
    assert not GEO.is_municipality("GM0106")  # Assen: in the woondeal region, not in scope


def test_scopes_for_region_binding():
    for scope in ("province", "groningen-assen", "eemsdelta", "oost-groningen", "GM0765"):
        assert GEO.is_scope(scope)
    assert not GEO.is_scope("drenthe")


def test_a_good_situation_has_no_errors():
    assert situation_errors(situation(preferred_municipalities=("GM0014",),
                                      region_binding="province"), GEO) == []


def test_situation_errors_name_each_field():
    errors = situation_errors(situation(
        household_size=0, registration_municipality="GM0363",
        preferred_municipalities=("GM0014", "GM9999"),
        excluded_municipalities=("GM0014", "GM0014"), region_binding="nowhere",
        needs=NeedsSpec(min_rooms=0)), GEO)
    assert names(errors) == ["householdSize", "registrationMunicipality",
                             "preferredMunicipalities[1]", "excludedMunicipalities",
                             "excludedMunicipalities", "regionBinding", "needs.minRooms"]


def test_person_errors_name_each_field():
    errors = person_errors(Person("123456789", "  ", 2015, -1), TODAY)
    assert names(errors) == ["bsn", "name", "birthYear", "yearlyIncome"]
    assert person_errors(Person("111222333", None, None, 0), TODAY) == []
