"""Experiment: what CP-SAT's presolve costs the searches of a large week.

On XL weeks (1,500 patients) the log of the first phase on home blocks showed 14 s of
presolve (three passes; probing the largest step) before its search started, and the
whole week's search after it 21 s more. Two measures per arm, an arm being CP-SAT
parameters (``base``: none; ``NAME=VALUE[+NAME=VALUE...]``, a list's items joined by ``|``):

- ``--presolve-only``: seconds CP-SAT takes to presolve the first phase's model and the
  whole week's (``stop_after_presolve``, two workers, the first phase's portfolio);
- ``--first-roster``: seconds CP-SAT takes from the first phase's model to its first
  roster (``stop_after_first_solution``; presolve included, model build not), per seed of
  ``--seeds``: the XL target's part that varies with the feasibility-jump search's luck;
- otherwise a solve through ``solve`` with the parameters added to every phase: when the
  first roster came (model build included), the objective at a few checkpoints, the bound.

Run: .venv/bin/python benchmarks/experiments/presolve.py XL --presolve-only \
         --arms base,max_presolve_iterations=1
     .venv/bin/python benchmarks/experiments/presolve.py XL --seconds 60 --arms base,max_presolve_iterations=1
     .venv/bin/python benchmarks/experiments/presolve.py L --week-seeds 4,5 --arms base,num_violation_ls=1
     .venv/bin/python benchmarks/experiments/presolve.py M --only riverbend --seed 5 \
         --arms base,alternative_pool_size=4
     .venv/bin/python benchmarks/experiments/presolve.py S --seed 1 \
         --arms "base,subsolvers=max_lp_sym|max_lp+num_full_subsolvers=2"   # | : a list's comma
     .venv/bin/python benchmarks/experiments/presolve.py XL --first-roster --seeds 0,1,2 \
         --arms base,ignore_subsolvers=feasibility_pump
     .venv/bin/python benchmarks/experiments/presolve.py XL --first-roster --one-family --seeds 0,1 \
         --arms base,use_ls_only=true
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

from common import add_week_seeds_option, final_cell, named, objective_cells, progress_recorder, week_seeds
from ortools.sat.python import cp_model

from optimizer.bench.suites import BenchWeek, load_suites, select
from optimizer.instance import Instance
from optimizer.model import RosterModel
from optimizer.restriction import ONE_FAMILY_BELOW, restricted_model
from optimizer.scenario import Scenario
from optimizer.solve import (
    FIRST_PHASE_PORTFOLIOS,
    SolveOptions,
    configure,
    parse_parameter,
    phased_parameters,
    solve,
)

CHECKPOINTS = (30.0, 60.0, 120.0, 300.0)


def arm_parameters(arm: str) -> dict[str, object]:
    """The CP-SAT parameters of an arm (``base``: none); ``|`` for a list's comma, which separates arms."""
    if arm == "base":
        return {}
    return dict(parse_parameter(part.replace("|", ",")) for part in arm.split("+"))


def first_phase_model(built: RosterModel, one_family: bool | None = None) -> cp_model.CpModel:
    """The restricted copy the first phase of ``solve`` searches (``one_family``: whatever its size says)."""
    if one_family is None:
        one_family = len(built.sc.patients) < ONE_FAMILY_BELOW
    restricted = restricted_model(built, one_family)
    assert restricted is not None, "no patient is kept to home blocks"
    return restricted


def presolve_seconds(week: BenchWeek, arms: list[str]) -> None:
    """Print, per arm, the seconds CP-SAT presolves the first phase's model and the whole week's."""
    built = RosterModel(Instance(week.scenario()))
    models = {"first phase": first_phase_model(built), "whole week": built.model}
    for arm in arms:
        for name, model in models.items():
            solver = cp_model.CpSolver()
            configure(solver, {"num_workers": 2, "stop_after_presolve": True, **FIRST_PHASE_PORTFOLIOS[2],
                               **arm_parameters(arm)})  # fmt: skip
            started = time.monotonic()
            solver.solve(model)
            print(f"| {week.name} | {arm} | {name} | {time.monotonic() - started:.1f} |", flush=True)


def first_roster_seconds(
    week: BenchWeek, arms: list[str], seeds: list[int], one_family: bool | None = None
) -> None:
    """Print, per arm and seed, the seconds to the first phase's first roster (presolve included)."""
    restricted = first_phase_model(RosterModel(Instance(week.scenario())), one_family)
    for arm in arms:
        seconds = []
        for seed in seeds:
            options = SolveOptions(time_limit=120.0, workers=2, seed=seed, parameters=arm_parameters(arm))
            _, first = phased_parameters(options)  # the first phase's, as ``solve`` gives them
            solver = cp_model.CpSolver()
            configure(solver, {**first, "stop_after_first_solution": True})
            started = time.monotonic()
            status = solver.solve(restricted)
            found = status in (cp_model.OPTIMAL, cp_model.FEASIBLE)
            seconds.append(time.monotonic() - started if found else float("inf"))
        cells = " | ".join(f"{s:.1f}" for s in seconds)
        print(f"| {week.name} | {arm} | {cells} | {sum(seconds) / len(seconds):.1f} |", flush=True)


def row_heads(seconds: float) -> str:
    """The header of ``solve_row``'s table for a time limit."""
    heads = " | ".join(f"at {c:.0f} s" for c in CHECKPOINTS if c <= seconds + 30)
    return f"| week | arm | first roster (s) | {heads} | final | bound |"


def solve_row(week: BenchWeek, scenario: Scenario, arm: str, options: SolveOptions) -> None:
    """Solve through ``solve`` and print one row: the first roster's time (model build
    included), the objective at each checkpoint within the time limit, the end."""
    checkpoints = [c for c in CHECKPOINTS if c <= options.time_limit + 30]
    events: list[tuple[float, float]] = []
    result = solve(scenario, options, on_progress=progress_recorder(events))
    first = f"{events[0][0]:.1f}" if events else "—"
    cells = objective_cells(events, checkpoints)
    final = final_cell(result)
    bound = "—" if result.best_bound is None else f"{result.best_bound:,.0f}"
    print(f"| {week.name} | {arm} | {first} | {cells} | {final} | {bound} |", flush=True)


def search(week: BenchWeek, arms: list[str], seconds: float, seed: int) -> None:
    """Print, per arm, the first roster's time, the objective at each checkpoint, the end."""
    scenario = week.scenario()
    for arm in arms:
        solve_row(week, scenario, arm, SolveOptions(time_limit=seconds, workers=2, seed=seed,
                                                    parameters=arm_parameters(arm)))  # fmt: skip


def arms_main(
    doc: str, arms: str, seconds: float, search: Callable[[BenchWeek, list[str], float, int], None]
) -> None:
    """The command line of an experiment whose arms are solves through ``solve``: the
    families, ``--arms``, ``--seconds``, ``--seed``, ``--week-seeds``; ``search`` prints each week's rows."""
    args = week_parser(doc, arms, seconds).parse_args()
    print(row_heads(args.seconds))
    for week in selected_weeks(args):
        search(week, args.arms.split(","), args.seconds, args.seed)


def week_parser(doc: str, arms: str, seconds: float) -> argparse.ArgumentParser:
    """The arguments every command line here shares: the families, ``--arms``, ``--seconds``,
    ``--seed``, ``--week-seeds`` (read back by ``selected_weeks``)."""
    parser = argparse.ArgumentParser(description=doc)
    parser.add_argument("suite", help="comma-separated families, e.g. XL or L,XL")
    parser.add_argument("--arms", default=arms)
    parser.add_argument("--seconds", type=float, default=seconds)
    parser.add_argument("--seed", type=int, default=0)
    add_week_seeds_option(parser)
    parser.add_argument("--only", default=None, help="only these weeks of the families, e.g. riverbend")
    return parser


def selected_weeks(args: argparse.Namespace) -> list[BenchWeek]:
    """The weeks of ``week_parser``'s families, week seeds and ``--only`` names."""
    return named(
        select(load_suites(week_seeds=week_seeds(args.week_seeds)), args.suite.split(",")), args.only
    )


def main() -> None:
    parser = week_parser(__doc__, "base,max_presolve_iterations=1", 60.0)
    parser.add_argument("--presolve-only", action="store_true")
    parser.add_argument("--first-roster", action="store_true")
    parser.add_argument("--seeds", default="0,1,2", help="with --first-roster")
    parser.add_argument(
        "--one-family", action="store_true", help="with --first-roster: one family per block at any size"
    )
    args = parser.parse_args()
    arms = args.arms.split(",")
    seeds = [int(s) for s in args.seeds.split(",")]
    if args.presolve_only:
        print("| week | arm | model | presolve (s) |\n|---|---|---|---:|")
    elif args.first_roster:
        heads = " | ".join(f"seed {s}" for s in seeds)
        print(f"| week | arm | {heads} | mean |")
    else:
        print(row_heads(args.seconds))
    for week in selected_weeks(args):
        if args.presolve_only:
            presolve_seconds(week, arms)
        elif args.first_roster:
            first_roster_seconds(week, arms, seeds, True if args.one_family else None)
        else:
            search(week, arms, args.seconds, args.seed)


if __name__ == "__main__":
    main()
