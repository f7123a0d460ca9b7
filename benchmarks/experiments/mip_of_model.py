"""Experiment: our own CP-SAT model, linearized (relaxation.py) and solved by HiGHS's MIP.

The benchmark's ``highs`` peer solves a textbook MIP written from the SPEC; this asks a
different question: what do a MIP solver's cuts and branching prove on *our*
formulation, where CP-SAT's bound stops? It prints the LP relaxation, HiGHS's bound and
incumbent after the time limit, and CP-SAT's bound for the same seconds.

Run: .venv/bin/python benchmarks/experiments/mip_of_model.py S --weeks 1 --seconds 90

Measured 2026-12-01 (2 cores, Intel Xeon) on S-30p-s1, 90 s each: LP relaxation 188
(187.02 rounded up), HiGHS bound 201 with roster 208, CP-SAT bound 201 with roster 213.
CP-SAT's best roster of this week in the benchmark is 203, so its optimum lies in
201–203 and neither solver proves it in 90 s.

Measured again 2026-12-03 (same kind of machine), with seats linked to their sessions
(strengthen.seat_needs_session), ``S --weeks 4 --seconds 30``: HiGHS proved S-30p-s1
optimal (203) and lighthouse-small (146); bounds 192 and 203 on S-30p-s2 / s3 against
CP-SAT's 192 and 202. At 60 s on the M weeks HiGHS's root bounds were 717 / 695 / 716,
above CP-SAT's. This is what ``MIP_BELOW`` in optimizer/solve.py puts to use. Alone for
ten minutes HiGHS proved S-30p-s3 optimal at 207 (272 s) and left S-30p-s2 at 192.
"""

from __future__ import annotations

import argparse
import math
import time
from collections.abc import Callable

import highspy
from ortools.sat.python import cp_model

from optimizer.bench.suites import load_suites
from optimizer.instance import Instance
from optimizer.model import RosterModel
from optimizer.relaxation import BoundSolver, linearize
from optimizer.solve import TUNED_PORTFOLIOS, configure


def _tracer(name: str, started: float) -> Callable[[highspy.cb.HighsCallbackEvent], None]:
    """Prints the MIP's dual bound each time it rises (HiGHS logs it only when its search moves on)."""
    last = [-math.inf]

    def trace(event: highspy.cb.HighsCallbackEvent) -> None:
        bound = event.data_out.mip_dual_bound
        if math.isfinite(bound) and bound > last[0]:
            last[0] = bound
            print(f"  {name} {time.monotonic() - started:5.2f} s: bound {bound:.3f}", flush=True)

    return trace


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("family", help="a family of benchmarks/suites.yaml")
    parser.add_argument("--weeks", type=int, default=1, help="first N weeks of the family")
    parser.add_argument("--seconds", type=float, default=90.0, help="time limit of each solver")
    parser.add_argument(
        "--trace", action="store_true", help="print HiGHS's bound as it rises (interrupt checks)"
    )
    args = parser.parse_args()
    for week in load_suites()[args.family][: args.weeks]:
        built = RosterModel(Instance(week.scenario()))
        relaxation = linearize(built.model)
        lp = BoundSolver().lower_bound(relaxation, args.seconds)
        mip = relaxation.highs_lp()
        mip.integrality_ = [highspy.HighsVarType.kInteger] * mip.num_col_
        h = highspy.Highs()
        h.setOptionValue("output_flag", False)
        h.setOptionValue("time_limit", args.seconds)
        h.setOptionValue("mip_rel_gap", 0.0)
        h.passModel(mip)
        if args.trace:
            h.cbMipInterrupt.subscribe(_tracer(week.name, time.monotonic()))
        h.run()
        info = h.getInfo()
        solver = cp_model.CpSolver()
        configure(solver, {"max_time_in_seconds": args.seconds, "num_workers": 2, **TUNED_PORTFOLIOS[2]})
        solver.solve(built.model)
        print(
            f"{week.name}: LP {lp}; HiGHS bound {info.mip_dual_bound:.1f}, roster "
            f"{info.objective_function_value:.0f}; CP-SAT bound {solver.best_objective_bound:.0f}, "
            f"roster {solver.objective_value:.0f}"
        )


if __name__ == "__main__":
    main()
