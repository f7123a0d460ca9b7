"""Experiment: M's early root paused while the search improves, not ended, and resumed when it stalls.

On 80-199-patient weeks HiGHS's root node runs beside CP-SAT from the start and, until
session-39, ended once its bound had stood ``ROOT_STALL_S`` (10 s), to give its core back
to the search (``solve._BoundThread``, kind "early-root"). On M-120p-s2 its last rise, 694
-> 695, comes at 19 s of a core of its own (``root_below.py``): a root that ends after its
stall never gets there, and with 695 the week's best rosters (698) are within issue 8's
0.5 %. A longer stall (20 s) cost the search rosters (journal, session-24). HiGHS need not
end to give the core back: blocked inside its own interrupt callback it waits, its tree
and cuts kept, and takes up where it was when released. Arms:

- ``off``: as shipped (since session-39 ``pause:5``, ``solve.ROOT_WAIT_S``);
- ``end``: the root ends once its bound has stood ``ROOT_STALL_S`` (as shipped before);
- ``pause:RESUME``: instead of ending, the root waits while the search has found a better
  roster within the last RESUME seconds, and runs while it has not (its stall clock counts
  only the seconds it ran); so it works in the search's plateaus, to the end of the solve.

Prints, per week and arm, the roster and bound at the end, when the roster was found and
when it was proven (through ``solve``, 2 workers).

Run (in benchmarks/experiments):
     ../../.venv/bin/python root_pause.py M --arms end,pause:5 --seed 0

Measured 2026-12-07 (AMD EPYC; journal, session-39, "The early root paused, not ended"),
before ``pause:5`` was shipped (its ``off`` arm was then ``end``): bounds 695 against 694 on
M-120p-s2 in three seeds of three, 699 against 697 on M-120p-s9, the same on the other six
weeks; rosters 10,715 against 10,713 in sum over sixteen runs.
"""

from __future__ import annotations

import time

from common import solved_with_times, week_seeds
from first_phase import arm_parser, chosen

from optimizer import solve as solving
from optimizer.bench.suites import load_suites


class EarlyRoot(solving._BoundThread):
    """The shipped bound thread, its early root ended when stalled (``end``) or waiting (``pause``)."""

    resume_s: float | None = 5.0  # None: end once stalled

    def _run(self) -> None:
        if self.kind != "early-root":
            super()._run()
            return
        started = time.monotonic()
        relaxation = solving.linearize(self.snapshot, self.leave_out)
        left = self.time_limit - (time.monotonic() - started)
        resume_s = self.resume_s

        def busy() -> bool:
            improved = self.watcher.improved
            return resume_s is not None and improved is not None and time.monotonic() - improved < resume_s

        wait = None if resume_s is None else busy
        self.solver.root_bound(relaxation, left, self._on_bound, solving.ROOT_STALL_S, wait)


def main() -> None:
    parser = arm_parser(__doc__, "end,pause:5", "off, end, pause:RESUME")
    parser.add_argument("--week-seeds", default=None, help="the weeks of these seeds (as bench --week-seeds)")
    args = parser.parse_args()
    weeks = chosen(load_suites(week_seeds=week_seeds(args.week_seeds))[args.family], args)
    shipped = solving._BoundThread
    try:
        for arm in args.arms.split(","):
            kind, *times = arm.split(":")
            solving._BoundThread = shipped if kind == "off" else EarlyRoot
            EarlyRoot.resume_s = float(times[0]) if kind == "pause" else None
            for week in weeks:
                result, found, proven = solved_with_times(week.scenario(), args.seconds, args.seed)
                cells = [week.name, arm, args.seed, f"{result.objective:,.0f}", f"{result.best_bound:,.0f}"]
                print(
                    f"| {' | '.join(map(str, cells))} | {result.gap:.2%} | {found:.1f} s "
                    f"| {'—' if proven is None else f'{proven:.1f} s'} |",
                    flush=True,
                )
    finally:
        solving._BoundThread = shipped


if __name__ == "__main__":
    main()
