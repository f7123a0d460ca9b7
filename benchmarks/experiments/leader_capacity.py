"""Experiment: continuity's flags bounded by how many of a family's sessions one leader can take.

S2 (continuity) pays for each leader of a (block, group type, track) family beyond one.
The model ties a leader's flag to each session they lead (``flag >= open``), so the
relaxation splits a family's sessions over several leaders in fractions and pays
almost nothing. A leader can take at most K of the family's sessions in a week: one a
day where they are a candidate, and no more than their max_hours fit. So
``sum(open of their sessions in the family) <= K x flag`` holds in every roster; where
K is below the count of their candidate days it says more than ``flag >= open``.
This measures what those rows give the LP bound (HiGHS alone, as the solve's bound
thread runs it, with ``LP_LEAVES_OUT``).

Run: .venv/bin/python benchmarks/experiments/leader_capacity.py M-120p-s1 riverbend L-400p-s1
"""

from __future__ import annotations

import argparse
import time
from collections import defaultdict

from common import weeks_by_name
from ortools.sat.python import cp_model

from optimizer import model as model_module
from optimizer.instance import Instance
from optimizer.model import RosterModel
from optimizer.relaxation import BoundSolver, linearize, snapshot
from optimizer.solve import LP_LEAVES_OUT

ADDED: list[int] = []


def continuity_with_capacity(m: RosterModel) -> cp_model.LinearExprT:
    """S2 as the model builds it, plus sum(open) <= K x flag per leader and family."""
    leads: dict[tuple[int, int, int], dict[int, list[int]]] = defaultdict(lambda: defaultdict(list))
    for s, c in enumerate(m.candidates):
        leads[(c.block, c.group_type, c.track)][c.lead].append(s)
    parts = []
    tighter = 0
    for (b, g, t), by_lead in sorted(leads.items()):
        if len(by_lead) < 2:
            continue
        family = (m.inst.blocks[b], m.sc.group_types[g].id, m.inst.tracks[t])
        flags = []
        for lead, sessions in sorted(by_lead.items()):
            flag = m.model.new_bool_var(m._name("leads", m.sc.therapists[lead].id, *family))
            for s in sessions:
                m.model.add_implication(m.open[s], flag)
            shortest = min(m.candidates[s].duration for s in sessions)
            most = min(len(sessions), m.inst.therapist_max_minutes[lead] // shortest)
            if most < len(sessions):
                m.model.add(sum(m.open[s] for s in sessions) <= most * flag)
                tighter += 1
            flags.append(flag)
        runs = m.model.new_bool_var(m._name("runs", *family))
        m.model.add(runs <= sum(flags))
        parts.append(sum(flags) - runs)
    ADDED.append(tighter)
    return sum(parts)


def lp_bound(week: object, capacity: bool, seconds: float) -> tuple[float | None, float, int]:
    """(LP bound, seconds, rows added) for the week, with or without the capacity rows."""
    soft = list(model_module.SOFT_GOALS)
    if capacity:
        model_module.SOFT_GOALS[:] = [
            (n, continuity_with_capacity if n == "continuity" else f) for n, f in soft
        ]
    ADDED.clear()
    try:
        built = RosterModel(Instance(week.scenario()))
    finally:
        model_module.SOFT_GOALS[:] = soft
    relaxation = linearize(snapshot(built.model), [built.rule_rows[r] for r in LP_LEAVES_OUT])
    started = time.monotonic()
    bound = BoundSolver().lower_bound(relaxation, seconds)
    return bound, time.monotonic() - started, sum(ADDED)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("weeks", nargs="+")
    parser.add_argument("--seconds", type=float, default=300.0)
    args = parser.parse_args()
    weeks = weeks_by_name()
    for name in args.weeks:
        for capacity in (False, True):
            bound, seconds, added = lp_bound(weeks[name], capacity, args.seconds)
            arm = f"with {added} capacity rows" if capacity else "as shipped"
            print(f"{name} {arm}: LP bound {bound} in {seconds:.1f} s", flush=True)


if __name__ == "__main__":
    main()
