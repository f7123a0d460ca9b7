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
from collections import Counter, defaultdict
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .model import LinearTerms, RosterModel


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


def _track_session_floors(m: RosterModel, floors: dict[int, tuple[int, list]]) -> dict[int, int]:
    """Track -> fewest sessions it must open: ceil(seats its patients need / most a session seats).

    A session seats at most its capacity and at most one seat per patient of its track.
    """
    inst = m.inst
    need: dict[int, int] = defaultdict(int)
    for p, (floor, _) in floors.items():
        need[inst.patient_track[p]] += floor
    patients = Counter(inst.patient_track)
    largest: dict[int, int] = defaultdict(int)
    for s, c in enumerate(m.candidates):
        gt = m.sc.group_types[c.group_type]
        cap = max((min(gt.max_size, inst.room_classes[cls][0]) for cls, _ in m.room_by_session[s]), default=0)
        largest[c.track] = max(largest[c.track], cap)
    return {
        track: math.ceil(seats / min(largest[track], patients[track]))
        for track, seats in need.items()
        if largest[track]
    }


def session_count_floor(m: RosterModel, floors: dict[int, tuple[int, list]]) -> None:
    """Per track, at least ceil(seats the track's patients need / most a session seats) sessions open.

    Why valid: a session seats at most the largest capacity any session of its track
    can have (max_size, or a smaller room), and no more than the track's patients, each
    once; the seats taken are at least the sum of each patient's group floor
    (``group_count_floor``). The relaxation spreads seats over fractions of sessions;
    the ceiling is what counting says.
    """
    sessions: dict[int, list] = defaultdict(list)
    for s, c in enumerate(m.candidates):
        sessions[c.track].append(m.open[s])
    for track, least in _track_session_floors(m, floors).items():
        m.model.add(sum(sessions[track]) >= least)


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


def _role_least_minutes(m: RosterModel, members: list[int], floors: dict[int, tuple[int, list]]) -> int:
    """Fewest minutes a role's clinicians carry between them in any roster, by counting.

    Appointments: H8 fixes every patient's count of each kind, and only clinicians of
    the kind's role give it (H7), so a kind of this role adds its minutes in full.
    Groups: where every session of a track must be led by one of ``members``, the
    track's session floor (``session_count_floor``) times its shortest session. Co-leads
    and anything else only add to it, so leaving them out keeps the count a floor.
    """
    inst, sc = m.inst, m.sc
    role = sc.therapists[members[0]].role
    pool = set(members)
    least = sum(
        count * inst.kind_duration[k]
        for info in inst.patients
        for k, count in info.appointments.items()
        if sc.appointments[inst.kinds[k]].role == role
    )
    leads: dict[int, set[int]] = defaultdict(set)
    shortest: dict[int, int] = {}
    for c in m.candidates:
        leads[c.track].add(c.lead)
        shortest[c.track] = min(shortest.get(c.track, c.duration), c.duration)
    for track, sessions in _track_session_floors(m, floors).items():
        if leads[track] <= pool:
            least += sessions * shortest[track]
    return least


def load_unit(minutes: dict[int, LinearTerms], members: list[int]) -> int:
    """The step the clinicians' loads move in: the gcd of their items' minutes (0 without items)."""
    return math.gcd(*(w for th in members for _, w in minutes.get(th, [])))


def _carried(caps: list[int], unit: int, peak: int) -> int:
    """Most minutes clinicians of these caps carry with loads in whole ``unit``s at ``peak`` %."""
    return sum(min(unit * (cap // unit), unit * (cap * peak // (100 * unit))) for cap in caps)


def _least_peak(caps: list[int], unit: int, minutes: int) -> int | None:
    """The least whole-percent peak at which they carry ``minutes``; None if not within their caps."""
    peak = 100 * minutes // sum(caps)
    while _carried(caps, unit, peak) < minutes:
        if peak >= 100:
            return None
        peak += 1
    return peak


FLOOR_BELOW = 200
"""Patients from which S4's peak floor (``load_peak_floor``) is left out. On L weeks it
raised the LP bound by 1-3 points (0.1 %) while the rosters at 60 s were worse on three
weeks of five (11,089 against 11,010 in sum); on XL weeks it moved no bound (7,346 /
7,355 / 7,582 against 7,346 / 7,354 / 7,581) and the rosters at 300 s were worse on all
three (23,403 against 23,250)."""


def load_peak_floor(m: RosterModel, floors: dict[int, tuple[int, list]]) -> None:
    """Per role, S4's peak at least what whole units of work need for the role's fewest minutes.

    Why valid: a clinician's load is a sum of item durations (3-hour groups, 1-hour
    appointments), a multiple of their gcd ``u``; with the peak at ``P`` %, clinician c
    carries at most ``u x floor(cap_c x P / (100 u))`` minutes (and H3's cap), so the
    role's clinicians carry a total of ``T`` only if ``P >= h(T)``, the least ``P`` whose
    capacities sum to ``T``; ``h`` only grows with ``T``, and every roster's total is at
    least ``T_min`` (``_role_least_minutes``), so ``P >= h(T_min)``. The relaxation knows
    only ``P >= 100 T / sum cap``: on S-30p-s2 35.96 % at the LP's 4,920 minutes, where
    whole hours need 38 %. Only the floor, no inequality in ``T``: the lower convex hull
    of ``(T, h(T))`` from ``T_min`` on, as rows, raised the same bounds but made
    lighthouse-small's proof four times slower (journal, *Whole units of load*).
    From ``FLOOR_BELOW`` patients it is left out.
    """
    if len(m.inst.patients) >= FLOOR_BELOW:
        return
    minutes = m.therapist_minutes()
    for peak, members in m.load_peaks.values():
        unit = load_unit(minutes, members)
        least = _role_least_minutes(m, members, floors)
        if unit == 0 or least == 0:
            continue
        caps = [m.inst.therapist_max_minutes[th] for th in members]
        floor = _least_peak(caps, unit, unit * -(-least // unit))
        if floor is not None:  # None: more than the role can carry, which H3 makes infeasible by itself
            m.model.add(peak >= floor)


VALID_INEQUALITIES = {
    "group_count_floor": group_count_floor,
    "session_count_floor": session_count_floor,
    "seat_needs_session": seat_needs_session,
}
"""Inequalities on the hard rules' variables, added before the soft goals."""
GOAL_INEQUALITIES = {
    "load_peak_floor": load_peak_floor,
}
"""Inequalities on the soft goals' variables, added once the goals are built."""
STRENGTHENINGS: tuple[str, ...] = (*VALID_INEQUALITIES, *GOAL_INEQUALITIES)


def strengthen(m: RosterModel, improvements: tuple[str, ...], goals: bool = False) -> None:
    """Add the chosen valid inequalities (names from ``STRENGTHENINGS``) on the rules, or the goals."""
    family = GOAL_INEQUALITIES if goals else VALID_INEQUALITIES
    chosen = [family[name] for name in improvements if name in family]
    if not chosen:
        return
    floors = _group_floors(m)
    for add in chosen:
        add(m, floors)
