"""Experiment: how much of the time the first phase on home blocks should take.

The first phase's share of the time limit (``RESTRICTED_SHARE`` in solve.py;
``ONE_FAMILY_SHARE`` there too, where the phase keeps clinicians to one family);
the rest goes to the whole week from the phase's best roster. Each share given is run on
every week of the family through ``solve`` itself, so the arms differ in that number only.
(Measured in the README before ``one_family_per_block``, when only the first existed.)

Run: .venv/bin/python benchmarks/experiments/phase_share.py L --shares 0.5,0.8,0.3
"""

from __future__ import annotations

import argparse

from optimizer import solve as solving
from optimizer.bench.suites import load_suites


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("family", help="a family of benchmarks/suites.yaml")
    parser.add_argument("--shares", default="0.5,0.8,0.3", help="first-phase shares of the time limit")
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    options = solving.SolveOptions(time_limit=args.seconds, workers=2, seed=args.seed)
    for share in (float(s) for s in args.shares.split(",")):
        solving.RESTRICTED_SHARE = solving.ONE_FAMILY_SHARE = share  # read by _search at each solve
        for week in load_suites()[args.family]:
            result = solving.solve(week.scenario(), options)
            gap = f"{100 * result.gap:.1f} %" if result.gap is not None else "-"
            found = f"{result.objective:g} (gap {gap})" if result.objective is not None else "no roster"
            print(f"share {share}: {week.name} {found} {result.terms}", flush=True)


if __name__ == "__main__":
    main()
