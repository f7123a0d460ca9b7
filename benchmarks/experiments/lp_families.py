"""Experiment: what each constraint family costs the LP bound's interior point, and what it gives.

On XL weeks (1,500 patients) the LP bound comes at 285-306 s of a 300 s solve: the
interior point takes 82-97 s alone and about 140 s beside CP-SAT's workers. Dropping a
family of rows from the relaxation only relaxes it further, so the bound stays valid;
a family whose rows the bound does not need makes the interior point slower for
nothing. Each hard rule's constraints are the model's own ``RosterModel.rule_rows``; the
valid inequalities of strengthen.py and the goals of ``SOFT_GOALS`` are found by the
range of the model's constraints their functions added. Each family is left out in turn
through ``linearize``'s ``leave_out``, as the solve leaves out ``LP_LEAVES_OUT``, and
solved by HiGHS alone on one core as ``BoundSolver.lower_bound`` runs it.

Run: .venv/bin/python benchmarks/experiments/lp_families.py L-400p-s1 --drop all
     .venv/bin/python benchmarks/experiments/lp_families.py XL-1500p-s1 --drop H5,H6,H9 --together
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from typing import Any

from common import weeks_by_name
from ortools.sat import cp_model_pb2

from optimizer import model as model_module
from optimizer import strengthen as strengthen_module
from optimizer.instance import Instance
from optimizer.model import RosterModel
from optimizer.relaxation import BoundSolver, linearize, snapshot

Spans = dict[str, list[range]]


def _recorded(name: str, function: Callable[..., Any], spans: Spans) -> Callable[..., Any]:
    """``function`` with the range of constraints it adds to the model recorded under ``name``."""

    def wrapper(m: RosterModel, *args: Any) -> Any:
        before = len(m.model.proto.constraints)
        result = function(m, *args)
        spans.setdefault(name, []).append(range(before, len(m.model.proto.constraints)))
        return result

    return wrapper


def build(week: Any) -> tuple[RosterModel, Spans]:
    """The week's model and, per family, the ranges of constraint indices it added."""
    added: Spans = {}  # valid inequalities and goals, which the model does not record
    soft = list(model_module.SOFT_GOALS)
    valid, goals = dict(strengthen_module.VALID_INEQUALITIES), dict(strengthen_module.GOAL_INEQUALITIES)
    model_module.SOFT_GOALS[:] = [(n, _recorded(f.__name__, f, added)) for n, f in soft]
    strengthen_module.VALID_INEQUALITIES.update({n: _recorded(n, f, added) for n, f in valid.items()})
    strengthen_module.GOAL_INEQUALITIES.update({n: _recorded(n, f, added) for n, f in goals.items()})
    try:
        built = RosterModel(Instance(week.scenario()))
    finally:
        model_module.SOFT_GOALS[:] = soft
        strengthen_module.VALID_INEQUALITIES.update(valid)
        strengthen_module.GOAL_INEQUALITIES.update(goals)
    return built, {**{rule: [rows] for rule, rows in built.rule_rows.items()}, **added}


def signature(constraint: Any) -> str:
    """A constraint's kind and, for a linear one, which side it keeps (to split a family)."""
    kind = constraint.WhichOneof("constraint")
    if kind != "linear":
        return kind
    low, high = constraint.linear.domain[0], constraint.linear.domain[-1]
    side = "=" if low == high else ">=" if high >= 2**60 else "<=" if low <= -(2**60) else "range"
    return f"linear{side}{'?' if constraint.enforcement_literal else ''}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("weeks", nargs="+", help="weeks of benchmarks/suites.yaml, e.g. L-400p-s1")
    parser.add_argument("--drop", default="all", help="families to drop one by one (comma-separated, or all)")
    parser.add_argument("--together", action="store_true", help="drop the named families at once instead")
    parser.add_argument("--split", default="", help="a family to drop part by part (its constraints' kinds)")
    parser.add_argument("--seconds", type=float, default=300.0, help="HiGHS's time limit")
    args = parser.parse_args()
    weeks = weeks_by_name()
    for name in args.weeks:
        built, spans = build(weeks[name])
        data = snapshot(built.model)
        total = len(built.model.proto.constraints)
        print(
            f"{name}: {total} constraints; "
            + ", ".join(f"{f} {sum(len(r) for r in s)}" for f, s in spans.items()),
            flush=True,
        )
        families = list(spans) if args.drop == "all" else args.drop.split(",")
        arms: list[tuple[str, list[range]]] = [("(none)", [])]
        singles = [(f, spans[f]) for f in families]
        if args.split:
            proto = cp_model_pb2.CpModelProto.FromString(data)
            parts: dict[str, list[range]] = {}
            for i in (i for rows in spans[args.split] for i in rows):
                parts.setdefault(signature(proto.constraints[i]), []).append(range(i, i + 1))
            singles = [(f"{args.split}:{k}", v) for k, v in parts.items()]
        if args.together:
            arms.append(("+".join(families), [r for _, rows in singles for r in rows]))
        else:
            arms += singles
        for label, dropped in arms:
            relaxation = linearize(data, dropped)
            started = time.monotonic()
            bound = BoundSolver().lower_bound(relaxation, args.seconds)
            seconds = time.monotonic() - started
            print(
                f"{name} drop {label}: {relaxation.num_rows} rows, {len(relaxation.index)} nonzeros,"
                f" bound {bound} in {seconds:.1f} s",
                flush=True,
            )


if __name__ == "__main__":
    main()
