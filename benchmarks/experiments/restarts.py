"""Experiment: one search for the whole time limit, or several independent shorter ones.

On M weeks a 60 s roster is mostly decided by 30 s (nine runs of the three generated
weeks, seeds 0-2: 760 -> 757, 773 -> 762, 723 -> 721, 713 -> 709, 702 -> 702, 728 -> 718,
766 -> 732, 728 -> 728, 739 -> 734 between 30 and 60 s), and where a run ends depends
on its seed far more than on its length: in that sample the best of two 30 s runs was
0.7 % below the mean of the 60 s runs. Each arm is a number of runs that split the time
limit evenly, with seeds ``seed``, ``seed + 1000``, ...; the arm keeps the best roster and
the highest bound of its runs (each run proves a bound of the same model). Every run
goes through ``solve`` itself. Measured on M with seeds 0-4 and left out (benchmarks/JOURNAL.md, "Two
runs of half the time").

Run: .venv/bin/python benchmarks/experiments/restarts.py M --arms 2,1 --seed 0
"""

from __future__ import annotations

from first_phase import arm_parser, family_weeks, solve_week  # this folder is on a script's path

from optimizer import solve as solving


def main() -> None:
    parser = arm_parser(__doc__, "2,1", "comma-separated numbers of runs")
    args = parser.parse_args()
    weeks = family_weeks(args)
    for arm in (int(a) for a in args.arms.split(",")):
        for week in weeks:
            ends, bounds = [], []
            for run in range(arm):
                options = solving.SolveOptions(
                    time_limit=args.seconds / arm, workers=2, seed=args.seed + 1000 * run
                )
                result, _ = solve_week(week, options)
                ends.append(result.objective)
                bounds.append(result.best_bound)
            found = [e for e in ends if e is not None]
            best = min(found) if found else None
            bound = max((b for b in bounds if b is not None), default=None)
            print(
                f"{week.name} runs {arm} seed {args.seed}: {best} (bound {bound}; runs {ends})",
                flush=True,
            )


if __name__ == "__main__":
    main()
