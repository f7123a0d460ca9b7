"""The valid inequalities of strengthen.py raise the bound where their counting says they should."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from optimizer.generate import GeneratorSettings, generate
from optimizer.instance import Instance
from optimizer.model import RosterModel
from optimizer.relaxation import BoundSolver, linearize
from optimizer.scenario import scenario_from_dict
from optimizer.strengthen import (
    FLOOR_BELOW,
    LINK_BELOW,
    STRENGTHENINGS,
    _carried,
    _group_floors,
    _least_peak,
    _track_session_floors,
)


def _lp_bound(model: RosterModel) -> float:
    bound = BoundSolver().lower_bound(linearize(model.model), 30)
    assert bound is not None
    return bound


def test_linking_seats_to_sessions_raises_the_lp_bound() -> None:
    """Without the link the relaxation opens 1/8 of a session per seat; with it, whole sessions.

    On a generated 30-patient week the link alone raises the plain model's LP bound by a
    session's weight (164 -> 174 on the benchmark's S-30p-s1; the counting floors, which
    came later, take it to 200 by themselves and the link adds one point more).
    """
    scenario = scenario_from_dict(generate(GeneratorSettings(patients=30, seed=1))[0])
    weak = _lp_bound(RosterModel(Instance(scenario), improvements=()))
    strong = RosterModel(Instance(scenario), improvements=("seat_needs_session",))
    assert _lp_bound(strong) >= weak + strong.weights["sessions"]


@pytest.mark.parametrize(
    ("name", "below"), [("seat_needs_session", LINK_BELOW), ("load_peak_floor", FLOOR_BELOW)]
)
def test_large_weeks_go_without_what_bought_nothing_there(name: str, below: int) -> None:
    """From LINK_BELOW patients the seat links are left out, from FLOOR_BELOW S4's peak floor:
    measured, they bought no bound there (or 0.1 %)."""
    without = tuple(n for n in STRENGTHENINGS if n != name)
    for patients, kept in ((below - 1, True), (below, False)):
        week = scenario_from_dict(generate(GeneratorSettings(patients=patients, seed=3))[0])
        sizes = [
            len(RosterModel(Instance(week), improvements=names).model.proto.constraints)
            for names in (without, STRENGTHENINGS)
        ]
        assert (sizes[1] > sizes[0]) == kept


def test_whole_units_of_load_raise_the_lp_bound() -> None:
    """Loads move in whole hours, so a role's peak is above its average; the LP learns it.

    On a generated 30-patient week (the benchmark's S-30p-s2) the therapists carry at
    least 4,920 minutes, in whole hours: 38 % at the peak where the relaxation's average
    says 36 % (LP bound 189.5 -> 191.5).
    """
    scenario = scenario_from_dict(generate(GeneratorSettings(patients=30, seed=2))[0])
    without = tuple(name for name in STRENGTHENINGS if name != "load_peak_floor")
    weak = _lp_bound(RosterModel(Instance(scenario), improvements=without))
    assert _lp_bound(RosterModel(Instance(scenario))) >= weak + 1


def test_a_session_seats_each_patient_once() -> None:
    """A track of four patients who need two groups each opens two sessions, not one of eight."""
    scenario = scenario_from_dict(generate(GeneratorSettings(patients=30, seed=2))[0])
    model = RosterModel(Instance(scenario))
    track = model.inst.tracks.index("adolescent")
    assert model.inst.patient_track.count(track) == 4
    assert _track_session_floors(model, _group_floors(model))[track] == 2


@settings(max_examples=200, deadline=None)
@given(
    caps=st.lists(st.integers(min_value=60, max_value=2400), min_size=2, max_size=6),
    unit=st.sampled_from([30, 60, 180]),
)
def test_the_least_peak_is_exact_and_grows_with_the_minutes(caps: list[int], unit: int) -> None:
    """At the least peak the clinicians carry the minutes in whole units, one percent lower they
    cannot; and more minutes never need less, so the fewest minutes give a valid floor."""
    previous = 0
    for minutes in range(0, _carried(caps, unit, 100) + 1, unit):
        peak = _least_peak(caps, unit, minutes)
        assert peak is not None and _carried(caps, unit, peak) >= minutes
        assert peak == 0 or _carried(caps, unit, peak - 1) < minutes
        assert peak >= previous
        previous = peak
    assert _least_peak(caps, unit, _carried(caps, unit, 100) + unit) is None
