"""Monitoring domain: read models built from events (pure Python, no I/O)."""

from services.monitoring.domain.bands import (
    DEFAULT_POLICY,
    STATUS_LABELS_EN,
    STATUS_LABELS_NL,
    BandChange,
    BandPolicy,
    BandTracker,
    ChangeKind,
    ExpectedBasis,
    Status,
    classify,
    detect_band_changes,
    expected_to_date,
)
from services.monitoring.domain.disclosure import (
    DEFAULT_THRESHOLD,
    REALISATION_COUNTS,
    REALISATION_DEPENDENTS,
    WAITING_TIME_COUNTS,
    WAITING_TIME_DEPENDENTS,
    is_suppressed,
    suppress,
    suppress_row,
    suppress_rows,
)
from services.monitoring.domain.model import (
    ALL,
    FLOW_LABELS_NL,
    UNKNOWN_GROUP,
    FlowKind,
    FlowRow,
    FunnelRow,
    MonitoringModel,
    RealisationReport,
    RealisationRow,
    SeriesPoint,
    StalledProposal,
    StockRow,
    UnknownScope,
    WaitingTimeRow,
)
from services.monitoring.domain.state import RejectedEvent
from services.monitoring.domain.stats import median, percentile

__all__ = [
    "DEFAULT_POLICY", "STATUS_LABELS_EN", "STATUS_LABELS_NL", "BandChange", "BandPolicy",
    "BandTracker", "ChangeKind", "ExpectedBasis", "Status", "classify", "detect_band_changes",
    "expected_to_date",
    "DEFAULT_THRESHOLD", "REALISATION_COUNTS", "REALISATION_DEPENDENTS", "WAITING_TIME_COUNTS",
    "WAITING_TIME_DEPENDENTS", "is_suppressed", "suppress", "suppress_row", "suppress_rows",
    "ALL", "FLOW_LABELS_NL", "UNKNOWN_GROUP", "FlowKind", "FlowRow", "FunnelRow",
    "MonitoringModel", "RealisationReport", "RealisationRow", "SeriesPoint", "StalledProposal",
    "StockRow", "UnknownScope", "WaitingTimeRow",
    "RejectedEvent",
    "median", "percentile",
]
