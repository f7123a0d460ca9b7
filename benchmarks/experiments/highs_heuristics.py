"""Experiment: how hard HiGHS's MIP looks for rosters of its own on small weeks (``mip_heuristic_effort``).

On S-30p-s2 HiGHS's own best roster stays at 198-202 while the optimum is 195, so its
tree cannot prune at 195 until the search tells it (``_BoundThread._rounds``). This asks
whether HiGHS finds the optimum itself when it spends more of its time on heuristics
(HiGHS's default effort is 0.05), and what that costs its bound. HiGHS alone, on our
model's relaxation (as the solve's MIP thread sees it), every variable integer, one
thread; per week and effort: when each better roster came, the bound at the end, and
whether it proved a roster optimal. ``--better-than B``: the MIP below B only (the row
``objective <= B - 1``), as the solve's rounds run it; "nothing below B" proves B a bound.

Run: cd benchmarks/experiments && ../../.venv/bin/python highs_heuristics.py S-30p-s2 S-30p-s3 \
        --efforts 0.05,0.3,0.8 --seconds 60
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from common import weeks_by_name

from optimizer.instance import Instance
from optimizer.model import RosterModel
from optimizer.relaxation import BoundSolver, linearize


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("weeks", nargs="+")
    parser.add_argument("--efforts", default="0.05,0.3,0.8")
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--better-than", type=float, default=None, help="the row objective <= this - 1")
    args = parser.parse_args()
    weeks = weeks_by_name()
    print("| week | effort | rosters found (s: objective) | bound at end | outcome | ended (s) |")
    print("|---|---:|---|---:|---|---:|")
    for name in args.weeks:
        relaxation = linearize(RosterModel(Instance(weeks[name].scenario())).model)
        for effort in [float(e) for e in args.efforts.split(",")]:
            started = time.monotonic()
            found: list[tuple[float, float]] = []
            bounds: list[tuple[float, float]] = []

            def on_solution(
                value: float,
                _x: np.ndarray,
                found: list = found,
                started: float = started,
            ) -> None:
                objective = round(value)  # HiGHS's objective includes the offset
                if not found or objective < found[-1][1]:
                    found.append((time.monotonic() - started, objective))

            def on_bound(bound: float, bounds: list = bounds, started: float = started) -> None:
                bounds.append((time.monotonic() - started, bound))

            BoundSolver()._mip(
                relaxation,
                args.seconds,
                on_bound,
                on_solution,
                {"mip_heuristic_effort": effort},
                args.better_than,
            )
            ended = time.monotonic() - started
            best = found[-1][1] if found else None
            bound = bounds[-1][1] if bounds else None
            if best is not None and bound is not None and bound >= best:
                outcome = "proven optimal"
            elif best is None and args.better_than is not None and bound == args.better_than:
                outcome = f"nothing below {args.better_than:g}"  # the row's MIP was infeasible
            else:
                outcome = "open"
            trail = ", ".join(f"{t:.1f}: {o:.0f}" for t, o in found)
            print(f"| {name} | {effort} | {trail} | {bound} | {outcome} | {ended:.1f} |", flush=True)


if __name__ == "__main__":
    main()
