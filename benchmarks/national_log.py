"""A synthetic national-scale event log for the replay benchmark, as encoded CloudEvents bytes.

The Netherlands as 12 provinces of synthetic municipalities (340 in all, ~18 million people,
lognormal sizes), social stock 30% of dwellings, turnover 6.5%: ~160,000 lettings a year. Each
province is one allocation scope. Its year is played by the policy simulator's engine with the
adaptive policy (vacancies announced one by one, as the service consumes them), and every
command the engine gives the Allocator is written down as the contract event that would carry
it (municipalities, agreements, candidates, urgencies, vacancies, lettings), followed by the
events the Allocator answered with (labels, proposals, answers, placements). So the log is
consistent: replaying it through the Allocator re-derives exactly the proposals it holds.
To make the compacted stock topic part of the replay, dwellings are added (the let dwellings
plus a slice of the rest of the stock) until the log holds `target_events` events.
"""

from __future__ import annotations

import json
import math
import random
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta, timezone

from services.allocation.domain import AllocationPolicy
from services.allocation.service.outbound import to_contract
from services.registry.domain import parse_reference_data
from shared.contracts import events as ev
from shared.contracts.envelope import encode
from shared.contracts.vocabulary import AgeBand
from tools.simulator.engine import Engine
from tools.simulator.policies import setup
from tools.simulator.scenario import SCENARIO_DIR, parse_scenario
from tools.simulator.world import World

PROVINCES = 12
MUNICIPALITIES = 340
POPULATION = 18_000_000
KINDS = ("beschermd-wonen", "maatschappelijke-opvang", "vrouwenopvang", "ggz", "reclassering")
GRONINGEN_POPULATION = 602_833  # the inflow of the Groningen scenario is per this many people


def national_reference(seed: int) -> dict:
    rng = random.Random(f"national:{seed}")
    sizes = [math.exp(rng.gauss(10.2, 0.7)) for _ in range(MUNICIPALITIES)]
    scale = POPULATION / sum(sizes)
    provinces, regions, municipalities, providers = [], [], [], []
    for p in range(PROVINCES):
        pid = f"PV{p + 1:02d}"
        # the reference data wants one province with scope "province"; the rest use their id
        provinces.append({"id": pid, "name": f"Provincie {p + 1}",
                          "scope": "province" if p == 0 else pid})
        regions.append({"id": f"regio-{pid}", "name": f"Regio {p + 1}", "provinces": [pid]})
    for i, size in enumerate(sizes):
        p = i % PROVINCES
        municipalities.append({"code": f"GM{2000 + i:04d}", "name": f"Gemeente {i + 1}",
                               "population": max(1000, round(size * scale)),
                               "region": f"regio-PV{p + 1:02d}", "province": f"PV{p + 1:02d}"})
    for p in range(PROVINCES):
        members = [m["code"] for m in municipalities if m["province"] == f"PV{p + 1:02d}"]
        for kind in KINDS:
            providers.append({"id": f"{kind}-PV{p + 1:02d}", "name": f"{kind} {p + 1}",
                              "kind": kind, "municipalities": members})
    return {"version": "synthetic", "populationDate": "2025-01-01", "provinces": provinces,
            "regions": regions, "municipalities": municipalities,
            "corporations": [{"id": f"corp-PV{p + 1:02d}", "name": f"Corporatie {p + 1}"}
                             for p in range(PROVINCES)],
            "careProviders": providers}


def national_scenario(reference_raw: dict, province: str):
    raw = json.loads((SCENARIO_DIR / "groningen.json").read_text())
    reference = parse_reference_data(reference_raw)
    members = [m for m in reference.municipalities if m.province == province]
    people = sum(m.population for m in members)
    raw["scope"] = province
    raw["stock"] = {"socialShareOfDwellings": 0.30, "personsPerDwelling": {"default": 2.2},
                    "turnoverRate": {"default": 0.065}}
    raw["dwellings"]["corporations"] = {m.code: [f"corp-{province}"] for m in members}
    raw["agreement"]["urgentShare"] = 0.17
    # The worker decides a vacancy as it consumes it unless a lead is configured; the replay
    # re-derives decisions from the inputs alone, without the worker's timer.
    raw["policies"]["adaptive"].pop("decisionLeadDays", None)
    for group in raw["inflow"]["groups"].values():
        group["perYear"] = group["perYear"] * 1.5 * people / GRONINGEN_POPULATION
        group["origin"] = {}
    return parse_scenario(raw, reference)


def allocation_policy(seed: int = 1) -> AllocationPolicy:
    """The policy every province's Allocator runs with while the log is written (the
    scenario's `adaptive` policy; only stock, inflow and agreement differ by province). A
    replay must use it too, or it re-derives other decisions (pacing, weights, expiry)."""
    policy = national_scenario(national_reference(seed), "PV01").policy("adaptive")
    # The log holds no timer events (the worker's DecideDueVacancies), so every vacancy is
    # decided when it is announced: no decision lead, whatever the scenario sets.
    if getattr(policy, "decision_lead_days", None) is not None:
        policy = replace(policy, decision_lead_days=None)
    return policy


@dataclass
class Log:
    events: list[tuple[tuple, bytes]]  # (order key, encoded CloudEvent)
    placements: dict[str, int]  # scope -> placements made while generating
    proposals: dict[str, dict[str, str]]  # scope -> proposal id -> final status


class _Recorder:
    """Stands in for the engine's Allocator: writes each command down as the contract event
    that carries it, passes it on, and writes down the domain events it returns."""

    def __init__(self, allocator, sink, scope_index: int):
        self._allocator, self._sink, self._scope = allocator, sink, scope_index
        self.today = date(2000, 1, 1)
        self.seq = 0

    def __getattr__(self, name):
        return getattr(self._allocator, name)

    def _emit(self, event: ev.Event, day: date | None = None) -> None:
        self.seq += 1
        moment = datetime.combine(day or self.today, time(10), tzinfo=timezone.utc)
        self._sink.append(((moment.date(), self._scope, self.seq),
                           encode(event, source="benchmark", time=moment)))

    def _out(self, events):
        for event in events:
            self._emit(to_contract(event))
        return events

    def upsert_candidate(self, candidate):
        profile = ev.CandidateProfile(
            age_band=AgeBand.FROM_23, household_size=candidate.household_size,
            income_class=candidate.income_class, target_group=candidate.target_group,
            needs=ev.Needs(accessibility=candidate.needs.accessibility,
                           min_rooms=candidate.needs.min_rooms,
                           ambulant_support=candidate.needs.ambulant_support,
                           care_provider=candidate.needs.care_provider),
            registration_municipality=candidate.registration_municipality,
            preferred_municipalities=list(candidate.preferred_municipalities),
            excluded_municipalities=list(candidate.excluded_municipalities),
            region_binding=candidate.region_binding, registered_by=candidate.registered_by)
        self._emit(ev.CandidateRegistered(candidate_id=candidate.id, registered_on=self.today,
                                          profile=profile))
        return self._out(self._allocator.upsert_candidate(candidate))

    def grant_urgency(self, candidate_id, urgency):
        self._emit(ev.UrgencyGranted(candidate_id=candidate_id, municipality=urgency.municipality,
                                     category=urgency.category, granted_on=urgency.granted_on,
                                     valid_until=urgency.valid_until))
        return self._out(self._allocator.grant_urgency(candidate_id, urgency))

    def announce_vacancy(self, vacancy, today):
        self._emit(ev.VacancyAnnounced(
            vacancy_id=vacancy.id, available_from=vacancy.available_from,
            announced_at=datetime.combine(today, time(10), tzinfo=timezone.utc),
            dwelling=_dwelling(vacancy)), today)
        return self._out(self._allocator.announce_vacancy(vacancy, today))

    def record_letting(self, letting):
        self._emit(ev.VacancyLet(vacancy_id=letting.vacancy_id, bag_id=letting.bag_id,
                                 municipality=letting.municipality,
                                 corporation=letting.corporation,
                                 tenant_type=letting.tenant_type, let_on=letting.let_on))
        return self._out(self._allocator.record_letting(letting))

    def respond(self, *args, **kwargs):
        return self._out(self._allocator.respond(*args, **kwargs))

    def expire_due(self, today):
        return self._out(self._allocator.expire_due(today))

    def move_in(self, proposal_id, on):
        return self._out(self._allocator.move_in(proposal_id, on))


class _RecordingEngine(Engine):
    def _day(self, today, candidates, vacancies):
        self.allocator.today = today
        super()._day(today, candidates, vacancies)


def _dwelling(vacancy) -> ev.DwellingFacts:
    return ev.DwellingFacts(bag_id=vacancy.bag_id, municipality=vacancy.municipality,
                            corporation=vacancy.corporation, rooms=vacancy.rooms,
                            monthly_rent=vacancy.monthly_rent,
                            accessibility=vacancy.accessibility,
                            care_suitable=vacancy.care_suitable)


def build_log(seed: int = 1, year: int = 2026, target_events: int = 1_000_000,
              provinces: int = PROVINCES, progress=print) -> Log:
    reference_raw = national_reference(seed)
    sink: list[tuple[tuple, bytes]] = []
    placements, proposals = {}, {}
    stock: list[tuple[str, World]] = []
    for p in range(provinces):
        province = f"PV{p + 1:02d}"
        scenario = national_scenario(reference_raw, province)
        world = World(scenario, year, seed)
        policy = replace(setup("adaptive", world), batch=False,
                         allocation=allocation_policy(seed))
        engine = _RecordingEngine(world, policy)
        recorder = _Recorder(engine.allocator, sink, p)
        recorder.today = world.start - timedelta(days=1)
        for ref in world.refs.values():
            recorder._emit(ev.MunicipalityUpserted(
                code=ref.code, name=ref.name, region=ref.region, province=province,
                population=ref.population, care_providers=list(ref.care_providers)))
        recorder._emit(_agreement_event(world))
        for facts in world.vacancies:
            recorder._emit(ev.DwellingUpserted(dwelling=_dwelling(facts.vacancy)),
                           facts.announced_on - timedelta(days=1))
        engine.allocator = recorder
        result = engine.run()
        placements[province] = len(result.placements)
        proposals[province] = {q.id: q.status.value for q in recorder.proposals()}
        stock.append((province, world))
        progress(f"  {province}: {len(world.vacancies)} vacancies, {len(world.arrivals)} "
                 f"candidates, {len(result.placements)} placements, {len(sink)} events so far")
    _top_up_stock(sink, stock, target_events, seed)
    sink.sort(key=lambda item: item[0])
    return Log(sink, placements, proposals)


def _agreement_event(world: World) -> ev.AgreementPublished:
    a, fair = world.agreement(), world.fair_share
    return ev.AgreementPublished(
        scope=a.scope, period=a.period.label, version=a.version, period_start=a.period.start,
        period_end=a.period.end, urgent_share=a.urgent_share, cap_share=a.cap_share,
        key_weights=dict(world.scenario.key_weights), expected_lettings=fair.expected_lettings,
        categories=[ev.CategoryRule(category=c.category, validity_days=c.validity_days)
                    for c in a.categories],
        municipalities=list(a.municipalities),
        targets=[ev.MunicipalityTarget(municipality=t.municipality, key=t.key,
                                       base_target=t.base_target, carry_over=t.carry_over,
                                       target=t.target, expected_lettings=t.expected_lettings)
                 for t in a.targets])


def _top_up_stock(sink, worlds, target_events: int, seed: int) -> None:
    """Dwellings of the stock that were not let this year, until the log is large enough."""
    missing = target_events - len(sink)
    rng = random.Random(f"stock:{seed}")
    n = 0
    while missing > 0:
        province, world = worlds[n % len(worlds)]
        plan = world.scenario.municipalities[rng.randrange(len(world.scenario.municipalities))]
        n += 1
        dwelling = ev.DwellingFacts(
            bag_id=f"{plan.code[2:]}02{n:010d}", municipality=plan.code,
            corporation=f"corp-{province}", rooms=rng.randint(1, 5),
            monthly_rent=round(rng.uniform(450, 880), 2), accessibility="geen",
            care_suitable=False)
        moment = datetime.combine(world.start - timedelta(days=1), time(9),
                                  tzinfo=timezone.utc)
        sink.append(((moment.date(), -1, n), encode(ev.DwellingUpserted(dwelling=dwelling),
                                                    source="benchmark", time=moment)))
        missing -= 1
