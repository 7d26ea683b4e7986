"""The accuracy corpus: every labelled case must classify to its TRUE kinds (a miss names itself)."""

from __future__ import annotations

from collections import Counter

import pytest

from tests.corpus import CASES, KINDS, SEQUENCES, Case, Sequence, run_case, run_sequence

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


def test_there_are_enough_multi_step_cases() -> None:
    assert len(SEQUENCES) >= 15
    assert len({s.name for s in SEQUENCES}) == len(SEQUENCES), "sequence names must be unique"


@pytest.mark.parametrize("sequence", SEQUENCES, ids=[s.name for s in SEQUENCES])
def test_sequence_reports_every_transition_once(sequence: Sequence) -> None:
    got = run_sequence(sequence)
    for i, (want, have) in enumerate(zip(sequence.expected, got, strict=True), start=1):
        assert have == want, f"{sequence.name} step {i} ({sequence.note}): expected {sorted(want)}, got {sorted(have)}"
