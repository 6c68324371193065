"""Encryption of personal data at rest (Fernet: AES-128-CBC with HMAC-SHA256)."""

from __future__ import annotations

import json

from cryptography.fernet import Fernet, InvalidToken, MultiFernet


class UndecryptableData(RuntimeError):
    """Stored data that none of the configured keys can open (a lost or rotated-out key)."""


class PersonalDataCipher:
    def __init__(self, keys: tuple[str, ...]):
        self._fernet = MultiFernet([Fernet(key) for key in keys])

    def seal(self, document: dict) -> str:
        return self._fernet.encrypt(json.dumps(document, sort_keys=True).encode()).decode()

    def open(self, token: str) -> dict:
        try:
            return json.loads(self._fernet.decrypt(token.encode()))
        except InvalidToken as exc:
            raise UndecryptableData("personal data cannot be decrypted with the configured "
                                    "encryption keys") from exc
