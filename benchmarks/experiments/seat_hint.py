"""Experiment: how soon the one-family week finds a roster when started from the home blocks' first one.

On XL weeks keeping each clinician to one family per block (``one_family_per_block``)
gives better rosters at 300 s but a late first roster, so a solve could search home
blocks alone until their first roster and then the one-family week. That second search
starts from nothing (``none``), from the first roster as a hint (``full``: it breaks the
one-family rule where a clinician leads two families in a block), or from the first
roster's seats only (``seats``: every attendance variable; leaders left to the search).
Prints the first phase's first roster, how many (clinician, block) pairs in it lead more
than one family, and per arm the one-family week's first roster (presolve included).

Run: .venv/bin/python benchmarks/experiments/seat_hint.py XL-1500p-s2 --arms none,seats,full
"""

from __future__ import annotations

import argparse
import time
from collections import defaultdict

from common import weeks_by_name
from ortools.sat.python import cp_model

from optimizer.instance import Instance
from optimizer.model import RosterModel
from optimizer.restriction import restricted_model
from optimizer.solve import SolveOptions, configure, phased_parameters


def first_roster(model: cp_model.CpModel, params: dict[str, object]) -> tuple[cp_model.CpSolver, str]:
    """CP-SAT stopped at its first roster of ``model``; the solver and a line on it."""
    solver = cp_model.CpSolver()
    configure(solver, {**params, "stop_after_first_solution": True})
    started = time.monotonic()
    status = solver.status_name(solver.solve(model))
    found = f"{solver.objective_value:g}" if status in ("OPTIMAL", "FEASIBLE") else "no roster"
    return solver, f"{status} {found} in {time.monotonic() - started:.1f} s"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("weeks", nargs="+", help="weeks of benchmarks/suites.yaml, e.g. XL-1500p-s2")
    parser.add_argument("--arms", default="none,seats,full")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    weeks = weeks_by_name()
    _, params = phased_parameters(SolveOptions(time_limit=120, workers=2, seed=args.seed))  # first phase's
    for name in args.weeks:
        built = RosterModel(Instance(weeks[name].scenario()))
        home = restricted_model(built, one_family=False)
        assert home is not None, "no patient is kept to home blocks"
        solver, line = first_roster(home, params)
        families: dict[tuple[int, int], set[tuple[int, int]]] = defaultdict(set)
        for s, c in enumerate(built.candidates):
            if solver.value(built.open[s]):
                families[(c.lead, c.block)].add((c.group_type, c.track))
        mixed = sum(len(f) > 1 for f in families.values())
        print(f"{name} home blocks: {line}; {mixed} of {len(families)} (clinician, block) lead 2+ families")
        seats = {var.index for var in built.attend.values()}
        for arm in args.arms.split(","):
            narrow = restricted_model(built, one_family=True)
            assert narrow is not None
            narrow.clear_hints()
            if arm != "none":
                for index in range(len(built.model.proto.variables)):
                    if arm == "full" or index in seats:
                        var = built.model.get_int_var_from_proto_index(index)
                        narrow.add_hint(narrow.get_int_var_from_proto_index(index), solver.value(var))
            print(f"{name} one family, {arm}: {first_roster(narrow, params)[1]}", flush=True)


if __name__ == "__main__":
    main()
