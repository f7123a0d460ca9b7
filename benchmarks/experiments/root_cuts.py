"""Experiment: HiGHS's root cuts, not the LP alone, as the bound thread of M and L weeks.

HiGHS alone on the linearized model, its root node only (``partial_integrality.py --root``):
L-400p-s1's bound rose from the LP's 2,072.7 to 2,083 in 60 s with the interior point at
the root (``mip_lp_solver=ipm``), 2,087 in 300 s; M-120p-s1's to 717 against CP-SAT's 715
after 900 s. Arms, each a solve through ``solve``:

- ``lp``: the bound thread's LP alone, without the rows of ``LP_LEAVES_OUT``, once the
  search has its first roster or the first phase has ended (as shipped before root cuts);
- ``root``: the same start and rows, HiGHS's root node with its cuts in place of the LP,
  each rise of its bound reported as it comes (``BoundSolver.root_bound``; what ships for
  ``ROOT_CUTS`` patient counts, here at any size);
- ``root-all``: the root with every row;
- ``root-now``: the root with every row, started with the solve;
- ``root-early``: the root on the LP's rows, started with the solve.
- ``root-now-stall``: ``root-now``, stopped once its (rounded) bound has not risen for
  ``ROOT_STALL_S`` seconds, giving its core back to the search (what ships for
  ``EARLY_ROOT`` patient counts, here at any size); ``root-now-stall:S`` with a stall of S
  seconds.
- ``root-stall:S``: ``root`` (the shipped root of ``ROOT_CUTS`` weeks: the LP's rows, after
  the first phase), stopped once its rounded bound has not risen for S seconds;
- ``root-for:S``: ``root``, stopped S seconds after it starts. Both give its core back to
  the search for the rest of the minute (L's root otherwise runs to the end of it).

Run: cd benchmarks/experiments && ../../.venv/bin/python root_cuts.py L --arms lp,root,root-all,root-now
A week outside the suites: ``root_cuts.py --scenario FILE --arms lp,root`` (e.g. one written by
``iop-roster generate --patients 800 --seed 7 -o /tmp/w800.yaml``).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

from presolve import arms_main, row_heads, solve_row

from optimizer import solve as solving
from optimizer.bench.suites import BenchWeek
from optimizer.relaxation import Relaxation
from optimizer.scenario import load_scenario
from optimizer.solve import SolveOptions

shipped_run = solving._BoundThread._run
shipped_root_bound = solving.BoundSolver.root_bound
shipped_stall = solving.ROOT_STALL_S
EVERY_SIZE = range(solving.MIP_BELOW, 10**6)


def search(week: BenchWeek, arms: list[str], seconds: float, seed: int) -> None:
    """One row per arm (see the module docstring)."""
    scenario = week.scenario()
    for arm in arms:
        solving._BoundThread._run = shipped_run
        solving.BoundSolver.root_bound = shipped_root_bound
        if arm.startswith(("root-stall:", "root-for:")):
            seconds_given = float(arm.partition(":")[2])
            by_stall = arm.startswith("root-stall:")

            def root_bound(
                self: solving.BoundSolver,
                relaxation: Relaxation,
                time_limit: float,
                on_bound: Callable[[float], None],
                stall: float | None = None,
                given: float = seconds_given,
                by_stall: bool = by_stall,
            ) -> None:
                if by_stall:
                    return shipped_root_bound(self, relaxation, time_limit, on_bound, stall or given)
                return shipped_root_bound(self, relaxation, min(time_limit, given), on_bound, stall)

            solving.BoundSolver.root_bound = root_bound
        if arm in ("root-all", "root-now", "root-early"):
            every_row, now = arm != "root-early", arm != "root-all"

            def run(self: solving._BoundThread, every_row: bool = every_row, now: bool = now) -> None:
                if self.kind == "root":
                    if every_row:
                        self.leave_out = ()
                    if now:  # nothing else waits on it: the thread starts at once
                        self.watcher.searching.set()
                shipped_run(self)

            solving._BoundThread._run = run
        stalling = arm.startswith("root-now-stall")
        solving.ROOT_STALL_S = float(arm.partition(":")[2] or shipped_stall) if stalling else shipped_stall
        cuts = None if arm == "lp" or stalling else EVERY_SIZE
        early = EVERY_SIZE if stalling else None
        options = SolveOptions(time_limit=seconds, workers=2, seed=seed, root_cuts=cuts, early_root=early)
        solve_row(week, scenario, arm, options)


def one_file() -> None:
    """The command line for one scenario file instead of the suites' families."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", type=Path, required=True)
    parser.add_argument("--arms", default="lp,root")
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    scenario = load_scenario(args.scenario)
    week = SimpleNamespace(name=args.scenario.stem, scenario=lambda: scenario)
    print(row_heads(args.seconds))
    search(week, args.arms.split(","), args.seconds, args.seed)  # type: ignore[arg-type]


if __name__ == "__main__":
    if "--scenario" in sys.argv:
        one_file()
    else:
        arms_main(__doc__.splitlines()[0], "lp,root,root-all,root-now", 60.0, search)
