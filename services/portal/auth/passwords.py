"""Password hashing with Argon2id (pwdlib); the only place that knows the algorithm."""

from __future__ import annotations

from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

_hasher = PasswordHash((Argon2Hasher(),))
# verified against when the e-mail is unknown, so both cases take the same time
_DUMMY_HASH = _hasher.hash("woonregie-geen-account")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password: str, password_hash: str | None) -> bool:
    if password_hash is None:
        _hasher.verify(password, _DUMMY_HASH)
        return False
    return _hasher.verify(password, password_hash)
