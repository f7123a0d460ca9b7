"""Experiment: the rosters of M weeks' early root (HiGHS's feasibility jump), adopted or as CP-SAT's hint.

On EARLY_ROOT weeks (80-199 patients) the bound thread runs HiGHS's root from the start.
Even without heuristics, HiGHS runs its feasibility jump before the root's LP, and on
M-120p-s1 that gives a roster of 914 at 0.7 s, where CP-SAT's first is about 1,420 and its
search passes 914 at about 4 s. Arms, each a solve through ``solve``:

- ``base``: as shipped: the root's rosters thrown away;
- ``adopt``: each roster the root finds checked by CP-SAT and adopted (``_on_solution``, as
  the small weeks' MIP's are);
- ``hint:W``: ``adopt``, and the search waits up to W seconds for the root's first roster,
  then starts from it as its hint.

Each row also times the solve to the objective of the benchmark's HiGHS peer's one roster
of that week (session-26's full run, ``benchmarks/results/session-26/S-M-L``) and divides by
that peer's time: the ratio the README's table reports against HiGHS's final gap.

Run: cd benchmarks/experiments && ../../.venv/bin/python root_rosters.py --arms base,adopt,hint:3 --seconds 60
"""

from __future__ import annotations

import argparse
import time
from typing import Any

from common import HIGHS_PEER, named, objective_cells, progress_recorder, reached_at

from optimizer import relaxation
from optimizer import solve as solving
from optimizer.bench.suites import load_suites
from optimizer.solve import SolveOptions, hint_all, parse_parameter, solve

CHECKPOINTS = (1, 2, 4, 6, 10, 20, 30, 60)

shipped_mip = relaxation.BoundSolver._mip
shipped_init = solving._BoundThread.__init__
shipped_search = solving._search
threads: list[solving._BoundThread] = []


def _recording_init(self: solving._BoundThread, *args: Any, **kwargs: Any) -> None:
    threads.append(self)
    shipped_init(self, *args, **kwargs)


def _mip_with_rosters(
    self: Any, r: Any, limit: float, on_bound: Any, on_solution: Any, *rest: Any, **kw: Any
) -> bool:
    """HiGHS's MIP as shipped, the root's rosters handed to the bound thread's ``_on_solution``."""
    if on_solution is None and threads:
        on_solution = threads[-1]._on_solution
    return shipped_mip(self, r, limit, on_bound, on_solution, *rest)


def _arm(name: str, wait: float) -> None:
    """Patch ``solve`` for one arm (see the module docstring)."""
    relaxation.BoundSolver._mip = shipped_mip
    solving._BoundThread.__init__ = shipped_init
    solving._search = shipped_search
    if name == "base":
        return
    solving._BoundThread.__init__ = _recording_init
    relaxation.BoundSolver._mip = _mip_with_rosters
    if name == "hint":

        def search(built: Any, options: Any, watcher: Any, on_tick: Any) -> Any:
            started = time.monotonic()
            while watcher.adopted is None and time.monotonic() - started < wait:
                time.sleep(0.01)
            if watcher.adopted is not None:
                hint_all(built.model, watcher.adopted)
            return shipped_search(built, options, watcher, on_tick)

        solving._search = search


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--arms", default="base,adopt,hint:3")
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--weeks", help="comma-separated weeks of the M family (default: all)")
    parser.add_argument("--cpsat-param", action="append", default=[], help="NAME=VALUE, every arm")
    args = parser.parse_args()
    params = dict(parse_parameter(text) for text in args.cpsat_param)
    heads = " | ".join(f"at {c} s" for c in CHECKPOINTS if c <= args.seconds)
    print(f"| week | arm | first roster (s) | to HiGHS's roster (s, ratio) | {heads} | final / bound |")
    for week in named(load_suites()["M"], args.weeks):
        scenario = week.scenario()
        for arm in args.arms.split(","):
            name, _, wait = arm.partition(":")
            _arm(name, float(wait or 0))
            events: list[tuple[float, float]] = []
            options = SolveOptions(time_limit=args.seconds, workers=2, seed=args.seed, parameters=params)
            result = solve(scenario, options, progress_recorder(events))
            target, peer = HIGHS_PEER[week.name]
            reach = reached_at(events, target)
            to_peer = "—" if reach is None else f"{reach:.2f} ({reach / peer:.2f})"
            marks = [c for c in CHECKPOINTS if c <= args.seconds]
            cells = objective_cells(events, marks)
            first = f"{events[0][0]:.2f} ({events[0][1]:,.0f})" if events else "—"
            print(f"| {week.name} | {arm} | {first} | {to_peer} | {cells} | {result.objective:,.0f} / "
                  f"{result.best_bound:,.0f} |", flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
