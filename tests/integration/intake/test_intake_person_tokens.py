"""Intake answers the portal's person tokens, and its access log names the person."""

from __future__ import annotations

import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from intake_helpers import candidate_body

from shared.person_tokens import PersonTokenIssuer, public_jwk
from shared.settings import WoonregieSettings

pytestmark = pytest.mark.kafka
PROBLEM = "application/problem+json"


@pytest.fixture
def portal(tmp_path):
    """The portal's signer, on the data folder intake uses (as `make run` shares it)."""
    return PersonTokenIssuer.from_settings(WoonregieSettings(data_dir=tmp_path / "intake"))


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def access_log(intake, candidate_id: str) -> list[tuple]:
    with intake.app.state.runtime.uow() as uow:
        return [(r.org, r.role, r.person_subject, r.person_email, r.action)
                for r in uow.access_log.entries(candidate_id)]


def test_the_access_log_names_the_person_the_portal_acts_for(portal, intake, provider):
    person = bearer(portal.issue("kc-7f3a", "j.devries@lentis.example", "Lentis",
                                 "care-provider"))

    created = intake.post("/v1/candidates", json=candidate_body(), headers=person)
    assert created.status_code == 201, created.text
    assert created.json()["registeredBy"] == "Lentis"
    candidate_id = created.json()["id"]
    assert intake.get(f"/v1/candidates/{candidate_id}", headers=person).status_code == 200
    assert intake.get(f"/v1/candidates/{candidate_id}", headers=provider).status_code == 200

    assert access_log(intake, candidate_id) == [
        ("Lentis", "care-provider", "kc-7f3a", "j.devries@lentis.example", "registered"),
        ("Lentis", "care-provider", "kc-7f3a", "j.devries@lentis.example", "read"),
        ("Lentis", "care-provider", None, None, "read"),  # an organisation token: no person
    ]


def test_a_person_acts_only_within_the_organisation_in_the_token(portal, intake, provider):
    candidate_id = intake.post("/v1/candidates", json=candidate_body(),
                               headers=provider).json()["id"]
    stranger = bearer(portal.issue("kc-1", "x@accare.example", "Accare", "care-provider"))
    corporation = bearer(portal.issue("kc-2", "y@lefier.example", "lefier", "corporation"))

    assert intake.get(f"/v1/candidates/{candidate_id}", headers=stranger).status_code == 404
    assert intake.get("/v1/candidates", headers=corporation).status_code == 403


def refused_tokens(portal: PersonTokenIssuer) -> dict[str, str]:
    expired = PersonTokenIssuer(portal._key, timedelta(minutes=-5))
    forger = PersonTokenIssuer(Ed25519PrivateKey.generate(), timedelta(minutes=5))
    valid = portal.issue("kc-1", "a@lentis.example", "Lentis", "care-provider")
    claims = jwt.decode(valid, options={"verify_signature": False})
    other_audience = jwt.encode({**claims, "aud": "another-platform"}, portal._key,
                                algorithm="EdDSA", headers={"kid": public_jwk(portal._key)["kid"]})
    header, _, signature = valid.split(".")
    tampered = jwt.encode({**claims, "org": "Accare"}, portal._key, algorithm="EdDSA",
                          headers={"kid": public_jwk(portal._key)["kid"]}).split(".")[1]
    return {
        "expired": expired.issue("kc-1", "a@lentis.example", "Lentis", "care-provider"),
        "forged": forger.issue("kc-1", "a@lentis.example", "Lentis", "care-provider"),
        "audience": other_audience,
        "tampered": f"{header}.{tampered}.{signature}",
    }


@pytest.mark.parametrize("kind", ["expired", "forged", "audience", "tampered"])
def test_a_bad_person_token_gets_a_401_problem_and_changes_nothing(portal, intake, provider,
                                                                  kind):
    token = refused_tokens(portal)[kind]

    response = intake.post("/v1/candidates", json=candidate_body(), headers=bearer(token))

    assert response.status_code == 401
    assert response.headers["content-type"] == PROBLEM
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert intake.get("/v1/candidates", headers=provider).json()["total"] == 0


@pytest.fixture
def jwks_url(tmp_path):
    """The portal's /.well-known/jwks.json, served over HTTP as a separate portal would."""
    issuer = PersonTokenIssuer.from_settings(WoonregieSettings(data_dir=tmp_path / "portal"))
    body = json.dumps(issuer.jwks()).encode()

    class Jwks(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200 if self.path == "/.well-known/jwks.json" else 404)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Jwks)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield issuer, f"http://127.0.0.1:{server.server_port}/.well-known/jwks.json"
    server.shutdown()


def test_services_read_the_public_keys_from_the_portals_jwks_url(service_app, jwks_url):
    issuer, url = jwks_url
    intake = service_app("intake", person_token_jwks=url)
    person = bearer(issuer.issue("kc-9", "m@menzis.example", "Menzis", "care-office"))

    response = intake.post("/v1/candidates", json=candidate_body(), headers=person)

    assert response.status_code == 201, response.text
    assert access_log(intake, response.json()["id"])[0][2:4] == ("kc-9", "m@menzis.example")
