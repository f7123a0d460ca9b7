"""Capacity planning: how many more patients of a profile the current staff and rooms can take.

Method: a search over full solves. Each probe is the base week with N patients of the
profile added, put through the same path as ``solve`` (pre-checks, then CP-SAT, and
a roster found is checked before it counts), so "N fit" means exactly what it means
for a real week: every rule met, for the new patients and everyone already enrolled.
N grows by doubling until a probe fails, then bisection narrows the gap to one.

Why not one maximisation model ("admit as many as you can")? It would need every
requirement of a candidate patient made conditional on their admission, and groups'
minimum sizes make that model weaker than the real one; the probes, by contrast, are
the production model unchanged, their infeasibility proofs come from the pre-checks
or CP-SAT, and about 2·log2(N) of them suffice.

The search assumes that if N more patients fit, fewer do too. That holds except at
small N, where new patients may be too few to fill a group of their own: below the
largest ``min_size`` of their group types, a failed probe does not stop the doubling.
A probe that neither finds a roster nor proves infeasibility in time is "undecided";
the answer then is an interval, and the result says so.

What binds is read twice: from the roster at the best N (clinicians at their weekly
hours; in the profile's blocks, sessions full, rooms all in use, qualified leaders all
busy), and from why the first N that fails cannot be rostered (pre-check findings, or
the conflict the solver names).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Literal

from .conflict import find_conflict
from .explain import Finding, prechecks
from .roster import Roster, Session
from .scenario import DAYS, GroupType, Scenario, Therapist, clock_minutes
from .solve import SolveOptions
from .study import PatientProfile, with_patients
from .workflow import explanation_lines, solve_verified

Verdict = Literal["feasible", "infeasible", "undecided"]
METHOD = (
    "bisection over full solves: each probe adds N patients of the profile to the week and asks for "
    "a roster meeting every rule (checked), doubling N until a probe fails, then halving the gap. "
    "Chosen over one maximisation model because each probe is the production model unchanged, so "
    "'N fit' means exactly what solve would find for that week"
)


@dataclass(frozen=True)
class Probe:
    """One question asked: can the week take ``added`` more patients?"""

    added: int
    verdict: Verdict
    seconds: float
    by: str  # "pre-checks" or "solver"


@dataclass(frozen=True)
class Binding:
    """A resource that stops one more patient from fitting, and the evidence."""

    resource: Literal["clinician hours", "group seats", "rooms", "leaders", "appointments"]
    detail: str


@dataclass(frozen=True)
class Capacity:
    """The answer: at least ``best`` more fit; ``limit`` (if proven) do not."""

    best: int | None  # None: the week as it is cannot be rostered
    limit: int | None  # the smallest N above ``best`` proven not to fit
    undecided: tuple[int, ...]
    probes: tuple[Probe, ...]
    binding: tuple[Binding, ...]
    explanation: tuple[str, ...]  # why ``limit`` (or the base week) cannot be rostered
    roster: Roster | None  # a checked roster with ``best`` more patients
    scenario: Scenario  # the week with ``best`` more patients
    method: str = METHOD
    capped: bool = False  # the search stopped at its ceiling with every probe feasible

    @property
    def exact(self) -> bool:
        """``best`` is the answer, not a lower bound: ``best + 1`` was proven not to fit."""
        return self.best is not None and self.limit == self.best + 1


@dataclass
class _Search:
    base: Scenario
    profile: PatientProfile
    options: SolveOptions
    prefix: str
    on_probe: Callable[[Probe], None] | None
    verdicts: dict[int, Verdict] = field(default_factory=dict)
    probes: list[Probe] = field(default_factory=list)
    findings: dict[int, list[Finding]] = field(default_factory=dict)

    def week(self, added: int) -> Scenario:
        return with_patients(self.base, self.profile, added, self.prefix)

    def ask(self, added: int) -> Verdict:
        if added in self.verdicts:
            return self.verdicts[added]
        started = time.monotonic()
        week = self.week(added)
        findings = prechecks(week)
        if findings:
            verdict: Verdict = "infeasible"
            self.findings[added] = findings
            by = "pre-checks"
        else:
            first = replace(
                self.options, parameters={**self.options.parameters, "stop_after_first_solution": True}
            )
            outcome = solve_verified(week, first, strict=True, explain=False)
            by = "solver"
            if outcome.roster is not None:
                verdict = "feasible"
            elif outcome.result.status == "INFEASIBLE":
                verdict = "infeasible"
            else:
                verdict = "undecided"
        self.verdicts[added] = verdict
        probe = Probe(added, verdict, time.monotonic() - started, by)
        self.probes.append(probe)
        if self.on_probe is not None:
            self.on_probe(probe)
        return verdict


def smallest_group_cohort(scenario: Scenario, profile: PatientProfile) -> int:
    """Below this many, new patients might not fill a group of their own (largest ``min_size``)."""
    sizes = [g.min_size for g in scenario.group_types if _serves(scenario, g, profile.track)]
    return max(sizes, default=1)


def find_capacity(
    base: Scenario,
    profile: PatientProfile,
    options: SolveOptions,
    ceiling: int = 1000,
    explain_time: float = 20.0,
    prefix: str = "new-",
    on_probe: Callable[[Probe], None] | None = None,
) -> Capacity:
    """The largest N ≤ ``ceiling`` of added patients with a roster meeting every rule (see module doc).

    ``options.time_limit`` bounds each probe; ``explain_time`` bounds the conflict
    search that says why the first N that fails cannot be rostered.
    """
    search = _Search(base, profile, options, prefix, on_probe)
    if search.ask(0) != "feasible":
        explanation = _why(search, 0, explain_time)
        return Capacity(None, 0, (), tuple(search.probes), (), tuple(explanation), None, base)
    best, limit = 0, None
    cohort = smallest_group_cohort(search.week(1), profile)  # with one of them, their track is in use
    n = 1
    while n <= ceiling:  # doubling; a failure below one group's worth does not stop it
        verdict = search.ask(n)
        if verdict == "feasible":
            best = n
        elif n >= cohort or n * 2 > ceiling:
            limit = n
            break
        n = min(n * 2, ceiling) if n < ceiling else ceiling + 1
    capped = limit is None
    high = limit if limit is not None else ceiling + 1
    while high - best > 1:  # bisection between the best feasible and the first failure
        mid = (best + high) // 2
        if search.ask(mid) == "feasible":
            best = mid
        else:
            high = mid
    proven = sorted(k for k, v in search.verdicts.items() if v == "infeasible" and k > best)
    limit = proven[0] if proven else None
    undecided = tuple(sorted(k for k, v in search.verdicts.items() if v == "undecided" and k > best))
    week = search.week(best)
    outcome = solve_verified(week, options, strict=True, explain=False)
    roster = outcome.roster
    binding = tuple(binding_resources(week, profile, roster)) if roster is not None else ()
    explanation = _why(search, limit, explain_time) if limit is not None else []
    return Capacity(
        best, limit, undecided, tuple(search.probes), binding, tuple(explanation), roster, week, capped=capped
    )


def _why(search: _Search, added: int | None, explain_time: float) -> list[str]:
    """Why the week with ``added`` more patients cannot be rostered, in the manager's words."""
    if added is None:
        return []
    week = search.week(added)
    findings = search.findings.get(added) or prechecks(week)
    conflict = None
    if not findings:
        conflict = find_conflict(week, explain_time, search.options.resolved_workers())
    return explanation_lines(week, findings, conflict)


# -- what binds, read from a roster ----------------------------------------------------------------


def _serves(scenario: Scenario, g: GroupType, track: str) -> bool:
    return g.per_patient_week.max > 0 and track in scenario.group_tracks(g)


def _holds(t: Therapist, qualification: str | None) -> bool:
    return t.role == "therapist" if qualification is None else qualification in t.qualifications


def _minutes(s: Session) -> int:
    return clock_minutes(s.end) - clock_minutes(s.start)


def binding_resources(scenario: Scenario, profile: PatientProfile, roster: Roster) -> list[Binding]:
    """What stops one more patient of ``profile`` from joining ``roster``'s week.

    In each of the profile's blocks: are the track's sessions full, and could another
    session open (a suitable free room, a free qualified leader with the hours left)?
    And which clinicians who could lead those groups or give the profile's appointments
    have no hours left for one more session?
    """
    blocks = scenario.program.blocks
    periods = [
        (d, b)
        for d in DAYS
        if d in scenario.program.days
        for b in profile.resolve(scenario).get(d, [])
        if b in blocks
    ]
    types = [g for g in scenario.group_types if _serves(scenario, g, profile.track)]
    therapists = {t.id: t for t in scenario.therapists}
    worked: dict[str, int] = {t: 0 for t in therapists}
    busy: dict[tuple[str, str], set[str]] = {}
    rooms_used: dict[tuple[str, str], set[str]] = {}
    track_sessions: dict[tuple[str, str], list[Session]] = {}
    for s in roster.sessions:
        block = next(
            (b for b, w in blocks.items() if w.start_min <= clock_minutes(s.start) < w.end_min), None
        )
        for t in s.therapists:
            worked[t] = worked.get(t, 0) + _minutes(s)
            busy.setdefault((s.day, block or ""), set()).add(t)
        if s.is_group and s.room:
            rooms_used.setdefault((s.day, block or ""), set()).add(s.room)
            if s.track == profile.track:
                track_sessions.setdefault((s.day, block or ""), []).append(s)
    capacity = {g.id: g.max_size for g in scenario.group_types}
    room_size = {r.id: r.capacity for r in scenario.rooms}
    shortest = min((scenario.group_duration(g, b) or 10**6 for g in types for _, b in periods), default=10**6)

    def hours_left(t: Therapist) -> int:
        return round(t.max_hours * 60) - worked.get(t.id, 0)

    full, no_room, no_leader, no_hours = [], [], [], []
    leaders_out: set[str] = set()
    for d, b in periods:
        sessions = track_sessions.get((d, b), [])
        spare = any(
            len(s.patients) < min(capacity.get(s.type, 0), room_size.get(s.room or "", 0)) for s in sessions
        )
        if spare:
            continue
        suitable = [
            r.id
            for r in scenario.rooms
            if any(
                (r.group_types is None or g.id in r.group_types) and r.capacity >= g.min_size for g in types
            )
        ]
        free_rooms = [r for r in suitable if r not in rooms_used.get((d, b), set())]
        here = [t for t in scenario.therapists if b in t.availability.get(d, [])]
        qualified = [t for t in here if any(_holds(t, g.staffing()[0][0]) for g in types)]
        free = [t for t in qualified if t.id not in busy.get((d, b), set())]
        with_hours = [t for t in free if hours_left(t) >= shortest]
        where = f"{d} {b}"
        full.append(where)
        if not free_rooms:
            no_room.append(f"{where} ({len(suitable)}/{len(suitable)} in use)")
        if not free:
            no_leader.append(
                f"{where} ({', '.join(t.id for t in qualified) or 'nobody qualified works then'})"
            )
        elif not with_hours:
            no_hours.append(where)
            leaders_out.update(t.id for t in free)
    bindings: list[Binding] = []
    relevant = _relevant_clinicians(scenario, profile, types, periods)
    exhausted = [
        t for t in relevant if hours_left(t) < min(shortest, _shortest_appointment(scenario, profile))
    ]
    exhausted_ids = {t.id for t in exhausted} | leaders_out
    if exhausted_ids:
        shown = ", ".join(
            f"{t.id} {worked.get(t.id, 0) / 60:g}/{t.max_hours:g} h"
            for t in scenario.therapists
            if t.id in exhausted_ids
        )
        detail = f"at (or too close to) their weekly maximum: {shown}"
        if no_hours:
            detail += f"; the qualified leaders free in {_listed(no_hours)} have no hours left"
        bindings.append(Binding("clinician hours", detail))
    if full:
        bindings.append(
            Binding(
                "group seats",
                f"every {profile.track} group in the profile's blocks is full (or none runs) in "
                f"{_listed(full)}",
            )
        )
    if no_room:
        bindings.append(
            Binding("rooms", f"no suitable room free to open another group in {_listed(no_room)}")
        )
    if no_leader:
        bindings.append(Binding("leaders", f"every qualified leader already busy in {_listed(no_leader)}"))
    return bindings


def _listed(items: list[str], limit: int = 8) -> str:
    shown = "; ".join(items[:limit])
    return shown + (f"; and {len(items) - limit} more" if len(items) > limit else "")


def _shortest_appointment(scenario: Scenario, profile: PatientProfile) -> int:
    kinds = profile.patient("probe", scenario).appointment_counts()
    return min(
        (scenario.appointments[k].duration_min for k in kinds if k in scenario.appointments), default=10**6
    )


def _relevant_clinicians(
    scenario: Scenario, profile: PatientProfile, types: list[GroupType], periods: list[tuple[str, str]]
) -> list[Therapist]:
    """Clinicians who work in the profile's blocks and could lead its groups or give its appointments."""
    kinds = [
        scenario.appointments[k]
        for k in profile.patient("probe", scenario).appointment_counts()
        if k in scenario.appointments
    ]
    result = []
    for t in scenario.therapists:
        if not any(b in t.availability.get(d, []) for d, b in periods):
            continue
        leads = any(_holds(t, q) for g in types for q, _ in g.staffing())
        sees = any(
            t.role == k.role and (k.qualification is None or k.qualification in t.qualifications)
            for k in kinds
        )
        if leads or sees:
            result.append(t)
    return result
