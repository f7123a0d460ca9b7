"""Experiment: does the bound learn anything from each objective term's own minimum?

For each term with a weight, a short solve of that term alone gives a proven lower bound
(its "floor"); ``term >= floor`` is then valid for every roster. Two questions:

- ``cpsat``: with the floors added, does CP-SAT's bound on the week's objective rise
  within the time limit (S weeks, where the gap is all bound)?
- ``lp``: where does the LP relaxation (HiGHS, the same rows ``solve``'s bound thread
  uses) put each term? A term already at its floor there gains nothing from it.

Run: .venv/bin/python benchmarks/experiments/term_floors.py S-30p-s2 S-30p-s3 --arms none,floors
     .venv/bin/python benchmarks/experiments/term_floors.py L-400p-s1 --arms lp
"""

from __future__ import annotations

import argparse
import math
import time

import highspy
import numpy as np
from ortools.sat.python import cp_model

from optimizer.bench.suites import week_named
from optimizer.instance import Instance
from optimizer.model import RosterModel
from optimizer.relaxation import linearize
from optimizer.solve import TUNED_PORTFOLIOS, configure


def floors(
    instance: Instance, built: RosterModel, params: dict[str, object], seconds: float
) -> dict[str, int]:
    """Each weighted term's proven lower bound from a solve of it alone."""
    found = {}
    for name, weight in built.weights.items():
        if not weight or isinstance(built.terms.get(name, 0), int):
            continue
        alone = RosterModel(instance, weights={k: int(k == name) for k in built.weights})
        solver = cp_model.CpSolver()
        configure(solver, {**params, "max_time_in_seconds": seconds})
        solver.solve(alone.model)
        found[name] = math.ceil(solver.best_objective_bound - 1e-6)
    return found


def lp_terms(built: RosterModel) -> tuple[float, dict[str, float]]:
    """The LP relaxation's optimum and each term's value in its solution."""
    probes = {}
    for name, term in built.terms.items():
        probe = built.model.new_int_var(0, 10**7, f"probe[{name}]")
        built.model.add(probe == term)
        probes[name] = probe.index
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("solver", "ipm")
    h.passModel(linearize(built.model).highs_lp())
    h.run()
    x = np.array(h.getSolution().col_value)
    return h.getInfo().objective_function_value, {name: round(float(x[i]), 2) for name, i in probes.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("weeks", nargs="+", help="weeks of benchmarks/suites.yaml, e.g. S-30p-s2")
    parser.add_argument("--arms", default="none,floors", help="comma-separated none, floors, lp")
    parser.add_argument("--alone", type=float, default=3.0, help="seconds for each term alone")
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    params = {"num_workers": 2, "random_seed": args.seed, **TUNED_PORTFOLIOS[2]}
    for name in args.weeks:
        instance = Instance(week_named(name).scenario())
        for arm in args.arms.split(","):
            built = RosterModel(instance)
            if arm == "lp":
                value, terms = lp_terms(built)
                print(f"{name} LP relaxation {value:.2f}: {terms}", flush=True)
                continue
            started = time.monotonic()
            added = floors(instance, built, params, args.alone) if arm == "floors" else {}
            for term, floor in added.items():
                built.model.add(built.terms[term] >= floor)
            solver = cp_model.CpSolver()
            configure(solver, {**params, "max_time_in_seconds": args.seconds - (time.monotonic() - started)})
            solver.solve(built.model)
            print(
                f"{name} {arm}: {solver.objective_value:g}, bound {solver.best_objective_bound:g} {added}",
                flush=True,
            )


if __name__ == "__main__":
    main()
