"""Experiment: on weeks without a first phase (M), cap load balance (S4) at its minimum alone.

On M-120p-s1 the good 60 s rosters (723-726) carry load balance 133, the term's minimum
alone, and the poor ones (746-749) 143: the min-max term moves only when every clinician
at a role's peak gets lighter at once. Arm ``cap`` first minimises the term alone for
``--first`` seconds, then searches the week's objective with the term held at most at
that value for the rest of the minute; arm ``none`` searches the week's objective the
whole time. Both run CP-SAT alone on the tuned portfolio (no HiGHS thread), same seed.

Run: .venv/bin/python benchmarks/experiments/load_cap.py M --weeks 3 --seeds 1,2
"""

from __future__ import annotations

import argparse
import time

from ortools.sat.python import cp_model

from optimizer.bench.suites import load_suites
from optimizer.instance import Instance
from optimizer.model import RosterModel
from optimizer.solve import TUNED_PORTFOLIOS, configure


def _solve(model: cp_model.CpModel, params: dict[str, object]) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    configure(solver, params)
    solver.solve(model)
    return solver


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("family", help="a family of benchmarks/suites.yaml")
    parser.add_argument("--weeks", type=int, default=None, help="only the first N weeks of the family")
    parser.add_argument("--seeds", default="0")
    parser.add_argument("--first", type=float, default=5.0, help="seconds on load balance alone")
    parser.add_argument("--seconds", type=float, default=60.0)
    args = parser.parse_args()
    for seed in (int(s) for s in args.seeds.split(",")):
        for week in load_suites()[args.family][: args.weeks]:
            instance = Instance(week.scenario())
            for arm in ("cap", "none"):
                started = time.monotonic()
                base = {"num_workers": 2, "random_seed": seed, **TUNED_PORTFOLIOS[2]}
                built = RosterModel(instance)
                note = ""
                if arm == "cap":
                    only_load = {k: int(k == "load_balance") for k in built.weights}
                    alone = RosterModel(instance, weights=only_load)
                    first = _solve(alone.model, {**base, "max_time_in_seconds": args.first})
                    cap = round(first.objective_value)
                    built.model.add(built.terms["load_balance"] <= cap)
                    note = f" (load alone {cap})"
                left = args.seconds - (time.monotonic() - started)
                solver = _solve(built.model, {**base, "max_time_in_seconds": left})
                terms = {k: int(solver.value(v)) for k, v in built.terms.items()}
                print(
                    f"{week.name} {arm} seed {seed}: {solver.objective_value:g}{note}, "
                    f"bound {solver.best_objective_bound:g} {terms}",
                    flush=True,
                )


if __name__ == "__main__":
    main()
