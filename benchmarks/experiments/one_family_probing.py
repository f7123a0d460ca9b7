"""Experiment: the XL one-family search without presolve's probing, or with it.

On XL weeks the search kept to one family per block starts from nothing after the first
roster (``_one_family_next`` in solve.py) and its own first roster comes late; presolve is
part of that wait. Without probing, the first roster's step presolved sooner and found
its roster sooner (JOURNAL, "XL's first roster without presolve's probing"); this search
improves rosters, though, where probing helps its LP. Arms, each a solve through ``solve``
with the same seed: ``base`` (as shipped) and ``probing0`` (``cp_model_probing_level`` 0 in
that search alone).

Run: .venv/bin/python benchmarks/experiments/one_family_probing.py --seconds 120
"""

from __future__ import annotations

import argparse
from typing import Any

from presolve import row_heads, solve_row

import optimizer.solve as solve_module
from optimizer.bench.suites import load_suites, select
from optimizer.solve import SolveOptions

SHIPPED = solve_module._one_family_next


def without_probing(*args: Any) -> Any:
    """``_one_family_next`` with probing off in its parameters (the last but one argument)."""
    *head, params, started = args
    return SHIPPED(*head, {**params, "cp_model_probing_level": 0}, started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--suite", default="XL")
    parser.add_argument("--arms", default="base,probing0")
    parser.add_argument("--seconds", type=float, default=120.0)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    print(row_heads(args.seconds))
    for week in select(load_suites(), args.suite.split(",")):
        scenario = week.scenario()
        for arm in args.arms.split(","):
            solve_module._one_family_next = without_probing if arm == "probing0" else SHIPPED
            solve_row(week, scenario, arm, SolveOptions(time_limit=args.seconds, workers=2, seed=args.seed))


if __name__ == "__main__":
    main()
