"""The demo feed: drive a running platform through its public HTTP APIs as corporations, care
providers, municipalities and the province would, at about N actions per second.

Every HTTP request is one action. The feed alternates new work (a candidate registered and
granted urgency; a dwelling put and its vacancy announced) with answering the open proposals of
its corporations (both sides accept, then the corporation reports the move-in), so placements
reach monitoring's realisation within a minute. Tokens are issued through the platform's own
token store (the auth DB in its data folder).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import httpx

from services.intake.domain.bsn import fake_bsn
from shared.contracts.periods import today_amsterdam
from shared.contracts.vocabulary import Role
from tools.woonzorgvisie_example import ExampleRejected, load_example

CARE_PROVIDER = "demo-beschermd-wonen-stad"  # beschermd wonen, serves these four municipalities
MUNICIPALITIES = ("GM0014", "GM1969", "GM1966", "GM1952")
CORPORATIONS = ("lefier", "nijestee", "de-huismeesters", "patrimonium")
PROVINCE_ORG = "provincie-groningen"
FIRST_NAMES = ("Anna", "Bram", "Chantal", "Dirk", "Eva", "Femke", "Gert", "Henk", "Ilse", "Jan")
LAST_NAMES = ("de Vries", "Bakker", "Smit", "Mulder", "Dijkstra", "Bos", "Visser", "Meijer")


@dataclass
class DemoStats:
    actions: int = 0
    errors: int = 0
    candidates: int = 0
    urgency_granted: int = 0
    vacancies: int = 0
    proposals_answered: int = 0
    placements: int = 0
    agreement_created: bool = False
    last_errors: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if k != "last_errors"}


class DemoFeed:
    def __init__(self, *, registry_url: str, intake_url: str, allocation_url: str,
                 tokens: Callable[[str, Role], str], seed: int | None = None,
                 timeout: float = 20.0, left_for_people: tuple[str, ...] = ()):
        self.rng = random.Random(seed)
        self.stats = DemoStats()
        self.today = today_amsterdam()
        self.registry = httpx.Client(base_url=registry_url, timeout=timeout)
        self.intake = httpx.Client(base_url=intake_url, timeout=timeout)
        self.allocation = httpx.Client(base_url=allocation_url, timeout=timeout)
        self._token_cache: dict[tuple[str, Role], dict[str, str]] = {}
        self._tokens = tokens
        self._answered: set[str] = set()
        self._next_poll = 0.0
        # corporations whose proposals wait for a person in the portal instead of the feed
        self.left_for_people = left_for_people

    def close(self) -> None:
        for client in (self.registry, self.intake, self.allocation):
            client.close()

    def headers(self, org: str, role: Role) -> dict[str, str]:
        key = (org, role)
        if key not in self._token_cache:
            self._token_cache[key] = {"Authorization": f"Bearer {self._tokens(org, role)}"}
        return self._token_cache[key]

    # --- one HTTP request = one action -------------------------------------------------------

    def _call(self, client: httpx.Client, method: str, url: str, *, ok: tuple[int, ...],
              expected_failures: tuple[int, ...] = (), **kwargs) -> httpx.Response | None:
        self.stats.actions += 1
        try:
            response = client.request(method, url, **kwargs)
        except httpx.HTTPError as exc:
            self._error(f"{method} {url}: {exc!r}")
            return None
        if response.status_code in ok or response.status_code in expected_failures:
            return response
        self._error(f"{method} {url}: {response.status_code} {response.text[:200]}")
        return None

    def _error(self, message: str) -> None:
        self.stats.errors += 1
        self.stats.last_errors = (self.stats.last_errors + [message])[-5:]

    # --- the actors ---------------------------------------------------------------------------

    def ensure_agreement(self) -> Iterator[None]:
        """The province: an agreement for the current year if there is none."""
        period = str(self.today.year)
        province = self.headers(PROVINCE_ORG, Role.PROVINCE)
        found = self._call(self.registry, "GET", f"/v1/agreements/province/{period}",
                           ok=(200,), expected_failures=(404,), headers=province)
        yield
        if found is not None and found.status_code == 404:
            put = self._call(self.registry, "PUT", f"/v1/agreements/province/{period}",
                             ok=(200, 201), headers=province, json={
                                 "urgentShare": 0.3, "expectedLettings": 1000,
                                 "keyWeights": {"population": 1.0, "socialStock": 0.0,
                                                "lettings": 0.0},
                                 "categories": [{"category": "beschermd-wonen",
                                                 "validityDays": 180}],
                                 "stapelingThreshold": 1.5,
                             })
            self.stats.agreement_created = put is not None
            yield

    def woonzorgvisie_example(self) -> Iterator[None]:
        """The province imports the illustrative woonzorgvisie dataset (4 requests)."""
        self.stats.actions += 4
        try:
            load_example(self.registry, self.headers(PROVINCE_ORG, Role.PROVINCE))
        except (httpx.HTTPError, ExampleRejected) as exc:
            self._error(f"woonzorgvisie example: {exc}")
        yield

    def new_candidate(self, municipality: str | None = None, grant: bool = True
                      ) -> Iterator[None]:
        """A care provider registers a client; the municipality grants urgency (unless not
        `grant`: then the decision waits in the municipality's queue)."""
        municipality = municipality or self.rng.choice(MUNICIPALITIES)
        care = self.headers(CARE_PROVIDER, Role.CARE_PROVIDER)
        for _attempt in range(3):
            response = self._call(self.intake, "POST", "/v1/candidates", ok=(201,),
                                  expected_failures=(409,), headers=care, json={
                "bsn": fake_bsn(self.rng),
                "name": f"{self.rng.choice(FIRST_NAMES)} {self.rng.choice(LAST_NAMES)}",
                "birthYear": self.rng.randint(1960, 2004), "householdSize": 1,
                "yearlyIncome": self.rng.randrange(15000, 24000, 500),
                "targetGroup": "beschermd-wonen",
                "needs": {"accessibility": "geen", "ambulantSupport": True,
                          "careProvider": CARE_PROVIDER},
                "registrationMunicipality": municipality, "availableFrom": str(self.today),
            })
            yield
            if response is None:
                return
            if response.status_code == 201:
                break  # 409: this generated BSN is already registered; draw another
        else:
            return
        self.stats.candidates += 1
        if not grant:
            return
        candidate_id = response.json()["id"]
        granted = self._call(self.intake, "POST",
                             f"/v1/candidates/{candidate_id}/urgency-decisions",
                             ok=(200, 201), headers=self.headers(municipality, Role.MUNICIPALITY),
                             json={"decision": "granted", "category": "beschermd-wonen",
                                   "reason": "uitstroom beschermd wonen (demo)"})
        if granted is not None:
            self.stats.urgency_granted += 1
        yield

    def new_vacancy(self, corporation_org: str | None = None) -> Iterator[None]:
        """A corporation puts a dwelling in its stock and announces it vacant."""
        corporation = self.headers(corporation_org or self.rng.choice(CORPORATIONS),
                                   Role.CORPORATION)
        bag_id = str(self.rng.randrange(10**15, 10**16))
        municipality = self.rng.choice(MUNICIPALITIES)
        dwelling = self._call(self.registry, "PUT", f"/v1/dwellings/{bag_id}", ok=(200, 201),
                              headers=corporation, json={
            "municipality": municipality, "rooms": self.rng.choice((2, 3)),
            "monthlyRent": float(self.rng.randrange(520, 640, 10)),
            "accessibility": "nultreden", "careSuitable": True,
            # a wijk of the example dataset, from the id's last digit (no draw from rng)
            "neighbourhood": f"WK{municipality[2:]}0{int(bag_id[-1]) % 3 + 1}",
        })
        yield
        if dwelling is None:
            return
        vacancy = self._call(self.registry, "POST", "/v1/vacancies", ok=(201,),
                             headers=corporation,
                             json={"bagId": bag_id, "availableFrom": str(self.today)})
        if vacancy is not None:
            self.stats.vacancies += 1
        yield

    def answer_proposals(self) -> Iterator[None]:
        """Corporations and the care provider accept open proposals; the move-in follows."""
        care = self.headers(CARE_PROVIDER, Role.CARE_PROVIDER)
        for org in CORPORATIONS:
            if org in self.left_for_people:
                continue
            corporation = self.headers(org, Role.CORPORATION)
            listed = self._call(self.allocation, "GET", "/v1/proposals", ok=(200,),
                                headers=corporation, params={"status": "open"})
            yield
            if listed is None:
                continue
            for proposal in listed.json().get("items", []):
                if proposal["id"] in self._answered:
                    continue
                self._answered.add(proposal["id"])
                yield from self._accept_and_move_in(proposal["id"], corporation, care)

    def _accept_and_move_in(self, proposal_id: str, corporation: dict, care: dict
                            ) -> Iterator[None]:
        answer = None
        for who, headers in (("corporation", corporation), ("candidate", care)):
            # 409: the proposal moved on meanwhile (expired, withdrawn); not the demo's error
            answer = self._call(self.allocation, "POST",
                                f"/v1/proposals/{proposal_id}/responses", ok=(200,),
                                expected_failures=(409,), headers=headers,
                                json={"decision": "accepted", "decidedBy": who})
            yield
            if answer is None or answer.status_code != 200:
                return
        self.stats.proposals_answered += 1
        moved = self._call(self.allocation, "POST", f"/v1/proposals/{proposal_id}/move-in",
                           ok=(201,), headers=corporation, json={"date": str(self.today)})
        if moved is not None:
            self.stats.placements += 1
        yield

    def leave_work_waiting(self, corporation_org: str = CORPORATIONS[0],
                           municipality: str = MUNICIPALITIES[0]) -> Iterator[None]:
        """After a run: work for people in the portal. Two urgency requests wait for the
        municipality, and two vacancies of one corporation get proposals nobody answers."""
        for _ in range(2):
            yield from self.new_candidate(municipality, grant=False)
        for _ in range(2):
            yield from self.new_vacancy(corporation_org)

    # --- the schedule -------------------------------------------------------------------------

    def steps(self) -> Iterator[None]:
        """An endless stream of actions; each `next` performs one HTTP request."""
        yield from self.ensure_agreement()
        yield from self.woonzorgvisie_example()
        poll_every = 2.0
        while True:
            if time.monotonic() >= self._next_poll:
                self._next_poll = time.monotonic() + poll_every
                yield from self.answer_proposals()
            # about two urgent candidates per vacancy keeps a queue to propose from
            yield from self.new_candidate()
            yield from (self.new_vacancy() if self.rng.random() < 0.5 else self.new_candidate())

    def run(self, *, rate: float, seconds: float | None = None, count: int | None = None,
            on_progress: Callable[[DemoStats, float], None] | None = None) -> DemoStats:
        """Perform actions at about `rate` per second until `seconds` or `count` is reached."""
        start = time.monotonic()
        interval = 1.0 / rate
        steps = self.steps()
        while True:
            elapsed = time.monotonic() - start
            if seconds is not None and elapsed >= seconds:
                break
            if count is not None and self.stats.actions >= count:
                break
            next(steps)
            if on_progress is not None:
                on_progress(self.stats, time.monotonic() - start)
            due = start + self.stats.actions * interval
            pause = due - time.monotonic()
            if pause > 0:
                time.sleep(pause)
        return self.stats
