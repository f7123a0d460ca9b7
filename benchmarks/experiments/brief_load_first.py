"""Experiment: how much of the brief first phase (M weeks) the load-first step may take.

On 100-199-patient weeks the brief phase (``BRIEF_PHASE``) has a tenth of the time, and
its load-first step (``_load_first``: load balance alone on the restricted week) may take
the same tenth. On the tuned M weeks the step proves its optimum in a second or two and
the phase searches the week's objective for the rest; on two weeks nothing was tuned on
(M-120p-s7, M-120p-s8) the step ran the whole tenth without a proof, the rosters it
reported (load balance alone minimised) stood at 1,080-1,106 until 6 s, and ours reached
HiGHS's one roster later than HiGHS did (ratio 1.09 on M-120p-s8). Each arm is the step's
share of the time limit in the brief phase (``BRIEF_LOAD_FIRST_SHARE``, read by ``_search``
at each solve; 0.1 was the code before it, 0.05 as shipped; the phase keeps ``BRIEF_SHARE``);
every week runs through ``solve`` itself, same seed.

Printed per week and arm: the objective at a few checkpoints, the end, the bound, and when
the roster first reached the HiGHS peer's one roster of that week (weeks in ``HIGHS_ROSTERS``).

Run: cd benchmarks/experiments && ../../.venv/bin/python brief_load_first.py \
         --weeks M-120p-s1,M-120p-s2,M-120p-s3 --arms 0.1,0.05
     ../../.venv/bin/python brief_load_first.py --week-seeds 7,8 --weeks M-120p-s7,M-120p-s8 --arms 0.1,0.05
"""

from __future__ import annotations

import argparse

from common import (
    HIGHS_PEER,
    add_week_seeds_option,
    objective_cells,
    progress_recorder,
    reached_at,
    week_seeds,
    weeks_by_name,
)

from optimizer import solve as solving

HIGHS_ROSTERS = {
    **{week: objective for week, (objective, _) in HIGHS_PEER.items()},
    "M-120p-s6": 825,
    "M-120p-s7": 1030,
    "M-120p-s8": 924,
    "M-120p-s9": 881,
}
"""Week -> the objective of the HiGHS peer's one roster: ``HIGHS_PEER``'s weeks, and the weeks of
seeds 6-9 (benchmarks/results/session-36 and -37)."""

CHECKPOINTS = (5.0, 7.0, 10.0, 20.0, 60.0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--weeks", required=True, help="comma-separated week names")
    add_week_seeds_option(parser)
    parser.add_argument("--arms", default="0.1,0.05", help="comma-separated shares for the load-first step")
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    weeks = weeks_by_name(week_seeds(args.week_seeds))
    heads = " | ".join(f"at {c:g} s" for c in CHECKPOINTS)
    print(f"| week | load-first share | {heads} | final | bound | HiGHS's roster reached at |")
    print("|---|---|" + "---:|" * (len(CHECKPOINTS) + 3))
    shipped = solving.BRIEF_LOAD_FIRST_SHARE
    try:
        for name in args.weeks.split(","):
            scenario = weeks[name].scenario()
            for arm in args.arms.split(","):
                solving.BRIEF_LOAD_FIRST_SHARE = float(arm)
                events: list[tuple[float, float]] = []
                options = solving.SolveOptions(time_limit=args.seconds, workers=2, seed=args.seed)
                result = solving.solve(scenario, options, on_progress=progress_recorder(events))
                target = HIGHS_ROSTERS.get(name)
                when = reached_at(events, target) if target is not None else None
                reached = "—" if when is None else f"{when:.1f} s"
                print(
                    f"| {name} | {arm} | {objective_cells(events, CHECKPOINTS)} | {result.objective:,.0f} "
                    f"| {result.best_bound:,.0f} | {reached} |",
                    flush=True,
                )
    finally:
        solving.BRIEF_LOAD_FIRST_SHARE = shipped


if __name__ == "__main__":
    main()
