"""What-if studies: named variants of a base scenario, each a list of small changes.

A study file names variants ("hire one evening SUD therapist", "lose room R7") and
the changes that make each one from the base week. Applying them is pure: every
change type is its own small function from a frozen ``Scenario`` to a new one, and
the changed week is validated like a loaded scenario, so a variant that makes no
sense (a group type's ``min_size`` above its ``max_size``, a removed block that a
group type still needs) is reported naming the variant before anything is solved.

The SPEC has no room availability by day, so "room R7 is closed on Wednesdays"
cannot be said exactly; ``remove_room`` with ``days`` removes the room for the whole
week and says so in the variant's notes. That is the closest faithful change: a
week that can be rostered without R7 all week can certainly be rostered without it
on Wednesday, so a feasible result is trustworthy and an infeasible one is pessimistic.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from .scenario import (
    DAYS,
    Block,
    GroupType,
    Level,
    Patient,
    Problem,
    Room,
    Scenario,
    ScenarioError,
    Therapist,
)
from .scenario.documents import read_document
from .scenario.errors import one_of
from .scenario.load import validate_item
from .scenario.models import Bounds, Clock, Day, Hours, Ident, Name, Role
from .scenario.validate import validate_scenario

BASELINE = "baseline"
# Variants become folders beside these files in a study's output folder.
RESERVED_NAMES = ("comparison.csv", "comparison.xlsx", "comparison.html", "summary.csv")
MAX_VARIANTS = 200


class StudyError(ScenarioError):
    """The study (or a variant it makes) cannot be used; every problem is listed with its location."""


class _Strict(BaseModel):
    """Study models: unknown fields are errors, values are immutable (as in scenarios)."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class _Shift(_Strict):
    """Where someone can be scheduled: ``availability`` as in a scenario, or ``blocks`` on ``days``."""

    availability: dict[Day, list[Ident]] | None = None
    days: list[Day] | None = None
    blocks: list[Ident] | None = None

    @model_validator(mode="after")
    def _one_way(self) -> _Shift:
        if (self.availability is None) == (self.blocks is None):
            raise ValueError(
                "give either availability ({day: [blocks]}) or blocks (with days, default every program day)"
            )
        if self.days is not None and self.blocks is None:
            raise ValueError("days goes with blocks; with availability, list the blocks per day")
        return self

    def resolve(self, scenario: Scenario) -> dict[str, list[str]]:
        """The availability this shift gives in ``scenario`` (``days`` default to every program day)."""
        if self.availability is not None:
            return {day: list(blocks) for day, blocks in self.availability.items()}
        days = self.days if self.days is not None else scenario.program.days
        return {day: list(self.blocks or []) for day in days}


class TherapistProfile(_Shift):
    """A clinician one could hire: role, qualifications, shift and weekly hours."""

    name: Name | None = None
    role: Role = "therapist"
    qualifications: list[Ident] = Field(default_factory=list)
    max_hours: Hours | None = None  # default: every hour of the shift

    def therapist(self, ident: str, scenario: Scenario) -> Therapist:
        """The clinician this profile describes, with id ``ident``."""
        availability = self.resolve(scenario)
        hours = self.max_hours
        if hours is None:
            blocks = scenario.program.blocks
            hours = sum(blocks[b].length_min for bs in availability.values() for b in bs if b in blocks) / 60
        return Therapist.model_validate(
            {
                "id": ident,
                "name": self.name,
                "role": self.role,
                "qualifications": list(self.qualifications),
                "max_hours": hours,
                "availability": availability,
            }
        )


class PatientProfile(_Shift):
    """A kind of patient one could admit: level, track, shift and appointments."""

    level: Ident
    track: Ident
    individual_per_week: int = Field(default=1, ge=0, le=14)
    family_per_week: int = Field(default=0, ge=0, le=14)
    psychiatric_per_week: int = Field(default=0, ge=0, le=14)
    appointments: dict[Ident, int] | None = None
    preferred_blocks: list[Ident] | None = None
    min_hours: Hours | None = None
    max_hours: Hours | None = None
    min_days: int | None = Field(default=None, ge=0, le=7)
    max_days: int | None = Field(default=None, ge=0, le=7)

    def patient(self, ident: str, scenario: Scenario) -> Patient:
        """The patient this profile describes, with id ``ident`` (no name: never needed)."""
        fields = self.model_dump(exclude={"availability", "days", "blocks"}, exclude_none=True)
        return Patient.model_validate({"id": ident, **fields, "availability": self.resolve(scenario)})


# -- change types: one model and one function each ------------------------------------------------


class AddTherapist(_Strict):
    """Hire ``count`` clinicians of a profile (named in the study, built in, or given inline)."""

    profile: Ident | None = None
    therapist: TherapistProfile | None = None
    count: int = Field(default=1, ge=1, le=100)
    id_prefix: Ident | None = None

    @model_validator(mode="after")
    def _one_profile(self) -> AddTherapist:
        if (self.profile is None) == (self.therapist is None):
            raise ValueError("give either profile (a name) or therapist (the profile itself)")
        return self


class RemoveTherapist(_Strict):
    """A clinician leaves; patients who had them as primary therapist may see anyone."""

    id: Ident

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, data: Any) -> Any:
        """``remove_x: ID`` stands for ``remove_x: {id: ID}``."""
        return {"id": data} if isinstance(data, str | int) else data


class ChangeTherapist(_Strict):
    """Change a clinician's hours, qualifications or availability."""

    id: Ident
    max_hours: Hours | None = None
    role: Role | None = None
    qualifications: list[Ident] | None = None
    add_qualifications: list[Ident] | None = None
    availability: dict[Day, list[Ident]] | None = None
    unavailable: dict[Day, list[Ident]] | None = None  # blocks taken away from their availability


class ChangeGroupType(_Strict):
    """Change a group type's sizes, duration, staffing or weekly bounds."""

    id: Ident
    min_size: int | None = Field(default=None, ge=1, le=500)
    max_size: int | None = Field(default=None, ge=1, le=500)
    duration_min: int | None = Field(default=None, ge=15, le=24 * 60)
    qualification: Ident | None = None
    tracks: list[Ident] | None = None
    per_patient_week: dict[Literal["min", "max"], int] | None = None


class AddRoom(_Strict):
    """A new room for groups."""

    id: Ident
    name: Name | None = None
    capacity: int = Field(ge=1, le=1000)
    group_types: list[Ident] | None = None


class RemoveRoom(_Strict):
    """A room is lost; with ``days``, closed only on those days (modelled as lost all week, see notes)."""

    id: Ident
    days: list[Day] | None = None

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, data: Any) -> Any:
        """``remove_x: ID`` stands for ``remove_x: {id: ID}``."""
        return {"id": data} if isinstance(data, str | int) else data


class ChangeRoom(_Strict):
    """Change a room's capacity or the group types it may host."""

    id: Ident
    capacity: int | None = Field(default=None, ge=1, le=1000)
    group_types: list[Ident] | None = None


class AddBlock(_Strict):
    """A new block, and who can work or come in it (nobody unless listed)."""

    name: Ident
    start: Clock
    end: Clock
    days: list[Day] | None = None  # default: every program day
    therapists: Literal["all"] | list[Ident] = Field(default_factory=list)
    patients: Literal["all"] | list[Ident] = Field(default_factory=list)


class RemoveBlock(_Strict):
    """A block is no longer offered: it leaves the program and everyone's availability."""

    name: Ident

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, data: Any) -> Any:
        """``remove_x: ID`` stands for ``remove_x: {name: ID}``."""
        return {"name": data} if isinstance(data, str | int) else data


class AddPatients(_Strict):
    """Admit ``count`` patients of a profile (named in the study or given inline)."""

    profile: Ident | None = None
    patient: PatientProfile | None = None
    count: int = Field(default=1, ge=1, le=5000)
    id_prefix: Ident | None = None

    @model_validator(mode="after")
    def _one_profile(self) -> AddPatients:
        if (self.profile is None) == (self.patient is None):
            raise ValueError("give either profile (a name) or patient (the profile itself)")
        return self


class ChangeLevel(_Strict):
    """Change a level of care's hours, days or blocks per day (or define a new level)."""

    id: Ident
    min_hours: Hours | None = None
    max_hours: Hours | None = None
    min_days: int | None = Field(default=None, ge=0, le=7)
    max_days: int | None = Field(default=None, ge=0, le=7)
    max_blocks_per_day: int | None = Field(default=None, ge=1, le=24)


class MovePatients(_Strict):
    """Step patients from one level of care to another (all of them, or the first ``count``)."""

    from_level: Ident
    to_level: Ident
    track: Ident | None = None
    count: int | None = Field(default=None, ge=1)


CHANGE_TYPES: dict[str, type[BaseModel]] = {
    "add_therapist": AddTherapist,
    "remove_therapist": RemoveTherapist,
    "change_therapist": ChangeTherapist,
    "change_group_type": ChangeGroupType,
    "add_room": AddRoom,
    "remove_room": RemoveRoom,
    "change_room": ChangeRoom,
    "add_block": AddBlock,
    "remove_block": RemoveBlock,
    "add_patients": AddPatients,
    "change_level": ChangeLevel,
    "move_patients": MovePatients,
}


class Change(_Strict):
    """One change: a mapping with exactly one key, the change type."""

    add_therapist: AddTherapist | None = None
    remove_therapist: RemoveTherapist | None = None
    change_therapist: ChangeTherapist | None = None
    change_group_type: ChangeGroupType | None = None
    add_room: AddRoom | None = None
    remove_room: RemoveRoom | None = None
    change_room: ChangeRoom | None = None
    add_block: AddBlock | None = None
    remove_block: RemoveBlock | None = None
    add_patients: AddPatients | None = None
    change_level: ChangeLevel | None = None
    move_patients: MovePatients | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> Change:
        given = [name for name in CHANGE_TYPES if getattr(self, name) is not None]
        if len(given) != 1:
            raise ValueError(
                f"expected exactly one change type per change, got {len(given)}; "
                f"{one_of(CHANGE_TYPES, limit=20)}"
            )
        return self

    @property
    def kind(self) -> str:
        """The change type's name."""
        return next(name for name in CHANGE_TYPES if getattr(self, name) is not None)

    @property
    def body(self) -> BaseModel:
        """The change type's settings."""
        return getattr(self, self.kind)

    def describe(self) -> str:
        """One line, as written in a study file: ``add_therapist: profile=evening-SUD, count=2``."""
        fields = self.body.model_dump(exclude_defaults=True, exclude_none=True)
        text = ", ".join(f"{k}={_plain(v)}" for k, v in fields.items())
        return f"{self.kind}: {text}"


def _plain(value: Any) -> str:
    """A setting as a manager writes it: 10 not 10.0, [a, b] not ['a', 'b']."""
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, list):
        return "[" + ", ".join(_plain(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_plain(v)}" for k, v in value.items()) + "}"
    return str(value)


class Variant(_Strict):
    """A named variant of the base week: the changes that make it."""

    name: Ident
    description: Name | None = None
    changes: list[Change] = Field(min_length=1, max_length=200)


class Study(_Strict):
    """A what-if study: profiles to hire or admit, and the variants to compare."""

    study: Name | None = None
    therapist_profiles: dict[Ident, TherapistProfile] = Field(default_factory=dict)
    patient_profiles: dict[Ident, PatientProfile] = Field(default_factory=dict)
    variants: list[Variant] = Field(default_factory=list)


STUDY_SECTIONS = tuple(Study.model_fields)


# -- loading --------------------------------------------------------------------------------------


def load_study(path: str | Path) -> Study:
    """Read and validate a study file; raise ``StudyError`` naming the file, item and field."""
    path = Path(path)
    try:
        document = read_document(path)
    except ScenarioError as exc:
        raise StudyError(exc.problems) from None
    return study_from_dict(document, str(path))


def study_from_dict(document: dict[str, Any], file: str = "<study>") -> Study:
    """Validate a study document item by item, so one bad variant does not hide the others."""
    problems: list[Problem] = []
    for key in document:
        if key not in STUDY_SECTIONS:
            problems.append(Problem(file, None, None, f"unknown section {key!r}; {one_of(STUDY_SECTIONS)}"))
    title = document.get("study")
    if title is not None and not isinstance(title, str):
        problems.append(Problem(file, None, "study", "expected the study's title as text"))
    profiles: dict[str, dict[str, Any]] = {}
    for section, model in (("therapist_profiles", TherapistProfile), ("patient_profiles", PatientProfile)):
        raw = document.get(section) or {}
        if not isinstance(raw, dict):
            problems.append(Problem(file, None, section, "expected a mapping of profile name -> profile"))
            continue
        profiles[section] = {}
        for name, item in raw.items():
            label = f"{section}.{name}"
            if not isinstance(name, str) or not _is_ident(name):
                problems.append(Problem(file, label, None, "expected a name of letters, digits and _ . + -"))
                continue
            value = validate_item(model, item, file, label, problems)
            if value is not None:
                profiles[section][name] = value
    variants: list[Variant] = []
    raw_variants = document.get("variants") or []
    if not isinstance(raw_variants, list):
        problems.append(Problem(file, None, "variants", "expected a list of variants"))
        raw_variants = []
    if len(raw_variants) > MAX_VARIANTS:
        problems.append(
            Problem(file, None, "variants", f"{len(raw_variants)} variants; the limit is {MAX_VARIANTS}")
        )
        raw_variants = []
    seen: dict[str, int] = {}
    for index, raw in enumerate(raw_variants):
        label = _variant_label(index, raw)
        variant = validate_item(Variant, raw, file, label, problems)
        if variant is None:
            continue
        if variant.name.lower() in RESERVED_NAMES:
            problems.append(Problem(file, label, "name", f"{variant.name!r} is the name of an output file"))
        elif variant.name == BASELINE:
            problems.append(
                Problem(file, label, "name", f"{BASELINE!r} is the unchanged week; choose another name")
            )
        elif variant.name in seen:
            problems.append(
                Problem(file, label, "name", f"duplicate name (first used by variants[{seen[variant.name]}])")
            )
        seen.setdefault(variant.name, index)
        variants.append(variant)
    if problems:
        raise StudyError(problems)
    return Study(
        study=title,
        therapist_profiles=profiles.get("therapist_profiles", {}),
        patient_profiles=profiles.get("patient_profiles", {}),
        variants=variants,
    )


def load_patient_profile(path: str | Path) -> PatientProfile:
    """Read a patient profile file (the fields of a study's ``patient_profiles`` entry)."""
    path = Path(path)
    try:
        document = read_document(path)
    except ScenarioError as exc:
        raise StudyError(exc.problems) from None
    problems: list[Problem] = []
    profile = validate_item(PatientProfile, document, str(path), "profile", problems)
    if problems:
        raise StudyError(problems)
    return profile


def _is_ident(text: str) -> bool:
    try:
        AddRoom.model_validate({"id": text, "capacity": 1})
    except ValidationError:
        return False
    return True


def _variant_label(index: int, raw: Any) -> str:
    name = raw.get("name") if isinstance(raw, dict) else None
    return f"variants[{index}] (name {name})" if isinstance(name, str) else f"variants[{index}]"


# -- applying changes -----------------------------------------------------------------------------


class _ChangeError(Exception):
    """A change that cannot be applied to this scenario: the field concerned and why."""

    def __init__(self, field: str | None, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass
class _Context:
    """What a change function may read besides the scenario, and where it leaves notes."""

    study: Study
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class AppliedVariant:
    """A variant made concrete: its scenario, what it changes, and notes on how."""

    name: str
    description: str
    scenario: Scenario
    changes: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()


def _rebuild(model: type[BaseModel], item: BaseModel, changes: dict[str, Any], what: str) -> Any:
    """``item`` with ``changes``, validated (``model_copy`` would skip the model's own checks)."""
    merged = {**item.model_dump(), **{k: v for k, v in changes.items() if v is not None}}
    try:
        return model.model_validate(merged)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        message = first["msg"].removeprefix("Value error, ")
        where = ".".join(str(p) for p in first["loc"])
        if not where and message.split(" ", 1)[0] in model.model_fields:  # a rule between fields
            where = message.split(" ", 1)[0]
        raise _ChangeError(where or None, f"{what}: {message}") from None


def _find(items: Iterable[Any], ident: str, what: str, field_name: str = "id") -> Any:
    items = list(items)
    for item in items:
        if item.id == ident:
            return item
    raise _ChangeError(field_name, f"unknown {what} {ident!r}; {one_of(i.id for i in items)}")


def _fresh_ids(taken: set[str], prefix: str, count: int) -> list[str]:
    """``prefix1``, ``prefix2``… skipping ids already in use."""
    ids, n = [], 0
    while len(ids) < count:
        n += 1
        candidate = f"{prefix}{n}"[-64:].lstrip("_.+-") or f"x{n}"
        if candidate not in taken:
            ids.append(candidate)
            taken.add(candidate)
    return ids


def builtin_therapist_profile(name: str, scenario: Scenario) -> TherapistProfile | None:
    """A profile read from its name: ``BLOCK[+BLOCK]-QUALIFICATION[+QUALIFICATION]``.

    ``evening-SUD`` is a therapist holding SUD who works the evening block on every
    program day, for as many hours as those blocks hold; ``morning+afternoon-DBT+SUD``
    works two blocks a day. A part naming a role (``evening-prescriber``) sets the role.
    Returns None when the name does not start with the scenario's blocks.
    """
    blocks = scenario.program.blocks
    for cut in range(len(name), 0, -1):
        head, rest = name[:cut], name[cut + 1 :]
        if name[cut : cut + 1] not in ("", "-"):
            continue
        parts = head.split("+")
        if all(p in blocks for p in parts):
            wanted = [q for q in rest.split("+") if q] if rest else []
            roles = [q for q in wanted if q in ("therapist", "prescriber", "coach")]
            return TherapistProfile(
                name=f"New {name}",
                role=roles[0] if roles else "therapist",
                qualifications=[q for q in wanted if q not in roles],
                blocks=parts,
            )
    return None


def _therapist_profile(
    change: AddTherapist, scenario: Scenario, ctx: _Context
) -> tuple[str, TherapistProfile]:
    if change.therapist is not None:
        return "therapist", change.therapist
    name = change.profile or ""
    if name in ctx.study.therapist_profiles:
        return name, ctx.study.therapist_profiles[name]
    builtin = builtin_therapist_profile(name, scenario)
    if builtin is None:
        named = ", ".join(ctx.study.therapist_profiles) or "none"
        blocks = ", ".join(scenario.program.blocks)
        raise _ChangeError(
            "profile",
            f"unknown therapist profile {name!r}: expected a name from the study's therapist_profiles "
            f"({named}) or BLOCK-QUALIFICATION with this week's blocks ({blocks}), "
            "e.g. evening-SUD",
        )
    return name, builtin


def add_therapist(scenario: Scenario, change: AddTherapist, ctx: _Context) -> Scenario:
    """Hire ``count`` clinicians of a profile; ids ``new-<profile>-1``… avoid existing ones."""
    label, profile = _therapist_profile(change, scenario, ctx)
    taken = {t.id for t in scenario.therapists}
    prefix = change.id_prefix or f"new-{label}-"
    try:
        hired = [profile.therapist(i, scenario) for i in _fresh_ids(taken, prefix, change.count)]
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        raise _ChangeError(
            "profile", f"profile {label!r} gives an invalid therapist: {first['msg']}"
        ) from None
    hours = hired[0].max_hours
    ctx.notes.append(
        f"hired {change.count} × {label} ({', '.join(t.id for t in hired)}): "
        f"{profile.role}, {', '.join(profile.qualifications) or 'no qualification'}, "
        f"{hours:g} h a week, {_shift_text(hired[0].availability)}"
    )
    return scenario.model_copy(update={"therapists": [*scenario.therapists, *hired]})


def remove_therapist(scenario: Scenario, change: RemoveTherapist, ctx: _Context) -> Scenario:
    """A clinician leaves; their patients' individual sessions may then be with any therapist."""
    _find(scenario.therapists, change.id, "therapist")
    patients = list(scenario.patients)
    orphaned = 0
    for index, p in enumerate(patients):
        if p.primary_therapist == change.id:
            patients[index] = p.model_copy(update={"primary_therapist": None})
            orphaned += 1
    if orphaned:
        ctx.notes.append(
            f"{orphaned} patient(s) had {change.id} as primary therapist; "
            "in this variant their individual sessions may be with any therapist"
        )
    therapists = [t for t in scenario.therapists if t.id != change.id]
    return scenario.model_copy(update={"therapists": therapists, "patients": patients})


def change_therapist(scenario: Scenario, change: ChangeTherapist, ctx: _Context) -> Scenario:
    """New hours, role, qualifications or availability for one clinician."""
    therapist = _find(scenario.therapists, change.id, "therapist")
    given = change.qualifications
    qualifications = list(given if given is not None else therapist.qualifications)
    for q in change.add_qualifications or []:
        if q not in qualifications:
            qualifications.append(q)
    base = change.availability if change.availability is not None else therapist.availability
    availability = {d: list(b) for d, b in base.items()}
    for day, blocks in (change.unavailable or {}).items():
        availability[day] = [b for b in availability.get(day, []) if b not in blocks]
    updates = {
        "max_hours": change.max_hours,
        "role": change.role,
        "qualifications": qualifications,
        "availability": {d: b for d, b in availability.items() if b},
    }
    changed = _rebuild(Therapist, therapist, updates, f"therapist {change.id}")
    therapists = [changed if t.id == change.id else t for t in scenario.therapists]
    return scenario.model_copy(update={"therapists": therapists})


def change_group_type(scenario: Scenario, change: ChangeGroupType, ctx: _Context) -> Scenario:
    """New sizes, duration, leader qualification, tracks or weekly bounds for a group type."""
    group_type = _find(scenario.group_types, change.id, "group type")
    bounds = None
    if change.per_patient_week is not None:
        bounds = {**group_type.per_patient_week.model_dump(), **change.per_patient_week}
        try:
            Bounds.model_validate(bounds)
        except ValidationError as exc:
            message = exc.errors(include_url=False)[0]["msg"].removeprefix("Value error, ")
            raise _ChangeError("per_patient_week", f"group type {change.id}: {message}") from None
    updates = change.model_dump(exclude={"id", "per_patient_week"}) | {"per_patient_week": bounds}
    # One qualified leader replaces a co-facilitated staffing.
    merged = group_type.model_copy(update={"staff": None}) if change.qualification is not None else group_type
    changed = _rebuild(GroupType, merged, updates, f"group type {change.id}")
    group_types = [changed if g.id == change.id else g for g in scenario.group_types]
    return scenario.model_copy(update={"group_types": group_types})


def add_room(scenario: Scenario, change: AddRoom, ctx: _Context) -> Scenario:
    """A new room."""
    if any(r.id == change.id for r in scenario.rooms):
        raise _ChangeError("id", f"room {change.id!r} already exists")
    room = Room.model_validate(change.model_dump())
    return scenario.model_copy(update={"rooms": [*scenario.rooms, room]})


def remove_room(scenario: Scenario, change: RemoveRoom, ctx: _Context) -> Scenario:
    """Lose a room; closed on some days only is modelled as lost all week (rooms have no availability)."""
    _find(scenario.rooms, change.id, "room")
    if change.days:
        ctx.notes.append(
            f"room {change.id} closed on {', '.join(change.days)}: scenarios have no room availability by "
            f"day, so {change.id} is removed for the whole week. This is pessimistic: if this variant can "
            "be rostered, so can the real week; if not, the real week may still be"
        )
    rooms = [r for r in scenario.rooms if r.id != change.id]
    return scenario.model_copy(update={"rooms": rooms})


def change_room(scenario: Scenario, change: ChangeRoom, ctx: _Context) -> Scenario:
    """New capacity or allowed group types for a room."""
    room = _find(scenario.rooms, change.id, "room")
    changed = _rebuild(Room, room, change.model_dump(exclude={"id"}), f"room {change.id}")
    return scenario.model_copy(
        update={"rooms": [changed if r.id == change.id else r for r in scenario.rooms]}
    )


def _who(listed: Literal["all"] | list[Ident], people: list[Any], what: str, field_name: str) -> set[str]:
    if listed == "all":
        return {p.id for p in people}
    for ident in listed:
        _find(people, ident, what, field_name)
    return set(listed)


def add_block(scenario: Scenario, change: AddBlock, ctx: _Context) -> Scenario:
    """A new block on every program day; the listed clinicians and patients become available in it."""
    if change.name in scenario.program.blocks:
        raise _ChangeError("name", f"block {change.name!r} already exists")
    try:
        block = Block.model_validate({"start": change.start, "end": change.end})
    except ValidationError as exc:
        message = exc.errors(include_url=False)[0]["msg"].removeprefix("Value error, ")
        raise _ChangeError("start", message) from None
    days = list(change.days or scenario.program.days)
    therapist_ids = _who(change.therapists, scenario.therapists, "therapist", "therapists")
    patient_ids = _who(change.patients, scenario.patients, "patient", "patients")

    def extend(person: Any) -> Any:
        availability = {d: list(b) for d, b in person.availability.items()}
        for day in days:
            availability.setdefault(day, []).append(change.name)
        return person.model_copy(update={"availability": availability})

    program = scenario.program.model_copy(update={"blocks": {**scenario.program.blocks, change.name: block}})
    ctx.notes.append(
        f"block {change.name} {change.start}–{change.end} on {', '.join(days)}: "
        f"{len(therapist_ids)} clinician(s) and {len(patient_ids)} patient(s) available in it"
    )
    return scenario.model_copy(
        update={
            "program": program,
            "therapists": [extend(t) if t.id in therapist_ids else t for t in scenario.therapists],
            "patients": [extend(p) if p.id in patient_ids else p for p in scenario.patients],
        }
    )


def remove_block(scenario: Scenario, change: RemoveBlock, ctx: _Context) -> Scenario:
    """A block is no longer offered: it leaves the program, everyone's availability and preferences."""
    if change.name not in scenario.program.blocks:
        raise _ChangeError("name", f"unknown block {change.name!r}; {one_of(scenario.program.blocks)}")

    def without(person: Any) -> Any:
        availability = {d: [b for b in bs if b != change.name] for d, bs in person.availability.items()}
        update: dict[str, Any] = {"availability": {d: bs for d, bs in availability.items() if bs}}
        preferred = getattr(person, "preferred_blocks", None)
        if preferred is not None:
            update["preferred_blocks"] = [b for b in preferred if b != change.name] or None
        return person.model_copy(update=update)

    blocks = {name: b for name, b in scenario.program.blocks.items() if name != change.name}
    if not blocks:
        raise _ChangeError("name", f"{change.name!r} is the only block; a week needs at least one")
    affected = sum(1 for p in scenario.patients if any(change.name in bs for bs in p.availability.values()))
    if affected:
        ctx.notes.append(
            f"without block {change.name}, {affected} patient(s) lose some of their available blocks"
        )
    return scenario.model_copy(
        update={
            "program": scenario.program.model_copy(update={"blocks": blocks}),
            "therapists": [without(t) for t in scenario.therapists],
            "patients": [without(p) for p in scenario.patients],
        }
    )


def add_patients(scenario: Scenario, change: AddPatients, ctx: _Context) -> Scenario:
    """Admit ``count`` patients of a profile; ids ``new-<profile>-1``… avoid existing ones."""
    if change.patient is not None:
        label, profile = "patient", change.patient
    elif change.profile in ctx.study.patient_profiles:
        label, profile = change.profile, ctx.study.patient_profiles[change.profile]
    else:
        raise _ChangeError(
            "profile", f"unknown patient profile {change.profile!r}; {one_of(ctx.study.patient_profiles)}"
        )
    return with_patients(scenario, profile, change.count, change.id_prefix or f"new-{label}-")


def with_patients(scenario: Scenario, profile: PatientProfile, count: int, prefix: str = "new-") -> Scenario:
    """``scenario`` with ``count`` more patients of ``profile`` (also used by capacity planning)."""
    if count == 0:
        return scenario
    taken = {p.id for p in scenario.patients}
    try:
        added = [profile.patient(ident, scenario) for ident in _fresh_ids(taken, prefix, count)]
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        raise _ChangeError("profile", f"the profile gives an invalid patient: {first['msg']}") from None
    return scenario.model_copy(update={"patients": [*scenario.patients, *added]})


def change_level(scenario: Scenario, change: ChangeLevel, ctx: _Context) -> Scenario:
    """New hours, days or blocks per day for a level of care; an unknown id defines a new level."""
    updates = change.model_dump(exclude={"id"})
    levels = dict(scenario.levels)
    if change.id in levels:
        levels[change.id] = _rebuild(Level, levels[change.id], updates, f"level {change.id}")
    else:
        try:
            levels[change.id] = Level.model_validate({k: v for k, v in updates.items() if v is not None})
        except ValidationError as exc:
            first = exc.errors(include_url=False)[0]
            field_name = ".".join(str(p) for p in first["loc"]) or None
            raise _ChangeError(field_name, f"new level {change.id}: {first['msg']}") from None
        ctx.notes.append(f"new level of care {change.id}")
    return scenario.model_copy(update={"levels": levels})


def move_patients(scenario: Scenario, change: MovePatients, ctx: _Context) -> Scenario:
    """Move patients of one level (and track) to another level, keeping their own overrides."""
    for field_name, level in (("from_level", change.from_level), ("to_level", change.to_level)):
        if level not in scenario.levels:
            raise _ChangeError(field_name, f"unknown level {level!r}; {one_of(scenario.levels)}")
    patients = list(scenario.patients)
    moved = 0
    for index, p in enumerate(patients):
        if p.level != change.from_level or (change.track is not None and p.track != change.track):
            continue
        if change.count is not None and moved >= change.count:
            break
        patients[index] = p.model_copy(update={"level": change.to_level})
        moved += 1
    if not moved:
        raise _ChangeError("from_level", f"no patient is on level {change.from_level!r}")
    ctx.notes.append(f"moved {moved} patient(s) from {change.from_level} to {change.to_level}")
    return scenario.model_copy(update={"patients": patients})


APPLY: dict[str, Callable[[Scenario, Any, _Context], Scenario]] = {
    "add_therapist": add_therapist,
    "remove_therapist": remove_therapist,
    "change_therapist": change_therapist,
    "change_group_type": change_group_type,
    "add_room": add_room,
    "remove_room": remove_room,
    "change_room": change_room,
    "add_block": add_block,
    "remove_block": remove_block,
    "add_patients": add_patients,
    "change_level": change_level,
    "move_patients": move_patients,
}


def _shift_text(availability: dict[str, list[str]]) -> str:
    days = [d for d in DAYS if availability.get(d)]
    shifts = {"+".join(availability[d]) for d in days}
    if len(shifts) == 1:
        return f"{shifts.pop()} on {', '.join(days)}"
    return "; ".join(f"{d} {'+'.join(availability[d])}" for d in days)


def apply_variant(
    base: Scenario, variant: Variant, study: Study, file: str = "<study>", index: int = 0
) -> AppliedVariant:
    """The variant's scenario, validated like a loaded one; ``StudyError`` names the variant otherwise."""
    ctx = _Context(study)
    scenario = base
    label = f"variants[{index}] (name {variant.name})"
    for number, change in enumerate(variant.changes):
        try:
            scenario = APPLY[change.kind](scenario, change.body, ctx)
        except _ChangeError as exc:
            where = f"changes[{number}].{change.kind}" + (f".{exc.field}" if exc.field else "")
            raise StudyError([Problem(file, label, where, exc.message)]) from None
    problems = [p for p in validate_scenario(scenario, _locator(scenario)) if p.severity == "error"]
    if problems:
        raise StudyError(
            [
                Problem(
                    file,
                    label,
                    None,
                    "the changed week is not a valid scenario: "
                    + ": ".join(
                        part
                        for part in (p.item, f"field '{p.field}'" if p.field else None, p.message)
                        if part
                    ),
                )
                for p in problems
            ]
        )
    return AppliedVariant(
        name=variant.name,
        description=variant.description or "; ".join(c.describe() for c in variant.changes),
        scenario=scenario,
        changes=tuple(c.describe() for c in variant.changes),
        notes=tuple(ctx.notes),
    )


def _locator(scenario: Scenario) -> Callable[[str, int], tuple[str, str]]:
    tables = {
        "group_types": scenario.group_types,
        "rooms": scenario.rooms,
        "therapists": scenario.therapists,
        "patients": scenario.patients,
    }

    def locate(section: str, index: int) -> tuple[str, str]:
        items = tables.get(section, [])
        if 0 <= index < len(items):
            return "", f"{section}[{index}] (id {items[index].id})"
        return "", section

    return locate


def study_variants(base: Scenario, study: Study, file: str = "<study>") -> list[AppliedVariant]:
    """The baseline and every variant of ``study``, applied; all problems are raised together."""
    applied = [AppliedVariant(BASELINE, "the week as it is", base)]
    problems: list[Problem] = []
    for index, variant in enumerate(study.variants):
        try:
            applied.append(apply_variant(base, variant, study, file, index))
        except StudyError as exc:
            problems.extend(exc.problems)
    if problems:
        raise StudyError(problems)
    return applied


# -- quick variants from the command line ----------------------------------------------------------


def quick_variants(
    add_therapist: Iterable[str] = (),
    add_patients: Iterable[str] = (),
    counts: Iterable[int] = (1,),
    remove_therapist: Iterable[str] = (),
    remove_room: Iterable[str] = (),
    max_size: Iterable[str] = (),
) -> list[Variant]:
    """Variants from command-line flags: one per (profile, count), removal and size cap.

    ``max_size`` items are ``GROUP_TYPE=N`` (or ``all=N`` for every group type, resolved
    when applied). Raises ``ValueError`` with a message for the user on malformed input.
    """
    counts = list(counts) or [1]
    variants: list[dict[str, Any]] = []
    for profile in add_therapist:
        for n in counts:
            variants.append(
                {
                    "name": f"add-{n}-{profile}",
                    "changes": [{"add_therapist": {"profile": profile, "count": n}}],
                }
            )
    for profile in add_patients:
        for n in counts:
            variants.append(
                {
                    "name": f"admit-{n}-{profile}",
                    "changes": [{"add_patients": {"profile": profile, "count": n}}],
                }
            )
    for ident in remove_therapist:
        variants.append({"name": f"without-{ident}", "changes": [{"remove_therapist": ident}]})
    for ident in remove_room:
        variants.append({"name": f"without-room-{ident}", "changes": [{"remove_room": ident}]})
    for item in max_size:
        group_type, sep, size = item.partition("=")
        if not sep or not size.strip().isdigit():
            raise ValueError(f"{item!r}: expected GROUP_TYPE=N, e.g. process=10")
        variants.append(
            {
                "name": f"{group_type.strip()}-max-{int(size)}",
                "changes": [{"change_group_type": {"id": group_type.strip(), "max_size": int(size)}}],
            }
        )
    problems: list[Problem] = []
    result = []
    for index, raw in enumerate(variants):
        variant = validate_item(Variant, raw, "<command line>", _variant_label(index, raw), problems)
        if variant is not None:
            result.append(variant)
    if problems:
        raise StudyError(problems)
    return result


def merge_quick_variants(
    study: Study, quick: list[Variant], patient_profiles: dict[str, PatientProfile]
) -> Study:
    """The study with command-line variants (and profiles read from files) added after its own."""
    names = {v.name for v in study.variants}
    clashes = [v.name for v in quick if v.name in names]
    if clashes:
        raise StudyError(
            [
                Problem("<command line>", None, None, f"variant {n!r} is also defined in the study file")
                for n in clashes
            ]
        )
    return study.model_copy(
        update={
            "variants": [*study.variants, *quick],
            "patient_profiles": {**study.patient_profiles, **patient_profiles},
        }
    )
