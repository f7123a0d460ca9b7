"""roster.html: one self-contained page a manager can open, search and print.

The page holds the weekly board per room and per clinician (blocks down, days across),
a per-patient schedule finder, the shortfalls, and charts of hours against required,
clinician load and group fill. Everything is inline (CSS, a few lines of JS, SVG): it
works offline and fetches nothing. It is rendered from jinja2 templates shipped with the
package, with autoescaping on, so names are always text, never markup.

This module turns the roster into plain display records (boards, cards, chart bars);
the numbers come from ``tables``; the template only lays them out.
"""

from __future__ import annotations

import base64
import hashlib
from collections import defaultdict
from dataclasses import dataclass, replace

import jinja2
import markupsafe

from ..changes import Change, changes_table
from ..roster import Roster, Session
from ..scenario import Scenario
from .tables import (
    UNKNOWN_BLOCK,
    day_dates,
    fill_table,
    ordered_blocks,
    patient_names,
    patients_table,
    session_capacity,
    shortfalls_table,
    therapist_names,
    therapists_table,
    type_label,
    week_grid,
)

PALETTE_SIZE = 8  # distinct colours for group types (board.css: .t0 … .t7); more types reuse them


@dataclass(frozen=True)
class Card:
    """One session as a board cell shows it."""

    session_id: str
    title: str
    time: str
    colour: str  # css class: t0…t7 for group types, "appt" for appointments
    lines: tuple[str, ...]  # who, where, which track
    size: int | None = None  # group fill: patients seated …
    capacity: int | None = None  # … out of seats
    attendees: tuple[str, ...] = ()  # patients, listed on demand (details element)

    @property
    def fill_pct(self) -> int:
        """Seats taken in percent, for the fill bar."""
        return round(100 * (self.size or 0) / self.capacity) if self.capacity else 0


@dataclass(frozen=True)
class BoardRow:
    """One block of a board: its label and a list of cards per program day."""

    block: str
    hours: str
    cells: tuple[tuple[Card, ...], ...]


@dataclass(frozen=True)
class Board:
    """A weekly grid (blocks down, days across) for one room, one clinician or the appointments."""

    anchor: str
    title: str
    subtitle: str
    rows: tuple[BoardRow, ...]
    sessions: int

    @property
    def density(self) -> str:
        """How much the print stylesheet shrinks this board so that it fits one landscape page.

        The measure is the number of cards stacked down the page: the fullest cell of each block.
        """
        tall = sum(max((len(cell) for cell in row.cells), default=0) for row in self.rows)
        for limit, name in ((14, "normal"), (22, "dense"), (34, "denser")):
            if tall <= limit:
                return name
        return "densest"


@dataclass(frozen=True)
class Visit:
    """One line of a patient's schedule."""

    session_id: str
    day: str
    time: str
    title: str
    colour: str
    detail: str


@dataclass(frozen=True)
class PatientSchedule:
    """A patient's week, found by name or id in the page's finder."""

    anchor: str
    ident: str
    name: str
    level: str
    track: str
    hours: float
    hours_min: float
    hours_max: float
    short: bool
    shortfalls: str
    search: str
    visits: tuple[Visit, ...]


@dataclass(frozen=True)
class Bar:
    """One bar of a chart, in the chart's own units (the template draws it in SVG)."""

    label: str
    value: float
    limit: float  # the bar's full scale: max hours, seats offered …
    text: str
    status: str = "ok"  # ok | short | over
    low: float = 0.0  # required range of hours, drawn behind the bar
    high: float = 0.0
    group: str = ""  # bars are labelled by group where it changes (a level of care)


@dataclass
class Page:
    """Everything the template shows."""

    title: str
    week: str
    timezone: str
    status: str
    objective: str
    days: list[tuple[str, str]]
    kpis: list[tuple[str, str, str]]
    shortfalls: list[dict[str, object]]
    type_legend: list[tuple[str, str]]
    room_boards: list[Board]
    therapist_boards: list[Board]
    patients: list[PatientSchedule]
    hours_bars: list[Bar]
    hours_scale: float
    load_bars: list[Bar]
    fill_bars: list[Bar]
    changes: list[dict[str, str]] | None = None  # from last week, when a previous roster is given


def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("optimizer.views", "templates"),
        autoescape=True,  # every name is text: <script> in a name prints as <script>
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


class _Builder:
    """Turns one (scenario, roster) pair into the page's display records."""

    def __init__(self, scenario: Scenario, roster: Roster) -> None:
        self.sc = scenario
        self.roster = roster
        self.patients = patient_names(scenario)
        self.therapists = therapist_names(scenario)
        self.rooms = {r.id: r for r in scenario.rooms}
        self.colours = {g.id: f"t{i % PALETTE_SIZE}" for i, g in enumerate(scenario.group_types)}
        self.tracks = {s.track for s in roster.groups()}
        self.blocks = ordered_blocks(scenario)
        if any(block == UNKNOWN_BLOCK for _, block in week_grid(scenario, list(roster.sessions))):
            self.blocks.append(UNKNOWN_BLOCK)
        self.dates = day_dates(scenario)

    # -- cards and boards -------------------------------------------------------------------

    def time(self, s: Session) -> str:
        return f"{s.start}–{s.end}"

    def staff(self, ids: tuple[str, ...]) -> str:
        return " + ".join(self.therapists.get(t, t) for t in ids)

    def card(self, s: Session, seen_by: str) -> Card:
        """A session as shown on a room's board, a clinician's (``seen_by`` its id) or the appointments'."""
        if s.is_group:
            lines = []
            if seen_by != "room":
                lines.append(f"Room {s.room}")
            others = tuple(t for t in s.therapists if t != seen_by)
            if others:
                lines.append(
                    ("with " if seen_by not in ("room", "appointments") else "") + self.staff(others)
                )
            if len(self.tracks) > 1 and s.track:
                lines.append(f"{s.track} track")
            return Card(
                session_id=s.id,
                title=type_label(self.sc, s),
                time=self.time(s),
                colour=self.colours.get(s.type, "t0"),
                lines=tuple(lines),
                size=len(s.patients),
                capacity=session_capacity(self.sc, s),
                attendees=tuple(sorted(self.patients.get(p, p) for p in s.patients)),
            )
        who = [", ".join(self.patients.get(p, p) for p in s.patients)]
        if seen_by == "appointments":
            who.append(f"with {self.staff(s.therapists)}")
        return Card(
            session_id=s.id,
            title=type_label(self.sc, s),
            time=self.time(s),
            colour="appt",
            lines=tuple(who),
        )

    def board(self, anchor: str, title: str, subtitle: str, sessions: list[Session], seen_by: str) -> Board:
        grid = week_grid(self.sc, sessions)
        rows = []
        for block in self.blocks:
            cells = tuple(
                tuple(self.card(s, seen_by) for s in grid.get((day, block), []))
                for day in self.sc.program.days
            )
            if block == UNKNOWN_BLOCK:
                rows.append(BoardRow("outside blocks", "", cells))
            else:
                spec = self.sc.program.blocks[block]
                rows.append(BoardRow(block, f"{spec.start}–{spec.end}", cells))
        return Board(anchor, title, subtitle, tuple(rows), len(sessions))

    def room_boards(self) -> list[Board]:
        by_room: dict[str | None, list[Session]] = defaultdict(list)
        for s in self.roster.sessions:
            by_room[s.room if s.is_group else None].append(s)
        slots = len(self.blocks) * len(self.sc.program.days)
        boards = []
        for i, room in enumerate(self.sc.rooms):
            sessions = by_room.pop(room.id, [])
            used = len({(s.day, s.start) for s in sessions})
            only = f" · only {', '.join(room.group_types)}" if room.group_types else ""
            boards.append(
                self.board(
                    f"room-{i}",
                    f"Room {room.name or room.id}",
                    f"{room.capacity} seats{only} · {used} of {slots} blocks in use",
                    sessions,
                    "room",
                )
            )
        appointments = by_room.pop(None, [])
        if appointments:
            boards.append(
                self.board(
                    "appointments",
                    "Appointments",
                    f"{len(appointments)} individual, family and psychiatric appointments (no room assigned)",
                    appointments,
                    "appointments",
                )
            )
        for j, (room_id, sessions) in enumerate(sorted(by_room.items(), key=lambda kv: str(kv[0]))):
            boards.append(  # a room the scenario does not name (a hand-made roster): still shown
                self.board(f"room-x{j}", f"Room {room_id}", "not in the scenario", sessions, "room")
            )
        return boards

    def therapist_boards(self) -> list[Board]:
        by_person: dict[str, list[Session]] = defaultdict(list)
        for s in self.roster.sessions:
            for t in dict.fromkeys(s.therapists):
                by_person[t].append(s)
        table = therapists_table(self.sc, self.roster).to_dict("records")
        boards = []
        for i, row in enumerate(table):
            quals = row["qualifications"].replace(";", ", ")
            boards.append(
                self.board(
                    f"clinician-{i}",
                    self.therapists[row["therapist"]],
                    f"{row['therapist']} · {row['role']}{' · ' + quals if quals else ''} · "
                    f"{row['hours_scheduled']:g} of {row['max_hours']:g} h ({row['load_pct']:g}%)",
                    by_person.get(row["therapist"], []),
                    row["therapist"],
                )
            )
        return boards

    # -- patients ----------------------------------------------------------------------------

    def schedules(self) -> list[PatientSchedule]:
        visits: dict[str, list[Visit]] = defaultdict(list)
        for s in sorted(self.roster.sessions, key=Session.sort_key):
            if s.is_group:
                detail = f"Room {s.room} · {self.staff(s.therapists)}"
            else:
                detail = f"with {self.staff(s.therapists)}"
            date = self.dates.get(s.day)
            day = f"{date:%a %d %b}" if date else s.day
            colour = self.colours.get(s.type, "t0") if s.is_group else "appt"
            for p in dict.fromkeys(s.patients):
                visits[p].append(Visit(s.id, day, self.time(s), type_label(self.sc, s), colour, detail))
        schedules = []
        for i, row in enumerate(patients_table(self.sc, self.roster).to_dict("records")):
            ident, name = row["patient"], row["name"] or ""
            schedules.append(
                PatientSchedule(
                    anchor=f"patient-{i}",
                    ident=ident,
                    name=name,
                    level=row["level"],
                    track=row["track"],
                    hours=row["hours_scheduled"],
                    hours_min=row["hours_min"],
                    hours_max=row["hours_max"],
                    short=bool(row["shortfalls"]) or not row["hours_met"],
                    shortfalls=row["shortfalls"].replace(";", ", "),
                    search=f"{ident} {name}".lower(),
                    visits=tuple(visits.get(ident, [])),
                )
            )
        return schedules

    # -- charts and numbers -----------------------------------------------------------------

    def hours_bars(self, schedules: list[PatientSchedule]) -> list[Bar]:
        """Hours scheduled against the required range, grouped by level, lowest first."""
        bars = []
        for p in sorted(schedules, key=lambda p: (p.level, p.hours, p.ident)):
            status = (
                "short" if p.short or p.hours < p.hours_min else "over" if p.hours > p.hours_max else "ok"
            )
            label = f"{p.name} ({p.ident})" if p.name else p.ident
            bars.append(
                Bar(
                    label=label,
                    value=p.hours,
                    limit=p.hours_max,
                    text=f"{label}: {p.hours:g} h, needs {p.hours_min:g}–{p.hours_max:g} h ({p.level})",
                    status=status,
                    low=p.hours_min,
                    high=p.hours_max,
                    group=p.level,
                )
            )
        return bars

    def load_bars(self) -> list[Bar]:
        bars = []
        for row in therapists_table(self.sc, self.roster).to_dict("records"):
            status = "over" if row["load_pct"] > 100 else "ok"
            bars.append(
                Bar(
                    label=self.therapists[row["therapist"]],
                    value=row["hours_scheduled"],
                    limit=row["max_hours"],
                    text=f"{row['hours_scheduled']:g} / {row['max_hours']:g} h · {row['load_pct']:.0f}%",
                    status=status,
                )
            )
        return bars

    def fill_bars(self) -> list[Bar]:
        bars = []
        for row in fill_table(self.sc, self.roster).to_dict("records"):
            date = self.dates.get(row["day"])
            day = f"{date:%a}" if date else row["day"]
            sessions = f"{row['sessions']} group{'s' if row['sessions'] != 1 else ''}"
            bars.append(
                Bar(
                    label=f"{day} {row['block']}",
                    value=row["seats_taken"],
                    limit=row["seats_offered"],
                    text=f"{row['seats_taken']}/{row['seats_offered']} ({row['fill_pct']:.0f}%)",
                    group=sessions,
                    status="ok" if row["fill_pct"] >= 75 else "low",
                )
            )
        return bars

    def kpis(self, schedules: list[PatientSchedule]) -> list[tuple[str, str, str]]:
        """(label, value, tone) tiles at the top of the page."""
        patients = patients_table(self.sc, self.roster)
        therapists = therapists_table(self.sc, self.roster)
        fill = fill_table(self.sc, self.roster)
        met = int(patients["hours_met"].sum()) if len(patients) else 0
        short = sum(1 for p in schedules if p.short)
        working = therapists[therapists["max_hours"] > 0]
        load = f"{working['load_pct'].min():.0f}–{working['load_pct'].max():.0f}%" if len(working) else "–"
        offered = int(fill["seats_offered"].sum()) if len(fill) else 0
        taken = int(fill["seats_taken"].sum()) if len(fill) else 0
        return [
            ("Patients", str(len(patients)), ""),
            ("Hours met", f"{met}/{len(patients)}", "good" if met == len(patients) else "bad"),
            ("Patients short", str(short), "bad" if short else "good"),
            ("Group sessions", str(len(self.roster.groups())), ""),
            ("Appointments", str(len(self.roster.appointments())), ""),
            ("Group fill", f"{round(100 * taken / offered)}%" if offered else "–", ""),
            ("Clinician load", load, ""),
        ]

    def page(self) -> Page:
        program = self.sc.program
        schedules = self.schedules()
        hours = self.hours_bars(schedules)
        objective = self.roster.solver.objective
        return Page(
            title=program.name,
            week=f"{program.week_of:%A %d %B %Y}",
            timezone=program.timezone,
            status=self.roster.solver.status,
            objective="–" if objective is None else f"{objective:g}",
            days=[(day, f"{self.dates[day]:%a %d %b}") for day in program.days],
            kpis=self.kpis(schedules),
            shortfalls=[
                {**row, "anchor": next((p.anchor for p in schedules if p.ident == row["patient"]), "")}
                for row in shortfalls_table(self.sc, self.roster).to_dict("records")
            ],
            type_legend=[(self.colours[g.id], g.name or g.id) for g in self.sc.group_types],
            room_boards=self.room_boards(),
            therapist_boards=self.therapist_boards(),
            patients=schedules,
            hours_bars=hours,
            hours_scale=max([1.0, *(max(b.value, b.high) for b in hours)]),
            load_bars=self.load_bars(),
            fill_bars=self.fill_bars(),
        )


def board_html(scenario: Scenario, roster: Roster, changes: list[Change] | None = None) -> str:
    """The roster as one self-contained HTML page (no network access needed to view or print it).

    ``changes``: the changes from last week, shown in their own section when given.
    """
    env = _environment()
    assert env.loader is not None
    css = env.loader.get_source(env, "board.css")[0]
    script = env.loader.get_source(env, "board.js")[0]
    # The page's Content-Security-Policy lets only this exact script run: even a name that
    # slipped past escaping could not execute, and the page can fetch nothing.
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    return env.get_template("board.html.j2").render(
        page=replace(
            _Builder(scenario, roster).page(),
            changes=None if changes is None else changes_table(changes).to_dict("records"),
        ),
        css=markupsafe.Markup(css),
        script=markupsafe.Markup(script),
        script_hash=f"sha256-{digest}",
    )


__all__ = ["board_html"]
