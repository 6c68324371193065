"""The one message bus: a fresh unit of work per run, redo on a lost race as the service's
`Retry` says, and the error of the last run when every run lost."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy.exc import IntegrityError

from shared.bus import MessageBus, Retry


@dataclass(frozen=True)
class Write:
    pass


@dataclass(frozen=True)
class Read:
    pass


class Lost(Exception):
    pass


class FakeSession:
    def __init__(self) -> None:
        self.expunged = False

    def expunge_all(self) -> None:
        self.expunged = True


class FakeUow:
    opened: list["FakeUow"] = []

    def __enter__(self):
        self.session = FakeSession()
        FakeUow.opened.append(self)
        return self

    def __exit__(self, *exc_info) -> None:
        pass


def losing(times: int, error: Exception):
    """A handler that loses the race `times` times, then answers with the deps it got."""
    runs = []

    def handler(command, uow, deps):
        runs.append(uow)
        if len(runs) <= times:
            raise error
        return deps

    return handler, runs


def bus(handler, retry: Retry) -> MessageBus:
    FakeUow.opened = []
    return MessageBus(FakeUow, {Write: handler, Read: handler}, "deps", retry)


def race() -> IntegrityError:
    return IntegrityError("insert", {}, Exception("unique"))


def test_a_lost_race_is_redone_in_a_fresh_unit_of_work():
    handler, runs = losing(4, race())
    assert bus(handler, Retry(attempts=5)).handle(Write()) == "deps"
    assert len(runs) == 5 and len({id(u) for u in runs}) == 5
    assert runs[-1].session.expunged  # the answer outlives its unit of work


def test_the_last_lost_race_reaches_the_caller():
    handler, runs = losing(5, race())
    with pytest.raises(IntegrityError):
        bus(handler, Retry(attempts=5)).handle(Write())
    assert len(runs) == 5


def test_only_the_named_errors_are_retried():
    handler, runs = losing(1, Lost())
    with pytest.raises(Lost):
        bus(handler, Retry(attempts=10)).handle(Write())
    assert len(runs) == 1
    handler, runs = losing(1, Lost())
    assert bus(handler, Retry(attempts=10, on=(Lost, IntegrityError))).handle(Write()) == "deps"
    assert len(runs) == 2


def test_retry_limited_to_some_commands_runs_the_others_once():
    retry = Retry(attempts=2, only=(Write,))
    handler, runs = losing(1, race())
    assert bus(handler, retry).handle(Write()) == "deps"
    assert len(runs) == 2
    handler, runs = losing(1, race())
    with pytest.raises(IntegrityError):
        bus(handler, retry).handle(Read())
    assert len(runs) == 1


def test_the_default_runs_once():
    handler, runs = losing(1, race())
    with pytest.raises(IntegrityError):
        bus(handler, Retry()).handle(Write())
    assert len(runs) == 1
