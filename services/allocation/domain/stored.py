"""The Allocator as it is stored: its entities as plain JSON documents, and back.

Explicit functions rather than pickle: the stored form is readable, survives a Python or
library upgrade, and a renamed field fails loudly here instead of unpickling into nonsense.
This is the one module that reads and writes the aggregate's private attributes for storage;
adapters use the Allocator's public `to_document` / `from_document` (the whole aggregate) and
`stored_changes` / `from_records` (one record per entity, written only when it changed).
What changed is known without a walk over the aggregate: its entity dicts and mutable
entities note it as it happens (`tracking`), so storing a batch costs O(what it changed).

A record is (kind, key, body): the kind of entity ("candidate", "vacancy", ...), its id in
the aggregate, and its JSON text. Records are restored in the order they were first stored
(`seq`), which is the order of the aggregate's dicts, so a restored aggregate iterates alike.
Derived attributes (the live-proposal indexes, the ledger's per-half-year buckets, the rule
index) are rebuilt from the data they derive from, as the invariant check defines them.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, fields, is_dataclass
from datetime import date
from operator import attrgetter
from typing import TYPE_CHECKING, Any

from shared.contracts.periods import Period
from shared.contracts.vocabulary import (
    Accessibility,
    DecidedBy,
    IncomeClass,
    TargetGroup,
    TenantType,
)

from .counting import LettingLedger, Outcome
from .model import (
    Agreement,
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
    Response,
    Urgency,
    Vacancy,
    VacancyStatus,
)
from .policy import AllocationPolicy
from .tracking import TrackedDict

if TYPE_CHECKING:
    from .allocator import Allocator

FORMAT = 1  # bump when the document's shape changes; `from_document` refuses other formats

# every attribute of an Allocator: stored, or derived from what is stored
STORED_ATTRIBUTES = frozenset({
    "scope", "policy", "_municipalities", "_agreements", "_candidates", "_vacancies",
    "_external_lettings", "_proposals", "_attempts", "_placements", "_ledger",
})
DERIVED_ATTRIBUTES = frozenset({"_live_by_vacancy", "_live_by_candidate", "_index", "_stored",
                                "_touched"})


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
    from .allocator import Allocator
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
    a._attempts = {vacancy_id: tuple(ids) for vacancy_id, ids in doc["attempts"].items()}
    a._placements = {p.id: p for p in map(_placement_from, doc["placements"])}
    live = [p for p in a._proposals.values() if p.is_live]
    a._live_by_vacancy = {p.vacancy_id: p.id for p in live}
    a._live_by_candidate = {p.candidate_id: p.id for p in live}
    a._ledger = _ledger_from(doc["ledger"])
    track(a)
    return a


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


# --- one record per entity, stored only when it changed ------------------------------------

Record = tuple[str, str, int, str]  # (kind, key, seq, JSON body)
_COMPACT = json.JSONEncoder(separators=(",", ":")).encode


@dataclass(frozen=True)
class StoredChanges:
    upserts: list[Record]  # new or changed entities
    deletes: list[tuple[str, str]]  # (kind, key) of entities gone from the aggregate

    def __bool__(self) -> bool:
        return bool(self.upserts or self.deletes)


@dataclass(frozen=True)
class _Kind:
    name: str  # the record's kind; also the whole document's key for its list
    holder: Callable[[Allocator], Any]  # the object whose `attribute` is the kind's dict
    attribute: str
    encode: Callable[[str, Any], Any]
    # the ledger re-adds an entry it changes (forget, then record), so in the aggregate's
    # dict a changed entry moves to the end: its record moves along, to restore alike
    moves_when_changed: bool = False

    def items(self, allocator: Allocator) -> dict[str, Any]:
        return getattr(self.holder(allocator), self.attribute)


def _itself(allocator: Allocator) -> Allocator:
    return allocator


_KINDS: tuple[_Kind, ...] = (
    _Kind("municipalities", _itself, "_municipalities", lambda k, x: _municipality(x)),
    _Kind("agreements", _itself, "_agreements", lambda k, x: _agreement(x)),
    _Kind("candidates", _itself, "_candidates", lambda k, x: _candidate(x)),
    _Kind("vacancies", _itself, "_vacancies", lambda k, x: _vacancy(x)),
    _Kind("externalLettings", _itself, "_external_lettings", lambda k, x: _letting(x)),
    _Kind("proposals", _itself, "_proposals", lambda k, x: _proposal(x)),
    _Kind("attempts", _itself, "_attempts", lambda k, ids: list(ids)),
    _Kind("placements", _itself, "_placements", lambda k, x: _placement(x)),
    _Kind("ledger", lambda a: a._ledger, "_by_vacancy",
          lambda k, c: [k, c.municipality, c.outcome.value, c.on.isoformat()],
          moves_when_changed=True),
)


def track(allocator: Allocator) -> None:
    """Make every entity dict of the aggregate a `TrackedDict` noting into its `_touched`;
    what the dicts hold counts as added (stored by the next `changes`, unless restored)."""
    for kind in _KINDS:
        holder = kind.holder(allocator)
        setattr(holder, kind.attribute, TrackedDict(allocator._touched.of(kind.name),
                                                    getattr(holder, kind.attribute).items()))


@dataclass
class StoredMemo:
    """Per entity, what it was when last stored: the object and its field values (all
    immutable: strings, numbers, dates, enums, tuples, frozen dataclasses), and its seq.
    An entity whose object and values are still the same has not changed."""

    by_kind: dict[str, dict[str, tuple[Any, Any, int]]] = field(default_factory=dict)
    next_seq: int = 1

    def take_seq(self) -> int:
        self.next_seq += 1
        return self.next_seq - 1

    def copy(self) -> StoredMemo:
        return StoredMemo({name: dict(kind) for name, kind in self.by_kind.items()},
                          self.next_seq)


_READERS: dict[type, Callable[[Any], Any]] = {}  # entity class -> its field values


def _values(item: Any) -> Any:
    read = _READERS.get(type(item))
    if read is None:
        read = _READERS[type(item)] = _reader(type(item))
    return read(item)


def _reader(cls: type) -> Callable[[Any], Any]:
    if is_dataclass(cls) and not cls.__dataclass_params__.frozen:
        return attrgetter(*(f.name for f in fields(cls)))
    if (is_dataclass(cls) and cls.__dataclass_params__.frozen
            or issubclass(cls, tuple)):
        return lambda item: ()  # immutable: a change replaces the object
    raise TypeError(f"cannot tell whether a {cls.__name__} changed in place")


def changes(allocator: Allocator) -> StoredChanges:
    """What to store: the entities noted since the last call (O(those)); a dict that is no
    `TrackedDict` of this aggregate (set behind `track`'s back) is walked whole instead."""
    touched = allocator._touched
    result = StoredChanges([], [])
    for kind in _KINDS:
        items = kind.items(allocator)
        noted = touched.of(kind.name)
        if isinstance(items, TrackedDict) and items.keys_noted is noted:
            keys = touched.take(kind.name)
        else:
            noted.clear()
            keys = _every_key(allocator._stored, kind, items)
        _compare(allocator._stored, kind, items, keys, result)
    return result


def changes_by_walk(allocator: Allocator) -> StoredChanges:
    """What `changes` is to return, found by comparing every entity with the memo: O(the
    aggregate), and changes nothing. The definition the tests hold `changes` to."""
    memo = allocator._stored.copy()
    result = StoredChanges([], [])
    for kind in _KINDS:
        items = kind.items(allocator)
        _compare(memo, kind, items, _every_key(memo, kind, items), result)
    return result


def _every_key(memo: StoredMemo, kind: _Kind, items: dict[str, Any]) -> list[str]:
    """The dict's keys in its order (the order new records take their seq), then the gone."""
    stored = memo.by_kind.get(kind.name, {})
    return [*items, *(key for key in stored if key not in items)]


_GONE = object()


def _compare(memo: StoredMemo, kind: _Kind, items: dict[str, Any], keys: Iterable[str],
             result: StoredChanges) -> None:
    """Each key's entity against the memo: an upsert when new or changed, a delete when gone;
    the memo then says it is stored."""
    stored = memo.by_kind.setdefault(kind.name, {})
    for key in keys:
        item = items.get(key, _GONE)
        known = stored.get(key)
        if item is _GONE:
            if known is not None:
                del stored[key]
                result.deletes.append((kind.name, key))
            continue
        values = _values(item)
        if known is not None and known[0] is item and known[1] == values:
            continue
        keep = known is not None and not kind.moves_when_changed
        seq = known[2] if keep else memo.take_seq()
        stored[key] = (item, values, seq)
        result.upserts.append((kind.name, key, seq, _COMPACT(kind.encode(key, item))))


def from_records(scope: str, records: Iterable[Record],
                 policy: AllocationPolicy | None = None) -> Allocator:
    """The aggregate from its records, given in `seq` order; its memo says all is stored."""
    document: dict[str, Any] = {"format": FORMAT, "scope": scope, "attempts": {}}
    document |= {kind.name: [] for kind in _KINDS if kind.name != "attempts"}
    seqs: dict[tuple[str, str], int] = {}
    for kind, key, seq, body in records:
        seqs[kind, key] = seq
        if kind == "attempts":
            document["attempts"][key] = json.loads(body)
        else:
            document[kind].append(json.loads(body))
    allocator = from_document(document, policy)
    memo = allocator._stored
    for kind in _KINDS:
        memo.by_kind[kind.name] = {
            key: (item, _values(item), seqs[kind.name, key])
            for key, item in kind.items(allocator).items()}
    memo.next_seq = max(seqs.values(), default=0) + 1
    allocator._touched.clear()
    return allocator
