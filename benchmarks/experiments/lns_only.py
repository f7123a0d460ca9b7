"""Experiment: neighbourhood search alone on both threads once a large week has a roster.

On XL weeks (1,500 patients) every neighbourhood call CP-SAT made improved the roster (the
log of a 60 s solve of XL-1500p-s1: 7 calls of 7 in the whole week's search, each about
1.7 s of wall time for 0.1 of deterministic time), and they run on one thread of two: the
other runs the full worker (``quick_restart_no_lp`` in the first phase, ``max_lp_sym`` for
the whole week), which found one roster of ten in the first phase and none after. Arms,
each a solve through ``solve`` with ``_run`` wrapped:

- ``base``: as shipped;
- ``week``: the whole week's search with ``use_lns_only`` (both threads on neighbourhoods);
- ``both``: the first phase too, stopped at its first roster and restarted from it with
  ``use_lns_only`` (one more presolve of the restricted model).

Printed: the first roster's time (model build included), the objective at 30, 60, 120 and
300 s of wall time, the end.

Run: .venv/bin/python benchmarks/experiments/lns_only.py XL --seconds 300 --arms both,week
"""

from __future__ import annotations

from collections.abc import Callable

from ortools.sat.python import cp_model
from presolve import arms_main, solve_row  # the experiment beside this one

from optimizer import solve as solving
from optimizer.bench.suites import BenchWeek

FOUND = ("OPTIMAL", "FEASIBLE")


Outcome = tuple[str, cp_model.CpSolver, bool]


def wrapped_run(arm: str, real: Callable[..., Outcome]) -> Callable[..., Outcome]:
    """``solve``'s ``_run`` with the arm's change to the searches it makes."""

    def run(
        model: cp_model.CpModel,
        options: solving.SolveOptions,
        watcher: solving._Watcher,
        on_tick: Callable[[solving.Progress], None] | None,
        enough: Callable[[], bool] | None = None,
        params: dict[str, object] | None = None,
    ) -> Outcome:
        params = params or solving.parameters(options)
        if not watcher.restricted:
            if arm in ("week", "both"):
                params = {**params, "use_lns_only": True}
            return real(model, options, watcher, on_tick, enough, params)
        if arm != "both" or enough is None:
            return real(model, options, watcher, on_tick, enough, params)
        status, solver, interrupted = real(
            model, options, watcher, on_tick, lambda: watcher.objective is not None or enough(), params
        )
        if interrupted or status not in FOUND or enough():
            return status, solver, interrupted
        solving.hint_all(model, solver)
        rest = {**solving._after(params, solver), "use_lns_only": True}
        status2, solver2, interrupted2 = real(model, options, watcher, on_tick, enough, rest)
        if status2 not in FOUND:
            return status, solver, interrupted2
        return status2, solver2, interrupted2

    return run


def search(week: BenchWeek, arms: list[str], seconds: float, seed: int) -> None:
    """Print, per arm, the first roster's time, the objective at each checkpoint, the end."""
    scenario = week.scenario()
    real = solving._run
    for arm in arms:
        solving._run = wrapped_run(arm, real)  # type: ignore[assignment]
        try:
            solve_row(week, scenario, arm, solving.SolveOptions(time_limit=seconds, workers=2, seed=seed))
        finally:
            solving._run = real


if __name__ == "__main__":
    arms_main(__doc__, "base,week,both", 300.0, search)
