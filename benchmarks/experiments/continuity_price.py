"""Experiment: how few distinct leaders (S2) can a week have when the other terms stay at their best?

On M-120p-s1 the shipped solve ends at 724 against a bound of 715, and its roster has
every other weighted term at 716 (what the week reaches with continuity's weight 0) and
continuity 4 (x2). Either a roster exists with the others at 715-716 and fewer leader
changes (the gap is the search's), or none does (the gap is the bound's). This holds the
weighted sum of the other terms at most ``--rest`` and minimises continuity alone.

Run: .venv/bin/python benchmarks/experiments/continuity_price.py M-120p-s1 --rest 716 --seconds 120
"""

from __future__ import annotations

import argparse

from common import minimise_holding_others, searched, weeks_by_name

from optimizer.instance import Instance
from optimizer.model import RosterModel


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("week", help="a week of benchmarks/suites.yaml, e.g. M-120p-s1")
    parser.add_argument("--rest", type=int, action="append", required=True, help="budget of the other terms")
    parser.add_argument("--term", default="continuity")
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    week = weeks_by_name()[args.week]
    for rest in args.rest:
        built = RosterModel(Instance(week.scenario()))
        minimise_holding_others(built, args.term, rest)
        solver, status, found = searched(built.model, args.seed, args.seconds)
        print(
            f"{args.week} rest <= {rest}: {args.term} {status} {found} bound {solver.best_objective_bound:g} "
            f"in {solver.wall_time:.1f} s",
            flush=True,
        )


if __name__ == "__main__":
    main()
