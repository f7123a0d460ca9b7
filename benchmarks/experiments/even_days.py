"""Experiment: L's first phase with each family's sessions spread evenly over its days.

Of an L roster's 48 extra leaders (continuity, S2), 33 are forced by each family's
busiest day and only 24 would be by an even spread of the same weekly totals
(``family_splits.py``; benchmarks/JOURNAL.md, "Where an L roster's extra leaders come
from"). The first phase already keeps each clinician to one family per block
(``one_family_per_block``); the arm ``even:K`` also keeps each family's sessions on any
of its D days to at most K above the even share, ``D x n_day <= N_week + D - 1 + D x K``
(for whole numbers, ``n_day <= ceil(N_week / D) + K``). A restriction like the others:
every roster of the phase is a roster of the week, which is searched from it afterwards.
``base`` runs the solve as shipped. Each arm is a solve through ``solve``, seed ``--seed``.

Run: cd benchmarks/experiments && ../../.venv/bin/python even_days.py L --arms base,even:0,even:1
"""

from __future__ import annotations

from collections import defaultdict

from ortools.sat.python import cp_model
from presolve import arms_main, solve_row

from optimizer import restriction
from optimizer.bench.suites import BenchWeek
from optimizer.model import RosterModel
from optimizer.solve import SolveOptions

shipped = restriction.one_family_per_block


def even_days(m: RosterModel, copy: cp_model.CpModel, above: int) -> None:
    """In ``copy``: each family's sessions on a day at most ``above`` over its even share."""
    days: dict[tuple[int, int, int], dict[int, list[int]]] = defaultdict(dict)
    for (day, *family), sessions in m.families.items():
        days[tuple(family)][day] = [m.open[s].index for s in sessions]
    for by_day in days.values():
        count = len(by_day)
        if count < 2:
            continue
        week = [copy.get_bool_var_from_proto_index(i) for indices in by_day.values() for i in indices]
        for indices in by_day.values():
            day = [copy.get_bool_var_from_proto_index(i) for i in indices]
            copy.add(count * sum(day) <= sum(week) + count - 1 + count * above)


def search(week: BenchWeek, arms: list[str], seconds: float, seed: int) -> None:
    """One row per arm: the shipped solve, or with even days added to the one-family phase."""
    scenario = week.scenario()
    for arm in arms:
        if arm == "base":
            restriction.one_family_per_block = shipped
        else:
            above = int(arm.split(":")[1])

            def spread(m: RosterModel, copy: cp_model.CpModel, above: int = above) -> None:
                shipped(m, copy)
                even_days(m, copy, above)

            restriction.one_family_per_block = spread
        solve_row(week, scenario, arm, SolveOptions(time_limit=seconds, workers=2, seed=seed))


if __name__ == "__main__":
    arms_main(__doc__.splitlines()[0], "base,even:0,even:1", 60.0, search)
