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
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from common import weeks_by_name

from optimizer.check import check_roster
from optimizer.instance import Instance
from optimizer.model import RosterModel
from optimizer.relaxation import BoundSolver, linearize
from optimizer.roster import Roster, SolverInfo
from optimizer.solve import _checked


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("week", help="a benchmark week, e.g. M-120p-s3")
    parser.add_argument("--below", type=float, required=True, help="a roster's objective to look below")
    parser.add_argument("--seconds", type=float, default=900.0)
    args = parser.parse_args()
    scenario = weeks_by_name()[args.week].scenario()
    built = RosterModel(Instance(scenario))
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

    BoundSolver().branch_and_bound(relaxation, args.seconds, on_bound, on_roster, args.below)
    print(f"{time.monotonic() - started:7.1f} s  ended (proven where the last bound meets the last roster)")


if __name__ == "__main__":
    main()
