"""Access: every endpoint of every service x every role x own/foreign organisation x no token.

The endpoints come from each service's OpenAPI document (/v1/openapi.json), so an endpoint
added without a row in `EXPECTED` fails the test. Each row is written out per role as
(status for the caller's own record, status for another organisation's record); for a list
or an endpoint without owner both are the same. 401 without a token, 403 for a role that may
not call the endpoint, 404 (or the same answer as for an unknown id) for another
organisation's record. The requests are real: own records exist and are the caller's,
foreign records exist and belong to another organisation of the same role.

Also: tokens are stored hashed (no token in clear in the auth database), and a revoked token
(`woonregie tokens revoke ID`) is refused at once with 401, by every service.
"""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from reliability_helpers import (
    FOREIGN_ORG,
    ORG,
    PROBLEM,
    ROLES,
    candidate_body,
    dwelling_body,
    new_bag_id,
    run_cli,
    wait_until,
)

from services.allocation.bootstrap import inputs_processor
from services.intake.domain.bsn import fake_bsn
from shared.auth import hash_token
from shared.contracts import events as ev
from shared.contracts.envelope import encode
from shared.contracts.periods import today_amsterdam, utcnow
from shared.contracts.vocabulary import Accessibility, AgeBand, IncomeClass, TargetGroup
from shared.messaging.consuming import Inbound, Outcome

pytestmark = pytest.mark.kafka

ANON = "anon"
CP, CO, MU, CR, PR, AD = ROLES


def row(anon: int, care_provider, care_office, municipality, corporation, province, admin):
    """One endpoint's expectations: anonymous status, then (own, foreign) per role in the
    order of ROLES; a bare int means the same status for own and foreign."""
    pairs = (care_provider, care_office, municipality, corporation, province, admin)
    expected = {ANON: anon}
    for role, pair in zip(ROLES, pairs):
        expected[role] = pair if isinstance(pair, tuple) else (pair, pair)
    return expected


# (own, foreign) per role:   anon  care-prov   care-off    municip.    corporation province    admin
EXPECTED: dict[str, dict[str, dict]] = {
    "registry": {
        "GET /v1/health": row(200, 200, 200, 200, 200, 200, 200),
        "GET /v1/municipalities": row(401, 200, 200, 200, 200, 200, 200),
        "GET /v1/municipalities/{code}": row(401, 200, 200, 200, 200, 200, 200),
        "PUT /v1/municipalities/{code}": row(401, 403, 403, 403, 403, 403, 200),
        "GET /v1/regions": row(401, 200, 200, 200, 200, 200, 200),
        "GET /v1/corporations": row(401, 200, 200, 200, 200, 200, 200),
        # a foreign dwelling may not be overwritten (403), nor read (404, as unknown)
        "PUT /v1/dwellings/{bagId}": row(401, 403, 403, 403, (200, 403), 403, 403),
        "GET /v1/dwellings/{bagId}": row(401, 403, 403, 403, (200, 404), 403, 403),
        "GET /v1/dwellings": row(401, 403, 403, 403, 200, 403, 403),
        # another corporation's BAG id in a file: the same row error as an unknown one
        "POST /v1/dwelling-imports": row(401, 403, 403, 403, (201, 422), 403, 403),
        # a vacancy of another's dwelling: the same 422 as for an unknown dwelling
        "POST /v1/vacancies": row(401, 403, 403, 403, (201, 422), 403, 403),
        "GET /v1/vacancies": row(401, 403, 403, 403, 200, 403, 403),
        "GET /v1/vacancies/{id}": row(401, 403, 403, 403, (200, 404), 403, 403),
        "DELETE /v1/vacancies/{id}": row(401, 403, 403, 403, (200, 404), 403, 403),
        "POST /v1/vacancies/{id}/lettings": row(401, 403, 403, 403, (201, 404), 403, 403),
        "PUT /v1/agreements/{scope}/{period}": row(401, 403, 403, 403, 403, 201, 201),
        "GET /v1/agreements/{scope}/{period}": row(401, 200, 200, 200, 200, 200, 200),
        "GET /v1/agreements/{scope}/{period}/targets": row(401, 200, 200, 200, 200, 200, 200),
        "POST /v1/agreements/{scope}/{period}/preview": row(401, 403, 403, 403, 403, 200, 200),
        # woonzorgvisie: province, or a municipality for its own areas (another's: row error)
        **{f"POST /v1/{kind}-imports": row(401, 403, 403, (201, 422), 403, 201, 403)
           for kind in ("housing-need", "population-forecast", "building-programme")},
        "POST /v1/need-rate-imports": row(401, 403, 403, 201, 403, 201, 403),
    },
    "intake": {
        "GET /v1/health": row(200, 200, 200, 200, 200, 200, 200),
        "POST /v1/candidates": row(401, 201, 201, 403, 403, 403, 403),
        "GET /v1/candidates": row(401, 200, 200, 200, 403, 403, 403),
        "GET /v1/candidates/{candidate_id}": row(401, (200, 404), (200, 404), 403, 403, 403, 403),
        "PATCH /v1/candidates/{candidate_id}": row(401, (200, 404), (200, 404), 403, 403, 403,
                                                   403),
        "DELETE /v1/candidates/{candidate_id}": row(401, (204, 404), (204, 404), 403, 403, 403,
                                                    403),
        "POST /v1/candidates/{candidate_id}/withdrawal": row(401, (200, 404), (200, 404), 403,
                                                             403, 403, 403),
        # the municipality the candidate is registered in decides; another gets 404
        "POST /v1/candidates/{candidate_id}/urgency-decisions": row(401, 403, 403, (201, 404),
                                                                    403, 403, 403),
        "POST /v1/candidate-imports": row(401, 201, 201, 403, 403, 403, 403),
        # the registering organisation or the registration municipality applies
        "POST /v1/candidates/{candidate_id}/urgency-applications": row(
            401, (201, 404), (201, 404), (201, 404), 403, 403, 403),
    },
    "allocation": {
        "GET /v1/health": row(200, 200, 200, 200, 200, 200, 200),
        "GET /v1/proposals": row(401, 200, 200, 200, 200, 200, 200),
        "GET /v1/proposals/{id}": row(401, (200, 404), (200, 404), (200, 404), (200, 404), 200,
                                      200),
        "POST /v1/proposals/{id}/responses": row(401, (200, 404), (200, 404), 403, (200, 404),
                                                 403, 403),
        "POST /v1/proposals/{id}/move-in": row(401, 403, 403, 403, (201, 404), 403, 403),
        # an accepted proposal: the corporation or the candidate's side undoes it
        "POST /v1/proposals/{id}/cancellation": row(401, (200, 404), (200, 404), 403,
                                                    (200, 404), 403, 403),
        # the vacancy's corporation and the candidate's parties; others: 404 as unknown
        "GET /v1/vacancies/{vacancyId}/assessments/{candidateId}": row(
            401, (200, 404), (200, 404), (200, 404), (200, 404), 200, 200),
        "GET /v1/placements": row(401, 200, 200, 200, 200, 200, 200),
        "GET /v1/decline-reasons": row(401, 200, 200, 200, 200, 200, 200),
        "GET /v1/placements/{id}": row(401, (200, 404), (200, 404), (200, 404), (200, 404), 200,
                                       200),
    },
    "monitoring": {
        "GET /v1/health": row(200, 200, 200, 200, 200, 200, 200),
        # public with suppression; a municipality asking for another's detail: 403
        **{f"GET /v1/{report}": row(200, 200, 200, (200, 403), 200, 200, 200)
           for report in ("realisation", "realisation.csv", "realisation-series",
                          "realisation-series.csv", "flows", "flows.csv", "waiting-times",
                          "waiting-times.csv", "proposal-funnel", "proposal-funnel.csv",
                          "stock", "stock.csv", "alerts", "alerts.csv",
                          "origin-destination", "origin-destination.csv",
                          "active-households", "active-households.csv",
                          "decision-times", "decision-times.csv")},
        "GET /v1/filter-options": row(200, 200, 200, 200, 200, 200, 200),
        **{f"GET /v1/{report}": row(200, 200, 200, (200, 403), 200, 200, 200)
           for report in ("housing-gap", "stapeling", "programme-realisation")},
    },
}


# --- the platform under test ------------------------------------------------------------------


@dataclass
class Request:
    path: str
    json: object = None
    content: bytes | None = None
    headers: dict = field(default_factory=dict)


@dataclass
class World:
    """Four running services (TestClients on the test broker) and records owned by known
    organisations; `make(endpoint, role, own)` builds the request for one table cell."""

    apps: dict
    tokens: object
    headers: dict = field(default_factory=dict)
    cache: dict = field(default_factory=dict)
    year: int = field(default_factory=lambda: today_amsterdam().year)

    def header(self, role: str, org: str | None = None) -> dict:
        key = (role, org or ORG[role])
        if key not in self.headers:
            self.headers[key] = self.tokens.issue(org or ORG[role], role)
        return self.headers[key]

    def call(self, service: str, method: str, request: Request, headers: dict):
        client = self.apps[service]
        return client.request(method, request.path, json=request.json, content=request.content,
                              headers={**request.headers, **headers})

    def ok(self, service: str, method: str, path: str, role: str, org: str | None = None,
           **kwargs):
        response = self.apps[service].request(method, path, headers=self.header(role, org),
                                              **kwargs)
        assert response.status_code < 300, (method, path, response.status_code, response.text)
        return response.json() if response.content else None

    # registry records -----------------------------------------------------------------------
    def dwelling(self, corporation: str) -> str:
        bag_id = new_bag_id()
        self.ok("registry", "PUT", f"/v1/dwellings/{bag_id}", CR, corporation,
                json=dwelling_body())
        return bag_id

    def vacancy(self, corporation: str) -> str:
        bag_id = self.dwelling(corporation)
        return self.ok("registry", "POST", "/v1/vacancies", CR, corporation,
                       json={"bagId": bag_id, "availableFrom": today_amsterdam().isoformat()})["id"]

    # intake records -------------------------------------------------------------------------
    def candidate(self, registrar_role: str, registrar: str, municipality: str = "GM0014",
                  withdrawn: bool = False) -> str:
        body = candidate_body(municipality, preferredMunicipalities=[municipality])
        candidate_id = self.ok("intake", "POST", "/v1/candidates", registrar_role, registrar,
                               json=body)["id"]
        if withdrawn:
            self.ok("intake", "POST", f"/v1/candidates/{candidate_id}/withdrawal",
                    registrar_role, registrar, json={"reason": "moved-away"})
        return candidate_id

    # allocation records: fed to the allocation service as its worker would --------------------
    def feed(self, *events: ev.Event) -> None:
        processor = self.cache.get("processor")
        if processor is None:
            processor = self.cache["processor"] = inputs_processor(
                self.apps["allocation"].app.state.runtime)
        for event in events:
            raw = encode(event, source="urn:woonregie:tests", event_id=str(uuid.uuid4()))
            outcome = processor.process(Inbound(event.TOPIC.name, 0, 0, event.key().encode(),
                                                raw, []))
            assert outcome is Outcome.HANDLED, (event, outcome)

    def allocation_reference(self) -> None:
        if self.cache.get("allocation-reference"):
            return
        today = today_amsterdam()
        codes = ("GM0014", "GM1966")
        self.feed(*(ev.MunicipalityUpserted(
            code=code, name=code, region="groningen-assen", province="PV20", population=50_000,
            care_providers=[ORG[CP], FOREIGN_ORG[CP]]) for code in codes))
        self.feed(ev.AgreementPublished(
            scope="province", period=str(today.year), version=1,
            period_start=today.replace(month=1, day=1), period_end=today.replace(month=12, day=31),
            urgent_share=1.0, cap_share=1.0, key_weights={"population": 1.0},
            expected_lettings=2, categories=[ev.CategoryRule(
                category=TargetGroup.BESCHERMD_WONEN, validity_days=365)],
            municipalities=list(codes),
            targets=[ev.MunicipalityTarget(municipality=code, key=0.5, base_target=1000,
                                           carry_over=0, target=1000, expected_lettings=1.0)
                     for code in codes]))
        self.cache["allocation-reference"] = True

    def proposal(self, *, corporation: str, municipality: str, registered_by: str,
                 care_provider: str, accepted: bool = False) -> str:
        """A new open proposal: one new candidate with urgency, one new vacancy; every earlier
        candidate is engaged already, so this candidate gets this vacancy."""
        self.allocation_reference()
        today = today_amsterdam()
        candidate_id, vacancy_id = str(uuid.uuid4()), str(uuid.uuid4())
        # each new candidate has waited longest: it outranks any candidate a cancellation
        # set free again
        waited = 1 + len(self.cache.setdefault("candidates", []))
        self.cache["candidates"].append(candidate_id)
        profile = ev.CandidateProfile(
            age_band=AgeBand.FROM_23, household_size=1, income_class=IncomeClass.PASSEND,
            target_group=TargetGroup.BESCHERMD_WONEN,
            needs=ev.Needs(accessibility=Accessibility.GEEN, ambulant_support=False,
                           care_provider=care_provider),
            registration_municipality=municipality, registered_by=registered_by)
        self.feed(
            ev.CandidateRegistered(candidate_id=candidate_id, registered_on=today,
                                   profile=profile),
            ev.UrgencyGranted(candidate_id=candidate_id, municipality=municipality,
                              category=TargetGroup.BESCHERMD_WONEN,
                              granted_on=today - timedelta(days=waited),
                              valid_until=today + timedelta(days=300)),
            ev.VacancyAnnounced(vacancy_id=vacancy_id, available_from=today,
                                announced_at=utcnow(), dwelling=ev.DwellingFacts(
                                    bag_id=new_bag_id(municipality), municipality=municipality,
                                    corporation=corporation, rooms=3, monthly_rent=500.0,
                                    accessibility=Accessibility.NULTREDEN)))
        page = self.ok("allocation", "GET", "/v1/proposals?pageSize=500", AD)
        found = [p for p in page["items"] if p["vacancyId"] == vacancy_id]
        assert len(found) == 1 and found[0]["candidateId"] == candidate_id, found
        proposal_id = found[0]["id"]
        if accepted:
            self.ok("allocation", "POST", f"/v1/proposals/{proposal_id}/responses", CR,
                    corporation, json={"decision": "accepted", "decidedBy": "corporation"})
            side = CO if registered_by == ORG[CO] else CP
            self.ok("allocation", "POST", f"/v1/proposals/{proposal_id}/responses", side,
                    registered_by, json={"decision": "accepted", "decidedBy": "candidate"})
        return proposal_id

    def proposal_for(self, role: str, own: bool, accepted: bool = False) -> str:
        """Proposal A (lefier, GM0014, registered by and in care of the care provider) is own
        to every role but the care office; proposal B (nijestee, GM1966, registered by Menzis,
        in care of another provider) is own to the care office."""
        a = dict(corporation=ORG[CR], municipality=ORG[MU], registered_by=ORG[CP],
                 care_provider=ORG[CP])
        b = dict(corporation=FOREIGN_ORG[CR], municipality=FOREIGN_ORG[MU],
                 registered_by=ORG[CO], care_provider=FOREIGN_ORG[CP])
        return self.proposal(**((a if own else b) if role != CO else (b if own else a)),
                             accepted=accepted)

    def shared(self, name: str, build: Callable[[], str]) -> str:
        """A record that reads need only once."""
        if name not in self.cache:
            self.cache[name] = build()
        return self.cache[name]

    def placement_for(self, role: str, own: bool) -> str:
        def build():
            proposal_id = self.proposal_for(role, own, accepted=True)
            corporation = self.apps["allocation"].get(
                f"/v1/proposals/{proposal_id}", headers=self.header(AD)).json()["corporation"]
            return self.ok("allocation", "POST", f"/v1/proposals/{proposal_id}/move-in", CR,
                           corporation, json={"date": today_amsterdam().isoformat()})["id"]

        owner = "B" if (role == CO) == own else "A"
        return self.shared(f"placement-{owner}", build)


def owner_org(role: str, own: bool, owning_role: str) -> str:
    """The organisation owning the record: the caller's own org when the caller has the owning
    role and asks for its own record; else another org of the owning role."""
    if role == owning_role:
        return ORG[owning_role] if own else FOREIGN_ORG[owning_role]
    return ORG[owning_role]


def registrar_of(role: str, own: bool) -> tuple[str, str]:
    """(role, org) registering a candidate: the caller when it registers candidates."""
    if role in (CP, CO):
        return role, (ORG[role] if own else FOREIGN_ORG[role])
    return CP, ORG[CP]


def build_request(world: World, service: str, endpoint: str, role: str, own: bool) -> Request:
    """The request for one cell of the table; `role` is the caller (anon: any records)."""
    method, template = endpoint.split(" ", 1)
    caller = CR if role == ANON else role
    today = today_amsterdam()
    year = world.year
    if service == "registry":
        if "{code}" in template:
            code = "GM0014" if own else "GM1966"
            body = None
            if method == "PUT":
                current = world.ok("registry", "GET", f"/v1/municipalities/{code}", AD)
                body = {"region": current["region"], "population": current["population"],
                        "careProviders": current["careProviders"]}
            return Request(template.replace("{code}", code), json=body)
        if template == "/v1/dwellings/{bagId}":
            corporation = owner_org(caller, own, CR)
            bag_id = world.dwelling(corporation)
            return Request(f"/v1/dwellings/{bag_id}",
                           json=dwelling_body() if method == "PUT" else None)
        if template == "/v1/dwelling-imports":
            bag_id = new_bag_id() if own or caller != CR else world.dwelling(FOREIGN_ORG[CR])
            csv = ("bagId,municipality,rooms,monthlyRent,accessibility\n"
                   f"{bag_id},GM0014,3,550,nultreden\n")
            return Request(template, content=csv.encode(), headers={"Content-Type": "text/csv"})
        if method == "POST" and template == "/v1/vacancies":
            bag_id = world.dwelling(owner_org(caller, own, CR))
            return Request(template, json={"bagId": bag_id, "availableFrom": today.isoformat()})
        if "{id}" in template:
            vacancy_id = world.vacancy(owner_org(caller, own, CR))
            body = {"tenantType": "regular", "date": today.isoformat()} \
                if template.endswith("/lettings") else None
            return Request(template.replace("{id}", vacancy_id), json=body)
        if "{scope}" in template:
            if method == "PUT":  # a new agreement each time: the first version answers 201
                period = f"{2000 + len(world.cache.setdefault('periods', []))}"
                world.cache["periods"].append(period)
                body = {"urgentShare": 0.3, "expectedLettings": 100,
                        "keyWeights": {"population": 1.0},
                        "categories": [{"category": "beschermd-wonen", "validityDays": 90}]}
                return Request(template.replace("{scope}", "province").replace(
                    "{period}", period), json=body)
            if method == "POST":  # a preview: a PUT's body, nothing stored
                return Request(template.replace("{scope}", "province").replace(
                    "{period}", str(year)), json={
                        "urgentShare": 0.3, "expectedLettings": 100,
                        "keyWeights": {"population": 1.0},
                        "categories": [{"category": "beschermd-wonen", "validityDays": 90}]})
            world.shared("agreement", lambda: world.ok(
                "registry", "PUT", f"/v1/agreements/province/{year}", PR,
                json={"urgentShare": 0.3, "expectedLettings": 100,
                      "keyWeights": {"population": 1.0},
                      "categories": [{"category": "beschermd-wonen", "validityDays": 90}]}
            )["scope"])
            return Request(template.replace("{scope}", "province").replace("{period}",
                                                                            str(year)))
        if template.endswith("-imports"):
            return woonzorgvisie_import(world, template, owner_org(caller, own, MU))
        return Request(template)
    if service == "intake":
        if template == "/v1/candidates" and method == "POST":
            return Request(template, json=candidate_body())
        if template == "/v1/candidate-imports":
            csv = ("bsn,householdSize,yearlyIncome,targetGroup,registrationMunicipality\n"
                   f"{fake_bsn()},1,20000,beschermd-wonen,GM0014\n")
            return Request(template, content=csv.encode(), headers={"Content-Type": "text/csv"})
        if "{candidate_id}" in template:
            if template.endswith("/urgency-applications"):
                if caller == MU:
                    candidate_id = world.candidate(CP, ORG[CP], owner_org(caller, own, MU))
                else:
                    candidate_id = world.candidate(*registrar_of(caller, own))
                return Request(template.replace("{candidate_id}", candidate_id),
                               json={"category": "beschermd-wonen",
                                     "documentReferences": ["dossier-1"]})
            if template.endswith("/urgency-decisions"):
                municipality = owner_org(caller, own, MU)
                candidate_id = world.candidate(CP, ORG[CP], municipality)
                return Request(template.replace("{candidate_id}", candidate_id),
                               json={"decision": "granted", "category": "beschermd-wonen"})
            registrar_role, registrar = registrar_of(caller, own)
            candidate_id = world.candidate(registrar_role, registrar,
                                           withdrawn=method == "DELETE")
            body = {"PATCH": {"householdSize": 2},
                    "POST": {"reason": "moved-away"}}.get(method)
            return Request(template.replace("{candidate_id}", candidate_id), json=body)
        return Request(template)
    if service == "allocation":
        if template == "/v1/proposals/{id}/responses":
            proposal_id = world.proposal_for(caller, own)
            side = "corporation" if caller == CR else "candidate"
            return Request(template.replace("{id}", proposal_id),
                           json={"decision": "accepted", "decidedBy": side})
        if template == "/v1/proposals/{id}/cancellation":
            proposal_id = world.proposal_for(caller, own, accepted=True)
            return Request(template.replace("{id}", proposal_id),
                           json={"reasonCode": "other"})
        if template == "/v1/proposals/{id}/move-in":
            proposal_id = world.proposal_for(caller, own, accepted=True)
            return Request(template.replace("{id}", proposal_id),
                           json={"date": today.isoformat()})
        if template == "/v1/vacancies/{vacancyId}/assessments/{candidateId}":
            owner = "B" if (caller == CO) == own else "A"
            proposal_id = world.shared(f"proposal-{owner}",
                                       lambda: world.proposal_for(caller, own))
            row_ = world.ok("allocation", "GET", f"/v1/proposals/{proposal_id}", AD)
            return Request(template.replace("{vacancyId}", row_["vacancyId"]).replace(
                "{candidateId}", row_["candidateId"]))
        if template == "/v1/proposals/{id}":
            owner = "B" if (caller == CO) == own else "A"
            proposal_id = world.shared(f"proposal-{owner}",
                                       lambda: world.proposal_for(caller, own))
            return Request(template.replace("{id}", proposal_id))
        if template == "/v1/placements/{id}":
            return Request(template.replace("{id}", world.placement_for(caller, own)))
        return Request(template)
    if service == "monitoring":
        if template in ("/v1/health", "/v1/filter-options"):
            return Request(template)
        scope = ORG[MU] if own else FOREIGN_ORG[MU]
        if template.startswith("/v1/active-households"):
            return Request(f"{template}?municipality={scope}")
        woonzorgvisie = {"/v1/housing-gap": f"year=2030&area={scope}",
                         "/v1/stapeling": f"period={year}&municipality={scope}",
                         "/v1/programme-realisation": f"municipality={scope}"}
        if template in woonzorgvisie:
            return Request(f"{template}?{woonzorgvisie[template]}")
        return Request(f"{template}?scope={scope}")
    raise AssertionError(f"no request builder for {service} {endpoint}")


def woonzorgvisie_import(world: World, template: str, area: str) -> Request:
    lines = {"/v1/housing-need-imports": ("area,year,targetGroup,housingType,households",
                                          f"{area},2030,ouderen-75,nultreden,10"),
             "/v1/need-rate-imports": ("ageBand,housingType,rate", "75+,nultreden,0.1"),
             "/v1/population-forecast-imports": ("area,year,ageBand,persons",
                                                 f"{area},2030,75+,100"),
             "/v1/building-programme-imports": ("area,year,housingType,change,owner",
                                                f"{area},2030,nultreden,10,lefier")}[template]
    path = f"{template}?source=access-test"
    if template == "/v1/population-forecast-imports":
        rates = world.shared("rates", lambda: world.apps["registry"].post(
            "/v1/need-rate-imports?source=access-test",
            content=b"ageBand,housingType,rate\n75+,nultreden,0.1\n",
            headers=world.header(PR) | {"Content-Type": "text/csv"}).json()["id"])
        path += f"&rates={rates}"
    return Request(path, content="\n".join(lines).encode(), headers={"Content-Type": "text/csv"})


def openapi_endpoints(client) -> set[str]:
    document = client.get("/v1/openapi.json").json()
    base = document["servers"][0]["url"]  # "/v1": paths are relative to it
    return {f"{method.upper()} {base}{path}" for path, operations in document["paths"].items()
            for method in operations if method in ("get", "put", "post", "patch", "delete")}


def undocumented_aliases(expected) -> set[str]:
    """monitoring's `X.csv` paths: served, but documented as Accept: text/csv on `X`."""
    return {endpoint for endpoint in expected if endpoint.endswith(".csv")}


@pytest.fixture
def world(service_app, tokens):
    apps = {name: service_app(name) for name in ("registry", "intake", "allocation",
                                                 "monitoring")}
    world = World(apps, tokens)
    # monitoring knows a municipality once registry's reference data reached it
    wait_until(lambda: apps["monitoring"].get(
        "/v1/stock?scope=GM1966", headers=world.header(PR)).status_code == 200, 60,
        what="monitoring knows GM1966")
    return world


def test_every_endpoint_answers_401_403_404_exactly_where_they_belong(world):
    mismatches: list[str] = []
    checked = 0
    for service, expected in EXPECTED.items():
        client = world.apps[service]
        documented = openapi_endpoints(client)
        missing = sorted(documented - set(expected))
        assert not missing, f"{service}: endpoints without an access expectation: {missing}"
        stale = sorted(set(expected) - documented - undocumented_aliases(expected))
        assert not stale, f"{service}: expectations for endpoints that do not exist: {stale}"
        for endpoint, statuses in expected.items():
            method = endpoint.split(" ", 1)[0]
            cells = [(ANON, True)] + [(role, own) for role in ROLES for own in (True, False)]
            for role, own in cells:
                want = statuses[ANON] if role == ANON else statuses[role][0 if own else 1]
                request = build_request(world, service, endpoint, role, own)
                headers = {} if role == ANON else world.header(role)
                response = world.call(service, method, request, headers)
                checked += 1
                whose = "" if role == ANON else (" own" if own else " foreign")
                label = f"{service} {endpoint} as {role}{whose}"
                if response.status_code != want:
                    mismatches.append(f"{label}: {response.status_code} (expected {want}) "
                                      f"{response.text[:200]}")
                elif response.status_code in (401, 403, 404):
                    if response.headers["content-type"] != PROBLEM:
                        mismatches.append(f"{label}: {response.status_code} is not problem+json")
                    if response.status_code == 401 and "bearer" not in response.headers.get(
                            "www-authenticate", "").lower():
                        mismatches.append(f"{label}: 401 without WWW-Authenticate: Bearer")
    assert not mismatches, "\n".join(mismatches)
    assert checked == 13 * sum(len(e) for e in EXPECTED.values())


def test_tokens_are_stored_hashed_and_a_revoked_token_is_refused_at_once(
        world, auth_db_url):
    env = {"WOONREGIE_AUTH_DATABASE_URL": auth_db_url, "COLUMNS": "200"}
    issued = run_cli(env, "tokens", "issue", "--org", "lefier", "--role", "corporation")
    assert issued.exit_code == 0, issued.output
    lines = issued.output.strip().splitlines()
    token_id, token = lines[0].split()[1], lines[-1].strip()
    header = {"Authorization": f"Bearer {token}"}
    probes = {"registry": "/v1/dwellings", "intake": "/v1/candidates?pageSize=1",
              "allocation": "/v1/proposals", "monitoring": "/v1/stock"}
    before = {s: world.apps[s].get(path, headers=header).status_code
              for s, path in probes.items()}
    assert before == {"registry": 200, "intake": 403, "allocation": 200, "monitoring": 200}

    # stored hashed: the token never appears in the database file, its SHA-256 does
    db_file = auth_db_url.removeprefix("sqlite:///")
    raw = open(db_file, "rb").read()
    assert token.encode() not in raw and token[3:].encode() not in raw
    with sqlite3.connect(db_file) as con:
        rows = con.execute("SELECT id, token_hash FROM tokens").fetchall()
    assert (token_id, hash_token(token)) in rows
    assert all(token not in str(r) for r in rows)
    listed = run_cli(env, "tokens", "list")
    assert token_id in listed.output and token not in listed.output

    revoked = run_cli(env, "tokens", "revoke", token_id)
    assert revoked.exit_code == 0, revoked.output
    for service, path in probes.items():
        response = world.apps[service].get(path, headers=header)
        assert response.status_code == 401, (service, response.status_code, response.text)
        assert response.headers["content-type"] == PROBLEM
    again = run_cli(env, "tokens", "revoke", token_id)
    assert again.exit_code == 1  # revoking twice says so
    # an unknown token is refused like a revoked one, also where no token is needed
    unknown = {"Authorization": "Bearer wr_" + "x" * 43}
    assert world.apps["monitoring"].get("/v1/stock", headers=unknown).status_code == 401
    assert world.apps["registry"].get("/v1/regions", headers=unknown).status_code == 401
