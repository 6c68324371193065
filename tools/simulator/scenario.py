"""A simulation scenario: the parameters of a year, read from a JSON data file.

Everything that describes the world (stock, turnover, inflow per target group and where it
comes from, household mix, behaviour of candidates and corporations) lives in the file; this
module only reads and checks it and derives what follows from it (stock, expected lettings and
the fair-share targets through the registry's own `compute_targets`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from services.allocation.domain import (
    AllocationPolicy,
    CategoryRule,
    Pacing,
    ScoreWeights,
)
from services.registry.domain import (
    FairShareResult,
    MunicipalityInput,
    ReferenceData,
    compute_targets,
    default_reference_data,
)
from shared.contracts.decline_reasons import CANDIDATE, decline_reasons
from shared.contracts.vocabulary import Accessibility, IncomeClass, TargetGroup

SCENARIO_DIR = Path(__file__).with_name("scenarios")
POLICIES = ("adaptive", "static-quota", "fifo")


class ScenarioError(ValueError):
    """The scenario file is malformed; the message names the offending place."""


# --- parts of a scenario ------------------------------------------------------------------


@dataclass(frozen=True)
class MunicipalityPlan:
    """One municipality as the scenario sees it: reference data plus derived stock."""

    code: str
    name: str
    region: str
    population: int
    dwellings: int
    social_stock: int
    turnover_rate: float
    care_providers: tuple[str, ...]
    corporations: tuple[str, ...]

    @property
    def expected_lettings(self) -> float:
        return self.social_stock * self.turnover_rate


@dataclass(frozen=True)
class Band:
    low: float
    high: float
    share: float


@dataclass(frozen=True)
class DwellingMix:
    rooms: Mapping[int, float]
    rent: tuple[Band, ...]
    accessibility: Mapping[Accessibility, float]
    care_suitable_share: float
    notice_days: tuple[int, int]


@dataclass(frozen=True)
class GroupProfile:
    """Inflow and household mix of one target group (urgency category)."""

    group: TargetGroup
    per_year: float
    origin: Mapping[str, float]  # explicit shares; the rest is spread by population
    registered_by: str  # provider | municipality | care-office
    household_size: Mapping[int, float]
    income_class: Mapping[IncomeClass, float]
    accessibility: Mapping[Accessibility, float]
    ambulant_support: float
    care_provider_kind: str | None
    named_provider_share: float
    exclude_origin_share: float
    region_binding_share: float
    prefer_origin: float
    prefer_region: float


@dataclass(frozen=True)
class Behaviour:
    candidate_response_days: tuple[int, int]
    corporation_response_days: tuple[int, int]
    decline_preferred: float
    decline_indifferent: float
    decline_not_preferred: float
    decline_reasons: Mapping[str, float]
    corporation_decline: float
    no_response: float
    move_in_delay_days: tuple[int, int]
    stalled_let_after_days: int


@dataclass(frozen=True)
class Evaluation:
    band_tolerance: float  # realised within +-this share of the target counts as on target
    unhoused_penalty_days: float
    drain_days: int  # after the horizon, proposals already made run this long at most


@dataclass(frozen=True)
class Scenario:
    name: str
    description: str
    scope: str
    assumptions: tuple[str, ...]
    municipalities: tuple[MunicipalityPlan, ...]
    urgent_share: float
    cap_share: float
    key_weights: Mapping[str, float]
    categories: tuple[CategoryRule, ...]
    dwellings: DwellingMix
    groups: tuple[GroupProfile, ...]
    backlog_days: int
    urgency_validity_days: int
    behaviour: Behaviour
    evaluation: Evaluation
    policies: Mapping[str, AllocationPolicy] = field(default_factory=dict)
    provider_kinds: Mapping[str, str] = field(default_factory=dict)  # care provider id -> kind

    def municipality(self, code: str) -> MunicipalityPlan:
        for plan in self.municipalities:
            if plan.code == code:
                return plan
        raise KeyError(code)

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(m.code for m in self.municipalities)

    def fair_share(self) -> FairShareResult:
        """Targets of the year by the registry's formula (largest remainder, no carry-over)."""
        inputs = [MunicipalityInput(m.code, m.population, m.social_stock,
                                    round(m.expected_lettings, 6))
                  for m in self.municipalities]
        expected = round(sum(m.expected_lettings for m in self.municipalities))
        return compute_targets(inputs, dict(self.key_weights), self.urgent_share,
                               expected_lettings=expected, cap_share=self.cap_share)

    def policy(self, name: str) -> AllocationPolicy:
        if name not in POLICIES:
            raise ScenarioError(f"unknown policy {name!r}; one of {', '.join(POLICIES)}")
        return self.policies.get(name, AllocationPolicy())

    def with_urgent_share(self, share: float) -> "Scenario":
        if not 0 <= share <= 1:
            raise ScenarioError("urgent share must lie between 0 and 1")
        return replace(self, urgent_share=share)


# --- loading ------------------------------------------------------------------------------


def scenario_path(name_or_path: str) -> Path:
    """A bundled scenario by name (`groningen`) or a JSON file by path."""
    candidate = Path(name_or_path)
    if candidate.suffix == ".json" or candidate.exists():
        return candidate
    return SCENARIO_DIR / f"{name_or_path}.json"


def load_scenario(name_or_path: str, reference: ReferenceData | None = None) -> Scenario:
    path = scenario_path(name_or_path)
    if not path.exists():
        bundled = sorted(p.stem for p in SCENARIO_DIR.glob("*.json"))
        raise ScenarioError(f"no scenario {name_or_path!r}; bundled: {', '.join(bundled)}")
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ScenarioError(f"{path}: not valid JSON ({exc})") from exc
    return parse_scenario(raw, reference or default_reference_data())


def parse_scenario(raw: Mapping[str, Any], reference: ReferenceData) -> Scenario:
    scope = raw.get("scope", "province")
    agreement = _get(raw, "agreement", dict)
    inflow = _get(raw, "inflow", dict)
    evaluation = _get(raw, "evaluation", dict)
    return Scenario(
        name=_get(raw, "name", str),
        description=raw.get("description", ""),
        scope=scope,
        assumptions=tuple(raw.get("assumptions", ())),
        municipalities=_municipalities(raw, reference, scope),
        urgent_share=_share(agreement, "urgentShare"),
        cap_share=_share(agreement, "capShare"),
        key_weights=dict(_get(agreement, "keyWeights", dict)),
        categories=tuple(CategoryRule(TargetGroup(c["category"]), int(c["validityDays"]),
                                      c.get("lapseAfterRefusals"),
                                      c.get("lapseAfterUnanswered"))
                         for c in _get(agreement, "categories", list)),
        dwellings=_dwellings(_get(raw, "dwellings", dict)),
        groups=tuple(_group(name, spec) for name, spec in _get(inflow, "groups", dict).items()),
        backlog_days=int(inflow.get("backlogDays", 0)),
        urgency_validity_days=int(_get(inflow, "urgencyValidityDays", int)),
        behaviour=_behaviour(_get(raw, "behaviour", dict)),
        evaluation=Evaluation(
            band_tolerance=_share(evaluation, "bandTolerance"),
            unhoused_penalty_days=float(_get(evaluation, "unhousedPenaltyDays", (int, float))),
            drain_days=int(evaluation.get("drainDays", 120)),
        ),
        policies={name: _policy(spec) for name, spec in raw.get("policies", {}).items()},
        provider_kinds={p.id: p.kind for p in reference.care_providers},
    )


def _municipalities(raw: Mapping[str, Any], reference: ReferenceData, scope: str) -> (
    tuple[MunicipalityPlan, ...]
):
    stock = _get(raw, "stock", dict)
    social_share = _share(stock, "socialShareOfDwellings")
    persons = _get(stock, "personsPerDwelling", dict)
    turnover = _get(stock, "turnoverRate", dict)
    corporations = _get(_get(raw, "dwellings", dict), "corporations", dict)
    plans = []
    for ref in reference.municipalities_in_scope(scope):
        per_dwelling = float(persons.get(ref.code, persons["default"]))
        dwellings = round(ref.population / per_dwelling)
        if ref.code not in corporations:
            raise ScenarioError(f"dwellings.corporations: no corporation for {ref.code}")
        plans.append(MunicipalityPlan(
            code=ref.code, name=ref.name, region=ref.region, population=ref.population,
            dwellings=dwellings, social_stock=round(dwellings * social_share),
            turnover_rate=float(turnover.get(ref.code, turnover["default"])),
            care_providers=reference.care_providers_for(ref.code),
            corporations=tuple(corporations[ref.code]),
        ))
    return tuple(plans)


def _dwellings(raw: Mapping[str, Any]) -> DwellingMix:
    return DwellingMix(
        rooms={int(k): float(v) for k, v in _get(raw, "rooms", dict).items()},
        rent=tuple(Band(float(b["from"]), float(b["to"]), float(b["share"]))
                   for b in _get(raw, "rent", list)),
        accessibility={Accessibility(k): float(v)
                       for k, v in _get(raw, "accessibility", dict).items()},
        care_suitable_share=float(raw.get("careSuitableShare", 0.0)),
        notice_days=_pair(raw, "noticeDays"),
    )


def _group(name: str, raw: Mapping[str, Any]) -> GroupProfile:
    try:
        group = TargetGroup(name)
    except ValueError:
        raise ScenarioError(f"inflow.groups: unknown target group {name!r}") from None
    registered_by = raw.get("registeredBy", "municipality")
    if registered_by not in ("provider", "municipality", "care-office"):
        raise ScenarioError(f"inflow.groups.{name}.registeredBy: provider, municipality or "
                            "care-office")
    preference = raw.get("preference", {})
    return GroupProfile(
        group=group,
        per_year=float(_get(raw, "perYear", (int, float))),
        origin={str(k): float(v) for k, v in raw.get("origin", {}).items()},
        registered_by=registered_by,
        household_size={int(k): float(v) for k, v in _get(raw, "householdSize", dict).items()},
        income_class={IncomeClass(k): float(v)
                      for k, v in _get(raw, "incomeClass", dict).items()},
        accessibility={Accessibility(k): float(v)
                       for k, v in _get(raw, "accessibility", dict).items()},
        ambulant_support=float(raw.get("ambulantSupport", 0.0)),
        care_provider_kind=raw.get("careProviderKind"),
        named_provider_share=float(raw.get("namedProviderShare", 0.0)),
        exclude_origin_share=float(raw.get("excludeOriginShare", 0.0)),
        region_binding_share=float(raw.get("regionBindingShare", 0.0)),
        prefer_origin=float(preference.get("origin", 0.0)),
        prefer_region=float(preference.get("region", 0.0)),
    )


def _decline_reasons(raw: Mapping[str, Any]) -> dict[str, float]:
    """Candidates decline with codes of the shared list, as they do through the API."""
    allowed = decline_reasons().codes_for(CANDIDATE)
    unknown = sorted(set(map(str, raw)) - set(allowed))
    if unknown:
        raise ScenarioError(f"declineReasons: unknown codes {unknown}; "
                            f"allowed: {', '.join(allowed)}")
    return {str(k): float(v) for k, v in raw.items()}


def _behaviour(raw: Mapping[str, Any]) -> Behaviour:
    decline = _get(raw, "declineProbability", dict)
    return Behaviour(
        candidate_response_days=_pair(raw, "candidateResponseDays"),
        corporation_response_days=_pair(raw, "corporationResponseDays"),
        decline_preferred=float(decline["preferred"]),
        decline_indifferent=float(decline["indifferent"]),
        decline_not_preferred=float(decline["notPreferred"]),
        decline_reasons=_decline_reasons(_get(raw, "declineReasons", dict)),
        corporation_decline=float(raw.get("corporationDeclineProbability", 0.0)),
        no_response=float(raw.get("noResponseProbability", 0.0)),
        move_in_delay_days=_pair(raw, "moveInDelayDays"),
        stalled_let_after_days=int(_get(raw, "stalledLetAfterDays", int)),
    )


def _policy(raw: Mapping[str, Any]) -> AllocationPolicy:
    """AllocationPolicy settings a scenario may tune (the domain's defaults otherwise)."""
    settings: dict[str, Any] = {}
    if "proposalExpiryDays" in raw:
        settings["proposal_expiry_days"] = int(raw["proposalExpiryDays"])
    if "weights" in raw:
        settings["weights"] = ScoreWeights(**{k: float(v) for k, v in raw["weights"].items()})
    if "parkDaysByReason" in raw:
        settings["park_days_by_reason"] = {str(k): int(v)
                                           for k, v in raw["parkDaysByReason"].items()}
    if "availabilitySlackDays" in raw:
        settings["availability_slack_days"] = int(raw["availabilitySlackDays"])
    if "pacing" in raw:
        settings["pacing"] = _pacing(raw["pacing"])
    if "bandTolerance" in raw:
        settings["band_tolerance"] = _share(raw, "bandTolerance")
    if raw.get("decisionLeadDays") is not None:
        settings["decision_lead_days"] = _get(raw, "decisionLeadDays", int)
        if settings["decision_lead_days"] < 0:
            raise ScenarioError("field 'decisionLeadDays' must not be negative")
    unknown = set(raw) - {"proposalExpiryDays", "weights", "parkDaysByReason",
                          "availabilitySlackDays", "pacing", "bandTolerance",
                          "decisionLeadDays"}
    if unknown:
        raise ScenarioError(f"policies: unknown settings {sorted(unknown)}")
    return AllocationPolicy(**settings)


def _pacing(value: Any) -> Pacing:
    try:
        return Pacing(value)
    except ValueError:
        raise ScenarioError(f"pacing must be one of {[p.value for p in Pacing]}, "
                            f"not {value!r}") from None


def _get(raw: Mapping[str, Any], key: str, kind: type | tuple[type, ...]) -> Any:
    if key not in raw:
        raise ScenarioError(f"missing field {key!r}")
    value = raw[key]
    if not isinstance(value, kind):
        raise ScenarioError(f"field {key!r} has the wrong type ({type(value).__name__})")
    return value


def _share(raw: Mapping[str, Any], key: str) -> float:
    value = float(_get(raw, key, (int, float)))
    if not 0 <= value <= 1:
        raise ScenarioError(f"field {key!r} must lie between 0 and 1")
    return value


def _pair(raw: Mapping[str, Any], key: str) -> tuple[int, int]:
    low, high = _get(raw, key, list)
    if int(low) > int(high):
        raise ScenarioError(f"field {key!r}: first must not exceed second")
    return int(low), int(high)
