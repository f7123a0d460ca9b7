"""Experiment: the first phase on home blocks, with or without one family per clinician, at a share.

Each arm is ``off:SHARE`` (home blocks alone, the phase taking up to SHARE of the time
limit: ``RESTRICTED_SHARE`` in solve.py) or ``on:SHARE`` (each clinician also kept to one
family per block, ``one_family_per_block`` in restriction.py, at ``ONE_FAMILY_SHARE``).
Every week of the family runs through ``solve`` itself in each arm with the same seed, so
the arms differ in those settings only. On L weeks continuity (S2) was 46-52 in a 60 s
roster against 22 minimised alone: the ``on`` arms ask whether giving the first phase
that shape pays.

On weeks below ``RESTRICT_FROM`` patients (S, M) the solve has no first phase; ``--from 0``
gives them one, and the arm ``none`` runs them as shipped, for comparison.

Run: .venv/bin/python benchmarks/experiments/first_phase.py L --arms off:0.5,off:0.8,off:0.3
     .venv/bin/python benchmarks/experiments/first_phase.py L --arms off:0.5,on:0.8 --seed 1
     .venv/bin/python benchmarks/experiments/first_phase.py M --from 0 --arms none,on:0.5
     .venv/bin/python benchmarks/experiments/first_phase.py XL --arms on:0.8 --load-first 0 --seconds 300
"""

from __future__ import annotations

import argparse
from functools import partial

from common import add_week_seeds_option, named, week_seeds

from optimizer import solve as solving
from optimizer.bench.suites import BenchWeek, load_suites
from optimizer.restriction import RESTRICT_FROM


def _note_roster(into: list[float], progress: solving.Progress) -> None:
    """Keep the search's clock at each report that carries a roster."""
    if progress.objective is not None:
        into.append(progress.elapsed)


def solve_week(week: BenchWeek, options: solving.SolveOptions) -> tuple[solving.SolveResult, str]:
    """Solve a week through ``solve`` itself; the result and when its first roster came."""
    firsts: list[float] = []  # the search's clock at each progress report with a roster
    result = solving.solve(week.scenario(), options, on_progress=partial(_note_roster, firsts))
    return result, f"first roster at {min(firsts):.1f} s of search" if firsts else "no roster"


def outcome(result: solving.SolveResult) -> str:
    """A solve's roster and its gap, for an experiment's line: ``2172 (gap 4.3 %)``."""
    if result.objective is None:
        return "no roster"
    gap = f"{100 * result.gap:.1f} %" if result.gap is not None else "-"
    return f"{result.objective:g} (gap {gap})"


def arm_parser(doc: str, arms: str, arms_help: str) -> argparse.ArgumentParser:
    """The arguments of every experiment here that runs a family's weeks arm by arm."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("family", help="a family of benchmarks/suites.yaml")
    parser.add_argument("--arms", default=arms, help=arms_help)
    parser.add_argument("--weeks", type=int, default=None, help="only the first N weeks of the family")
    parser.add_argument("--only", default=None, help="only these weeks of the family, e.g. riverbend")
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--seed", type=int, default=0)
    add_week_seeds_option(parser)
    return parser


def family_weeks(args: argparse.Namespace) -> list[BenchWeek]:
    """The family's weeks an experiment runs (the suites file's, or those of ``--week-seeds``):
    the first ``--weeks``, then those ``--only`` names."""
    weeks = load_suites(week_seeds=week_seeds(args.week_seeds))[args.family]
    return named(weeks[: args.weeks], args.only)


SHIPPED = {
    name: getattr(solving, name)
    for name in (
        "LOAD_FIRST_SHARE",
        "PHASED_PRESOLVE",
        "PHASED_SEARCH",
        "ONE_FAMILY_BELOW",
        "RESTRICTED_SHARE",
        "ONE_FAMILY_SHARE",
    )
}
"""The module values of solve.py that arms change, as shipped: each arm starts from them, so
no arm inherits the one before it (a ``shipped`` arm after ``on:0.1:plain`` would have run
without the phased parameters)."""


def phase_parser(doc: str, arms: str, arms_help: str, start: int) -> argparse.ArgumentParser:
    """``arm_parser`` with ``--from`` (patients from which a first phase runs; default
    ``start``) and ``--load-first``, as ``arm_options`` reads them."""
    parser = arm_parser(doc, arms, arms_help)
    parser.add_argument(
        "--from", dest="start", type=int, default=start, help="patients from which a first phase runs"
    )
    parser.add_argument(
        "--load-first", type=float, default=None, help="LOAD_FIRST_SHARE (0: no load-first step)"
    )
    return parser


def arm_options(arm: str, args: argparse.Namespace) -> solving.SolveOptions:
    """The solve of one arm (``shipped``, ``none`` or ``MODE:SHARE[:plain]``), from the shipped module values.

    ``shipped`` is the solve as it stands. ``:plain`` leaves out ``PHASED_PRESOLVE`` and
    ``PHASED_SEARCH``. Every other arm runs without ``BRIEF_PHASE`` (solve.py), which would
    otherwise set M weeks' phase itself. ``--load-first`` applies to every arm.
    """
    for name, value in SHIPPED.items():
        setattr(solving, name, value)
    if args.load_first is not None:
        solving.LOAD_FIRST_SHARE = args.load_first
    if arm == "shipped":
        return solving.SolveOptions(time_limit=args.seconds, workers=2, seed=args.seed)
    start = None if arm == "none" else args.start  # None: no first phase at all
    options = solving.SolveOptions(
        time_limit=args.seconds, workers=2, seed=args.seed, restrict_from=start, brief_phase=None
    )
    if start is not None:
        mode, share, *rest = arm.split(":")
        if "plain" in rest:
            solving.PHASED_PRESOLVE, solving.PHASED_SEARCH = {}, {}
        # Read by _search at each solve: below ONE_FAMILY_BELOW patients the restriction is on.
        solving.ONE_FAMILY_BELOW = 10**9 if mode == "on" else 0
        solving.RESTRICTED_SHARE = solving.ONE_FAMILY_SHARE = float(share)
    return options


def main() -> None:
    parser = phase_parser(
        __doc__, "off:0.5,on:0.8", "comma-separated none, off:SHARE or on:SHARE", RESTRICT_FROM
    )
    args = parser.parse_args()
    for arm in args.arms.split(","):
        options = arm_options(arm, args)
        for week in family_weeks(args):
            result, first = solve_week(week, options)
            print(f"{arm}: {week.name} {outcome(result)}, {first}, {result.terms}", flush=True)


if __name__ == "__main__":
    main()
