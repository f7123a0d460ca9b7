"""Experiment: prove a small week's optimum case by case over its number of sessions.

S-30p-s3's optimum (207) has 14 sessions and one patient in two blocks; the bound stops
at 203 because fractional patients pack into fractional sessions. Split the proof on
the week's session count N (an integer the model only has as a sum): for each N, ask
CP-SAT (or, with ``--solver highs``, HiGHS as the solve's MIP thread runs it) whether a
roster with exactly N sessions costs at most ``--below`` - 1. If every case is
infeasible, the week's optimum is at least ``--below``. Prints each case's status and
seconds.

Run: ../../.venv/bin/python session_cases.py S-30p-s3 --below 207 --sessions 12-16
"""

from __future__ import annotations

import argparse
import math
import time

from common import add_week_seeds_option, searched, week_seeds, weeks_by_name

from optimizer.instance import Instance
from optimizer.model import RosterModel
from optimizer.relaxation import BoundSolver, linearize


def by_highs(built: RosterModel, seconds: float, below: float | None) -> tuple[str, float]:
    """The case as the solve's MIP thread runs HiGHS (``BoundSolver.branch_and_bound``),
    below ``below`` when given: its outcome and last bound."""
    bounds = [-math.inf]
    BoundSolver().branch_and_bound(linearize(built.model), seconds, bounds.append, lambda *_: None, below)
    if below is not None and bounds[-1] >= below:
        return f"nothing below {below:g}", bounds[-1]
    return "open" if below is not None else "ended", bounds[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("week")
    parser.add_argument("--below", type=int, required=True, help="prove no roster costs less than this")
    parser.add_argument("--sessions", default="12-16", help="range of session counts, LOW-HIGH")
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--minimise", action="store_true", help="each case an optimisation, not a probe")
    parser.add_argument("--solver", choices=["cpsat", "highs"], default="cpsat")
    add_week_seeds_option(parser)
    parser.add_argument("--fix", action="append", default=[], metavar="TERM=VALUE", help="hold a term too")
    args = parser.parse_args()
    low, high = (int(x) for x in args.sessions.split("-"))
    week = weeks_by_name(week_seeds(args.week_seeds))[args.week]
    total = 0.0
    for n in range(low, high + 1):
        built = RosterModel(Instance(week.scenario()))
        built.model.add(built.terms["sessions"] == n)
        for fixed in args.fix:
            term, _, value = fixed.partition("=")
            built.model.add(built.terms[term] == int(value))
        started = time.monotonic()
        if args.solver == "highs":
            status, bound = by_highs(built, args.seconds, None if args.minimise else args.below)
            found = None
        else:
            if not args.minimise:
                built.model.add(built.objective <= args.below - 1)
            solver, status, found = searched(built.model, args.seed, args.seconds)
            bound = solver.best_objective_bound
        took = time.monotonic() - started
        total += took
        print(f"{args.week} sessions={n}: {status} roster {found} bound {bound:g} {took:.1f} s", flush=True)
    print(f"{args.week}: {total:.1f} s over every case")


if __name__ == "__main__":
    main()
