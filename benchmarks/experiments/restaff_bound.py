"""Experiment: how much of a roster's gap its attendance already fixes.

Solve a week as ``iop-roster solve`` does, then solve it again with every patient's
group attendance held at that roster's (sessions, leaders, rooms and appointments free,
the roster as the hint). The second solve's bound is the best any re-staffing of that
attendance can reach: when it sits far above the week's bound, the gap is in who
attends what, and no search over staffing alone can close it.

Run: .venv/bin/python benchmarks/experiments/restaff_bound.py L-400p-s1 --first 50 --second 10
"""

from __future__ import annotations

import argparse

from ortools.sat.python import cp_model

from optimizer.bench.suites import week_named
from optimizer.instance import Instance
from optimizer.model import RosterModel
from optimizer.solve import TUNED_PORTFOLIOS, SolveOptions, configure, solve


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("week", help="a week of benchmarks/suites.yaml, e.g. L-400p-s1")
    parser.add_argument("--first", type=float, default=50.0, help="seconds of the usual solve")
    parser.add_argument("--second", type=float, default=10.0, help="seconds with the attendance held")
    args = parser.parse_args()
    week = week_named(args.week)
    scenario = week.scenario()
    result = solve(scenario, SolveOptions(time_limit=args.first, workers=2))
    if result.roster is None:
        raise SystemExit(f"{week.name}: no roster in {args.first:g} s")
    print(f"{week.name}: {result.objective:g}, bound {result.best_bound:g}, {result.terms}", flush=True)
    built = RosterModel(Instance(scenario))
    on = built.roster_values(result.roster)
    built.hint_roster(result.roster)
    for var in built.attend.values():
        built.model.add(var == int(var in on))
    solver = cp_model.CpSolver()
    configure(solver, {"max_time_in_seconds": args.second, "num_workers": 2, **TUNED_PORTFOLIOS[2]})
    status = solver.status_name(solver.solve(built.model))
    terms = {name: int(solver.value(term)) for name, term in built.terms.items()}
    value, bound = solver.objective_value, solver.best_objective_bound
    print(f"attendance held: {status} {value:g}, bound {bound:g}, {terms}")


if __name__ == "__main__":
    main()
