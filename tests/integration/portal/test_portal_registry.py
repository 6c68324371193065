"""The portal against the real registry (real broker): a corporation announces a vacancy for
its own dwelling, and cannot touch another corporation's dwelling by changing the URL."""

from __future__ import annotations

import pytest
from portal_helpers import ServiceApps, log_in, post_form

pytestmark = pytest.mark.kafka
MINE, THEIRS = "0014010011067299", "0014010011067300"


@pytest.fixture
def registry(service_app, tokens, tmp_path):
    # the registry trusts the portal's public key, as `make run` arranges through data_dir
    registry = service_app("registry", person_token_jwks=str(tmp_path / "portal" /
                                                              "portal-jwks.json"))
    for bag_id, org in ((MINE, "lefier"), (THEIRS, "nijestee")):
        answer = registry.put(f"/v1/dwellings/{bag_id}", headers=tokens.issue(org, "corporation"),
                              json={"municipality": "GM0014", "rooms": 2, "monthlyRent": 550.0,
                                    "accessibility": "geen", "careSuitable": False})
        assert answer.status_code == 201, answer.text
    return registry


@pytest.fixture
def portal(portal_factory, registry):
    portal = portal_factory(fakes={"transport": ServiceApps(registry=registry)},
                            platform_urls=ServiceApps.urls("registry", "intake", "allocation",
                                                           "monitoring"))
    log_in(portal, "anna@lefier.nl")
    return portal


def _open_vacancies(registry, tokens, org):
    return registry.get("/v1/vacancies", params={"status": "open"},
                        headers=tokens.issue(org, "corporation")).json()["items"]


def test_corporation_sees_its_dwellings_and_announces_a_vacancy(portal, registry, tokens):
    listed = portal.get("/corporatie/woningen")
    assert MINE in listed.text and THEIRS not in listed.text
    page = f"/corporatie/woningen/{MINE}/leegstand"
    unconfirmed = post_form(portal, page, page, {"beschikbaar": "2026-12-20"}, confirm=False)
    assert "Wilt u deze woning als vrijkomend melden?" in unconfirmed.text
    assert _open_vacancies(registry, tokens, "lefier") == []
    answer = post_form(portal, page, page, {"beschikbaar": "2026-12-20"})
    assert answer.status_code == 303
    [vacancy] = _open_vacancies(registry, tokens, "lefier")
    assert vacancy["bagId"] == MINE and vacancy["availableFrom"] == "2026-12-20"
    assert "vrij vanaf 2026-12-20" in portal.get("/corporatie/woningen").text


def test_another_corporations_dwelling_by_url_changes_nothing(portal, registry, tokens):
    page = f"/corporatie/woningen/{THEIRS}/leegstand"
    answer = post_form(portal, page, page, {"beschikbaar": "2026-12-20"})
    assert answer.status_code == 404
    assert "hoort niet bij uw organisatie" in answer.text and "Er is niets gemeld" in answer.text
    assert _open_vacancies(registry, tokens, "nijestee") == []


def test_form_without_csrf_token_changes_nothing(portal, registry, tokens):
    page = f"/corporatie/woningen/{MINE}/leegstand"
    answer = portal.post(page, data={"beschikbaar": "2026-12-20", "bevestigd": "ja"})
    assert answer.status_code == 403 and "Er is niets gewijzigd" in answer.text
    assert _open_vacancies(registry, tokens, "lefier") == []


def test_bad_and_over_long_input_shows_the_error_beside_the_field(portal, registry, tokens):
    page = f"/corporatie/woningen/{MINE}/leegstand"
    answer = post_form(portal, page, page, {"beschikbaar": "9" * 5000})
    assert answer.status_code == 422
    assert 'id="beschikbaar-fout"' in answer.text and "jjjj-mm-dd" in answer.text
    assert 'aria-invalid="true"' in answer.text
    assert _open_vacancies(registry, tokens, "lefier") == []


def test_unknown_proposal_by_url_is_a_clear_not_found_page(portal_factory, service_app,
                                                           tmp_path):
    allocation = service_app("allocation", person_token_jwks=str(tmp_path / "portal" /
                                                                  "portal-jwks.json"))
    portal = portal_factory(fakes={"transport": ServiceApps(allocation=allocation)},
                            platform_urls=ServiceApps.urls("registry", "intake", "allocation",
                                                           "monitoring"))
    log_in(portal, "anna@lefier.nl")
    answer = portal.get("/corporatie/voorstellen/prop-van-een-ander")
    assert answer.status_code == 404 and "Voorstel niet gevonden" in answer.text
    assert "Traceback" not in answer.text
