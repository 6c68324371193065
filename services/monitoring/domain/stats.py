"""Order statistics for waiting times.

Percentiles use linear interpolation between closest ranks (Hyndman & Fan type 7: the default
of numpy.percentile, R's quantile, Excel PERCENTILE.INC, and Python's
statistics.quantiles(method="inclusive")). The median is the 50th percentile, so for an even
count it is the mean of the two middle values.
"""

from __future__ import annotations

import math
from typing import Iterable


def percentile(values: Iterable[float], q: float) -> float | None:
    """The q-th percentile (0 <= q <= 100) of `values`; None when there are none."""
    if not (0 <= q <= 100) or math.isnan(q):
        raise ValueError("q must be between 0 and 100")
    data = sorted(values)
    if not data:
        return None
    if len(data) == 1:
        return float(data[0])
    position = (len(data) - 1) * q / 100
    low = math.floor(position)
    high = min(low + 1, len(data) - 1)
    fraction = position - low
    return float(data[low] + (data[high] - data[low]) * fraction)


def median(values: Iterable[float]) -> float | None:
    return percentile(values, 50)
