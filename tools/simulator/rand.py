"""Deterministic randomness for the simulator.

Two kinds, both fixed by the seed and nothing else (no clock, no PYTHONHASHSEED):

- `stream(seed, name)`: a `random.Random` for one stream of the world (vacancies of one
  municipality, inflow of one group). Streams are independent, so adding a group does not
  reshuffle the vacancies.
- `pair_uniforms(seed, candidates, vacancies, count)`: uniform numbers in [0, 1) that are a
  pure function of (seed, candidate index, vacancy index), for facts about a pair that any
  policy may or may not ask about (would this candidate decline that dwelling?). Asking in
  another order, or not at all, changes nothing else. Vectorised (numpy, splitmix64), so the
  hindsight bound can ask about a million pairs at once and get the very numbers a policy
  gets one by one.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from typing import TypeVar

import numpy as np

T = TypeVar("T")

def stream(seed: int, name: str) -> random.Random:
    return random.Random(f"woonregie-sim:{seed}:{name}")


_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)


def mix64(x: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser on uint64 arrays (wrapping arithmetic, as specified)."""
    with np.errstate(over="ignore"):
        z = x + _GOLDEN
        z = (z ^ (z >> np.uint64(30))) * _M1
        z = (z ^ (z >> np.uint64(27))) * _M2
        return z ^ (z >> np.uint64(31))


def pair_uniforms(seed: int, candidates: np.ndarray, vacancies: np.ndarray, count: int) -> (
    np.ndarray
):
    """Array (count, n) of uniforms in [0, 1) for the pairs (candidates[i], vacancies[i])."""
    base = mix64(np.array([seed & 0xFFFFFFFFFFFFFFFF], dtype=np.uint64))
    key = mix64(mix64(base ^ np.asarray(candidates, dtype=np.uint64))
                ^ np.asarray(vacancies, dtype=np.uint64))
    draws = [mix64(key ^ mix64(np.array([k + 1], dtype=np.uint64))) for k in range(count)]
    return (np.stack(draws) >> np.uint64(11)).astype(np.float64) / float(1 << 53)


def between(u: float, low: int, high: int) -> int:
    """An integer in [low, high] (inclusive) from a uniform u in [0, 1)."""
    return low + min(int(u * (high - low + 1)), high - low)


def choose(u: float, weights: Mapping[T, float]) -> T:
    """A key of `weights`, picked with probability proportional to its weight, from u."""
    total = sum(weights.values())
    if total <= 0:
        raise ValueError("weights must add up to more than 0")
    threshold, running, last = u * total, 0.0, None
    for key, weight in weights.items():
        running += weight
        last = key
        if threshold < running:
            return key
    assert last is not None
    return last


def pick(rng: random.Random, weights: Mapping[T, float]) -> T:
    return choose(rng.random(), weights)


def pick_from(rng: random.Random, items: Sequence[T]) -> T:
    return items[min(int(rng.random() * len(items)), len(items) - 1)]
