"""Closed vocabularies shared by every service: enums whose values appear on the wire."""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated

from pydantic import StringConstraints


class Accessibility(StrEnum):
    """Accessibility class of a dwelling or a need, ordered from least to most demanding."""

    GEEN = "geen"
    NULTREDEN = "nultreden"
    ROLLATOR = "rollator"
    ROLSTOEL = "rolstoel"

    @property
    def rank(self) -> int:
        return list(Accessibility).index(self)

    def meets(self, need: "Accessibility") -> bool:
        return self.rank >= need.rank


class TargetGroup(StrEnum):
    BESCHERMD_WONEN = "beschermd-wonen"
    MAATSCHAPPELIJKE_OPVANG = "maatschappelijke-opvang"
    VROUWENOPVANG = "vrouwenopvang"
    MANTELZORG = "mantelzorg"
    MEDISCH = "medisch"
    DAKLOOS_GEZIN = "dakloos-gezin"
    DETENTIE = "detentie"
    STATUSHOUDER = "statushouder"
    OUDEREN = "ouderen"


class IncomeClass(StrEnum):
    """What passend toewijzen needs to know of an income, and nothing more."""

    PASSEND = "passend"  # at or below the passend-toewijzen limit: rent cap applies
    DAEB = "daeb"  # above it, within the DAEB limit
    ABOVE_DAEB = "boven-daeb"


class AgeBand(StrEnum):
    UNDER_23 = "18-22"
    FROM_23 = "23-44"
    FROM_45 = "45-64"
    FROM_65 = "65+"
    UNKNOWN = "onbekend"


class TenantType(StrEnum):
    REGULAR = "regular"
    URGENT = "urgent"


class DecidedBy(StrEnum):
    CORPORATION = "corporation"
    CANDIDATE = "candidate"


class Role(StrEnum):
    CARE_PROVIDER = "care-provider"
    CARE_OFFICE = "care-office"
    MUNICIPALITY = "municipality"
    CORPORATION = "corporation"
    PROVINCE = "province"
    ADMIN = "admin"


CBS_CODE_PATTERN = r"^GM\d{4}$"
BAG_ID_PATTERN = r"^\d{16}$"
PERIOD_PATTERN = r"^\d{4}(-H[12])?$"

CbsCode = Annotated[str, StringConstraints(pattern=CBS_CODE_PATTERN)]
BagId = Annotated[str, StringConstraints(pattern=BAG_ID_PATTERN)]
Period = Annotated[str, StringConstraints(pattern=PERIOD_PATTERN)]

PROVINCE_SCOPE = "province"


def is_cbs_code(value: str) -> bool:
    return re.fullmatch(CBS_CODE_PATTERN, value) is not None


class HousingType(StrEnum):
    """Woonzorgvisie: the kind of home a household needs (docs/WOONZORGVISIE.md)."""

    ZELFSTANDIG = "zelfstandig"  # a social rental home
    NULTREDEN = "nultreden"  # step-free
    GECLUSTERD = "geclusterd"  # clustered, with care nearby
    BESCHERMD = "beschermd"  # sheltered, with 24h care


# woonzorgvisie need is counted for the target groups plus two age groups of older people
NEED_GROUPS: tuple[str, ...] = tuple(g.value for g in TargetGroup) + ("ouderen-65", "ouderen-75")
