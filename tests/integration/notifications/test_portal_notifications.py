"""Notifications from real topics to a real SMTP server (aiosmtpd) and into the portal."""

from __future__ import annotations

import time
import uuid
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller
from factories import sample_event
from kafka_helpers import consume_all, produce

from services.portal.notifications import Notifications
from shared.contracts import events as ev
from shared.contracts import topics
from shared.contracts.envelope import encode
from shared.contracts.vocabulary import Role
from shared.local.broker import free_port
from shared.settings import PortalSettings

pytestmark = pytest.mark.kafka
# the broker is shared by the session: each test uses organisations and ids of its own


def recipients(org: str, roles) -> list[str]:
    """The people of an organisation per role, as the portal's account store would give."""
    people = {Role.CORPORATION: ["verhuur", "teamleider"], Role.MUNICIPALITY: ["urgentie"]}
    return [f"{name}@{org.lower()}.example" for role in roles for name in people.get(role, [])]


def new_id(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


class Inbox:
    """aiosmtpd handler: keeps every message the server accepted, with its envelope."""

    def __init__(self):
        self.messages: list[tuple[list[str], object]] = []

    async def handle_DATA(self, server, session, envelope):
        mail = message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append((sorted(envelope.rcpt_tos), mail))
        return "250 OK"

    def wait_for(self, ref: str, count: int = 1, timeout: float = 30.0) -> list:
        """The mails whose text names `ref`, once `count` of them arrived."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = [(to, m) for to, m in self.messages if ref in m.get_content()]
            if len(found) >= count:
                return found
            time.sleep(0.1)
        raise AssertionError(f"{len(found)} of {count} mails about {ref} arrived")


@pytest.fixture
def smtp_server():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller.port, inbox
    controller.stop()


@pytest.fixture
def notifications(tmp_path, kafka_bootstrap, smtp_server):
    port, _ = smtp_server
    settings = PortalSettings(
        data_dir=tmp_path, kafka_bootstrap=kafka_bootstrap, log_json=False,
        notifications_database_url=f"sqlite:///{tmp_path / 'notices.db'}",
        notifications_consumer_group=f"portal-notifications-{uuid.uuid4().hex[:8]}",
        smtp_host="127.0.0.1", smtp_port=port, mail_poll_seconds=0.2,
        public_url="https://werkplek.woonregie.example")
    found = Notifications.from_settings(settings, recipients)
    running = found.lifecycles()
    for item in running:
        item.start()
    yield found
    for item in reversed(running):
        item.stop()


def publish(bootstrap: str, event: ev.Event) -> None:
    produce(bootstrap, event.TOPIC.name, event.key(), encode(event, source="urn:woonregie:tests"))


def open_refs(notifications, org, role, expected: set[str], timeout=30.0) -> dict[str, set]:
    """Wait until the open notices of `org`/`role` are about `expected`; ref -> kinds."""
    deadline = time.monotonic() + timeout
    while True:
        found: dict[str, set] = {}
        for stored in notifications.for_person(org, role):
            found.setdefault(stored.notice.ref, set()).add(str(stored.notice.kind))
        if set(found) == expected or time.monotonic() > deadline:
            assert set(found) == expected
            return found
        time.sleep(0.1)


def test_a_proposal_mails_the_corporations_people_and_waits_in_the_portal(
        notifications, smtp_server, kafka_bootstrap):
    _, inbox = smtp_server
    corporation = new_id("corp")
    proposal = sample_event(ev.CandidateProposed, proposal_id=new_id("prop"),
                            corporation=corporation)

    publish(kafka_bootstrap, proposal)

    [(to, mail)] = inbox.wait_for(proposal.proposal_id)
    assert to == [f"teamleider@{corporation}.example", f"verhuur@{corporation}.example"]
    assert mail["Subject"] == "Woonregie: een voorstel wacht op uw antwoord"
    assert corporation not in str(mail["To"])  # only the envelope names the people
    body = mail.get_content()
    assert "https://werkplek.woonregie.example/corporatie/voorstellen" in body
    assert proposal.candidate_id not in body  # not even the candidate's pseudonym
    assert open_refs(notifications, corporation, Role.CORPORATION, {proposal.proposal_id})
    [notice] = notifications.for_person(corporation, Role.CORPORATION)
    assert notice.notice.text == "Een voorstel wacht op uw antwoord"
    assert notice.notice.link == "/corporatie/voorstellen"
    assert notifications.for_person(corporation, Role.PROVINCE) == []
    assert notifications.for_person(new_id("corp"), Role.CORPORATION) == []


def test_an_answer_settles_the_notice(notifications, kafka_bootstrap):
    corporation, proposal_id = new_id("corp"), new_id("prop")
    publish(kafka_bootstrap, sample_event(ev.CandidateProposed, proposal_id=proposal_id,
                                          corporation=corporation))
    open_refs(notifications, corporation, Role.CORPORATION, {proposal_id})

    publish(kafka_bootstrap, sample_event(ev.ProposalAccepted, proposal_id=proposal_id))

    open_refs(notifications, corporation, Role.CORPORATION, set())


def test_a_registration_asks_the_municipality_for_a_decision(notifications, smtp_server,
                                                             kafka_bootstrap):
    _, inbox = smtp_server
    registered = sample_event(ev.CandidateRegistered, candidate_id=new_id("cand"))
    municipality = registered.profile.registration_municipality

    publish(kafka_bootstrap, registered)

    [(to, mail)] = inbox.wait_for(registered.candidate_id)
    assert to == [f"urgentie@{municipality.lower()}.example"]
    assert "een urgentieaanvraag wacht op uw besluit" in mail["Subject"]
    assert "/gemeente/urgentie" in mail.get_content()
    refs = {n.notice.ref for n in notifications.for_person(municipality, Role.MUNICIPALITY)}
    assert registered.candidate_id in refs


def test_a_stalled_proposal_alert_reaches_the_corporation_that_must_answer(
        notifications, smtp_server, kafka_bootstrap):
    _, inbox = smtp_server
    corporation, proposal_id = new_id("corp"), new_id("prop")
    publish(kafka_bootstrap, sample_event(ev.CandidateProposed, proposal_id=proposal_id,
                                          corporation=corporation))
    inbox.wait_for(proposal_id)

    publish(kafka_bootstrap, sample_event(ev.ProposalStalled, proposal_id=proposal_id))

    _, (to, mail) = inbox.wait_for(proposal_id, count=2)
    assert to == [f"teamleider@{corporation}.example", f"verhuur@{corporation}.example"]
    assert "staat stil" in mail["Subject"]
    assert open_refs(notifications, corporation, Role.CORPORATION, {proposal_id}) == {
        proposal_id: {"proposal-to-answer", "stalled-proposal"}}


def test_a_poison_message_goes_to_the_dlq_and_the_next_is_still_handled(
        notifications, kafka_bootstrap):
    before = len(consume_all(kafka_bootstrap, topics.PROPOSALS.dlq.name))
    corporation, proposal_id = new_id("corp"), new_id("prop")
    produce(kafka_bootstrap, topics.PROPOSALS.name, "x", b"{not json")
    publish(kafka_bootstrap, sample_event(ev.CandidateProposed, corporation=corporation,
                                          proposal_id=proposal_id))

    open_refs(notifications, corporation, Role.CORPORATION, {proposal_id})
    letters = consume_all(kafka_bootstrap, topics.PROPOSALS.dlq.name, expect=before + 1)
    assert any(letter.value and b"portal-notifications" in letter.value
               for letter in letters[before:])
