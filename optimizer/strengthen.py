"""Valid inequalities that give the solver's bound what counting already knows.

Each function adds constraints that every roster meeting the hard rules satisfies, so
they cut nothing feasible away; they only tighten the linear relaxation CP-SAT bounds
the objective with. They apply to strict solves (a best-effort solve may fall short
of the requirements they count from). ``STRENGTHENINGS`` lists them; a model built
with ``improvements=()`` is the plain formulation, kept as the reference peer of
``iop-roster bench``.
"""

from __future__ import annotations

import math
from collections import defaultdict
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .model import RosterModel


def _group_floors(m: RosterModel) -> dict[int, tuple[int, list]]:
    """Patient -> (fewest groups they can attend and meet H4, their seat variables)."""
    inst = m.inst
    counted = [m.sc.appointments[k].counts_toward_hours for k in inst.kinds]
    longest: dict[int, int] = defaultdict(int)
    seats: dict[int, list] = defaultdict(list)
    for (p, _d, b, g), var in m.attend.items():
        longest[p] = max(longest[p], inst.group_durations[g][b] or 0)
        seats[p].append(var)
    floors = {}
    for p, info in enumerate(inst.patients):
        appointments = sum(n * inst.kind_duration[k] for k, n in info.appointments.items() if counted[k])
        missing = info.min_minutes - appointments
        if missing > 0 and longest[p]:
            floors[p] = (math.ceil(missing / longest[p]), seats[p])
    return floors


def group_count_floor(m: RosterModel, floors: dict[int, tuple[int, list]]) -> None:
    """Each patient attends at least ceil((min minutes - appointment minutes) / longest group) groups.

    Why valid: H8 fixes the number of each appointment kind, so the minutes appointments
    count toward hours are known exactly; H4's minimum must come from groups for the
    rest, and no group the patient can attend lasts longer than the longest one. The
    relaxation would settle for a fraction of a group; rounding up is what counting says.
    """
    for floor, seats in floors.values():
        m.model.add(sum(seats) >= floor)


def session_count_floor(m: RosterModel, floors: dict[int, tuple[int, list]]) -> None:
    """Per track, at least ceil(seats the track's patients need / largest session) sessions open.

    Why valid: a session seats at most the largest capacity any session of its track
    can have (max_size, or a smaller room), and the seats taken are at least the sum of
    each patient's group floor (``group_count_floor``). The relaxation spreads seats
    over fractions of sessions; the ceiling is what counting says.
    """
    inst = m.inst
    need: dict[int, int] = defaultdict(int)
    for p, (floor, _) in floors.items():
        need[inst.patient_track[p]] += floor
    sessions: dict[int, list] = defaultdict(list)
    largest: dict[int, int] = defaultdict(int)
    for s, c in enumerate(m.candidates):
        sessions[c.track].append(m.open[s])
        gt = m.sc.group_types[c.group_type]
        cap = max((min(gt.max_size, inst.room_classes[cls][0]) for cls, _ in m.room_by_session[s]), default=0)
        largest[c.track] = max(largest[c.track], cap)
    for track, seats in need.items():
        if largest[track]:
            m.model.add(sum(sessions[track]) >= math.ceil(seats / largest[track]))


LINK_BELOW = 200
"""Patients from which seats are not linked to their sessions (``seat_needs_session``)."""


def seat_needs_session(m: RosterModel, floors: dict[int, tuple[int, list]]) -> None:
    """A patient attends a (day, block, type, track) only if one of its sessions is open.

    Why valid: H6 seats at most the opened sessions' capacity, so a seat taken means a
    session open. The relaxation, though, opens 1/8 of a session per seat; linking each
    seat to its sessions (the strong linking of facility location) tells the bound that
    a patient needing f groups needs f sessions, one session seating them once, and
    ties preferred blocks to the sessions that run there. Measured (2 workers, 60 s,
    seeds 0-2): S-30p LP bounds 177-187 -> 189-200; M rosters better on every week
    (median gap 2.6 % -> 1.8 %); on 400 patients the LP bound did not move (2,072.7
    -> 2,073.0) while HiGHS took 16 s instead of 7, the model 20 % more memory and
    rosters were no better, so larger weeks go without it.
    """
    if len(m.inst.patients) >= LINK_BELOW:
        return
    for (p, d, b, g), var in m.attend.items():
        sessions = m.families.get((d, b, g, m.inst.patient_track[p]), [])
        if len(sessions) == 1:
            m.model.add_implication(var, m.open[sessions[0]])
        else:
            m.model.add(var <= sum(m.open[s] for s in sessions))


VALID_INEQUALITIES = {
    "group_count_floor": group_count_floor,
    "session_count_floor": session_count_floor,
    "seat_needs_session": seat_needs_session,
}
STRENGTHENINGS: tuple[str, ...] = tuple(VALID_INEQUALITIES)


def strengthen(m: RosterModel, improvements: tuple[str, ...]) -> None:
    """Add the chosen valid inequalities (names from ``STRENGTHENINGS``)."""
    if not improvements:
        return
    floors = _group_floors(m)
    for name in improvements:
        VALID_INEQUALITIES[name](m, floors)
