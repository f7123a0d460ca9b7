"""Experiment: why a roster's families have more than one leader (what continuity, S2, pays for).

S2 charges each (block, group type, track) the distinct clinicians leading it in the week
beyond one. CP-SAT searches the week on the tuned portfolio for the given seconds; then,
for each family led by two or more clinicians, the days it ran and, for each clinician
who could lead it, the days they led, the days they are available in that block,
whether they could have covered every day it ran, and their minutes against their
weekly limit. A split is *forced* on a day the family runs two sessions in parallel;
otherwise the leader changed between days.

Run: .venv/bin/python benchmarks/experiments/family_splits.py M-120p-s1 --seconds 60
"""

from __future__ import annotations

import argparse
from collections import defaultdict

from common import tuned_solver, weeks_by_name

from optimizer.instance import Instance
from optimizer.model import RosterModel


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("weeks", nargs="+", help="weeks of benchmarks/suites.yaml, e.g. M-120p-s1")
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    weeks = weeks_by_name()
    for name in args.weeks:
        built = RosterModel(Instance(weeks[name].scenario()))
        inst, sc = built.inst, built.sc
        solver = tuned_solver(args.seed, args.seconds)
        status = solver.status_name(solver.solve(built.model))
        terms = {t: solver.value(v) for t, v in built.terms.items()}
        print(f"{name} {status} {solver.objective_value:g} (bound {solver.best_objective_bound:g}): {terms}")
        minutes = built.therapist_minutes()
        used = {th: sum(w * solver.value(v) for v, w in terms_of) for th, terms_of in minutes.items()}
        led: dict[tuple[int, int, int], dict[int, list[int]]] = defaultdict(lambda: defaultdict(list))
        could: dict[tuple[int, int, int], set[int]] = defaultdict(set)
        for s, c in enumerate(built.candidates):
            could[(c.block, c.group_type, c.track)].add(c.lead)
            if solver.value(built.open[s]):
                led[(c.block, c.group_type, c.track)][c.lead].append(c.day)
        forced = changed = 0
        for (b, g, t), by_lead in sorted(led.items()):
            if len(by_lead) < 2:
                continue
            days = sorted(d for ds in by_lead.values() for d in ds)
            parallel = max(days.count(d) for d in days)
            forced += parallel - 1
            changed += len(by_lead) - parallel
            label = f"{inst.blocks[b]} {sc.group_types[g].id} {inst.tracks[t]}"
            print(f"  {label}: {len(by_lead)} leaders, days {[inst.days[d] for d in days]}")
            for lead in sorted(could[(b, g, t)]):
                available = [d for d in range(len(inst.days)) if (d, b) in inst.therapist_periods[lead]]
                print(
                    f"    {sc.therapists[lead].id} led {[inst.days[d] for d in by_lead.get(lead, [])]}, "
                    f"available {[inst.days[d] for d in available]}, covers every day: "
                    f"{set(days) <= set(available)}, "
                    f"minutes {used.get(lead, 0)} of {inst.therapist_max_minutes[lead]}"
                )
        print(f"{name}: leaders beyond one: {forced} parallel sessions, {changed} changes between days")


if __name__ == "__main__":
    main()
