"""Experiment: a neighbourhood search of our own after the first phase, against CP-SAT's.

On L weeks the LP bound is the reported bound and the gap is in the roster, so the
question is whether neighbourhoods that follow the week's structure improve a roster
faster than CP-SAT's own search of the whole week. After the first phase on home blocks
(restriction.py; the whole week below 200 patients) the rest of the time goes either to
CP-SAT on the whole week from that roster (what ``solve`` does) or to rounds of small
solves, each with every decision variable outside its neighbourhood fixed to the best
roster's value:

- ``periods``: some (day, block) periods freed (all blocks of some days, one block on
  some days, or periods at random), the number adapted to what solves in ``--round`` s;
- ``staff``: every session, co-facilitation and appointment of a few clinicians freed,
  every patient's attendance kept (what load balance S4 and continuity S2 depend on).

Run: .venv/bin/python benchmarks/experiments/own_lns.py L-400p-s1 --first 25 --seconds 60
"""

from __future__ import annotations

import argparse
import random
import time

from ortools.sat.python import cp_model

from optimizer.bench.suites import load_suites, select
from optimizer.instance import Instance
from optimizer.model import RosterModel
from optimizer.restriction import RESTRICT_FROM, restricted_model
from optimizer.scenario import Scenario
from optimizer.solve import FIRST_PHASE_PORTFOLIOS, TUNED_PORTFOLIOS, configure, hint_all

Period = tuple[int, int]


def decision_owners(m: RosterModel) -> tuple[dict[int, Period], dict[int, int]]:
    """Variable index -> its (day, block); and -> its clinician, where it has one."""
    period: dict[int, Period] = {}
    staff: dict[int, int] = {}
    for s, var in m.open.items():
        c = m.candidates[s]
        period[var.index], staff[var.index] = (c.day, c.block), c.lead
    for (s, _cls), var in m.room.items():
        c = m.candidates[s]
        period[var.index], staff[var.index] = (c.day, c.block), c.lead
    for (_p, d, b, _g), var in m.attend.items():
        period[var.index] = (d, b)
    for (th, d, b, _g, _t, _r), var in m.co.items():
        period[var.index], staff[var.index] = (d, b), th
    for (_p, _k, slot, th), var in m.appt.items():
        period[var.index], staff[var.index] = (slot.day, slot.block), th
    for (_p, _k, slot), var in m.pooled.items():
        period[var.index] = (slot.day, slot.block)
    for (th, _k, slot), var in m.give.items():
        period[var.index], staff[var.index] = (slot.day, slot.block), th
    for (_p, d, b, _g, lead), var in m.seat.items():
        period[var.index], staff[var.index] = (d, b), lead
    return period, staff


def solve_once(model: cp_model.CpModel, params: dict[str, object]) -> tuple[cp_model.CpSolver, str]:
    """One CP-SAT solve: (the solver, its status name)."""
    solver = cp_model.CpSolver()
    configure(solver, params)
    return solver, solver.status_name(solver.solve(model))


def fixed_copy(model: cp_model.CpModel, values: list[int], fixed: list[int]) -> cp_model.CpModel:
    """A copy with the ``fixed`` variables held at ``values``, every variable hinted with them."""
    copy = model.clone()
    copy.clear_hints()
    variables = copy.proto.variables
    for index in fixed:
        domain = variables[index].domain
        domain.clear()
        domain.extend([values[index], values[index]])
    for index, value in enumerate(values):
        copy.add_hint(copy.get_int_var_from_proto_index(index), value)
    return copy


def first_phase(
    scenario: Scenario, seconds: float, base: dict[str, object], one_family: bool = False
) -> tuple[RosterModel, cp_model.CpSolver, str]:
    """The week's model and a solve of its first phase (home blocks; the whole week below RESTRICT_FROM)."""
    built = RosterModel(Instance(scenario))
    restricted = restricted_model(built, one_family) if len(scenario.patients) >= RESTRICT_FROM else None
    params = {**base, "max_time_in_seconds": seconds}
    if restricted is not None:
        params.update(FIRST_PHASE_PORTFOLIOS[2])
    solver, status = solve_once(restricted or built.model, params)
    return built, solver, status


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("week", help="a week of benchmarks/suites.yaml, e.g. L-400p-s1")
    parser.add_argument("--first", type=float, default=25.0, help="seconds of the first phase")
    parser.add_argument("--seconds", type=float, default=60.0, help="total search seconds")
    parser.add_argument("--round", type=float, default=3.0, help="most seconds per neighbourhood")
    parser.add_argument("--kinds", default="cpsat,periods,staff", help="what to compare")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    week = next(w for w in select(load_suites(), ["all"]) if w.name == args.week)
    scenario = week.scenario()
    for kind in args.kinds.split(","):
        started = time.monotonic()
        base = {"num_workers": 2, "random_seed": args.seed, **TUNED_PORTFOLIOS[2]}
        built, first, status = first_phase(scenario, args.first, base)
        if status not in ("OPTIMAL", "FEASIBLE"):
            print(f"{week.name} {kind}: {status} after the first phase")
            continue
        values = list(first.response_proto.solution)
        best = first.objective_value
        deadline = started + args.seconds
        if kind == "cpsat":
            hint_all(built.model, first)  # the restricted copy's variables are the model's
            solver, _ = solve_once(built.model, {**base, "max_time_in_seconds": deadline - time.monotonic()})
            after = f"{first.objective_value:g} after the first phase"
            print(f"{week.name} cpsat: {after}, {solver.objective_value:g} at the end")
            continue
        best, rounds, better = _search(built, kind, values, best, deadline, args)
        print(
            f"{week.name} {kind}: {first.objective_value:g} after the first phase, {best:g} at the end "
            f"({rounds} neighbourhoods, {better} better)"
        )


def _search(
    built: RosterModel, kind: str, values: list[int], best: float, deadline: float, args: argparse.Namespace
) -> tuple[float, int, int]:
    """Neighbourhood rounds until ``deadline``: (best objective, rounds, rounds that improved)."""
    rng = random.Random(args.seed)
    period, staff = decision_owners(built)
    periods = sorted(set(period.values()))
    days = sorted({d for d, _ in periods})
    blocks = sorted({b for _, b in periods})
    clinicians = sorted(set(staff.values()))
    size = 3  # periods or clinicians freed; grows when a round is proven fast, shrinks when not
    rounds = better = 0
    while time.monotonic() < deadline - 0.5:
        rounds += 1
        if kind == "staff":
            chosen = set(rng.sample(clinicians, min(len(clinicians), size)))
            fixed = [i for i in period if staff.get(i) not in chosen]
        else:
            shape = rng.choice(["days", "block", "random"])
            if shape == "days":
                some = rng.sample(days, max(1, min(len(days), size // len(blocks))))
                free = {(d, b) for d in some for b in blocks}
            elif shape == "block":
                b = rng.choice(blocks)
                free = {(d, b) for d in rng.sample(days, min(len(days), size))}
            else:
                free = set(rng.sample(periods, min(len(periods), size)))
            fixed = [i for i, pb in period.items() if pb not in free]
        left = min(args.round, deadline - time.monotonic())
        params = {"num_workers": 1, "max_time_in_seconds": left, "random_seed": args.seed}
        solver, status = solve_once(fixed_copy(built.model, values, fixed), params)
        if status in ("OPTIMAL", "FEASIBLE") and solver.objective_value < best - 1e-6:
            best, values = solver.objective_value, list(solver.response_proto.solution)
            better += 1
        if status == "OPTIMAL" and solver.wall_time < args.round / 3:
            size += 1
        elif status != "OPTIMAL" and size > 1:
            size -= 1
    return best, rounds, better


if __name__ == "__main__":
    main()
