"""Experiment: the shipped solve with the LP bound's rows left out (``LP_LEAVES_OUT``) or all kept.

The lighter LP is a relaxation of the full one, so its bound can only be lower; what
it changes is when the bound comes and how long HiGHS shares the two cores with
CP-SAT. Arms alternate within each seed so that a machine growing slower or faster
during the run weighs on both alike.

Run: .venv/bin/python benchmarks/experiments/lp_leave_out.py riverbend --seeds 0,1,2,3 --seconds 60
"""

from __future__ import annotations

import argparse
import time

from common import weeks_by_name

from optimizer import solve as solve_module
from optimizer.solve import SolveOptions, solve


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("weeks", nargs="+", help="weeks of benchmarks/suites.yaml, e.g. riverbend")
    parser.add_argument("--seeds", default="0,1", help="CP-SAT seeds (comma-separated)")
    parser.add_argument("--seconds", type=float, default=60.0, help="each solve's time limit")
    args = parser.parse_args()
    weeks = weeks_by_name()
    shipped = solve_module.LP_LEAVES_OUT
    for name in args.weeks:
        scenario = weeks[name].scenario()
        for seed in (int(s) for s in args.seeds.split(",")):
            for label, rules in (("light", shipped), ("full", ())):
                solve_module.LP_LEAVES_OUT = rules
                started = time.monotonic()
                result = solve(scenario, SolveOptions(time_limit=args.seconds, workers=2, seed=seed))
                print(
                    f"{name} seed {seed} {label}: {result.status} {result.objective}"
                    f" bound {result.best_bound} ({time.monotonic() - started:.1f} s)",
                    flush=True,
                )
    solve_module.LP_LEAVES_OUT = shipped


if __name__ == "__main__":
    main()
