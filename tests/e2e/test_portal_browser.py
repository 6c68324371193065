"""The portal in a real headless Chromium against the platform as `make run` starts it: each
role logs in (by keyboard), works its queue, confirms its action, and the effect shows up in
the next service. Every page passes axe-core's WCAG 2.1 A/AA rules; no personal data ends up
in an address, the portal's log or the browser's storage.

One platform serves the whole module; the tests follow one client from registration to
move-in, so they run in file order and each starts from what the previous one left.
"""

from __future__ import annotations

import os
import random
import re
import subprocess
import sys

import pytest
from platform_process import start_platform
from portal_browser import Person, add_account, chromium, poll
from reliability.reliability_helpers import group_lag

from services.intake.domain.bsn import fake_bsn
from services.portal.demo import DEMO_ACCOUNTS
from shared.contracts import topics
from shared.contracts.periods import today_amsterdam
from shared.settings import REPO_ROOT

pytestmark = [pytest.mark.e2e, pytest.mark.kafka]

CARE_PROVIDER = "demo-beschermd-wonen-stad"  # serves GM0014 in the reference data
CLIENT_NAME = "Jantje Testpersoon"
ACCOUNTS = {
    "care": ("zorg@beschermd.example", CARE_PROVIDER, "care-provider"),
    "municipality": ("urgentie@groningen.example", "GM0014", "municipality"),
    "corporation": ("verhuur@lefier.example", "lefier", "corporation"),
    "province": ("monitor@provincie.example", "provincie-groningen", "province"),
}


@pytest.fixture(scope="module")
def platform(tmp_path_factory):
    running = start_platform(tmp_path_factory.mktemp("portal-platform"))
    for email, org, role in ACCOUNTS.values():
        add_account(running.data_dir, email, org, role)
    province = running.token("provincie-groningen", "province")
    agreement = running.client("registry").put(
        f"/v1/agreements/province/{today_amsterdam().year}", headers=province, json={
            "urgentShare": 0.3, "expectedLettings": 1000,
            "keyWeights": {"population": 1.0, "socialStock": 0.0, "lettings": 0.0},
            "categories": [{"category": "beschermd-wonen", "validityDays": 180}]})
    assert agreement.status_code == 201, agreement.text
    yield running
    running.stop()


@pytest.fixture(scope="module")
def browser():
    with chromium() as running:
        yield running


@pytest.fixture(scope="module")
def story() -> dict:
    return {"bsn": fake_bsn(), "urls": []}


@pytest.fixture
def person(platform, browser, story, request):
    people = []

    def open_as(role: str) -> Person:
        someone = Person(browser, platform.url("portal"), ACCOUNTS[role][0])
        someone.page.on("framenavigated", lambda frame: story["urls"].append(frame.url))
        someone.log_in_by_keyboard()
        people.append(someone)
        return someone

    yield open_as
    for someone in people:
        story.setdefault("storage_empty", []).append(someone.storage_is_empty())
        someone.close()


def test_care_provider_registers_a_client(platform, person, story):
    care = person("care")
    care.goto("/zorg/clienten/nieuw")
    page = care.page
    page.fill("#bsn", story["bsn"])
    page.fill("#naam", CLIENT_NAME)
    page.fill("#geboortejaar", "1984")
    page.fill("#huishouden", "1")
    page.fill("#inkomen", "21000")
    page.select_option("#doelgroep", "beschermd-wonen")
    page.fill("#gemeente", "GM0014")
    page.check("#ambulant")
    care.submit_and_confirm("form.portal-form button[type=submit]")
    assert page.locator("#stand").inner_text() == "Wacht op urgentiebesluit"
    candidate_id = page.url.rsplit("/", 1)[-1].split("?")[0]
    story["candidate"] = candidate_id

    # the effect in the next service: intake lists the candidate for the municipality
    municipality = platform.token("GM0014", "municipality")
    listed = platform.client("intake").get("/v1/candidates", headers=municipality,
                                           params={"status": "active"}).json()["items"]
    assert [c["urgency"] for c in listed if c["id"] == candidate_id] == [None]

    care.goto("/zorg/clienten")
    assert page.locator("table", has_text=CLIENT_NAME).count() == 1


def test_municipality_grants_urgency_from_its_queue(platform, person, story):
    gemeente = person("municipality")
    waiting = gemeente.page.locator("#wat-wacht li", has_text="op een besluit wachten")
    assert int(waiting.locator("strong").inner_text()) >= 1
    gemeente.goto("/gemeente/urgentie")
    row = gemeente.page.locator("tr", has_text=story["candidate"])
    with gemeente.page.expect_navigation():
        row.get_by_role("link").click()
    gemeente.check()
    gemeente.page.select_option("#besluit", "granted")
    gemeente.page.select_option("#categorie", "beschermd-wonen")
    gemeente.submit_and_confirm("form.portal-form button[type=submit]")
    assert "Het besluit is vastgelegd." in gemeente.page.inner_text("main")

    # the effect in the next service: monitoring counts the grant (over Kafka)
    province = platform.token("provincie-groningen", "province")
    poll(lambda: platform.client("monitoring").get(
        "/v1/flows", headers=province,
        params={"period": str(today_amsterdam().year), "scope": "GM0014"}).json(),
        lambda body: sum(m.get("urgencyGranted") or 0 for m in body["months"]) >= 1)


def test_corporation_announces_answers_and_records_the_move_in(platform, person, story):
    corporation = platform.token("lefier", "corporation")
    bag_id = f"{random.randrange(10**15, 10**16)}"
    dwelling = platform.client("registry").put(f"/v1/dwellings/{bag_id}", headers=corporation,
                                               json={"municipality": "GM0014", "rooms": 3,
                                                     "monthlyRent": 600.0,
                                                     "accessibility": "nultreden",
                                                     "careSuitable": True})
    assert dwelling.status_code in (200, 201), dwelling.text
    watched = [topics.CANDIDATES.name, topics.AGREEMENTS.name, topics.MUNICIPALITIES.name]
    poll(lambda: group_lag(platform.bootstrap, "allocation", watched),
         lambda lag: not any(lag.values()), timeout=120)

    lefier = person("corporation")
    page = lefier.page
    lefier.goto(f"/corporatie/woningen?zoek={bag_id}")
    with page.expect_navigation():
        page.locator("tr", has_text=bag_id).get_by_role("link").click()
    lefier.check()
    page.fill("#beschikbaar", today_amsterdam().isoformat())
    lefier.submit_and_confirm("form.portal-form button[type=submit]")
    assert "De vrijkomende woning is gemeld." in page.inner_text("main")

    allocation = platform.client("allocation")
    proposal = poll(lambda: [p for p in allocation.get(
        "/v1/proposals", headers=corporation, params={"status": "open"}).json()["items"]
        if p["bagId"] == bag_id], bool)[0]
    assert proposal["candidateId"] == story["candidate"]
    lefier.goto("/corporatie/voorstellen?status=open")
    with page.expect_navigation():
        page.get_by_role("link", name=bag_id).click()
    lefier.check()
    ranked = page.locator("section[aria-labelledby=uitleg] tbody tr").first
    assert story["candidate"] in ranked.inner_text()
    # declining without a reason: the error stands beside the field, nothing is sent
    page.check("#besluit-declined")
    with page.expect_navigation():
        page.click("form.portal-form button[type=submit]")
    lefier.problems.remove("Failed to load resource: the server responded with a status of "
                           "422 (Unprocessable Entity)")  # the refused form, as intended
    lefier.check()
    assert page.locator("#reden_code-fout").inner_text() == "Kies een reden."
    assert page.locator("#reden_code").get_attribute("aria-invalid") == "true"
    page.check("#besluit-accepted")
    lefier.submit_and_confirm("form.portal-form button[type=submit]")
    assert "Uw antwoord is vastgelegd." in page.inner_text("main")

    # the candidate's side answers through its organisation's API
    care = platform.token(CARE_PROVIDER, "care-provider")
    answer = allocation.post(f"/v1/proposals/{proposal['id']}/responses", headers=care,
                             json={"decision": "accepted", "decidedBy": "candidate"})
    assert answer.status_code == 200 and answer.json()["status"] == "accepted", answer.text

    lefier.goto(f"/corporatie/voorstellen/{proposal['id']}")
    page.fill("#datum", today_amsterdam().isoformat())
    lefier.submit_and_confirm("form.portal-form button[type=submit]")
    assert "De verhuizing is vastgelegd." in page.inner_text("main")

    # the effect in the next service: monitoring's realisation counts the placement
    province = platform.token("provincie-groningen", "province")
    poll(lambda: platform.client("monitoring").get(
        "/v1/realisation", headers=province,
        params={"period": str(today_amsterdam().year), "scope": "GM0014"}).json(),
        lambda body: any(r["municipality"] == "GM0014" and r["realised"] >= 1
                         for r in body["municipalities"]))


def test_province_sees_the_exact_realisation(platform, person):
    province = platform.token("provincie-groningen", "province")
    api = platform.client("monitoring").get(
        "/v1/realisation", headers=province,
        params={"period": str(today_amsterdam().year), "scope": "province"}).json()
    monitor = person("province")
    monitor.goto("/provincie/monitor")
    assert monitor.page.locator("#gerealiseerd").inner_text() == str(api["total"]["realised"])
    assert api["total"]["realised"] >= 1
    row = monitor.page.locator("#gemeente-GM0014 td").nth(1)
    assert row.inner_text() == str(next(r["realised"] for r in api["municipalities"]
                                        if r["municipality"] == "GM0014"))


def test_province_previews_the_agreement_targets_before_saving(platform, person):
    editor = person("province")
    editor.goto("/provincie/afspraken")
    editor.page.fill("#aandeel_urgent", "0,4")
    with editor.page.expect_navigation():
        editor.page.click("#voorbeeld")
    editor.check()
    assert editor.page.locator("#voorbeeld-GM0014").is_visible()


def test_municipality_sees_its_own_exact_realisation(platform, person):
    own = platform.token("GM0014", "municipality")
    api = platform.client("monitoring").get(
        "/v1/realisation", headers=own,
        params={"period": str(today_amsterdam().year), "scope": "GM0014"}).json()
    gemeente = person("municipality")
    gemeente.goto("/gemeente/realisatie")
    assert gemeente.page.locator("#gerealiseerd").inner_text() == str(api["total"]["realised"])
    assert api["total"]["realised"] >= 1


def test_no_personal_data_in_addresses_logs_or_browser_storage(platform, story):
    assert story["urls"], "the browser tests ran first"
    for url in story["urls"]:
        assert story["bsn"] not in url and "Testpersoon" not in url, url
    log = (platform.data_dir / "logs" / "portal.log").read_text(errors="replace")
    assert story["bsn"] not in log and CLIENT_NAME not in log
    assert all(story["storage_empty"])


def test_demo_makes_an_account_per_role_with_work_waiting(platform, browser):
    """`woonregie demo` (as a user runs it): the printed logins work, and work waits."""
    result = subprocess.run(
        [sys.executable, "-m", "shared.local.cli", "demo", "--rate", "10", "--seconds", "20",
         "--seed", "3", "--registry-url", platform.url("registry"),
         "--intake-url", platform.url("intake"), "--allocation-url", platform.url("allocation"),
         "--data-dir", str(platform.data_dir)],
        capture_output=True, text=True, cwd=REPO_ROOT, timeout=300,
        env={**os.environ, "COLUMNS": "200", "WOONREGIE_DATA_DIR": str(platform.data_dir)})
    assert result.returncode == 0, result.stdout + result.stderr
    logins = dict(re.findall(r"│ (\S+@\S+\.demo) +│ (\S+) +│", result.stdout))
    assert set(logins) == {email for email, *_ in DEMO_ACCOUNTS}, result.stdout
    assert "/inloggen" in result.stdout

    def waiting(email: str, text: str) -> int:
        someone = Person(browser, platform.url("portal"), email, logins[email])
        try:
            someone.log_in_by_keyboard()
            item = someone.page.locator("#wat-wacht li", has_text=text).locator("strong")
            return int(item.inner_text())
        finally:
            someone.close()

    assert waiting("urgentie@groningen.demo", "op een besluit wachten") >= 2
    assert poll(lambda: waiting("verhuur@lefier.demo", "Voorstellen om te beantwoorden"),
                lambda count: count >= 1, timeout=120)
    assert waiting("zorg@beschermd-wonen.demo", "Actieve cliënten") >= 2
