"""Experiment: two half-length searches, then a search where their rosters disagree.

M rosters at 60 s spread by 10-20 points from one seed to the next (M-120p-s1 720-739), and
two independent 30 s runs kept at their best were measured and left out ("Two runs of half
the time"). Two rosters of different seeds may each be good in different parts of the week,
though: a *crossover* holds every group decision the two agree on (each session open or
closed, each seat taken or not) and searches the rest from the better one, appointments
and rooms free. The crossover's objective is CP-SAT's on the week's model, as in the other
experiments here; its rosters are not written.

Arms: ``base`` (one ``solve`` of the whole time), ``cross:F`` (two ``solve`` runs of F of
the time each, seeds ``seed`` and ``seed + 1000``, then the crossover for what is left,
on the tuned portfolio).

Run (in benchmarks/experiments):
     ../../.venv/bin/python crossover.py M --arms base,cross:0.4 --seed 0

Measured 2026-12-07 (AMD EPYC), seed 0, ``cross:0.45``: M-120p-s1 / s2 / s3 / Riverbend runs
of 27 s at 744 and 755, 711 and 717, 745 and 768, 437 and 458; their rosters disagree on
482-718 of 3,203-4,796 group decisions, and the crossover of each pair is solved in 0.3-6 s
(three proven optimal): 743 / 711 / 743 / 436, 0-2 points below the better run, where a
single 60 s solve ends at 720-745 / 698-727 / 727-749 / 436 (journal, session-39).
"""

from __future__ import annotations

import time

from common import searched
from first_phase import arm_parser, family_weeks

from optimizer import solve as solving
from optimizer.instance import Instance
from optimizer.model import RosterModel
from optimizer.roster import Roster
from optimizer.scenario import Scenario


def crossover(
    scenario: Scenario, first: Roster, second: Roster, seed: int, seconds: float
) -> tuple[float, str]:
    """The crossover of two rosters, ``first`` the better: (its objective, a note on the held share)."""
    built = RosterModel(Instance(scenario))
    built.hint_roster(first)
    on_a, on_b = built.roster_values(first), built.roster_values(second)
    held = free = 0
    for group in (built.open, built.attend, built.seat):
        for var in group.values():
            a, b = var in on_a, var in on_b
            if a == b:
                built.model.add(var == int(a))
                held += 1
            else:
                free += 1
    started = time.monotonic()
    solver, status, objective = searched(built.model, seed, seconds)
    took = time.monotonic() - started
    if objective is None:
        return float("inf"), f"{status} after {took:.1f} s ({free} of {held + free} group decisions free)"
    note = f"{status} {objective:.0f} in {took:.1f} s, bound {solver.best_objective_bound:.0f}"
    return objective, f"{note} ({free} of {held + free} group decisions free)"


def main() -> None:
    parser = arm_parser(__doc__, "base,cross:0.4", "base, cross:F")
    args = parser.parse_args()
    weeks = family_weeks(args)
    for arm in args.arms.split(","):
        for week in weeks:
            scenario = week.scenario()
            if arm == "base":
                result = solving.solve(
                    scenario, solving.SolveOptions(time_limit=args.seconds, workers=2, seed=args.seed)
                )
                print(f"{arm} {week.name}: {result.objective:.0f} / {result.best_bound:.0f}", flush=True)
                continue
            share = float(arm.split(":")[1])
            runs = [
                solving.solve(
                    scenario,
                    solving.SolveOptions(time_limit=share * args.seconds, workers=2, seed=args.seed + k),
                )
                for k in (0, 1000)
            ]
            runs.sort(key=lambda r: r.objective)
            left = args.seconds * (1 - 2 * share)
            value, note = crossover(scenario, runs[0].roster, runs[1].roster, args.seed, left)
            best = min(value, runs[0].objective)
            print(
                f"{arm} {week.name}: {best:.0f} (runs {runs[0].objective:.0f}, {runs[1].objective:.0f}; "
                f"crossover {note})",
                flush=True,
            )


if __name__ == "__main__":
    main()
