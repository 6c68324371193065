"""One page of a list, as every service's list use cases answer it (the API adds nothing but
the JSON names)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

Item = TypeVar("Item")


@dataclass(frozen=True)
class Page(Generic[Item]):
    items: list[Item]
    page: int
    page_size: int
    total: int
