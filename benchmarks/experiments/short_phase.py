"""Experiment: a short first phase on M weeks, for a faster descent in the first seconds.

On M weeks the search's first roster (feasibility jump's, about 1,420 on M-120p-s1)
sits far above HiGHS's one roster (874 at 3.8 s), and ours reaches HiGHS's only after
6-7 s: the two ratios above 1 in session-26's run. L weeks start on home blocks and one
family per block (restriction.py) and have a good roster at once; M weeks measured that
phase at half and 0.8 of the time (worse at 60 s), never briefly. Arms as in
first_phase.py's ``arm_options`` (``none``: the whole week from the start; ``off:SHARE``
home blocks alone until the first roster, then one family per block; ``on:SHARE`` one
family per block from the start; ``:plain`` without the phased parameters), every week
from ``--from 0``; ``shipped``: the solve as it stands, whose ``BRIEF_PHASE`` came of
this experiment (``on:0.1``). Each row: the best roster at each checkpoint, and when the
search first reached the HiGHS peer's roster of session-26's run.

Run: cd benchmarks/experiments && ../../.venv/bin/python short_phase.py M --arms none,off:0.1,on:0.1
     cd benchmarks/experiments && ../../.venv/bin/python short_phase.py M --arms on:0.1:plain --seed 1
     cd benchmarks/experiments && ../../.venv/bin/python short_phase.py M --arms on:0.1 --load-first 0
     cd benchmarks/experiments && ../../.venv/bin/python short_phase.py M --arms none --week-seeds 4,5
     cd benchmarks/experiments && ../../.venv/bin/python short_phase.py M --weeks 3 \
        --arms on:0.05,on:0.1,on:0.2
"""

from __future__ import annotations

from common import HIGHS_PEER, final_cell, objective_cells, progress_recorder, reached_at
from first_phase import arm_options, family_weeks, phase_parser

from optimizer import solve as solving

CELLS = (2, 4, 6, 10, 30, 60)


def main() -> None:
    parser = phase_parser(
        __doc__, "none,shipped", "comma-separated none, shipped, or on/off:SHARE[:plain]", 0
    )
    args = parser.parse_args()
    print(f"| week | arm | {' | '.join(f'at {c} s' for c in CELLS)} | final | to HiGHS's roster (s) |")
    for arm in args.arms.split(","):
        options = arm_options(arm, args)
        for week in family_weeks(args):
            events: list[tuple[float, float]] = []
            result = solving.solve(week.scenario(), options, on_progress=progress_recorder(events))
            target = HIGHS_PEER.get(week.name)
            reached = reached_at(events, target[0]) if target else None
            when = "—" if reached is None else f"{reached:.1f}"
            cells = objective_cells(events, CELLS)
            print(f"| {week.name} | {arm} | {cells} | {final_cell(result)} | {when} |", flush=True)


if __name__ == "__main__":
    main()
