"""Experiment: give the neighbourhood search a slope on load balance's plateau (S4).

S4 is a min-max: a role's peak drops only when every clinician at it gets lighter at
once, so a neighbourhood that lightens one of them finds no better roster and is thrown
away. On M weeks the poor 60 s rosters differ from the good ones mostly there (load
balance 143 against 133 on M-120p-s1). Arm ``guide:D`` minimises ``K x objective +
guide``, where the guide counts, per clinician of a pooled role, the whole percent of
their load within ``D`` of the role's peak; ``K`` exceeds the largest guide, so the order
of rosters by the week's objective is unchanged (lexicographic) and only ties are broken
towards fewer clinicians near the peak. Arm ``none`` is the week's objective alone. Both
run CP-SAT alone on the tuned portfolio (no HiGHS thread), same seed; the objective
printed is the week's own.

Run: .venv/bin/python benchmarks/experiments/load_guide.py M --arms none,guide:5 --seeds 0,1,2
"""

from __future__ import annotations

import argparse

from ortools.sat.python import cp_model

from optimizer.bench.suites import load_suites
from optimizer.instance import Instance
from optimizer.model import RosterModel, load_pools
from optimizer.solve import TUNED_PORTFOLIOS, configure


def add_guide(built: RosterModel, window: int) -> None:
    """Replace the objective by K x objective + (percent of load within ``window`` of each peak)."""
    model, inst = built.model, built.inst
    minutes = built.therapist_minutes()
    by_name = {v.name: i for i, v in enumerate(model.proto.variables)}
    guide = []
    for role, members in load_pools(built).items():
        # The objective's own peak of the role (S4_load_balance), so the guide cannot raise it.
        peak = model.get_int_var_from_proto_index(by_name[built._name("load_peak", role)])
        for th in members:
            cap = inst.therapist_max_minutes[th]
            load = sum(w * v for v, w in minutes.get(th, []))
            level = model.new_int_var(0, 100 * 168, f"level[{th}]")
            model.add(100 * load <= cap * level)
            model.add(level <= peak)  # level is at least the load's percent, as S4's peak
            near = model.new_int_var(0, window, f"near[{th}]")
            model.add(near >= level - peak + window)
            guide.append(near)
    scale = window * len(guide) + 1
    model.minimize(scale * built.objective + sum(guide))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("family", help="a family of benchmarks/suites.yaml")
    parser.add_argument("--weeks", type=int, default=None, help="only the first N weeks of the family")
    parser.add_argument("--seeds", default="0")
    parser.add_argument("--arms", default="none,guide:5")
    parser.add_argument("--seconds", type=float, default=60.0)
    args = parser.parse_args()
    for seed in (int(s) for s in args.seeds.split(",")):
        for week in load_suites()[args.family][: args.weeks]:
            instance = Instance(week.scenario())
            for arm in args.arms.split(","):
                built = RosterModel(instance)
                if arm.startswith("guide:"):
                    add_guide(built, int(arm.split(":")[1]))
                solver = cp_model.CpSolver()
                params = {"num_workers": 2, "random_seed": seed, "max_time_in_seconds": args.seconds}
                configure(solver, {**params, **TUNED_PORTFOLIOS[2]})
                solver.solve(built.model)
                terms = {k: int(solver.value(v)) for k, v in built.terms.items()}
                print(f"{week.name} {arm} seed {seed}: {solver.value(built.objective)} {terms}", flush=True)


if __name__ == "__main__":
    main()
