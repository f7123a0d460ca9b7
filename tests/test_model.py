"""Each constraint family on tiny weeks whose answer is known by hand.

Each case states, in its comment, why the week is (in)feasible or what the optimum is.
"""

from __future__ import annotations

from collections import Counter

import pytest

from optimizer.model import HARD_RULES, SOFT_GOALS
from tests.factories import NO_OBJECTIVE, make_patient, make_therapist, solve_document, tiny_document

FOUR = [make_patient(f"P{i}", min_hours=3) for i in range(1, 5)]


def groups(outcome):
    return outcome.roster.groups()


def test_registry_names_every_rule() -> None:
    """The model lists H1–H10 and S1–S6 in order, one function each, named after the SPEC id."""
    assert [rule for rule, _ in HARD_RULES] == [f"H{i}" for i in range(1, 11)]
    assert [fn.__name__.split("_")[0] for _, fn in HARD_RULES] == [f"H{i}" for i in range(1, 11)]
    assert [fn.__name__.split("_")[0] for _, fn in SOFT_GOALS] == [f"S{i}" for i in range(1, 7)]


def test_feasible_baseline() -> None:
    """Four patients needing one 3 h group each fit one session led by T1."""
    _, outcome = solve_document(tiny_document(patients=FOUR))
    assert outcome.result.status == "OPTIMAL"
    assert all(len(s.patients) >= 2 for s in groups(outcome))


def test_h1_one_therapist_cannot_lead_two_tracks_at_once() -> None:
    """Adults and adolescents never share a group; one leader on one day cannot run both."""
    patients = [make_patient(f"A{i}", days=("mon",)) for i in range(2)]
    patients += [make_patient(f"Y{i}", days=("mon",), track="teen") for i in range(2)]
    _, outcome = solve_document(tiny_document(patients=patients))
    assert outcome.result.status == "INFEASIBLE"
    therapists = [make_therapist("T1", ["SUD"]), make_therapist("T2", ["SUD"])]
    _, outcome = solve_document(
        tiny_document(
            patients=patients,
            therapists=therapists,
            rooms=[{"id": "A", "capacity": 8}, {"id": "B", "capacity": 8}],
        )
    )
    assert outcome.result.status == "OPTIMAL"
    assert {s.track for s in groups(outcome)} == {"adult", "teen"}


def test_h1_one_room_holds_one_session_at_a_time() -> None:
    """Two leaders but one room: the two tracks cannot meet on the only day."""
    patients = [make_patient(f"A{i}", days=("mon",)) for i in range(2)]
    patients += [make_patient(f"Y{i}", days=("mon",), track="teen") for i in range(2)]
    therapists = [make_therapist("T1", ["SUD"]), make_therapist("T2", ["SUD"])]
    _, outcome = solve_document(tiny_document(patients=patients, therapists=therapists))
    assert outcome.result.status == "INFEASIBLE"


def test_h1_appointment_cannot_overlap_a_group() -> None:
    """A 3 h group fills the only block, so an individual session must go on the other day."""
    patients = [make_patient(f"P{i}", individual_per_week=1, primary_therapist="T1") for i in range(1, 3)]
    _, outcome = solve_document(tiny_document(patients=patients))
    assert outcome.result.status == "OPTIMAL"
    days = {s.day for s in outcome.roster.sessions if s.kind == "group"}
    appointment_days = {s.day for s in outcome.roster.appointments()}
    assert days.isdisjoint(appointment_days)


def test_h2_nobody_available_together() -> None:
    """The patients come Monday, the only leader works Tuesday: no group can run."""
    therapists = [make_therapist("T1", ["SUD"], days=("tue",))]
    patients = [make_patient(f"P{i}", days=("mon",)) for i in range(1, 4)]
    _, outcome = solve_document(tiny_document(patients=patients, therapists=therapists))
    assert outcome.result.status == "INFEASIBLE"


def test_h3_therapist_hours_cap_sessions() -> None:
    """Six patients, groups of at most 3: two sessions of 3 h, so T1 needs 6 h, not 3."""
    patients = [make_patient(f"P{i}", days=("mon",)) for i in range(1, 7)]
    types = [{"id": "process", "qualification": "SUD", "min_size": 2, "max_size": 3}]
    therapists = [make_therapist("T1", ["SUD"], max_hours=3), make_therapist("T2", ["SUD"], max_hours=3)]
    rooms = [{"id": "A", "capacity": 8}, {"id": "B", "capacity": 8}]
    _, outcome = solve_document(
        tiny_document(patients=patients, group_types=types, therapists=therapists, rooms=rooms)
    )
    assert outcome.result.status == "OPTIMAL"
    assert sorted(s.therapists[0] for s in groups(outcome)) == ["T1", "T2"]
    therapists[1]["max_hours"] = 2  # T2 can no longer take a 3 h session
    _, outcome = solve_document(
        tiny_document(patients=patients, group_types=types, therapists=therapists, rooms=rooms)
    )
    assert outcome.result.status == "INFEASIBLE"


def test_h4_hours_need_enough_available_time() -> None:
    """Needing 6 h with one available 3 h block is impossible; with two days it takes both."""
    patients = [make_patient(f"P{i}", days=("mon",), min_hours=6) for i in range(1, 4)]
    _, outcome = solve_document(tiny_document(patients=patients))
    assert outcome.result.status == "INFEASIBLE"
    patients = [make_patient(f"P{i}", min_hours=6) for i in range(1, 4)]
    _, outcome = solve_document(tiny_document(patients=patients))
    assert outcome.result.status == "OPTIMAL"
    assert len(groups(outcome)) == 2


def test_h4_max_hours_limits_attendance() -> None:
    """With max 3 h and per-type min 2, a patient would need 6 h: infeasible."""
    types = [
        {"id": "process", "qualification": "SUD", "min_size": 2, "per_patient_week": {"min": 2, "max": 2}}
    ]
    patients = [make_patient(f"P{i}", max_hours=3) for i in range(1, 4)]
    _, outcome = solve_document(tiny_document(patients=patients, group_types=types))
    assert outcome.result.status == "INFEASIBLE"


def test_h5_min_days() -> None:
    """min_days 2 cannot be met by a patient who comes only on Monday."""
    patients = [make_patient("P1", days=("mon",), min_days=2), *FOUR[1:]]
    _, outcome = solve_document(tiny_document(patients=patients))
    assert outcome.result.status == "INFEASIBLE"


def test_h5_max_blocks_per_day() -> None:
    """Two blocks a day are allowed only up to max_blocks_per_day (group blocks only)."""
    program = tiny_document()["program"]
    program["days"] = ["mon"]
    program["blocks"]["morning"] = {"start": "09:00", "end": "12:00"}
    types = [
        {"id": "process", "qualification": "SUD", "min_size": 2},
        {"id": "skills", "qualification": "SUD", "min_size": 2},
    ]
    therapists = [make_therapist("T1", ["SUD"], days=("mon",), availability={"mon": ["morning", "evening"]})]
    patients = [
        make_patient(f"P{i}", availability={"mon": ["morning", "evening"]}, min_hours=6) for i in range(1, 4)
    ]
    document = tiny_document(program=program, group_types=types, therapists=therapists, patients=patients)
    _, outcome = solve_document(document)
    assert outcome.result.status == "INFEASIBLE"  # level L allows one group block a day
    for p in document["patients"]:
        p["max_blocks_per_day"] = 2
    _, outcome = solve_document(document)
    assert outcome.result.status == "OPTIMAL"
    assert Counter(s.start for s in groups(outcome)) == {"09:00": 1, "17:00": 1}


def test_h6_min_size() -> None:
    """Two patients cannot form a group whose min_size is 3."""
    types = [{"id": "process", "qualification": "SUD", "min_size": 3}]
    _, outcome = solve_document(tiny_document(patients=FOUR[:2], group_types=types))
    assert outcome.result.status == "INFEASIBLE"


def test_h6_max_size_and_room_capacity_split_groups() -> None:
    """Five patients, groups of at most 4 but a room of 3: two sessions (3 + 2) with two leaders."""
    patients = [make_patient(f"P{i}", days=("mon",)) for i in range(1, 6)]
    therapists = [make_therapist("T1", ["SUD"]), make_therapist("T2", ["SUD"])]
    rooms = [{"id": "A", "capacity": 3}, {"id": "B", "capacity": 8}]
    _, outcome = solve_document(tiny_document(patients=patients, therapists=therapists, rooms=rooms))
    assert outcome.result.status == "OPTIMAL"
    sizes = {s.room: len(s.patients) for s in groups(outcome)}
    assert sorted(sizes.values()) in ([2, 3], [1, 4]) and sizes.get("A", 0) <= 3
    assert all(2 <= n <= 4 for n in sizes.values())


def test_h7_qualification_and_reserved_rooms() -> None:
    """A DBT group needs a DBT leader; the only room is reserved for art groups."""
    types = [{"id": "dbt", "qualification": "DBT", "min_size": 2, "per_patient_week": {"min": 1, "max": 1}}]
    _, outcome = solve_document(tiny_document(patients=FOUR, group_types=types))
    assert outcome.result.status == "INFEASIBLE"  # T1 holds SUD only
    therapists = [make_therapist("T1", ["DBT"])]
    rooms = [{"id": "Studio", "capacity": 8, "group_types": ["art"]}]
    types.append({"id": "art", "min_size": 2})
    _, outcome = solve_document(
        tiny_document(patients=FOUR, group_types=types, therapists=therapists, rooms=rooms)
    )
    assert outcome.result.status == "INFEASIBLE"  # dbt may not use the Studio
    rooms.append({"id": "A", "capacity": 8})
    _, outcome = solve_document(
        tiny_document(patients=FOUR, group_types=types, therapists=therapists, rooms=rooms)
    )
    assert outcome.result.status == "OPTIMAL"
    assert {s.room for s in groups(outcome) if s.type == "dbt"} == {"A"}


def test_h7_co_facilitated_groups_need_distinct_staff() -> None:
    """A trauma group needs a trauma therapist and a peer-support coach, two different people."""
    types = [
        {
            "id": "trauma",
            "staff": {"trauma": 1, "peer-support": 1},
            "min_size": 2,
            "per_patient_week": {"min": 1, "max": 1},
        }
    ]
    therapists = [make_therapist("T1", ["trauma", "peer-support"])]
    _, outcome = solve_document(tiny_document(patients=FOUR, group_types=types, therapists=therapists))
    assert outcome.result.status == "INFEASIBLE"  # one person cannot fill both roles
    therapists.append(make_therapist("C1", ["peer-support"], role="coach"))
    _, outcome = solve_document(tiny_document(patients=FOUR, group_types=types, therapists=therapists))
    assert outcome.result.status == "OPTIMAL"
    assert all(list(s.therapists) == ["T1", "C1"] for s in groups(outcome))


def test_h7_appointments_need_the_right_clinician() -> None:
    """Psychiatric visits need a prescriber, individual sessions the primary therapist."""
    patients = [make_patient(f"P{i}", psychiatric_per_week=1) for i in range(1, 4)]
    _, outcome = solve_document(tiny_document(patients=patients))
    assert outcome.result.status == "INFEASIBLE"
    therapists = [make_therapist("T1", ["SUD"]), make_therapist("MD", [], role="prescriber")]
    patients = [
        make_patient(f"P{i}", psychiatric_per_week=1, individual_per_week=1, primary_therapist="T2")
        for i in range(1, 4)
    ]
    therapists.append(make_therapist("T2", ["SUD"]))
    _, outcome = solve_document(tiny_document(patients=patients, therapists=therapists))
    assert outcome.result.status == "OPTIMAL"
    by_kind = {(s.kind, s.therapists[0]) for s in outcome.roster.appointments()}
    assert by_kind == {("psychiatric", "MD"), ("individual", "T2")}


def test_h8_exact_appointment_counts() -> None:
    """Each patient gets exactly the appointments their plan names, no more.

    Four appointment hours cannot all fit T1's free Tuesday (3 h) beside Monday's
    group, so a second family-qualified therapist takes some.
    """
    therapists = [make_therapist("T1", ["SUD", "family"]), make_therapist("T2", ["family"])]
    patients = [
        make_patient(f"P{i}", individual_per_week=1, family_per_week=1 if i == 1 else 0) for i in range(1, 4)
    ]
    _, outcome = solve_document(tiny_document(patients=patients, therapists=therapists))
    assert outcome.result.status == "OPTIMAL"
    counts = Counter((s.patients[0], s.kind) for s in outcome.roster.appointments())
    assert counts == {
        ("P1", "individual"): 1,
        ("P1", "family"): 1,
        ("P2", "individual"): 1,
        ("P3", "individual"): 1,
    }


def test_h9_per_type_bounds() -> None:
    """per_patient_week min 2 needs two days; at most once a day."""
    types = [
        {"id": "process", "qualification": "SUD", "min_size": 2, "per_patient_week": {"min": 2, "max": 2}}
    ]
    patients = [make_patient(f"P{i}", days=("mon",)) for i in range(1, 4)]
    _, outcome = solve_document(tiny_document(patients=patients, group_types=types))
    assert outcome.result.status == "INFEASIBLE"
    patients = [make_patient(f"P{i}", max_hours=6) for i in range(1, 4)]
    _, outcome = solve_document(tiny_document(patients=patients, group_types=types))
    assert outcome.result.status == "OPTIMAL"
    assert Counter(s.day for s in groups(outcome)) == {"mon": 1, "tue": 1}


def test_h9_min_applies_only_to_allowed_tracks() -> None:
    """A per-week min on an adult-only type does not bind adolescents."""
    types = [
        {
            "id": "process",
            "qualification": "SUD",
            "min_size": 2,
            "tracks": ["adult"],
            "per_patient_week": {"min": 1, "max": 2},
        },
        {"id": "teen", "qualification": "SUD", "min_size": 2, "tracks": ["teen"]},
    ]
    patients = [
        make_patient("A1"),
        make_patient("A2"),
        make_patient("Y1", track="teen"),
        make_patient("Y2", track="teen"),
    ]
    therapists = [make_therapist("T1", ["SUD"])]
    _, outcome = solve_document(tiny_document(patients=patients, group_types=types, therapists=therapists))
    assert outcome.result.status == "OPTIMAL"


# -- soft goals: optimum known by hand -------------------------------------------------------------


def weights(**given: int) -> dict[str, int]:
    return {**NO_OBJECTIVE, **given}


def test_s3_fewest_sessions() -> None:
    """Eight patients needing 3 h, groups up to 4: two sessions is the least; objective 2."""
    patients = [make_patient(f"P{i}") for i in range(1, 9)]
    therapists = [make_therapist("T1", ["SUD"]), make_therapist("T2", ["SUD"])]
    rooms = [{"id": "A", "capacity": 8}, {"id": "B", "capacity": 8}]
    _, outcome = solve_document(
        tiny_document(patients=patients, therapists=therapists, rooms=rooms, objective=weights(sessions=1))
    )
    assert outcome.result.status == "OPTIMAL"
    assert outcome.roster.solver.objective == 2 == len(groups(outcome))


def test_s1_block_consistency() -> None:
    """A patient free mornings and evenings should keep one block: S1 = 0 at the optimum."""
    program = tiny_document()["program"]
    program["blocks"]["morning"] = {"start": "09:00", "end": "12:00"}
    both = {"mon": ["morning", "evening"], "tue": ["morning", "evening"]}
    therapists = [make_therapist("T1", ["SUD"], availability=both)]
    patients = [make_patient(f"P{i}", availability=both, min_hours=6) for i in range(1, 4)]
    _, outcome = solve_document(
        tiny_document(
            program=program, therapists=therapists, patients=patients, objective=weights(block_consistency=5)
        )
    )
    assert outcome.result.status == "OPTIMAL"
    assert outcome.report.terms["block_consistency"] == 0
    assert len({s.start for s in groups(outcome)}) == 1


def test_s2_continuity_prefers_one_leader() -> None:
    """Two qualified leaders each day: the optimum lets one of them lead both days (S2 = 0)."""
    therapists = [make_therapist("T1", ["SUD"]), make_therapist("T2", ["SUD"])]
    patients = [make_patient(f"P{i}", min_hours=6) for i in range(1, 4)]
    _, outcome = solve_document(
        tiny_document(therapists=therapists, patients=patients, objective=weights(continuity=1))
    )
    assert outcome.result.status == "OPTIMAL"
    assert len({s.therapists[0] for s in groups(outcome)}) == 1


def test_s4_load_balance_shares_work() -> None:
    """Two 3 h sessions and two equal therapists: one each, peak load 3/20 h = 15%."""
    patients = [make_patient(f"P{i}", min_hours=6) for i in range(1, 4)]
    therapists = [make_therapist("T1", ["SUD"]), make_therapist("T2", ["SUD"])]
    _, outcome = solve_document(
        tiny_document(therapists=therapists, patients=patients, objective=weights(load_balance=1))
    )
    assert outcome.result.status == "OPTIMAL"
    assert outcome.report.terms["load_balance"] == 15
    assert sorted(s.therapists[0] for s in groups(outcome)) == ["T1", "T2"]


def test_s5_preferences() -> None:
    """Patients preferring mornings are placed in the morning block when they can be."""
    program = tiny_document()["program"]
    program["blocks"]["morning"] = {"start": "09:00", "end": "12:00"}
    both = {"mon": ["morning", "evening"], "tue": ["morning", "evening"]}
    therapists = [make_therapist("T1", ["SUD"], availability=both)]
    patients = [make_patient(f"P{i}", availability=both, preferred_blocks=["morning"]) for i in range(1, 4)]
    _, outcome = solve_document(
        tiny_document(
            program=program, therapists=therapists, patients=patients, objective=weights(preferences=1)
        )
    )
    assert outcome.result.status == "OPTIMAL"
    assert outcome.report.terms["preferences"] == 0
    assert {s.start for s in groups(outcome)} == {"09:00"}


@pytest.mark.parametrize("seed", [1, 2])
def test_same_seed_one_worker_same_roster(seed: int) -> None:
    """With one worker and a fixed seed, two solves give identical sessions."""
    patients = [make_patient(f"P{i}", individual_per_week=1) for i in range(1, 7)]
    therapists = [make_therapist("T1", ["SUD"]), make_therapist("T2", ["SUD"])]
    document = tiny_document(patients=patients, therapists=therapists, objective=None)
    document.pop("objective")
    runs = [solve_document(document, workers=1, seed=seed)[1].roster for _ in range(2)]
    assert runs[0].sessions == runs[1].sessions
