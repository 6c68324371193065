"""Keyed hashes: the BSN pseudonym used for deduplication, and request fingerprints.

A plain hash of a BSN can be reversed by hashing all 10^9 candidates; an HMAC with a secret
key cannot without the key. Each use gets its own prefix so that one hash can never be
replayed as the other.
"""

from __future__ import annotations

import hashlib
import hmac


def pseudonym_of(bsn: str, key: bytes) -> str:
    return hmac.new(key, b"bsn-pseudonym:" + bsn.encode(), hashlib.sha256).hexdigest()


def fingerprint_of(text: str, key: bytes) -> str:
    """Fingerprint of a request body (it may contain a BSN, hence keyed as well)."""
    return hmac.new(key, b"request:" + text.encode(), hashlib.sha256).hexdigest()
