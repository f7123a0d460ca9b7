"""Experiment: one CP-SAT setting for part of the time, then another from its best roster.

``--phases tuned,lns`` (the default): at M size the bound of the tuned portfolio
(``max_lp_sym``) settles within about 30 s while the roster keeps improving, so the
question is whether the rest of the time is better spent on CP-SAT's neighbourhood
search alone (``use_lns_only``). ``--phases default,tuned``: in the benchmark's gap
plots CP-SAT's default two-worker portfolio (the ``cpsat-ref`` peer) improves faster than
the tuned one over the first ten seconds on M weeks, so the question is whether starting
with it gives the tuned portfolio a better roster to work from. The second phase starts
from the first's best roster (every variable hinted) with the proven bound kept as a
constraint. Each week is solved both ways with the same seed, so the pairs compare; both
run without the HiGHS thread of ``solve``.

Run: .venv/bin/python benchmarks/experiments/two_phase.py M --weeks 2 --seconds 60 --split 30
     .venv/bin/python benchmarks/experiments/two_phase.py M --weeks 4 --split 10 --phases default,tuned
"""

from __future__ import annotations

import argparse
import math

from ortools.sat.python import cp_model

from optimizer.bench.suites import load_suites
from optimizer.instance import Instance
from optimizer.model import RosterModel
from optimizer.solve import TUNED_PORTFOLIOS, configure, hint_all


def _solve(
    built: RosterModel, seconds: float, seed: int, extra: dict[str, object]
) -> tuple[cp_model.CpSolver, str]:
    solver = cp_model.CpSolver()
    configure(solver, {"max_time_in_seconds": seconds, "num_workers": 2, "random_seed": seed, **extra})
    status = solver.solve(built.model)
    return solver, solver.status_name(status)


SETTINGS: dict[str, dict[str, object]] = {
    "tuned": dict(TUNED_PORTFOLIOS[2]),
    "default": {},  # CP-SAT's own choice for two workers
    "lns": {"use_lns_only": True},
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("family", help="a family of benchmarks/suites.yaml")
    parser.add_argument("--weeks", type=int, default=2, help="first N weeks of the family")
    parser.add_argument("--seconds", type=float, default=60.0, help="total time per solve")
    parser.add_argument("--split", type=float, default=30.0, help="seconds of the first phase")
    parser.add_argument("--seeds", default="0,1")
    parser.add_argument("--phases", default="tuned,lns", help="two of: " + ", ".join(SETTINGS))
    args = parser.parse_args()
    tuned = dict(TUNED_PORTFOLIOS[2])
    one, two = (SETTINGS[name] for name in args.phases.split(","))
    for week in load_suites()[args.family][: args.weeks]:
        scenario = week.scenario()
        for seed in (int(s) for s in args.seeds.split(",")):
            single, _ = _solve(RosterModel(Instance(scenario)), args.seconds, seed, tuned)
            built = RosterModel(Instance(scenario))
            first, status = _solve(built, args.split, seed, one)
            if status != "FEASIBLE":  # nothing to start from, or already proven
                print(f"{week.name} seed {seed}: {status} after the first phase")
                continue
            bound = first.best_objective_bound
            hint_all(built.model, first)
            built.model.add(built.objective >= math.ceil(bound - 1e-6))  # proven: keeps the bound
            second, _ = _solve(built, args.seconds - args.split, seed, two)
            print(
                f"{week.name} seed {seed}: one phase {single.objective_value:g} (bound "
                f"{single.best_objective_bound:g}); two phases {second.objective_value:g} (bound {bound:g}; "
                f"{first.objective_value:g} after the first)",
                flush=True,
            )


if __name__ == "__main__":
    main()
