"""`woonregie rebuild allocation`: allocation's state rebuilt from the topics, into an empty
database, as far as the topics carry it.

Allocation's state changes in three ways: the consumed events (the worker), the answers,
move-ins and cancellations (the API), and the day's due work (the timer). Only the first are
inputs; the other two exist on the topics only as their results, on
`allocation.proposals.v1` and `allocation.placements.v1`. So the rebuild reads the input
topics and allocation's own output topics, puts every record in time order (an input at the
moment it was published, an answer at the moment allocation emitted it), and then:

- an input goes through the worker's own `EventProcessor` with `on_event` (ledger, domain,
  read models), in batches of consecutive inputs as the worker takes them;
- an answer, move-in, cancellation or expiry is applied again through `change`, the path
  every entry point takes (`ProposalAccepted`: both parties accept that day;
  `ProposalDeclined`: the party declines with the code; `ProposalExpired`: the day's expiry;
  `ProposalCancelled`, `CandidatePlaced`);
- held-back vacancies are decided on every day the replay passes, as the timer does;
- what the domain decides itself (labels, proposals, withdrawals, lapses) is not applied but
  compared: proposal ids follow from (vacancy, candidate, attempt), so the rebuilt proposals
  and their statuses are checked against the ones on the topic, and every difference counted.

What the topics do not carry cannot come back (docs/OPERATIONS.md): a first acceptance by one
party alone (no event until both accepted), the free-text notes of a decline (kept off the
topics on purpose), and the exact interleaving the live worker saw between partitions.
The events the rebuild emits are already on the topics (or differ, and are counted): they are
marked published, so a service started on the rebuilt database does not send them again.
All records are held in memory to be put in time order.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone

from rich.console import Console
from sqlalchemy import select, update

from services.allocation.adapters.tables import INFRA, ProposalRow
from services.allocation.bootstrap import bootstrap, inputs_processor
from services.allocation.domain import AllocationError, Decision
from services.allocation.service.changes import change
from services.allocation.service.handlers import Deps
from services.allocation.service.inbound import Command, decision_day
from services.allocation.worker.agents import BATCH_SIZE
from services.allocation.worker.topics import CONSUMED
from shared.contracts import events as ev
from shared.contracts import topics
from shared.contracts.envelope import PoisonMessage, Received, decode
from shared.contracts.periods import utcnow
from shared.contracts.vocabulary import DecidedBy
from shared.local.rebuild_target import default_target_url, prepare_target
from shared.local.services import SERVICES
from shared.messaging.consuming import Inbound, Outcome
from shared.messaging.topic_scan import scan_topics
from shared.settings import AllocationSettings

OUTPUTS = (topics.PROPOSALS, topics.PLACEMENTS)
OUTPUT_NAMES = frozenset(t.name for t in OUTPUTS)
# the last recorded event of a proposal -> the status it leaves it in
RECORDED_STATUS: dict[type[ev.Event], str] = {
    ev.CandidateProposed: "open", ev.ProposalAccepted: "accepted",
    ev.ProposalDeclined: "declined", ev.ProposalExpired: "expired",
    ev.ProposalWithdrawn: "withdrawn", ev.ProposalCancelled: "cancelled",
    ev.CandidatePlaced: "placed",
}


@dataclass
class RebuildReport:
    read: dict[str, int] = field(default_factory=dict)
    inputs: Counter = field(default_factory=Counter)  # handled, duplicate, skipped
    answers: Counter = field(default_factory=Counter)  # applied, diverged, skipped
    proposals: int = 0  # rebuilt
    recorded: int = 0  # on the topic
    differing: list[str] = field(default_factory=list)  # proposal ids


class SkippedRecords:
    """Stands in for the DLQ: the live worker sent these there already; here they are only
    counted (a rejected event still goes in the ledger, as in the live one)."""

    def __init__(self):
        self.reasons: list[str] = []

    def publish(self, letter) -> None:
        self.reasons.append(letter.error)

    def close(self) -> None:
        pass


@dataclass(order=True)
class Step:
    at: datetime
    seq: int
    record: object = field(compare=False)
    received: Received | None = field(compare=False, default=None)  # outputs only

    @property
    def is_input(self) -> bool:
        return self.record.topic not in OUTPUT_NAMES


def rebuild(settings: AllocationSettings, target_url: str, *, force: bool = False,
            console: Console | None = None) -> RebuildReport:
    prepare_target(target_url, SERVICES["allocation"].migrations, force=force)
    runtime = bootstrap(settings.model_copy(update={"database_url": target_url}),
                        producer_factory=_no_producer)
    report = RebuildReport()
    records: list[object] = []
    scanned = scan_topics(settings, [t.name for t in (*CONSUMED, *OUTPUTS)], records.append,
                          console=console, label="allocation ← ")
    report.read.update(scanned.read)
    replay = Replay(runtime, report)
    for step in _in_time_order(records, report):
        replay.take(step)
    replay.finish()
    runtime.engine.dispose()
    return report


def _no_producer():
    raise RuntimeError("a rebuild publishes nothing")


def _in_time_order(records: list[object], report: RebuildReport) -> list[Step]:
    """Inputs at their publication, allocation's results at the moment it emitted them."""
    steps = []
    for seq, record in enumerate(records):
        if record.topic not in OUTPUT_NAMES:
            steps.append(Step(_from_ms(record.timestamp), seq, record))
            continue
        try:
            received = decode(record.value)
        except PoisonMessage:
            report.answers["skipped"] += 1
            continue
        steps.append(Step(_aware(received.envelope.time), seq, record, received))
    return sorted(steps)


def _from_ms(timestamp: int) -> datetime:
    return datetime.fromtimestamp(timestamp / 1000, timezone.utc)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


class Replay:
    def __init__(self, runtime, report: RebuildReport):
        self.runtime = runtime
        self.report = report
        self.deps: Deps = runtime.deps
        self.processor = inputs_processor(runtime).processor  # the worker's own
        self.processor.dead_letters = SkippedRecords()
        self.pending: list[Inbound] = []
        self.day: date | None = None
        self.recorded: dict[str, str] = {}  # proposal id -> status on the topic

    def take(self, step: Step) -> None:
        self._new_day(decision_day(step.at))
        if step.is_input:
            self.pending.append(Inbound.from_kafka_python(step.record))
            if len(self.pending) >= BATCH_SIZE:
                self._flush()
            return
        self._flush()
        event = step.received.event
        if type(event) in RECORDED_STATUS:
            self.recorded[event.proposal_id] = RECORDED_STATUS[type(event)]
        command = redo(event)
        if command is not None:
            self._apply(command, f"rebuild:{step.received.id}")

    def _new_day(self, day: date) -> None:
        """The timer's due work: held-back vacancies whose decision day has come, decided on
        each day the replay passes (the live timer ran on days without any record too)."""
        if self.day is not None and day <= self.day:
            return
        self._flush()
        first = day if self.day is None else self.day + timedelta(days=1)
        self.day = day
        for offset in range((day - first).days + 1):
            due = first + timedelta(days=offset)
            self._change(lambda a, d=due: a.decide_due(d), f"rebuild-decide:{due.isoformat()}",
                         skip_if_quiet=True)

    def _flush(self) -> None:
        if not self.pending:
            return
        batch, self.pending = self.pending, []
        for outcome in self.processor.process_batch(batch):
            name = "skipped" if outcome is Outcome.DEAD_LETTERED else str(outcome)
            self.report.inputs[name] += 1

    def _apply(self, command: Command, cause: str) -> None:
        try:
            self._change(command, cause)
        except AllocationError:  # the rebuilt state differs here from the live one
            self.report.answers["diverged"] += 1
        else:
            self.report.answers["applied"] += 1

    def _change(self, command: Command, cause: str, **options) -> None:
        with self.runtime.uow() as uow:
            change(uow, self.deps.scope, command, cause=cause, per_version=True, **options)
            uow.commit()

    def finish(self) -> None:
        self._flush()
        with self.runtime.uow() as uow:
            rebuilt = dict(uow.session.execute(select(ProposalRow.id, ProposalRow.status)).all())
            # already on the topics (or differing, and reported): never to be sent again
            uow.session.execute(update(INFRA.outbox).where(INFRA.outbox.c.published_at.is_(None))
                                .values(published_at=utcnow()))
            uow.commit()
        self.report.proposals, self.report.recorded = len(rebuilt), len(self.recorded)
        self.report.differing = sorted(
            pid for pid in set(rebuilt) | set(self.recorded)
            if rebuilt.get(pid) != self.recorded.get(pid))


def redo(event: ev.Event) -> Command | None:
    """The change that an API answer or the expiry timer made, from the event it left."""
    maker: Callable[[ev.Event], Command] | None = REDO.get(type(event))
    return None if maker is None else maker(event)


def _accepted(e: ev.ProposalAccepted) -> Command:
    def both(a):
        return [*a.respond(e.proposal_id, Decision.ACCEPTED, DecidedBy.CORPORATION,
                           e.accepted_on),
                *a.respond(e.proposal_id, Decision.ACCEPTED, DecidedBy.CANDIDATE,
                           e.accepted_on)]
    return both


REDO: dict[type[ev.Event], Callable] = {
    ev.ProposalAccepted: _accepted,
    ev.ProposalDeclined: lambda e: lambda a: a.respond(
        e.proposal_id, Decision.DECLINED, e.decided_by, e.declined_on, e.reason_code),
    ev.ProposalExpired: lambda e: lambda a: a.expire_due(e.expired_on),
    ev.ProposalCancelled: lambda e: lambda a: a.cancel(
        e.proposal_id, e.cancelled_by, e.reason_code, e.cancelled_on),
    ev.CandidatePlaced: lambda e: lambda a: a.move_in(e.proposal_id, e.move_in_date),
}


# --- the command --------------------------------------------------------------------------


def run(database_url: str | None, force: bool, console: Console) -> None:
    """`woonregie rebuild allocation`: rebuild, print the counts, the check and the next
    steps."""
    settings = AllocationSettings()
    target = database_url or default_target_url(settings.data_dir, "allocation")
    report = rebuild(settings, target, force=force, console=console)
    for topic, count in report.read.items():
        console.print(f"{topic}: {count} records read", highlight=False)
    console.print(f"inputs: {_counts(report.inputs)}; answers and expiries redone: "
                  f"{_counts(report.answers)}", highlight=False)
    console.print(f"proposals: {report.proposals} rebuilt, {report.recorded} on the topic, "
                  f"{len(report.differing)} differ", highlight=False)
    for proposal_id in report.differing[:20]:
        console.print(f"  differs: proposal {proposal_id}", highlight=False)
    console.print(next_steps(settings.db_url(), target), highlight=False)


def _counts(counter: Counter) -> str:
    return ", ".join(f"{name} {count}" for name, count in sorted(counter.items())) or "none"


def next_steps(live_url: str, target: str) -> str:
    return "\n".join((
        f"rebuilt into {target}",
        "next steps:",
        "  1. stop allocation: its API and its worker (woonregie stop, or docker compose stop "
        "allocation allocation-worker)",
        f"  2. keep the old database ({live_url}) aside, then move the rebuilt one in its place,",
        f"     or point WOONREGIE_DATABASE_URL at {target}",
        "  3. start allocation: the worker's consumer group goes on where it was; what it reads "
        "again is in the ledger",
    ))
