"""The domain produces exactly the data of the shared event contracts, and stays pure."""

import ast
import dataclasses
from datetime import date
from pathlib import Path

import pytest
from allocation_builders import allocator, candidate, vacancy

from services.allocation.domain import events as domain_events
from shared.contracts import events as contracts

DOMAIN_EVENTS = [domain_events.VacancyLabelled, domain_events.CandidateProposed,
                 domain_events.ProposalAccepted, domain_events.ProposalDeclined,
                 domain_events.ProposalExpired, domain_events.CandidatePlaced]
DOMAIN_DIR = Path(__file__).parents[3] / "services" / "allocation" / "domain"
# besides the shared enums: the shared data lists (yearly limits, decline reason codes), read
# once from package data when imported, never during a decision; and the shared family of
# service errors (pure Python) that the domain's refusals belong to
ALLOWED_IMPORTS = {"shared.contracts.vocabulary", "shared.contracts.periods", "shared.contracts.yearly_limits",
                   "shared.contracts.decline_reasons", "shared.errors"}


def contract_of(event_type):
    return getattr(contracts, event_type.__name__)


@pytest.mark.parametrize("event_type", DOMAIN_EVENTS, ids=lambda t: t.__name__)
def test_fields_match_the_contract(event_type):
    domain_fields = {f.name for f in dataclasses.fields(event_type)}
    assert domain_fields == set(contract_of(event_type).model_fields)


def test_every_emitted_event_validates_against_its_contract():
    day = date(2026, 3, 2)
    alloc = allocator(candidate("c-1"), candidate("c-2"), candidate("c-3"))
    emitted = alloc.announce_vacancy(vacancy("v-1"), day)
    first = emitted[-1].proposal_id
    emitted += alloc.respond(first, "declined", "candidate", day, reason="no-show")
    emitted += alloc.expire_due(date(2026, 3, 20))
    current = emitted[-1].proposal_id
    emitted += alloc.respond(current, "accepted", "corporation", date(2026, 3, 21))
    emitted += alloc.respond(current, "accepted", "candidate", date(2026, 3, 21))
    emitted += alloc.move_in(current, date(2026, 4, 1))
    assert {type(e) for e in emitted} == set(DOMAIN_EVENTS)
    for event in emitted:
        wire = contract_of(type(event))(**dataclasses.asdict(event)).wire()
        assert wire  # valid, and serialisable to the wire format


def domain_imports():
    for path in sorted(DOMAIN_DIR.glob("*.py")):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.level == 0:
                yield path.name, node.module
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    yield path.name, alias.name


def test_domain_imports_only_the_standard_library_and_shared_enums():
    import sys

    foreign = [(name, module) for name, module in domain_imports()
               if module not in ALLOWED_IMPORTS
               and module.split(".")[0] not in sys.stdlib_module_names]
    assert foreign == []
