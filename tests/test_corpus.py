"""The accuracy corpus: every labelled case must classify to its TRUE kinds (a miss names itself)."""

from __future__ import annotations

from collections import Counter

import pytest

from tests.corpus import CASES, KINDS, Case, run_case

_MINIMUM = {"note_added": 3, "note_changed": 3, "body_edited": 3, "title_changed": 2, "body_edited:minor": 2,
            "new_post": 2, "removed": 2, "restored": 2}


def test_corpus_is_large_and_covers_every_kind() -> None:
    assert len(CASES) >= 40
    assert len({c.name for c in CASES}) == len(CASES), "case names must be unique"
    per_kind = Counter(k for c in CASES for k in c.expected)
    assert set(per_kind) == set(KINDS)
    for kind, least in _MINIMUM.items():
        assert per_kind[kind] >= least, f"{kind}: {per_kind[kind]} cases, want >= {least}"
    assert sum(1 for c in CASES if not c.expected) >= 12, "at least 12 noise cases"


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_case_classifies_to_its_label(case: Case) -> None:
    got = run_case(case)
    assert got == case.expected, f"{case.name} ({case.note}): expected {sorted(case.expected)}, got {sorted(got)}"
