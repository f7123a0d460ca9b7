"""Experiment: load balance (S4) counted in whole units of work, for the bound.

A clinician's load is a sum of item durations (3-hour groups, 1-hour appointments), so
it moves in steps of their gcd ``g``; S4's peak is a whole percent. With the peak at
``P`` a clinician carries at most ``g x floor(cap x P / (100 g))`` minutes, so a role
whose clinicians must carry ``T`` minutes between them needs ``P >= h(T)``, the least
``P`` with ``sum_c g x floor(cap_c x P / (100 g)) >= T``. The LP relaxation only knows
``P >= 100 T / sum cap``: on S-30p-s2 the LP's therapists carry 4,920 minutes at an
average peak of 35.96 %, where whole hours need 38 %.

Arms (each a solve of the week, CP-SAT on the tuned portfolio, no HiGHS thread):
- ``none``: the model as shipped;
- ``units``: each pooled clinician's load as ``g x`` an integer variable of units, so
  that a bound on the peak bounds every load to whole units and the role's total with
  them (propagation and every LP below the root see it);
- ``hull``: with ``T_min`` the least total the LP relaxation allows (rounded up to a
  multiple of g; valid since every roster's total is at least the LP's least), the lower
  convex hull of ``(T, h(T))`` for ``T >= T_min`` as inequalities ``P >= a + b T``;
- ``both``.
The LP relaxation's value with the arm's rows is printed too (HiGHS, not counted).

Run: .venv/bin/python benchmarks/experiments/load_steps.py S-30p-s2 S-30p-s3 --arms none,both
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
import math
import time

import highspy
import numpy as np
from ortools.sat.python import cp_model

from optimizer.bench.suites import load_suites, select
from optimizer.instance import Instance
from optimizer.model import RosterModel
from optimizer.relaxation import linearize
from optimizer.solve import TUNED_PORTFOLIOS, configure
from optimizer.strengthen import STRENGTHENINGS, _carried, _least_peak, load_unit


def solve_lp(
    model: cp_model.CpModel, cost: dict[int, float] | None = None, solver: str = "choose"
) -> tuple[float, np.ndarray, float]:
    """The LP relaxation's optimum (of ``cost`` by variable index if given), its solution, seconds.

    ``solver``: HiGHS's ("choose": its dual simplex here; "ipm": the interior point).
    """
    started = time.monotonic()
    relaxation = linearize(model)
    if cost is not None:
        vector = np.zeros(len(relaxation.cost))
        for index, c in cost.items():
            vector[index] = c
        relaxation = dataclasses.replace(relaxation, cost=vector, offset=0.0)
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("solver", solver)
    h.passModel(relaxation.highs_lp())
    h.run()
    x = np.array(h.getSolution().col_value)
    return h.getInfo().objective_function_value, x, time.monotonic() - started


def steps(m: RosterModel, arm: str) -> dict[str, object]:
    """Add the arm's rows; what was added, for the printout."""
    minutes = m.therapist_minutes()
    added: dict[str, object] = {}
    for role, (peak, members) in m.load_peaks.items():
        g = load_unit(minutes, members)
        if g <= 1:
            continue
        caps = {th: m.inst.therapist_max_minutes[th] for th in members}
        loads = {th: sum(w * v for v, w in minutes.get(th, [])) for th in members}
        if arm in ("units", "both"):
            for th in members:
                units = m.model.new_int_var(0, caps[th] // g, f"load_units[{th}]")
                m.model.add(g * units == loads[th])
                m.model.add(100 * g * units <= caps[th] * peak)
        if arm in ("hull", "both"):
            total = sum(loads.values())
            probe = m.model.new_int_var(0, sum(caps.values()), f"role_total[{role}]")
            m.model.add(probe == total)
            low, _, _ = solve_lp(m.model, {probe.index: 1.0})
            t_min = g * math.ceil((low - 1e-6) / g)
            cuts = _hull_cuts(list(caps.values()), g, t_min)
            for t0, p0, dt, dp in cuts:  # dt x P >= dt x p0 + dp x (T - t0)
                m.model.add(dt * peak >= dt * p0 + dp * (probe - t0))
            added[role] = {
                "g": g,
                "T_min": t_min,
                "h(T_min)": _least_peak(list(caps.values()), g, t_min),
                "cuts": len(cuts),
            }
    return added


def _hull_cuts(caps: list[int], g: int, t_min: int) -> list[tuple[int, int, int, int]]:
    """Segments (t0, p0, dt, dp) of the lower convex hull of (T, h(T)) for T_min <= T <= all caps."""
    top = _carried(caps, g, 100)
    least = [(t, _least_peak(caps, g, t)) for t in range(t_min, top + 1, g)]
    points = [(t, p) for t, p in least if p is not None]
    hull: list[tuple[int, int]] = []
    for point in points:
        while len(hull) >= 2:
            (x1, y1), (x2, y2) = hull[-2], hull[-1]
            if (x2 - x1) * (point[1] - y1) - (y2 - y1) * (point[0] - x1) <= 0:
                hull.pop()  # the middle point lies on or above the chord: not on the lower hull
            else:
                break
        hull.append(point)
    return [(x1, y1, x2 - x1, y2 - y1) for (x1, y1), (x2, y2) in itertools.pairwise(hull)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("weeks", nargs="+", help="weeks of benchmarks/suites.yaml, e.g. S-30p-s2")
    parser.add_argument("--arms", default="none,units,hull,both")
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    weeks = {w.name: w for w in select(load_suites(), ["all"])}
    params = {"num_workers": 2, "random_seed": args.seed, **TUNED_PORTFOLIOS[2]}
    for name in args.weeks:
        instance = Instance(weeks[name].scenario())
        for arm in args.arms.split(","):
            # the arms against the model without the shipped floor, as measured before it was kept
            built = RosterModel(
                instance, improvements=tuple(n for n in STRENGTHENINGS if n != "load_peak_floor")
            )
            added = steps(built, arm)
            lp, _, _ = solve_lp(built.model)
            solver = cp_model.CpSolver()
            configure(solver, {**params, "max_time_in_seconds": args.seconds})
            started = time.monotonic()
            status = solver.status_name(solver.solve(built.model))
            print(
                f"{name} {arm}: LP {lp:.2f}; {status} {solver.objective_value:g}, bound "
                f"{solver.best_objective_bound:g} at {time.monotonic() - started:.1f}s {added}",
                flush=True,
            )


if __name__ == "__main__":
    main()
