"""Experiment: the small weeks' MIP after its first round, case by case over the session count.

On S weeks the bound thread runs HiGHS's MIP below the search's roster (``solve._BoundThread``,
``_rounds``). Offline, HiGHS proved some weeks' rosters far sooner one session count at a
time (session_cases.py: S-30p-s10 in 3.2 s of cases against 27.5 s whole). Here the rounds
after the first go by cases instead (``CaseRounds``, in place of the shipped thread while an
arm runs): the session counts a roster below the incumbent could have (two LPs, fewest and
most), each count's LP bound, then HiGHS's MIP below the incumbent for each count not yet
settled, the weakest first; the bound reported is the least over the counts. Arms:

- ``off``: as shipped;
- ``on:FIRST:CASES``: the first (whole) round runs at least FIRST seconds, a round by cases
  at least CASES, before a better roster that has stood a second may end it, at any
  distance from the bound;
- ``far:FIRST:CASES``: the same, but by cases only below a roster more than one step above
  the bound; nearer, the whole MIP as shipped;
- ``stall:SECONDS``: whole rounds as shipped, until neither the roster nor the bound has
  moved for SECONDS; then by cases (a better roster ends a round by cases at once, and the
  next is whole again if it is within a step of the bound);
- ``sweep:SECONDS:CAP``: whole rounds as shipped; when neither the roster nor the bound has
  moved for SECONDS, one sweep of the counts below that roster, CAP seconds each, ending at
  the first count not settled; then whole rounds again (no second sweep below one roster).

Prints, per week and arm, the roster and bound at the end and when the roster was proven
(through ``solve``, 2 workers).

Run: ../../.venv/bin/python mip_cases.py --weeks S-30p-s1,S-30p-s2 --arms off,far:10:0
"""

from __future__ import annotations

import argparse
import dataclasses
import math
import time
from collections.abc import Callable

import numpy as np
from common import add_week_seeds_option, solved_with_times, week_seeds, weeks_by_name

from optimizer import solve as solving
from optimizer.instance import Instance
from optimizer.model import RosterModel
from optimizer.relaxation import INF, Relaxation


def with_row(
    lp: Relaxation, columns: np.ndarray, coefficients: np.ndarray, low: float, high: float
) -> Relaxation:
    """``lp`` with one more row, ``low <= coefficients · x[columns] <= high``."""
    return dataclasses.replace(
        lp,
        row_lower=np.append(lp.row_lower, low),
        row_upper=np.append(lp.row_upper, high),
        starts=np.append(lp.starts, lp.starts[-1] + len(columns)),
        index=np.concatenate([lp.index, columns.astype(np.int64)]),
        value=np.concatenate([lp.value, coefficients.astype(float)]),
    )


class CaseRounds(solving._BoundThread):
    """The shipped bound thread, its rounds after the first by cases over the session count."""

    split = np.zeros(0, dtype=np.int64)  # the columns of the week's ``open`` flags, set per week
    first_s, cases_s, far_only = solving.ROUND_S, 0.0, True
    stall_s: float | None = None  # ``stall`` arms: whole rounds as shipped until the week stands still
    sweep_cap: float | None = None  # ``sweep`` arms: each count's seconds in a sweep
    all_closed = False

    def _rounds(self, relaxation: Relaxation, started: float) -> None:
        self.closed: set[int] = set()  # counts with nothing below the incumbent of their round
        rounds, stalled = 0, [False]
        swept: float | None = None  # the incumbent the last sweep was below
        while not self.solver.cancelled:
            left = self.time_limit - (time.monotonic() - started)
            if left <= 0 or not relaxation.integral_objective:
                return
            incumbent, bound = self.watcher.objective, self.watcher.bound
            if self.sweep_cap is not None:  # whole rounds as shipped; a capped sweep when they stall
                if stalled[0] and incumbent is not None and incumbent != swept:
                    stalled[0], swept = False, incumbent
                    stop = self._settled(incumbent, 0.0)
                    if not self._cases(relaxation, incumbent, left, stop, self.sweep_cap) and self.all_closed:
                        return
                    continue
                whole = self._settled_below(incumbent)
                stop = whole if swept is not None and incumbent == swept else self._or_still(whole, stalled)
                if not self.solver.branch_and_bound(
                    relaxation, left, self._on_bound, self._on_solution, incumbent, stop
                ):
                    return
                continue
            far = bound is None or (incumbent is not None and incumbent - bound > solving.NEAR_STEPS)
            if self.stall_s is not None:
                by_cases = incumbent is not None and (stalled[0] or (rounds > 0 and far))
                whole = self._settled_below(incumbent)
                stop = self._settled(incumbent, self.cases_s) if by_cases else self._or_still(whole, stalled)
            else:
                by_cases = incumbent is not None and rounds > 0 and (far or not self.far_only)
                stop = self._settled(incumbent, self.cases_s if by_cases else self.first_s)
            if by_cases:
                stalled[0] = False
                if not self._cases(relaxation, incumbent, left, stop):
                    return
            elif not self.solver.branch_and_bound(
                relaxation, left, self._on_bound, self._on_solution, incumbent, stop
            ):
                return
            rounds += 1

    def _or_still(self, settled: Callable[[], bool], stalled: list[bool]) -> Callable[[], bool]:
        """``settled``, or: neither the roster nor the bound has moved for ``stall_s`` (sets ``stalled``)."""
        watcher = self.watcher
        seen = [watcher.bound, time.monotonic()]  # the bound, and when it last moved

        def stop() -> bool:
            now = time.monotonic()
            if watcher.bound != seen[0]:
                seen[0], seen[1] = watcher.bound, now
            still = (
                self.stall_s is not None
                and now - seen[1] >= self.stall_s
                and watcher.improved is not None
                and now - watcher.improved >= self.stall_s
            )
            if still:
                stalled[0] = True
            return still or settled()

        return stop

    def _settled(self, incumbent: float | None, least: float) -> Callable[[], bool]:
        """As ``_settled_below``, after ``least`` seconds and at any distance from the bound."""
        watcher, round_started = self.watcher, time.monotonic()

        def settled() -> bool:
            now = time.monotonic()
            if now - round_started < least:
                return False
            objective, improved = watcher.objective, watcher.improved
            return (
                objective is not None
                and improved is not None
                and (incumbent is None or objective < incumbent - 0.5)
                and now - improved >= solving.SETTLED_S
            )

        return settled

    def _cases(
        self,
        relaxation: Relaxation,
        incumbent: float,
        left: float,
        stop: Callable[[], bool],
        cap: float | None = None,
    ) -> bool:
        """Below ``incumbent``, HiGHS's MIP once per session count; whether ``stop`` ended it.

        ``cap``: seconds for each count, the sweep ending at the first count not settled in
        them; ``all_closed`` says whether every count was.
        """
        started = time.monotonic()
        self.all_closed = False

        def remaining() -> float:
            return left - (time.monotonic() - started)

        def ceiling() -> float:
            return self.watcher.objective if self.watcher.objective is not None else incumbent

        ones = np.ones(self.split.size)
        used = np.flatnonzero(relaxation.cost)
        below = with_row(relaxation, used, relaxation.cost[used], -INF, incumbent - 1 - relaxation.offset)
        counts = dataclasses.replace(
            below, cost=np.zeros_like(below.cost), offset=0.0, integral_objective=True
        )
        counts.cost[self.split] = 1.0
        fewest = self.solver.lower_bound(counts, remaining())
        counts.cost[self.split] = -1.0
        most = self.solver.lower_bound(counts, remaining())
        if fewest is None or most is None:
            return self.solver.branch_and_bound(
                relaxation, remaining(), self._on_bound, self._on_solution, incumbent, stop
            )
        known: dict[int, float] = {}  # session count -> what a roster with it costs at least
        for n in range(int(fewest), int(-most) + 1):
            if n not in self.closed:
                lp = self.solver.lower_bound(with_row(relaxation, self.split, ones, n, n), remaining())
                known[n] = -math.inf if lp is None else lp

        def report() -> None:
            bound = min([ceiling(), *known.values()])
            if math.isfinite(bound):
                self._on_bound(bound)

        report()
        for n in sorted(known, key=known.__getitem__):
            if known[n] < ceiling():
                if remaining() <= 0 or self.solver.cancelled:
                    return False

                def rose(bound: float, n: int = n) -> None:
                    known[n] = max(known[n], bound)
                    report()

                case = with_row(relaxation, self.split, ones, n, n)
                budget = remaining() if cap is None else min(remaining(), cap)
                if self.solver.branch_and_bound(case, budget, rose, self._on_solution, ceiling(), stop):
                    return True
            if known[n] < ceiling() and cap is not None:
                return False
            if known[n] >= ceiling():
                self.closed.add(n)
        self.all_closed = all(bound >= ceiling() for bound in known.values())
        return False


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--weeks", required=True, help="comma-separated week names")
    add_week_seeds_option(parser)
    parser.add_argument(
        "--arms",
        default="off,far:10:0",
        help="off, on:FIRST:CASES, far:FIRST:CASES, stall:SECONDS or sweep:SECONDS:CAP",
    )
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    weeks = weeks_by_name(week_seeds(args.week_seeds))
    print("| week | arm | roster | bound | proven at | roster found at |")
    print("|---|---|---:|---:|---:|---:|")
    shipped = solving._BoundThread
    try:
        for name in args.weeks.split(","):
            scenario = weeks[name].scenario()
            # the same build as the solve's, so the same column for each ``open`` flag
            CaseRounds.split = np.array([v.index for v in RosterModel(Instance(scenario)).open.values()])
            for arm in args.arms.split(","):
                kind, *times = arm.split(":")
                solving._BoundThread = shipped if kind == "off" else CaseRounds
                CaseRounds.far_only = kind == "far"
                CaseRounds.stall_s = float(times[0]) if kind in ("stall", "sweep") else None
                CaseRounds.sweep_cap = float(times[1]) if kind == "sweep" else None
                first, cases = (
                    float(t)
                    for t in ((times if kind not in ("stall", "sweep") else []) or [solving.ROUND_S, 0])
                )
                CaseRounds.first_s, CaseRounds.cases_s = first, cases
                result, found, proven = solved_with_times(scenario, args.seconds, args.seed)
                print(
                    f"| {name} | {arm} | {result.objective:,.0f} | {result.best_bound:,.0f} "
                    f"| {'—' if proven is None else f'{proven:.1f} s'} | {found:.1f} s |",
                    flush=True,
                )
    finally:
        solving._BoundThread = shipped


if __name__ == "__main__":
    main()
