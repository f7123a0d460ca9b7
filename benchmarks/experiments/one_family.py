"""Experiment: the first phase with and without each clinician kept to one family per block.

On L weeks continuity (S2, distinct leaders per block, group type and track) is 46-52
in a 60 s roster against 22 when minimised alone. ``one_family_per_block``
(restriction.py) gives the first phase on home blocks that shape; this runs every week
of a family through ``solve`` with it off (the home blocks alone, half the time) and on
(at each share given), the same seed in each arm.

Run: .venv/bin/python benchmarks/experiments/one_family.py L --shares 0.5,0.8 --seed 0
"""

from __future__ import annotations

import argparse

from optimizer import solve as solving
from optimizer.bench.suites import load_suites


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("family", help="a family of benchmarks/suites.yaml (200 patients or more)")
    parser.add_argument("--shares", default="0.8", help="first-phase shares to run with the restriction on")
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    options = solving.SolveOptions(time_limit=args.seconds, workers=2, seed=args.seed)
    arms = [("off", 0, solving.RESTRICTED_SHARE)]
    arms += [(f"on, share {s}", 10**9, float(s)) for s in args.shares.split(",")]
    for name, below, share in arms:
        solving.ONE_FAMILY_BELOW, solving.ONE_FAMILY_SHARE = below, share  # read by _search at each solve
        for week in load_suites()[args.family]:
            result = solving.solve(week.scenario(), options)
            gap = f"{100 * result.gap:.1f} %" if result.gap is not None else "-"
            found = f"{result.objective:g} (gap {gap})" if result.objective is not None else "no roster"
            print(f"{name}: {week.name} {found} {result.terms}", flush=True)


if __name__ == "__main__":
    main()
