"""Accuracy corpus: labelled steps of EFF-like pages and seeds, with the TRUE kinds.

`CASES` (pairs: one check after a known version) and `SEQUENCES` (runs of checks of one
article) are built by code from the fixture articles; both are judged by the product's own
`decide`, through `run_case` and `run_sequence`.
"""

from __future__ import annotations

from tests.corpus.case import KINDS, Case, Sequence, run_case, run_sequence, snapshot_of
from tests.corpus.cases import all_cases
from tests.corpus.hard_cases import hard_pairs, hard_sequences
from tests.corpus.sequences import sequence_cases

CASES: list[Case] = [*all_cases(), *hard_pairs()]
SEQUENCES: list[Sequence] = [*sequence_cases(), *hard_sequences()]

__all__ = ["CASES", "KINDS", "SEQUENCES", "Case", "Sequence", "run_case", "run_sequence", "snapshot_of"]
