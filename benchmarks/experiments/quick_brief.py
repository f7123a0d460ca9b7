"""Experiment: the quicker brief phase (``QUICK_BRIEF_BELOW``) on generated weeks of its sizes.

The quicker phase (0.03 of the time on home blocks, no load-first step, then the whole
week searched afresh; solve.py) was measured on Riverbend, the one week of 80-99 patients
in the suites. This runs it on generated weeks of such a size that nothing was tuned on,
against the whole-week search those weeks had before (``whole``: ``brief_phase=None``);
``shipped`` is the solve as it stands. Each row: the best roster at each checkpoint, the
final one, and when it reached the HiGHS peer's final roster, run first for ``--highs``
seconds (the benchmark's ratio against HiGHS, from the same hour).

Run: cd benchmarks/experiments && ../../.venv/bin/python quick_brief.py --patients 90 \
         --week-seeds 4,5 --highs 30
"""

from __future__ import annotations

import argparse
import time
from dataclasses import replace

from common import final_cell, objective_cells, progress_recorder, reached_at

from optimizer.bench.peers import PeerOptions, highs
from optimizer.bench.suites import BenchWeek
from optimizer.scenario import Scenario
from optimizer.solve import SolveOptions, solve

CELLS = (1, 2, 4, 6, 10, 30, 60)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=90)
    parser.add_argument("--week-seeds", default="4,5", help="the generator's seeds, e.g. 4,5")
    parser.add_argument("--arms", default="whole,shipped", help="comma-separated whole, shipped")
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--highs", type=float, default=None, help="run the HiGHS peer this many seconds first"
    )
    args = parser.parse_args()
    shipped = SolveOptions(time_limit=args.seconds, workers=2, seed=args.seed)
    arms = {"shipped": shipped, "whole": replace(shipped, brief_phase=None)}
    print(f"| week | arm | {' | '.join(f'at {c} s' for c in CELLS)} | final | to HiGHS's roster (s) |")
    for seed in (int(s) for s in args.week_seeds.split(",")):
        week = BenchWeek(
            name=f"M-{args.patients}p-s{seed}", family="M", settings={"patients": args.patients, "seed": seed}
        )
        scenario = week.scenario()  # generated once: the peer and every arm solve the same week
        peer = highs_roster(scenario, args.highs) if args.highs else None
        if peer is not None:
            print(f"| {week.name} | HiGHS peer | {peer[0]:,.0f} at {peer[1]:.1f} s |", flush=True)
        for arm in args.arms.split(","):
            events: list[tuple[float, float]] = []
            result = solve(scenario, arms[arm], on_progress=progress_recorder(events))
            cells = objective_cells(events, CELLS)
            reached = reached_at(events, peer[0]) if peer else None
            when = "—" if reached is None else f"{reached:.1f}"
            print(f"| {week.name} | {arm} | {cells} | {final_cell(result)} | {when} |", flush=True)


def highs_roster(scenario: Scenario, seconds: float) -> tuple[float, float] | None:
    """(objective, seconds) of the HiGHS peer's final roster of the week, timed from the start of
    its build, as the benchmark's ratios time it; None without one."""
    found: list[tuple[float, float]] = []
    started = time.monotonic()

    def emit(incumbent: float | None, bound: float | None) -> None:
        if incumbent is not None and (not found or incumbent < found[-1][0]):
            found.append((incumbent, time.monotonic() - started))

    highs.solve_week(scenario, PeerOptions(time_limit=seconds), emit)
    return found[-1] if found else None


if __name__ == "__main__":
    main()
