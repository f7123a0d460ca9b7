"""The linear relaxation of a built CP-SAT model, solved by HiGHS, as a second source of bounds.

Why: on large weeks CP-SAT's own linear relaxation is solved by a dual simplex that
does not finish the root LP within a minute (400 patients: 24,000 iterations in 45 s,
never optimal), so the bound it reports is far below what the relaxation knows. An
interior-point method solves the same relaxation in seconds (400 patients, one core:
6 s with crossover on an Intel Xeon, 12 s without on a slower AMD EPYC; 1,500
patients: 35 s and 97 s). It
runs beside CP-SAT and the solve reports the better of the two bounds.

The bound is *verified*, not taken on trust from the LP solver's status: from any row
multipliers ``y`` whatever their quality, weak duality gives a valid lower bound,

    c·x = (c − Aᵀy)·x + y·Ax ≥ Σ_j min(d_j l_j, d_j u_j) + Σ_i y_i·(L_i if y_i ≥ 0 else U_i)

for every x with l ≤ x ≤ u and L ≤ Ax ≤ U, where d = c − Aᵀy. Multipliers whose side
is unbounded are set to zero. The interior-point duals make it tight; a poor or
half-converged answer only makes it weaker, never wrong. Every variable of the model
is bounded, so the minimum over the box always exists.

The linearization is exact for what the model uses (linear constraints, with
enforcement literals through big-M coefficients computed from the variables' bounds;
at-most-one, exactly-one, bool_and, bool_or). A constraint of any other kind is left
out, which relaxes the problem further and keeps every bound valid.

On small weeks the same rows, every variable integer, go to HiGHS's MIP solver
(``BoundSolver.branch_and_bound``): its cuts and branching prove optima CP-SAT's do not,
and its rosters are candidates that the caller checks exactly with CP-SAT. On middle-sized
weeks the MIP's root node alone (``BoundSolver.root_bound``) adds its cuts to the LP.
"""

from __future__ import annotations

import logging
import math
import os
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import highspy
import numpy as np

if TYPE_CHECKING:  # not at run time: the HiGHS peer's process imports this module (highs_lp)
    from ortools.sat.python import cp_model

log = logging.getLogger(__name__)
INF = highspy.kHighsInf
EPSILON = 1e-6  # relative slack for floating-point sums before rounding an integral bound up


def _swallow_banner() -> None:
    """Construct HiGHS once with standard output closed: its first instance prints a banner there.

    The banner comes from HiGHS's C++ constructor, before any option can silence it, and
    only once per process; stdout belongs to our commands (rosters can be written there).
    """
    if sys.stdout is not None:
        sys.stdout.flush()
    try:
        saved = os.dup(1)
    except OSError:  # no standard output at all: nothing to keep clean
        highspy.Highs()
        return
    try:
        with open(os.devnull, "wb") as devnull:
            os.dup2(devnull.fileno(), 1)
            highspy.Highs()
    finally:
        os.dup2(saved, 1)
        os.close(saved)


_swallow_banner()


LP_OPTIONS: dict[str, object] = {"solver": "ipm", "presolve": "off", "run_crossover": "off"}
"""HiGHS's options for the LP bound: the interior point alone, on the LP as it is.

The duals are all the bound needs. With HiGHS's presolve the interior point's duals do
not survive postsolve ("Unknown"; 400 patients: a verified bound of 841 against the LP's
2,072.7), so presolve was paired with crossover, which makes them exact. Without either,
the verified bound is the same to 1e-3 in two thirds of the time or less (AMD EPYC,
alone: 120 patients 3.1-3.7 s against 6.3 s, 400: 12.3 s against 18.3 s, 1,500: 97 s
against 130 s)."""


@dataclass(frozen=True)
class Relaxation:
    """A linear program min c·x + offset, row_lower ≤ Ax ≤ row_upper, lower ≤ x ≤ upper."""

    cost: np.ndarray
    offset: float
    lower: np.ndarray
    upper: np.ndarray
    row_lower: np.ndarray
    row_upper: np.ndarray
    starts: np.ndarray  # row-wise sparse matrix (CSR)
    index: np.ndarray
    value: np.ndarray
    integral_objective: bool  # integer coefficients on integer variables: bounds round up

    def rounded(self, bound: float) -> float:
        """A bound up to the next whole number when the objective is integral (less float slack)."""
        if self.integral_objective:
            return float(math.ceil(bound - EPSILON * max(1.0, abs(bound))))
        return bound

    @property
    def num_rows(self) -> int:
        """Rows of A."""
        return len(self.row_lower)

    def transpose_times(self, y: np.ndarray) -> np.ndarray:
        """Aᵀy, computed from the row-wise matrix."""
        rows = np.repeat(np.arange(self.num_rows), np.diff(self.starts))
        return np.bincount(self.index, weights=self.value * y[rows], minlength=len(self.cost))

    def highs_lp(self) -> highspy.HighsLp:
        """The LP in HiGHS's structure, objective offset included."""
        rows = (self.row_lower, self.row_upper, self.starts, self.index, self.value)
        lp = highs_lp(self.cost, self.lower, self.upper, *rows)
        lp.offset_ = self.offset
        return lp

    def usable(self, y: np.ndarray) -> np.ndarray:
        """The multipliers ``y`` with those whose side of their row is unbounded set to zero.

        Weak duality needs a finite side for each nonzero multiplier (module docstring).
        """
        y = np.where((y > 0) & ~np.isfinite(self.row_lower), 0.0, y)
        return np.where((y < 0) & ~np.isfinite(self.row_upper), 0.0, y)

    def reduced_costs(self, y: np.ndarray) -> np.ndarray:
        """The reduced costs c − Aᵀy: what each variable costs beyond what the multipliers charge."""
        return self.cost - self.transpose_times(y)

    def dual_bound(self, y: np.ndarray) -> float:
        """The weak-duality lower bound of any row multipliers ``y`` (see the module docstring)."""
        y = self.usable(y)
        sides = np.where(y > 0, self.row_lower, np.where(y < 0, self.row_upper, 0.0))
        reduced = self.reduced_costs(y)
        box = np.minimum(reduced * self.lower, reduced * self.upper)
        return float(np.dot(y, sides) + box.sum() + self.offset)


class _Rows:
    """Rows gathered in plain lists: (columns, coefficients, lower, upper)."""

    def __init__(self) -> None:
        self.index: list[int] = []
        self.value: list[float] = []
        self.starts: list[int] = [0]
        self.lower: list[float] = []
        self.upper: list[float] = []

    def add(self, columns: list[int], coefficients: list[float], lower: float, upper: float) -> None:
        self.index.extend(columns)
        self.value.extend(coefficients)
        self.starts.append(len(self.index))
        self.lower.append(lower)
        self.upper.append(upper)


def _literal(literal: int) -> tuple[int, float, float]:
    """A literal as (variable, coefficient, constant): its value is coefficient·x + constant."""
    return (literal, 1.0, 0.0) if literal >= 0 else (-literal - 1, -1.0, 1.0)


def snapshot(model: cp_model.CpModel) -> bytes:
    """The model as serialized protocol-buffer bytes, for ``linearize`` in another thread.

    Why bytes: CP-SAT's Python proto is read field by field through its bindings (4.9 s
    for a 400-patient model, holding the GIL that CP-SAT's solution callbacks need),
    while the bytes parse into Python's own protobuf classes in a tenth of a second. Taken
    in the caller's thread, so that another thread never reads the model while the
    caller writes hints into it.
    """
    with tempfile.TemporaryDirectory(prefix="iop-roster-") as folder:
        path = os.path.join(folder, "model.pb")  # binary: any name not ending in "txt"
        model.export_to_file(path)
        with open(path, "rb") as file:
            return file.read()


def linearize(model: cp_model.CpModel | bytes, leave_out: Iterable[range] = ()) -> Relaxation:
    """The linear relaxation of a CP-SAT model, or of its ``snapshot`` (integrality dropped).

    ``leave_out``: ranges of constraint indices to drop, a further relaxation (the
    bound stays valid) that may solve faster.
    """
    from ortools.sat import cp_model_pb2  # here: the HiGHS peer's process must not load OR-Tools

    proto = cp_model_pb2.CpModelProto.FromString(model if isinstance(model, bytes) else snapshot(model))
    lower = [float(v.domain[0]) for v in proto.variables]
    upper = [float(v.domain[-1]) for v in proto.variables]
    dropped = {index for span in leave_out for index in span}
    rows = _Rows()
    for position, constraint in enumerate(proto.constraints):
        if position in dropped:
            continue
        enforcement = list(constraint.enforcement_literal)
        kind = constraint.WhichOneof("constraint")
        if kind == "linear":
            _linear(rows, constraint.linear, enforcement, lower, upper)
        elif kind in ("at_most_one", "exactly_one"):
            literals = list(getattr(constraint, kind).literals)
            _clause(rows, literals, enforcement, 1.0 if kind == "exactly_one" else -INF, 1.0)
        elif kind == "bool_or":
            _clause(rows, list(constraint.bool_or.literals), enforcement, 1.0, INF)
        elif kind == "bool_and":
            for literal in constraint.bool_and.literals:  # every enforcement literal true => literal
                _clause(rows, [literal], enforcement, 1.0, INF)
        # any other kind is left out: a weaker relaxation, still a valid bound
    objective = proto.objective
    cost = np.zeros(len(lower))
    coefficients = [float(c) for c in objective.coeffs]
    np.add.at(cost, np.array(list(objective.vars), dtype=int), coefficients)
    scale = objective.scaling_factor or 1.0
    integral = (
        scale == 1.0 and all(c.is_integer() for c in coefficients) and float(objective.offset).is_integer()
    )
    return Relaxation(
        cost=cost * scale,
        offset=float(objective.offset) * scale,
        lower=np.array(lower),
        upper=np.array(upper),
        row_lower=np.array(rows.lower),
        row_upper=np.array(rows.upper),
        starts=np.array(rows.starts, dtype=np.int64),
        index=np.array(rows.index, dtype=np.int64),
        value=np.array(rows.value),
        integral_objective=integral,
    )


def _linear(rows: _Rows, linear: Any, enforcement: list[int], lower: list[float], upper: list[float]) -> None:
    """Keep low ≤ Σ a·x ≤ high, relaxed by big-M terms when enforcement literals may be false."""
    columns = list(linear.vars)
    coefficients = [float(c) for c in linear.coeffs]
    low, high = float(linear.domain[0]), float(linear.domain[-1])
    least = most = 0.0  # the sum's range over the variables' bounds (plain floats: rows are short)
    for x, a in zip(columns, coefficients, strict=True):
        if a > 0:
            least, most = least + a * lower[x], most + a * upper[x]
        else:
            least, most = least + a * upper[x], most + a * lower[x]
    if low > least:  # the lower side can bind
        _sided(rows, columns, coefficients, enforcement, low, low - least, lower_side=True)
    if high < most:
        _sided(rows, columns, coefficients, enforcement, high, most - high, lower_side=False)


def _sided(
    rows: _Rows,
    columns: list[int],
    coefficients: list[float],
    enforcement: list[int],
    bound: float,
    big_m: float,
    lower_side: bool,
) -> None:
    """One side of a linear constraint; each false enforcement literal relaxes it by ``big_m``."""
    columns, coefficients = list(columns), list(coefficients)
    constant = 0.0
    sign = 1.0 if lower_side else -1.0
    for literal in enforcement:  # Σ a·x + sign·M·(1 − e) ≥ bound  (or ≤ for the upper side)
        var, coef, const = _literal(literal)
        columns.append(var)
        coefficients.append(-sign * big_m * coef)
        constant += sign * big_m * (1.0 - const)
    if lower_side:
        rows.add(columns, coefficients, bound - constant, INF)
    else:
        rows.add(columns, coefficients, -INF, bound - constant)


def _clause(rows: _Rows, literals: list[int], enforcement: list[int], low: float, high: float) -> None:
    """Keep low ≤ Σ literals ≤ high, each side relaxed by the enforcement literals (all 0/1)."""
    columns: list[int] = []
    coefficients: list[float] = []
    constant = 0.0
    for literal in literals:
        var, coef, const = _literal(literal)
        columns.append(var)
        coefficients.append(coef)
        constant += const
    if not enforcement:
        rows.add(columns, coefficients, low - constant, high - constant)
        return
    count = len(literals)
    if low > -INF:  # Σ ≥ low − low·(number of false enforcement literals)
        _sided(rows, columns, coefficients, enforcement, low - constant, low, lower_side=True)
    if high < INF:  # Σ ≤ high + (count − high)·(number of false enforcement literals)
        _sided(rows, columns, coefficients, enforcement, high - constant, count - high, lower_side=False)


MIP_MEMORY_MB = 1024
"""Growth of the process's resident memory at which the MIP search stops (its tree grows
about 2 MB a second on 30 patients: 1 GB after eight minutes); its bound so far stands."""

ROOT_NODE_ONLY: dict[str, object] = {"mip_max_nodes": 1, "mip_heuristic_effort": 0.0}
"""HiGHS's MIP stopped after its root node, without heuristics: its cuts' bound, no search."""
ROOT_BOUND: dict[str, object] = {**ROOT_NODE_ONLY, "mip_lp_solver": "ipm"}
"""The root node as ``BoundSolver.root_bound`` runs it: its LP by interior point, which on
400 patients came at 8.7 s against 67 s by dual simplex (benchmarks/JOURNAL.md, "root cuts
for the bound")."""


def _resident_mb() -> float | None:
    """Resident memory of this process in MB, or None where /proc is not available."""
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            pages = int(statm.read().split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


class _MemoryGuard:
    """A HiGHS interrupt callback that stops the MIP once memory has grown by ``limit_mb``.

    Checked at most once a second: HiGHS calls interrupt callbacks very often.
    """

    def __init__(self, limit_mb: float) -> None:
        self.limit_mb = limit_mb
        self.start_mb = _resident_mb()
        self.checked = time.monotonic()

    def __call__(self, event: highspy.cb.HighsCallbackEvent) -> None:
        now = time.monotonic()
        if self.start_mb is None or now - self.checked < 1.0:
            return
        self.checked = now
        grown = (_resident_mb() or self.start_mb) - self.start_mb
        if grown > self.limit_mb:
            log.info("MIP relaxation: memory grew by %.0f MB, stopping its search", grown)
            event.data_in.user_interrupt = True


class BoundSolver:
    """Solves a relaxation for a bound (and, as a MIP, rosters); ``cancel`` may come from another thread."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.highs: highspy.Highs | None = None  # the solve under way, for ``cancel``
        self.cancelled = False

    def _start(self, options: dict[str, object]) -> highspy.Highs | None:
        """A fresh HiGHS with ``options``, registered for ``cancel``; None once cancelled.

        No "threads" option: HiGHS keeps one scheduler per process and refuses a run
        whose thread count differs from the one it was started with (the benchmark's
        MIP peer starts it with the default).
        """
        h = highspy.Highs()
        h.setOptionValue("output_flag", False)
        for name, value in options.items():
            h.setOptionValue(name, value)
        h.HandleUserInterrupt = True  # so that cancelSolve reaches the solver's loops
        with self.lock:
            if self.cancelled:
                return None
            self.highs = h
        return h

    def cancel(self) -> None:
        """Stop the solve under way (or the next one) as soon as HiGHS looks."""
        with self.lock:
            self.cancelled = True
            if self.highs is not None:
                self.highs.cancelSolve()

    def lower_bound(
        self, relaxation: Relaxation, time_limit: float, extra: dict[str, object] | None = None
    ) -> float | None:
        """A verified lower bound on the model's objective, or None if HiGHS gave no multipliers.

        Rounded up to a whole number when the objective is integral. ``extra``: HiGHS
        options over the ones below (for experiments on its interior point).
        """
        started = time.monotonic()
        options = {
            **LP_OPTIONS,
            "time_limit": max(0.1, float(time_limit)),
            **(extra or {}),
        }
        h = self._start(options)
        if h is None:
            return None
        h.passModel(relaxation.highs_lp())
        h.run()
        solution = h.getSolution()
        status = h.modelStatusToString(h.getModelStatus())
        if not solution.dual_valid or len(solution.row_dual) != relaxation.num_rows:
            log.info("LP relaxation: no multipliers after %.1fs (%s)", time.monotonic() - started, status)
            return None
        bound = relaxation.dual_bound(np.array(solution.row_dual))
        log.info("LP relaxation: bound %.2f after %.1fs (%s)", bound, time.monotonic() - started, status)
        return relaxation.rounded(bound) if math.isfinite(bound) else None

    def branch_and_bound(
        self,
        relaxation: Relaxation,
        time_limit: float,
        on_bound: Callable[[float], None],
        on_solution: Callable[[float, np.ndarray], None],
        better_than: float | None = None,
        stop: Callable[[], bool] | None = None,
    ) -> bool:
        """Solve the model as a MIP (every variable integer), reporting bounds and solutions as they come.

        ``better_than``: a roster's objective (integral objectives only); the MIP then
        looks only below it (the row ``objective <= better_than - 1``), and finding
        nothing there proves that roster optimal, which is reported as the bound. Every
        bound reported is at most ``better_than``: what the MIP proves of the rosters below
        it, the rosters outside it are worth ``better_than`` or more. ``stop``: polled
        while HiGHS runs; the MIP ends when it says so. Returns whether it did.

        Why: on small weeks HiGHS's root cuts and branching prove what CP-SAT's do not
        (30 patients, HiGHS alone: optimal in 3.8-4.7 s where CP-SAT needs 19-50 s or more;
        120 patients: root bounds 2-8 points above CP-SAT's at 60 s). Its bound is HiGHS's proof,
        within its tolerances (rounded up as in ``Relaxation.rounded``), not verified like
        the LP's; its solutions are only candidates, which the caller checks exactly.
        """
        return self._mip(relaxation, time_limit, on_bound, on_solution, {}, better_than, stop)

    def root_bound(
        self,
        relaxation: Relaxation,
        time_limit: float,
        on_bound: Callable[[float], None],
        stall: float | None = None,
    ) -> None:
        """The MIP's root node alone: the LP raised by HiGHS's rounds of cuts, each rise reported.

        Why: on 400-patient weeks the LP alone is well below what cuts know, and CP-SAT's own
        root does not finish its LP in a minute there (module docstring). HiGHS alone, its
        root LP by interior point: L-400p-s1 2,072.7 -> 2,083 in 60 s (benchmarks/JOURNAL.md,
        "root cuts for the bound"). No branching and no heuristics: the search finds the
        rosters, and on two cores the thread competes with it. The bound is HiGHS's, like
        ``branch_and_bound``'s. ``stall``: end once no rise has been reported for that many
        seconds (counted from the call), to give the core back to the search; on the
        120-patient weeks the root's last rise came at 8-26 s and it then ran out the minute.
        """
        last = time.monotonic()

        def rose(bound: float) -> None:
            nonlocal last
            last = time.monotonic()
            on_bound(bound)

        def stalled() -> bool:
            return stall is not None and time.monotonic() - last > stall

        self._mip(relaxation, time_limit, rose, None, ROOT_BOUND, stop=None if stall is None else stalled)

    def _mip(
        self,
        relaxation: Relaxation,
        time_limit: float,
        on_bound: Callable[[float], None],
        on_solution: Callable[[float, np.ndarray], None] | None,
        extra: dict[str, object],
        better_than: float | None = None,
        stop: Callable[[], bool] | None = None,
    ) -> bool:
        """HiGHS's MIP on the relaxation's rows, every variable integer, with ``extra`` options.

        ``better_than`` and ``stop`` as in ``branch_and_bound``; returns whether ``stop`` ended it.
        """
        if better_than is not None and not relaxation.integral_objective:
            raise ValueError("a cutoff at a roster's objective needs an integral objective")
        options = {
            "output_flag": True,  # MIP logging callbacks need it; nothing reaches the console
            "log_to_console": False,
            "mip_rel_gap": 0.0,
            "time_limit": max(0.1, float(time_limit)),
            **extra,
        }
        h = self._start(options)
        if h is None:
            return False
        mip = relaxation.highs_lp()
        mip.integrality_ = [highspy.HighsVarType.kInteger] * mip.num_col_

        reported = [-math.inf]

        def report(bound: float) -> None:
            if math.isfinite(bound):  # -inf until the root LP is solved
                rounded = relaxation.rounded(bound)
                if better_than is not None:
                    rounded = min(rounded, better_than)
                if rounded > reported[0]:
                    reported[0] = rounded
                    on_bound(rounded)

        def logging(event: highspy.cb.HighsCallbackEvent) -> None:
            report(event.data_out.mip_dual_bound)

        guard = _MemoryGuard(MIP_MEMORY_MB)
        stopped = [False]

        def interrupt(event: highspy.cb.HighsCallbackEvent) -> None:
            # HiGHS writes a log line only when its search moves on, not after each round
            # of root cuts: S-30p-s1's bound passed 202 (203 rounded up, the optimum) at
            # 2.1 s, its next log line came at 5.7 s. The interrupt check sees every round.
            report(event.data_out.mip_dual_bound)
            guard(event)
            if stop is not None and stop():
                stopped[0] = True
                event.data_in.user_interrupt = True

        h.cbMipLogging.subscribe(logging)
        h.cbMipInterrupt.subscribe(interrupt)
        if on_solution is not None:
            found = on_solution

            def improving(event: highspy.cb.HighsCallbackEvent) -> None:
                found(event.data_out.objective_function_value, np.array(event.data_out.mip_solution))

            h.cbMipImprovingSolution.subscribe(improving)
        started = time.monotonic()
        h.passModel(mip)
        if better_than is not None:
            # Integral objective: a roster better than ``better_than`` is worth ``better_than - 1`` or less.
            used = np.flatnonzero(relaxation.cost)
            cutoff = better_than - 1 - relaxation.offset
            h.addRow(-highspy.kHighsInf, cutoff, len(used), used.astype(np.int32), relaxation.cost[used])
        h.run()
        info = h.getInfo()
        status = h.getModelStatus()
        log.info(
            "MIP relaxation: bound %.2f after %.1fs (%s)",
            info.mip_dual_bound,
            time.monotonic() - started,
            h.modelStatusToString(status),
        )
        if status != highspy.HighsModelStatus.kInfeasible:
            report(info.mip_dual_bound)
        elif better_than is not None and not stopped[0]:
            report(better_than)  # nothing below the roster: it is optimal
        return stopped[0]


def highs_lp(
    cost: np.ndarray,
    lower: np.ndarray,
    upper: np.ndarray,
    row_lower: np.ndarray,
    row_upper: np.ndarray,
    starts: np.ndarray,
    index: np.ndarray,
    value: np.ndarray,
) -> highspy.HighsLp:
    """HiGHS's LP structure from plain arrays, the matrix given row-wise (CSR)."""
    lp = highspy.HighsLp()
    lp.num_col_ = len(cost)
    lp.num_row_ = len(row_lower)
    lp.col_cost_ = np.asarray(cost, dtype=float)
    lp.col_lower_ = np.asarray(lower, dtype=float)
    lp.col_upper_ = np.asarray(upper, dtype=float)
    lp.row_lower_ = np.asarray(row_lower, dtype=float)
    lp.row_upper_ = np.asarray(row_upper, dtype=float)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    lp.a_matrix_.start_ = np.asarray(starts, dtype=np.int64)
    lp.a_matrix_.index_ = np.asarray(index, dtype=np.int64)
    lp.a_matrix_.value_ = np.asarray(value, dtype=float)
    lp.a_matrix_.num_col_ = lp.num_col_
    lp.a_matrix_.num_row_ = lp.num_row_
    return lp
