"""Experiment: when L's root starts, as a share of the time limit (``BOUND_WAIT_SHARE`` in solve.py).

On L weeks the first phase takes up to ``ONE_FAMILY_SHARE`` of the time, so the bound
thread's root waits until ``BOUND_WAIT_SHARE`` (half) of it has gone by; its LP then takes
about 9 s on a shared core and its cuts the rest of the minute. An earlier start gives the
cuts more time and the search less of a core while its rosters still fall fast. Each arm is
a share; every week runs through ``solve`` as shipped but for it.

Run: cd benchmarks/experiments && ../../.venv/bin/python root_start.py L --arms 0.5,0.35 --seed 0
     ../../.venv/bin/python root_start.py L --arms 0.35 --seed 1 --week-seeds 14,15
"""

from __future__ import annotations

from first_phase import arm_parser, family_weeks, outcome, solve_week

from optimizer import solve as solving

SHIPPED = solving.BOUND_WAIT_SHARE


def main() -> None:
    parser = arm_parser(__doc__, "0.5,0.35", "comma-separated shares of the time limit")
    args = parser.parse_args()
    options = solving.SolveOptions(time_limit=args.seconds, workers=2, seed=args.seed)
    try:
        for arm in args.arms.split(","):
            solving.BOUND_WAIT_SHARE = float(arm)  # read by each solve's bound thread
            for week in family_weeks(args):
                result, first = solve_week(week, options)
                print(f"{arm}: {week.name} {outcome(result)}, bound {result.best_bound}, {first}", flush=True)
    finally:
        solving.BOUND_WAIT_SHARE = SHIPPED


if __name__ == "__main__":
    main()
