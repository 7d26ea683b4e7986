"""Accuracy corpus: labelled old → new steps of EFF-like pages and seeds, with the TRUE kinds.

`CASES` is built by code (tests/corpus/cases.py) from the fixture articles; `snapshot_of`
reads a side with the product's own extract / seed parser; `run_case` classifies a case.
"""

from __future__ import annotations

from tests.corpus.case import KINDS, Case, run_case, snapshot_of
from tests.corpus.cases import all_cases

CASES: list[Case] = all_cases()

__all__ = ["CASES", "KINDS", "Case", "run_case", "snapshot_of"]
