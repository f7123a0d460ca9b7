"""Experiment: how fast CP-SAT settles "is there a roster at most T?" when T is a known bound.

On the S weeks HiGHS's root proves the bound early (S-30p-s1: 203 at 3.2 s) and the proof
then waits for a roster that meets it (8-9 s). With the objective held at most T, CP-SAT's
propagation and LP prune everything above T: either it finds such a roster (then a
proof, when T is the bound) or it proves there is none (then T + 1 is a bound).

Run: .venv/bin/python benchmarks/experiments/bound_target.py S-30p-s1:203 lighthouse-small:146 \
        S-30p-s2:194,195 --seeds 0,1
"""

from __future__ import annotations

import argparse
import time

from common import RosterTrace, searched, weeks_by_name

from optimizer.instance import Instance
from optimizer.model import RosterModel


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("targets", nargs="+", help="WEEK:T1,T2,... (objective at most each T)")
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--seeds", default="0")
    args = parser.parse_args()
    weeks = weeks_by_name()
    for target in args.targets:
        name, _, values = target.partition(":")
        for value in (int(v) for v in values.split(",")):
            for seed in (int(s) for s in args.seeds.split(",")):
                started = time.monotonic()
                built = RosterModel(Instance(weeks[name].scenario()))
                built.model.add(built.objective <= value)
                built_s = time.monotonic() - started
                rosters: list[tuple[float, float]] = []
                trace = RosterTrace(time.monotonic(), rosters)
                solver, status, found = searched(built.model, seed, args.seconds, trace)
                first = f"{rosters[0][0]:.2f}" if rosters else "-"
                print(
                    f"{name} T={value} seed {seed}: {status} {found} at {first} s, "
                    f"{solver.wall_time:.2f} s in all (build {built_s:.2f} s)",
                    flush=True,
                )


if __name__ == "__main__":
    main()
