"""The two secrets of intake: the HMAC key for pseudonyms and the Fernet key(s) for data at rest.

Production sets both (`WOONREGIE_PSEUDONYM_KEY`, `WOONREGIE_ENCRYPTION_KEY`). When one is
unset, a random key is created once and kept in `data_dir/intake-keys.json` (mode 0600) so a
developer's data survives restarts; a warning says so, because losing that file loses the
data and a key next to the data protects little. `encryption_key` may hold several Fernet
keys separated by commas: the first encrypts, all decrypt (key rotation).
"""

from __future__ import annotations

import json
import logging
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from cryptography.fernet import Fernet

from shared.settings import IntakeSettings

log = logging.getLogger(__name__)
KEY_FILE_NAME = "intake-keys.json"


@dataclass(frozen=True)
class IntakeKeys:
    pseudonym_key: bytes
    encryption_keys: tuple[str, ...]


def resolve_keys(settings: IntakeSettings) -> IntakeKeys:
    pseudonym = _secret(settings.pseudonym_key)
    encryption = _secret(settings.encryption_key)
    if pseudonym is None or encryption is None:
        stored = _dev_keys(settings.data_dir / KEY_FILE_NAME)
        pseudonym = pseudonym or stored["pseudonymKey"]
        encryption = encryption or stored["encryptionKey"]
    keys = tuple(part.strip() for part in encryption.split(",") if part.strip())
    for key in keys:
        try:
            Fernet(key)
        except (ValueError, TypeError) as exc:
            raise ValueError("encryption_key: not a Fernet key (32 url-safe base64 bytes); "
                             "make one with Fernet.generate_key()") from exc
    if len(pseudonym) < 16:
        raise ValueError("pseudonym_key: use at least 16 characters")
    return IntakeKeys(pseudonym.encode(), keys)


def _secret(value) -> str | None:
    if value is None:
        return None
    text = value.get_secret_value().strip()
    return text or None


def _dev_keys(path: Path) -> dict:
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        document = {"pseudonymKey": secrets.token_urlsafe(32),
                    "encryptionKey": Fernet.generate_key().decode()}
        try:
            # O_EXCL: two processes starting at once must not each write their own keys
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w") as handle:
                json.dump(document, handle)
    log.warning("intake keys are not configured: using development keys from a local file; "
                "set WOONREGIE_PSEUDONYM_KEY and WOONREGIE_ENCRYPTION_KEY in production",
                extra={"key_file": str(path)})
    return json.loads(path.read_text())
