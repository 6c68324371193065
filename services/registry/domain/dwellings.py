"""A dwelling of a corporation's social stock, and who may change it."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from services.registry.domain.errors import Collected, Forbidden
from services.registry.domain.rules import bag_id_error, municipality_error
from shared.contracts.vocabulary import Accessibility


@dataclass(frozen=True)
class Dwelling:
    bag_id: str
    municipality: str
    corporation: str
    rooms: int
    monthly_rent: float
    accessibility: Accessibility
    care_suitable: bool = False
    neighbourhood: str | None = None


class Upsert(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


def dwelling_errors(dwelling: Dwelling, known_municipalities: frozenset[str]) -> list:
    """Rules the request schema cannot check: the BAG id format, a known municipality."""
    found = Collected()
    found.add("bagId", bag_id_error(dwelling.bag_id))
    found.add("municipality", municipality_error(dwelling.municipality, known_municipalities))
    if dwelling.rooms < 1:
        found.add("rooms", "must be at least 1")
    if dwelling.monthly_rent < 0:
        found.add("monthlyRent", "must not be negative")
    return found.errors


def check_owner(existing: Dwelling | None, corporation: str) -> None:
    """A corporation may not overwrite another corporation's dwelling."""
    if existing is not None and existing.corporation != corporation:
        raise Forbidden(f"dwelling {existing.bag_id} belongs to another corporation")


def upsert_kind(existing: Dwelling | None, new: Dwelling) -> Upsert:
    if existing is None:
        return Upsert.CREATED
    return Upsert.UNCHANGED if existing == new else Upsert.UPDATED
