"""shared.messaging.consuming: a processor told which event classes it `wants` passes over the
others: no handler call, no ledger row, and a batch of only those opens no unit of work. The
portal's and intake's consumers are told what their handlers act on, and nothing else those
handlers would act on is passed over."""

from __future__ import annotations

import pytest
from factories import sample_event, sample_events

from services.intake.service.handlers import (
    PLACEMENT_EVENTS,
    URGENCY_INPUTS,
    on_placement_event,
    on_urgency_input,
)
from services.portal.notifications.model import NOTICE_EVENTS, notices_for, settled_by
from shared.contracts import events as ev
from shared.contracts.envelope import decode, encode
from shared.messaging.consuming import EventProcessor, Inbound, Outcome


class Ledger:
    """The unit of work as the processor uses it, in memory; counts the ones opened."""

    def __init__(self):
        self.opened = 0
        self.seen_ids: set[str] = set()

    def __call__(self):
        self.opened += 1
        return self

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return None

    def seen(self, consumer, event_id):
        return event_id in self.seen_ids

    def seen_among(self, consumer, ids):
        return self.seen_ids & set(ids)

    def mark_seen(self, consumer, event_id):
        self.seen_ids.add(event_id)

    def mark_all_seen(self, consumer, ids):
        self.seen_ids |= set(ids)

    def commit(self):
        pass


class DeadLetters:
    def __init__(self):
        self.letters = []

    def publish(self, letter):
        self.letters.append(letter)


def inbound(event: ev.Event, offset: int = 0) -> Inbound:
    return Inbound(event.TOPIC.name, 0, offset, b"k", encode(event, source="urn:test"), [])


@pytest.fixture
def processor():
    handled: list[type] = []
    ledger = Ledger()
    processor = EventProcessor("wants-test", ledger,
                               lambda uow, received: handled.append(type(received.event)),
                               DeadLetters(), wants={ev.CandidatePlaced})
    return processor, ledger, handled


def test_a_batch_applies_what_is_wanted_and_passes_over_the_rest(processor):
    processor, ledger, handled = processor
    placed, labelled = sample_event(ev.CandidatePlaced), sample_event(ev.VacancyLabelled)
    poison = Inbound("allocation.proposals.v1", 0, 2, b"k", b"{not json", [])

    outcomes = processor.process_batch([inbound(labelled, 0), inbound(placed, 1), poison])

    assert outcomes == [Outcome.IGNORED, Outcome.HANDLED, Outcome.DEAD_LETTERED]
    assert handled == [ev.CandidatePlaced]
    assert len(processor.dead_letters.letters) == 1
    assert processor.counts[Outcome.IGNORED] == 1


def test_a_batch_of_events_not_wanted_opens_no_unit_of_work_and_leaves_no_ledger_row(
        processor):
    processor, ledger, handled = processor
    batch = [inbound(sample_event(ev.VacancyLabelled), n) for n in range(3)]

    assert processor.process_batch(batch) == [Outcome.IGNORED] * 3
    assert processor.process(batch[0]) == Outcome.IGNORED
    assert ledger.opened == 0
    assert ledger.seen_ids == set()
    assert handled == []


def test_without_wants_every_class_is_handled():
    ledger, handled = Ledger(), []
    processor = EventProcessor("all", ledger, lambda uow, r: handled.append(r.id), DeadLetters())
    events = sample_events()[:5]
    assert processor.process_batch([inbound(e, n) for n, e in enumerate(events)]) == (
        [Outcome.HANDLED] * 5)


@pytest.mark.parametrize("cls", [c for c in ev.EVENT_CLASSES if c not in NOTICE_EVENTS],
                         ids=lambda c: c.__name__)
def test_the_portal_passes_over_only_events_that_raise_or_settle_no_notice(cls):
    event = sample_event(cls)
    assert notices_for(event, "lefier") == []
    assert settled_by(event) is None


@pytest.mark.parametrize("cls", sorted(NOTICE_EVENTS, key=lambda c: c.__name__),
                         ids=lambda c: c.__name__)
def test_every_event_the_portal_wants_raises_or_settles_a_notice(cls):
    event = sample_event(cls)
    assert notices_for(event, "lefier") or settled_by(event) is not None


class Untouchable:
    """A unit of work a handler must not use."""

    def __getattr__(self, name):
        raise AssertionError(f"the handler used uow.{name}")


@pytest.mark.parametrize("handler, wanted", [(on_placement_event, PLACEMENT_EVENTS),
                                             (on_urgency_input, URGENCY_INPUTS)],
                         ids=["placements", "urgency-inputs"])
def test_intakes_consumers_pass_over_only_events_their_handlers_do_nothing_with(
        handler, wanted):
    for cls in ev.EVENT_CLASSES:
        received = decode(encode(sample_event(cls), source="urn:test"))
        if cls in wanted:
            with pytest.raises(AssertionError, match="the handler used uow"):
                handler(Untouchable(), received, None)
        else:
            handler(Untouchable(), received, None)
