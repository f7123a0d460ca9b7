"""Experiment: the small weeks' MIP below the search's roster (as shipped) against one plain MIP (as before).

``rounds``: ``_BoundThread._rounds`` as shipped, HiGHS's MIP with the row ``objective <=
roster - 1``, started again below a better roster at most ``NEAR_STEPS`` above the bound
(``rounds:N``: N instead; ``rounds:N:S``: and rounds of at least S seconds in place of
``ROUND_S``); ``plain``: one
MIP without the row for the whole time (the code before it); ``ladder``: probes of the
bound (``ladder``'s docstring; left out, benchmarks/JOURNAL.md 2026-12-06 morning), each
round printed. Per week, arm and seed: when the search's final roster was found, when the
solve proved it, and its roster and bound. ``--week-seeds``: the weeks of other seeds.

Run: cd benchmarks/experiments && ../../.venv/bin/python mip_below_roster.py S-30p-s2 \
        --arms plain,rounds --seeds 3,4,5
     cd benchmarks/experiments && ../../.venv/bin/python mip_below_roster.py S-30p-s2 S-30p-s1 \
        lighthouse-small S-30p-s3 --arms rounds,rounds:1:3 --seeds 0,1,2
"""

from __future__ import annotations

import argparse
import math
import time
from collections.abc import Callable

from common import add_week_seeds_option, week_seeds, weeks_by_name

from optimizer import solve as solving
from optimizer.relaxation import Relaxation
from optimizer.solve import Progress, SolveOptions, solve

shipped_rounds = solving._BoundThread._rounds
shipped_near = solving.NEAR_STEPS
shipped_round = solving.ROUND_S


def plain(self: solving._BoundThread, relaxation: Relaxation, started: float) -> None:
    """One MIP without a row below the roster, for the whole time (before ``_rounds``)."""
    left = self.time_limit - (time.monotonic() - started)
    if left > 0:
        self.solver.branch_and_bound(relaxation, left, self._on_bound, self._on_solution)


PROBE_AFTER = 5.0
"""Seconds the first round runs before the ladder may start probing."""
PROBE_WITHIN = 4.0
"""How far above the best bound a roster may be for the ladder to probe (row ``objective <= bound``)."""


def ladder(self: solving._BoundThread, relaxation: Relaxation, started: float) -> None:
    """The first round below the roster; then rounds below ``min(roster, bound + 1)``.

    A probe (the row ``objective <= bound``) either finds nothing, which raises the bound
    one step, or a roster worth the bound, which is optimal. Probes only within
    ``PROBE_WITHIN`` of the roster: a probe caps what it reports at one step.
    """
    watcher = self.watcher
    first = True
    while not self.solver.cancelled:
        left = self.time_limit - (time.monotonic() - started)
        if left <= 0:
            return
        incumbent = watcher.objective if relaxation.integral_objective else None
        bound = watcher.bound
        target = incumbent
        if not first and incumbent is not None and bound is not None and incumbent - bound <= PROBE_WITHIN:
            target = min(incumbent, math.ceil(bound - 1e-6) + 1)
        round_started = time.monotonic()
        settled = self._settled_below(incumbent)

        def stop(
            first: bool = first,
            target: float | None = target,
            round_started: float = round_started,
            settled: Callable[[], bool] = settled,
        ) -> bool:
            now = time.monotonic()
            objective, bound = watcher.objective, watcher.bound
            if objective is None or bound is None:
                return False
            if first:
                probe = now - round_started >= PROBE_AFTER and 2 <= objective - bound <= PROBE_WITHIN
                return probe or settled()
            return target is not None and bound >= target - 1e-6  # proven elsewhere

        solver = self.solver
        t0 = time.monotonic() - started
        ended = solver.branch_and_bound(relaxation, left, self._on_bound, self._on_solution, target, stop)
        print(
            f"    round {t0:.1f}-{time.monotonic() - started:.1f} s: roster {incumbent} bound {bound} "
            f"target {target} -> bound {watcher.bound} roster {watcher.objective}, stopped {ended}",
            flush=True,
        )
        if not ended and target == incumbent:  # the MIP ended on its own: nothing below the roster
            return
        first = False


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("weeks", nargs="+")
    parser.add_argument("--arms", default="plain,rounds")
    parser.add_argument("--seeds", default="3,4,5")
    parser.add_argument("--seconds", type=float, default=60.0)
    add_week_seeds_option(parser)
    args = parser.parse_args()
    weeks = weeks_by_name(week_seeds(args.week_seeds))
    print("| week | arm | seed | final roster found (s) | proven (s) | roster | bound |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for name in args.weeks:
        scenario = weeks[name].scenario()
        for seed in [int(s) for s in args.seeds.split(",")]:
            for arm in args.arms.split(","):
                kind, near, round_s = [*arm.split(":"), "", ""][:3]
                arms = {"plain": plain, "rounds": shipped_rounds, "ladder": ladder}
                solving._BoundThread._rounds = arms[kind]
                solving.NEAR_STEPS = float(near) if near else shipped_near
                solving.ROUND_S = float(round_s) if round_s else shipped_round
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
