"""Fair-share targets of an agreement (evenredige verdeling), explicit and explainable.

No legal formula exists; this module is the platform's documented one (see DOMAIN.md):

1. Shares. For each municipality m in the scope:
   population_share_m = population_m / sum(population), likewise social_stock_share_m and
   lettings_share_m ("lettings" = the previous period's lettings, or expected lettings).
   A share whose total is 0 is 0 for everyone; that is only allowed when its weight is 0.
2. Key. key_m = (w_pop * population_share_m + w_stock * social_stock_share_m
   + w_let * lettings_share_m) / (w_pop + w_stock + w_let). The weights must sum to 1 within
   1e-9; dividing by their exact sum makes the keys sum to exactly 1 even for weights such as
   1/3 that floats cannot hold.
3. Expected lettings of the scope E: given, or derived as ROUND_HALF_UP(total social stock *
   turnover rate * period length in years).
4. Scope total T = ROUND_HALF_UP(p * E), where p is the urgent share. Round half up means
   x.5 goes up (12.5 -> 13), computed on the decimal values as written (0.15 * 10 = 1.5 -> 2),
   not on binary floats.
5. Base targets by largest remainder (Hamilton): quota_m = key_m * T, base_m = floor(quota_m),
   then the T - sum(floor) remaining units go one each to the municipalities with the largest
   remainder quota_m - floor(quota_m); ties: larger remainder, then larger key, then the CBS
   code in ascending order. Base targets sum to exactly T and each is floor or ceil of its quota.
   All of this is exact rational arithmetic (fractions), so results do not depend on float noise.
6. Target target_m = max(0, base_m + carry_over_m); carry-over is the backlog (+) or surplus (-)
   of the previous period, as in the statushouder "gecorrigeerde taakstelling".
7. Expected lettings per municipality: E * lettings_share_m (or the stock share when no
   lettings are known, or the population share when no stock is known either).
8. Cap: cap_lettings_m = cap_share * expected_lettings_m is the most of m's lettings that may go
   to priority groups; `exceeds_cap` flags a target above it (informational, not clipped).
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any, Iterable, Mapping, Sequence

from shared.contracts.vocabulary import is_cbs_code
from shared.errors import FieldError

WEIGHT_TOLERANCE = 1e-9
DEFAULT_CAP_SHARE = 0.5
ROUNDING = "half-up"
WEIGHT_FIELDS = {"population": "population", "socialStock": "social_stock", "lettings": "lettings"}


# --- errors -------------------------------------------------------------------------------


class FairShareError(ValueError):
    """Invalid agreement input. `errors` lists every problem; `field` is the first one."""

    def __init__(self, errors: Iterable[FieldError] | FieldError) -> None:
        if isinstance(errors, FieldError):
            errors = [errors]
        self.errors: tuple[FieldError, ...] = tuple(errors)
        if not self.errors:
            raise ValueError("FairShareError needs at least one FieldError")
        self.field = self.errors[0].field
        super().__init__("; ".join(f"{e.field}: {e.reason}" for e in self.errors))

    @property
    def fields(self) -> tuple[str, ...]:
        return tuple(e.field for e in self.errors)


# --- inputs -------------------------------------------------------------------------------


@dataclass(frozen=True)
class MunicipalityInput:
    code: str  # CBS code
    population: int
    social_stock: int
    lettings: float = 0  # lettings in the previous period, or expected lettings


@dataclass(frozen=True)
class KeyWeights:
    population: float
    social_stock: float
    lettings: float

    @classmethod
    def from_mapping(cls, mapping: Mapping[str, Any]) -> "KeyWeights":
        """From `{"population", "socialStock", "lettings"}` (snake_case also accepted).

        A missing weight is 0; an unknown key is an error.
        """
        if isinstance(mapping, KeyWeights):
            return mapping
        if not isinstance(mapping, Mapping):
            raise FairShareError(FieldError("keyWeights", "must be an object"))
        values: dict[str, Any] = {"population": 0.0, "social_stock": 0.0, "lettings": 0.0}
        errors = []
        for key, value in mapping.items():
            attr = WEIGHT_FIELDS.get(key) or (key if key in values else None)
            if attr is None:
                errors.append(FieldError(f"keyWeights.{key}", "unknown weight; use population, "
                                                               "socialStock, lettings"))
                continue
            values[attr] = value
        if errors:
            raise FairShareError(errors)
        return cls(**values)

    def as_dict(self) -> dict[str, float]:
        return {"population": self.population, "socialStock": self.social_stock,
                "lettings": self.lettings}


@dataclass(frozen=True)
class TargetBreakdown:
    """How one municipality's numbers were computed."""

    municipality: str
    population: int
    social_stock: int
    lettings: float
    population_share: float
    social_stock_share: float
    lettings_share: float
    key: float  # weighted mix of the shares
    quota: float  # key * scope_total, before rounding
    floor: int
    remainder: float  # quota - floor
    remainder_rank: int  # 1 = largest remainder (after tie-breaks)
    got_extra_unit: bool  # got the +1 of the largest-remainder step
    base_target: int
    carry_over: int
    target: int  # max(0, base_target + carry_over)
    expected_lettings: float
    cap_lettings: float  # cap_share * expected_lettings
    exceeds_cap: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "municipality": self.municipality,
            "population": self.population,
            "socialStock": self.social_stock,
            "lettings": self.lettings,
            "populationShare": self.population_share,
            "socialStockShare": self.social_stock_share,
            "lettingsShare": self.lettings_share,
            "key": self.key,
            "quota": self.quota,
            "floor": self.floor,
            "remainder": self.remainder,
            "remainderRank": self.remainder_rank,
            "gotExtraUnit": self.got_extra_unit,
            "baseTarget": self.base_target,
            "carryOver": self.carry_over,
            "target": self.target,
            "expectedLettings": self.expected_lettings,
            "capLettings": self.cap_lettings,
            "exceedsCap": self.exceeds_cap,
        }


@dataclass(frozen=True)
class FairShareResult:
    urgent_share: float
    cap_share: float
    key_weights: KeyWeights
    expected_lettings: int
    expected_lettings_source: str  # "given" | "derived"
    turnover_rate: float | None
    period_years: float
    total_population: int
    total_social_stock: int
    total_lettings: float
    scope_total_exact: float  # p * E before rounding
    scope_total: int  # ROUND_HALF_UP(p * E)
    remaining_units: int  # units handed out by largest remainder
    expected_lettings_basis: str  # "lettings" | "socialStock" | "population"
    municipalities: tuple[TargetBreakdown, ...] = field(default_factory=tuple)
    rounding: str = ROUNDING

    @property
    def total_base_target(self) -> int:
        return sum(m.base_target for m in self.municipalities)

    @property
    def total_target(self) -> int:
        return sum(m.target for m in self.municipalities)

    def by_code(self) -> dict[str, TargetBreakdown]:
        return {m.municipality: m for m in self.municipalities}

    def municipality_targets(self) -> list[dict[str, Any]]:
        """The `targets` list of an AgreementPublished event (MunicipalityTarget, camelCase)."""
        return [
            {
                "municipality": m.municipality,
                "key": m.key,
                "baseTarget": m.base_target,
                "carryOver": m.carry_over,
                "target": m.target,
                "expectedLettings": m.expected_lettings,
            }
            for m in self.municipalities
        ]

    def to_dict(self) -> dict[str, Any]:
        return {
            "urgentShare": self.urgent_share,
            "capShare": self.cap_share,
            "keyWeights": self.key_weights.as_dict(),
            "expectedLettings": self.expected_lettings,
            "expectedLettingsSource": self.expected_lettings_source,
            "turnoverRate": self.turnover_rate,
            "periodYears": self.period_years,
            "totalPopulation": self.total_population,
            "totalSocialStock": self.total_social_stock,
            "totalLettings": self.total_lettings,
            "scopeTotalExact": self.scope_total_exact,
            "scopeTotal": self.scope_total,
            "rounding": self.rounding,
            "remainingUnits": self.remaining_units,
            "expectedLettingsBasis": self.expected_lettings_basis,
            "totalBaseTarget": self.total_base_target,
            "totalTarget": self.total_target,
            "municipalities": [m.to_dict() for m in self.municipalities],
        }


# --- helpers ------------------------------------------------------------------------------


def _is_number(value: Any) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _exact(value: Any) -> Fraction:
    """A number as an exact fraction of its decimal representation (0.1 -> 1/10)."""
    if isinstance(value, Fraction):
        return value
    if isinstance(value, int):
        return Fraction(value)
    if isinstance(value, Decimal):
        return Fraction(value)
    return Fraction(Decimal(repr(float(value))))


def round_half_up(value: Fraction | float | int | Decimal) -> int:
    """Round to the nearest integer with halves going up (12.5 -> 13), on the exact value."""
    exact = _exact(value)
    return math.floor(exact + Fraction(1, 2))


def period_years(period_label: str) -> float:
    """Length of an agreement period in years: `2026` -> 1.0, `2026-H1` -> 0.5."""
    return 0.5 if "-H" in period_label else 1.0


def _check_number(errors: list[FieldError], name: str, value: Any, *, integer: bool = False,
                  low: float | None = 0.0, high: float | None = None) -> bool:
    if not _is_number(value) or (isinstance(value, float) and not math.isfinite(value)):
        errors.append(FieldError(name, "must be a finite number"))
        return False
    if integer and not float(value).is_integer():
        errors.append(FieldError(name, "must be a whole number"))
        return False
    if low is not None and value < low:
        errors.append(FieldError(name, "must not be negative" if low == 0 else f"must be >= {low}"))
        return False
    if high is not None and value > high:
        errors.append(FieldError(name, f"must be between {low} and {high}"))
        return False
    return True


# --- computation --------------------------------------------------------------------------


def compute_targets(
    municipalities: Sequence[MunicipalityInput],
    weights: KeyWeights | Mapping[str, float],
    urgent_share: float,
    *,
    expected_lettings: float | None = None,
    turnover_rate: float | None = None,
    period_length_years: float = 1.0,
    carry_over: Mapping[str, int] | None = None,
    cap_share: float = DEFAULT_CAP_SHARE,
) -> FairShareResult:
    """Compute fair-share targets for the municipalities of an agreement's scope.

    `expected_lettings` (the scope's expected lettings in the period) wins; without it the
    scope's social stock times `turnover_rate` (yearly) times `period_length_years` is used.
    Raises FairShareError listing every invalid field.
    """
    errors: list[FieldError] = []
    key_weights: KeyWeights | None = None
    try:
        key_weights = KeyWeights.from_mapping(weights)
    except FairShareError as exc:
        errors.extend(exc.errors)

    # scalar parameters
    _check_number(errors, "urgentShare", urgent_share, low=0.0, high=1.0)
    _check_number(errors, "capShare", cap_share, low=0.0, high=1.0)
    _check_number(errors, "periodLengthYears", period_length_years, low=0.0)
    if expected_lettings is not None:
        _check_number(errors, "expectedLettings", expected_lettings, integer=True)
    elif turnover_rate is None:
        errors.append(FieldError("expectedLettings",
                                 "give expectedLettings or a turnoverRate to derive it"))
    if turnover_rate is not None:
        _check_number(errors, "turnoverRate", turnover_rate, low=0.0, high=1.0)

    # weights
    if key_weights is not None:
        ok = True
        for wire, attr in WEIGHT_FIELDS.items():
            ok &= _check_number(errors, f"keyWeights.{wire}", getattr(key_weights, attr),
                                low=0.0, high=1.0)
        if ok:
            total = key_weights.population + key_weights.social_stock + key_weights.lettings
            if abs(total - 1.0) > WEIGHT_TOLERANCE:
                errors.append(FieldError("keyWeights", f"weights must sum to 1, they sum to "
                                                       f"{total!r}"))

    # municipalities
    if not isinstance(municipalities, Sequence) or len(municipalities) == 0:
        errors.append(FieldError("municipalities", "at least one municipality is needed"))
        municipalities = []
    seen: set[str] = set()
    for item in municipalities:
        code = getattr(item, "code", None)
        where = f"municipalities[{code}]"
        if not isinstance(code, str) or not is_cbs_code(code):
            errors.append(FieldError(f"{where}.code", "must be a CBS code like GM0014"))
            continue
        if code in seen:
            errors.append(FieldError(f"{where}.code", "duplicate municipality"))
        seen.add(code)
        _check_number(errors, f"{where}.population", item.population, integer=True)
        _check_number(errors, f"{where}.socialStock", item.social_stock, integer=True)
        _check_number(errors, f"{where}.lettings", item.lettings)

    # carry-over
    carry: dict[str, int] = {}
    if carry_over is not None:
        if not isinstance(carry_over, Mapping):
            errors.append(FieldError("carryOver", "must be an object of CBS code -> integer"))
        else:
            for code, value in carry_over.items():
                name = f"carryOver.{code}"
                if code not in seen:
                    errors.append(FieldError(name, "municipality is not in the agreement's scope"))
                    continue
                if _check_number(errors, name, value, integer=True, low=None):
                    carry[code] = int(value)

    if errors:
        raise FairShareError(errors)
    assert key_weights is not None

    # totals; a share factor with a zero total is only allowed at weight 0
    items = sorted(municipalities, key=lambda m: m.code)
    totals = {
        "population": sum(_exact(m.population) for m in items),
        "socialStock": sum(_exact(m.social_stock) for m in items),
        "lettings": sum(_exact(m.lettings) for m in items),
    }
    weight = {wire: _exact(getattr(key_weights, attr)) for wire, attr in WEIGHT_FIELDS.items()}
    for wire in WEIGHT_FIELDS:
        if weight[wire] > 0 and totals[wire] == 0:
            errors.append(FieldError(f"keyWeights.{wire}",
                                     f"weight is above 0 but the scope's total {wire} is 0"))
    if errors:
        raise FairShareError(errors)

    def share(value: Any, total: Fraction) -> Fraction:
        return _exact(value) / total if total else Fraction(0)

    weight_sum = sum(weight.values())
    shares: dict[str, tuple[Fraction, Fraction, Fraction]] = {}
    keys: dict[str, Fraction] = {}
    for m in items:
        s = (share(m.population, totals["population"]),
             share(m.social_stock, totals["socialStock"]),
             share(m.lettings, totals["lettings"]))
        shares[m.code] = s
        keys[m.code] = (weight["population"] * s[0] + weight["socialStock"] * s[1]
                        + weight["lettings"] * s[2]) / weight_sum

    # expected lettings of the scope
    if expected_lettings is not None:
        scope_expected = int(expected_lettings)
        source = "given"
    else:
        scope_expected = round_half_up(
            totals["socialStock"] * _exact(turnover_rate) * _exact(period_length_years))
        source = "derived"

    scope_exact = _exact(urgent_share) * scope_expected
    scope_total = round_half_up(scope_exact)

    # largest remainder (Hamilton)
    quotas = {code: keys[code] * scope_total for code in keys}
    floors = {code: math.floor(q) for code, q in quotas.items()}
    remainders = {code: quotas[code] - floors[code] for code in quotas}
    remaining = scope_total - sum(floors.values())
    order = sorted(quotas, key=lambda c: (-remainders[c], -keys[c], c))
    rank = {code: i + 1 for i, code in enumerate(order)}
    extra = set(order[:remaining])

    if totals["lettings"] > 0:
        basis, basis_index = "lettings", 2
    elif totals["socialStock"] > 0:
        basis, basis_index = "socialStock", 1
    else:
        basis, basis_index = "population", 0

    cap = _exact(cap_share)
    breakdowns = []
    for m in items:
        base = floors[m.code] + (1 if m.code in extra else 0)
        co = carry.get(m.code, 0)
        target = max(0, base + co)
        expected_m = scope_expected * shares[m.code][basis_index]
        cap_m = cap * expected_m
        breakdowns.append(TargetBreakdown(
            municipality=m.code,
            population=int(m.population),
            social_stock=int(m.social_stock),
            lettings=float(m.lettings),
            population_share=float(shares[m.code][0]),
            social_stock_share=float(shares[m.code][1]),
            lettings_share=float(shares[m.code][2]),
            key=float(keys[m.code]),
            quota=float(quotas[m.code]),
            floor=floors[m.code],
            remainder=float(remainders[m.code]),
            remainder_rank=rank[m.code],
            got_extra_unit=m.code in extra,
            base_target=base,
            carry_over=co,
            target=target,
            expected_lettings=float(expected_m),
            cap_lettings=float(cap_m),
            exceeds_cap=target > cap_m,
        ))

    return FairShareResult(
        urgent_share=float(urgent_share),
        cap_share=float(cap_share),
        key_weights=key_weights,
        expected_lettings=scope_expected,
        expected_lettings_source=source,
        turnover_rate=None if turnover_rate is None else float(turnover_rate),
        period_years=float(period_length_years),
        total_population=int(totals["population"]),
        total_social_stock=int(totals["socialStock"]),
        total_lettings=float(totals["lettings"]),
        scope_total_exact=float(scope_exact),
        scope_total=scope_total,
        remaining_units=remaining,
        expected_lettings_basis=basis,
        municipalities=tuple(breakdowns),
    )


def inputs_from_mapping(rows: Iterable[Mapping[str, Any]]) -> list[MunicipalityInput]:
    """Build inputs from camelCase dicts: code, population, socialStock, lettings."""
    result = []
    for row in rows:
        result.append(MunicipalityInput(
            code=row.get("code") or row.get("municipality"),
            population=row.get("population", 0),
            social_stock=row.get("socialStock", row.get("social_stock", 0)),
            lettings=row.get("lettings", 0),
        ))
    return result


def inputs_for_scope(
    municipalities: Iterable[Any],
    social_stock: Mapping[str, int],
    lettings: Mapping[str, float] | None = None,
) -> list[MunicipalityInput]:
    """Inputs for reference municipalities (objects with .code and .population, such as
    `ReferenceData.municipalities_in_scope(scope)`), with stock and lettings by CBS code
    (a municipality missing from a mapping gets 0)."""
    lettings = lettings or {}
    return [MunicipalityInput(m.code, m.population, social_stock.get(m.code, 0),
                              lettings.get(m.code, 0)) for m in municipalities]
