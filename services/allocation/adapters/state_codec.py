"""The Allocator aggregate as a plain JSON document and back, field by field.

Explicit functions rather than pickle: the stored document is readable, survives a Python or
library upgrade, and a renamed field fails loudly here instead of unpickling into nonsense.

The domain keeps its state in private attributes and offers no (de)serialisation of its own
(it must stay pure and is owned elsewhere), so this module is the one place outside the domain
that reads and writes them. `STATE_ATTRIBUTES` lists every attribute handled; a unit test
compares it with a fresh Allocator so that a new domain attribute cannot be silently dropped.
Derived attributes (the live-proposal indexes, the ledger's per-half-year buckets) are rebuilt
from the data they derive from, as the domain's own invariant check defines them.
"""

from __future__ import annotations

import json
import operator
import weakref
from collections.abc import Callable
from datetime import date
from typing import Any

from services.allocation.domain import (
    Agreement,
    AllocationPolicy,
    Allocator,
    Candidate,
    CandidateStatus,
    CategoryRule,
    Decision,
    Explanation,
    Letting,
    MunicipalityRef,
    MunicipalityTarget,
    Needs,
    Placement,
    Proposal,
    ProposalStatus,
    RankedCandidate,
    Urgency,
    Vacancy,
    VacancyStatus,
)
from services.allocation.domain.counting import LettingLedger, Outcome
from services.allocation.domain.model import Response
from shared.periods import Period
from shared.vocabulary import Accessibility, DecidedBy, IncomeClass, TargetGroup, TenantType

FORMAT = 1  # bump when the document's shape changes; `from_document` refuses other formats

STATE_ATTRIBUTES = frozenset({
    "scope", "policy", "_municipalities", "_agreements", "_candidates", "_vacancies",
    "_external_lettings", "_proposals", "_attempts", "_live_by_vacancy", "_live_by_candidate",
    "_placements", "_ledger",
})


class UnknownStateFormat(Exception):
    pass


# --- whole aggregate ------------------------------------------------------------------------


def to_document(allocator: Allocator) -> dict[str, Any]:
    a = allocator
    return {
        "format": FORMAT,
        "scope": a.scope,
        # lists keep the dicts' insertion order, so a reloaded aggregate iterates alike
        "municipalities": [_municipality(m) for m in a._municipalities.values()],
        "agreements": [_agreement(x) for x in a._agreements.values()],
        "candidates": [_candidate(c) for c in a._candidates.values()],
        "vacancies": [_vacancy(v) for v in a._vacancies.values()],
        "externalLettings": [_letting(x) for x in a._external_lettings.values()],
        "proposals": [_proposal(p) for p in a._proposals.values()],
        "attempts": {vacancy_id: list(ids) for vacancy_id, ids in a._attempts.items()},
        "placements": [_placement(p) for p in a._placements.values()],
        "ledger": [[vacancy_id, c.municipality, c.outcome.value, c.on.isoformat()]
                   for vacancy_id, c in a._ledger._by_vacancy.items()],
    }


def from_document(doc: dict[str, Any], policy: AllocationPolicy | None = None) -> Allocator:
    if doc.get("format") != FORMAT:
        raise UnknownStateFormat(f"allocator state format {doc.get('format')!r}, "
                                 f"this code reads {FORMAT}")
    a = Allocator(doc["scope"], policy)
    a._municipalities = {m.code: m for m in map(_municipality_from, doc["municipalities"])}
    a._agreements = {x.period.label: x for x in map(_agreement_from, doc["agreements"])}
    a._candidates = {c.id: c for c in map(_candidate_from, doc["candidates"])}
    a._vacancies = {v.id: v for v in map(_vacancy_from, doc["vacancies"])}
    a._external_lettings = {x.vacancy_id: x for x in map(_letting_from, doc["externalLettings"])}
    a._proposals = {p.id: p for p in map(_proposal_from, doc["proposals"])}
    a._attempts = {vacancy_id: list(ids) for vacancy_id, ids in doc["attempts"].items()}
    a._placements = {p.id: p for p in map(_placement_from, doc["placements"])}
    live = [p for p in a._proposals.values() if p.is_live]
    a._live_by_vacancy = {p.vacancy_id: p.id for p in live}
    a._live_by_candidate = {p.candidate_id: p.id for p in live}
    a._ledger = _ledger_from(doc["ledger"])
    return a


# --- the document as JSON text, re-encoding only what changed --------------------------------

_COMPACT = json.JSONEncoder(separators=(",", ":")).encode
# per live Allocator object: its entities' last JSON fragments (see `to_json`)
_FRAGMENTS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_FROZEN: dict[type, bool] = {}  # entity class -> a frozen dataclass?


def to_json(allocator: Allocator) -> str:
    """`json.dumps(to_document(allocator), separators=(",", ":"))`, character for character,
    but cheap to repeat: the worker writes the whole document after every batch, and nearly
    all of a large scope's candidates, vacancies and proposals are unchanged since the last
    time. Each entity's JSON fragment is kept with the values of its fields, and reused while
    every field still holds the very same object (the field values are immutable: strings,
    numbers, dates, enums, tuples, frozen dataclasses); any reassigned field re-encodes it.
    """
    a = allocator
    memo = _FRAGMENTS.get(a)
    if memo is None:
        memo = _FRAGMENTS[a] = {}
    ledger = a._ledger._by_vacancy
    parts = [
        '{"format":', _COMPACT(FORMAT), ',"scope":', _COMPACT(a.scope),
        ',"municipalities":', _list(memo, "m", a._municipalities, _municipality),
        ',"agreements":', _list(memo, "a", a._agreements, _agreement),
        ',"candidates":', _list(memo, "c", a._candidates, _candidate),
        ',"vacancies":', _list(memo, "v", a._vacancies, _vacancy),
        ',"externalLettings":', _list(memo, "x", a._external_lettings, _letting),
        ',"proposals":', _list(memo, "p", a._proposals, _proposal),
        ',"attempts":', _COMPACT({vacancy_id: list(ids)
                                  for vacancy_id, ids in a._attempts.items()}),
        ',"placements":', _list(memo, "pl", a._placements, _placement),
        ',"ledger":', _list(memo, "l", ledger, None, keys=True), "}",
    ]
    return "".join(parts)


def _list(memo: dict, kind: str, items: dict, encode: Callable[[Any], dict] | None,
          *, keys: bool = False) -> str:
    previous: dict = memo.get(kind, {})
    current: dict = {}
    fragments = []
    same = operator.is_
    for key, item in items.items():
        known = previous.get(key)
        if _FROZEN.get(type(item)) is None:
            _FROZEN[type(item)] = bool(getattr(type(item).__dataclass_params__, "frozen"))
        if _FROZEN[type(item)]:  # immutable: the same object encodes the same
            values = ()
            if known is not None and known[0] is item:
                current[key] = known
                fragments.append(known[2])
                continue
        else:
            values = tuple(vars(item).values())
        if (known is not None and known[0] is item and len(known[1]) == len(values)
                and all(map(same, known[1], values))):
            fragment = known[2]
        elif keys:  # the letting ledger: [vacancy id, municipality, outcome, day]
            fragment = _COMPACT([key, item.municipality, item.outcome.value,
                                 item.on.isoformat()])
        else:
            fragment = _COMPACT(encode(item))
        current[key] = (item, values, fragment)
        fragments.append(fragment)
    memo[kind] = current  # entities gone from the aggregate are forgotten
    return "[" + ",".join(fragments) + "]"


# --- reference data -------------------------------------------------------------------------


def _municipality(m: MunicipalityRef) -> dict:
    return {"code": m.code, "region": m.region, "province": m.province,
            "population": m.population, "careProviders": list(m.care_providers),
            "name": m.name}


def _municipality_from(d: dict) -> MunicipalityRef:
    return MunicipalityRef(d["code"], d["region"], d["province"], d["population"],
                           tuple(d["careProviders"]), d["name"])


def _agreement(x: Agreement) -> dict:
    return {
        "scope": x.scope, "period": x.period.label, "urgentShare": x.urgent_share,
        "capShare": x.cap_share, "version": x.version,
        "categories": [[r.category.value, r.validity_days, r.lapse_after_refusals,
                        r.lapse_after_unanswered] for r in x.categories],
        "targets": [{"municipality": t.municipality, "target": t.target,
                     "expectedLettings": t.expected_lettings, "key": t.key,
                     "baseTarget": t.base_target, "carryOver": t.carry_over}
                    for t in x.targets],
    }


def _agreement_from(d: dict) -> Agreement:
    return Agreement(
        scope=d["scope"], period=Period.parse(d["period"]), urgent_share=d["urgentShare"],
        cap_share=d["capShare"], version=d["version"],
        # documents from before the lapse rules hold [category, days] only
        categories=tuple(CategoryRule(TargetGroup(c[0]), *c[1:]) for c in d["categories"]),
        targets=tuple(MunicipalityTarget(t["municipality"], t["target"], t["expectedLettings"],
                                         t["key"], t["baseTarget"], t["carryOver"])
                      for t in d["targets"]),
    )


# --- candidates -----------------------------------------------------------------------------


def _candidate(c: Candidate) -> dict:
    return {
        "id": c.id, "householdSize": c.household_size, "incomeClass": c.income_class.value,
        "targetGroup": c.target_group.value,
        "registrationMunicipality": c.registration_municipality,
        "registeredBy": c.registered_by,
        "needs": {"accessibility": c.needs.accessibility.value, "minRooms": c.needs.min_rooms,
                  "ambulantSupport": c.needs.ambulant_support,
                  "careProvider": c.needs.care_provider},
        "preferredMunicipalities": list(c.preferred_municipalities),
        "excludedMunicipalities": list(c.excluded_municipalities),
        "regionBinding": c.region_binding, "availableFrom": _day(c.available_from),
        "urgency": None if c.urgency is None else {
            "category": c.urgency.category.value, "grantedOn": c.urgency.granted_on.isoformat(),
            "validUntil": c.urgency.valid_until.isoformat(),
            "municipality": c.urgency.municipality},
        "parkedUntil": _day(c.parked_until), "status": c.status.value,
        "refusals": c.refusals, "unanswered": c.unanswered,
    }


def _candidate_from(d: dict) -> Candidate:
    needs, urgency = d["needs"], d["urgency"]
    return Candidate(
        id=d["id"], household_size=d["householdSize"], income_class=IncomeClass(d["incomeClass"]),
        target_group=TargetGroup(d["targetGroup"]),
        registration_municipality=d["registrationMunicipality"],
        registered_by=d["registeredBy"],
        needs=Needs(Accessibility(needs["accessibility"]), needs["minRooms"],
                    needs["ambulantSupport"], needs["careProvider"]),
        preferred_municipalities=tuple(d["preferredMunicipalities"]),
        excluded_municipalities=tuple(d["excludedMunicipalities"]),
        region_binding=d["regionBinding"], available_from=_day_from(d["availableFrom"]),
        urgency=None if urgency is None else Urgency(
            TargetGroup(urgency["category"]), date.fromisoformat(urgency["grantedOn"]),
            date.fromisoformat(urgency["validUntil"]), urgency["municipality"]),
        parked_until=_day_from(d["parkedUntil"]), status=CandidateStatus(d["status"]),
        refusals=d.get("refusals", 0), unanswered=d.get("unanswered", 0),
    )


# --- vacancies and lettings -----------------------------------------------------------------


def _vacancy(v: Vacancy) -> dict:
    return {
        "id": v.id, "bagId": v.bag_id, "municipality": v.municipality,
        "corporation": v.corporation, "rooms": v.rooms, "monthlyRent": v.monthly_rent,
        "accessibility": v.accessibility.value, "availableFrom": v.available_from.isoformat(),
        "careSuitable": v.care_suitable, "status": v.status.value, "labelled": v.labelled,
        "labelReason": v.label_reason, "decidedOn": _day(v.decided_on),
    }


def _vacancy_from(d: dict) -> Vacancy:
    return Vacancy(
        id=d["id"], bag_id=d["bagId"], municipality=d["municipality"],
        corporation=d["corporation"], rooms=d["rooms"], monthly_rent=d["monthlyRent"],
        accessibility=Accessibility(d["accessibility"]),
        available_from=date.fromisoformat(d["availableFrom"]), care_suitable=d["careSuitable"],
        status=VacancyStatus(d["status"]), labelled=d["labelled"],
        label_reason=d["labelReason"], decided_on=_day_from(d["decidedOn"]),
    )


def _letting(x: Letting) -> dict:
    return {"vacancyId": x.vacancy_id, "bagId": x.bag_id, "municipality": x.municipality,
            "corporation": x.corporation, "tenantType": x.tenant_type.value,
            "letOn": x.let_on.isoformat()}


def _letting_from(d: dict) -> Letting:
    return Letting(d["vacancyId"], d["bagId"], d["municipality"], d["corporation"],
                   TenantType(d["tenantType"]), date.fromisoformat(d["letOn"]))


def _ledger_from(entries: list) -> LettingLedger:
    ledger = LettingLedger()
    # `record` keeps the per-half-year counts in step, exactly as live processing did
    for vacancy_id, municipality, outcome, on in entries:
        ledger.record(vacancy_id, municipality, Outcome(outcome), date.fromisoformat(on))
    return ledger


# --- proposals and placements ---------------------------------------------------------------


def explanation_document(e: Explanation) -> dict:
    """Also the proposals read model's `explanation` column (camelCase, as the API shows it)."""
    return {
        "labelReason": e.label_reason, "eligibleCount": e.eligible_count,
        "ranked": [{"candidateId": r.candidate_id, "score": r.score,
                    "components": dict(r.components)} for r in e.ranked],
        "excluded": dict(e.excluded),
    }


def _explanation_from(d: dict) -> Explanation:
    return Explanation(
        label_reason=d["labelReason"], eligible_count=d["eligibleCount"],
        ranked=tuple(RankedCandidate(r["candidateId"], r["score"], dict(r["components"]))
                     for r in d["ranked"]),
        excluded=dict(d["excluded"]),
    )


def response_document(r: Response | None) -> dict | None:
    if r is None:
        return None
    return {"decision": r.decision.value, "on": r.on.isoformat(), "reason": r.reason}


def _response_from(d: dict | None) -> Response | None:
    if d is None:
        return None
    return Response(Decision(d["decision"]), date.fromisoformat(d["on"]), d["reason"])


def _proposal(p: Proposal) -> dict:
    return {
        "id": p.id, "vacancyId": p.vacancy_id, "candidateId": p.candidate_id,
        "attempt": p.attempt, "category": p.category.value,
        "urgencyGrantedOn": p.urgency_granted_on.isoformat(),
        "proposedOn": p.proposed_on.isoformat(), "expiresOn": p.expires_on.isoformat(),
        "explanation": explanation_document(p.explanation), "status": p.status.value,
        "corporationResponse": response_document(p.corporation_response),
        "candidateResponse": response_document(p.candidate_response),
        "closedOn": _day(p.closed_on),
        "closedBy": None if p.closed_by is None else p.closed_by.value,
        "closeReason": p.close_reason,
    }


def _proposal_from(d: dict) -> Proposal:
    return Proposal(
        id=d["id"], vacancy_id=d["vacancyId"], candidate_id=d["candidateId"],
        attempt=d["attempt"], category=TargetGroup(d["category"]),
        urgency_granted_on=date.fromisoformat(d["urgencyGrantedOn"]),
        proposed_on=date.fromisoformat(d["proposedOn"]),
        expires_on=date.fromisoformat(d["expiresOn"]),
        explanation=_explanation_from(d["explanation"]), status=ProposalStatus(d["status"]),
        corporation_response=_response_from(d["corporationResponse"]),
        candidate_response=_response_from(d["candidateResponse"]),
        closed_on=_day_from(d["closedOn"]),
        closed_by=None if d["closedBy"] is None else DecidedBy(d["closedBy"]),
        close_reason=d["closeReason"],
    )


def _placement(p: Placement) -> dict:
    return {
        "id": p.id, "proposalId": p.proposal_id, "vacancyId": p.vacancy_id, "bagId": p.bag_id,
        "candidateId": p.candidate_id, "municipality": p.municipality,
        "originMunicipality": p.origin_municipality, "targetGroup": p.target_group.value,
        "urgencyGrantedOn": _day(p.urgency_granted_on),
        "moveInDate": p.move_in_date.isoformat(),
    }


def _placement_from(d: dict) -> Placement:
    return Placement(
        id=d["id"], proposal_id=d["proposalId"], vacancy_id=d["vacancyId"], bag_id=d["bagId"],
        candidate_id=d["candidateId"], municipality=d["municipality"],
        origin_municipality=d["originMunicipality"], target_group=TargetGroup(d["targetGroup"]),
        urgency_granted_on=_day_from(d["urgencyGrantedOn"]),
        move_in_date=date.fromisoformat(d["moveInDate"]),
    )


# --- values ---------------------------------------------------------------------------------


def _day(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _day_from(value: str | None) -> date | None:
    return None if value is None else date.fromisoformat(value)
