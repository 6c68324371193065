"""The hindsight bound: the least waiting any policy could have achieved in this world.

An offline optimiser that sees the whole year at once (every vacancy, every candidate, how
every pair would answer) assigns candidates to vacancies as a mixed-integer programme solved
by HiGHS (`scipy.optimize.milp`):

    x[c,v] in {0,1} for each allowed pair (see `pairs`); s[m] >= 0 integer (band shortfall)

    minimise  sum_c waiting(c)  +  BIG * sum_m s[m]
      waiting(c) = move_in(c,v) - start(c)                  if c is placed in v
                 = horizon_end + penalty - start(c)         if c stays unhoused
      start(c)   = max(urgency granted, first day of the year)  (days before the year are
                   the same under every policy, so they are left out of the measure)

    sum_v x[c,v] <= 1                          one dwelling per candidate
    sum_c x[c,v] <= 1                          one candidate per dwelling
    low[m] <= sum_{v in m} x + s[m] <= limit[m]
        low[m]   = floor((1 - tol) * target[m])     the fair-share band, rounded outward
        limit[m] = min(ceil((1 + tol) * target[m]), ceil(cap * lettings[m]))

The shortfall s[m] only fills a gap below the band (BIG = 10^6 days per missing letting), so
a world in which a municipality cannot reach its band still has an answer, and the report says
which band was out of reach. Placing c in v instead of leaving c unhoused changes the objective
by move_in(c,v) - horizon_end - penalty: the start date cancels.

Every placement a policy makes is an allowed pair at a move-in no earlier than the pair's, so
the bound is a lower bound on the waiting of every policy that keeps the bands and the cap
(a policy that ignores the bands, such as `fifo`, can be below it).

The paced bound (`paced=True`) adds the rule the platform's controller keeps all year: after
the n-th letting of municipality m no more than ceil(T[m] * min(1, n / E[m])) of its lettings
are urgent (pace). It is imposed at the end of every month on the vacancies announced so far:
sum_{v in m, announced <= month end} x <= ceil(T[m] * min(1, L[m](month end) / E[m])). The
adaptive policy obeys it by construction (its cohort of urgent lettings never runs ahead of
the pace), so the paced bound is the least waiting any pace-keeping policy can reach; the gap
between the two bounds is the price of pacing itself.

Keeping it tractable, exactly:
1. Per (candidate c, municipality m) only the limit[m] earliest move-ins are kept: if c were
   placed in m later than that, one of those earlier dwellings is free (at most limit[m] - 1
   others are used in m) and moving c there keeps every constraint and costs no more.
2. Column generation on the LP relaxation. The constraint matrix is totally unimodular (the
   candidate rows partition the columns; the vacancy rows, the monthly pace rows and the
   municipality rows are nested: two laminar families), so the LP optimum is integral. The
   LP is solved on a small set of columns (the few earliest per candidate and municipality),
   the duals price every left-out pair, pairs with a negative reduced cost join, until none
   is left: then the restricted LP optimum is the LP optimum over all pairs. `milp` then
   solves the integer programme on the generated columns with zero reduced cost (the LP
   optimum lies among them); its optimum equals the LP bound, which proves it optimal over
   all pairs.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from datetime import date

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, linprog, milp
from scipy.sparse import csr_array, vstack

from services.allocation.domain import rules
from services.allocation.domain.limits import IncomeLimits

from .pairs import PairTable, allowed_pairs, cheapest
from .world import World

BIG = 1_000_000.0
EPSILON = 1e-9
REDUCED_COST_TOLERANCE = 1e-7
FIRST_COLUMNS = 4  # per candidate and municipality in the first restricted LP
MAX_NEW_COLUMNS = 40_000  # per pricing round


@dataclass(frozen=True)
class Pair:
    candidate_id: str
    vacancy_id: str
    municipality: str
    proposed_on: date
    move_in: date


@dataclass
class BoundResult:
    status: str  # "optimal" or what went wrong
    waiting_cost: float  # objective without shortfall penalties, in days
    lp_bound: float  # the LP optimum over all pairs (the proven lower bound)
    assignment: list[Pair]
    bands: dict[str, tuple[int, int]]
    cap_limits: dict[str, int]
    shortfall: dict[str, int]
    pairs_examined: int = 0  # passed the static rules and the arrival window
    pairs_allowed: int = 0  # also accepted by both parties in time
    pairs_reduced: int = 0  # after keeping the earliest per candidate and municipality
    columns: int = 0  # generated and given to milp
    pricing_rounds: int = 0
    seconds: dict[str, float] = field(default_factory=dict)
    violations: int = 0
    notes: list[str] = field(default_factory=list)


def band(target: float, tolerance: float) -> tuple[int, int]:
    """Whole-letting band around a target: the +-tolerance band rounded outward."""
    return (max(0, math.floor((1 - tolerance) * target + EPSILON)),
            math.ceil((1 + tolerance) * target - EPSILON))


def waiting_start(world: World, granted_on: date) -> date:
    return max(granted_on, world.start)


def unhoused_cost(world: World, granted_on: date) -> float:
    penalty = world.scenario.evaluation.unhoused_penalty_days
    return (world.end - waiting_start(world, granted_on)).days + penalty


def solve_bound(world: World, income_limits: IncomeLimits, time_limit: float = 600.0,
                paced: bool = False) -> BoundResult:
    clock = time.perf_counter()
    scenario = world.scenario
    codes = list(world.codes)
    targets = world.targets()
    bands = {code: band(targets[code], scenario.evaluation.band_tolerance) for code in codes}
    lettings = np.bincount(world.vacancy_municipality, minlength=len(codes))
    caps = {code: math.ceil(scenario.cap_share * int(lettings[m]) - EPSILON)
            for m, code in enumerate(codes)}
    limit = np.array([min(bands[code][1], caps[code]) for code in codes], dtype=np.int64)
    # a band above the cap can only be missed: by at least its excess, counted as shortfall
    excess = np.array([max(0, bands[code][0] - caps[code]) for code in codes])
    low = np.array([bands[code][0] for code in codes], dtype=float) - excess

    allowed, examined = allowed_pairs(world, income_limits)
    pool = cheapest(allowed, limit)
    seconds = {"pairs": time.perf_counter() - clock}
    penalty = scenario.evaluation.unhoused_penalty_days
    cost = (pool.move_in - world.end.toordinal() - penalty).astype(float)
    constant = sum(unhoused_cost(world, a.granted_on) for a in world.arrivals)

    clock = time.perf_counter()
    programme = _Programme(len(world.arrivals), len(world.vacancies), low, limit,
                           _pace(world) if paced else None)
    active, lp_value, lp_shortfall, rounds = _generate_columns(programme, pool, cost)
    seconds["column-generation"] = time.perf_counter() - clock

    clock = time.perf_counter()
    columns = pool.take(active)
    solution = programme.solve_milp(columns, cost[active], time_limit)
    seconds["milp"] = time.perf_counter() - clock
    result = BoundResult(
        status="optimal", waiting_cost=math.nan,
        lp_bound=constant + lp_value - BIG * lp_shortfall,  # shortfall is the same in both
        assignment=[], bands=bands, cap_limits=caps, shortfall={}, pairs_examined=examined,
        pairs_allowed=len(allowed), pairs_reduced=len(pool), columns=len(columns),
        pricing_rounds=rounds, seconds=seconds)
    if solution.x is None:
        result.status = f"milp-{solution.status}"
        result.notes.append(str(solution.message))
        return result
    chosen = np.flatnonzero(solution.x[:len(columns)] > 0.5)
    shortfall = np.rint(solution.x[len(columns):]).astype(int) + excess
    result.shortfall = {code: int(shortfall[m]) for m, code in enumerate(codes)}
    result.waiting_cost = constant + float(cost[active][chosen].sum())
    result.assignment = _pairs(world, columns.take(chosen))
    milp_value = float(solution.fun)
    if solution.status != 0:
        result.status = "time-limit" if solution.status == 1 else f"milp-{solution.status}"
    elif abs(milp_value - lp_value) > 1e-6 * max(1.0, abs(lp_value)):
        result.status = "gap"
        result.notes.append(f"milp {milp_value} differs from the LP bound {lp_value}")
    if any(result.shortfall.values()):
        result.notes.append("some bands are out of reach in this world: " + ", ".join(
            f"{code} short by {n}" for code, n in result.shortfall.items() if n))
    result.violations = verify_assignment(world, result.assignment, income_limits,
                                          dict(zip(codes, limit.tolist())))
    return result


@dataclass(frozen=True)
class _Pace:
    """Monthly pace rows: vacancy -> first checkpoint that counts it; caps per (m, k)."""

    first_checkpoint: np.ndarray  # per vacancy index
    caps: np.ndarray  # (municipalities, checkpoints)

    @property
    def checkpoints(self) -> int:
        return self.caps.shape[1]


def _pace(world: World) -> _Pace:
    """Checkpoints at every month end within the horizon (and the horizon's last day)."""
    ends, day = [], world.start
    while day < world.end:
        month_end = date(day.year + (day.month == 12), day.month % 12 + 1, 1).toordinal() - 1
        ends.append(min(month_end, world.end.toordinal() - 1))
        day = date.fromordinal(ends[-1] + 1)
    ends_array = np.array(ends)
    announced = np.array([f.announced_on.toordinal() for f in world.vacancies], dtype=np.int64)
    first = np.searchsorted(ends_array, announced, side="left")
    agreement = {m.municipality: m for m in world.fair_share.municipalities}
    caps = np.zeros((len(world.codes), len(ends)))
    for m, code in enumerate(world.codes):
        counts = np.cumsum(np.bincount(first[world.vacancy_municipality == m],
                                       minlength=len(ends)))
        target, expected = agreement[code].target, agreement[code].expected_lettings
        for k, lettings in enumerate(counts.tolist()):
            pace = target if expected <= 0 else target * min(1.0, lettings / expected)
            caps[m, k] = math.ceil(pace - EPSILON)
    return _Pace(first, caps)


class _Programme:
    """Rows: candidates, vacancies, municipalities (one row each, holding the band's lower
    side, its upper side and the cap) and, for the paced bound, one row per municipality and
    monthly checkpoint."""

    def __init__(self, n_candidates: int, n_vacancies: int, low: np.ndarray,
                 limit: np.ndarray, pace: _Pace | None = None):
        self.n_c, self.n_v, self.n_m = n_candidates, n_vacancies, len(low)
        self.low, self.limit = low, limit.astype(float)
        self.pace = pace
        self.n_k = pace.checkpoints if pace else 0

    @property
    def n_rows(self) -> int:
        return self.n_c + self.n_v + self.n_m + self.n_m * self.n_k

    def matrix(self, columns: PairTable):
        n = len(columns)
        m_rows = self.n_c + self.n_v + columns.municipality
        rows = [columns.candidate, self.n_c + columns.vacancy, m_rows,
                self.n_c + self.n_v + np.arange(self.n_m)]
        cols = [np.arange(n), np.arange(n), np.arange(n), n + np.arange(self.n_m)]
        if self.pace is not None:
            first = self.pace.first_checkpoint[columns.vacancy]
            counts = self.n_k - first
            column = np.repeat(np.arange(n), counts)
            offset = np.arange(len(column)) - np.repeat(np.cumsum(counts) - counts, counts)
            checkpoint = np.repeat(first, counts) + offset
            base = self.n_c + self.n_v + self.n_m
            rows.append(base + np.repeat(columns.municipality, counts) * self.n_k + checkpoint)
            cols.append(column)
        rows_all, cols_all = np.concatenate(rows), np.concatenate(cols)
        shape = (self.n_rows, n + self.n_m)
        return csr_array((np.ones(len(rows_all)), (rows_all, cols_all)), shape=shape)

    def _pace_caps(self) -> np.ndarray:
        return self.pace.caps.reshape(-1) if self.pace is not None else np.zeros(0)

    def pace_dual(self, y_pace: np.ndarray, columns: PairTable) -> np.ndarray:
        """Each column's share of the pace rows' duals (the rows from its month onward)."""
        if self.pace is None:
            return np.zeros(len(columns))
        suffix = np.cumsum(y_pace.reshape(self.n_m, self.n_k)[:, ::-1], axis=1)[:, ::-1]
        suffix = np.concatenate([suffix, np.zeros((self.n_m, 1))], axis=1)
        return suffix[columns.municipality, self.pace.first_checkpoint[columns.vacancy]]

    def objective(self, cost: np.ndarray) -> np.ndarray:
        return np.concatenate([cost, np.full(self.n_m, BIG)])

    def solve_lp(self, columns: PairTable, cost: np.ndarray):
        """The LP relaxation; returns (value, duals of the <= rows as one vector each)."""
        a = self.matrix(columns)
        municipality_rows = a[[self.n_c + self.n_v + m for m in range(self.n_m)]]
        a_ub = vstack([a, -municipality_rows]).tocsr()
        b_ub = np.concatenate([np.ones(self.n_c + self.n_v), self.limit, self._pace_caps(),
                               -self.low])
        upper = np.concatenate([np.ones(len(columns)), self.low])
        result = linprog(self.objective(cost), A_ub=a_ub, b_ub=b_ub,
                         bounds=np.column_stack([np.zeros(len(upper)), upper]),
                         method="highs")
        if result.status != 0:
            raise RuntimeError(f"LP relaxation failed: {result.message}")
        self.last_shortfall = float(result.x[len(columns):].sum())
        y = result.ineqlin.marginals  # <= 0: objective change per unit of right-hand side
        n_cv, n_mk = self.n_c + self.n_v, self.n_m * self.n_k
        upper_m = y[n_cv:n_cv + self.n_m]
        y_pace = y[n_cv + self.n_m:n_cv + self.n_m + n_mk]
        lower_m = y[n_cv + self.n_m + n_mk:]
        return (float(result.fun), y[:self.n_c], y[self.n_c:n_cv], upper_m - lower_m, y_pace)

    def solve_milp(self, columns: PairTable, cost: np.ndarray, time_limit: float):
        a = self.matrix(columns)
        lower = np.concatenate([np.full(self.n_c + self.n_v, -np.inf), self.low,
                                np.full(self.n_m * self.n_k, -np.inf)])
        upper_rows = np.concatenate([np.ones(self.n_c + self.n_v), self.limit,
                                     self._pace_caps()])
        upper = np.concatenate([np.ones(len(columns)), self.low])
        return milp(self.objective(cost), integrality=np.ones(len(upper)),
                    bounds=Bounds(np.zeros(len(upper)), upper),
                    constraints=LinearConstraint(a, lower, upper_rows),
                    options={"time_limit": time_limit, "disp": False, "mip_rel_gap": 0.0})


def _generate_columns(programme: _Programme, pool: PairTable, cost: np.ndarray) -> (
    tuple[np.ndarray, float, float, int]
):
    """Indices into `pool` whose restricted LP is optimal for the whole pool, the LP value,
    its band shortfall and the number of pricing rounds.

    Only the columns with a zero reduced cost at the end are returned: the LP optimum lies
    among them (its basic columns), so the LP and, by total unimodularity, the integer
    programme over them have the same optimum as over the whole pool, with fewer columns."""
    group = pool.candidate * (programme.n_m + 1) + pool.municipality  # pool is sorted by it
    starts = np.r_[0, np.flatnonzero(np.diff(group)) + 1] if len(pool) else np.zeros(0, int)
    rank = np.arange(len(pool)) - np.repeat(starts, np.diff(np.r_[starts, len(pool)]))
    active = rank < FIRST_COLUMNS
    rounds = 0
    while True:
        rounds += 1
        index = np.flatnonzero(active)
        value, y_c, y_v, y_m, y_pace = programme.solve_lp(pool.take(index), cost[index])
        reduced = (cost - y_c[pool.candidate] - y_v[pool.vacancy] - y_m[pool.municipality]
                   - programme.pace_dual(y_pace, pool))
        entering = np.flatnonzero(~active & (reduced < -REDUCED_COST_TOLERANCE))
        if len(entering) == 0:
            tight = index[reduced[index] <= REDUCED_COST_TOLERANCE]
            return tight, value, programme.last_shortfall, rounds
        if len(entering) > MAX_NEW_COLUMNS:
            entering = entering[np.argsort(reduced[entering], kind="stable")[:MAX_NEW_COLUMNS]]
        active[entering] = True


def _pairs(world: World, table: PairTable) -> list[Pair]:
    out = []
    for c, v, proposed, move_in in zip(table.candidate.tolist(), table.vacancy.tolist(),
                                       table.proposed.tolist(), table.move_in.tolist()):
        vacancy = world.vacancies[v].vacancy
        out.append(Pair(world.arrivals[c].candidate.id, vacancy.id, vacancy.municipality,
                        date.fromordinal(proposed), date.fromordinal(move_in)))
    return sorted(out, key=lambda p: (p.move_in, p.vacancy_id))


def verify_assignment(world: World, assignment: list[Pair], income_limits: IncomeLimits,
                      limit: dict[str, int]) -> int:
    """The bound's lettings against the same hard constraints, pair by pair: 0 or a bug."""
    categories = frozenset(rule.category for rule in world.scenario.categories)
    problems = 0
    per_municipality: dict[str, int] = {}
    seen_c, seen_v = set(), set()
    for pair in assignment:
        candidate = world.candidate_by_id[pair.candidate_id]
        vacancy = world.vacancy_by_id[pair.vacancy_id].vacancy
        context = rules.EligibilityContext(today=pair.proposed_on, municipalities=world.refs,
                                           income_limits=income_limits, categories=categories)
        problems += bool(rules.eligibility(candidate, vacancy, context))
        problems += pair.candidate_id in seen_c or pair.vacancy_id in seen_v
        problems += not world.outcome(pair.candidate_id, pair.vacancy_id).accepted
        seen_c.add(pair.candidate_id)
        seen_v.add(pair.vacancy_id)
        per_municipality[pair.municipality] = per_municipality.get(pair.municipality, 0) + 1
    problems += sum(1 for code, n in per_municipality.items() if n > limit[code])
    return problems
