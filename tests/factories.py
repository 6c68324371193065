"""A valid sample of every event type, for tests: `sample_event(CandidatePlaced, municipality=...)`.

Values are realistic for the province of Groningen (CBS codes GMxxxx, 16-digit BAG ids) and
pseudonymous (candidate ids, never personal data).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timezone
from typing import Any, TypeVar

from shared.contracts import events as ev
from shared.contracts.envelope import CloudEvent, envelope_for
from shared.contracts.vocabulary import (
    Accessibility,
    AgeBand,
    DecidedBy,
    IncomeClass,
    TargetGroup,
    TenantType,
)

E = TypeVar("E", bound=ev.Event)

GRONINGEN = "GM0014"
HET_HOGELAND = "GM1966"
OLDAMBT = "GM1895"
BAG_ID = "0014010011067299"
CORPORATION = "lefier"
CANDIDATE_ID = "cand-7f3a9c2e"
VACANCY_ID = "vac-0001"
PROPOSAL_ID = "prop-0001"
DAY = date(2026, 3, 2)
MOMENT = datetime(2026, 3, 2, 9, 30, tzinfo=timezone.utc)


def dwelling_facts(**overrides: Any) -> ev.DwellingFacts:
    fields = dict(
        bag_id=BAG_ID, municipality=GRONINGEN, corporation=CORPORATION, rooms=3,
        monthly_rent=612.5, accessibility=Accessibility.NULTREDEN, care_suitable=True,
        neighbourhood="Selwerd",
    )
    return ev.DwellingFacts(**(fields | overrides))


def candidate_profile(**overrides: Any) -> ev.CandidateProfile:
    fields = dict(
        age_band=AgeBand.FROM_23, household_size=1, income_class=IncomeClass.PASSEND,
        target_group=TargetGroup.BESCHERMD_WONEN,
        needs=ev.Needs(accessibility=Accessibility.GEEN, min_rooms=1, ambulant_support=True,
                       care_provider="Lentis"),
        registration_municipality=GRONINGEN, preferred_municipalities=[GRONINGEN, HET_HOGELAND],
        excluded_municipalities=[OLDAMBT], region_binding=None, available_from=DAY,
        registered_by="Lentis",
    )
    return ev.CandidateProfile(**(fields | overrides))


def _explanation() -> ev.Explanation:
    return ev.Explanation(
        label_reason="Groningen is below its band", eligible_count=2,
        ranked=[
            ev.RankedCandidate(candidate_id=CANDIDATE_ID, score=0.82,
                               components={"waiting": 0.5, "match": 0.32}),
            ev.RankedCandidate(candidate_id="cand-11aa22bb", score=0.4,
                               components={"waiting": 0.3, "match": 0.1}),
        ],
        excluded={"rent-cap": 1},
    )


_SAMPLES: dict[type[ev.Event], Callable[[], dict[str, Any]]] = {
    ev.MunicipalityUpserted: lambda: dict(
        code=GRONINGEN, name="Groningen", region="Groningen", province="Groningen",
        population=238_000, care_providers=["Lentis", "Limor"],
    ),
    ev.DwellingUpserted: lambda: dict(dwelling=dwelling_facts()),
    ev.VacancyAnnounced: lambda: dict(
        vacancy_id=VACANCY_ID, available_from=date(2026, 4, 1), announced_at=MOMENT,
        dwelling=dwelling_facts(),
    ),
    ev.VacancyWithdrawn: lambda: dict(
        vacancy_id=VACANCY_ID, bag_id=BAG_ID, municipality=GRONINGEN, corporation=CORPORATION,
        withdrawn_on=DAY,
    ),
    ev.VacancyLet: lambda: dict(
        vacancy_id=VACANCY_ID, bag_id=BAG_ID, municipality=GRONINGEN, corporation=CORPORATION,
        tenant_type=TenantType.REGULAR, let_on=DAY,
    ),
    ev.FeedVacancyReported: lambda: dict(
        corporation=CORPORATION, bag_id=BAG_ID, action="announced",
        available_from=date(2026, 4, 1),
    ),
    ev.AgreementPublished: lambda: dict(
        scope="province", period="2026", version=1, period_start=date(2026, 1, 1),
        period_end=date(2026, 12, 31), urgent_share=0.3, cap_share=0.5,
        key_weights={"population": 0.5, "stock": 0.5}, expected_lettings=120,
        categories=[ev.CategoryRule(category=TargetGroup.BESCHERMD_WONEN, validity_days=180)],
        municipalities=[GRONINGEN, HET_HOGELAND],
        targets=[
            ev.MunicipalityTarget(municipality=GRONINGEN, key=0.75, base_target=27,
                                  carry_over=-2, target=25, expected_lettings=90.0),
            ev.MunicipalityTarget(municipality=HET_HOGELAND, key=0.25, base_target=9,
                                  carry_over=1, target=10, expected_lettings=30.0),
        ],
    ),
    ev.CandidateRegistered: lambda: dict(
        candidate_id=CANDIDATE_ID, registered_on=DAY, profile=candidate_profile(),
    ),
    ev.CandidateUpdated: lambda: dict(
        candidate_id=CANDIDATE_ID, updated_on=DAY, profile=candidate_profile(household_size=2),
    ),
    ev.UrgencyGranted: lambda: dict(
        candidate_id=CANDIDATE_ID, municipality=GRONINGEN, category=TargetGroup.BESCHERMD_WONEN,
        granted_on=DAY, valid_until=date(2026, 8, 29),
    ),
    ev.UrgencyRefused: lambda: dict(
        candidate_id=CANDIDATE_ID, municipality=GRONINGEN, category=TargetGroup.MEDISCH,
        refused_on=DAY,
    ),
    ev.UrgencyExpired: lambda: dict(
        candidate_id=CANDIDATE_ID, municipality=GRONINGEN, expired_on=DAY,
    ),
    ev.CandidateWithdrawn: lambda: dict(
        candidate_id=CANDIDATE_ID, withdrawn_on=DAY, reason="found housing elsewhere",
    ),
    ev.CandidateErased: lambda: dict(candidate_id=CANDIDATE_ID, erased_on=DAY),
    ev.VacancyLabelled: lambda: dict(
        vacancy_id=VACANCY_ID, bag_id=BAG_ID, municipality=GRONINGEN, labelled=True,
        reason="below band", decided_on=DAY,
    ),
    ev.CandidateProposed: lambda: dict(
        proposal_id=PROPOSAL_ID, vacancy_id=VACANCY_ID, bag_id=BAG_ID,
        candidate_id=CANDIDATE_ID, municipality=GRONINGEN, origin_municipality=HET_HOGELAND,
        corporation=CORPORATION, care_provider="Lentis", registered_by="Lentis",
        target_group=TargetGroup.BESCHERMD_WONEN, proposed_on=DAY, expires_on=date(2026, 3, 16),
        explanation=_explanation(),
    ),
    ev.ProposalAccepted: lambda: dict(
        proposal_id=PROPOSAL_ID, vacancy_id=VACANCY_ID, candidate_id=CANDIDATE_ID,
        municipality=GRONINGEN, accepted_on=DAY,
    ),
    ev.ProposalDeclined: lambda: dict(
        proposal_id=PROPOSAL_ID, vacancy_id=VACANCY_ID, candidate_id=CANDIDATE_ID,
        municipality=GRONINGEN, decided_by=DecidedBy.CANDIDATE, reason_code="location-unsafe",
        declined_on=DAY, parked_until=date(2026, 4, 1),
    ),
    ev.ProposalExpired: lambda: dict(
        proposal_id=PROPOSAL_ID, vacancy_id=VACANCY_ID, candidate_id=CANDIDATE_ID,
        municipality=GRONINGEN, expired_on=DAY,
    ),
    ev.CandidatePlaced: lambda: dict(
        placement_id="plc-0001", proposal_id=PROPOSAL_ID, vacancy_id=VACANCY_ID, bag_id=BAG_ID,
        candidate_id=CANDIDATE_ID, municipality=GRONINGEN, origin_municipality=HET_HOGELAND,
        target_group=TargetGroup.BESCHERMD_WONEN, urgency_granted_on=date(2026, 1, 5),
        move_in_date=date(2026, 4, 1),
    ),
    ev.RealisationBandChanged: lambda: dict(
        scope="province", period="2026", municipality=GRONINGEN, previous_status="within",
        status="below", realised=3, expected_to_date=6.5, target=25,
    ),
    ev.ProposalStalled: lambda: dict(
        scope="province", proposal_id=PROPOSAL_ID, vacancy_id=VACANCY_ID,
        municipality=GRONINGEN, open_days=12,
    ),
    ev.WoonzorgvisieImported: lambda: dict(
        import_id="wzv-0001", kind="housing-need", version=1, org="provincie-groningen",
        source="Woonbehoefteonderzoek 2025", imported_at=MOMENT,
        need=[ev.NeedFigure(area="WK001401", year=2030, target_group="ouderen-75",
                            housing_type="nultreden", households=40)],
    ),
    ev.StapelingFlagged: lambda: dict(
        scope=GRONINGEN, period="2026", municipality=GRONINGEN, wijk="WK001401", index=2.5,
        threshold=1.5,
    ),
}
_SAMPLES |= {
    ev.UrgencyApplied: lambda: dict(
        candidate_id=CANDIDATE_ID, municipality=GRONINGEN, category=TargetGroup.BESCHERMD_WONEN,
        applied_on=DAY, applied_by="Lentis",
    ),
    ev.UrgencyRevoked: lambda: dict(
        candidate_id=CANDIDATE_ID, municipality=GRONINGEN, revoked_on=DAY,
        reason_code="no-longer-eligible", article="art. 2.9",
    ),
    ev.UrgencyExtended: lambda: dict(
        candidate_id=CANDIDATE_ID, municipality=GRONINGEN, category=TargetGroup.BESCHERMD_WONEN,
        extended_on=DAY, valid_until=date(2026, 11, 29),
    ),
    ev.UrgencyLapsed: lambda: dict(
        candidate_id=CANDIDATE_ID, municipality=GRONINGEN, lapsed_on=DAY, reason_code="refusals",
    ),
    ev.ProposalWithdrawn: lambda: dict(
        proposal_id=PROPOSAL_ID, vacancy_id=VACANCY_ID, candidate_id=CANDIDATE_ID,
        municipality=GRONINGEN, reason_code="urgency-revoked", withdrawn_on=DAY,
    ),
    ev.ProposalCancelled: lambda: dict(
        proposal_id=PROPOSAL_ID, vacancy_id=VACANCY_ID, candidate_id=CANDIDATE_ID,
        municipality=GRONINGEN, cancelled_by=DecidedBy.CORPORATION,
        reason_code="dwelling-unavailable", cancelled_on=DAY,
    ),
    ev.CandidateLapsed: lambda: dict(
        candidate_id=CANDIDATE_ID, municipality=GRONINGEN, category=TargetGroup.BESCHERMD_WONEN,
        lapsed_on=DAY, reason_code="unanswered", count=2,
    ),
    ev.AcceptedProposalStalled: lambda: dict(
        scope="province", proposal_id=PROPOSAL_ID, vacancy_id=VACANCY_ID,
        municipality=GRONINGEN, accepted_on=DAY, accepted_days=31,
    ),
}


def sample_event(cls: type[E], **overrides: Any) -> E:
    """A valid instance of `cls`; keyword arguments replace fields (validated)."""
    try:
        fields = _SAMPLES[cls]()
    except KeyError:
        raise KeyError(f"tests/factories.py has no sample for {cls.__name__}; add one") from None
    return cls(**(fields | overrides))


def sample_events() -> list[ev.Event]:
    """One sample of every class in `shared.contracts.events.EVENT_CLASSES`."""
    return [sample_event(cls) for cls in ev.EVENT_CLASSES]


def sample_envelope(cls: type[ev.Event], *, source: str = "urn:woonregie:tests",
                    **overrides: Any) -> CloudEvent:
    return envelope_for(sample_event(cls, **overrides), source=source, time=MOMENT)
