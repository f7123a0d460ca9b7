"""Experiment: the small weeks' MIP below the search's roster (as shipped) against one plain MIP (as before).

``rounds``: ``_BoundThread._rounds`` as shipped, HiGHS's MIP with the row ``objective <=
roster - 1``, started again below a better roster at most ``NEAR_STEPS`` above the bound
(``rounds:N``: N instead); ``plain``: one
MIP without the row for the whole time (the code before it). Per week, arm and seed: when
the search's final roster was found, when the solve proved it, and its roster and bound.

Run: cd benchmarks/experiments && ../../.venv/bin/python mip_below_roster.py S-30p-s2 \
        --arms plain,rounds --seeds 3,4,5
"""

from __future__ import annotations

import argparse
import time

from common import weeks_by_name

from optimizer import solve as solving
from optimizer.relaxation import Relaxation
from optimizer.solve import Progress, SolveOptions, solve

shipped_rounds = solving._BoundThread._rounds
shipped_near = solving.NEAR_STEPS


def plain(self: solving._BoundThread, relaxation: Relaxation, started: float) -> None:
    """One MIP without a row below the roster, for the whole time (before ``_rounds``)."""
    left = self.time_limit - (time.monotonic() - started)
    if left > 0:
        self.solver.branch_and_bound(relaxation, left, self._on_bound, self._on_solution)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("weeks", nargs="+")
    parser.add_argument("--arms", default="plain,rounds")
    parser.add_argument("--seeds", default="3,4,5")
    parser.add_argument("--seconds", type=float, default=60.0)
    args = parser.parse_args()
    weeks = weeks_by_name()
    print("| week | arm | seed | final roster found (s) | proven (s) | roster | bound |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for name in args.weeks:
        scenario = weeks[name].scenario()
        for seed in [int(s) for s in args.seeds.split(",")]:
            for arm in args.arms.split(","):
                kind, _, near = arm.partition(":")
                solving._BoundThread._rounds = {"plain": plain, "rounds": shipped_rounds}[kind]
                solving.NEAR_STEPS = float(near) if near else shipped_near
                found: list[float] = []
                started = time.monotonic()

                def seen(p: Progress, found: list[float] = found, started: float = started) -> None:
                    if p.objective is not None and (not found or p.objective < found[0]):
                        found[:] = [p.objective, time.monotonic() - started]

                result = solve(scenario, SolveOptions(time_limit=args.seconds, workers=2, seed=seed), seen)
                ended = time.monotonic() - started  # an OPTIMAL solve returns at its proof
                proven = f"{ended:.1f}" if result.status == "OPTIMAL" else "—"
                print(
                    f"| {name} | {arm} | {seed} | {found[1]:.1f} | {proven} | {result.objective:.0f} "
                    f"| {result.best_bound:.0f} |",
                    flush=True,
                )


if __name__ == "__main__":
    main()
