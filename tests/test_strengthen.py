"""The valid inequalities of strengthen.py raise the bound where their counting says they should."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from optimizer.generate import GeneratorSettings, generate
from optimizer.instance import Instance
from optimizer.model import RosterModel
from optimizer.relaxation import BoundSolver, linearize
from optimizer.scenario import scenario_from_dict
from optimizer.strengthen import LINK_BELOW, STRENGTHENINGS, _carried, _least_peak, _lower_hull

UNLINKED = tuple(name for name in STRENGTHENINGS if name != "seat_needs_session")


def _lp_bound(model: RosterModel) -> float:
    bound = BoundSolver().lower_bound(linearize(model.model), 30)
    assert bound is not None
    return bound


def test_linking_seats_to_sessions_raises_the_lp_bound() -> None:
    """Without the link the relaxation opens 1/8 of a session per seat; with it, whole sessions.

    On a generated 30-patient week the LP bound rises by more than one session's weight
    (187.4 -> 199.9 on the benchmark's S-30p-s1).
    """
    scenario = scenario_from_dict(generate(GeneratorSettings(patients=30, seed=1))[0])
    weak = _lp_bound(RosterModel(Instance(scenario), improvements=UNLINKED))
    strong = RosterModel(Instance(scenario))
    assert _lp_bound(strong) >= weak + strong.weights["sessions"]


def test_large_weeks_go_without_the_link() -> None:
    """From LINK_BELOW patients the link is left out: measured, it bought no bound there."""
    for patients, linked in ((LINK_BELOW - 1, True), (LINK_BELOW, False)):
        week = scenario_from_dict(generate(GeneratorSettings(patients=patients, seed=3))[0])
        sizes = [
            len(RosterModel(Instance(week), improvements=names).model.proto.constraints)
            for names in (UNLINKED, STRENGTHENINGS)
        ]
        assert (sizes[1] > sizes[0]) == linked


def test_whole_units_of_load_raise_the_lp_bound() -> None:
    """Loads move in whole hours, so a role's peak is above its average; the LP learns it.

    On a generated 30-patient week (the benchmark's S-30p-s2) the therapists carry at
    least 4,740 minutes, in whole hours: 37 % at the peak where the relaxation's average
    says 36 % or less (LP bound 189.5 -> 190.8).
    """
    scenario = scenario_from_dict(generate(GeneratorSettings(patients=30, seed=2))[0])
    without = tuple(name for name in STRENGTHENINGS if name != "load_peak_steps")
    weak = _lp_bound(RosterModel(Instance(scenario), improvements=without))
    assert _lp_bound(RosterModel(Instance(scenario))) >= weak + 1


@settings(max_examples=200, deadline=None)
@given(
    caps=st.lists(st.integers(min_value=60, max_value=2400), min_size=2, max_size=6),
    unit=st.sampled_from([30, 60, 180]),
    start=st.floats(min_value=0.0, max_value=1.0),
)
def test_the_peak_cuts_lie_below_every_whole_unit_roster(caps: list[int], unit: int, start: float) -> None:
    """Every (total, least peak) point from T_min on is on or above each hull segment's line.

    The least peak is exact: at it the clinicians carry the total in whole units, one
    percent lower they cannot.
    """
    top = _carried(caps, unit, 100)
    least = unit * int(start * top // unit)
    points = [(t, _least_peak(caps, unit, t)) for t in range(least, top + 1, unit)]
    for t, p in points:
        assert p is not None and _carried(caps, unit, p) >= t
        assert p == 0 or _carried(caps, unit, p - 1) < t
    hull = _lower_hull([(t, p) for t, p in points if p is not None])
    for (t0, p0), (t1, p1) in itertools.pairwise(hull):
        for t, p in points:
            assert p is not None and (t1 - t0) * p >= (t1 - t0) * p0 + (p1 - p0) * (t - t0)
