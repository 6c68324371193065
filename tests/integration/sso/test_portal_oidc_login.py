"""Single sign-on through the portal against a real Keycloak: a browser's walk, by httpx."""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from services.portal.auth.identity import SESSION_COOKIE
from shared.contracts.vocabulary import Role

PASSWORDS = {"j.devries": "Geheim-wachtwoord-1", "p.zonderrol": "Geheim-wachtwoord-2",
             "l.verhuur": "Geheim-wachtwoord-3"}
LOGIN_FORM = re.compile(r'<form[^>]*id="kc-form-login"[^>]*action="([^"]+)"', re.S)


def browser() -> httpx.Client:
    client = httpx.Client(follow_redirects=True, timeout=60)

    def loopback_is_secure(response: httpx.Response) -> None:
        """As browsers do, count http://127.0.0.1 as a secure context: Keycloak marks its
        login cookies Secure, and a cookie jar would otherwise never send them back."""
        for cookie in client.cookies.jar:
            if cookie.domain == "127.0.0.1":
                cookie.secure = False

    client.event_hooks["response"] = [loopback_is_secure]
    return client


def log_in_at_keycloak(client: httpx.Client, login_page: httpx.Response,
                       username: str) -> httpx.Response:
    """Fill in Keycloak's login form as a person would, and follow where it leads."""
    assert login_page.status_code == 200, login_page.text[:500]
    form = LOGIN_FORM.search(login_page.text)
    assert form, "no Keycloak login form:\n" + login_page.text[:500]
    return client.post(html.unescape(form.group(1)),
                       data={"username": username, "password": PASSWORDS[username]})


def session_of(portal, client: httpx.Client):
    token = client.cookies.get(SESSION_COOKIE)
    return portal.app.state.sessions.resume(token) if token else None


def test_a_person_logs_in_through_the_provider_with_the_mapped_org_and_role(serve_portal,
                                                                            keycloak):
    portal = serve_portal()
    with browser() as client:
        login_page = client.get(f"{portal.url}/inloggen/sso")
        assert str(login_page.url).startswith(keycloak.issuer)

        home = log_in_at_keycloak(client, login_page, "j.devries")

        assert home.status_code == 200 and str(home.url) == f"{portal.url}/"
        assert "Welkom, Jan de Vries" in home.text
        assert "Zorgaanbieder Lentis" in home.text
        identity = session_of(portal, client).identity
    assert (identity.org, identity.role, identity.source) == ("Lentis", Role.CARE_PROVIDER,
                                                              "oidc")
    assert identity.email == "j.devries@lentis.example"
    assert identity.subject.startswith("oidc:")


def test_the_request_to_the_provider_carries_state_nonce_and_pkce(serve_portal, keycloak):
    portal = serve_portal()
    with httpx.Client() as client:
        redirect = client.get(f"{portal.url}/inloggen/sso")

    assert redirect.status_code == 302
    query = parse_qs(urlsplit(redirect.headers["location"]).query)
    assert query["code_challenge_method"] == ["S256"] and len(query["code_challenge"][0]) >= 43
    assert query["state"][0] and query["nonce"][0]
    assert query["redirect_uri"] == [f"{portal.url}/inloggen/sso/terug"]
    flow_cookie = redirect.headers["set-cookie"]
    assert "woonregie_sso=" in flow_cookie and "HttpOnly" in flow_cookie
    assert "Path=/inloggen/sso" in flow_cookie and query["state"][0] not in flow_cookie


def test_a_person_without_an_org_and_role_gets_a_clear_page_and_no_session(serve_portal):
    portal = serve_portal()
    with browser() as client:
        page = log_in_at_keycloak(client, client.get(f"{portal.url}/inloggen/sso"),
                                  "p.zonderrol")

        assert page.status_code == 403
        assert "Geen toegang tot Woonregie" in page.text
        assert "geen organisatie en rol" in page.text
        assert client.cookies.get(SESSION_COOKIE) is None
        assert str(client.get(f"{portal.url}/").url) == f"{portal.url}/inloggen"


def test_a_group_mapping_gives_org_and_role_when_the_claims_are_absent(serve_portal):
    portal = serve_portal(oidc_group_map={"/corporaties/lefier-verhuur": ["lefier",
                                                                          "corporation"]})
    with browser() as client:
        home = log_in_at_keycloak(client, client.get(f"{portal.url}/inloggen/sso"),
                                  "l.verhuur")

        assert home.status_code == 200 and "Woningcorporatie lefier" in home.text
        identity = session_of(portal, client).identity
    assert (identity.org, identity.role) == ("lefier", Role.CORPORATION)


def test_a_callback_from_another_browser_or_a_replayed_one_starts_no_session(serve_portal):
    portal = serve_portal()
    with browser() as client, browser() as attacker:
        login_page = client.get(f"{portal.url}/inloggen/sso")
        form = LOGIN_FORM.search(login_page.text).group(1)
        to_callback = client.post(html.unescape(form), follow_redirects=False,
                                  data={"username": "j.devries",
                                        "password": PASSWORDS["j.devries"]})
        callback = to_callback.headers["location"]
        assert callback.startswith(f"{portal.url}/inloggen/sso/terug?")

        stolen = attacker.get(callback)  # no flow cookie: the state is not this browser's
        assert stolen.status_code == 400 and "Inloggen is niet gelukt" in stolen.text
        assert attacker.cookies.get(SESSION_COOKIE) is None

        assert client.get(callback).status_code == 200  # the rightful browser logs in
        replayed = client.get(callback)  # the flow is used up
        assert replayed.status_code == 400


def test_a_forged_state_is_refused(serve_portal):
    portal = serve_portal()
    with browser() as client:
        client.get(f"{portal.url}/inloggen/sso")
        page = client.get(f"{portal.url}/inloggen/sso/terug",
                          params={"state": "forged", "code": "made-up"})
    assert page.status_code == 400 and "Inloggen is niet gelukt" in page.text
    assert client.cookies.get(SESSION_COOKIE) is None


def test_an_unreachable_provider_gets_a_clear_page(serve_portal):
    portal = serve_portal(oidc_issuer="http://127.0.0.1:9/realms/none")
    with browser() as client:
        page = client.get(f"{portal.url}/inloggen/sso")
    assert page.status_code == 503 and "lukt nu niet" in page.text


@pytest.mark.parametrize("secret", [None, "wrong-secret"])
def test_without_the_right_client_secret_nobody_is_logged_in(serve_portal, secret):
    portal = serve_portal(oidc_client_secret=secret)
    with browser() as client:
        page = client.get(f"{portal.url}/inloggen/sso")
        if secret is None:
            assert page.status_code == 503 and "niet volledig ingesteld" in page.text
            return
        page = log_in_at_keycloak(client, page, "j.devries")  # the code exchange fails
    assert page.status_code == 400 and client.cookies.get(SESSION_COOKIE) is None
