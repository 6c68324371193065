"""The portal against the real intake (real broker): a municipality decides on urgency from
its queue, grants and revokes; a care provider registers a client; neither reaches another
organisation's record by changing the URL."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from portal_helpers import PASSWORD, ServiceApps, log_in, post_form

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "intake"))
from intake_helpers import candidate_body  # noqa: E402

pytestmark = pytest.mark.kafka
CARE = "Lentis"


@pytest.fixture
def intake(service_app, tmp_path):
    return service_app("intake", person_token_jwks=str(tmp_path / "portal" /
                                                         "portal-jwks.json"))


@pytest.fixture
def portal(portal_factory, intake):
    portal = portal_factory(fakes={"transport": ServiceApps(intake=intake)},
                            platform_urls=ServiceApps.urls("registry", "intake", "allocation",
                                                           "monitoring"))
    portal.app.state.accounts.add("zorg@lentis.nl", CARE, "care-provider", PASSWORD)
    return portal


def _register(intake, tokens, **overrides) -> str:
    answer = intake.post("/v1/candidates", json=candidate_body(**overrides),
                         headers=tokens.issue(CARE, "care-provider"))
    assert answer.status_code == 201, answer.text
    return answer.json()["id"]


def _urgency(intake, tokens, candidate_id):
    return intake.get(f"/v1/candidates/{candidate_id}",
                      headers=tokens.issue(CARE, "care-provider")).json()["urgency"]


def test_municipality_grants_and_revokes_from_its_queue(portal, intake, tokens):
    candidate_id = _register(intake, tokens)
    log_in(portal, "gea@groningen.nl")
    queue = portal.get("/gemeente/urgentie")
    assert candidate_id in queue.text and "wacht op besluit" in queue.text
    page = f"/gemeente/urgentie/{candidate_id}/besluit"
    asked = post_form(portal, page, page, {"besluit": "granted", "categorie": "beschermd-wonen"},
                      confirm=False)
    assert "Wilt u de urgentie toekennen?" in asked.text and _urgency(intake, tokens,
                                                                      candidate_id) is None
    granted = post_form(portal, page, page, {"besluit": "granted", "categorie": "beschermd-wonen"})
    assert granted.status_code == 303
    assert _urgency(intake, tokens, candidate_id)["status"] == "granted"

    no_reason = post_form(portal, page, page, {"besluit": "revoked"})
    assert no_reason.status_code == 422 and 'id="reden_code-fout"' in no_reason.text
    revoked = post_form(portal, page, page, {"besluit": "revoked",
                                             "reden_code": "situation-resolved"})
    assert revoked.status_code == 303
    assert _urgency(intake, tokens, candidate_id)["status"] == "revoked"


def test_another_municipalitys_candidate_by_url_changes_nothing(portal, intake, tokens):
    elsewhere = _register(intake, tokens, registrationMunicipality="GM1966")
    log_in(portal, "gea@groningen.nl")
    assert elsewhere not in portal.get("/gemeente/urgentie?filter=alle").text
    page = f"/gemeente/urgentie/{elsewhere}/besluit"
    answer = post_form(portal, page, page, {"besluit": "granted", "categorie": "beschermd-wonen"})
    assert answer.status_code == 404 and "Er is niets besloten" in answer.text
    assert _urgency(intake, tokens, elsewhere) is None


def test_care_provider_registers_a_client_and_sees_where_it_stands(portal, intake, tokens):
    log_in(portal, "zorg@lentis.nl")
    page = "/zorg/clienten/nieuw"
    body = {"bsn": candidate_body()["bsn"], "naam": "Pietje Portaal", "geboortejaar": "1990",
            "huishouden": "1", "inkomen": "20000", "doelgroep": "beschermd-wonen",
            "gemeente": "GM0014", "toegankelijkheid": "geen"}
    too_long = post_form(portal, page, page, body | {"naam": "P" * 5000})
    assert too_long.status_code == 422 and 'id="naam-fout"' in too_long.text
    assert "P" * 300 not in too_long.text
    listed = intake.get("/v1/candidates", headers=tokens.issue(CARE, "care-provider")).json()
    assert listed["total"] == 0
    created = post_form(portal, page, page, body)
    assert created.status_code == 303
    location = created.headers["location"]
    assert "Pietje" not in location and body["bsn"] not in location
    client = portal.get(location)
    assert "Pietje Portaal" in client.text and "Wacht op urgentiebesluit" in client.text
    assert body["bsn"] not in client.text  # the BSN comes back masked only


def test_another_organisations_client_by_url_is_not_found(portal, intake, tokens):
    theirs = intake.post("/v1/candidates", json=candidate_body(name="Klaas Ander"),
                         headers=tokens.issue("Cosis", "care-provider")).json()["id"]
    log_in(portal, "zorg@lentis.nl")
    answer = portal.get(f"/zorg/clienten/{theirs}")
    assert answer.status_code == 404 and "Klaas Ander" not in answer.text
