"""Experiment: the LP bound's time and value at looser interior-point tolerances.

On XL weeks (1,500 patients) the LP bound starts when the first phase ends, half-way
through a 300 s solve, and came at 285-306 s in every shipped run: the interior point
takes 87-97 s alone and about 140 s beside CP-SAT's two workers. The bound is
verified from whatever multipliers HiGHS returns (relaxation.py), so a looser
``ipm_optimality_tolerance`` stays valid; the question is how much weaker it gets for the
time it saves. HiGHS alone on one core here, as ``BoundSolver.lower_bound`` runs it.

Run: .venv/bin/python benchmarks/experiments/lp_tolerance.py XL-1500p-s1 L-400p-s1 --tolerances 1e-8,1e-6,1e-5
"""

from __future__ import annotations

import argparse
import time

from common import weeks_by_name

from optimizer.instance import Instance
from optimizer.model import RosterModel
from optimizer.relaxation import BoundSolver, linearize


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("weeks", nargs="+", help="weeks of benchmarks/suites.yaml, e.g. XL-1500p-s1")
    parser.add_argument("--tolerances", default="1e-8,1e-6,1e-5", help="ipm_optimality_tolerance values")
    parser.add_argument("--seconds", type=float, default=300.0, help="HiGHS's time limit")
    args = parser.parse_args()
    weeks = weeks_by_name()
    for name in args.weeks:
        relaxation = linearize(RosterModel(Instance(weeks[name].scenario())).model)
        for tolerance in (float(t) for t in args.tolerances.split(",")):
            started = time.monotonic()
            options = {"ipm_optimality_tolerance": tolerance}
            bound = BoundSolver().lower_bound(relaxation, args.seconds, options)
            seconds = time.monotonic() - started
            print(f"{name} tolerance {tolerance:g}: bound {bound} in {seconds:.1f} s", flush=True)


if __name__ == "__main__":
    main()
