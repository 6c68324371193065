"""Faults under load, on the platform as `woonregie run` starts it (shared.local.launcher.Platform:
the broker and every service as separate processes, on free ports, with a temporary data
folder).

A steady stream of writes runs through every phase: corporations register dwellings and
announce vacancies over HTTP (and withdraw some), and stream vacancies on the feed topic; care
providers register candidates and the municipality grants urgency; the corporation and the
care provider accept every proposal the allocation worker makes, and the corporation reports
the move-in. Meanwhile:

1. kill -9 the broker, keep writing, start it again on the same storage;
2. kill -9 the allocation worker while it works, start a new one (`woonregie worker
   allocation`, same environment);
3. kill -9 monitoring, start it again;
4. restart registry and intake (SIGTERM, then start).

After recovery:
- every write answered 2xx is on its topic exactly once after dedupe by CloudEvents id (one
  distinct event id per accepted write, however often a relay re-sent it);
- every write was answered 2xx, or 503 as a problem (refused connections while a service was
  down are not answers, and are retried); nothing else, and no answer lost in flight;
- no vacancy or candidate has two open proposals, two placements, or an open proposal after
  its placement; no valid event was dead-lettered;
- monitoring's totals (stock, flows, funnel) equal the ground truth of the accepted writes.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import httpx
import pytest
from kafka import KafkaProducer
from kafka_helpers import consume_all
from reliability_helpers import (
    PROBLEM,
    LivePlatform,
    agreement_body,
    candidate_body,
    dwelling_body,
    group_lag,
    metric_values,
    new_bag_id,
    outbox_pending,
    wait_until,
)

from services.allocation.worker.topics import CONSUMED as ALLOCATION_CONSUMED
from services.registry.domain.vacancies import feed_vacancy_id
from shared.contracts import events as ev
from shared.contracts import topics
from shared.contracts.envelope import encode
from shared.contracts.periods import today_amsterdam

pytestmark = [pytest.mark.kafka, pytest.mark.e2e, pytest.mark.slow]

CARE = "demo-beschermd-wonen-stad"
CORPORATION = "lefier"
FEED_DWELLINGS = 40


@dataclass
class Truth:
    """What the platform accepted (answered 2xx, or the broker acknowledged), and every
    answer that is not allowed."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    phase: str = "start"
    dwellings: set[str] = field(default_factory=set)
    vacancies: dict[str, str] = field(default_factory=dict)  # vacancy id -> bag id
    withdrawn: set[str] = field(default_factory=set)
    feed: dict[str, str] = field(default_factory=dict)  # vacancy id -> bag id (acked records)
    candidates: set[str] = field(default_factory=set)
    grants: set[str] = field(default_factory=set)
    accepted: set[str] = field(default_factory=set)  # proposals accepted by both sides
    placements: dict[str, str] = field(default_factory=dict)  # placement id -> proposal id
    answers: Counter = field(default_factory=Counter)  # (phase, status) -> count
    refused: Counter = field(default_factory=Counter)  # phase -> refused connections
    wrong: list[str] = field(default_factory=list)

    def add(self, name: str, value, key=None) -> None:
        with self.lock:
            target = getattr(self, name)
            if isinstance(target, dict):
                target[key] = value
            else:
                target.add(value)


class Writer(threading.Thread):
    """Calls the platform every `period` seconds until stopped; `step` does one unit of work."""

    def __init__(self, name: str, truth: Truth, period: float, step, stop: threading.Event):
        super().__init__(name=name, daemon=True)
        self.truth, self.period, self.step, self.stop_event = truth, period, step, stop
        self.error: BaseException | None = None

    def run(self) -> None:
        while not self.stop_event.is_set():
            try:
                self.step()
            except BaseException as exc:  # noqa: BLE001 - reported by the test
                self.error = exc
                return
            self.stop_event.wait(self.period)


def call(truth: Truth, client: httpx.Client, method: str, path: str, **kwargs):
    """One request: the response when answered (2xx or a 503 problem; anything else is
    recorded as wrong), None when the connection was refused (the service is down: nothing
    was sent, the caller retries)."""
    try:
        response = client.request(method, path, **kwargs)
    except httpx.ConnectError:
        with truth.lock:
            truth.refused[truth.phase] += 1
        return None
    except httpx.HTTPError as exc:  # sent, but the answer was lost
        with truth.lock:
            truth.wrong.append(f"{truth.phase}: {method} {path}: no answer ({exc!r})")
        return None
    with truth.lock:
        truth.answers[(truth.phase, response.status_code)] += 1
        if response.status_code == 503:
            if response.headers.get("content-type") != PROBLEM:
                truth.wrong.append(f"{truth.phase}: {method} {path}: 503 without a problem")
            return None
        if response.status_code >= 300:
            truth.wrong.append(f"{truth.phase}: {method} {path}: {response.status_code} "
                               f"{response.text[:300]}")
            return None
    return response


class Stream:
    """The writers of one test run and what each is working on."""

    def __init__(self, platform: LivePlatform, truth: Truth):
        self.platform, self.truth = platform, truth
        self.today = today_amsterdam()
        self.corporation = platform.token(CORPORATION, "corporation")
        self.care = platform.token(CARE, "care-provider")
        self.municipality = platform.token("GM0014", "municipality")
        self.province = platform.token("provincie-groningen", "province")
        self.registry = platform.client("registry", timeout=30)
        self.intake = platform.client("intake", timeout=30)
        self.allocation = platform.client("allocation", timeout=30)
        self.stop = threading.Event()
        self.pending_dwelling: tuple[str, dict, bool] | None = None
        self.pending_vacancy: tuple[str, bool] | None = None
        self.pending_withdrawal: str | None = None
        self.pending_candidate: tuple[str, dict] | None = None
        self.pending_grant: str | None = None
        self.iteration = 0
        self.feed_queue: list[str] = []
        self.producer: KafkaProducer | None = None
        self.answered: set[tuple[str, str]] = set()  # (proposal id, step) done

    # registry: a dwelling, its vacancy; every third one too dear for any candidate, withdrawn
    def registry_step(self) -> None:
        truth = self.truth
        if self.pending_withdrawal:
            vacancy_id = self.pending_withdrawal
            if call(truth, self.registry, "DELETE", f"/v1/vacancies/{vacancy_id}",
                    headers=self.corporation) is not None:
                truth.add("withdrawn", vacancy_id)
                self.pending_withdrawal = None
            return
        if self.pending_vacancy:
            bag_id, dear = self.pending_vacancy
            response = call(truth, self.registry, "POST", "/v1/vacancies",
                            headers=self.corporation,
                            json={"bagId": bag_id, "availableFrom": self.today.isoformat()})
            if response is not None:
                truth.add("vacancies", bag_id, response.json()["id"])
                self.pending_vacancy = None
                if dear:
                    self.pending_withdrawal = response.json()["id"]
            return
        if self.pending_dwelling is None:
            self.iteration += 1
            dear = self.iteration % 3 == 0
            body = dwelling_body("GM1966", monthlyRent=950.0) if dear else dwelling_body()
            self.pending_dwelling = (new_bag_id(body["municipality"]), body, dear)
        bag_id, body, dear = self.pending_dwelling
        if call(truth, self.registry, "PUT", f"/v1/dwellings/{bag_id}", json=body,
                headers=self.corporation) is not None:
            truth.add("dwellings", bag_id)
            self.pending_dwelling = None
            self.pending_vacancy = (bag_id, dear)

    # intake: a candidate (idempotency key: a retry is safe), then urgency
    def intake_step(self) -> None:
        truth = self.truth
        if self.pending_grant:
            candidate_id = self.pending_grant
            if call(truth, self.intake, "POST", f"/v1/candidates/{candidate_id}/urgency-decisions",
                    headers=self.municipality,
                    json={"decision": "granted", "category": "beschermd-wonen"}) is not None:
                truth.add("grants", candidate_id)
                self.pending_grant = None
            return
        if self.pending_candidate is None:
            self.pending_candidate = (str(uuid.uuid4()), candidate_body())
        key, body = self.pending_candidate
        response = call(truth, self.intake, "POST", "/v1/candidates", json=body,
                        headers=self.care | {"Idempotency-Key": key})
        if response is not None:
            truth.add("candidates", response.json()["id"])
            self.pending_candidate = None
            self.pending_grant = response.json()["id"]

    # the feed: a record is retried until the broker acknowledges it (a replay is harmless)
    def feed_step(self) -> None:
        if not self.feed_queue:
            return
        bag_id = self.feed_queue[0]
        record = ev.FeedVacancyReported(corporation=CORPORATION, bag_id=bag_id,
                                        action="announced", available_from=self.today)
        try:
            if self.producer is None:
                self.producer = KafkaProducer(
                    bootstrap_servers=self.platform.bootstrap, acks="all", linger_ms=0,
                    max_block_ms=3000, request_timeout_ms=5000)
            self.producer.send(topics.VACANCY_FEED.name, key=record.key().encode(),
                               value=encode(record, source="urn:corporation:lefier:feed")
                               ).get(timeout=10)
        except Exception:  # broker away: the same record again later
            if self.producer is not None:
                try:
                    self.producer.close(timeout=1)
                except Exception:
                    pass
            self.producer = None
            return
        self.truth.add("feed", bag_id, feed_vacancy_id(CORPORATION, bag_id, self.today))
        self.feed_queue.pop(0)

    # allocation: accept every open proposal for both parties, then report the move-in
    def respond_step(self) -> None:
        truth = self.truth
        response = call(truth, self.allocation, "GET", "/v1/proposals?pageSize=500&status=open",
                        headers=self.province)
        if response is None:
            return
        accepted = call(truth, self.allocation, "GET",
                        "/v1/proposals?pageSize=500&status=accepted", headers=self.province)
        proposals = response.json()["items"] + (accepted.json()["items"] if accepted else [])
        for proposal in proposals[:5]:
            path = f"/v1/proposals/{proposal['id']}"
            for headers, side in ((self.corporation, "corporation"), (self.care, "candidate")):
                if (proposal["id"], side) in self.answered:
                    continue
                if call(truth, self.allocation, "POST", f"{path}/responses", headers=headers,
                        json={"decision": "accepted", "decidedBy": side}) is None:
                    return
                self.answered.add((proposal["id"], side))
            truth.add("accepted", proposal["id"])
            moved = call(truth, self.allocation, "POST", f"{path}/move-in",
                         headers=self.corporation, json={"date": self.today.isoformat()})
            if moved is None:
                return
            truth.add("placements", proposal["id"], moved.json()["id"])

    def start(self) -> list[Writer]:
        writers = [Writer("registry", self.truth, 0.25, self.registry_step, self.stop),
                   Writer("intake", self.truth, 0.3, self.intake_step, self.stop),
                   Writer("feed", self.truth, 0.4, self.feed_step, self.stop),
                   Writer("respond", self.truth, 0.5, self.respond_step, self.stop)]
        for writer in writers:
            writer.start()
        return writers


def by_event_id(bootstrap: str, topic: str) -> list:
    """Decoded messages of `topic`, each CloudEvents id once (a relay may re-send)."""
    seen, unique = set(), []
    for message in consume_all(bootstrap, topic, timeout=60):
        assert message.received is not None, (topic, message.error)
        if message.received.id not in seen:
            seen.add(message.received.id)
            unique.append(message)
    return unique


def test_no_accepted_write_is_lost_or_doubled_through_broker_worker_and_service_crashes(
        tmp_path):
    started = time.monotonic()
    timings: dict[str, float] = {}
    platform = LivePlatform.start(tmp_path)
    try:
        timings["start"] = time.monotonic() - started
        run_faults(platform, timings)
    finally:
        platform.stop()
    timings["total"] = time.monotonic() - started
    print("fault test phases (s):", {k: round(v, 1) for k, v in timings.items()})
    assert timings["total"] < 420, timings


def run_faults(platform: LivePlatform, timings: dict[str, float]) -> None:
    truth = Truth()
    stream = Stream(platform, truth)
    province = stream.province
    assert stream.registry.put(f"/v1/agreements/province/{stream.today.year}",
                               json=agreement_body(), headers=province).status_code == 201
    for _ in range(FEED_DWELLINGS):  # the feed announces vacancies of registered dwellings
        bag_id = new_bag_id()
        assert stream.registry.put(f"/v1/dwellings/{bag_id}", json=dwelling_body(),
                                   headers=stream.corporation).status_code == 201
        truth.add("dwellings", bag_id)
        stream.feed_queue.append(bag_id)
    writers = stream.start()

    def phase(name: str, seconds: float = 0.0) -> None:
        for writer in writers:
            assert writer.is_alive(), (writer.name, writer.error)
        with truth.lock:
            truth.phase = name
        time.sleep(seconds)

    mark = time.monotonic()
    phase("steady", 6)
    # 1. the broker dies and comes back on the same storage
    platform.kill_broker()
    phase("broker down", 8)
    platform.start_broker()
    phase("broker back", 8)
    timings["broker"] = time.monotonic() - mark
    # 2. the allocation worker dies while it works; a new one takes over
    mark = time.monotonic()
    platform.kill("allocation-worker")
    phase("worker down", 5)
    platform.restart("allocation-worker")
    phase("worker back", 8)
    timings["worker"] = time.monotonic() - mark
    # 3. monitoring dies and comes back (it rebuilds from offset 0)
    mark = time.monotonic()
    platform.kill("monitoring")
    phase("monitoring down", 3)
    platform.restart("monitoring")
    phase("monitoring back", 4)  # (nothing writes to monitoring: its restart refuses no write)
    timings["monitoring"] = time.monotonic() - mark
    # 4. registry and intake restart (SIGTERM: requests in flight are answered first)
    mark = time.monotonic()
    for service in ("registry", "intake"):
        phase(f"{service} restarting")
        platform.restart(service)
        phase(f"{service} restarted", 3)
    timings["restarts"] = time.monotonic() - mark

    # the stream ends; everything pending is delivered
    mark = time.monotonic()
    phase("draining")
    wait_until(lambda: not stream.feed_queue and not stream.pending_vacancy
               and not stream.pending_grant and not stream.pending_withdrawal, 60, 0.5,
               "every pending write answered")
    stream.stop.set()
    for writer in writers:
        writer.join(30)
        assert writer.error is None, (writer.name, writer.error)
    if stream.producer is not None:
        stream.producer.close(timeout=5)
    for service in ("registry", "intake", "allocation"):
        wait_until(lambda: outbox_pending(platform.sqlite(service)) == 0, 60, 0.5,
                   f"{service}'s outbox published")
    groups = {"allocation": [t.name for t in ALLOCATION_CONSUMED],
              "registry-feed": [topics.VACANCY_FEED.name],
              "intake": [topics.PLACEMENTS.name]}

    def settled() -> bool:
        if any(outbox_pending(platform.sqlite(s)) for s in ("registry", "intake", "allocation")):
            return False
        if any(any(group_lag(platform.bootstrap, g, t).values()) for g, t in groups.items()):
            return False
        text = platform.client("monitoring").get("/metrics").text
        lag = metric_values(text, "woonregie_monitoring_consumer_lag")
        return bool(lag) and not any(lag.values())

    wait_until(settled, 120, 1, "outboxes published, every consumer caught up")
    time.sleep(3)  # the allocation worker's last decisions: published, consumed
    wait_until(settled, 60, 1, "settled again")
    timings["drain"] = time.monotonic() - mark

    # --- every answer was allowed, and the stream did real work ---------------------------
    assert not truth.wrong, "\n".join(truth.wrong[:30])
    assert truth.refused["broker down"] == 0  # the APIs answer without the broker
    ok_during_outage = sum(n for (p, s), n in truth.answers.items()
                           if p == "broker down" and s < 300)
    assert ok_during_outage >= 10, truth.answers
    assert len(truth.vacancies) >= 30 and len(truth.candidates) >= 30, (
        len(truth.vacancies), len(truth.candidates))
    assert len(truth.feed) == FEED_DWELLINGS
    assert len(truth.placements) >= 10, len(truth.placements)

    print("fault test stream:", {
        "dwellings": len(truth.dwellings), "vacancies": len(truth.vacancies),
        "feed": len(truth.feed), "withdrawn": len(truth.withdrawn),
        "candidates": len(truth.candidates), "grants": len(truth.grants),
        "placements": len(truth.placements), "2xx while the broker was down":
        ok_during_outage, "refused connections": dict(truth.refused)})
    check_topics(platform, truth)
    check_monitoring(platform, truth, province)


def check_topics(platform: LivePlatform, truth: Truth) -> None:
    bootstrap = platform.bootstrap

    def distinct_ids(messages, kind, attribute) -> dict[str, set[str]]:
        ids = defaultdict(set)
        for m in messages:
            if isinstance(m.received.event, kind):
                ids[attribute(m.received.event)].add(m.received.id)
        return ids

    dwellings = distinct_ids(by_event_id(bootstrap, topics.DWELLINGS.name), ev.DwellingUpserted,
                             lambda e: e.dwelling.bag_id)
    assert {bag: len(ids) for bag, ids in dwellings.items()} == {
        bag: 1 for bag in truth.dwellings}
    vacancy_messages = by_event_id(bootstrap, topics.VACANCIES.name)
    announced = distinct_ids(vacancy_messages, ev.VacancyAnnounced, lambda e: e.vacancy_id)
    expected = set(truth.vacancies) | set(truth.feed)
    assert {v: len(ids) for v, ids in announced.items()} == {v: 1 for v in expected}
    withdrawn = distinct_ids(vacancy_messages, ev.VacancyWithdrawn, lambda e: e.vacancy_id)
    assert {v: len(ids) for v, ids in withdrawn.items()} == {v: 1 for v in truth.withdrawn}

    candidate_messages = by_event_id(bootstrap, topics.CANDIDATES.name)
    registered = distinct_ids(candidate_messages, ev.CandidateRegistered,
                              lambda e: e.candidate_id)
    assert {c: len(ids) for c, ids in registered.items()} == {c: 1 for c in truth.candidates}
    granted = distinct_ids(candidate_messages, ev.UrgencyGranted, lambda e: e.candidate_id)
    assert {c: len(ids) for c, ids in granted.items()} == {c: 1 for c in truth.grants}

    # proposals: each logical event once; the invariants of allocation
    proposal_messages = by_event_id(bootstrap, topics.PROPOSALS.name)
    proposed = distinct_ids(proposal_messages, ev.CandidateProposed, lambda e: e.proposal_id)
    assert all(len(ids) == 1 for ids in proposed.values()), "a proposal proposed twice"
    # the worker decided every vacancy, through its crash: labelled or not, and why
    decided = distinct_ids(proposal_messages, ev.VacancyLabelled, lambda e: e.vacancy_id)
    assert expected <= set(decided), f"{len(expected - set(decided))} vacancies never decided"
    assert set(proposed) and all(details_vacancy in expected for details_vacancy in (
        m.received.event.vacancy_id for m in proposal_messages
        if isinstance(m.received.event, ev.CandidateProposed)))
    accepted = distinct_ids(proposal_messages, ev.ProposalAccepted, lambda e: e.proposal_id)
    assert {p: len(ids) for p, ids in accepted.items()} == {p: 1 for p in truth.accepted}
    placement_messages = by_event_id(bootstrap, topics.PLACEMENTS.name)
    placed = distinct_ids(placement_messages, ev.CandidatePlaced, lambda e: e.placement_id)
    assert {p: len(ids) for p, ids in placed.items()} == {
        p: 1 for p in truth.placements}

    state: dict[str, str] = {}  # proposal id -> open | closed | placed
    details: dict[str, ev.CandidateProposed] = {}
    for message in proposal_messages:
        event = message.received.event
        if isinstance(event, ev.CandidateProposed):
            state[event.proposal_id], details[event.proposal_id] = "open", event
        elif isinstance(event, ev.ProposalDeclined | ev.ProposalExpired):
            state[event.proposal_id] = "closed"
    placements = [m.received.event for m in placement_messages]
    for placement in placements:
        state[placement.proposal_id] = "placed"
    open_by_vacancy = Counter(details[p].vacancy_id for p, s in state.items() if s == "open")
    open_by_candidate = Counter(details[p].candidate_id for p, s in state.items()
                                if s == "open")
    assert max(open_by_vacancy.values(), default=0) <= 1, open_by_vacancy.most_common(3)
    assert max(open_by_candidate.values(), default=0) <= 1, open_by_candidate.most_common(3)
    by_vacancy = Counter(p.vacancy_id for p in placements)
    by_candidate = Counter(p.candidate_id for p in placements)
    assert max(by_vacancy.values(), default=0) <= 1, by_vacancy.most_common(3)
    assert max(by_candidate.values(), default=0) <= 1, by_candidate.most_common(3)
    housed = set(by_candidate)
    assert not [p for p, s in state.items() if s == "open"
                and details[p].candidate_id in housed], "an open proposal after a placement"
    # per vacancy, in topic order (one key, one partition): never two proposals open at once
    for vacancy_id in {d.vacancy_id for d in details.values()}:
        current = set()
        for message in proposal_messages:
            event = message.received.event
            if getattr(event, "vacancy_id", None) != vacancy_id:
                continue
            if isinstance(event, ev.CandidateProposed):
                current.add(event.proposal_id)
                assert len(current) <= 1, (vacancy_id, current)
            elif isinstance(event, ev.ProposalDeclined | ev.ProposalExpired):
                current.discard(event.proposal_id)

    # nothing valid was dead-lettered along the way
    for topic in [*ALLOCATION_CONSUMED, topics.DWELLINGS, topics.PROPOSALS, topics.PLACEMENTS,
                  topics.VACANCY_FEED]:
        letters = consume_all(bootstrap, topic.dlq.name, timeout=30)
        assert not letters, (topic.dlq.name, [m.value[:300] for m in letters[:3]])


def check_monitoring(platform: LivePlatform, truth: Truth, province: dict) -> None:
    monitoring = platform.client("monitoring")
    announced = len(truth.vacancies) + len(truth.feed)
    placed = len(truth.placements)
    expected_stock = {
        "dwellings": len(truth.dwellings),
        "vacanciesAnnounced": announced,
        "vacanciesWithdrawn": len(truth.withdrawn),
        "openVacancies": announced - len(truth.withdrawn) - placed,
    }
    stock = monitoring.get("/v1/stock", headers=province).json()
    total = stock["rows"][0]
    assert total["municipality"] == "all"
    assert {k: total[k] for k in expected_stock} == expected_stock

    flows = monitoring.get("/v1/flows", headers=province).json()["months"]
    sums = Counter()
    for month in flows:
        for key in ("registered", "urgencyGranted", "housed"):
            sums[key] += month.get(key) or 0
    assert dict(sums) == {"registered": len(truth.candidates),
                          "urgencyGranted": len(truth.grants), "housed": placed}

    funnel = monitoring.get("/v1/proposal-funnel", headers=province).json()["rows"][0]
    assert funnel["placed"] == placed and funnel["accepted"] >= placed
