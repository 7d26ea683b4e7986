"""Snapshot × Snapshot → Change | None, on canonical text only.

The body is compared as one stream of sentences, so a paragraph split or joined is
not an edit; changed sentences are then diffed word by word for the alert. A
truncated (partial) snapshot is compared only as far as it reaches, on either side.
"""

from __future__ import annotations

import functools
import re
from difflib import SequenceMatcher

from monitor.core.kinds import Kind
from monitor.core.model import Change, Snapshot, UpdateNote, WordEdit
from monitor.core.text import canonical, token_keys, token_spans
from monitor.decide.minor import is_minor

# A sentence ends at . ! or ? (with any closing quotes or brackets) before white space and a capital
# or digit; the white space (group 1) is the break. No look-behind: the scan jumps from mark to mark.
_SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]*(\s+)(?=[\"'“‘(\[]?[A-Z0-9])")


class _Sentence:
    """A sentence; its comparison keys and character spans are computed only when asked for."""

    __slots__ = ("__dict__", "text")

    def __init__(self, text: str) -> None:
        self.text = text

    @functools.cached_property
    def keys(self) -> tuple[str, ...]:
        return tuple(token_keys(self.text))

    @functools.cached_property
    def spans(self) -> tuple[tuple[str, int, int], ...]:
        return tuple(token_spans(self.text))


MINOR_SIMILARITY = 0.85


def compare(old: Snapshot, new: Snapshot, *, minor_similarity: float = MINOR_SIMILARITY) -> Change | None:
    """What a reader of `old` would find different in `new`; None when nothing they read changed.

    `minor` says the body edits are all punctuation, letter case or spelling-level (one word for
    a near-identical one, no digits): recorded, alerted only if asked, whatever else changed.
    """
    notes_added, notes_removed = _note_changes(old.notes, new.notes)
    title_changed = canonical(old.title) != canonical(new.title)
    edits = body_edits(old, new)
    kinds: list[Kind] = []
    if notes_added and not notes_removed:
        kinds.append(Kind.NOTE_ADDED)
    elif notes_removed:
        kinds.append(Kind.NOTE_CHANGED)
    if title_changed:
        kinds.append(Kind.TITLE_CHANGED)
    if edits:
        kinds.append(Kind.BODY_EDITED)
    if not kinds:
        return None
    minor = bool(edits) and all(is_minor(e, minor_similarity) for e in edits)
    return Change(
        kind=kinds[0],
        notes_added=notes_added,
        notes_removed=notes_removed,
        title_before=old.title if title_changed else "",
        title_after=new.title if title_changed else "",
        edits=edits,
        minor=minor,
        extra_kinds=tuple(kinds[1:]),
    )


def change_kinds(change: Change | None) -> frozenset[str]:
    """Every kind a change carries, for classification and measurement; a minor body edit is
    "body_edited:minor" so it can be recorded without alerting."""
    if change is None:
        return frozenset()
    kinds = {change.kind, *change.extra_kinds}
    if change.minor:
        kinds = {"body_edited:minor" if k == "body_edited" else k for k in kinds}
    return frozenset(kinds)


def _note_changes(
    old: tuple[UpdateNote, ...], new: tuple[UpdateNote, ...]
) -> tuple[tuple[UpdateNote, ...], tuple[UpdateNote, ...]]:
    old_keys = {n.key for n in old}
    new_keys = {n.key for n in new}
    return tuple(n for n in new if n.key not in old_keys), tuple(n for n in old if n.key not in new_keys)


def sentences(paragraphs: tuple[str, ...], *, truncated: bool = False) -> list[str]:
    """The body as sentences across paragraph breaks (a split paragraph reads the same).

    In a truncated capture the last word is a fragment ("evide…") and is left out.
    """
    joined = " ".join(p.strip() for p in paragraphs if p.strip())
    out = []
    start = 0
    for m in _SENTENCE_END.finditer(joined):
        out.append(joined[start : m.start(1)])
        start = m.end(1)
    out.append(joined[start:])
    out = [s for s in out if s.strip()]
    if truncated and out:
        spans = token_spans(out[-1])[:-1]
        out[-1] = out[-1][: spans[-1][2]] if spans else ""
    return out


def body_edits(old: Snapshot, new: Snapshot) -> tuple[WordEdit, ...]:
    """Changed passages of the body, each with its sentences and the words removed and added.

    Sentences equal as written at the start and end of both bodies are set aside before any
    tokenizing (equal text has equal keys): an edit costs the sentences around it, not the page.
    A truncated side keeps its end, which is where the partial-capture rules apply.
    """
    texts_a = sentences(old.paragraphs, truncated=old.truncated)
    texts_b = sentences(new.paragraphs, truncated=new.truncated)
    head = _common_prefix(texts_a, texts_b)
    tail = 0 if old.truncated or new.truncated else _common_prefix(texts_a[head:][::-1], texts_b[head:][::-1])
    a = [_Sentence(t) for t in texts_a[head : len(texts_a) - tail]]
    b = [_Sentence(t) for t in texts_b[head : len(texts_b) - tail]]
    flat_a = [k for s in a for k in s.keys]
    flat_b = [k for s in b for k in s.keys]
    n = min(len(flat_a), len(flat_b))
    if flat_a == flat_b or (
        (old.truncated or new.truncated) and flat_a[:n] == flat_b[:n]
        and (len(flat_a) <= n or new.truncated) and (len(flat_b) <= n or old.truncated)
    ):
        return ()
    matcher = SequenceMatcher(None, [s.keys for s in a], [s.keys for s in b], autojunk=False)
    edits: list[WordEdit] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        old_cut = old.truncated and i2 == len(a)
        new_cut = new.truncated and j2 == len(b)
        if (old_cut and tag == "insert") or (new_cut and tag == "delete"):
            continue  # text past the end of a partial capture is neither added nor removed
        edit = _word_edit(a[i1:i2], b[j1:j2], old_cut=old_cut, new_cut=new_cut)
        if edit is not None:
            edits.append(edit)
    return tuple(edits)


def _common_prefix(a: list[str], b: list[str]) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def _word_edit(a: list[_Sentence], b: list[_Sentence], *, old_cut: bool, new_cut: bool) -> WordEdit | None:
    ka = [(k, i) for i, s in enumerate(a) for k in s.spans]
    kb = [(k, i) for i, s in enumerate(b) for k in s.spans]
    ops = [
        op
        for op in SequenceMatcher(None, [k[0][0] for k in ka], [k[0][0] for k in kb], autojunk=False).get_opcodes()
        if op[0] != "equal"
    ]
    if ops and old_cut and ops[-1][0] == "insert" and ops[-1][1] == len(ka):
        ops.pop()
    if ops and new_cut and ops[-1][0] == "delete" and ops[-1][3] == len(kb):
        ops.pop()
    if not ops:
        return None
    return WordEdit(
        before=_context(a, ka, ops[0][1], ops[-1][2]),
        after=_context(b, kb, ops[0][3], ops[-1][4]),
        removed=tuple(_quote(a, ka, i1, i2) for _, i1, i2, _, _ in ops if i2 > i1),
        added=tuple(_quote(b, kb, j1, j2) for _, _, _, j1, j2 in ops if j2 > j1),
    )


def _context(sents: list[_Sentence], spans: list[tuple[tuple[str, int, int], int]], start: int, end: int) -> str:
    """The whole sentences that hold tokens start..end: enough context to read, no more."""
    if not spans:
        return ""
    first = spans[min(start, len(spans) - 1)][1]
    last = spans[max(end - 1, 0)][1] if end > 0 else first
    return " ".join(s.text for s in sents[first : max(first, last) + 1])


def _quote(sents: list[_Sentence], spans: list[tuple[tuple[str, int, int], int]], start: int, end: int) -> str:
    """The display text of tokens start..end, as written on the page (spacing and quotes kept)."""
    (_, s0, _), i0 = spans[start]
    (_, _, e1), i1 = spans[end - 1]
    if i0 == i1:
        return sents[i0].text[s0:e1]
    parts = [sents[i0].text[s0:], *(s.text for s in sents[i0 + 1 : i1]), sents[i1].text[:e1]]
    return " ".join(parts)
