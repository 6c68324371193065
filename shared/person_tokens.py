"""Person tokens: the portal tells the services which person acts, for which organisation.

A person token is a short-lived JWT (setting `person_token_minutes`) signed by the portal with
an Ed25519 key (EdDSA), issuer `woonregie-portal`, audience `woonregie`, naming the person
(`sub`, `email`), the organisation (`org`) and the role (`role`). The services verify it with
the portal's public keys (a JWKS), never with a shared secret, so a service that leaks its
configuration cannot mint tokens.

Keys: production sets `person_token_key_file` (the portal's private key, PEM) and points the
services' `person_token_jwks` at the portal's `/.well-known/jwks.json`. When the key file is
unset, a key is created once in `data_dir/portal-signing-key.pem` (mode 0600) and its public
half written to `data_dir/portal-jwks.json`, which is where the services look by default: the
processes `make run` starts share that data folder (development only, a warning says so).
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import os
import secrets
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache
from pathlib import Path

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from jwt.algorithms import OKPAlgorithm

from shared.contracts.periods import utcnow
from shared.settings import WoonregieSettings
from shared.contracts.vocabulary import Role, is_cbs_code

log = logging.getLogger(__name__)
ISSUER = "woonregie-portal"
AUDIENCE = "woonregie"
ALGORITHM = "EdDSA"
DEV_KEY_FILE = "portal-signing-key.pem"
DEV_JWKS_FILE = "portal-jwks.json"
REQUIRED_CLAIMS = ["exp", "iat", "iss", "aud", "sub", "email", "org", "role"]
LEEWAY_SECONDS = 30  # clock skew between the portal's host and a service's


class InvalidPersonToken(Exception):
    """The token is expired, forged, for another audience or incomplete; `reason` says which."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Person:
    subject: str
    email: str


@dataclass(frozen=True)
class PersonClaims:
    person: Person
    org: str
    role: Role


# --- keys ---------------------------------------------------------------------------------


def public_jwk(private_key: Ed25519PrivateKey) -> dict:
    """The public half as a JWK, `kid` its RFC 7638 thumbprint (stable across restarts)."""
    jwk = OKPAlgorithm.to_jwk(private_key.public_key(), as_dict=True)
    canonical = json.dumps({k: jwk[k] for k in ("crv", "kty", "x")}, separators=(",", ":"),
                           sort_keys=True)
    digest = hashlib.sha256(canonical.encode()).digest()
    kid = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    return {**jwk, "kid": kid, "use": "sig", "alg": ALGORITHM}


def load_private_key(path: Path) -> Ed25519PrivateKey:
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError(f"{path}: person tokens are signed with an Ed25519 key")
    return key


def _dev_private_key(data_dir: Path) -> Ed25519PrivateKey:
    path = data_dir / DEV_KEY_FILE
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        pem = Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption())
        try:
            # O_EXCL: two processes starting at once must not each write their own key
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "wb") as handle:
                handle.write(pem)
    log.warning("person_token_key_file is not set: signing person tokens with a development "
                "key from a local file; set WOONREGIE_PERSON_TOKEN_KEY_FILE in production",
                extra={"key_file": str(path)})
    return load_private_key(path)


def _publish_dev_jwks(data_dir: Path, jwks: dict) -> None:
    target = data_dir / DEV_JWKS_FILE
    scratch = target.with_name(f".{target.name}.{secrets.token_hex(4)}")
    scratch.write_text(json.dumps(jwks))
    scratch.replace(target)  # atomic: a service never reads half a file


# --- issuing (the portal) -----------------------------------------------------------------


class PersonTokenIssuer:
    def __init__(self, private_key: Ed25519PrivateKey, lifetime: timedelta):
        self._key = private_key
        self._jwk = public_jwk(private_key)
        self.lifetime = lifetime

    @classmethod
    def from_settings(cls, settings: WoonregieSettings) -> "PersonTokenIssuer":
        lifetime = timedelta(minutes=settings.person_token_minutes)
        if settings.person_token_key_file:
            return cls(load_private_key(settings.person_token_key_file), lifetime)
        issuer = cls(_dev_private_key(settings.data_dir), lifetime)
        _publish_dev_jwks(settings.data_dir, issuer.jwks())
        return issuer

    def jwks(self) -> dict:
        """What the portal serves at `/.well-known/jwks.json`."""
        return {"keys": [dict(self._jwk)]}

    def issue(self, subject: str, email: str, org: str, role: Role | str) -> str:
        role = Role(role)
        if not subject or not org.strip():
            raise ValueError("a person token names a subject and an organisation")
        if role is Role.MUNICIPALITY and not is_cbs_code(org):
            raise ValueError(f"a municipality's org is its CBS code (GM + 4 digits), not {org!r}")
        now = utcnow()
        claims = {
            "iss": ISSUER, "aud": AUDIENCE, "sub": subject, "email": email, "org": org,
            "role": str(role), "iat": now, "nbf": now, "exp": now + self.lifetime,
            "jti": secrets.token_urlsafe(12),
        }
        return jwt.encode(claims, self._key, algorithm=ALGORITHM,
                          headers={"kid": self._jwk["kid"]})


def public_jwks(settings: WoonregieSettings) -> dict:
    """The portal's JWKS document for its settings (for `/.well-known/jwks.json`)."""
    return PersonTokenIssuer.from_settings(settings).jwks()


# --- verifying (the services) -------------------------------------------------------------


class _FileKeys:
    """A JWKS file, read again when it changes (a new dev key, or a rotated one)."""

    def __init__(self, path: Path):
        self.path = path
        self._stamp: float | None = None
        self._keys: dict[str, jwt.PyJWK] = {}

    def key(self, kid: str) -> jwt.PyJWK:
        try:
            stamp = self.path.stat().st_mtime_ns
        except FileNotFoundError:
            raise InvalidPersonToken("the portal's public keys are not available") from None
        if stamp != self._stamp:
            document = jwt.PyJWKSet.from_json(self.path.read_text())
            self._keys = {k.key_id: k for k in document.keys if k.key_id}
            self._stamp = stamp
        if kid not in self._keys:
            raise InvalidPersonToken("signed with a key the portal does not publish")
        return self._keys[kid]


class _UrlKeys:
    """The portal's `/.well-known/jwks.json`, cached; fetched again for an unknown `kid`."""

    def __init__(self, url: str):
        self._client = jwt.PyJWKClient(url, cache_keys=True, lifespan=300, timeout=5)

    def key(self, kid: str) -> jwt.PyJWK:
        try:
            return self._client.get_signing_key(kid)
        except jwt.PyJWKClientError as exc:
            raise InvalidPersonToken(f"no public key for this token: {exc}") from None


class _DocumentKeys:
    """A JWKS document already at hand."""

    def __init__(self, document: dict):
        self._keys = {k.key_id: k for k in jwt.PyJWKSet.from_dict(document).keys if k.key_id}

    def key(self, kid: str) -> jwt.PyJWK:
        if kid not in self._keys:
            raise InvalidPersonToken("signed with a key the portal does not publish")
        return self._keys[kid]


class PersonTokenVerifier:
    def __init__(self, keys: _FileKeys | _UrlKeys | _DocumentKeys):
        self._keys = keys

    @classmethod
    def from_jwks(cls, document: dict) -> "PersonTokenVerifier":
        return cls(_DocumentKeys(document))

    @classmethod
    def from_source(cls, source: str) -> "PersonTokenVerifier":
        if source.startswith(("https://", "http://")):
            return cls(_UrlKeys(source))
        return cls(_FileKeys(Path(source)))

    def verify(self, token: str) -> PersonClaims:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.InvalidTokenError:
            raise InvalidPersonToken("not a JWT") from None
        if header.get("alg") != ALGORITHM or not isinstance(header.get("kid"), str):
            raise InvalidPersonToken("not signed with the portal's algorithm")
        key = self._keys.key(header["kid"])
        try:
            claims = jwt.decode(token, key.key, algorithms=[ALGORITHM], audience=AUDIENCE,
                                issuer=ISSUER, leeway=LEEWAY_SECONDS,
                                options={"require": REQUIRED_CLAIMS})
        except jwt.ExpiredSignatureError:
            raise InvalidPersonToken("expired") from None
        except jwt.InvalidTokenError as exc:
            raise InvalidPersonToken(str(exc)) from None
        return _claims(claims)


def _claims(claims: dict) -> PersonClaims:
    try:
        role = Role(claims["role"])
    except ValueError:
        raise InvalidPersonToken("unknown role") from None
    if not isinstance(claims["org"], str) or not isinstance(claims["email"], str):
        raise InvalidPersonToken("org and email must be strings")
    return PersonClaims(Person(claims["sub"], claims["email"]), claims["org"], role)


def jwks_source(settings: WoonregieSettings) -> str:
    return settings.person_token_jwks or str(settings.data_dir / DEV_JWKS_FILE)


@lru_cache(maxsize=8)
def verifier_for(source: str) -> PersonTokenVerifier:
    return PersonTokenVerifier.from_source(source)


def looks_like_jwt(token: str) -> bool:
    return token.count(".") == 2
