"""Experiment: how many variables the LP's reduced costs fix at the gaps the search leaves.

Reduced-cost fixing: with row multipliers y, every roster x costs at least the weak-duality
bound of y plus rc_j (x_j - l_j) for each variable j of reduced cost rc_j > 0 (and
rc_j (x_j - u_j) for rc_j < 0), so a binary whose |rc_j| exceeds incumbent - bound can
take its other value in no better roster. CP-SAT does this with its own LP, which on L
weeks never finishes (relaxation.py); HiGHS's interior point gives y in seconds. How many
binaries would that fix, at gaps of the size the search leaves (about 15 on M, 80 on L)?

Run (in benchmarks/experiments): ../../.venv/bin/python reduced_costs.py M-120p-s1:5,10,15 L-400p-s1:20,40,80
"""

from __future__ import annotations

import sys
import time
from collections import Counter

import highspy
import numpy as np
from common import weeks_by_name

from optimizer.instance import Instance
from optimizer.model import RosterModel
from optimizer.relaxation import LP_OPTIONS, linearize


def main() -> None:
    weeks = weeks_by_name()
    for spec in sys.argv[1:]:
        name, _, gaps = spec.partition(":")
        built = RosterModel(Instance(weeks[name].scenario()))
        relaxation = linearize(built.model)
        h = highspy.Highs()
        for option, value in {"output_flag": False, **LP_OPTIONS}.items():
            h.setOptionValue(option, value)
        started = time.monotonic()
        h.passModel(relaxation.highs_lp())
        h.run()
        y = relaxation.usable(np.array(h.getSolution().row_dual))
        bound = relaxation.dual_bound(y)
        reduced = relaxation.reduced_costs(y)
        binary = (relaxation.lower == 0) & (relaxation.upper == 1)
        kinds = [v.name.split("[")[0] for v in built.model.proto.variables]
        print(f"{name}: bound {bound:.2f} in {time.monotonic() - started:.1f} s, {binary.sum()} binaries")
        for gap in (float(g) for g in gaps.split(",")):
            to_zero, to_one = binary & (reduced > gap), binary & (-reduced > gap)
            by_kind = Counter(kinds[j] for j in np.flatnonzero(to_zero | to_one))
            print(f"  gap {gap:g}: {to_zero.sum()} fixed to 0, {to_one.sum()} to 1; {dict(by_kind)}")
        for kind in sorted(set(kinds)):
            rc = reduced[[j for j in np.flatnonzero(binary) if kinds[j] == kind]]
            if len(rc):
                print(
                    f"  {kind}: {len(rc)}, |rc| > 1: {np.sum(abs(rc) > 1)}, > 10: {np.sum(abs(rc) > 10)}, "
                    f"largest {abs(rc).max():.1f}"
                )


if __name__ == "__main__":
    main()
