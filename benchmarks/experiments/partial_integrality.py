"""Experiment: which variables' integrality the bound is missing — the model's relaxation
with only some kinds of variable integer, solved by HiGHS's MIP.

The LP relaxation of the model is far below the optimum on some weeks (S-30p-s3: 201
against 207), and neither solver closes the gap quickly. Making one kind of variable
integer at a time (by the name the model gives it: ``open``, ``attend``, ``leads`` ...)
and leaving the rest continuous says where the gap lives: if sessions alone integer
give most of the optimum, a reformulation or cuts over session counts is the lever; if
only the patients' attendance does, it is the seats. Each arm's printed bound is
HiGHS's dual bound after the time limit (the optimum of that partial relaxation when
proven), and is a valid lower bound on the week.

Run: cd benchmarks/experiments && ../../.venv/bin/python partial_integrality.py S-30p-s3 \
        --arms lp,open,attend,open+attend,all --seconds 60
"""

from __future__ import annotations

import argparse
import time
from collections import Counter

import highspy
from common import add_highs_option, highs_options, weeks_by_name
from mip_of_model import _tracer

from optimizer.instance import Instance
from optimizer.model import RosterModel
from optimizer.relaxation import ROOT_NODE_ONLY, linearize


def kinds(built: RosterModel) -> list[str]:
    """Each variable's kind: its name up to the first bracket (``open[Mon,...]`` -> ``open``)."""
    return [v.name.partition("[")[0] or "unnamed" for v in built.model.proto.variables]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("weeks", nargs="+", help="weeks of benchmarks/suites.yaml, e.g. S-30p-s3")
    parser.add_argument(
        "--arms",
        default="lp,open,attend,open+attend,all",
        help="comma-separated; each a '+'-joined list of variable kinds made integer ('all', 'lp' = none, "
        "'-attend' = every kind but attend)",
    )
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--root", action="store_true", help="HiGHS's root node only, no heuristics")
    parser.add_argument("--trace", action="store_true", help="print HiGHS's bound each time it rises")
    add_highs_option(parser)
    args = parser.parse_args()
    weeks = weeks_by_name()
    for name in args.weeks:
        built = RosterModel(Instance(weeks[name].scenario()))
        kind_of = kinds(built)
        print(f"{name}: variables by kind {dict(Counter(kind_of))}", flush=True)
        relaxation = linearize(built.model)
        for arm in args.arms.split(","):
            chosen = set(arm.lstrip("-").split("+"))
            if arm == "all":
                integer = [True] * len(kind_of)
            elif arm.startswith("-"):
                integer = [kind not in chosen for kind in kind_of]
            else:  # "lp" matches no kind: every variable continuous
                integer = [kind in chosen for kind in kind_of]
            lp = relaxation.highs_lp()
            lp.integrality_ = [
                highspy.HighsVarType.kInteger if i else highspy.HighsVarType.kContinuous for i in integer
            ]
            h = highspy.Highs()
            h.setOptionValue("output_flag", False)
            h.setOptionValue("time_limit", args.seconds)
            h.setOptionValue("mip_rel_gap", 0.0)
            for key, value in (ROOT_NODE_ONLY if args.root else {}).items():
                h.setOptionValue(key, value)
            for key, value in highs_options(args.highs).items():
                h.setOptionValue(key, value)
            h.passModel(lp)
            started = time.monotonic()
            if args.trace:
                h.cbMipInterrupt.subscribe(_tracer(f"{name} {arm}", started))
            h.run()
            seconds = time.monotonic() - started
            info = h.getInfo()
            if any(integer):
                bound, value = info.mip_dual_bound, info.objective_function_value
            else:
                bound = value = info.objective_function_value
            print(
                f"  {arm:>24}: {sum(integer)} integer, {h.modelStatusToString(h.getModelStatus())} "
                f"bound {bound:.2f} value {value:.2f} in {seconds:.1f} s",
                flush=True,
            )


if __name__ == "__main__":
    main()
