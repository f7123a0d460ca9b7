"""Running CP-SAT on a built model: parameters, progress callbacks, stopping, results.

The solve runs in a worker thread so that the main thread stays free to take Ctrl-C:
an interrupt (or the time limit) stops the search and the best roster found so far
is still returned. No-solution cases are values (status INFEASIBLE/UNKNOWN), not errors.

In reading order: the options and results; the watcher that every search reports to;
CP-SAT's parameters by worker count and week size; HiGHS's bound thread beside the
search (``_BoundThread``); ``solve`` itself; the phases of large weeks' searches
(``_search`` and its steps); and ``placements`` for a newcomer. Why a week has no roster
is ``conflict.py``'s job.
"""

from __future__ import annotations

import logging
import math
import os
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from google.protobuf.descriptor import FieldDescriptor
from ortools.sat import sat_parameters_pb2
from ortools.sat.python import cp_model

from .instance import Instance
from .model import RosterModel
from .relaxation import BoundSolver, Relaxation, linearize, snapshot
from .restriction import ONE_FAMILY_BELOW, RESTRICT_FROM, one_family_per_block, restricted_model
from .roster import Roster, Session, SolverInfo
from .scenario import Scenario
from .strengthen import STRENGTHENINGS

log = logging.getLogger(__name__)
BoundKind = Literal["lp", "root", "early-root", "mip"]  # what the bound thread solves (_BoundThread)

MIP_BELOW = 80
"""Patients below which the relaxation thread solves the model as a MIP, not only its LP.

Measured (Intel Xeon, 2 CP-SAT workers beside it, 60 s; benchmarks/JOURNAL.md, "HiGHS's MIP beside
CP-SAT"): 30 patients, two of four weeks proven optimal at 4.8 and 6.6 s (before: one, at 19 s),
bounds equal or higher on the others; 60 patients at slack 0, bounds 6-14 higher and
rosters within 0-4 of before. At 120 patients its root cuts took the whole minute on a
core the search needed: bounds 2-8 higher, rosters 1.5 % worse over three seeds, and
Riverbend (80 patients) 438 / 436 / 438 against 438 / 436 / 436, so those run no MIP
(``EARLY_ROOT``: its root node alone, until its bound stands).
"""

SETTLED_S = 1.0
"""Seconds a better roster must stand before the small weeks' MIP starts again below it (``_BoundThread``)."""
ROUND_S = 10.0
"""Seconds the small weeks' MIP runs before it may start again below a better roster (``_BoundThread``)."""
NEAR_STEPS = 1.0
"""How far above the best bound a better roster may be for the small weeks' MIP to start again below it."""

ROOT_CUTS = range(200, 500)
"""Patients for which the bound thread runs HiGHS's root node and its cuts in place of the LP alone.

Measured (AMD EPYC, 2 CP-SAT workers beside it, 60 s, seeds 0-2; benchmarks/JOURNAL.md,
"root cuts for the bound"): 400 patients, bounds 8-10 higher in nine runs of nine (2,081 /
2,108-2,110 / 2,093 against 2,071 / 2,100 / 2,085) and rosters within the spread of single
runs (19,583 against 19,568 in sum). At 120 patients this root (the LP's rows, after the
first roster) took the core for most of the minute for one bound of four one point higher,
and through the benchmark Riverbend (80) lost its proof: those run ``EARLY_ROOT``'s. At 800
the root's cuts added nothing in the time its LP left them; at 1,500 the LP alone takes
most of the time, and a root whose LP does not finish gives no bound. Those keep the LP.
"""

EARLY_ROOT = range(MIP_BELOW, 200)
"""Patients for which the bound thread runs the root and its cuts with every row, from the
start of the solve, until its bound has stood ``ROOT_STALL_S``.

Measured (Intel Xeon, 2 CP-SAT workers beside it, 60 s, seeds 0-2; benchmarks/JOURNAL.md,
"HiGHS's root with every row on M"): against the LP alone, bounds 717 / 694 / 716 / 436 on
M-120p-s1 / s2 / s3 and Riverbend (80 patients) against 715 / 694 / 715 / 436, rosters
7,787 against 7,820 in sum, Riverbend proven in three runs of three at 26-42 s (38-59 s);
M-120p-s1 720 / 723 / 720, within 0.5 % twice. The root with every row gets there where the
LP's rows do not (715), and run for the whole minute it cost Riverbend its proof (437 twice).
"""
BOUND_WAIT_SHARE = 0.5
"""Of the time limit, the longest the LP or root of the bound thread waits for the whole week's
search (``_BoundThread``): on L weeks, whose first phase takes up to ``ONE_FAMILY_SHARE`` of
the time, this is when the root starts."""
ROOT_STALL_S = 10.0
"""Seconds without a rise of its bound after which ``EARLY_ROOT``'s root gives its core back."""

BRIEF_PHASE = range(80, RESTRICT_FROM)
"""Patients for which a solve on several workers starts with a brief first phase on home
blocks, ``BRIEF_SHARE`` of the time, and searches the whole week from its roster (below
``QUICK_BRIEF_BELOW`` patients, ``QUICK_BRIEF_SHARE`` of the time, then the whole week afresh).

Why: on these weeks the whole week's first roster (feasibility jump's) is poor (1,420 on
M-120p-s1, whose best known is 717-720) and the search needed 2.5-8.7 s to reach the
roster HiGHS alone has at 2.3-5.7 s; in the restricted week (restriction.py) rosters
are good from the start. Measured on the 120-patient M weeks (Intel Xeon, 2 workers,
60 s, seeds 0-2; benchmarks/JOURNAL.md, "A brief first phase on M weeks"): HiGHS's
final roster reached at 0.08-0.63 of HiGHS's time through the benchmark (0.51-1.71
before), gap at 10 s 4.0 % against 9.8-10.8 % (medians), rosters at 60 s 6,530 in sum
against 6,533 searched whole the same hour. Half or 0.8 of the time in that phase had
cost M weeks 1-2 % at 60 s (JOURNAL, "Three more search ideas on M").
"""
QUICK_BRIEF_BELOW = 100
"""Patients below which the brief phase is quicker: ``QUICK_BRIEF_SHARE`` of the time on the
restricted week's own objective, without the load-first step, whose rosters come slowly
there (Riverbend, 80 patients: 922 to 675 over its first 2 s); then the whole week is
searched afresh, as it was without the phase (its own parameters, no hint), the phase's
roster standing until that search beats it. Measured on Riverbend (Intel Xeon, 2 workers,
60 s, twelve seeds; benchmarks/JOURNAL.md, "A quicker brief phase on Riverbend-sized
weeks"): HiGHS's roster (514) reached at 0.7-1.6 s against 2.5-9.0 s searched whole,
HiGHS's own at 2.3-2.6 s; proven in seven runs against nine, one at 439, the rest 436-438,
within the spread of single runs. Through the benchmark every M week's ratios against
both plain peers below 1 in three runs of three (two of them with the phased parameters
in the whole week's search; Riverbend's against HiGHS 1.35-2.1 before). With the whole
week started from the phase's roster instead, it sat at 450-460 from 4 to 10 s and
reached `cpsat-ref`'s final roster at 1.58 of `cpsat-ref`'s time."""
QUICK_BRIEF_SHARE = 0.03
"""Of the time limit, the most the quicker brief phase (``QUICK_BRIEF_BELOW``) takes."""


@dataclass(frozen=True)
class SolveOptions:
    """What the user controls about a solve; nothing here is hard-coded elsewhere."""

    time_limit: float = 60.0
    workers: int = 0  # 0: one per core, up to 8
    seed: int = 0
    log_search: bool = False
    weights: dict[str, int] = field(default_factory=dict)
    parameters: dict[str, object] = field(default_factory=dict)  # extra CP-SAT parameters
    gap: float | None = None  # stop at this proven relative gap (0.01 = 1 %)
    improvements: tuple[str, ...] = STRENGTHENINGS  # valid inequalities added (strengthen.py); () = plain
    tuned: bool = True  # use the portfolio tuned on the benchmark (TUNED_PORTFOLIOS); False = CP-SAT defaults
    stall: float | None = None  # stop after this many seconds without a better roster
    lp_bound: bool = True  # also bound the objective by the LP relaxation, solved by HiGHS (relaxation.py)
    mip_below: int | None = MIP_BELOW  # patients below which HiGHS solves the model as a MIP; None: never
    root_cuts: range | None = ROOT_CUTS  # patient counts for which HiGHS's root cuts bound it; None: never
    early_root: range | None = EARLY_ROOT  # patient counts for the root on every row at once; None: never
    restrict_from: int | None = RESTRICT_FROM  # patients from which home blocks go first; None: never
    brief_phase: range | None = BRIEF_PHASE  # patient counts for a brief first phase; None: never
    appointments_by_block: bool = True  # place appointments per block where exact (model.py); False: slots

    def resolved_workers(self) -> int:
        """The worker count actually used (0 means one per core, at most 8)."""
        return self.workers or max(1, min(8, os.cpu_count() or 1))


@dataclass(frozen=True)
class Progress:
    """A snapshot for progress displays."""

    elapsed: float
    objective: float | None
    bound: float | None
    solutions: int


@dataclass(frozen=True)
class Need:
    """A requirement in plain ids and numbers (minutes for H3/H4, days, counts).

    ``scheduled`` is set for a requirement a best-effort roster does not meet.
    """

    rule: str
    person: str
    what: str
    low: int
    high: int
    scheduled: int | None = None


@dataclass(frozen=True)
class SolveResult:
    """The outcome of one solve: status, numbers, and the roster when one was found."""

    status: str
    objective: float | None
    best_bound: float | None
    wall_time_s: float
    build_time_s: float
    terms: dict[str, int]
    roster: Roster | None
    interrupted: bool = False
    num_variables: int = 0
    num_constraints: int = 0
    unmet: list[Need] = field(default_factory=list)  # best-effort solves only
    penalty: int | None = None  # best-effort solves only: the weighted shortfall

    @property
    def gap(self) -> float | None:
        """(objective - bound) / max(1, |objective|), the one gap formula used everywhere."""
        if self.objective is None or self.best_bound is None:
            return None
        return max(0.0, self.objective - self.best_bound) / max(1.0, abs(self.objective))


class _Watcher(cp_model.CpSolverSolutionCallback):
    """Counts solutions and reports objective and bound as they improve.

    The bound is the better of CP-SAT's own and HiGHS's on the relaxation (``on_highs_bound``),
    both valid lower bounds of the same objective.
    """

    def __init__(self, report: Callable[[Progress], None] | None) -> None:
        super().__init__()
        self.report = report
        self.started = time.monotonic()
        self.solutions = 0
        self.improved: float | None = None  # when the incumbent last got better
        self.objective: float | None = None
        self.cp_bound: float | None = None
        self.highs_bound: float | None = None  # the LP relaxation's, or the MIP's on small weeks
        # Set once the search has a roster of the whole week, or its first phase ended.
        self.searching = threading.Event()
        self.lock = threading.Lock()
        self.restricted = False  # searching a restricted week (restriction.py): its bound is not ours
        self.adopted: cp_model.CpSolver | None = None  # a roster found by HiGHS, checked by CP-SAT
        # Set while the search minimises something else (the load-first step of the first
        # phase): each roster is then reported at its value of the week's objective.
        self.objective_of: cp_model.LinearExprT | None = None

    @property
    def bound(self) -> float | None:
        """The best lower bound known from any source."""
        known = [b for b in (self.cp_bound, self.highs_bound) if b is not None]
        return max(known) if known else None

    def on_solution_callback(self) -> None:
        value = self.objective_value if self.objective_of is None else self.value(self.objective_of)
        with self.lock:
            self.solutions += 1
            if self.objective is None or value < self.objective:
                self.improved = time.monotonic()
                self.objective = value
            if not self.restricted:
                self.cp_bound = self.best_objective_bound
        if not self.restricted:
            self.searching.set()
        self.emit()

    def closed(self, gap: float | None) -> bool:
        """The incumbent is proven within ``gap`` (0 when none is asked for: proven optimal)."""
        with self.lock:
            bound = self.bound
            if self.objective is None or bound is None:
                return False
            return self.objective - bound <= (gap or 0.0) * max(1.0, abs(self.objective)) + 1e-9

    def stalled(self, seconds: float | None) -> bool:
        """A roster exists and none better came for ``seconds``."""
        with self.lock:
            return (
                seconds is not None
                and self.improved is not None
                and time.monotonic() - self.improved > seconds
            )

    def restart_stall_clock(self) -> None:
        """Count stalls from now: what ran before searched for something other than the objective."""
        with self.lock:
            if self.improved is not None:
                self.improved = time.monotonic()

    def on_bound(self, bound: float) -> None:
        with self.lock:
            if self.restricted:
                return
            self.cp_bound = bound
        self.emit()

    def on_highs_bound(self, bound: float) -> None:
        with self.lock:
            self.highs_bound = bound if self.highs_bound is None else max(self.highs_bound, bound)
        self.emit()

    def _beats(self, objective: float) -> bool:
        """``objective`` beats the best roster so far (from either solver); call with the lock held."""
        return self.objective is None or objective < self.objective - 1e-6

    def better(self, objective: float) -> bool:
        """``objective`` beats the best roster so far (from either solver)."""
        with self.lock:
            return self._beats(objective)

    def adopt(self, solver: cp_model.CpSolver) -> None:
        """A roster found outside CP-SAT's search and checked by it (``_checked``), if it is the best."""
        with self.lock:
            if not self._beats(solver.objective_value):
                return
            self.solutions += 1
            self.improved = time.monotonic()
            self.objective = solver.objective_value
            self.adopted = solver
        self.emit()

    def snapshot(self) -> Progress:
        with self.lock:
            return Progress(time.monotonic() - self.started, self.objective, self.bound, self.solutions)

    def emit(self) -> None:
        if self.report is not None:
            self.report(self.snapshot())


TUNED_PORTFOLIOS: dict[int, dict[str, object]] = {
    # Two workers, both on the strongest linear relaxation with symmetry handling
    # (CP-SAT interleaves its neighbourhood search on the second). Measured with
    # `iop-roster bench` (benchmarks/JOURNAL.md, "The first full run") together with strengthen.py against the
    # plain model on CP-SAT's defaults: higher bounds on every S, M and L week, lower
    # gaps on M and tight weeks, first rosters as fast; worse rosters on some S weeks.
    2: {"subsolvers": ["max_lp_sym"]},
}
"""CP-SAT parameters by worker count; counts not listed keep CP-SAT's own portfolio."""

SMALL_WEEK_SEARCH: dict[int, dict[str, object]] = {2: {"symmetry_level": 4}}
"""Over TUNED_PORTFOLIOS, for weeks below ``SMALL_WEEK_BELOW`` patients, by worker count:
CP-SAT's symmetry handling at its highest level (default 2). Through the benchmark on
the S weeks, two workers, seeds 0 and 1 (benchmarks/JOURNAL.md, "Symmetry at its
highest level on small weeks"), every proof came sooner: S-30p-s1 at 2.5 / 2.9 s
against 4.3 / 3.9 s, lighthouse-small at 2.1 / 2.0 s against 2.5 / 3.1 s, S-30p-s2 at
39.0 / 39.9 s against 41.1 / 42.6 s; S-30p-s3 unproven in both. Not measured on larger
weeks or other worker counts, so kept to these."""

SMALL_WEEK_BELOW = 40
"""Patients below which a tuned solve adds ``SMALL_WEEK_SEARCH`` (the S weeks: 24-30)."""

FIRST_PHASE_PORTFOLIOS: dict[int, dict[str, object]] = {
    # The first phase on home blocks (restriction.py) reports rosters, never its bound, so
    # its full worker needs no LP: without it, 1,500 patients got a first roster 13-20 s
    # into the search against 18-30 s with max_lp_sym (three seeds each), and better
    # rosters at 60 s (9,517-9,617 against 9,614-9,842); 400 patients alike at 30 s.
    # Without the feasibility pump, the thread CP-SAT interleaves its first-solution and
    # neighbourhood searches on gives the pump's share to feasibility jump, which finds
    # the first roster: on 1,500 patients the pump took 8.5 s of that thread's first 17 s
    # and found nothing, and the phase's first roster came after 12.7-24.3 s against
    # 18.0-47.2 s (three weeks, three seeds each; benchmarks/JOURNAL.md, "First rosters without the pump").
    2: {"subsolvers": ["quick_restart_no_lp"], "ignore_subsolvers": ["feasibility_pump"]},
}
"""Over TUNED_PORTFOLIOS, for the first phase on home blocks, by worker count."""

PHASED_PRESOLVE: dict[str, object] = {"max_presolve_iterations": 1}
"""Over the tuned parameters, for every search of a week solved in phases (``RESTRICT_FROM``
patients and up). Such a solve presolves two or three models, and on these sizes CP-SAT's
presolve is slow: on a 1,500-patient week 15.9 s before the first phase's search and
21.0 s before the whole week's, of which one pass instead of three leaves 6.5 s and
8.3 s (400 patients: 3.5 and 4.5 s against 1.4 and 1.7 s; AMD EPYC). The time goes to
the search instead: XL first rosters sooner and rosters at 300 s lower on every week, L
rosters at 60 s no worse (benchmarks/JOURNAL.md, "Presolve once on large weeks")."""

PHASED_SEARCH: dict[int, dict[str, object]] = {
    # Three violation local searches (CP-SAT's feasibility jump with the objective held as
    # a constraint; two plain, one on the linearized model) in place of one among the
    # subsolvers the second thread interleaves. In a 30 s log of L-400p-s1's first phase
    # the one local search found 33 of the 127 better rosters in 1.6 s of that thread's
    # time, the neighbourhoods 74 in about 27 s.
    2: {"num_violation_ls": 3},
}
"""Over the tuned parameters, for every search of a week solved in phases, by worker
count. On L weeks (three weeks, seeds 0-2, 60 s) 19,491 in sum against 19,578, lower
in 7 runs of 9 (through the benchmark 19,532 against 19,567; on two weeks not tuned on,
seeds 0 and 1, 8,666 against 8,668); on XL weeks (300 s, seed 0) 7,474 / 7,508 / 7,742
against 7,527 / 7,504 / 7,769, first rosters 5.0-5.8 s against 5.6-6.6 s. On M weeks,
which are searched whole, worse (6,514 against 6,492 over seeds 0-2, Riverbend proven in
one run of three against three), so it stays with the phases (benchmarks/JOURNAL.md,
"More local search on weeks solved in phases")."""


def parameters(options: SolveOptions, patients: int | None = None) -> dict[str, object]:
    """The CP-SAT parameters a solve uses (of a week of ``patients``, when it matters).

    With one worker the time limit is counted in CP-SAT's deterministic time
    (``time_limits``), so two runs with the same seed give identical rosters.
    """
    workers = options.resolved_workers()
    params: dict[str, object] = {
        **time_limits(options.time_limit, workers),
        "num_workers": workers,
        "random_seed": options.seed,
        "log_search_progress": options.log_search,
        "catch_sigint_signal": False,  # we handle Ctrl-C ourselves and keep the incumbent
    }
    if options.gap is not None:
        params["relative_gap_limit"] = options.gap  # CP-SAT's formula is ours: |obj - bound| / max(1, |obj|)
    if options.tuned:
        params.update(TUNED_PORTFOLIOS.get(workers, {}))
        if patients is not None and patients < SMALL_WEEK_BELOW:
            params.update(SMALL_WEEK_SEARCH.get(workers, {}))
    params.update(options.parameters)
    return params


def time_limits(seconds: float, workers: int) -> dict[str, float]:
    """CP-SAT's time parameters for a search of ``seconds``: wall clock, or deterministic time on one worker.

    One worker counts in deterministic time (about a second of work per unit), so that two
    runs with the same seed stop at the same point however busy the machine is; a
    wall-clock cap of three times the limit (plus ten seconds) still applies.
    """
    if workers == 1:
        return {"max_deterministic_time": float(seconds), "max_time_in_seconds": 3.0 * seconds + 10.0}
    return {"max_time_in_seconds": float(seconds)}


def parse_parameter(text: str) -> tuple[str, object]:
    """``NAME=VALUE`` as a typed CP-SAT parameter, checked against CP-SAT's own schema.

    Lists (repeated fields such as ``subsolvers``) are comma-separated; booleans are
    true/false. Raises ValueError naming what was expected, so a typo is an error
    rather than a run that silently measures the defaults.
    """
    name, sep, raw = text.partition("=")
    name, raw = name.strip(), raw.strip()
    fields = sat_parameters_pb2.SatParameters.DESCRIPTOR.fields_by_name
    if not sep or not name or not raw:
        raise ValueError(f"{text!r}: expected NAME=VALUE, e.g. linearization_level=2")
    if name not in fields:
        raise ValueError(f"{name!r} is not a CP-SAT parameter (see ortools/sat/sat_parameters.proto)")
    desc = fields[name]
    repeated = desc.is_repeated
    try:
        values = [_typed(desc, part.strip()) for part in (raw.split(",") if repeated else [raw])]
        sat_parameters_pb2.SatParameters(**{name: values if repeated else values[0]})
    except (ValueError, TypeError) as exc:
        raise ValueError(f"{name}={raw!r}: {exc}") from None
    return name, values if repeated else values[0]


def _typed(desc: FieldDescriptor, raw: str) -> object:
    """One value of a parameter field, converted to the field's type."""
    if desc.type == FieldDescriptor.TYPE_BOOL:
        if raw.lower() not in ("true", "false"):
            raise ValueError("expected true or false")
        return raw.lower() == "true"
    if desc.type in (FieldDescriptor.TYPE_DOUBLE, FieldDescriptor.TYPE_FLOAT):
        return float(raw)
    if desc.type == FieldDescriptor.TYPE_ENUM:
        value = desc.enum_type.values_by_name.get(raw)
        if value is None:
            raise ValueError(f"expected one of {', '.join(desc.enum_type.values_by_name)}")
        return value.number
    if desc.type == FieldDescriptor.TYPE_STRING:
        return raw
    return int(raw)


def configure(solver: cp_model.CpSolver, params: dict[str, object]) -> None:
    """Set CP-SAT parameters on a solver; repeated fields (e.g. subsolvers) are filled, not set."""
    for name, value in params.items():
        if isinstance(value, list | tuple):
            field = getattr(solver.parameters, name)
            field.clear()
            field.extend(value)
        else:
            setattr(solver.parameters, name, value)


STOP_WAIT_S = 60.0
"""How long a finished solve waits for HiGHS to take its cancellation (``_BoundThread.stop``)."""


LP_LEAVES_OUT = ("H4", "H5", "H9")
"""Hard rules whose rows the LP bound leaves out: a further relaxation, so still a valid bound.

Why: the interior point's time grows faster than the rows, and these rules' rows
(patient hours, days, group-type counts per week) give the bound next to nothing that
the appointments, group sizes, staffing and the counting floors do not. Measured with
benchmarks/experiments/lp_families.py (HiGHS alone, AMD EPYC): 1,500 patients 74-90 s →
42-47 s, bounds 7,346 / 7,354 / 7,581 → 7,342 / 7,352 / 7,580; 400 patients 10.5-12.5 s →
5.5-6.3 s, bounds 2,073 / 2,102 / 2,087 → 2,071 / 2,100 / 2,085; 120 patients 2.9-3.2 s
→ 1.5-1.8 s, the same bounds; Riverbend the same 436. Left out, group sizes (H6) cost
the bound up to 60 points of 2,102, H1's block-sharing rows 95: they stay.
"""


class _BoundThread:
    """HiGHS on the model's relaxation, in a thread beside CP-SAT: a second bound, and on small weeks rosters.

    HiGHS releases the GIL while it solves, so CP-SAT's search and callbacks go on; each
    bound reaches the watcher when it is known, and ``stop`` cancels a solve still running.
    The LP goes without the rows of ``leave_out`` (``LP_LEAVES_OUT``); the MIP keeps all.
    The LP starts once the search of the whole week has a roster, or the first phase on
    home blocks has ended (or ``BOUND_WAIT_SHARE`` of the time has gone by): on two cores
    it competes with CP-SAT's workers, and a first roster and the first phase's progress
    matter more than a bound (400 patients: first rosters at 7.7–20.1 s with the LP from
    the start, 10.9–13.0 s for the reference peer without it).

    With ``kind`` "root" (weeks of ``ROOT_CUTS`` patients) HiGHS's
    root node with its rounds of cuts takes the LP's place, on the same rows and from the
    same moment, each rise of its bound reported as it comes. With ``kind`` "early-root"
    (weeks of ``EARLY_ROOT`` patients) the root keeps every row, starts with the solve, and
    ends once its bound has stood ``ROOT_STALL_S``.

    With ``kind`` "mip" (weeks below ``MIP_BELOW`` patients, whose first roster comes within a
    second anyway) HiGHS solves the linearized model as a MIP from the start and for the
    whole time, below the best roster known (``_rounds``): its bounds reach the watcher as
    they rise, and each roster it finds that beats the incumbent is checked by CP-SAT with
    every variable fixed (``_checked``) before the watcher adopts it.
    """

    def __init__(
        self,
        model: cp_model.CpModel,
        time_limit: float,
        watcher: _Watcher,
        kind: BoundKind,
        leave_out: Sequence[range] = (),
    ) -> None:
        self.model = model
        self.time_limit = time_limit
        self.watcher = watcher
        self.kind = kind
        # the MIP's rosters need every rule; the early root's cuts need them (EARLY_ROOT)
        self.leave_out = () if kind in ("mip", "early-root") else leave_out
        self.solver = BoundSolver()
        self.snapshot = snapshot(model)  # read here: the search writes hints into the model later
        self.thread = threading.Thread(target=self._run, name="highs-bound", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        started = time.monotonic()
        if self.kind in ("lp", "root"):
            self.watcher.searching.wait(timeout=self.time_limit * BOUND_WAIT_SHARE)
        if self.solver.cancelled:
            return
        try:
            relaxation = linearize(self.snapshot, self.leave_out)
            left = self.time_limit - (time.monotonic() - started)
            if left <= 0:
                return
            if self.kind == "mip":
                self._rounds(relaxation, started)
                return
            if self.kind in ("root", "early-root"):
                stall = ROOT_STALL_S if self.kind == "early-root" else None
                self.solver.root_bound(relaxation, left, self._on_bound, stall)
                return
            bound = self.solver.lower_bound(relaxation, left)
        except Exception:  # a bound is a bonus: never let it break a solve
            log.exception("LP relaxation failed; CP-SAT's bound alone is reported")
            return
        if bound is not None:
            self._on_bound(bound)

    def _rounds(self, relaxation: Relaxation, started: float) -> None:
        """HiGHS's MIP below the best roster known, started again each time a better one settles.

        Why: told the search's roster, the MIP looks only below it and proves it optimal
        by finding nothing there, which took HiGHS alone 0.9-2.9 s on the S weeks whose
        optimum it was given (S-30p-s2: 2.9 s, against 23.6 s for the MIP without it;
        benchmarks/JOURNAL.md, "HiGHS's MIP below the search's roster"). Through ``solve``
        S-30p-s2 was proven at 15-41 s (mean 27, twelve runs) against 37-45 s (mean 40, 13),
        S-30p-s1 and lighthouse-small as before. A round ends when ``_settled_below`` says
        so; restarting at every better roster threw away trees that would have ended on
        their own (S-30p-s1 and lighthouse-small proven 2-3x later).
        """
        while not self.solver.cancelled:
            left = self.time_limit - (time.monotonic() - started)
            if left <= 0:
                return
            if not relaxation.integral_objective:  # no row below a roster to start again at: one MIP
                self.solver.branch_and_bound(relaxation, left, self._on_bound, self._on_solution)
                return
            incumbent = self.watcher.objective
            if not self.solver.branch_and_bound(
                relaxation, left, self._on_bound, self._on_solution, incumbent, self._settled_below(incumbent)
            ):
                return

    def _settled_below(self, incumbent: float | None) -> Callable[[], bool]:
        """A round's ``stop``: once it has run ``ROUND_S`` and a better roster has stood ``SETTLED_S``.

        Only a roster within ``NEAR_STEPS`` (one whole step) of the best bound ends a
        round: HiGHS then has a single step to prove, which the row below the roster makes
        quick, where a round started again farther from the proof loses the tree's bound
        (S-30p-s3 and the 60-patient weeks: 1-3 points). Plain attribute reads, no lock:
        HiGHS polls this very often, and a read a moment stale only starts the next round
        a moment later.
        """
        watcher = self.watcher
        round_started = time.monotonic()

        def settled() -> bool:
            now = time.monotonic()
            if now - round_started < ROUND_S:  # most polls end here, before reading the watcher
                return False
            objective, improved, bound = watcher.objective, watcher.improved, watcher.bound
            return (
                objective is not None
                and improved is not None
                and bound is not None
                and objective - bound <= NEAR_STEPS
                and (incumbent is None or objective < incumbent - 0.5)
                and now - improved >= SETTLED_S
            )

        return settled

    def _on_bound(self, bound: float) -> None:
        if not self.solver.cancelled:
            self.watcher.on_highs_bound(bound)

    def _on_solution(self, objective: float, values: np.ndarray) -> None:
        if self.solver.cancelled or not self.watcher.better(objective):
            return
        try:
            checked = _checked(self.model, values)
        except Exception:  # called from inside HiGHS: an error here must not end its search
            log.exception("checking a MIP roster failed; it is ignored")
            return
        if checked is None:
            log.info("a MIP roster of objective %.1f failed CP-SAT's check: ignored", objective)
        elif not self.solver.cancelled:
            self.watcher.adopt(checked)

    def stop(self) -> None:
        """Cancel HiGHS and wait until its thread has left it (up to ``STOP_WAIT_S``).

        Why wait: HiGHS looks at the cancel flag between steps, which took up to 0.75 s
        on 24 patients (a MIP heuristic); a process that exits while HiGHS still runs in
        a daemon thread is aborted by the C++ runtime ("terminate called without an
        active exception", exit code 134), after its roster was written. A thread still
        linearizing a large model is plain Python and ends on its own, answering nothing.
        """
        self.solver.cancel()
        self.watcher.searching.set()  # wake a thread still waiting to start
        started = time.monotonic()
        self.thread.join(timeout=STOP_WAIT_S)
        waited = time.monotonic() - started
        if self.thread.is_alive():
            log.warning("HiGHS did not stop within %.0f s of being cancelled", STOP_WAIT_S)
        elif waited > 1.0:
            log.info("HiGHS stopped %.1f s after being cancelled", waited)


def _checked(model: cp_model.CpModel, values: np.ndarray) -> cp_model.CpSolver | None:
    """CP-SAT's answer with every variable fixed to ``values`` (from HiGHS), or None if they break a rule.

    An exact check in integer arithmetic of a solution found with floating-point
    tolerances; the solver it returns reads like any other (``value``, ``objective_value``).
    """
    fixed = model.clone()
    fixed.clear_hints()
    variables = fixed.proto.variables
    if len(values) != len(variables):
        return None
    for var, value in zip(variables, np.rint(values).astype(np.int64), strict=True):
        var.domain.clear()
        var.domain.extend([int(value), int(value)])
    solver = cp_model.CpSolver()
    configure(solver, {"num_workers": 1, "max_time_in_seconds": 10.0, "catch_sigint_signal": False})
    status = solver.solve(fixed)
    return solver if status in (cp_model.OPTIMAL, cp_model.FEASIBLE) else None


def _run(
    model: cp_model.CpModel,
    options: SolveOptions,
    watcher: _Watcher,
    on_tick: Callable[[Progress], None] | None,
    enough: Callable[[], bool] | None = None,
    params: dict[str, object] | None = None,
) -> tuple[str, cp_model.CpSolver, bool]:
    """Solve in a worker thread so the caller's thread can take Ctrl-C; (status, solver, interrupted).

    ``enough``: polled about four times a second; the search stops when it says so.
    ``params``: CP-SAT's parameters, when not ``parameters(options)`` (a phase of a solve).
    """
    solver = cp_model.CpSolver()
    configure(solver, parameters(options) if params is None else params)
    solver.best_bound_callback = watcher.on_bound
    outcome: dict[str, object] = {}
    done = threading.Event()

    def run() -> None:
        try:
            outcome["status"] = solver.solve(model, watcher)
        except BaseException as exc:  # surfaced in the caller's thread below
            outcome["error"] = exc
        finally:
            done.set()

    # Wait on an Event, not Thread.join: a KeyboardInterrupt inside join() can leave
    # the thread marked as finished while CP-SAT is still running (CPython < 3.13).
    worker = threading.Thread(target=run, name="cp-sat", daemon=True)
    interrupted = False
    worker.start()
    while not done.is_set():
        try:
            done.wait(0.25)
            if on_tick is not None:
                on_tick(watcher.snapshot())
            if watcher.stalled(options.stall) and not done.is_set():
                log.info("no better roster for %.0f s: stopping", options.stall)
                solver.stop_search()
                done.wait()
            elif watcher.highs_bound is not None and watcher.closed(options.gap) and not done.is_set():
                log.info("HiGHS's bound closes the gap: stopping")
                solver.stop_search()
                done.wait()
            elif enough is not None and not done.is_set() and enough():
                solver.stop_search()
                done.wait()
        except KeyboardInterrupt:
            interrupted = True
            log.warning("interrupted: stopping the search and keeping the best roster found")
            solver.stop_search()
    worker.join()
    if "error" in outcome:
        raise RuntimeError("CP-SAT failed") from outcome["error"]  # type: ignore[arg-type]
    status = solver.status_name(outcome["status"])  # type: ignore[arg-type]
    if status == "MODEL_INVALID":
        raise RuntimeError(f"CP-SAT rejected the model: {model.validate()}")
    return status, solver, interrupted


def hint_all(model: cp_model.CpModel, solver: cp_model.CpSolver) -> None:
    """Hint every variable with its value in the solver's last solution."""
    model.clear_hints()
    for index in range(len(model.proto.variables)):
        var = model.get_int_var_from_proto_index(index)
        model.add_hint(var, solver.value(var))


def solve(
    scenario: Scenario,
    options: SolveOptions | None = None,
    on_progress: Callable[[Progress], None] | None = None,
    on_tick: Callable[[Progress], None] | None = None,
    relax: bool = False,
    previous: Roster | None = None,
) -> SolveResult:
    """Build the model of ``scenario``, solve it and return the result with its sessions.

    ``relax``: solve for a best-effort roster instead (H4, H5, H8, H9 may fall short).
    ``previous``: last week's roster, for the stability goal (S6) and as the search's hint.
    Half the time goes to making the shortfall penalty as small as possible, the rest
    to the usual objective with that penalty held; ``unmet`` lists what falls short.
    ``on_progress`` is called on each new solution or bound; ``on_tick`` about four
    times a second from the calling thread (for live displays).
    """
    options = options or SolveOptions()
    started = time.monotonic()
    built = RosterModel(
        Instance(scenario, previous),
        options.weights,
        "relax" if relax else "strict",
        options.improvements,
        options.appointments_by_block,
    )
    if previous is not None:
        built.hint_roster(previous)  # start from last week: an unchanged week is found at once
    build_time = time.monotonic() - started
    proto = built.model.proto
    log.info(
        "model built in %.2fs: %d variables, %d constraints; appointments %s",
        build_time,
        len(proto.variables),
        len(proto.constraints),
        "by block" if built.by_block else f"on grid slots ({built.inst.slots_needed or 'as asked'})",
    )
    watcher = _Watcher(on_progress)
    penalty: int | None = None
    full = True  # the last solver searched the whole week, not a restricted one
    objective_is_current = not relax  # in a relaxed solve, once stage two has run
    if relax:
        params = parameters(options)
        status, solver, interrupted = _run(
            built.model, options, watcher, on_tick, params=_scaled(params, 0.5)
        )
        if status in ("OPTIMAL", "FEASIBLE"):
            penalty = int(solver.value(built.penalty))
        if penalty is not None and not interrupted:
            proven = status == "OPTIMAL"
            hint_all(built.model, solver)
            built.model.add(built.penalty <= penalty)
            built.model.minimize(built.objective)
            rest = _after(params, solver, floor=1.0)
            status, solver, interrupted = _run(
                built.model, options, _Watcher(on_progress), on_tick, params=rest
            )
            objective_is_current = True
            if status == "OPTIMAL" and not proven:
                status = "FEASIBLE"
    else:
        bounding = None
        if options.lp_bound:
            # Not with one worker: a roster HiGHS finds first would depend on the wall clock,
            # and one-worker solves are reproducible (``parameters``).
            patients = len(scenario.patients)
            small = options.mip_below is not None and patients < options.mip_below
            kind: BoundKind = "lp"
            if small and options.resolved_workers() > 1:
                kind = "mip"
            elif options.early_root is not None and patients in options.early_root:
                kind = "early-root"
            elif options.root_cuts is not None and patients in options.root_cuts:
                kind = "root"
            leave_out = [built.rule_rows[rule] for rule in LP_LEAVES_OUT]
            bounding = _BoundThread(built.model, options.time_limit, watcher, kind, leave_out)
        status, solver, interrupted, full = _search(built, options, watcher, on_tick)
        if bounding is not None:
            bounding.stop()
        adopted = watcher.adopted
        if adopted is not None and (
            status not in ("OPTIMAL", "FEASIBLE") or adopted.objective_value < solver.value(built.objective)
        ):
            status, solver, full = "FEASIBLE", adopted, False  # HiGHS's roster; its solver proves nothing
    has_solution = status in ("OPTIMAL", "FEASIBLE")
    objective = float(solver.value(built.objective)) if has_solution else None
    bound = None
    if objective_is_current and (has_solution or status == "UNKNOWN"):
        known = [b for b in (watcher.cp_bound, watcher.highs_bound) if b is not None]
        if full:  # the solver searched the whole week: its final bound is ours
            known.append(solver.best_objective_bound)
        bound = max(known) if known else None
    if status == "OPTIMAL" and bound is not None and objective is not None and bound < objective - 1e-6:
        status = "FEASIBLE"  # stopped by --gap: within the gap asked for, but not proven optimal
    if status == "FEASIBLE" and bound is not None and objective is not None and bound >= objective - 1e-6:
        status = "OPTIMAL"  # HiGHS's bound proves it
    sessions: list[Session] = built.extract(solver.value) if has_solution else []
    terms = {name: int(solver.value(term)) for name, term in built.terms.items()} if has_solution else {}
    unmet = _unmet(built, solver) if has_solution and relax else []
    wall = time.monotonic() - started - build_time
    roster = None
    if has_solution:
        solver_info = SolverInfo(
            status=status, objective=objective, best_bound=bound, wall_time_s=round(wall, 3)
        )
        roster = Roster.for_week(scenario, solver_info, sessions)
    return SolveResult(
        status=status,
        objective=objective,
        best_bound=bound,
        wall_time_s=wall,
        build_time_s=build_time,
        terms=terms,
        roster=roster,
        interrupted=interrupted,
        num_variables=len(proto.variables),
        num_constraints=len(proto.constraints),
        unmet=unmet,
        penalty=penalty,
    )


def phased_parameters(options: SolveOptions) -> tuple[dict[str, object], dict[str, object]]:
    """(the whole week's CP-SAT parameters, the first phase's) for a week solved in phases.

    Tuned solves add ``PHASED_PRESOLVE`` and ``PHASED_SEARCH`` to both and the first
    phase's portfolio to the first; the user's ``--cpsat-param`` still wins over either.
    """
    params = parameters(options)
    if not options.tuned:
        return params, params
    workers = options.resolved_workers()
    params = {**params, **PHASED_PRESOLVE, **PHASED_SEARCH.get(workers, {}), **options.parameters}
    portfolio = FIRST_PHASE_PORTFOLIOS.get(workers, {})
    return params, {**params, **portfolio, **options.parameters}


RESTRICTED_SHARE = 0.5
"""Of the time limit, the most the first phase on home blocks alone takes with one worker
(restriction.py; ``ONE_FAMILY_SHARE`` where it keeps clinicians to one family per block as
well). With several it ends at its first roster and ``_one_family_next`` follows."""
ONE_FAMILY_SHARE = 0.8
"""Of the time limit, the most the first phase takes when it keeps clinicians to one family
per block as well (restriction.py; counted from the solve's start in ``_one_family_next``):
on L the whole-week search gained little after it; with half the time, 2,173 / 2,197 /
2,185 against 2,159 / 2,195 / 2,181 (seed 0)."""
BRIEF_SHARE = 0.1
"""Of the time limit, the most the brief first phase (``BRIEF_PHASE``) takes: its load-first
step (load balance minimised on the restricted week, each roster reported at the week's
objective; at most ``BRIEF_LOAD_FIRST_SHARE``), then the restricted week's own objective."""
BRIEF_LOAD_FIRST_SHARE = 0.05
"""Of the time limit, the most the brief phase's load-first step takes: half the phase, so
that the phase keeps time for the week's objective where the step is slow to prove load
balance's optimum. The step proves it in 0.9-1.3 s on the tuned M weeks, where this cap
changes nothing; on M-120p-s8 (seed 8) it had not proven it in 12 s (122 at 1.3 s against a
bound of 119), and with the step allowed the phase's whole tenth, its rosters (load balance
alone minimised, 1,095-1,113 at the week's objective) stood until 6 s and HiGHS's one
roster (924) was reached later than HiGHS reached it (benchmarks/JOURNAL.md, "The brief
phase's load-first step at half the phase")."""
RESTRICTED_STALL = 0.1
"""Of the time limit without a better roster, which ends the first phase early."""


def _search(
    built: RosterModel,
    options: SolveOptions,
    watcher: _Watcher,
    on_tick: Callable[[Progress], None] | None,
) -> tuple[str, cp_model.CpSolver, bool, bool]:
    """(status, solver, interrupted, whether that solver searched the whole week).

    A strict solve searches the week on home blocks first (below ``ONE_FAMILY_BELOW``
    patients starting with load balance alone, ``_load_first``), then the whole week
    from the first phase's best roster.

    With two or more workers, from ``ONE_FAMILY_BELOW`` patients the first phase on home
    blocks alone runs until it has a roster, however long that takes (that is the first
    roster of an XL week, by local search first: ``_first_roster``), and the week with
    one family per block as well follows
    (``_one_family_next``); below, the phase keeps to one family per block from the start
    and ends at its share of the time, or when it stalls, with a roster or without (that
    narrower week may have none). With one worker the phase is home blocks alone or one
    family per block by the same size rule, and ends on CP-SAT's deterministic clock, so
    the solve stays reproducible. Weeks of ``BRIEF_PHASE`` patients on several workers
    get the same phase for ``BRIEF_SHARE`` of the time only (below ``QUICK_BRIEF_BELOW``,
    ``QUICK_BRIEF_SHARE`` on the week's objective alone, and the whole week's search runs
    on the week's own parameters, not hinted with its roster, which is returned if that
    search ends worse); with one worker, none.
    """
    patients = len(built.sc.patients)
    several = options.resolved_workers() > 1
    brief = several and options.brief_phase is not None and patients in options.brief_phase
    large = brief or (options.restrict_from is not None and patients >= options.restrict_from)
    one_family = patients < ONE_FAMILY_BELOW
    restricted = restricted_model(built, one_family) if large else None
    quick = brief and patients < QUICK_BRIEF_BELOW
    if brief:
        share = QUICK_BRIEF_SHARE if quick else BRIEF_SHARE
    else:
        share = ONE_FAMILY_SHARE if one_family else RESTRICTED_SHARE
    if restricted is None:
        return (*_run(built.model, options, watcher, on_tick, params=parameters(options, patients)), True)
    params, first = phased_parameters(options)
    enough = None
    settle_first = _load_first_terms(built) if one_family and not quick else []  # measured on L; worse on XL
    if not several:
        first = _scaled(first, share)
    else:
        started = time.monotonic()
        seconds = options.time_limit * share

        def enough() -> bool:
            spent = time.monotonic() - started
            if watcher.objective is None:
                return one_family and spent >= seconds
            return spent >= seconds or watcher.stalled(options.time_limit * RESTRICTED_STALL)

    watcher.restricted = True
    # Every search of the phase, each taken off the whole week's limit once. (The load-first
    # step was taken off twice where it took the brief phase's whole share, and a 60 s solve
    # of M-120p-s7 ended at 54.4 s; local search before the first roster's portfolio, never.)
    spent: list[cp_model.CpSolver] = []
    try:
        status, solver, interrupted = "UNKNOWN", None, False
        # One worker: each step gets its share of CP-SAT's deterministic clock (``first`` holds
        # the phase's share). Several: the phase's clock, and the step stops itself.
        one_step = _scaled(first, LOAD_FIRST_SHARE / share) if enough is None else None
        step_share = BRIEF_LOAD_FIRST_SHARE if brief else LOAD_FIRST_SHARE  # several workers' cap
        for name, term in settle_first:
            if interrupted or (solver is not None and status not in ("OPTIMAL", "FEASIBLE")):
                break
            step = first if one_step is None else one_step
            status, solver, interrupted = _load_first(
                built, restricted, name, term, options, watcher, on_tick, enough, step, step_share
            )
            spent.append(solver)
            first = _after(first, solver)
        settled = status in ("OPTIMAL", "FEASIBLE") and not interrupted and _time_left(first) >= 1.0
        settled = settled and not (enough is not None and enough())  # the step took the phase's time
        step_roster = solver if settled else None  # the load-first step's, to fall back on
        if solver is None or settled:  # no load-first step, or it left a roster and time
            narrow_next = not one_family and enough is not None  # home blocks alone, several workers
            if narrow_next:
                status, solver, interrupted, tried = _first_roster(
                    restricted, options, watcher, on_tick, first
                )
                spent.extend(tried)
            else:
                status, solver, interrupted = _run(restricted, options, watcher, on_tick, enough, first)
                spent.append(solver)
            if narrow_next and status in ("OPTIMAL", "FEASIBLE") and not interrupted:
                first = _after(first, *tried)
                status, solver, interrupted, searched = _one_family_next(
                    built, restricted, options, watcher, on_tick, solver, first, started
                )
                spent.append(searched)
    finally:
        watcher.restricted = False
        watcher.searching.set()  # the LP bound may start: the first phase no longer needs both cores
    if quick:  # the whole week searched as without the phase, with its own parameters
        params = parameters(options, patients)
    rest = _after(params, *spent)
    if step_roster is not None and status not in ("OPTIMAL", "FEASIBLE"):
        # The phase stopped (its share, or a stall counted from the step's roster) before
        # its own presolve and search gave a roster: the step's is one, and the best start.
        status, solver = "FEASIBLE", step_roster
    found = status in ("OPTIMAL", "FEASIBLE")
    best = solver.value(built.objective) if found else "no roster"
    log.info("first phase on home blocks: %s, %s", status, best)
    over = interrupted or _time_left(rest) < 1.0 or watcher.stalled(options.stall)
    if over or (found and watcher.closed(options.gap)):
        return ("FEASIBLE" if found else "UNKNOWN"), solver, interrupted, False
    if found and not quick:
        hint_all(built.model, solver)  # the copy's variables are the model's, index for index
    status2, solver2, interrupted2 = _run(built.model, options, watcher, on_tick, params=rest)
    # The whole week's search ran out of time before a roster, or (unhinted) before a better one.
    behind = (
        found and status2 == "FEASIBLE" and solver2.value(built.objective) > solver.value(built.objective)
    )
    if found and (status2 == "UNKNOWN" or behind):
        return "FEASIBLE", solver, interrupted2, False
    return status2, solver2, interrupted2, True


FIRST_ROSTER_SEARCH: dict[str, object] = {"use_ls_only": True, "cp_model_probing_level": 0}
"""Over the first phase's parameters, where it stops at its first roster (``_first_roster``):
both workers on CP-SAT's local search, which that step can afford since it improves
nothing. On the three XL weeks, four seeds each, the home blocks' first roster came
after 4.8-7.5 s instead of 6.0-10.3 s (presolve included); on tight and 2,000-patient
weeks as well (benchmarks/JOURNAL.md, "A first roster by local search alone"). Without
presolve's probing, which local search does not need for a feasible roster, sooner again
in 20 runs of 24 (JOURNAL, "XL's first roster without presolve's probing")."""
FIRST_ROSTER_SHARE = 0.1
"""Of the time limit, the most local search alone may take before the first phase's own
portfolio, which can also prove that a week has no roster, searches instead."""
FIRST_ROSTER_FLOOR = 20.0
"""Seconds local search alone may take however short the time limit (up to half of it):
presolve and search take 5-7 s on the XL weeks of a fast machine, so a tenth of 60 s cut
some off for the portfolio to start over (JOURNAL, "A floor under local search's share")."""


def _first_roster(
    model: cp_model.CpModel,
    options: SolveOptions,
    watcher: _Watcher,
    on_tick: Callable[[Progress], None] | None,
    params: dict[str, object],
) -> tuple[str, cp_model.CpSolver, bool, list[cp_model.CpSolver]]:
    """The first roster of a week of ``ONE_FAMILY_BELOW`` patients or more, on home blocks.

    Local search alone (``FIRST_ROSTER_SEARCH``) for up to ``FIRST_ROSTER_SHARE`` of the
    time but no less than ``FIRST_ROSTER_FLOOR`` seconds (or half the time); if it finds
    nothing, ``params``' portfolio for the rest of the phase. Either stops at its first
    roster. The user's ``--cpsat-param`` wins over both. Returns (status, solver,
    interrupted, every search made: their time is off the caller's limits too).
    """
    first = {**params, "stop_after_first_solution": True}
    limit = options.time_limit
    seconds = max(limit * FIRST_ROSTER_SHARE, min(FIRST_ROSTER_FLOOR, limit / 2))
    quick = _capped({**first, **FIRST_ROSTER_SEARCH, **options.parameters}, seconds)
    status, solver, interrupted = _run(model, options, watcher, on_tick, params=quick)
    if status != "UNKNOWN" or interrupted or watcher.stalled(options.stall):
        return status, solver, interrupted, [solver]
    log.info("no roster by local search alone in %.0f s: the first phase's portfolio follows", seconds)
    status, portfolio, interrupted = _run(model, options, watcher, on_tick, params=_after(first, solver))
    return status, portfolio, interrupted, [solver, portfolio]


def _one_family_next(
    built: RosterModel,
    home_model: cp_model.CpModel,
    options: SolveOptions,
    watcher: _Watcher,
    on_tick: Callable[[Progress], None] | None,
    home: cp_model.CpSolver,
    params: dict[str, object],
    started: float,
) -> tuple[str, cp_model.CpSolver, bool, cp_model.CpSolver]:
    """After home blocks alone gave a first roster: the week with one family per block as well.

    Why: on XL weeks clinicians kept to one family per block (``one_family_per_block``)
    end with lower rosters, but that narrower week's own first roster comes after 14-37 s
    of search, past the 30 s a first one is due. So home blocks alone give the first
    roster (``home``) and this search follows, up to ``ONE_FAMILY_SHARE`` of the time
    from ``started``, from nothing: that roster as a hint breaks the rule in about half the
    clinician-blocks and slowed it down (benchmarks/JOURNAL.md, "One family per block after
    the first roster"). Its stall is counted from its own first roster, which is often no
    better than ``home``'s. On the three XL weeks, two seeds, 300 s: rosters 23,009 and
    23,105 in sum against 23,312 and 23,321, gaps 2.4-4.3 % against 3.9-5.8 %.

    ``home_model``: the first phase's copy (home blocks), which this search narrows further.
    Returns (status, the better of the two, interrupted, this search's solver, whose time
    the whole week's limit loses as well).
    """
    narrow = home_model.clone()
    one_family_per_block(built, narrow)
    count = watcher.solutions
    limit = options.time_limit * ONE_FAMILY_SHARE
    stall = options.time_limit * RESTRICTED_STALL
    own: list[float] = []  # when this search found its first roster

    def enough() -> bool:
        now = time.monotonic()
        if now - started >= limit:
            return True
        if watcher.solutions == count:
            return False
        if not own:
            own.append(now)
        return now - own[0] > stall and watcher.stalled(stall)

    status, solver, interrupted = _run(narrow, options, watcher, on_tick, enough, params)
    searched = solver
    if status not in ("OPTIMAL", "FEASIBLE") or solver.objective_value > home.objective_value:
        status, solver = "FEASIBLE", home
    return status, solver, interrupted, searched


LOAD_FIRST_SHARE = 0.1
"""Of the time limit, what the first phase spends on load balance (S4) alone before the
week's objective (``_load_first``); 0 turns that step off. Only where the phase keeps
clinicians to one family per block (below ``ONE_FAMILY_BELOW`` patients): on L weeks
better on 9 runs of 12 (seeds 0-3), 0.46 % in sum; on XL weeks (300 s, seed 0) worse,
7,628 / 7,592 against 7,595 / 7,567, with a first roster at 32 s of search on one."""


FIRST_TERMS: tuple[str, ...] = ("load_balance",)
"""The terms the load-first step settles, in turn, each for ``LOAD_FIRST_SHARE`` of the time.
Continuity after load balance (``benchmarks/experiments/load_first.py --terms
load_balance,continuity``) was no better on L: 6,493 and 6,529 against 6,520 and 6,484
(seeds 0, 1; sums over the three weeks)."""


def _load_first_terms(built: RosterModel) -> list[tuple[str, cp_model.LinearExprT]]:
    """The weighted, non-constant terms of ``FIRST_TERMS``, by name (none: no load-first step)."""
    if LOAD_FIRST_SHARE <= 0:
        return []
    return [
        (name, built.terms[name])
        for name in FIRST_TERMS
        if built.weights.get(name) and not isinstance(built.terms.get(name, 0), int)
    ]


def _load_first(
    built: RosterModel,
    restricted: cp_model.CpModel,
    name: str,
    term: cp_model.LinearExprT,
    options: SolveOptions,
    watcher: _Watcher,
    on_tick: Callable[[Progress], None] | None,
    enough: Callable[[], bool] | None,
    params: dict[str, object],
    share: float,
) -> tuple[str, cp_model.CpSolver, bool]:
    """On the restricted week, minimise one term (load balance) alone; then hold it at the best value found.

    Why: the term is each role's busiest clinician's load (a min-max), which a search of
    the whole objective lowers only when every clinician at the peak gets lighter at
    once; on L weeks 60 s rosters carried 167-214 where the term alone reaches 152. A few
    seconds on the term alone reach 163-177 (L-400p-s1), and the first phase then
    searches the week's objective with the load held at most there, starting from that
    roster. Like the home blocks it is a restriction of the first phase only: every
    roster it finds is a roster of the week (reported at its value of the week's
    objective), and the whole week is searched afterwards without it. On several workers
    the step takes at most ``share`` of the time limit once it has a roster.
    """
    restricted.minimize(term)
    watcher.objective_of = built.objective
    stop = None  # one worker: ``params`` holds the step's share of CP-SAT's deterministic clock
    if enough is not None:
        begun, until = time.monotonic(), enough

        def stop() -> bool:  # the step's share once it has a roster; else when the phase would end
            if watcher.objective is None:
                return until()
            return time.monotonic() - begun >= options.time_limit * share

    try:
        status, solver, interrupted = _run(restricted, options, watcher, on_tick, stop, params)
    finally:
        watcher.objective_of = None
        watcher.restart_stall_clock()  # the step searched another objective: no stall of this one
        restricted.minimize(built.objective)
    if status in ("OPTIMAL", "FEASIBLE"):
        cap = round(solver.objective_value)
        log.info("first phase: %s alone %d, held there", name, cap)
        restricted.add(term <= cap)
        hint_all(restricted, solver)
    return status, solver, interrupted


_CLOCKS = (("max_time_in_seconds", "wall_time"), ("max_deterministic_time", "deterministic_time"))
"""CP-SAT's two time limits, each with the solver's measure of time spent on that clock."""


def _scaled(params: dict[str, object], share: float) -> dict[str, object]:
    """``params`` with each time limit cut to ``share`` of itself (a phase of a solve)."""
    limits = {k: float(params[k]) * share for k, _ in _CLOCKS if k in params}  # type: ignore[arg-type]
    return {**params, **limits}


def _capped(params: dict[str, object], seconds: float) -> dict[str, object]:
    """``params`` with each time limit at most ``seconds`` (a step that may not take the phase's all).

    A clock left unlimited stays so: the benchmark sets CP-SAT's deterministic limit to
    infinity so that the wall clock alone decides, and capping it at wall seconds ended
    two-worker steps early, since that clock outruns the wall there (benchmarks/JOURNAL.md,
    "A step's cap on the wall clock alone").
    """
    limits = {
        k: min(float(params[k]), seconds)  # type: ignore[arg-type]
        for k, _ in _CLOCKS
        if k in params and not math.isinf(float(params[k]))  # type: ignore[arg-type]
    }
    return {**params, **limits}


def _after(params: dict[str, object], *solvers: cp_model.CpSolver, floor: float = 0.0) -> dict[str, object]:
    """``params`` with the time ``solvers`` spent taken off each time limit (the next phase's)."""
    limits = {
        k: max(floor, float(params[k]) - sum(getattr(s, used) for s in solvers))  # type: ignore[arg-type]
        for k, used in _CLOCKS
        if k in params
    }
    return {**params, **limits}


def _time_left(params: dict[str, object]) -> float:
    """The tighter of the time limits in ``params``."""
    return min(float(params[k]) for k, _ in _CLOCKS if k in params)  # type: ignore[arg-type]


def _unmet(built: RosterModel, solver: cp_model.CpSolver) -> list[Need]:
    """Requirements the best-effort solution does not meet, with what it schedules."""
    result = []
    for guard in built.guards:
        req = guard.requirement
        value = int(solver.value(guard.expr))
        if not req.low <= value <= req.high:
            rule, person, what = built.describe(req)
            result.append(Need(rule, person, what, req.low, req.high, value))
    return result


@dataclass(frozen=True)
class Placement:
    """One way to fit a new patient into a published roster."""

    roster: Roster
    changes: int  # the stability term (S6): moves of everyone already rostered
    objective: float
    status: str


def placements(
    scenario: Scenario, current: Roster, patient: str, top: int, options: SolveOptions | None = None
) -> list[Placement]:
    """Up to ``top`` different placements of ``patient`` (already in ``scenario``), least disturbing first.

    First with everyone else frozen where ``current`` has them: these placements move
    nobody and are quick to find. If there are fewer than ``top``, then with everyone
    free, ``current`` as the previous week for S6 and S6's weight raised so far that
    fewer moves always win; the rest of the objective breaks ties. After each answer
    a no-good cut (the newcomer's seats and appointment times may not all repeat)
    asks for a different one.
    """
    options = options or SolveOptions()
    weights = {**options.weights, "stability": 1000}
    p = next(i for i, x in enumerate(scenario.patients) if x.id == patient)
    found: list[Placement] = []
    seen: list[set[tuple[str, object]]] = []
    for frozen in (True, False):
        built = RosterModel(Instance(scenario, current), weights)
        built.hint_roster(current)
        if frozen:
            built.freeze_others(current, p)
        own = {("attend", k): v for k, v in built.attend.items() if k[0] == p}
        own |= {("appt", k): v for k, v in built.appt.items() if k[0] == p}
        own |= {("pooled", k): v for k, v in built.pooled.items() if k[0] == p}
        for keys in seen:
            built.model.add(sum(own[k] for k in keys if k in own) <= len(keys) - 1)
        while len(found) < top:
            status, solver, interrupted = _run(built.model, options, _Watcher(None), None)
            if status not in ("OPTIMAL", "FEASIBLE"):
                break
            objective = float(solver.value(built.objective))
            info = SolverInfo(
                status=status,
                objective=objective,
                best_bound=solver.best_objective_bound,
                wall_time_s=round(solver.wall_time, 3),
            )
            roster = Roster.for_week(scenario, info, built.extract(solver.value))
            found.append(Placement(roster, int(solver.value(built.terms["stability"])), objective, status))
            chosen = {key for key, var in own.items() if solver.value(var)}
            seen.append(chosen)
            if interrupted or not chosen:
                return found
            built.model.add(sum(own[k] for k in chosen) <= len(chosen) - 1)
    return found
