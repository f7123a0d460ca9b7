"""Experiment: neighbourhoods from the LP relaxation's solution (RINS) after the first phase.

CP-SAT's own relaxation-induced neighbourhoods (RINS, RENS) need its LP solution, and on
L and XL weeks its dual simplex does not finish the root LP in a minute
(relaxation.py), so those neighbourhoods have nothing to work from. HiGHS's interior
point solves the same relaxation in seconds. The question: do rounds of small solves,
each fixing the decision variables on which the LP solution and the best roster agree
(the classic RINS neighbourhood, Danna, Rothberg and Le Pape 2005), improve a roster
faster than CP-SAT's search of the whole week from the same first phase?

Arms, after the same first phase (restriction.py) of ``--first`` seconds:
- ``cpsat``: CP-SAT on the whole week for the rest of the time (what ``solve`` does);
- ``rins``: rounds until the time is spent; each fixes every decision variable where
  the roster and the LP agree (within 0.1), plus a random share of the others, adapted
  to what solves within ``--round`` seconds.
The LP is solved once per week before the arms and its time is printed, not counted
(in ``solve`` it already runs beside the search, for the bound).

Run: .venv/bin/python benchmarks/experiments/lp_rins.py L-400p-s1 --first 30 --seconds 60
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from common import rounds_parser
from load_steps import solve_lp
from own_lns import decision_owners, first_phase, fixed_copy, solve_once

from optimizer.bench.suites import load_suites, select
from optimizer.instance import Instance
from optimizer.model import RosterModel
from optimizer.restriction import ONE_FAMILY_BELOW
from optimizer.solve import (
    PHASED_PRESOLVE,
    TUNED_PORTFOLIOS,
    hint_all,
)


def rins(
    built: RosterModel,
    values: list[int],
    best: float,
    lp: np.ndarray,
    deadline: float,
    args: argparse.Namespace,
) -> tuple[float, int, int]:
    """Rounds until ``deadline``: (best objective, rounds, rounds that improved)."""
    rng = random.Random(args.seed)
    decisions = sorted(decision_owners(built)[0])
    extra = 0.5  # share of the disagreeing variables fixed as well; adapted per round
    rounds = better = 0
    while time.monotonic() < deadline - 0.5:
        rounds += 1
        agree = [i for i in decisions if abs(lp[i] - values[i]) < 0.1]
        others = [i for i in decisions if abs(lp[i] - values[i]) >= 0.1]
        fixed = agree + rng.sample(others, int(extra * len(others)))
        left = min(args.round, deadline - time.monotonic())
        params = {
            "num_workers": args.sub_workers,
            "max_time_in_seconds": left,
            "random_seed": args.seed + rounds,
        }
        solver, status = solve_once(fixed_copy(built.model, values, fixed), params)
        improved = status in ("OPTIMAL", "FEASIBLE") and solver.objective_value < best - 1e-6
        if improved:
            best, values = solver.objective_value, list(solver.response_proto.solution)
            better += 1
        print(
            f"  round {rounds}: {len(agree)} agree, {len(others)} differ, {extra:.2f} of those fixed, "
            f"{status} {solver.wall_time:.1f}s, best {best:g}",
            flush=True,
        )
        if status == "OPTIMAL" and solver.wall_time < args.round / 2:
            extra = max(0.0, extra - 0.1)
        elif status != "OPTIMAL":
            extra = min(0.95, extra + 0.1)
    return best, rounds, better


def main() -> None:
    parser = rounds_parser(__doc__.splitlines()[0], "cpsat,rins")
    parser.add_argument("--sub-workers", type=int, default=2, help="CP-SAT workers per neighbourhood")
    args = parser.parse_args()
    weeks = {w.name: w for w in select(load_suites(), ["all"])}
    for name in args.weeks:
        scenario = weeks[name].scenario()
        patients = len(scenario.patients)
        lp_value, lp, lp_seconds = solve_lp(RosterModel(Instance(scenario)).model, solver="ipm")
        print(f"{name}: LP {lp_value:.1f} in {lp_seconds:.1f}s (not counted)", flush=True)
        for arm in args.arms.split(","):
            started = time.monotonic()
            base = {"num_workers": 2, "random_seed": args.seed, **TUNED_PORTFOLIOS[2], **PHASED_PRESOLVE}
            built, first, status = first_phase(scenario, args.first, base, patients < ONE_FAMILY_BELOW)
            if status not in ("OPTIMAL", "FEASIBLE"):
                print(f"{name} {arm}: {status} after the first phase", flush=True)
                continue
            deadline = started + args.seconds
            if arm == "cpsat":
                hint_all(built.model, first)
                rest = {**base, "max_time_in_seconds": deadline - time.monotonic()}
                solver, _ = solve_once(built.model, rest)
                end = solver.objective_value
                print(f"{name} cpsat: {first.objective_value:g} after the first phase, {end:g} at the end")
                continue
            size = len(built.model.proto.variables)  # the restricted copy adds variables of its own
            values = list(first.response_proto.solution)[:size]
            best, rounds, better = rins(built, values, first.objective_value, lp, deadline, args)
            print(
                f"{name} rins: {first.objective_value:g} after the first phase, {best:g} at the end "
                f"({rounds} neighbourhoods, {better} better)",
                flush=True,
            )


if __name__ == "__main__":
    main()
