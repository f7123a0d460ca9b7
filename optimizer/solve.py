"""Running CP-SAT on a built model: parameters, progress callbacks, stopping, results.

The solve runs in a worker thread so that the main thread stays free to take Ctrl-C:
an interrupt (or the time limit) stops the search and the best roster found so far
is still returned. No-solution cases are values (status INFEASIBLE/UNKNOWN), not errors.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from .instance import Instance
from .model import RosterModel
from .roster import Roster, Session, SolverInfo
from .scenario import Scenario

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SolveOptions:
    """What the user controls about a solve; nothing here is hard-coded elsewhere."""

    time_limit: float = 60.0
    workers: int = 0  # 0: one per core, up to 8
    seed: int = 0
    log_search: bool = False
    weights: dict[str, int] = field(default_factory=dict)
    parameters: dict[str, object] = field(default_factory=dict)  # extra CP-SAT parameters

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

    @property
    def gap(self) -> float | None:
        """(objective - bound) / max(1, |objective|), the one gap formula used everywhere."""
        if self.objective is None or self.best_bound is None:
            return None
        return max(0.0, self.objective - self.best_bound) / max(1.0, abs(self.objective))


class _Watcher(cp_model.CpSolverSolutionCallback):
    """Counts solutions and reports objective and bound as they improve."""

    def __init__(self, report: Callable[[Progress], None] | None) -> None:
        super().__init__()
        self.report = report
        self.started = time.monotonic()
        self.solutions = 0
        self.objective: float | None = None
        self.bound: float | None = None
        self.lock = threading.Lock()

    def on_solution_callback(self) -> None:
        with self.lock:
            self.solutions += 1
            self.objective = self.objective_value
            self.bound = self.best_objective_bound
        self.emit()

    def on_bound(self, bound: float) -> None:
        with self.lock:
            self.bound = bound
        self.emit()

    def snapshot(self) -> Progress:
        with self.lock:
            return Progress(time.monotonic() - self.started, self.objective, self.bound, self.solutions)

    def emit(self) -> None:
        if self.report is not None:
            self.report(self.snapshot())


def parameters(options: SolveOptions) -> dict[str, object]:
    """The CP-SAT parameters a solve uses.

    With one worker the time limit is counted in CP-SAT's deterministic time (about a
    second of work per unit), so two runs with the same seed stop at the same point and
    give identical rosters; a wall-clock cap of three times the limit still applies.
    """
    workers = options.resolved_workers()
    params: dict[str, object] = {
        "max_time_in_seconds": float(options.time_limit),
        "num_workers": workers,
        "random_seed": options.seed,
        "log_search_progress": options.log_search,
        "catch_sigint_signal": False,  # we handle Ctrl-C ourselves and keep the incumbent
    }
    if workers == 1:
        params["max_deterministic_time"] = float(options.time_limit)
        params["max_time_in_seconds"] = 3.0 * options.time_limit + 10.0
    params.update(options.parameters)
    return params


def solve(
    scenario: Scenario,
    options: SolveOptions | None = None,
    on_progress: Callable[[Progress], None] | None = None,
    on_tick: Callable[[Progress], None] | None = None,
) -> SolveResult:
    """Build the model of ``scenario``, solve it and return the result with its sessions.

    ``on_progress`` is called on each new solution or bound; ``on_tick`` about four
    times a second from the calling thread (for live displays).
    """
    options = options or SolveOptions()
    started = time.monotonic()
    built = RosterModel(Instance(scenario), options.weights)
    build_time = time.monotonic() - started
    proto = built.model.proto
    log.info(
        "model built in %.2fs: %d variables, %d constraints",
        build_time,
        len(proto.variables),
        len(proto.constraints),
    )
    solver = cp_model.CpSolver()
    for name, value in parameters(options).items():
        setattr(solver.parameters, name, value)
    watcher = _Watcher(on_progress)
    solver.best_bound_callback = watcher.on_bound
    outcome: dict[str, object] = {}
    done = threading.Event()

    def run() -> None:
        try:
            outcome["status"] = solver.solve(built.model, watcher)
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
        except KeyboardInterrupt:
            interrupted = True
            log.warning("interrupted: stopping the search and keeping the best roster found")
            solver.stop_search()
    worker.join()
    if "error" in outcome:
        raise RuntimeError("CP-SAT failed") from outcome["error"]  # type: ignore[arg-type]
    status = solver.status_name(outcome["status"])  # type: ignore[arg-type]
    has_solution = status in ("OPTIMAL", "FEASIBLE")
    objective = solver.objective_value if has_solution else None
    bound = solver.best_objective_bound if has_solution or status == "UNKNOWN" else None
    if status == "MODEL_INVALID":
        raise RuntimeError(f"CP-SAT rejected the model: {built.model.validate()}")
    sessions: list[Session] = built.extract(solver.value) if has_solution else []
    terms = {name: int(solver.value(term)) for name, term in built.terms.items()} if has_solution else {}
    wall = solver.wall_time
    roster = None
    if has_solution:
        roster = Roster(
            scenario=scenario.program.name,
            week_of=scenario.program.week_of.isoformat(),
            solver=SolverInfo(
                status=status, objective=objective, best_bound=bound, wall_time_s=round(wall, 3)
            ),
            sessions=tuple(sorted(sessions, key=Session.sort_key)),
        )
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
    )
