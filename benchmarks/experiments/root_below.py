"""Experiment: HiGHS's root node alone, each rise of its bound traced, with or without a roster's cutoff.

The early root of the 80-199-patient weeks (``solve._BoundThread``, kind "early-root") ends
once its bound has stood 10 s. When do its rises come on a core of its own, and does the
row ``objective <= roster - 1`` (as the small weeks' rounds add it) lift them sooner?
``--below none`` runs the root as shipped.

Run (in benchmarks/experiments):
     ../../.venv/bin/python root_below.py M-120p-s2 --below none --seconds 60
     ../../.venv/bin/python root_below.py M-120p-s2 --below 698 --seconds 60
"""

from __future__ import annotations

import argparse
import time

from common import add_week_seeds_option, week_seeds, weeks_by_name

from optimizer.instance import Instance
from optimizer.model import RosterModel
from optimizer.relaxation import ROOT_BOUND, BoundSolver, linearize


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("week", help="a benchmark week, e.g. M-120p-s2")
    parser.add_argument("--below", default="none", help="a roster's objective to look below, or none")
    parser.add_argument("--seconds", type=float, default=60.0)
    add_week_seeds_option(parser)
    args = parser.parse_args()
    below = None if args.below == "none" else float(args.below)
    week = weeks_by_name(week_seeds(args.week_seeds))[args.week]
    relaxation = linearize(RosterModel(Instance(week.scenario())).model)
    started = time.monotonic()

    def rose(bound: float) -> None:
        print(f"{time.monotonic() - started:6.1f} s  bound {bound:.0f}", flush=True)

    BoundSolver()._mip(relaxation, args.seconds, rose, None, ROOT_BOUND, below)
    print(f"{time.monotonic() - started:6.1f} s  ended", flush=True)


if __name__ == "__main__":
    main()
