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
from optimizer.solve import Progress, SolveOptions, solve


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("weeks", nargs="+", help="weeks of benchmarks/suites.yaml, e.g. riverbend")
    parser.add_argument("--seeds", default="0,1", help="CP-SAT seeds (comma-separated)")
    parser.add_argument("--seconds", type=float, default=60.0, help="each solve's time limit")
    parser.add_argument("--arms", default="light,full", help="the arms in the order to run them")
    args = parser.parse_args()
    weeks = weeks_by_name()
    shipped = solve_module.LP_LEAVES_OUT
    for name in args.weeks:
        scenario = weeks[name].scenario()
        for seed in (int(s) for s in args.seeds.split(",")):
            for label in args.arms.split(","):
                rules = shipped if label == "light" else ()
                solve_module.LP_LEAVES_OUT = rules
                started = time.monotonic()
                bounds: list[tuple[float, float]] = []  # (seconds, bound) at each rise
                half: list[float] = []  # rosters in the first half, before the LP may start

                def note(
                    progress: Progress, bounds: list[tuple[float, float]] = bounds, half: list[float] = half
                ) -> None:
                    if progress.bound is not None and (not bounds or progress.bound > bounds[-1][1]):
                        bounds.append((progress.elapsed, progress.bound))
                    if progress.objective is not None and progress.elapsed <= args.seconds / 2:
                        half.append(progress.objective)

                options = SolveOptions(time_limit=args.seconds, workers=2, seed=seed)
                result = solve(scenario, options, on_progress=note)
                last = f"{bounds[-1][1]:.0f} at {bounds[-1][0]:.1f} s" if bounds else "none"
                took = time.monotonic() - started
                print(
                    f"{name} seed {seed} {label}: {result.status} {result.objective}"
                    f" (at half time {min(half, default=None)}), bound"
                    f" {result.best_bound} (last rise {last} of the search; {took:.1f} s)",
                    flush=True,
                )
    solve_module.LP_LEAVES_OUT = shipped


if __name__ == "__main__":
    main()
