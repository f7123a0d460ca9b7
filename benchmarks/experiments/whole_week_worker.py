"""Experiment: the full worker of an L week's last phase, the whole week from the first phase's roster.

In a log of L-400p-s1 (60 s, seed 0) the whole week's search after the one-family phase
(its last 12 s) found nothing better than its hint: its full worker, ``max_lp_sym``,
spent the 12 s on one LP it did not finish (CP-SAT's own root LP does not finish on
these weeks; HiGHS's root gives the bound), and ``rins/rens``, which needs that LP, never
ran. The first phases' full worker is ``quick_restart_no_lp``, which found most of their
better rosters. Arms are CP-SAT parameters over the whole week's (``base``: as shipped;
``NAME=VALUE[+NAME=VALUE...]``). So that the arms start from the same roster and run
alike, each week is solved once through ``solve`` as shipped, its whole-week search's
model (with the first phase's roster as hint) and parameters kept; then, with the solve
over and HiGHS's thread gone, each arm searches that model for the same time. Printed
per arm: the hint's objective (the first roster, ``complete_hint``), the end, when the
last better roster came.

Run: cd benchmarks/experiments && ../../.venv/bin/python whole_week_worker.py L \
         --arms base,subsolvers=quick_restart_no_lp
"""

from __future__ import annotations

import time

from common import RosterTrace
from ortools.sat.python import cp_model
from presolve import arm_parameters, selected_weeks, week_parser

from optimizer import solve as solving
from optimizer.bench.suites import BenchWeek
from optimizer.solve import SolveOptions, configure


def whole_week(week: BenchWeek, arms: list[str], seconds: float, seed: int) -> None:
    """Solve ``week`` as shipped, then search its whole-week model again per arm."""
    kept: dict[str, object] = {}
    shipped_search, shipped_run = solving._search, solving._run

    def search(built, options, watcher, on_tick):  # noqa: ANN001, ANN202
        kept["built"] = built
        return shipped_search(built, options, watcher, on_tick)

    def run(model, options, watcher, on_tick, enough=None, params=None):  # noqa: ANN001, ANN202
        if "built" in kept and model is kept["built"].model:
            kept["params"] = dict(params)
        return shipped_run(model, options, watcher, on_tick, enough, params)

    solving._search, solving._run = search, run
    try:
        result = solving.solve(week.scenario(), SolveOptions(time_limit=seconds, workers=2, seed=seed))
    finally:
        solving._search, solving._run = shipped_search, shipped_run
    if "params" not in kept:
        print(f"| {week.name} | — | no whole-week search (solve ended {result.objective}) | | | |")
        return
    params = kept["params"]
    model = kept["built"].model
    for arm in arms:
        solver = cp_model.CpSolver()
        configure(solver, {**params, **arm_parameters(arm)})
        found: list[tuple[float, float]] = []
        solver.solve(model, RosterTrace(time.monotonic(), found))
        start = found[0][1] if found else None
        last = found[-1] if found else (None, None)
        print(
            f"| {week.name} | {arm} | {params['max_time_in_seconds']:.1f} | {start} | {last[1]} | "
            f"{last[0] if last[0] is None else round(last[0], 1)} | {result.objective} |",
            flush=True,
        )


def main() -> None:
    args = week_parser(__doc__.splitlines()[0], "base,subsolvers=quick_restart_no_lp", 60.0).parse_args()
    print("| week | arm | phase (s) | hint | end | last better at (s) | solve's own end |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for week in selected_weeks(args):
        whole_week(week, args.arms.split(","), args.seconds, args.seed)


if __name__ == "__main__":
    main()
