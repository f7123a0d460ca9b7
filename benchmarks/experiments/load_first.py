"""Experiment: the first phase settles load balance (S4) alone before the week's objective, or not.

Each arm is a share of the time limit for that step (``LOAD_FIRST_SHARE`` in solve.py; 0
turns it off). Every week of the family runs through ``solve`` itself in each arm with the
same seed, so the arms differ in that setting only. On L weeks 60 s rosters carried a load
term of 167-214 where the term minimised alone reaches 152.

Run: .venv/bin/python benchmarks/experiments/load_first.py L --arms 0,0.1 --seed 0
"""

from __future__ import annotations

from first_phase import arm_parser, family_weeks, solve_week  # this folder is on a script's path

from optimizer import solve as solving


def main() -> None:
    parser = arm_parser(__doc__, "0,0.1", "comma-separated shares of the time limit")
    parser.add_argument("--terms", default="load_balance", help="terms the step settles, in turn")
    args = parser.parse_args()
    solving.FIRST_TERMS = tuple(args.terms.split(","))
    weeks = family_weeks(args)
    for arm in args.arms.split(","):
        solving.LOAD_FIRST_SHARE = float(arm)  # read by _search at each solve
        for week in weeks:
            options = solving.SolveOptions(time_limit=args.seconds, workers=2, seed=args.seed)
            result, first = solve_week(week, options)
            print(
                f"{week.name} load-first {arm} seed {args.seed}: {result.objective} "
                f"(bound {result.best_bound}, {first}) {result.terms}",
                flush=True,
            )


if __name__ == "__main__":
    main()
