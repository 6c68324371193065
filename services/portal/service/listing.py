"""Lists on pages: searched and paged in the portal, over what a service returned."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

MAX_QUERY = 100


@dataclass(frozen=True)
class Paged:
    items: list
    page: int
    pages: int
    total: int
    query: str


def page_number(raw: str | None) -> int:
    return int(raw) if raw and raw.isdigit() and 0 < int(raw) < 100_000 else 1


def search_text(raw: str | None) -> str:
    return (raw or "").strip()[:MAX_QUERY]


def matches(item: dict, query: str, keys: Iterable[str]) -> bool:
    needle = query.casefold()
    return not needle or any(needle in str(item.get(key) or "").casefold() for key in keys)


def paged(items: Sequence[dict], page: int, size: int, query: str,
          keys: Iterable[str]) -> Paged:
    found = [item for item in items if matches(item, query, tuple(keys))]
    pages = max(1, -(-len(found) // size))
    page = min(page, pages)
    return Paged(found[(page - 1) * size:page * size], page, pages, len(found), query)
