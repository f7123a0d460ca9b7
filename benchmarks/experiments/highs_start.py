"""Experiment: HiGHS's MIP given the search's roster as its starting incumbent, against the row below it.

The small weeks' rounds (``_BoundThread._rounds``) tell HiGHS a roster by the row
``objective <= roster - 1``: HiGHS then has no incumbent of its own, so the heuristics
that search around one (RINS, RENS) have nothing to work from. Given the same roster as
a start (``Highs.setSolution``), HiGHS prunes at it as well and may improve on it. Per
week: a roster of CP-SAT's (the tuned two-worker search, stopped at the first roster
worth at most ``--below``), then HiGHS alone, one thread, from that roster (``start``) or
below it (``row``): when each better roster came, the bound at the end, whether proven.

Run: cd benchmarks/experiments && ../../.venv/bin/python highs_start.py S-30p-s2:197 S-30p-s2:196 \
        --arms start,row --seconds 60
"""

from __future__ import annotations

import argparse
import math
import time

import highspy
import numpy as np
from common import tuned_solver, weeks_by_name
from ortools.sat.python import cp_model

from optimizer.instance import Instance
from optimizer.model import RosterModel
from optimizer.relaxation import linearize


class _StopAt(cp_model.CpSolverSolutionCallback):
    """Stops the search at its first roster worth at most ``below``."""

    def __init__(self, below: float) -> None:
        super().__init__()
        self.below = below

    def on_solution_callback(self) -> None:
        if self.objective_value <= self.below + 1e-6:
            self.stop_search()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("targets", nargs="+", help="WEEK:T (a roster of CP-SAT's worth at most T)")
    parser.add_argument("--arms", default="start,row")
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    weeks = weeks_by_name()
    print("| week | start roster | arm | rosters found (s: objective) | bound at end | outcome |")
    print("|---|---:|---|---|---:|---|")
    for target in args.targets:
        name, _, below = target.partition(":")
        built = RosterModel(Instance(weeks[name].scenario()))
        relaxation = linearize(built.model)
        solver = tuned_solver(args.seed, 120.0)
        solver.solve(built.model, _StopAt(float(below)))
        roster = float(solver.objective_value)
        values = np.array(solver.response_proto.solution, dtype=float)
        for arm in args.arms.split(","):
            h = highspy.Highs()
            for option, value in {
                "output_flag": True,
                "log_to_console": False,
                "mip_rel_gap": 0.0,
                "threads": 1,
                "time_limit": args.seconds,
            }.items():
                h.setOptionValue(option, value)
            mip = relaxation.highs_lp()
            mip.integrality_ = [highspy.HighsVarType.kInteger] * mip.num_col_
            h.passModel(mip)
            if arm == "row":
                used = np.flatnonzero(relaxation.cost)
                cutoff = roster - 1 - relaxation.offset
                h.addRow(-highspy.kHighsInf, cutoff, len(used), used.astype(np.int32), relaxation.cost[used])
            else:
                start = highspy.HighsSolution()
                start.col_value = list(values)
                start.value_valid = True
                h.setSolution(start)
            started = time.monotonic()
            found: list[tuple[float, float]] = []

            def improving(
                event: highspy.cb.HighsCallbackEvent, found: list = found, started: float = started
            ) -> None:
                objective = round(event.data_out.objective_function_value)  # offset included
                if not found or objective < found[-1][1]:
                    found.append((time.monotonic() - started, objective))

            h.cbMipImprovingSolution.subscribe(improving)
            h.run()
            info = h.getInfo()
            bound = info.mip_dual_bound if math.isfinite(info.mip_dual_bound) else None
            status = h.getModelStatus()
            if status == highspy.HighsModelStatus.kOptimal:
                outcome = f"optimal at {time.monotonic() - started:.1f} s"
            elif status == highspy.HighsModelStatus.kInfeasible:
                outcome = f"nothing below {roster:g} at {time.monotonic() - started:.1f} s"
            else:
                outcome = "open"
            trail = ", ".join(f"{t:.1f}: {o:.0f}" for t, o in found)
            shown = "—" if bound is None else f"{bound:.1f}"
            print(f"| {name} | {roster:g} | {arm} | {trail} | {shown} | {outcome} |", flush=True)


if __name__ == "__main__":
    main()
