"""The burgerservicenummer (BSN): format, elfproef and the masked form shown back to users."""

from __future__ import annotations

import random

BSN_LENGTH = 9
# The elfproef weighs the digits 9, 8, ..., 2 and the last one -1 (the "BSN variant").
_WEIGHTS = (9, 8, 7, 6, 5, 4, 3, 2, -1)


def bsn_problem(value: str) -> str | None:
    """Why `value` is not a valid BSN, or None when it is. Never echoes the value."""
    if len(value) != BSN_LENGTH or not value.isascii() or not value.isdigit():
        return "must be exactly 9 digits"
    if value == "0" * BSN_LENGTH:
        return "is not a valid BSN"
    if sum(w * int(d) for w, d in zip(_WEIGHTS, value)) % 11 != 0:
        return "fails the elfproef"
    return None


def is_valid_bsn(value: str) -> bool:
    return bsn_problem(value) is None


def fake_bsn(rng: random.Random | None = None) -> str:
    """A generated number that passes the elfproef, for demos, load and tests (never a real
    person's on purpose; no register is asked)."""
    rng = rng or random.Random()
    while True:
        head = [rng.randint(1, 9)] + [rng.randint(0, 9) for _ in range(BSN_LENGTH - 2)]
        last = sum(w * d for w, d in zip(_WEIGHTS, head)) % 11
        if last < 10:
            return "".join(map(str, head)) + str(last)


def mask_bsn(value: str) -> str:
    """Only the last three digits: enough for a caseworker to check they have the right
    client next to the name, useless as an identifier on its own."""
    return "*" * (len(value) - 3) + value[-3:]
