"""Experiment: how far a roster is from the best one with the same group sessions.

M rosters at 60 s spread by 10-20 points from one seed to the next (M-120p-s1 720-739),
and the runs that end high stall for most of the minute with their session count at the
minimum (52) and their preferences (S5) 6-8 higher than in the runs that end low. Is the
trap in which sessions run (and who leads them), or in who attends them? Solve the week
as ``iop-roster solve`` does for ``--first`` seconds, then search ``--second`` seconds
more in two ways, both from that roster (every decision hinted):

- ``held``: every session held open or closed as the roster has it (its day, block, type,
  track and leader), attendance, appointments and rooms free; the bound of this search
  is the best any roster on those sessions can reach;
- ``whole``: the whole week, nothing held (what more search time gives);
- with ``--free``, one more search per block and per day, ``--step`` seconds each: every
  session held but those of that block (every day) or that day (every block), which are
  free to open, close or change leader: neighbourhoods over the sessions themselves
  (``--days 2``: each two days' sessions in place of each day's);
- with ``--descent``, those neighbourhoods in turn, each from the best roster so far, for
  ``--second`` seconds in all (against ``whole``'s same time).

When ``held`` reaches far below the roster in seconds, the search's neighbourhoods miss
moves of attendance alone, and a step that searches the roster's sessions exactly would
pay; when its bound sits at the roster, the sessions are the trap.

Run (in benchmarks/experiments):
     ../../.venv/bin/python sessions_held.py M --first 45 --second 15
     ../../.venv/bin/python sessions_held.py M --first 45 --second 15 --free --step 5
     ../../.venv/bin/python sessions_held.py M --first 45 --second 15 --descent --days 2 --step 5
"""

from __future__ import annotations

import argparse
import itertools
import time
from collections.abc import Callable

from common import searched
from ortools.sat.python import cp_model

from optimizer.bench.suites import load_suites, select
from optimizer.instance import Instance, SessionCandidate
from optimizer.model import RosterModel
from optimizer.roster import Roster
from optimizer.scenario import Scenario
from optimizer.solve import SolveOptions, hint_all, solve


def held_search(
    scenario: Scenario,
    start: Roster | cp_model.CpSolver,
    seed: int,
    seconds: float,
    free: Callable[[SessionCandidate], bool],
) -> tuple[str, float | None, float, cp_model.CpSolver]:
    """Search from ``start`` (a roster, or a solver's last solution of this week's model) with
    every session it does or does not run held, but those ``free`` says are free:
    (status, roster found or None, bound, the solver)."""
    built = RosterModel(Instance(scenario))  # built alike every time: variable i is the same variable
    if isinstance(start, Roster):
        built.hint_roster(start)
        on = built.roster_values(start)
        held = {s: int(var in on) for s, var in built.open.items()}
    else:
        hint_all(built.model, start)
        held = {s: int(start.value(var)) for s, var in built.open.items()}
    for s, var in built.open.items():
        if not free(built.candidates[s]):
            built.model.add(var == held[s])
    solver, status, objective = searched(built.model, seed, seconds)
    return status, objective, solver.best_objective_bound, solver


def neighbourhoods(scenario: Scenario, days: int = 1) -> list[tuple[str, Callable[[SessionCandidate], bool]]]:
    """Each block's sessions (every day), then each day's (every block); with ``days`` 2,
    each two days' sessions in place of each day's."""
    inst = Instance(scenario)
    parts: list[tuple[str, Callable[[SessionCandidate], bool]]] = [
        (name, lambda c, b=b: c.block == b) for b, name in enumerate(inst.blocks)
    ]
    for chosen in itertools.combinations(range(len(inst.days)), days):
        name = "+".join(inst.days[d] for d in chosen)
        parts.append((name, lambda c, chosen=chosen: c.day in chosen))
    return parts


def descent(
    scenario: Scenario, roster: Roster, seed: int, seconds: float, step: float, days: int = 1
) -> tuple[float, list[str]]:
    """Round after round of ``neighbourhoods``, each from the best roster so far, for ``seconds``:
    the best roster's objective and the steps that improved it."""
    started = time.monotonic()
    start: Roster | cp_model.CpSolver = roster
    best = float(roster.solver.objective)
    steps: list[str] = []
    stuck = 0  # neighbourhoods in a row without a better roster
    parts = neighbourhoods(scenario, days)
    for name, free in itertools.cycle(parts):
        left = seconds - (time.monotonic() - started)
        if left < 0.5 or stuck >= len(parts):
            break
        _status, objective, _bound, solver = held_search(scenario, start, seed, min(step, left), free)
        if objective is not None and objective < best - 0.5:
            steps.append(f"{name} {objective:.0f} at {time.monotonic() - started:.1f} s")
            best, start, stuck = objective, solver, 0
        else:
            stuck += 1
    return best, steps


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("suite", help="comma-separated families, e.g. M")
    parser.add_argument("--first", type=float, default=45.0, help="seconds of the usual solve")
    parser.add_argument("--second", type=float, default=15.0, help="seconds of each continuation")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--free", action="store_true", help="also free one block's or one day's sessions")
    parser.add_argument("--days", type=int, default=1, help="days freed together (1 or 2)")
    parser.add_argument("--step", type=float, default=5.0, help="seconds of each --free or --descent search")
    parser.add_argument("--descent", action="store_true", help="those neighbourhoods in turn too")
    args = parser.parse_args()
    print("| week | roster (bound) | held: roster / bound / status | whole: roster / bound |")
    print("|---|---|---|---|")
    for week in select(load_suites(), args.suite.split(",")):
        scenario = week.scenario()
        first = solve(scenario, SolveOptions(time_limit=args.first, workers=2, seed=args.seed))
        assert first.roster is not None, f"{week.name}: no roster in {args.first} s"
        clock = time.monotonic()
        held = held_search(scenario, first.roster, args.seed, args.second, lambda c: False)
        held_s = time.monotonic() - clock
        whole = held_search(scenario, first.roster, args.seed, args.second, lambda c: True)
        print(
            f"| {week.name} | {first.objective:.0f} ({first.best_bound:.0f}) "
            f"| {shown(held)} / {held[0]} in {held_s:.1f} s "
            f"| {shown(whole)} |",
            flush=True,
        )
        if args.free:
            found = [
                f"{name} {shown(held_search(scenario, first.roster, args.seed, args.step, free))}"
                for name, free in neighbourhoods(scenario, args.days)
            ]
            print("|  | free: " + ", ".join(found) + " | | |", flush=True)
        if args.descent:
            best, steps = descent(scenario, first.roster, args.seed, args.second, args.step, args.days)
            print(f"|  | descent: {best:.0f} ({'; '.join(steps) or 'no step'}) | | |", flush=True)


def shown(result: tuple[str, float | None, float, cp_model.CpSolver]) -> str:
    """``roster / bound`` of a search's result."""
    _status, objective, bound, _solver = result
    return f"{'none' if objective is None else f'{objective:.0f}'} / {bound:.0f}"


if __name__ == "__main__":
    main()
