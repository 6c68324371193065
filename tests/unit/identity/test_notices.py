"""Which event raises which notice for whom, what settles it, and what a mail says."""

from __future__ import annotations

from datetime import datetime, timezone

from factories import CANDIDATE_ID, PROPOSAL_ID, sample_event

from services.portal.notifications.mail import compose
from services.portal.notifications.model import Kind, Notice, notices_for, settled_by
from services.portal.notifications.store import StoredNotice
from shared.contracts import events as ev
from shared.contracts.vocabulary import Role


def test_a_proposal_waits_for_the_corporation_of_the_dwelling():
    [notice] = notices_for(sample_event(ev.CandidateProposed, corporation="lefier"))
    assert notice == Notice(Kind.PROPOSAL_TO_ANSWER, PROPOSAL_ID, "lefier", (Role.CORPORATION,))


def test_a_registration_waits_for_the_municipality_of_registration():
    [notice] = notices_for(sample_event(ev.CandidateRegistered))
    assert (notice.kind, notice.ref, notice.roles) == (Kind.DECISION_TO_TAKE, CANDIDATE_ID,
                                                       (Role.MUNICIPALITY,))
    assert notice.org == "GM0014"


def test_a_stalled_proposal_needs_the_corporation_remembered_from_the_proposal():
    stalled = sample_event(ev.ProposalStalled)
    assert notices_for(stalled) == []
    [notice] = notices_for(stalled, corporation_of_proposal="lefier")
    assert (notice.kind, notice.org) == (Kind.STALLED_PROPOSAL, "lefier")


def test_answers_and_decisions_settle_what_waited():
    for cls in (ev.ProposalAccepted, ev.ProposalDeclined, ev.ProposalExpired):
        settles = settled_by(sample_event(cls))
        assert settles.ref == PROPOSAL_ID
        assert set(settles.kinds) == {Kind.PROPOSAL_TO_ANSWER, Kind.STALLED_PROPOSAL}
    for cls in (ev.UrgencyGranted, ev.UrgencyRefused, ev.CandidateWithdrawn):
        assert settled_by(sample_event(cls)).kinds == (Kind.DECISION_TO_TAKE,)
    assert settled_by(sample_event(ev.VacancyLabelled)) is None


def test_a_mail_links_into_the_portal_and_names_no_one():
    stored = StoredNotice(7, Notice(Kind.PROPOSAL_TO_ANSWER, "prop-9", "lefier",
                                    (Role.CORPORATION,)), datetime.now(timezone.utc))
    mail = compose(stored, "Woonregie <noreply@w.example>", "https://w.example/")

    assert mail["Subject"] == "Woonregie: een voorstel wacht op uw antwoord"
    assert mail["To"] == "undisclosed-recipients:;"
    body = mail.get_content()
    assert "https://w.example/corporatie/voorstellen" in body and "prop-9" in body
