"""Experiment: M's early root paused while the search improves, not ended, and resumed when it stalls.

On 80-199-patient weeks HiGHS's root node runs beside CP-SAT from the start and ends once
its bound has stood ``ROOT_STALL_S`` (10 s), to give its core back to the search
(``solve._BoundThread``, kind "early-root"). On M-120p-s2 its last rise, 694
-> 695, comes at 19 s of a core of its own (``root_below.py``): a root that ends after its
stall never gets there, and with 695 the week's best rosters (698) are within issue 8's
0.5 %. A longer stall (20 s) cost the search rosters (journal, session-24). HiGHS need not
end to give the core back: blocked inside its own interrupt callback it waits, its tree
and cuts kept, and takes up where it was when released. Arms:

- ``off``: as shipped, the root ending once its bound has stood ``ROOT_STALL_S``;
- ``pause:RESUME``: instead of ending, the root waits while the search has found a better
  roster within the last RESUME seconds, and runs while it has not (its stall clock counts
  only the seconds it ran); so it works in the search's plateaus, to the end of the solve.
- ``far:STEPS:RESUME``: the same, but only while the best roster is more than STEPS above
  the best bound; nearer, the root ends once stalled, as shipped (so that a week whose
  search sits a step or two above a bound that is already the optimum, as Riverbend's at
  437-438 over 436, keeps both cores for the search).

Prints, per week and arm, the roster and bound at the end, when the roster was found and
when it was proven (through ``solve``, 2 workers).

Run (in benchmarks/experiments):
     ../../.venv/bin/python root_pause.py M --arms off,pause:5 --seed 0

Measured 2026-12-07 (AMD EPYC; journal, session-39, "The early root paused, not ended"),
seeds 0-4 on the suite's M weeks and seed 0 on the weeks of seeds 6-9: bounds 695 against 694
on M-120p-s2 in every run, 699 against 697 on M-120p-s9, the same on the other weeks;
rosters of the generated weeks 13,772 against 13,751 in sum over nineteen runs, and
Riverbend proven in one run of five against three. Shipped for an hour, then left out.
``far:2:5`` (session-40), seeds 0-2 on the suite's M weeks and the weeks of seeds 12 and 13:
Riverbend proven in three runs of three against two, bounds 695 / 736 against 694 / 735 on
M-120p-s2 / s12, rosters of the generated weeks 10,940 against 10,889 in sum over fifteen
runs; no run of either arm within 0.5 %. Left out.
"""

from __future__ import annotations

import time

from common import solved_with_times
from first_phase import arm_parser, family_weeks

from optimizer import solve as solving
from optimizer.relaxation import ROOT_BOUND


class PausedRoot(solving._BoundThread):
    """The shipped bound thread, its early root waiting in the search's good moments instead of ending."""

    resume_s = 5.0
    far_steps: float | None = None  # wait only while the roster is more than this above the bound

    def _run(self) -> None:
        if self.kind != "early-root":
            super()._run()
            return
        started = time.monotonic()
        relaxation = solving.linearize(self.snapshot, self.leave_out)
        left = self.time_limit - (time.monotonic() - started)
        ran = 0.0  # seconds the root has run since its last rise
        last = time.monotonic()

        def rose(bound: float) -> None:
            nonlocal ran, last
            ran, last = 0.0, time.monotonic()
            self._on_bound(bound)

        def busy_search() -> bool:
            improved = self.watcher.improved
            return improved is not None and time.monotonic() - improved < self.resume_s

        def near() -> bool:
            objective, bound = self.watcher.objective, self.watcher.bound
            if self.far_steps is None or objective is None or bound is None:
                return False
            return objective - bound <= self.far_steps

        def stop() -> bool:  # HiGHS's interrupt check: blocking here holds HiGHS where it is
            nonlocal ran, last
            now = time.monotonic()
            ran, last = ran + now - last, now
            if ran > solving.ROOT_STALL_S and near():
                return True  # ended, as shipped
            while ran > solving.ROOT_STALL_S and busy_search() and not self.solver.cancelled:
                time.sleep(0.1)
                last = time.monotonic()  # the seconds waited are not the root's
            return self.solver.cancelled

        self.solver._mip(relaxation, left, rose, None, ROOT_BOUND, stop=stop)


def main() -> None:
    parser = arm_parser(__doc__, "off,pause:5", "off, pause:RESUME, far:STEPS:RESUME")
    args = parser.parse_args()
    weeks = family_weeks(args)
    shipped = solving._BoundThread
    try:
        for arm in args.arms.split(","):
            kind, *times = arm.split(":")
            solving._BoundThread = shipped if kind == "off" else PausedRoot
            PausedRoot.far_steps = float(times[0]) if kind == "far" else None
            if kind in ("pause", "far"):
                PausedRoot.resume_s = float(times[-1])
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
