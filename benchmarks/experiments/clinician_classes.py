"""Experiment: how many clinicians of a week are interchangeable (candidates for symmetry breaking).

Two clinicians are interchangeable when everything the SPEC gives them but their id and
name is the same (role, qualifications, availability, max_hours, ...) and no patient
names either as primary therapist. Prints, per week, the clinicians, their classes and
the largest classes.

Run: .venv/bin/python benchmarks/experiments/clinician_classes.py S-30p-s1 M-120p-s1 L-400p-s1
"""

from __future__ import annotations

import argparse
from collections import Counter

from common import weeks_by_name


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("weeks", nargs="+", help="weeks of benchmarks/suites.yaml, e.g. M-120p-s1")
    args = parser.parse_args()
    weeks = weeks_by_name()
    for name in args.weeks:
        scenario = weeks[name].scenario()
        named = {p.primary_therapist for p in scenario.patients if p.primary_therapist}
        classes: Counter[str] = Counter()
        for t in scenario.therapists:
            # a clinician someone names is in a class of their own
            fields = t.model_dump(exclude={"id", "name"})
            classes[t.id if t.id in named else repr(sorted(fields.items()))] += 1
        sizes = sorted(classes.values(), reverse=True)
        print(f"{name}: {len(scenario.therapists)} clinicians in {len(classes)} classes, largest {sizes[:5]}")


if __name__ == "__main__":
    main()
