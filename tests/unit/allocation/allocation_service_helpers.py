"""Helpers for allocation's service-layer, agent and API tests: a scenario as contract events,
and a harness that runs the real service layer on a real database without Kafka.

    scenario = Scenario()                       # one municipality, agreement, candidates
    harness = Harness.create(database_url)     # migrated DB, fake producer, fixed today
    harness.feed(*scenario.setup(), scenario.vacancy("v-1"))
    harness.proposals()                        # the read model rows
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone

import pytest

from services.allocation.bootstrap import bootstrap, inputs_processor
from shared.contracts import events as ev
from shared.contracts.envelope import encode
from shared.contracts.vocabulary import (
    Accessibility,
    AgeBand,
    IncomeClass,
    TargetGroup,
    TenantType,
)
from shared.local.services import SERVICES
from shared.messaging.consuming import Inbound, Outcome
from shared.migrations import upgrade
from shared.runtime import Runtime
from shared.settings import AllocationSettings

SOURCE = "urn:woonregie:tests"
DAY = date(2026, 3, 2)
ANNOUNCED = datetime(2026, 3, 2, 9, 30, tzinfo=timezone.utc)


class FakeFuture:
    def get(self, timeout=None):
        return None


class FakeProducer:
    """Records what would be sent (dead letters, outbox rows): no broker in unit tests."""

    def __init__(self):
        self.sent: list[dict] = []

    def send(self, topic, key=None, value=None, headers=None, **kwargs):
        self.sent.append({"topic": topic, "key": key, "value": value, "headers": headers})
        return FakeFuture()

    def flush(self, timeout=None):
        return None

    def close(self, timeout=None):
        return None


@dataclass
class Scenario:
    """A small province: one municipality with a target, an agreement, candidates."""

    code: str = "GM0014"
    region: str = "Groningen-Assen"
    corporation: str = "lefier"
    registrar: str = "lentis"
    provider: str = "lentis"
    period: str = "2026"
    version: int = 1
    target: int = 10
    expected_lettings: float = 40.0
    cap_share: float = 0.5
    categories: tuple[TargetGroup, ...] = (TargetGroup.VROUWENOPVANG,
                                           TargetGroup.BESCHERMD_WONEN)

    def municipality(self, **changes) -> ev.MunicipalityUpserted:
        fields = dict(code=self.code, name="Groningen", region=self.region,
                      province="Groningen", population=244_441,
                      care_providers=[self.provider])
        return ev.MunicipalityUpserted(**(fields | changes))

    def agreement(self, **changes) -> ev.AgreementPublished:
        year = int(self.period[:4])
        fields = dict(
            scope="province", period=self.period, version=self.version,
            period_start=date(year, 1, 1), period_end=date(year, 12, 31), urgent_share=0.27,
            cap_share=self.cap_share, key_weights={"population": 1.0},
            expected_lettings=int(self.expected_lettings),
            categories=[ev.CategoryRule(category=c, validity_days=90) for c in self.categories],
            municipalities=[self.code],
            targets=[ev.MunicipalityTarget(municipality=self.code, key=1.0,
                                           base_target=self.target, carry_over=0,
                                           target=self.target,
                                           expected_lettings=self.expected_lettings)],
        )
        return ev.AgreementPublished(**(fields | changes))

    def candidate(self, candidate_id: str, **profile_changes) -> ev.CandidateRegistered:
        return ev.CandidateRegistered(candidate_id=candidate_id, registered_on=DAY,
                                      profile=self.profile(**profile_changes))

    def profile(self, **changes) -> ev.CandidateProfile:
        fields = dict(
            age_band=AgeBand.FROM_23, household_size=1, income_class=IncomeClass.PASSEND,
            target_group=TargetGroup.BESCHERMD_WONEN,
            needs=ev.Needs(accessibility=Accessibility.GEEN, ambulant_support=True,
                           care_provider=self.provider),
            registration_municipality=self.code, registered_by=self.registrar,
        )
        return ev.CandidateProfile(**(fields | changes))

    def urgency(self, candidate_id: str, granted_on: date = date(2026, 1, 5),
                category: TargetGroup = TargetGroup.BESCHERMD_WONEN) -> ev.UrgencyGranted:
        return ev.UrgencyGranted(candidate_id=candidate_id, municipality=self.code,
                                 category=category, granted_on=granted_on,
                                 valid_until=date(2026, 12, 31))

    def vacancy(self, vacancy_id: str, bag_id: str = "0014010011067299",
                announced_at: datetime = ANNOUNCED, **dwelling) -> ev.VacancyAnnounced:
        facts = dict(bag_id=bag_id, municipality=self.code, corporation=self.corporation,
                     rooms=2, monthly_rent=600.0, accessibility=Accessibility.GEEN)
        return ev.VacancyAnnounced(
            vacancy_id=vacancy_id, available_from=announced_at.date(),
            announced_at=announced_at, dwelling=ev.DwellingFacts(**(facts | dwelling)))

    def letting(self, vacancy_id: str, bag_id: str = "0014010011060001",
                tenant: TenantType = TenantType.REGULAR, on: date = DAY) -> ev.VacancyLet:
        return ev.VacancyLet(vacancy_id=vacancy_id, bag_id=bag_id, municipality=self.code,
                             corporation=self.corporation, tenant_type=tenant, let_on=on)

    def setup(self, *candidate_ids: str) -> list[ev.Event]:
        """Reference data, agreement, and each candidate registered with an urgency."""
        events: list[ev.Event] = [self.municipality(), self.agreement()]
        for offset, candidate_id in enumerate(candidate_ids or ("cand-1",)):
            events += [self.candidate(candidate_id),
                       self.urgency(candidate_id, granted_on=date(2026, 1, 5)
                                    - timedelta(days=offset))]
        return events


def inbound(event: ev.Event, *, event_id: str | None = None, offset: int = 0) -> Inbound:
    """The event as the worker receives it: raw CloudEvents bytes from its topic."""
    raw = encode(event, source=SOURCE, event_id=event_id or str(uuid.uuid4()))
    return Inbound(event.TOPIC.name, 0, offset, event.key().encode(), raw, [])


@dataclass
class Harness:
    runtime: Runtime
    producer: FakeProducer
    today: list[date] = field(default_factory=lambda: [DAY])

    @classmethod
    def create(cls, database_url: str, tmp_path, **settings) -> "Harness":
        upgrade(SERVICES["allocation"].migrations, database_url)
        producer = FakeProducer()
        harness = cls(runtime=None, producer=producer)  # type: ignore[arg-type]
        config = AllocationSettings(data_dir=tmp_path, database_url=database_url,
                                    auth_database_url=f"sqlite:///{tmp_path / 'auth.db'}",
                                    log_json=False, **settings)
        harness.runtime = bootstrap(config, producer_factory=lambda: producer,
                                    today=lambda: harness.today[-1])
        harness.processor = inputs_processor(harness.runtime)
        return harness

    def feed(self, *events: ev.Event) -> list[Outcome]:
        return [self.processor.process(inbound(e)) for e in events]

    def process(self, message: Inbound) -> Outcome:
        return self.processor.process(message)

    @property
    def bus(self):
        return self.runtime.bus

    def allocator(self):
        with self.runtime.uow() as uow:
            return uow.allocators.peek("province")

    def proposals(self, **where):
        from services.allocation.adapters.tables import ProposalRow

        with self.runtime.uow() as uow:
            rows = uow.session.query(ProposalRow).filter_by(**where).all()
            uow.session.expunge_all()
            return sorted(rows, key=lambda r: (r.proposed_on, r.id))

    def outbox(self) -> list:
        with self.runtime.uow() as uow:
            table = self.runtime.infra.outbox
            return list(uow.session.execute(table.select().order_by(table.c.seq)).all())

    def dead_letters(self) -> list[dict]:
        return [m for m in self.producer.sent if m["topic"].endswith(".dlq")]

    def close(self) -> None:
        self.runtime.engine.dispose()


# --- fixtures: import them into a test module to use them ------------------------------------


@pytest.fixture
def harness(tmp_path) -> Harness:
    """The service layer on a fresh SQLite file (migrated), without Kafka."""
    h = Harness.create(f"sqlite:///{tmp_path / 'allocation.db'}", tmp_path)
    yield h
    h.close()


@pytest.fixture
def scenario() -> Scenario:
    return Scenario()
