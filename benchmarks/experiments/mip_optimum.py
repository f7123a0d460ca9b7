"""Experiment: a week's optimum by HiGHS's MIP alone, below a roster already known.

CP-SAT's search stayed at 727 on M-120p-s3 for fifteen minutes against the root bound
716: is 727 optimal, or the bound right? HiGHS's MIP with the row ``objective <= roster - 1``
(``BoundSolver.branch_and_bound``'s ``better_than``, as the small weeks' rounds use it)
either finds a better roster or proves none exists; the MIP ends at its time limit or at
its proof, where its bound meets its best roster (or ``--below``). Each rise of its bound and each roster
is printed; each roster is checked as ``solve`` checks HiGHS's (CP-SAT with every variable
fixed, ``solve._checked``) and then by the checker (benchmarks/JOURNAL.md, "M-120p-s3's
optimum is 725").

Run (in benchmarks/experiments):
     ../../.venv/bin/python mip_optimum.py M-120p-s3 --below 727 --seconds 900
     ../../.venv/bin/python mip_optimum.py S-30p-s15 --week-seeds 15 --below 221 --seconds 60 \\
         --highs random_seed=1

Measured 2026-12-08 (AMD EPYC, nothing else running) on the S weeks of seeds 4-15, each
below its best roster known, 60 s: proven at 0.3-1.3 s on three weeks (s4, s8, s13), at
19.7-57.5 s on seven, not in 60 s on s7; on s9 a roster of 205 below the 206 known. The
last step (bound one below the roster to the roster) took most of it. S-30p-s15 with
HiGHS's seeds 1-5: proven at 24.2-33.7 s (benchmarks/JOURNAL.md, session-42). ``--cpsat``
puts the same question to CP-SAT's tuned two-worker portfolio (the row, no HiGHS).
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from common import (
    add_highs_option,
    add_week_seeds_option,
    highs_options,
    tuned_solver,
    week_seeds,
    weeks_by_name,
)

from optimizer.check import check_roster
from optimizer.instance import Instance
from optimizer.model import RosterModel
from optimizer.relaxation import BoundSolver, linearize
from optimizer.roster import Roster, SolverInfo
from optimizer.solve import _checked


def _cpsat_below(built: RosterModel, below: float, seconds: float) -> None:
    """The same question put to CP-SAT as the shipped two-worker portfolio searches (``--cpsat``)."""
    built.model.add(built.objective <= round(below) - 1)
    solver = tuned_solver(0, seconds)
    started = time.monotonic()
    status = solver.status_name(solver.solve(built.model))
    found = f", roster {solver.objective_value:.0f}" if status in ("OPTIMAL", "FEASIBLE") else ""
    proven = status == "INFEASIBLE"
    bound = " (nothing below: proven)" if proven else f", bound {solver.best_objective_bound:.0f}"
    print(f"{time.monotonic() - started:7.1f} s  {status}{found}{bound}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("week", help="a benchmark week, e.g. M-120p-s3")
    parser.add_argument("--below", type=float, required=True, help="a roster's objective to look below")
    parser.add_argument("--seconds", type=float, default=900.0)
    add_highs_option(parser)
    parser.add_argument(
        "--cpsat", action="store_true", help="CP-SAT's tuned two-worker portfolio below the roster instead"
    )
    add_week_seeds_option(parser)
    args = parser.parse_args()
    scenario = weeks_by_name(week_seeds(args.week_seeds))[args.week].scenario()
    built = RosterModel(Instance(scenario))
    if args.cpsat:
        _cpsat_below(built, args.below, args.seconds)
        return
    relaxation = linearize(built.model)
    started = time.monotonic()

    def on_bound(bound: float) -> None:
        print(f"{time.monotonic() - started:7.1f} s  bound {bound:.0f}", flush=True)

    def on_roster(objective: float, values: np.ndarray) -> None:
        print(f"{time.monotonic() - started:7.1f} s  roster {objective:.0f}", flush=True)
        fixed = _checked(built.model, values)
        if fixed is None:
            print("           breaks a rule with every variable fixed (HiGHS's tolerances)", flush=True)
            return
        value = float(fixed.value(built.objective))
        info = SolverInfo(status="FEASIBLE", objective=value, best_bound=None, wall_time_s=0.0)
        report = check_roster(scenario, Roster.for_week(scenario, info, built.extract(fixed.value)))
        print(f"           checked: objective {value:.0f}, checker {'clean' if report.ok else 'not clean'}")

    # branch_and_bound's own MIP, with --highs's options over it
    BoundSolver()._mip(relaxation, args.seconds, on_bound, on_roster, highs_options(args.highs), args.below)
    print(f"{time.monotonic() - started:7.1f} s  ended (proven where the last bound meets the last roster)")


if __name__ == "__main__":
    main()
