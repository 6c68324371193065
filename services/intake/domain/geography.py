"""Which municipalities and scopes intake accepts (data in `data/geography.json`)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from shared.contracts.vocabulary import is_cbs_code

GEOGRAPHY_PATH = Path(__file__).parent / "data" / "geography.json"


@dataclass(frozen=True)
class Geography:
    municipalities: frozenset[str]
    regions: frozenset[str]
    province_scope: str

    @classmethod
    def from_document(cls, document: dict) -> "Geography":
        codes = document["municipalities"]
        bad = [code for code in codes if not is_cbs_code(code)]
        if bad:
            raise ValueError(f"geography: not CBS codes: {bad}")
        regions = {entry["region"] for entry in codes.values()}
        return cls(frozenset(codes), frozenset(regions), document["provinceScope"])

    def is_municipality(self, code: str) -> bool:
        return code in self.municipalities

    def is_scope(self, scope: str) -> bool:
        """A region binding: the province, a woondeal region or one municipality."""
        return scope == self.province_scope or scope in self.regions or scope in self.municipalities


@lru_cache(maxsize=4)
def load_geography(path: Path = GEOGRAPHY_PATH) -> Geography:
    return Geography.from_document(json.loads(path.read_text(encoding="utf-8")))
