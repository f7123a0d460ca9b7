"""Next week's scenario from this week's: a week later, the census updated, last week's roster kept.

Admissions join, discharged patients leave, clinicians on leave get absence locks.
Standing locks (a patient who must never be with a clinician, or never in some
session) carry over; this week's session, appointment and absence locks do not, and
neither do locks about patients who leave. ``previous_roster`` points at this week's
roster, so that next week's solve stays close to it (S6).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .scenario import DAYS, Lock, Patient, Problem, Scenario, ScenarioError

STANDING_LOCKS = ("forbid-therapist", "forbid-session")


@dataclass(frozen=True)
class Census:
    """What changes from one week to the next."""

    admit: tuple[Patient, ...] = ()
    discharge: tuple[str, ...] = ()
    leave: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (therapist, days away)


def parse_leave(text: str) -> tuple[str, tuple[str, ...]]:
    """``T04:wed,thu`` -> ("T04", ("wed", "thu"))."""
    therapist, sep, days = text.partition(":")
    chosen = tuple(d.strip() for d in days.split(",") if d.strip())
    if not sep or not therapist.strip() or not chosen or any(d not in DAYS for d in chosen):
        raise ValueError(f"{text!r}: expected THERAPIST:day,day with days among {', '.join(DAYS)}")
    return therapist.strip(), chosen


def next_week(scenario: Scenario, census: Census, previous_roster: str) -> Scenario:
    """The scenario of the week after ``scenario`` (validated by the caller on writing)."""
    problems: list[Problem] = []
    known = {p.id for p in scenario.patients}
    for pid in census.discharge:
        if pid not in known:
            problems.append(
                Problem("--discharge", pid, None, "unknown patient; expected one of this week's patients")
            )
    kept = [p for p in scenario.patients if p.id not in census.discharge]
    for p in census.admit:
        if p.id in {q.id for q in kept}:
            problems.append(Problem("--admit", p.id, "id", "already a patient this week; expected a new id"))
    therapists = {t.id for t in scenario.therapists}
    for therapist, days in census.leave:
        if therapist not in therapists:
            problems.append(Problem("--leave", therapist, None, "unknown therapist"))
        for day in days:
            if day not in scenario.program.days:
                problems.append(Problem("--leave", therapist, day, "not a program day"))
    if problems:
        raise ScenarioError(problems)
    leaving = set(census.discharge)
    locks = [
        lock for lock in scenario.locked
        if lock.kind in STANDING_LOCKS and lock.patient not in leaving
    ]  # fmt: skip
    locks += [Lock(therapist=t, absent=list(days)) for t, days in census.leave]
    week_of = scenario.program.week_of + dt.timedelta(days=7)
    return scenario.model_copy(
        update={
            "program": scenario.program.model_copy(update={"week_of": week_of}),
            "patients": [*kept, *census.admit],
            "locked": locks,
            "previous_roster": previous_roster,
        }
    )
