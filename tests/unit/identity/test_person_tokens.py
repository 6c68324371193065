"""Person tokens: what the portal signs, a service accepts; anything else it refuses."""

from __future__ import annotations

from datetime import timedelta

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from shared.contracts.periods import utcnow
from shared.contracts.vocabulary import Role
from shared.person_tokens import (
    InvalidPersonToken,
    Person,
    PersonTokenIssuer,
    PersonTokenVerifier,
    public_jwk,
)

KEY = Ed25519PrivateKey.generate()
FIVE_MINUTES = timedelta(minutes=5)


def issuer(key=KEY, lifetime=FIVE_MINUTES) -> PersonTokenIssuer:
    return PersonTokenIssuer(key, lifetime)


def verifier(key=KEY) -> PersonTokenVerifier:
    return PersonTokenVerifier.from_jwks(issuer(key).jwks())


def signed(claims: dict, key=KEY, alg="EdDSA", kid=None) -> str:
    """A token made by hand, to try what the portal would never sign."""
    now = utcnow()
    base = {"iss": "woonregie-portal", "aud": "woonregie", "sub": "u-1", "email": "a@b.nl",
            "org": "Lentis", "role": "care-provider", "iat": now, "exp": now + FIVE_MINUTES}
    headers = {"kid": kid or public_jwk(KEY)["kid"]}
    return jwt.encode({**base, **claims}, key, algorithm=alg, headers=headers)


def refusal(token: str, check=None) -> str:
    with pytest.raises(InvalidPersonToken) as caught:
        (check or verifier()).verify(token)
    return caught.value.reason


def test_a_signed_token_names_person_organisation_and_role():
    token = issuer().issue("u-42", "j.devries@lentis.nl", "Lentis", "care-provider")

    claims = verifier().verify(token)

    assert claims.person == Person("u-42", "j.devries@lentis.nl")
    assert claims.org == "Lentis" and claims.role is Role.CARE_PROVIDER


def test_the_token_is_short_lived_and_for_the_platform_only():
    token = issuer(lifetime=timedelta(minutes=3)).issue("u-1", "a@b.nl", "GM0014",
                                                          Role.MUNICIPALITY)
    header, claims = jwt.get_unverified_header(token), jwt.decode(
        token, options={"verify_signature": False})

    assert header["alg"] == "EdDSA" and header["kid"] == public_jwk(KEY)["kid"]
    assert claims["iss"] == "woonregie-portal" and claims["aud"] == "woonregie"
    assert claims["exp"] - claims["iat"] == 180


def test_the_jwks_holds_only_the_public_key():
    [jwk] = issuer().jwks()["keys"]

    assert jwk["kty"] == "OKP" and jwk["crv"] == "Ed25519" and jwk["alg"] == "EdDSA"
    assert "d" not in jwk  # the private part never leaves the portal


def test_an_expired_token_is_refused():
    token = issuer(lifetime=timedelta(minutes=-2)).issue("u-1", "a@b.nl", "Lentis",
                                                           "care-provider")
    assert refusal(token) == "expired"


def test_a_token_signed_with_another_key_under_the_portals_kid_is_refused():
    forged = signed({}, key=Ed25519PrivateKey.generate())
    assert "Signature verification failed" in refusal(forged)


def test_a_token_with_a_changed_payload_is_refused():
    token = issuer().issue("u-1", "a@b.nl", "Lentis", "care-provider")
    header, _, signature = token.split(".")
    other = signed({"org": "Accare"}).split(".")[1]
    assert "Signature verification failed" in refusal(f"{header}.{other}.{signature}")


def test_a_key_the_portal_does_not_publish_is_refused():
    stranger = Ed25519PrivateKey.generate()
    token = issuer(stranger).issue("u-1", "a@b.nl", "Lentis", "care-provider")
    assert "does not publish" in refusal(token)


@pytest.mark.parametrize("claims, reason", [
    ({"aud": "another-platform"}, "audience"),
    ({"iss": "someone-else"}, "issuer"),
    ({"role": "superuser"}, "unknown role"),
])
def test_a_token_for_another_audience_issuer_or_role_is_refused(claims, reason):
    assert reason in refusal(signed(claims)).lower()


@pytest.mark.parametrize("missing", ["org", "role", "email", "exp", "sub"])
def test_a_token_missing_a_claim_is_refused(missing):
    token = signed({})
    claims = jwt.decode(token, options={"verify_signature": False})
    del claims[missing]
    assert refusal(jwt.encode(claims, KEY, algorithm="EdDSA",
                              headers={"kid": public_jwk(KEY)["kid"]}))


def test_a_symmetric_token_made_with_the_public_key_is_refused():
    public = public_jwk(KEY)["x"].encode()
    token = jwt.encode({"sub": "u-1"}, public, algorithm="HS256",
                       headers={"kid": public_jwk(KEY)["kid"]})
    assert "algorithm" in refusal(token)


def test_garbage_is_refused():
    assert refusal("not.a.token") == "not a JWT"


def test_the_portal_signs_no_municipality_token_without_a_cbs_code():
    with pytest.raises(ValueError, match="CBS code"):
        issuer().issue("u-1", "a@b.nl", "Groningen", "municipality")
    with pytest.raises(ValueError):
        issuer().issue("u-1", "a@b.nl", "Lentis", "root")
