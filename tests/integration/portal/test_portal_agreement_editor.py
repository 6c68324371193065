"""The province's agreement editor against the real registry (real broker): a preview shows
the targets the terms would give beside the current ones and saves nothing; saving, after
the confirm step, sets them; bad terms are shown beside the field."""

from __future__ import annotations

import pytest
from portal_helpers import PASSWORD, ServiceApps, log_in, portal_settings, post_form

from services.portal.bootstrap import account_service_for

pytestmark = pytest.mark.kafka
PAGE = "/provincie/afspraken"
PERIOD = "2031"
IN_FORCE = {"urgentShare": 0.27, "expectedLettings": 1000,
            "keyWeights": {"population": 1.0, "socialStock": 0.0, "lettings": 0.0},
            "categories": [{"category": "beschermd-wonen", "validityDays": 180}]}
EDITED = {"gebied": "province", "periode": PERIOD, "aandeel_urgent": "0,5",
          "gewicht_inwoners": "0.5", "gewicht_voorraad": "0.5", "gewicht_verhuringen": "0",
          "plafond": "0,4"}


@pytest.fixture
def registry(service_app, tokens, tmp_path):
    registry = service_app("registry", person_token_jwks=str(tmp_path / "portal" /
                                                              "portal-jwks.json"))
    answer = registry.put(f"/v1/agreements/province/{PERIOD}", json=IN_FORCE,
                          headers=tokens.issue("provincie-groningen", "province"))
    assert answer.status_code == 201, answer.text
    return registry


@pytest.fixture
def portal(portal_factory, registry, tmp_path, auth_db_url):
    portal = portal_factory(fakes={"transport": ServiceApps(registry=registry)},
                            platform_urls=ServiceApps.urls("registry", "intake", "allocation",
                                                           "monitoring"))
    account_service_for(portal_settings(tmp_path, auth_db_url)).add(
        "pien@provincie.example", "provincie-groningen", "province", PASSWORD,
        display_name="pien")
    log_in(portal, "pien@provincie.example")
    return portal


def _saved(registry, tokens) -> dict:
    return registry.get(f"/v1/agreements/province/{PERIOD}",
                        headers=tokens.issue("provincie-groningen", "province")).json()


def _preview_of_registry(registry, tokens) -> dict:
    terms = {**IN_FORCE, "urgentShare": 0.5, "capShare": 0.4,
             "keyWeights": {"population": 0.5, "socialStock": 0.5, "lettings": 0.0}}
    return registry.post(f"/v1/agreements/province/{PERIOD}/preview", json=terms,
                         headers=tokens.issue("provincie-groningen", "province")).json()


def test_the_editor_is_prefilled_from_the_agreement_in_force(portal):
    page = portal.get(f"{PAGE}?periode={PERIOD}")
    assert page.status_code == 200
    assert 'id="aandeel_urgent" name="aandeel_urgent" type="text" value="0.27"' in page.text
    assert 'name="gewicht_inwoners" type="text" value="1"' in page.text
    assert 'id="taakstellingen"' in page.text and "versie 1" in page.text


def test_a_preview_shows_the_targets_beside_the_current_ones_and_saves_nothing(
        portal, registry, tokens):
    expected = {t["municipality"]: t["target"] for t in _preview_of_registry(registry, tokens)[
        "targets"]}

    answer = post_form(portal, f"{PAGE}?periode={PERIOD}", PAGE,
                       {**EDITED, "actie": "voorbeeld"}, confirm=False)

    assert answer.status_code == 200, answer.text
    assert "Voorbeeld: taakstelling per gemeente" in answer.text
    for code in expected:
        assert f'id="voorbeeld-{code}"' in answer.text
    row = answer.text.split('id="voorbeeld-GM0014"')[1].split("</tr>")[0]
    assert f'<td class="utrecht-table__cell">{expected["GM0014"]}</td>' in row
    saved = _saved(registry, tokens)
    assert saved["version"] == 1 and saved["urgentShare"] == 0.27


def test_saving_asks_to_confirm_then_sets_the_agreement(portal, registry, tokens):
    expected = _preview_of_registry(registry, tokens)["targets"]

    unconfirmed = post_form(portal, PAGE, PAGE, {**EDITED, "actie": "opslaan"}, confirm=False)
    assert "Wilt u deze afspraak opslaan en bekendmaken?" in unconfirmed.text
    assert _saved(registry, tokens)["version"] == 1

    answer = post_form(portal, PAGE, PAGE, {**EDITED, "actie": "opslaan"})
    assert answer.status_code == 303
    saved = _saved(registry, tokens)
    assert saved["version"] == 2 and saved["urgentShare"] == 0.5 and saved["capShare"] == 0.4
    assert saved["categories"][0]["category"] == "beschermd-wonen"
    assert saved["expectedLettings"] == 1000
    assert {t["municipality"]: t["target"] for t in saved["targets"]} == {
        t["municipality"]: t["target"] for t in expected}
    assert "De afspraak is opgeslagen" in portal.get(answer.headers["location"]).text


def test_bad_terms_show_the_error_beside_the_field_and_save_nothing(portal, registry, tokens):
    local = post_form(portal, PAGE, PAGE, {**EDITED, "aandeel_urgent": "veel",
                                          "actie": "opslaan"})
    weights = post_form(portal, PAGE, PAGE, {**EDITED, "gewicht_verhuringen": "0.5",
                                            "actie": "voorbeeld"})

    assert local.status_code == 422
    assert 'id="aandeel_urgent-fout"' in local.text and 'aria-invalid="true"' in local.text
    assert weights.status_code == 422, weights.text
    assert 'id="gewicht_inwoners-fout"' in weights.text and "sum to 1" in weights.text
    assert _saved(registry, tokens)["version"] == 1


def test_saving_without_csrf_token_changes_nothing(portal, registry, tokens):
    answer = portal.post(PAGE, data={**EDITED, "actie": "opslaan", "bevestigd": "ja"})
    assert answer.status_code == 403
    assert _saved(registry, tokens)["version"] == 1
