"""Experiment: each family-day's session count as an integer of its own, below the family's leaders.

Continuity (S2) is where the relaxation knows least on M: a family-day that seats ten
patients in groups of eight runs 1.25 sessions in the relaxation and pays a quarter of
a second leader, where a roster runs two sessions and pays a whole one (or moves two
patients to another day). The inequality ``leaders of the family >= sessions of the
family on a day`` is implied by the leader flags already, so it adds nothing to the
relaxation; what an integer variable per family-day adds is something to branch on and
to cut with (CP-SAT branches on and generates cuts over the model's variables, and a
family-day's count exists in the model only as a sum). The arm ``counts`` adds, after
S2 is built, ``n[f, d] == sum of the family's open sessions on day d`` and
``sum of its leader flags >= n[f, d]``; ``base`` is the solve as shipped. Each arm is a
solve through ``solve``.

Run: cd benchmarks/experiments && ../../.venv/bin/python family_day_counts.py S,M --arms base,counts
"""

from __future__ import annotations

from collections import defaultdict

from ortools.sat.python import cp_model
from presolve import arms_main, solve_row

from optimizer import model as model_module
from optimizer.bench.suites import BenchWeek
from optimizer.model import RosterModel
from optimizer.solve import SolveOptions

GOAL = next(i for i, (name, _goal) in enumerate(model_module.SOFT_GOALS) if name == "continuity")
shipped = model_module.SOFT_GOALS[GOAL][1]


def with_counts(m: RosterModel) -> cp_model.LinearExprT:
    """S2 as shipped, then each family-day's count as an integer at most the family's leaders."""
    term = shipped(m)
    flags: dict[str, list[cp_model.IntVar]] = defaultdict(list)  # family label -> its leader flags
    for index, var in enumerate(m.model.proto.variables):
        if var.name.startswith("leads["):
            family = ",".join(var.name[len("leads[") : -1].split(",")[1:])
            flags[family].append(m.model.get_bool_var_from_proto_index(index))
    opened = {
        (",".join((m.inst.blocks[block], m.sc.group_types[g].id, m.inst.tracks[t])), day): sessions
        for (day, block, g, t), sessions in m.families.items()
    }
    for (label, day), sessions in sorted(opened.items()):
        if label not in flags:  # one possible leader: no continuity to pay
            continue
        count = m.model.new_int_var(0, len(sessions), m._name("family_day", label, day))
        m.model.add(count == sum(m.open[s] for s in sessions))
        m.model.add(sum(flags[label]) >= count)
    return term


def search(week: BenchWeek, arms: list[str], seconds: float, seed: int) -> None:
    """One row per arm: the solve as shipped, or with the family-day counts."""
    scenario = week.scenario()
    for arm in arms:
        goal = with_counts if arm == "counts" else shipped
        model_module.SOFT_GOALS[GOAL] = ("continuity", goal)
        solve_row(week, scenario, arm, SolveOptions(time_limit=seconds, workers=2, seed=seed))


if __name__ == "__main__":
    arms_main(__doc__.splitlines()[0], "base,counts", 60.0, search)
