"""The roster: plain domain objects and the ``roster.json`` format (SPEC §4).

Nothing here knows about the solver; the checker and every view read these objects.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

from .scenario import DAYS, Problem, Scenario, ScenarioError
from .scenario.documents import read_document

FORMAT = "iop-roster/1"
Status = Literal["OPTIMAL", "FEASIBLE", "INFEASIBLE", "UNKNOWN"]
SESSION_KEYS = ("id", "kind", "type", "day", "start", "end", "room", "track", "therapists", "patients")


def group_session_id(day: str, block: str, group_type: str, number: int) -> str:
    """The id of the ``number``-th session of a group type in a block: unique within a roster."""
    return f"G-{day}-{block}-{group_type}-{number}"


def appointment_id(patient: str, kind: str, number: int) -> str:
    """The id of a patient's ``number``-th appointment of a kind: unique within a roster."""
    return f"A-{patient}-{kind}-{number}"


@dataclass(frozen=True)
class Session:
    """A group session or an appointment, with ids and clock times only."""

    id: str
    kind: str  # "group" or an appointment kind
    type: str  # group type id, or the appointment kind
    day: str
    start: str
    end: str
    room: str | None
    track: str | None
    therapists: tuple[str, ...]
    patients: tuple[str, ...]

    @property
    def is_group(self) -> bool:
        """Groups have rooms and tracks; appointments have neither."""
        return self.kind == "group"

    def sort_key(self) -> tuple[int, str, int, str]:
        """Chronological order, groups before appointments at the same time."""
        day = DAYS.index(self.day) if self.day in DAYS else len(DAYS)
        return (day, self.start, 0 if self.is_group else 1, self.id)


@dataclass(frozen=True)
class Shortfall:
    """A requirement a best-effort roster does not meet, declared per patient."""

    patient: str
    rule: str
    required: float
    scheduled: float
    reason: str


@dataclass(frozen=True)
class SolverInfo:
    """How the roster was found."""

    status: Status
    objective: float | None
    best_bound: float | None
    wall_time_s: float


@dataclass(frozen=True)
class Roster:
    """One week's roster: the sessions and the shortfalls it declares."""

    scenario: str
    week_of: str
    solver: SolverInfo
    sessions: tuple[Session, ...]
    shortfalls: tuple[Shortfall, ...] = field(default_factory=tuple)

    @classmethod
    def for_week(
        cls,
        scenario: Scenario,
        solver: SolverInfo,
        sessions: Iterable[Session],
        shortfalls: Iterable[Shortfall] = (),
    ) -> Roster:
        """The roster of ``scenario``'s week, sessions in the order every view lists them."""
        return cls(
            scenario=scenario.program.name,
            week_of=scenario.program.week_of.isoformat(),
            solver=solver,
            sessions=tuple(sorted(sessions, key=Session.sort_key)),
            shortfalls=tuple(shortfalls),
        )

    def groups(self) -> list[Session]:
        """The group sessions."""
        return [s for s in self.sessions if s.is_group]

    def appointments(self) -> list[Session]:
        """The individual, family, psychiatric (and other) appointments."""
        return [s for s in self.sessions if not s.is_group]

    def to_dict(self) -> dict[str, Any]:
        """The SPEC §4 document, keys in the documented order."""
        return {
            "format": FORMAT,
            "scenario": self.scenario,
            "week_of": self.week_of,
            "solver": asdict(self.solver),
            "sessions": [
                {**asdict(s), "therapists": list(s.therapists), "patients": list(s.patients)}
                for s in self.sessions
            ],
            "shortfalls": [asdict(s) for s in self.shortfalls],
        }

    def to_json(self) -> str:
        """roster.json text, stable across runs for the same roster."""
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False) + "\n"


def roster_from_dict(data: dict[str, Any], source: str = "<roster>") -> Roster:
    """Parse a roster document, reporting every malformed entry with its index."""
    problems: list[Problem] = []

    def bad(item: str | None, field_name: str | None, message: str) -> None:
        problems.append(Problem(source, item, field_name, message))

    if data.get("format") != FORMAT:
        bad(None, "format", f"expected {FORMAT!r}, got {data.get('format')!r}")
    solver = data.get("solver") if isinstance(data.get("solver"), dict) else {}
    if not solver:
        bad(None, "solver", "expected a mapping with status, objective, best_bound, wall_time_s")
    sessions = []
    raw_sessions = data.get("sessions")
    if not isinstance(raw_sessions, list):
        bad(None, "sessions", "expected a list of sessions")
        raw_sessions = []
    for index, raw in enumerate(raw_sessions):
        label = f"sessions[{index}]"
        if not isinstance(raw, dict):
            bad(label, None, "expected a mapping")
            continue
        missing = [k for k in SESSION_KEYS if k not in raw]
        unknown = [k for k in raw if k not in SESSION_KEYS]
        if missing or unknown:
            detail = "; ".join(
                part
                for part in (
                    f"missing {', '.join(missing)}" if missing else "",
                    f"unknown {', '.join(unknown)}" if unknown else "",
                )
                if part
            )
            bad(label, None, f"{detail}; expected keys {', '.join(SESSION_KEYS)}")
            continue
        people_ok = all(
            isinstance(raw[k], list) and all(isinstance(x, str) for x in raw[k])
            for k in ("therapists", "patients")
        )
        text_ok = all(isinstance(raw[k], str) for k in ("id", "kind", "type", "day", "start", "end"))
        if not (people_ok and text_ok):
            bad(label, None, "expected text ids and times, and lists of therapist and patient ids")
            continue
        sessions.append(
            Session(
                id=raw["id"],
                kind=raw["kind"],
                type=raw["type"],
                day=raw["day"],
                start=raw["start"],
                end=raw["end"],
                room=raw["room"],
                track=raw["track"],
                therapists=tuple(raw["therapists"]),
                patients=tuple(raw["patients"]),
            )
        )
    shortfalls = []
    raw_shortfalls = data.get("shortfalls") or []
    if not isinstance(raw_shortfalls, list):
        bad(None, "shortfalls", "expected a list of shortfalls")
        raw_shortfalls = []
    for index, raw in enumerate(raw_shortfalls):
        typed = (
            isinstance(raw, dict)
            and set(raw) == {"patient", "rule", "required", "scheduled", "reason"}
            and all(isinstance(raw[k], str) for k in ("patient", "rule", "reason"))
            and all(
                isinstance(raw[k], int | float) and not isinstance(raw[k], bool)
                for k in ("required", "scheduled")
            )
        )
        if not typed:
            bad(
                f"shortfalls[{index}]",
                None,
                "expected patient, rule and reason as text and required, scheduled as numbers",
            )
            continue
        shortfalls.append(Shortfall(**raw))
    if problems:
        raise ScenarioError(problems)
    return Roster(
        scenario=str(data.get("scenario", "")),
        week_of=str(data.get("week_of", "")),
        solver=SolverInfo(
            status=solver.get("status", "UNKNOWN"),
            objective=solver.get("objective"),
            best_bound=solver.get("best_bound"),
            wall_time_s=float(solver.get("wall_time_s") or 0.0),
        ),
        sessions=tuple(sessions),
        shortfalls=tuple(shortfalls),
    )


def load_roster(path: str | Path) -> Roster:
    """Read a roster.json file (the same size and safety limits as scenarios)."""
    path = Path(path)
    return roster_from_dict(read_document(path), str(path))
