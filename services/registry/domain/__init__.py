"""Registry domain: reference data and fair-share targets (pure Python, no I/O but the
bundled reference JSON)."""

from services.registry.domain.fairshare import (
    DEFAULT_CAP_SHARE,
    FairShareError,
    FairShareResult,
    FieldError,
    KeyWeights,
    MunicipalityInput,
    TargetBreakdown,
    compute_targets,
    inputs_for_scope,
    inputs_from_mapping,
    period_years,
    round_half_up,
)
from services.registry.domain.reference import (
    REFERENCE_DATA_PATH,
    CareProvider,
    Corporation,
    Municipality,
    Province,
    ReferenceData,
    ReferenceDataError,
    Region,
    UnknownScopeError,
    default_reference_data,
    load_reference_data,
    parse_reference_data,
)

__all__ = [
    "DEFAULT_CAP_SHARE", "FairShareError", "FairShareResult", "FieldError", "KeyWeights",
    "MunicipalityInput", "TargetBreakdown", "compute_targets", "inputs_for_scope", "inputs_from_mapping",
    "period_years", "round_half_up",
    "REFERENCE_DATA_PATH", "CareProvider", "Corporation", "Municipality", "Province",
    "ReferenceData", "ReferenceDataError", "Region", "UnknownScopeError",
    "default_reference_data", "load_reference_data", "parse_reference_data",
]
