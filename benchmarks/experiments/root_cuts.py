"""Experiment: HiGHS's root cuts, not the LP alone, as the bound thread of M and L weeks.

HiGHS alone on the linearized model, its root node only (``partial_integrality.py --root``):
L-400p-s1's bound rose from the LP's 2,072.7 to 2,083 in 60 s with the interior point at
the root (``mip_lp_solver=ipm``), 2,087 in 300 s; M-120p-s1's to 717 against CP-SAT's 715
after 900 s. The bound thread of ``solve`` runs the LP alone on weeks from ``MIP_BELOW``
patients (``_BoundThread``). Arms, each a solve through ``solve`` with the thread's
work replaced:

- ``base``: as shipped (the LP, without the rows of ``LP_LEAVES_OUT``, once the search
  has its first roster or the first phase has ended);
- ``root``: the same start and rows, HiGHS's root node with its cuts in place of the LP,
  each rise of its bound reported as it comes (no heuristics, no branching);
- ``root-all``: the root with every row;
- ``root-now``: the root with every row, started with the solve.

Run: cd benchmarks/experiments && ../../.venv/bin/python root_cuts.py L --arms base,root,root-all,root-now
"""

from __future__ import annotations

import time

from presolve import arms_main, solve_row

from optimizer import solve as solving
from optimizer.bench.suites import BenchWeek
from optimizer.relaxation import BoundSolver, linearize
from optimizer.solve import SolveOptions

ROOT_ONLY = {"mip_max_nodes": 1, "mip_heuristic_effort": 0.0, "mip_lp_solver": "ipm"}
shipped_run = solving._BoundThread._run
shipped_start = BoundSolver._start


def _root_start(self: BoundSolver, options: dict[str, object]):  # noqa: ANN202 (HiGHS)
    return shipped_start(self, {**options, **ROOT_ONLY})


def _root_run(self: solving._BoundThread, rows: bool, now: bool) -> None:
    """``_BoundThread._run`` with HiGHS's root in place of the LP."""
    started = time.monotonic()
    if not now:
        self.watcher.searching.wait(timeout=self.time_limit / 2)
    if self.solver.cancelled:
        return
    relaxation = linearize(self.snapshot, () if rows else self.leave_out)
    left = self.time_limit - (time.monotonic() - started)
    if left > 0:
        self.solver.branch_and_bound(relaxation, left, self._on_bound, lambda *_: None)


def search(week: BenchWeek, arms: list[str], seconds: float, seed: int) -> None:
    """One row per arm (see the module docstring)."""
    scenario = week.scenario()
    for arm in arms:
        if arm == "base":
            solving._BoundThread._run = shipped_run
            BoundSolver._start = shipped_start
        else:
            rows, now = arm in ("root-all", "root-now"), arm == "root-now"

            def run(self: solving._BoundThread, rows: bool = rows, now: bool = now) -> None:
                if self.mip:  # small weeks: the shipped MIP
                    shipped_run(self)
                else:
                    _root_run(self, rows, now)

            solving._BoundThread._run = run
            BoundSolver._start = _root_start
        solve_row(week, scenario, arm, SolveOptions(time_limit=seconds, workers=2, seed=seed))


if __name__ == "__main__":
    arms_main(__doc__.splitlines()[0], "base,root,root-all,root-now", 60.0, search)
