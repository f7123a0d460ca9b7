"""Experiment: the last seconds of an L solve spent on continuity alone, the other terms held.

A 60 s roster of L-400p-s1 (``family_splits.py``: 2,237, continuity 48) has 33 of its
48 extra leaders forced by its busiest family-days (a family running six sessions on
Tuesday needs six leaders) and 15 from leaders changing between days; the
relaxation's continuity is 22. A search of the whole week
trades every term at once. This arm searches the whole week (CP-SAT on the tuned
portfolio, no phases) for ``--seconds`` less ``--finish``, then holds the weighted sum
of the other terms at most that roster's and minimises continuity from it (every
variable hinted) for ``--finish`` seconds; the control searches for ``--seconds``.

Run: .venv/bin/python benchmarks/experiments/continuity_finish.py L --seconds 60 --finish 15
"""

from __future__ import annotations

import argparse

from common import minimise_holding_others, searched

from optimizer.bench.suites import load_suites, select
from optimizer.instance import Instance
from optimizer.model import RosterModel
from optimizer.solve import hint_all


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("suite", help="comma-separated families, e.g. L")
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--finish", type=float, default=15.0)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    print("| week | control | first part | continuity held | finished | its continuity |")
    print("|---|---:|---:|---:|---:|---:|")
    for week in select(load_suites(), args.suite.split(",")):
        scenario = week.scenario()
        control = RosterModel(Instance(scenario))
        _solver, _status, whole = searched(control.model, args.seed, args.seconds)
        built = RosterModel(Instance(scenario))
        first, _status, before = searched(built.model, args.seed, args.seconds - args.finish)
        assert before is not None
        weight = built.weights["continuity"]
        held = first.value(built.terms["continuity"])
        rest = before - weight * held
        hint_all(built.model, first)
        minimise_holding_others(built, "continuity", int(rest))
        _solver, _status, found = searched(built.model, args.seed, args.finish)
        finished = before if found is None else rest + weight * found
        print(f"| {week.name} | {whole:g} | {before:g} | {held} | {finished:g} | {found} |", flush=True)


if __name__ == "__main__":
    main()
