"""A smaller week to search first: each patient's groups only in their home blocks.

On large weeks CP-SAT's search spends most of a minute repairing what its first
rosters get wrong: patients spread over morning, afternoon and evening (S1) and over
blocks they did not ask for (S5). Forbidding, for a first phase, every group outside a
patient's *home blocks* removes those choices (about 30 % of the attendance variables
on the benchmark's L weeks) and with them most of that repair; the restricted week's
best roster then starts the search of the full week as its hint. Every roster of the
restricted week is a roster of the full week, so nothing it finds is wrong; its bound,
though, is not a bound of the full week and is never reported as one.

Measured with ``iop-roster bench`` (benchmarks/JOURNAL.md, "With a first phase on home blocks").
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from ortools.sat.python import cp_model

if TYPE_CHECKING:
    from .model import RosterModel


RESTRICT_FROM = 200
"""Patients from which a strict solve searches home blocks first. Measured with
``iop-roster bench --suite S,M,L --peers cpsat`` against the run before it (benchmarks/JOURNAL.md, "With a
first phase on home blocks"):
400 patients, gap at 60 s 7.7-13.4 % against 16.4-16.8 %; 120 patients, rosters within
run-to-run noise; 30 patients, two of four weeks worse (213 against 203, 202 against 197),
where the whole search already sees every block."""

ONE_FAMILY_BELOW = 1000
"""Patients below which the first phase also keeps each clinician, in each block, to one
family (``one_family_per_block``). Measured (benchmarks/JOURNAL.md, "Where the L gap is"): on L weeks,
400 patients, with the first phase's share at ``ONE_FAMILY_SHARE`` (solve.py), better on 9 runs of 9
(three weeks, seeds 0-2), sums 6,535 / 6,555 / 6,532 against 6,574 / 6,571 / 6,606. On
XL weeks (1,500 patients, 300 s) it ended lower too, 7,562 / 7,511 / 7,795 against 7,595 /
7,567 / 7,874, but their first roster, which the first phase decides, came at 20-47 s of
search against 16-20 s: past the 30 s a first roster is due. So from this size a solve
with several workers searches home blocks alone until their first roster and the week
with one family per block after it (``solve._one_family_next``)."""

SLACK = 1.0
"""A restricted patient's home blocks must offer at least this many times the group minutes they need."""


def home_blocks(m: RosterModel) -> dict[int, frozenset[int]]:
    """Patient -> the blocks their groups are kept to, for patients the choice leaves room.

    A patient keeps ``max_blocks_per_day`` blocks, ranked by last week's blocks (S6),
    then their preferred blocks (S5), then how many of their days the block covers,
    then the longest group it holds. The patient is restricted only when the kept
    blocks still offer (``_room``) the days, the group minutes and every group type the
    week asks of them, and never when a lock names them (a locked attendance may lie in
    any block).
    """
    inst = m.inst
    locked = {lock.patient for lock in m.sc.locked if lock.patient is not None}
    offered: dict[int, dict[tuple[int, int], set[int]]] = defaultdict(lambda: defaultdict(set))
    for p, d, b, g in m.attend:  # patient -> (day, block) -> group types they could attend
        offered[p][(d, b)].add(g)
    previous = inst.previous
    result = {}
    for p, periods in offered.items():
        if m.sc.patients[p].id in locked:
            continue
        info = inst.patients[p]
        last = {b for _d, b in previous.periods.get(p, ())} if previous is not None else set()
        preferred = info.preferred_blocks or frozenset()
        days = defaultdict(int)
        longest = defaultdict(int)
        for (_d, b), types in periods.items():
            days[b] += 1
            longest[b] = max([longest[b]] + [inst.group_durations[g][b] or 0 for g in types])
        ranked = sorted(days, key=lambda b: (b not in last, b not in preferred, -days[b], -longest[b], b))
        keep = frozenset(ranked[: info.max_blocks_per_day])
        if len(keep) < len(days) and _room(m, p, {pb: t for pb, t in periods.items() if pb[1] in keep}):
            result[p] = keep
    return result


def _room(m: RosterModel, p: int, kept: dict[tuple[int, int], set[int]]) -> bool:
    """Whether the kept periods leave patient ``p`` room for what the week asks.

    ``kept``: (day, block) -> the group types p could attend there. Room means their
    minimum days (H5), ``SLACK`` times the group minutes their hours need beyond
    appointments (H4), and each required group type on enough days (H9).
    """
    inst, info = m.inst, m.inst.patients[p]
    by_day: dict[int, list[int]] = defaultdict(list)  # day -> most group minutes in each kept block
    for (d, b), types in kept.items():
        length = inst.block_end[b] - inst.block_start[b]
        by_day[d].append(min(length, sum(inst.group_durations[g][b] or 0 for g in types)))
    if len(by_day) < info.min_days:
        return False
    counted = [m.sc.appointments[k].counts_toward_hours for k in inst.kinds]
    appointments = sum(n * inst.kind_duration[k] for k, n in info.appointments.items() if counted[k])
    offer = sum(sum(sorted(minutes)[-info.max_blocks_per_day :]) for minutes in by_day.values())
    if offer < SLACK * (info.min_minutes - appointments):
        return False
    track = inst.patient_track[p]
    for g, gt in enumerate(m.sc.group_types):
        low = gt.per_patient_week.min if track in inst.group_tracks[g] else 0
        if len({d for (d, _b), types in kept.items() if g in types}) < low:
            return False
    return True


def restricted_model(m: RosterModel, one_family: bool = False) -> cp_model.CpModel | None:
    """A copy of the model with groups outside home blocks forbidden; None if none are.

    ``one_family``: also keep each clinician's led sessions in a block to one family
    (``one_family_per_block``). The copy keeps the model's variable indices (any it adds
    come after them), so its solutions read (and hint) the original directly.
    """
    homes = home_blocks(m)
    outside = [var.index for (p, _d, b, _g), var in m.attend.items() if p in homes and b not in homes[p]]
    if not outside:
        return None
    copy = m.model.clone()
    for index in outside:
        copy.add(copy.get_bool_var_from_proto_index(index) == 0)
    if one_family:
        one_family_per_block(m, copy)
    return copy


def one_family_per_block(m: RosterModel, copy: cp_model.CpModel) -> None:
    """In ``copy``: each clinician leads, within a block, sessions of one (group type, track) only.

    Why: continuity (S2) counts the distinct leaders of each block, group type and track,
    and on L weeks a 60 s roster had 46-52 of them beyond one where the term alone goes to
    22; a roster in which each clinician keeps to one family per block has that shape from
    the start. It is a restriction, like the home blocks: every roster of ``copy`` is a
    roster of the week, and the whole week is searched afterwards from it.
    """
    led: dict[tuple[int, int], dict[tuple[int, int], list[int]]] = defaultdict(lambda: defaultdict(list))
    for s, c in enumerate(m.candidates):
        led[(c.lead, c.block)][(c.group_type, c.track)].append(m.open[s].index)
    for (lead, block), families in sorted(led.items()):
        if len(families) < 2:
            continue
        flags = []
        who = (m.sc.therapists[lead].id, m.inst.blocks[block])
        for (g, t), indices in sorted(families.items()):
            flag = copy.new_bool_var(m._name("keeps_to", *who, m.sc.group_types[g].id, m.inst.tracks[t]))
            for index in indices:
                copy.add_implication(copy.get_bool_var_from_proto_index(index), flag)
            flags.append(flag)
        copy.add_at_most_one(flags)
