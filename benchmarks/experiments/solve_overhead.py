"""Experiment: does ``solve`` itself cost CP-SAT's search anything?

``solve`` watches the search through a solution callback and a bound callback, and runs
HiGHS on the LP relaxation in a thread beside it. Each arm solves one week for the same
time and seed: ``raw`` (CP-SAT alone on the tuned portfolio, no callback), ``cb`` (the
same with a solution callback that only counts) and ``solve`` (everything ``iop-roster
solve`` does). If the wrapper cost the search, ``solve`` would lose to ``raw`` run after run.

Run: .venv/bin/python benchmarks/experiments/solve_overhead.py M-120p-s1 --seeds 0,1,2
"""

from __future__ import annotations

import argparse

from ortools.sat.python import cp_model

from optimizer.bench.suites import week_named
from optimizer.instance import Instance
from optimizer.model import RosterModel
from optimizer.solve import TUNED_PORTFOLIOS, SolveOptions, configure, solve


class _Count(cp_model.CpSolverSolutionCallback):
    """Counts solutions and does nothing else."""

    def __init__(self) -> None:
        super().__init__()
        self.solutions = 0

    def on_solution_callback(self) -> None:
        self.solutions += 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("week", help="a week of benchmarks/suites.yaml, e.g. M-120p-s1")
    parser.add_argument("--arms", default="raw,cb,solve", help="comma-separated raw, cb, solve")
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--seeds", default="0,1,2")
    args = parser.parse_args()
    week = week_named(args.week)
    scenario = week.scenario()
    for seed in (int(s) for s in args.seeds.split(",")):
        for arm in args.arms.split(","):
            if arm == "solve":
                result = solve(scenario, SolveOptions(time_limit=args.seconds, workers=2, seed=seed))
                value, bound = result.objective, result.best_bound
            else:
                built = RosterModel(Instance(scenario))
                solver = cp_model.CpSolver()
                params = {"max_time_in_seconds": args.seconds, "num_workers": 2, "random_seed": seed}
                configure(solver, {**params, **TUNED_PORTFOLIOS[2]})
                solver.solve(built.model, _Count() if arm == "cb" else None)
                value, bound = solver.objective_value, solver.best_objective_bound
            print(f"{week.name} seed {seed} {arm}: {value:g}, bound {bound:g}", flush=True)


if __name__ == "__main__":
    main()
