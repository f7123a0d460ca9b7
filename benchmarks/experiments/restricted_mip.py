"""Experiment: HiGHS's MIP on a small week kept to its patients' home blocks.

S-30p-s2's proof waits for the search's roster of 195, whose last step is putting a split
patient back into one block (JOURNAL, *Where the last steps of a small week's search go*).
The first phase of large weeks forbids every group outside a patient's home blocks
(restriction.py); if the small weeks' optima lay inside them, HiGHS could find them on the
smaller week in a few seconds, and its MIP below that roster would prove the week. Per
week and arm (``home``: home blocks; ``home+family``: one family per clinician and block as
well; ``whole``: the week itself), HiGHS's MIP as the small weeks' MIP thread runs it,
for ``--seconds``: when it ended, its best roster (time, objective) and its last bound.
With ``--root``, HiGHS's root node alone as L's bound thread runs it (no roster): what
the restriction costs a large week's bound.

Run: cd benchmarks/experiments && ../../.venv/bin/python restricted_mip.py \
        S-30p-s1,S-30p-s2,S-30p-s3,lighthouse-small
     ../../.venv/bin/python restricted_mip.py L-400p-s1 --root --seconds 120 --arms home+family,whole
"""

from __future__ import annotations

import argparse
import time

from common import weeks_by_name
from ortools.sat.python import cp_model

from optimizer.instance import Instance
from optimizer.model import RosterModel
from optimizer.relaxation import BoundSolver, linearize
from optimizer.restriction import restricted_model

ARMS = ("home", "home+family", "whole")
Point = tuple[float, float]


def mip_run(
    model: cp_model.CpModel, seconds: float, root: bool = False
) -> tuple[float, Point | None, Point | None]:
    """HiGHS's MIP on ``model`` for at most ``seconds`` (``root``: its root node alone):
    (seconds taken, best roster as (seconds, objective), last bound as (seconds, bound))."""
    started = time.monotonic()

    def since() -> float:
        return round(time.monotonic() - started, 1)

    rosters: list[Point] = []
    bounds: list[Point] = []
    relaxation = linearize(model)

    def on_bound(bound: float) -> None:
        bounds.append((since(), bound))

    if root:
        BoundSolver().root_bound(relaxation, seconds, on_bound)
    else:
        BoundSolver().branch_and_bound(
            relaxation, seconds, on_bound, lambda value, _values: rosters.append((since(), round(value, 1)))
        )
    best = min(rosters, key=lambda r: r[1]) if rosters else None
    return since(), best, bounds[-1] if bounds else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("weeks", help="comma-separated weeks of benchmarks/suites.yaml")
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--root", action="store_true", help="the root node alone (the bound, no roster)")
    parser.add_argument("--arms", default=",".join(ARMS), help=f"comma-separated, of {', '.join(ARMS)}")
    args = parser.parse_args()
    weeks = weeks_by_name()
    for name in args.weeks.split(","):
        for arm in args.arms.split(","):
            built = RosterModel(Instance(weeks[name].scenario()))
            model = built.model if arm == "whole" else restricted_model(built, arm == "home+family")
            if model is None:
                print(f"{name} {arm}: no patient kept to home blocks", flush=True)
                continue
            took, best, last = mip_run(model, args.seconds, args.root)
            print(f"{name} {arm}: {took:.1f} s, best {best}, last bound {last}", flush=True)


if __name__ == "__main__":
    main()
