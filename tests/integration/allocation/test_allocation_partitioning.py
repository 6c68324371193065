"""Two workers in one consumer group share the input partitions; when one dies, the broker
gives its partitions to the survivor and nothing produced afterwards is left undecided.

Why this is safe (services/allocation/README.md): the whole scope's state is one aggregate in
the database with a version check, so it does not matter which worker reads which partition;
two workers changing it at the same time make one of them redo its change.
"""

from __future__ import annotations

import uuid

import pytest
from allocation_it import (
    eventually,
    live_scenario,
    processed,
    publish,
    setup_events,
    vacancy_event,
)
from sqlalchemy import select

from services.allocation.adapters.tables import ProposalRow
from shared.contracts.topics import VACANCIES
from shared.db import make_engine

pytestmark = pytest.mark.kafka


def proposed_vacancies(database_url: str, vacancy_ids: list[str]) -> set[str]:
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            return set(connection.scalars(select(ProposalRow.vacancy_id).where(
                ProposalRow.vacancy_id.in_(vacancy_ids))))
    finally:
        engine.dispose()


def assigned(member: dict) -> set[tuple[str, int]]:
    """The member's (topic, partition)s, from the broker's description of the group."""
    assignment = member["member_assignment"]
    return {(tp["topic"], partition) for tp in assignment["assigned_partitions"]
            for partition in tp["partitions"]}


def test_a_second_worker_takes_over_the_partitions_of_a_killed_one(
        kafka_bootstrap, workers, scenario):
    today = live_scenario(scenario)
    # room for three urgent lettings in a row: pace 1 per letting, no cap
    scenario.target, scenario.expected_lettings, scenario.cap_share = 10, 10.0, 1.0
    candidates = [f"cand-{uuid.uuid4().hex[:10]}" for _ in range(3)]
    setup = setup_events(scenario, today, candidates[0])
    for candidate_id in candidates[1:]:
        setup += setup_events(scenario, today, candidate_id)[2:]

    first, second = workers.start(), workers.start()
    members = workers.wait_for_members(2)
    # both read vacancies: whichever one dies, some vacancy partitions must change hands
    assert all({tp for tp in assigned(m) if tp[0] == VACANCIES.name} for m in members)
    ids = publish(kafka_bootstrap, *setup)
    eventually(lambda: processed(workers.database_url, ids), 30, what="setup processed")

    workers.kill(first)
    vacancy_ids = [f"vac-{uuid.uuid4().hex[:10]}" for _ in range(VACANCIES.partitions)]
    for partition, vacancy_id in enumerate(vacancy_ids):  # one on every partition
        event = vacancy_event(scenario, vacancy_id, f"{8_100_000_000_000_000 + partition}")
        publish(kafka_bootstrap, event, partition=partition)

    eventually(lambda: proposed_vacancies(workers.database_url, vacancy_ids) ==
               set(vacancy_ids), 45, 0.5, "a proposal for every vacancy")
    [survivor] = workers.wait_for_members(1)
    inputs = {tp for tp in assigned(survivor) if tp[0] == VACANCIES.name}
    assert inputs == {(VACANCIES.name, p) for p in range(VACANCIES.partitions)}
    assert second.poll() is None

