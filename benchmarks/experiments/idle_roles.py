"""Experiment: roles no roster needs at work (coaches on M weeks) held off work, first or throughout.

Load balance (S4) charges a role its busiest clinician's load in whole percent of their
hours; a coach who co-facilitates one 3-hour trauma group of an optional type carries
10 % of 30 h, so a roster with any such group pays at least 10 points, and several
coaches at one group each make a plateau the search leaves only by closing all of those
groups at once. A role is *idle* when counting gives it no minutes in any roster (no
appointment of its kinds is asked for, no track that only it can lead;
``strengthen._role_least_minutes``). Arms (CP-SAT alone on the tuned portfolio):

- ``plain``: the week as built;
- ``held``: every idle role's peak held at 0 for the whole time (a restriction: its
  rosters are rosters of the week; its bound is not the week's);
- ``phase:SHARE``: held for that share of the time, then the whole week from its best
  roster as the hint.

Run: .venv/bin/python benchmarks/experiments/idle_roles.py M-120p-s3 --arms plain,held --seeds 0,1
     .venv/bin/python benchmarks/experiments/idle_roles.py M-120p-s1 M-120p-s2 M-120p-s3 riverbend \
         --arms phase:0.5 --seeds 0,1
"""

from __future__ import annotations

import argparse
import time

from common import tuned_solver, weeks_by_name
from ortools.sat.python import cp_model

from optimizer.instance import Instance
from optimizer.model import RosterModel
from optimizer.solve import hint_all
from optimizer.strengthen import _group_floors, _role_least_minutes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("weeks", nargs="+", help="weeks of benchmarks/suites.yaml, e.g. M-120p-s3")
    parser.add_argument("--arms", default="plain,held")
    parser.add_argument("--seeds", default="0")
    parser.add_argument("--seconds", type=float, default=60.0)
    args = parser.parse_args()
    weeks = weeks_by_name()
    for name in args.weeks:
        for seed in (int(s) for s in args.seeds.split(",")):
            for arm in args.arms.split(","):
                built = RosterModel(Instance(weeks[name].scenario()))
                floors = _group_floors(built)
                idle = [
                    r for r, (_, c) in built.load_peaks.items() if _role_least_minutes(built, c, floors) == 0
                ]
                share = (
                    1.0 if arm == "held" else float(arm.split(":")[1]) if arm.startswith("phase:") else 0.0
                )
                started, first = time.monotonic(), None
                if idle and share > 0:
                    copy = built.model.clone()
                    for role in idle:
                        copy.add(copy.get_int_var_from_proto_index(built.load_peaks[role][0].index) == 0)
                    solver = tuned_solver(seed, args.seconds * share)
                    if solver.solve(copy) in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                        first = solver.objective_value
                        hint_all(built.model, solver)
                final = first
                if share < 1.0 or first is None:  # no idle role, or no roster with them held
                    solver = tuned_solver(seed, args.seconds - (time.monotonic() - started))
                    solver.solve(built.model)
                    final = solver.objective_value
                peaks = {r: solver.value(p) for r, (p, _) in built.load_peaks.items()}
                print(
                    f"{name} seed {seed} {arm}: idle {idle}, first {first}, final {final:g}, peaks {peaks}",
                    flush=True,
                )


if __name__ == "__main__":
    main()
