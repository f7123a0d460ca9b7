"""Pseudonyms: views that can be shared without naming patients.

Patient names and ids are health information. With ``--pseudonymize`` every shared
view (CSV, workbook, HTML, calendars) is rendered from a copy of the scenario and the
roster in which each patient's id is replaced by an alias and the name is removed; the
alias map (patient id -> alias) is written to its own file, never into a view.

Aliases are random (``PT-`` and five letters or digits), not derived from the id or its
order, so the views carry nothing that leads back to a patient without the map. They are
stable because the map is the memory: a patient already in the map file keeps their
alias; only patients new to it get a new one. Reuse the same map file (the default
``DIR/aliases.json``, or ``--aliases FILE``) and every re-render uses the same aliases.
"""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..changes import Change
from ..files import write_atomic
from ..roster import Roster, Session, Shortfall
from ..scenario import Problem, Scenario, ScenarioError
from ..scenario.documents import read_document

ALIASES_FORMAT = "iop-roster-aliases/1"
PREFIX = "PT-"
_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I: aliases are read aloud and retyped
_ALIAS = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.+-]{0,63}$")  # an alias stands where an id stood


@dataclass
class AliasMap:
    """Patient id -> alias, kept in a private file and reused across renders."""

    aliases: dict[str, str] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path) -> AliasMap:
        """Read a map file; a missing file is an empty map (the first render creates it)."""
        if not path.exists():
            return cls()
        data = read_document(path)
        source = str(path)
        problems = []
        if data.get("format") != ALIASES_FORMAT:
            problems.append(Problem(source, None, "format", f"expected {ALIASES_FORMAT!r}"))
        raw = data.get("aliases")
        if not isinstance(raw, dict):
            problems.append(Problem(source, None, "aliases", "expected a mapping of patient id to alias"))
            raw = {}
        seen: dict[str, str] = {}
        for patient, alias in raw.items():
            if not isinstance(alias, str) or not _ALIAS.match(alias):
                problems.append(Problem(source, str(patient), None, f"alias {alias!r} is not a valid id"))
            elif alias in seen:
                problems.append(
                    Problem(source, str(patient), None, f"alias {alias!r} is also used for {seen[alias]}")
                )
            else:
                seen[alias] = str(patient)
        if problems:
            raise ScenarioError(problems)
        return cls({str(k): v for k, v in raw.items()})

    def extend(self, patients: list[str]) -> None:
        """Give every patient not yet in the map a fresh random alias (existing ones stay)."""
        taken = set(self.aliases.values()) | set(patients) | set(self.aliases)
        for patient in patients:
            if patient in self.aliases:
                continue
            alias = _fresh(taken)
            self.aliases[patient] = alias
            taken.add(alias)

    def to_json(self) -> str:
        """The map file's text; sorted, so re-renders rewrite it identically."""
        document = {
            "format": ALIASES_FORMAT,
            "note": "Private: maps patient ids to the aliases shown in pseudonymized views. Do not share.",
            "aliases": dict(sorted(self.aliases.items())),
        }
        return json.dumps(document, indent=2, ensure_ascii=False) + "\n"

    def save(self, path: Path) -> Path:
        """Write the map atomically, readable by its owner only."""
        return write_atomic(path, self.to_json(), mode=0o600)


def _fresh(taken: set[str]) -> str:
    while True:
        alias = PREFIX + "".join(secrets.choice(_ALPHABET) for _ in range(5))
        if alias not in taken:
            return alias


def _replacer(table: dict[str, str]) -> Callable[[str], str] | None:
    """A function replacing whole-word occurrences of the table's keys in free text, in one pass."""
    keys = sorted((k for k in table if k), key=len, reverse=True)
    if not keys:
        return None
    pattern = re.compile(r"(?<![A-Za-z0-9])(" + "|".join(re.escape(k) for k in keys) + r")(?![A-Za-z0-9])")
    return lambda text: pattern.sub(lambda m: table[m.group(1)], text)


def pseudonymize(scenario: Scenario, roster: Roster, aliases: AliasMap) -> tuple[Scenario, Roster]:
    """Copies of the scenario and roster with every patient id replaced by its alias and no names.

    Free text that may carry an id or a name is rewritten too: session ids (appointments
    are named after their patient) and shortfall reasons. Patients and sessions are put
    in alias and clock order, so that row order does not mirror the real ids' order.
    ``aliases`` is extended with any patient it does not know yet.
    """
    ids = list(
        dict.fromkeys(
            [p.id for p in scenario.patients]
            + [p for s in roster.sessions for p in s.patients]
            + [f.patient for f in roster.shortfalls]
        )
    )
    aliases.extend(ids)
    alias = {p: aliases.aliases[p] for p in ids}
    text = {**{p.name: alias[p.id] for p in scenario.patients if p.name}, **alias}
    rewrite = _replacer(text) or (lambda value: value)

    patients = sorted(
        (p.model_copy(update={"id": alias[p.id], "name": None}) for p in scenario.patients),
        key=lambda p: p.id,
    )
    shared = scenario.model_copy(update={"patients": patients, "locked": [], "previous_roster": None})
    sessions = tuple(
        sorted(
            (
                replace(s, id=rewrite(s.id), patients=tuple(sorted(alias[p] for p in s.patients)))
                for s in roster.sessions
            ),
            key=Session.sort_key,
        )
    )
    shortfalls = tuple(
        sorted(
            (
                Shortfall(alias[f.patient], f.rule, f.required, f.scheduled, rewrite(f.reason))
                for f in roster.shortfalls
            ),
            key=lambda f: (f.patient, f.rule),
        )
    )
    return shared, replace(roster, sessions=sessions, shortfalls=shortfalls)


def pseudonymize_changes(changes: list[Change], scenario: Scenario, aliases: AliasMap) -> list[Change]:
    """The changes with patient ids (and names) replaced by aliases, also inside their text."""
    aliases.extend([c.patient for c in changes])
    text = {**{p.name: aliases.aliases.get(p.id, "") for p in scenario.patients if p.name}, **aliases.aliases}
    rewrite = _replacer(text) or (lambda value: value)
    return [
        Change(aliases.aliases[c.patient], c.what, rewrite(c.before), rewrite(c.after), rewrite(c.reason))
        for c in changes
    ]


__all__ = ["ALIASES_FORMAT", "AliasMap", "pseudonymize", "pseudonymize_changes"]
