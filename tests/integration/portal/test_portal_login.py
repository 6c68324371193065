"""Logging in and out of the portal, sessions, lockout and CSRF, through HTTP."""

from __future__ import annotations

from datetime import timedelta

from portal_helpers import PASSWORD, csrf_of, log_in

from services.portal.auth.identity import SESSION_COOKIE


def test_login_sets_a_protected_session_cookie_and_shows_the_start_page(portal):
    answer = log_in(portal, "anna@lefier.nl")
    assert answer.status_code == 303 and answer.headers["location"] == "/"
    cookie = answer.headers["set-cookie"]
    assert f"{SESSION_COOKIE}=" in cookie and "HttpOnly" in cookie
    assert "SameSite=lax" in cookie or "samesite=lax" in cookie.lower()
    assert "Secure" not in cookie  # served over plain HTTP in this test
    start = portal.get("/")
    assert start.status_code == 200
    assert "Wat wacht op mij" in start.text and "anna" in start.text
    assert start.headers["cache-control"] == "no-store"


def test_cookie_is_secure_when_the_portal_is_served_over_tls(portal_factory):
    portal = portal_factory(cookie_secure=True)
    portal.base_url = "https://testserver"  # a Secure cookie only comes back over TLS
    assert "Secure" in log_in(portal, "anna@lefier.nl").headers["set-cookie"]


def test_without_a_session_every_page_goes_to_the_login_page(portal):
    for page in ("/", "/corporatie/voorstellen", "/corporatie/woningen"):
        answer = portal.get(page)
        assert answer.status_code == 303 and answer.headers["location"] == "/inloggen"


def test_wrong_password_is_refused_with_a_clear_page_and_no_session(portal):
    answer = log_in(portal, "anna@lefier.nl", "niet-het-wachtwoord")
    assert answer.status_code == 401
    assert "Het e-mailadres of het wachtwoord klopt niet." in answer.text
    assert SESSION_COOKIE not in answer.headers.get("set-cookie", "")
    assert "niet-het-wachtwoord" not in answer.text  # the password is never echoed
    assert portal.get("/").status_code == 303


def test_unknown_and_disabled_accounts_get_the_same_answer_as_a_wrong_password(portal):
    portal.app.state.accounts.disable("bert@nijestee.nl")
    for email in ("niemand@example.nl", "bert@nijestee.nl"):
        answer = log_in(portal, email)
        assert answer.status_code == 401
        assert "Het e-mailadres of het wachtwoord klopt niet." in answer.text


def test_repeated_failures_lock_the_account_even_for_the_right_password(portal_factory):
    portal = portal_factory(lockout_attempts=3)
    for _ in range(2):
        assert log_in(portal, "anna@lefier.nl", "fout-wachtwoord-x").status_code == 401
    third = log_in(portal, "anna@lefier.nl", "fout-wachtwoord-x")
    assert "tijdelijk geblokkeerd" in third.text
    locked = log_in(portal, "anna@lefier.nl", PASSWORD)
    assert locked.status_code == 401 and "tijdelijk geblokkeerd" in locked.text
    assert portal.get("/").status_code == 303


def test_login_form_without_its_csrf_token_is_refused(portal):
    portal.get("/inloggen")
    answer = portal.post("/inloggen", data={"email": "anna@lefier.nl", "password": PASSWORD})
    assert answer.status_code == 403
    assert "Formulier niet geaccepteerd" in answer.text and "niets gewijzigd" in answer.text
    assert portal.get("/").status_code == 303


def test_over_long_login_fields_get_a_clear_page(portal):
    token = csrf_of(portal.get("/inloggen").text)
    answer = portal.post("/inloggen", data={"email": "a" * 5000 + "@x.nl", "password": "x",
                                            "csrf_token": token})
    assert answer.status_code == 422
    assert "ten hoogste 256 tekens" in answer.text
    assert "a" * 300 not in answer.text


def test_logout_needs_the_csrf_token_and_ends_the_session(portal):
    log_in(portal, "anna@lefier.nl")
    refused = portal.post("/uitloggen", data={})
    assert refused.status_code == 403 and portal.get("/").status_code == 200
    token = csrf_of(portal.get("/").text)
    answer = portal.post("/uitloggen", data={"csrf_token": token})
    assert answer.status_code == 303 and answer.headers["location"].startswith("/inloggen")
    assert portal.get("/").status_code == 303


def test_a_stolen_cookie_stops_working_after_logout(portal):
    log_in(portal, "anna@lefier.nl")
    cookie = portal.cookies[SESSION_COOKIE]
    portal.post("/uitloggen", data={"csrf_token": csrf_of(portal.get("/").text)})
    portal.cookies.set(SESSION_COOKIE, cookie)
    assert portal.get("/").status_code == 303


def _age_session(portal, **delta) -> None:
    sessions = portal.app.state.sessions
    real_now = sessions.now
    sessions.now = lambda: real_now() + timedelta(**delta)


def test_idle_session_expires(portal_factory):
    portal = portal_factory(session_idle_minutes=30)
    log_in(portal, "anna@lefier.nl")
    _age_session(portal, minutes=31)
    assert portal.get("/").status_code == 303


def test_session_expires_absolutely_even_when_used(portal_factory):
    portal = portal_factory(session_idle_minutes=30, session_absolute_hours=1)
    log_in(portal, "anna@lefier.nl")
    sessions = portal.app.state.sessions
    start = sessions.now()
    for minutes in (20, 40, 59):
        sessions.now = lambda m=minutes: start + timedelta(minutes=m)
        assert portal.get("/").status_code == 200
    sessions.now = lambda: start + timedelta(minutes=61)
    assert portal.get("/").status_code == 303


def test_pages_of_another_role_are_refused(portal):
    log_in(portal, "gea@groningen.nl")
    answer = portal.get("/corporatie/voorstellen")
    assert answer.status_code == 403 and "niet voor uw rol" in answer.text


def test_an_unreachable_service_gives_a_clear_page_not_an_error(portal):
    log_in(portal, "anna@lefier.nl")
    assert "kon nu niet worden opgehaald" in portal.get("/").text
    answer = portal.get("/corporatie/voorstellen")
    assert answer.status_code == 503 and "Dienst niet bereikbaar" in answer.text


def test_health_like_the_other_services(portal):
    assert portal.get("/v1/health").json() == {"status": "ok", "service": "portal"}


def test_the_portal_publishes_the_public_key_of_its_person_tokens(portal):
    keys = portal.get("/.well-known/jwks.json").json()["keys"]
    assert [(k["kty"], k["crv"], k["alg"]) for k in keys] == [("OKP", "Ed25519", "EdDSA")]
    assert "d" not in keys[0]  # never the private half
