"""Experiment: a first roster from the session count (S3) alone, then the whole objective.

On M weeks the search starts from feasibility jump's roster (about 1,380 on M-120p-s1)
and CP-SAT's neighbourhoods bring it down a few points at a time; the sessions term,
weighted 10, is most of the objective, and minimised alone it is proven in 3 s at 120
patients. The question is whether that roster, hinted to the whole objective, is a
better start than feasibility jump's. Both arms share the seed and the week; neither
has the HiGHS thread, so the pairs compare the start only.

Run: .venv/bin/python benchmarks/experiments/sessions_first.py M --seeds 1,2 --first 5
"""

from __future__ import annotations

import argparse
import time

from common import RosterTrace, tuned_solver
from ortools.sat.python import cp_model

from optimizer.bench.suites import load_suites
from optimizer.instance import Instance
from optimizer.model import RosterModel
from optimizer.solve import hint_all

MARKS = (10, 20, 30, 45, 60)


def _run(built: RosterModel, seconds: float, seed: int, trace: RosterTrace | None) -> cp_model.CpSolver:
    solver = tuned_solver(seed, seconds)
    solver.solve(built.model, trace)
    return solver


def arm(built: RosterModel, seconds: float, first: float, seed: int) -> list[float | None]:
    """Best objective at each of MARKS seconds, with a sessions-only phase of ``first`` s (0: none)."""
    started = time.monotonic()
    points: list[tuple[float, float]] = []
    if first > 0:
        built.model.minimize(built.terms["sessions"])
        solver = _run(built, first, seed, None)
        points.append((time.monotonic() - started, solver.value(built.objective)))
        hint_all(built.model, solver)
        built.model.minimize(built.objective)
    _run(built, seconds - (time.monotonic() - started), seed, RosterTrace(started, points))
    return [min((o for t, o in points if t <= mark), default=None) for mark in MARKS]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("family", help="a family of benchmarks/suites.yaml")
    parser.add_argument("--seconds", type=float, default=60.0, help="total time per solve")
    parser.add_argument("--first", type=float, default=5.0, help="most seconds of the sessions-only phase")
    parser.add_argument("--seeds", default="1,2")
    args = parser.parse_args()
    for week in load_suites()[args.family]:
        scenario = week.scenario()
        for seed in (int(s) for s in args.seeds.split(",")):
            plain = arm(RosterModel(Instance(scenario)), args.seconds, 0.0, seed)
            staged = arm(RosterModel(Instance(scenario)), args.seconds, args.first, seed)
            print(f"{week.name} seed {seed}, best at {MARKS} s: plain {plain}, first {staged}", flush=True)


if __name__ == "__main__":
    main()
