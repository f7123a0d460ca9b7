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

from optimizer.bench.suites import BenchWeek
from optimizer.instance import Instance
from optimizer.model import RosterModel
from optimizer.relaxation import BoundSolver, linearize, snapshot
from optimizer.solve import LP_LEAVES_OUT


def add_capacity_rows(m: RosterModel) -> int:
    """Add sum(open) <= K x flag for each leader and family where K is below their candidate days.

    The flags are S2's own (``S2_continuity``), found by their names; returns the rows added.
    """
    flags = {v.name: i for i, v in enumerate(m.model.proto.variables) if v.name.startswith("leads[")}
    sessions: dict[tuple[int, int, int, int], list[int]] = defaultdict(list)
    for s, c in enumerate(m.candidates):
        sessions[(c.block, c.group_type, c.track, c.lead)].append(s)
    added = 0
    for (b, g, t, lead), led in sorted(sessions.items()):
        family = (m.inst.blocks[b], m.sc.group_types[g].id, m.inst.tracks[t])
        index = flags.get(m._name("leads", m.sc.therapists[lead].id, *family))
        if index is None:  # a family of one leader pays no continuity
            continue
        shortest = min(m.candidates[s].duration for s in led)
        most = min(len(led), m.inst.therapist_max_minutes[lead] // shortest)
        if most < len(led):
            flag = m.model.get_bool_var_from_proto_index(index)
            m.model.add(sum(m.open[s] for s in led) <= most * flag)
            added += 1
    return added


def lp_bound(week: BenchWeek, capacity: bool, seconds: float) -> tuple[float | None, float, int]:
    """(LP bound, seconds, rows added) for the week, with or without the capacity rows."""
    built = RosterModel(Instance(week.scenario()))
    added = add_capacity_rows(built) if capacity else 0
    relaxation = linearize(snapshot(built.model), [built.rule_rows[r] for r in LP_LEAVES_OUT])
    started = time.monotonic()
    bound = BoundSolver().lower_bound(relaxation, seconds)
    return bound, time.monotonic() - started, added


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
