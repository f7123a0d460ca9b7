"""What changed between two rosters, per patient, and why where that can be said.

Used by ``iop-roster diff``, by the "changes from last week" views and by
``iop-roster place`` (the moves a placement needs). Reads rosters and, when given,
this week's scenario (to say why: availability, absences, a group no longer run).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import pandas as pd

from .roster import Roster, Session
from .scenario import Scenario, clock_minutes


@dataclass(frozen=True)
class Change:
    """One change for one patient: what it is, before and after, and why if known."""

    patient: str
    what: str  # admitted, discharged, block/day, leader, cohort, appointment
    before: str
    after: str
    reason: str = ""


def _block(scenario: Scenario | None, s: Session) -> str:
    if scenario is None:
        return s.start
    start = clock_minutes(s.start)
    for name, block in scenario.program.blocks.items():
        if block.start_min <= start < block.end_min:
            return name
    return s.start


def roster_changes(before: Roster, after: Roster, scenario: Scenario | None = None) -> list[Change]:
    """Every change from ``before`` to ``after``; ``scenario`` is the week of ``after``."""

    def by_patient(roster: Roster) -> dict[str, list[Session]]:
        result: dict[str, list[Session]] = defaultdict(list)
        for s in roster.sessions:
            for p in set(s.patients):
                result[p].append(s)
        return result

    old, new = by_patient(before), by_patient(after)
    changes: list[Change] = []
    for p in sorted(set(new) - set(old)):
        changes.append(Change(p, "admitted", "", f"{len(new[p])} session(s)"))
    for p in sorted(set(old) - set(new)):
        changes.append(Change(p, "discharged", f"{len(old[p])} session(s)", ""))
    mates_before = _mates(before)
    mates_after = _mates(after)
    for p in sorted(set(old) & set(new)):
        changes += _patient_changes(p, old[p], new[p], scenario)
        lost = mates_before.get(p, set()) - mates_after.get(p, set()) - (set(old) - set(new))
        if lost:
            changes.append(
                Change(p, "cohort", f"with {', '.join(sorted(lost))}", "apart", _why_apart(p, old[p], new[p]))
            )
    return changes


def _mates(roster: Roster) -> dict[str, set[str]]:
    mates: dict[str, set[str]] = defaultdict(set)
    for s in roster.groups():
        for p in s.patients:
            mates[p] |= set(s.patients) - {p}
    return mates


def _patient_changes(p: str, old: list[Session], new: list[Session], sc: Scenario | None) -> list[Change]:
    changes = []
    old_groups = {(s.day, _block(sc, s)): s for s in old if s.is_group}
    new_groups = {(s.day, _block(sc, s)): s for s in new if s.is_group}
    for key in sorted(set(old_groups) - set(new_groups)):
        s = old_groups[key]
        changes.append(
            Change(
                p, "block/day", f"{key[0]} {key[1]} {s.type}", "not this week", _why_not_there(p, s, key, sc)
            )
        )
    for key in sorted(set(new_groups) - set(old_groups)):
        s = new_groups[key]
        changes.append(Change(p, "block/day", "", f"{key[0]} {key[1]} {s.type}"))
    for key in sorted(set(old_groups) & set(new_groups)):
        a, b = old_groups[key], new_groups[key]
        if a.therapists[:1] != b.therapists[:1] or a.type != b.type:
            changes.append(
                Change(
                    p,
                    "leader",
                    f"{a.type} with {', '.join(a.therapists[:1])}",
                    f"{b.type} with {', '.join(b.therapists[:1])}",
                    _why_leader(a, key, sc),
                )
            )
    old_appts = {(s.kind, s.day, s.start, s.therapists) for s in old if not s.is_group}
    new_appts = {(s.kind, s.day, s.start, s.therapists) for s in new if not s.is_group}
    for kind, day, start, therapists in sorted(old_appts - new_appts):
        moved = sorted(x for x in new_appts - old_appts if x[0] == kind)
        after = f"{moved[0][1]} {moved[0][2]} with {', '.join(moved[0][3])}" if moved else "none"
        changes.append(
            Change(
                p,
                "appointment",
                f"{kind} {day} {start} with {', '.join(therapists)}",
                after,
                _why_clinician(therapists[0], day, start, sc) if therapists else "",
            )
        )
    return changes


def _away(sc: Scenario, therapist: str, day: str) -> bool:
    return any(lock.therapist == therapist and day in (lock.absent or []) for lock in sc.locked)


def _why_not_there(p: str, s: Session, key: tuple[str, str], sc: Scenario | None) -> str:
    if sc is None:
        return ""
    patient = next((x for x in sc.patients if x.id == p), None)
    if patient is not None and key[1] not in patient.availability.get(key[0], []):
        return f"{p} is no longer available {key[0]} {key[1]}"
    if s.therapists and _away(sc, s.therapists[0], key[0]):
        return f"{s.therapists[0]} is away on {key[0]}"
    return ""


def _why_leader(s: Session, key: tuple[str, str], sc: Scenario | None) -> str:
    if sc is None or not s.therapists:
        return ""
    return _why_clinician(s.therapists[0], key[0], s.start, sc)


def _why_clinician(therapist: str, day: str, start: str, sc: Scenario | None) -> str:
    if sc is None:
        return ""
    if _away(sc, therapist, day):
        return f"{therapist} is away on {day}"
    t = next((x for x in sc.therapists if x.id == therapist), None)
    if t is None:
        return f"{therapist} no longer works here"
    block = next(
        (b for b, w in sc.program.blocks.items() if w.start_min <= clock_minutes(start) < w.end_min), None
    )
    if block is not None and block not in t.availability.get(day, []):
        return f"{therapist} does not work {day} {block} this week"
    return ""


def _why_apart(p: str, old: list[Session], new: list[Session]) -> str:
    return "" if any(s.is_group for s in new) else f"{p} has no group this week"


def changes_table(changes: list[Change]) -> pd.DataFrame:
    """The changes as rows (changes.csv and the views)."""
    columns = ["patient", "what", "before", "after", "reason"]
    return pd.DataFrame([[getattr(c, k) for k in columns] for c in changes], columns=columns)


def summary(changes: list[Change]) -> dict[str, int]:
    """How many changes of each kind, for one-line reports."""
    counts: dict[str, int] = defaultdict(int)
    for c in changes:
        counts[c.what] += 1
    return dict(counts)
