"""Experiment: in the first phase, each clinician leads one family per block.

On L weeks continuity (S2, distinct leaders per block, group type and track) is 46-52
in a 60 s roster against 22 when minimised alone. A roster with low continuity has each
clinician lead the same (group type, track) in a block every day, so the first phase on
home blocks (restriction.py) is given that shape as a further restriction: per clinician
and block, the sessions they may lead belong to one family. Like the home blocks it
only narrows the first phase; the whole week is searched afterwards from its roster.
Run through ``solve`` itself, with ``restricted_model`` and the phase's share replaced.

Run: .venv/bin/python benchmarks/experiments/one_family.py L --shares 0.5,0.8
"""

from __future__ import annotations

import argparse
from collections import defaultdict

from ortools.sat.python import cp_model

from optimizer import solve as solving
from optimizer.bench.suites import load_suites
from optimizer.model import RosterModel
from optimizer.restriction import restricted_model


def one_family_per_block(m: RosterModel) -> cp_model.CpModel | None:
    """The home-block restriction, and each clinician's led sessions in a block of one family."""
    copy = restricted_model(m)
    if copy is None:
        return None
    families: dict[tuple[int, int], dict[tuple[int, int], list[int]]] = defaultdict(lambda: defaultdict(list))
    for s, c in enumerate(m.candidates):
        families[(c.lead, c.block)][(c.group_type, c.track)].append(m.open[s].index)
    for by_family in families.values():
        if len(by_family) < 2:
            continue
        flags = []
        for indices in by_family.values():
            flag = copy.new_bool_var("")
            for index in indices:
                copy.add_implication(copy.get_bool_var_from_proto_index(index), flag)
            flags.append(flag)
        copy.add(sum(flags) <= 1)
    return copy


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("family", help="a family of benchmarks/suites.yaml (200 patients or more)")
    parser.add_argument("--shares", default="0.5,0.8", help="first-phase shares of the time limit")
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    solving.restricted_model = one_family_per_block  # type: ignore[assignment]  # what _search calls
    options = solving.SolveOptions(time_limit=args.seconds, workers=2, seed=args.seed)
    for share in (float(s) for s in args.shares.split(",")):
        solving.RESTRICTED_SHARE = share
        for week in load_suites()[args.family]:
            result = solving.solve(week.scenario(), options)
            gap = f"{100 * result.gap:.1f} %" if result.gap is not None else "-"
            found = f"{result.objective:g} (gap {gap})" if result.objective is not None else "no roster"
            print(f"share {share}: {week.name} {found} {result.terms}", flush=True)


if __name__ == "__main__":
    main()
