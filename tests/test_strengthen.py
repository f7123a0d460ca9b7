"""The valid inequalities of strengthen.py raise the bound where their counting says they should."""

from __future__ import annotations

from optimizer.generate import GeneratorSettings, generate
from optimizer.instance import Instance
from optimizer.model import RosterModel
from optimizer.relaxation import BoundSolver, linearize
from optimizer.scenario import scenario_from_dict
from optimizer.strengthen import LINK_BELOW, STRENGTHENINGS

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
