"""Turning a scenario file (and the tables beside it) into a validated ``Scenario``.

Every section and every item is validated on its own so that one bad row does not
hide the others; all problems are raised together in one ``ScenarioError``.
"""

from __future__ import annotations

import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from .documents import TABLE_SUFFIXES, read_document, read_document_or_list, read_table, resolve_inside
from .errors import Problem, ScenarioError, one_of
from .models import (
    DAYS,
    DEFAULT_APPOINTMENTS,
    DEFAULT_LEVELS,
    AppointmentKind,
    GroupType,
    Level,
    Lock,
    Objective,
    Patient,
    Program,
    Room,
    Scenario,
    Therapist,
)
from .validate import validate_scenario

TABLES: dict[str, type[BaseModel]] = {
    "group_types": GroupType,
    "rooms": Room,
    "therapists": Therapist,
    "patients": Patient,
}
MAX_ITEMS = {"group_types": 200, "rooms": 1000, "therapists": 5000, "patients": 20000}
SECTIONS = (
    "program", "levels", "group_types", "appointments", "rooms", "therapists",
    "patients", "objective", "previous_roster", "locked",
)  # fmt: skip


@dataclass
class Origins:
    """Where each item came from, so later checks can name the file and row."""

    default_file: str
    items: dict[tuple[str, int], tuple[str, str]] = field(default_factory=dict)

    def locate(self, section: str, index: int) -> tuple[str, str]:
        """(file, item label) of item ``index`` of ``section``."""
        return self.items.get((section, index), (self.default_file, f"{section}[{index}]"))


def load_scenario(path: str | Path) -> Scenario:
    """Read, validate and return the scenario at ``path``; raise ``ScenarioError`` if unusable."""
    path = Path(path)
    document = read_document(path)
    scenario, origins = _build(document, path)
    problems = [p for p in validate_scenario(scenario, origins.locate) if p.severity == "error"]
    if scenario.previous_roster is not None:
        try:
            previous = resolve_inside(path.parent, scenario.previous_roster)
            if not previous.is_file():
                problems.append(Problem(str(path), None, "previous_roster", f"no roster file at {previous}"))
        except ValueError as exc:
            problems.append(Problem(str(path), None, "previous_roster", str(exc)))
    if problems:
        raise ScenarioError(problems)
    return scenario


def scenario_files(path: str | Path) -> list[Path]:
    """The files a scenario is made of: itself, its tables and its previous roster.

    Commands that write output use this to refuse to overwrite anything the user gave.
    Unreadable or unsafe references are skipped here; loading reports them.
    """
    path = Path(path)
    files = [path]
    try:
        document = read_document(path)
    except ScenarioError:
        return files
    for key in (*TABLES, "previous_roster"):
        reference = document.get(key)
        if isinstance(reference, str):
            try:
                files.append(resolve_inside(path.parent, reference.partition("#")[0]))
            except ValueError:
                continue
    return files


def load_items(path: str | Path, section: str = "patients") -> list[Any]:
    """Items of one table kept in their own file (CSV/XLSX rows, or a YAML/JSON list).

    Used for admissions and for new patients to place; errors name the file and row.
    """
    path = Path(path)
    model = TABLES[section]
    problems: list[Problem] = []
    if path.suffix.lower() in TABLE_SUFFIXES:
        rows = _table_rows(section, model, path.name, path, problems)
        labelled = rows[1] if rows is not None else []
        file = str(path)
    else:
        document: Any = read_document_or_list(path)
        if isinstance(document, dict) and section in document:
            document = document[section]
        if isinstance(document, dict):
            document = [document]
        if not isinstance(document, list):
            raise ScenarioError([Problem(str(path), None, None, f"expected a list of {section} or one item")])
        labelled = [(f"{section}[{i}]", item) for i, item in enumerate(document)]
        file = str(path)
    items = []
    for label, item in labelled:
        if isinstance(item, dict) and isinstance(item.get("id"), str | int):
            label = f"{label} (id {item['id']})"
        items.append(_validate(model, item, file, label, problems))
    if problems:
        raise ScenarioError(problems)
    return items


def previous_roster_path(scenario: Scenario, scenario_path: str | Path) -> Path | None:
    """Where the scenario's ``previous_roster`` is, resolved inside the scenario's folder."""
    if scenario.previous_roster is None:
        return None
    return resolve_inside(Path(scenario_path).parent, scenario.previous_roster)


def scenario_warnings(scenario: Scenario, path: str | Path = "<scenario>") -> list[Problem]:
    """Non-fatal findings (likely typos) worth showing to the user."""
    locate = Origins(str(path)).locate
    return [p for p in validate_scenario(scenario, locate) if p.severity == "warning"]


def scenario_from_dict(document: dict[str, Any], name: str = "<scenario>") -> Scenario:
    """Validate an in-memory scenario document (tables must be inline)."""
    scenario, origins = _build(document, Path(name))
    problems = [p for p in validate_scenario(scenario, origins.locate) if p.severity == "error"]
    if problems:
        raise ScenarioError(problems)
    return scenario


def _build(document: dict[str, Any], path: Path) -> tuple[Scenario, Origins]:
    file = str(path)
    problems: list[Problem] = []
    origins = Origins(file)
    for key in document:
        if key not in SECTIONS:
            problems.append(Problem(file, None, None, f"unknown section {key!r}; {one_of(SECTIONS)}"))

    def section(name: str, model: type[BaseModel], raw: Any) -> Any:
        return _validate(model, raw, file, name, problems)

    program = section("program", Program, document.get("program"))
    levels = _merged_defaults(document.get("levels"), DEFAULT_LEVELS, "levels", Level, file, problems)
    kinds = _merged_defaults(
        document.get("appointments"), DEFAULT_APPOINTMENTS, "appointments", AppointmentKind, file, problems
    )
    objective = section("objective", Objective, document.get("objective") or {})
    tables = {
        name: _table(name, model, document.get(name), path, origins, problems)
        for name, model in TABLES.items()
    }
    previous = document.get("previous_roster")
    if previous is not None and not isinstance(previous, str):
        problems.append(Problem(file, None, "previous_roster", "expected a path to a roster.json file"))
    raw_locks = document.get("locked") or []
    locked = []
    if not isinstance(raw_locks, list):
        problems.append(Problem(file, None, "locked", "expected a list of locks"))
    else:
        for index, raw in enumerate(raw_locks):
            origins.items[("locked", index)] = (file, f"locked[{index}]")
            locked.append(_validate(Lock, raw, file, f"locked[{index}]", problems))
    if problems:
        raise ScenarioError(problems)
    scenario = Scenario(
        program=program,
        levels=levels,
        group_types=tables["group_types"],
        appointments=kinds,
        rooms=tables["rooms"],
        therapists=tables["therapists"],
        patients=tables["patients"],
        objective=objective,
        previous_roster=previous,
        locked=locked,
    )
    return scenario, origins


def _merged_defaults(
    given: Any,
    defaults: dict[str, dict[str, Any]],
    name: str,
    model: type[BaseModel],
    file: str,
    problems: list[Problem],
) -> dict[str, Any]:
    """Defaults from SPEC, with the scenario's entries merged over them field by field."""
    if given is None:
        given = {}
    if not isinstance(given, dict):
        problems.append(Problem(file, None, name, "expected a mapping of id -> settings"))
        return {}
    merged: dict[str, Any] = {}
    for key in dict.fromkeys([*defaults, *given]):
        raw = given.get(key, {})
        if not isinstance(raw, dict):
            problems.append(Problem(file, f"{name}.{key}", None, "expected a mapping of settings"))
            continue
        entry = {**defaults.get(key, {}), **raw}
        value = _validate(model, entry, file, f"{name}.{key}", problems)
        if value is not None:
            merged[str(key)] = value
    return merged


def _table(
    name: str,
    model: type[BaseModel],
    raw: Any,
    scenario_path: Path,
    origins: Origins,
    problems: list[Problem],
) -> list[Any]:
    """The items of a table section, inline or read from a CSV/XLSX file beside the scenario."""
    file = str(scenario_path)
    if raw is None:
        raw = []
    if isinstance(raw, str):
        rows = _table_rows(name, model, raw, scenario_path, problems)
        if rows is None:
            return []
        table_file, labelled = rows
    elif isinstance(raw, list):
        table_file = file
        labelled = [(f"{name}[{i}]", item) for i, item in enumerate(raw)]
    else:
        problems.append(Problem(file, None, name, "expected a list of items or a path to a .csv/.xlsx table"))
        return []
    if len(labelled) > MAX_ITEMS[name]:
        problems.append(
            Problem(table_file, None, name, f"{len(labelled)} items; the limit is {MAX_ITEMS[name]}")
        )
        return []
    items = []
    for index, (label, item) in enumerate(labelled):
        if isinstance(item, dict) and isinstance(item.get("id"), str | int):
            label = f"{label} (id {item['id']})"
        origins.items[(name, index)] = (table_file, label)
        value = _validate(model, item, table_file, label, problems)
        items.append(value)
    return items


def _table_rows(
    name: str, model: type[BaseModel], reference: str, scenario_path: Path, problems: list[Problem]
) -> tuple[str, list[tuple[str, Any]]] | None:
    file = str(scenario_path)
    reference, _, sheet = reference.partition("#")
    try:
        table_path = resolve_inside(scenario_path.parent, reference)
    except ValueError as exc:
        problems.append(Problem(file, None, name, str(exc)))
        return None
    if table_path.suffix.lower() not in TABLE_SUFFIXES:
        problems.append(Problem(file, None, name, f"expected a .csv or .xlsx table, got {reference!r}"))
        return None
    shown = str(scenario_path.parent / reference)
    try:
        rows = read_table(table_path, sheet or None)
    except ScenarioError as exc:
        problems.extend(Problem(shown, p.item, p.field, p.message, p.severity) for p in exc.problems)
        return None
    return shown, [(f"row {number}", _row_to_item(model, cells)) for number, cells in rows]


def _row_to_item(model: type[BaseModel], cells: dict[str, Any]) -> dict[str, Any]:
    """One table row as the nested item the model expects.

    Day columns (mon..sun) fill ``availability``; ``a.b`` columns fill nested fields;
    list cells are written ``a;b;c`` and mapping cells ``key:value;key:value``.
    """
    item: dict[str, Any] = {}
    for column, value in cells.items():
        if column in DAYS and "availability" in model.model_fields:
            item.setdefault("availability", {})[column] = _split(value)
            continue
        head, _, rest = column.partition(".")
        shape = _shape(model, head)
        if rest and shape == "model":
            item.setdefault(head, {})[rest] = value
        elif shape == "list":
            item[column] = _split(value)
        elif shape == "mapping" and isinstance(value, str):
            item[column] = _pairs(value)
        else:
            item[column] = value
    return item


def _split(value: Any) -> list[str]:
    return [part.strip() for part in str(value).replace(",", ";").split(";") if part.strip()]


def _pairs(value: str) -> dict[str, str] | str:
    """``SUD:1;peer-support:1`` as a mapping; left as text (and so rejected) if malformed."""
    pairs = {}
    for part in _split(value):
        key, sep, number = part.partition(":")
        if not sep:
            return value
        pairs[key.strip()] = number.strip()
    return pairs


def _shape(model: type[BaseModel], name: str) -> str:
    """'list', 'mapping', 'model' or 'scalar': how a field is written in a table cell."""
    info = model.model_fields.get(name)
    if info is None:
        return "scalar"
    annotation = _unwrap_optional(info.annotation)
    origin = typing.get_origin(annotation) or annotation
    if origin is list:
        return "list"
    if origin is dict:
        return "mapping"
    if isinstance(origin, type) and issubclass(origin, BaseModel):
        return "model"
    return "scalar"


def validate_item(model: type[BaseModel], raw: Any, file: str, item: str, problems: list[Problem]) -> Any:
    """``model`` built from ``raw``, or None with located problems recorded (for documents beside scenarios).

    Study and profile files use it so that their messages read like the scenario's.
    """
    return _validate(model, raw, file, item, problems)


def _validate(model: type[BaseModel], raw: Any, file: str, item: str, problems: list[Problem]) -> Any:
    """``model`` built from ``raw``, or None with the problems recorded."""
    if raw is None:
        problems.append(Problem(file, item, None, "section is missing"))
        return None
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        problems.extend(_problems(model, exc, file, item))
        return None


def _problems(model: type[BaseModel], exc: ValidationError, file: str, item: str) -> list[Problem]:
    result = []
    for error in exc.errors(include_url=False):
        loc = [part for part in error["loc"] if part not in ("[key]",)]
        where = _path(loc)
        kind = error["type"]
        if kind == "extra_forbidden":
            allowed = _fields_at(model, loc[:-1])
            message = f"unknown field; {one_of(allowed, limit=30)}" if allowed else "unknown field"
        elif kind == "missing":
            message = "required field is missing"
        elif kind == "string_pattern_mismatch":
            message = (
                f"expected an id of letters, digits and _ . + - (at most 64, starting with a letter or "
                f"digit), got {error.get('input')!r}"
            )
        else:
            message = _message(error["msg"])
            shown = error.get("input")
            small = isinstance(shown, str | int | float | bool) and len(repr(shown)) <= 60
            if small and ", got " not in message:
                message += f" (got {shown!r})"
        if not where and kind == "value_error":  # a model-level rule: name the field it starts with
            first = message.split(" ", 1)[0]
            where = first if first in model.model_fields else ""
        result.append(Problem(file, item, where or None, message))
    return result


def _message(text: str) -> str:
    text = text.removeprefix("Value error, ")
    return text[0].lower() + text[1:] if text else text


def _path(loc: list[Any]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _fields_at(model: type[BaseModel], loc: list[Any]) -> list[str]:
    """Field names allowed at ``loc`` inside ``model`` (for 'unknown field' messages).

    Walks models by field name, and lists and mappings by index or key.
    """
    current: Any = model
    for part in loc:
        current = _unwrap_optional(current)
        if isinstance(current, type) and issubclass(current, BaseModel):
            info = current.model_fields.get(str(part))
            if info is None:
                return []
            current = info.annotation
        elif typing.get_origin(current) in (list, dict):
            current = typing.get_args(current)[-1]  # ``part`` is an index or a key
        else:
            return []
    current = _unwrap_optional(current)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return []


def _unwrap_optional(annotation: Any) -> Any:
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return next(a for a in typing.get_args(annotation) if a is not type(None))
    return annotation
