"""What the experiments share: the benchmark's weeks by name, CP-SAT as the tuned solve runs it, a trace.

One place for both, so that each experiment's CP-SAT arm searches exactly as the shipped
two-worker portfolio does (``TUNED_PORTFOLIOS``) and names weeks as benchmarks/suites.yaml
does.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable, Sequence

from ortools.sat.python import cp_model

from optimizer.bench.suites import BenchWeek, load_suites, select
from optimizer.bench.timeline import Event, time_to_proof
from optimizer.model import RosterModel
from optimizer.scenario import Scenario
from optimizer.solve import TUNED_PORTFOLIOS, Progress, SolveOptions, SolveResult, configure, solve

HIGHS_PEER = {
    "M-120p-s1": (874, 3.85),
    "M-120p-s2": (1009, 4.32),
    "M-120p-s3": (1013, 5.67),
    "riverbend": (514, 2.34),
}
"""Week -> (objective, seconds) of the HiGHS peer's one roster in session-26's full run
(benchmarks/results/session-26/all), which the M experiments time ours against."""


def weeks_by_name(week_seeds: list[int] | None = None) -> dict[str, BenchWeek]:
    """Every week of every family of benchmarks/suites.yaml, by name (e.g. ``M-120p-s1``);
    with ``week_seeds``, the families' weeks of those seeds instead (as ``bench --week-seeds``)."""
    return {w.name: w for w in select(load_suites(week_seeds=week_seeds), ["all"])}


def week_seeds(text: str | None) -> list[int] | None:
    """``--week-seeds 4,5`` as ``load_suites`` takes it; None (the suites file's own weeks) without it."""
    return [int(s) for s in text.split(",")] if text else None


def add_week_seeds_option(parser: argparse.ArgumentParser) -> None:
    """``--week-seeds 4,5``: the families' weeks of those seeds, not the suites file's (``week_seeds``)."""
    parser.add_argument("--week-seeds", default=None, help="weeks of these seeds, as bench --week-seeds: 4,5")


def add_highs_option(parser: argparse.ArgumentParser) -> None:
    """``--highs NAME=VALUE``, repeatable: HiGHS options over an experiment's own (``highs_options``)."""
    parser.add_argument("--highs", action="append", default=[], metavar="NAME=VALUE", help="a HiGHS option")


def highs_options(texts: list[str]) -> dict[str, str]:
    """``--highs``'s values by name, as text: HiGHS's setOptionValue parses text for options of any type."""
    return dict(text.partition("=")[::2] for text in texts)


def named(weeks: list[BenchWeek], only: str | None) -> list[BenchWeek]:
    """The weeks whose names ``only`` lists (comma-separated), or all of them without it."""
    if only is None:
        return weeks
    names = set(only.split(","))
    return [week for week in weeks if week.name in names]


def tuned_solver(seed: int, seconds: float) -> cp_model.CpSolver:
    """CP-SAT on two workers and the tuned portfolio, stopping after ``seconds`` of wall clock."""
    solver = cp_model.CpSolver()
    configure(
        solver, {"num_workers": 2, "random_seed": seed, **TUNED_PORTFOLIOS[2], "max_time_in_seconds": seconds}
    )
    return solver


def searched(
    model: cp_model.CpModel,
    seed: int,
    seconds: float,
    callback: cp_model.CpSolverSolutionCallback | None = None,
) -> tuple[cp_model.CpSolver, str, float | None]:
    """``model`` searched by ``tuned_solver``: the solver, its status name, and the objective
    found (None without a roster)."""
    solver = tuned_solver(seed, seconds)
    status = solver.status_name(solver.solve(model, callback))
    return solver, status, solver.objective_value if status in ("OPTIMAL", "FEASIBLE") else None


def minimise_holding_others(built: RosterModel, term: str, rest: int) -> None:
    """Make ``built`` minimise ``term`` alone, the weighted sum of its other terms at most ``rest``:
    what one term costs when the others keep a value already reached."""
    built.model.add(built.objective - built.weights[term] * built.terms[term] <= rest)
    built.model.minimize(built.terms[term])


class RosterTrace(cp_model.CpSolverSolutionCallback):
    """Appends (seconds since ``started``, objective) to ``points`` for each roster CP-SAT finds."""

    def __init__(self, started: float, points: list[tuple[float, float]]) -> None:
        super().__init__()
        self.started, self.points = started, points

    def on_solution_callback(self) -> None:
        self.points.append((time.monotonic() - self.started, self.objective_value))


def progress_recorder(events: list[tuple[float, float]]) -> Callable[[Progress], None]:
    """A ``solve`` progress callback appending (seconds since now, objective) at each better roster."""
    started = time.monotonic()

    def seen(p: Progress) -> None:
        if p.objective is not None and (not events or p.objective < events[-1][1]):
            events.append((time.monotonic() - started, p.objective))

    return seen


def objective_cells(events: list[tuple[float, float]], checkpoints: Sequence[float]) -> str:
    """Table cells: the best objective of ``events`` (``progress_recorder``'s) by each
    checkpoint, "—" before any."""
    at = [min((o for t, o in events if t <= c), default=None) for c in checkpoints]
    return " | ".join("—" if v is None else f"{v:,.0f}" for v in at)


def reached_at(events: list[tuple[float, float]], target: float) -> float | None:
    """When ``events`` (``progress_recorder``'s) first had a roster at or below ``target``; None if never."""
    return next((t for t, o in events if o <= target), None)


def solved_with_times(
    scenario: Scenario, seconds: float, seed: int
) -> tuple[SolveResult, float | None, float | None]:
    """``solve`` on two workers for ``seconds``: the result, when its roster was first found, and
    when it was proven (``timeline.time_to_proof``, as the benchmark times it; None if never)."""
    events: list[Progress] = []
    options = SolveOptions(time_limit=seconds, workers=2, seed=seed)
    result = solve(scenario, options, on_progress=events.append)
    proven = time_to_proof([Event(p.elapsed, p.objective, p.bound) for p in events])
    found = next((p.elapsed for p in events if p.objective == result.objective), None)
    return result, found, proven


def final_cell(result: SolveResult) -> str:
    """A table cell: the solve's roster, and when it was proven optimal if it was."""
    final = "—" if result.objective is None else f"{result.objective:,.0f}"
    if result.status == "OPTIMAL":
        final += f", proven at {result.wall_time_s:.1f} s"
    return final


def rounds_parser(doc: str, arms: str) -> argparse.ArgumentParser:
    """The command line of experiments that search rounds of neighbourhoods after a first
    search: the weeks, ``--first``, ``--seconds``, ``--round``, ``--arms``, ``--seed``."""
    parser = argparse.ArgumentParser(description=doc)
    parser.add_argument("weeks", nargs="+", help="benchmark weeks, e.g. L-400p-s1")
    parser.add_argument("--first", type=float, default=30.0, help="seconds of the search before the rounds")
    parser.add_argument("--seconds", type=float, default=60.0, help="seconds in all")
    parser.add_argument("--round", type=float, default=5.0, help="most seconds per neighbourhood")
    parser.add_argument("--arms", default=arms)
    parser.add_argument("--seed", type=int, default=0)
    return parser
