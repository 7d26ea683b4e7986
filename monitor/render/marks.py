"""A changed passage as the sentence now reads, with the removed words struck in place and the added ones marked.

A `WordEdit` carries the sentences before and after and lists of removed and added
words, but not where they sit; rich formats want the marks inside the sentence, so
the two sentences are diffed again here, on the same tokens `compare` uses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Literal

from monitor.core.text import token_spans

Op = Literal["same", "del", "ins"]


@dataclass(frozen=True)
class Mark:
    """One run of the marked sentence: unchanged text, removed words or added words."""

    op: Op
    text: str


def inline_marks(before: str, after: str) -> tuple[Mark, ...]:
    """`after` in reading order with the words of `before` it lost put back, marked, where they stood.

    Tokens compare on their canonical key (quotes and dashes folded) but are quoted as
    displayed; the spaces between runs come from the sentence the run belongs to.
    """
    a, b = token_spans(before), token_spans(after)
    if not a:
        return (Mark("ins", after.strip()),) if b else ()
    if not b:
        return (Mark("del", before.strip()),)
    out: list[Mark] = []

    def emit(op: Op, text: str) -> None:
        if not text:
            return
        if out and out[-1].op == op:
            out[-1] = Mark(op, out[-1].text + text)
        else:
            out.append(Mark(op, text))

    def gap_after(j: int) -> str:
        """The white space in `after` between token j and the next (none after the last)."""
        return after[b[j][2] : b[j + 1][1]] if j + 1 < len(b) else ""

    gap = ""  # white space of `after` waiting to be written before the next run
    matcher = SequenceMatcher(None, [k for k, _, _ in a], [k for k, _, _ in b], autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        kept = after[b[j1][1] : b[j2 - 1][2]] if j2 > j1 else ""
        if tag == "equal":
            emit("same", gap + kept)
            gap = gap_after(j2 - 1)
            continue
        removed = before[a[i1][1] : a[i2 - 1][2]] if i2 > i1 else ""
        spaced = i1 > 0 and i2 > i1 and a[i1 - 1][2] < a[i1][1]  # a space stood before the removed words
        if removed:
            if spaced:
                emit("same", gap or (" " if out else ""))
                gap = ""
            emit("del", removed)
            if i2 < len(a) and a[i2 - 1][2] < a[i2][1]:
                gap = gap or " "
        if kept:
            if removed:
                joint = spaced or (removed[-1].isalnum() and kept[0].isalnum())
                emit("same", " " if joint else "")
            else:
                emit("same", gap)
            emit("ins", kept)
            gap = gap_after(j2 - 1)
    return tuple(out)


def trim_context(marks: tuple[Mark, ...], context: int, longest: int) -> tuple[Mark, ...]:
    """Keep about `context` characters of unchanged text around each change and cut any run past `longest`.

    Long sentences stay readable on a phone: the words near a change are what matter.
    """
    out = []
    last = len(marks) - 1
    for i, mark in enumerate(marks):
        text = mark.text
        if mark.op != "same" or last == 0:
            text = clip(text, longest)
        elif i == 0:
            text = "… " + _tail(text, context) if len(text) > context else text
        elif i == last:
            text = _head(text, context) + " …" if len(text) > context else text
        elif len(text) > 2 * context + 3:
            text = _head(text, context) + " … " + _tail(text, context)
        out.append(Mark(mark.op, text))
    return tuple(out)


def _head(text: str, n: int) -> str:
    """The first `n` characters of `text` or fewer, ending at a word boundary."""
    head = text[:n]
    return re.sub(r"\s+\S*$", "", head) or head


def _tail(text: str, n: int) -> str:
    """The last `n` characters of `text` or fewer, starting at a word boundary."""
    tail = text[-n:]
    return re.sub(r"^\S*\s+", "", tail) or tail


def clip(text: str, limit: int) -> str:
    """Cut at a sentence (else word) boundary before `limit`, marking the cut."""
    if len(text) <= limit:
        return text
    head = text[:limit]
    sentence = max(head.rfind(". "), head.rfind("? "), head.rfind("! "))
    if sentence > limit // 2:
        return head[: sentence + 1] + " …"
    return re.sub(r"\s+\S*$", "", head) + " …"
