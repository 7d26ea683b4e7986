"""The canonical text both paths (seed markdown, live HTML) share.

Two renderings of the same words must compare equal: mojibake, Unicode forms,
typographic quotes and dashes, white space and link markup are noise, never a change.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable

VANISHING = "\u200b\u00ad\ufeff"  # zero-width space, soft hyphen, BOM: canonical text drops them
_QUOTE_FOLDS = {
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "\u00b4": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"', "\u00ab": '"', "\u00bb": '"',
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-", "\u2212": "-",
    "\u2026": "...", "\u00a0": " ",
    **dict.fromkeys(VANISHING, ""),
}
_QUOTES = str.maketrans(_QUOTE_FOLDS)
# The same folds as a search: str.translate with a mapping looks up every character (0.13 µs each, most of a
# canonical text's cost on non-ASCII pages); a regex scans in C and calls back only where a quote is.
_QUOTE_CHARS = re.compile("[" + "".join(_QUOTE_FOLDS) + "]")


def _fold_quotes(text: str) -> str:
    """text.translate(_QUOTES), fast: quotes, dashes and ellipses folded, vanishing characters dropped."""
    return _QUOTE_CHARS.sub(lambda m: _QUOTE_FOLDS[m.group()], text) if _QUOTE_CHARS.search(text) else text
# What a reader cannot see: Unicode format characters (category Cf: zero-width space and joiners, word
# joiner, LRM/RLM, bidi embeddings, overrides and isolates, soft hyphen, BOM, tags) and variation
# selectors. Inserted or removed, they change no word on screen, so display text drops them.
# Ranges as of Unicode 15; tests/test_text.py checks this Python's Cf set is covered.
_INVISIBLE_RANGES = (
    (0x00AD, 0x00AD), (0x034F, 0x034F), (0x0600, 0x0605), (0x061C, 0x061C), (0x06DD, 0x06DD), (0x070F, 0x070F),
    (0x0890, 0x0891), (0x08E2, 0x08E2), (0x180B, 0x180F), (0x200B, 0x200F), (0x202A, 0x202E), (0x2060, 0x2064),
    (0x2066, 0x206F), (0xFE00, 0xFE0F), (0xFEFF, 0xFEFF), (0xFFF9, 0xFFFB), (0x110BD, 0x110BD), (0x110CD, 0x110CD),
    (0x13430, 0x1343F), (0x1BCA0, 0x1BCA3), (0x1D173, 0x1D17A), (0xE0001, 0xE0001), (0xE0020, 0xE007F),
    (0xE0100, 0xE01EF),
)
_INVISIBLE = re.compile("[" + "".join(f"{chr(a)}-{chr(b)}" for a, b in _INVISIBLE_RANGES) + "]")
# The same class without its astral ranges scans text 6× faster; the whole class runs only on text that has an
# astral character at all.
_INVISIBLE_BMP = re.compile("[" + "".join(f"{chr(a)}-{chr(b)}" for a, b in _INVISIBLE_RANGES if b <= 0xFFFF) + "]")
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


def _drop_invisible(text: str) -> str:
    """_INVISIBLE.sub("", text), fast."""
    invisible = _INVISIBLE if _ASTRAL.search(text) else _INVISIBLE_BMP
    return invisible.sub("", text) if invisible.search(text) else text
# Control characters: those str.isspace calls white space become a space; the others are dropped
# (C1 controls only after mojibake repair, which reads them as the bytes of broken UTF-8).
_SPACE_CONTROLS = re.compile("[\x0b\x0c\x1c\x1d\x1e\x1f\x85]")
_C0_CONTROLS = re.compile("[\x00-\x08\x0e-\x1b\x7f]")
_C1_CONTROLS = re.compile("[\x80-\x84\x86-\x9f]")
_SPACE = re.compile(r"\s+")
# A token is a word, a run of dots, or any other single non-space character (punctuation).
_TOKEN = re.compile(r"\w+|\.\.+|\S")
# The same on ASCII text, spelled out: byte-like classes scan ~1.5× faster than Unicode categories.
# The white space is str.isspace's (\x1c-\x1f included), as in _TOKEN.
_ASCII_TOKEN = re.compile(r"[A-Za-z0-9_]+|\.\.+|[^A-Za-z0-9_ \t\n\r\f\v\x1c-\x1f]")
# Embed code that reaches a text node (a click-to-play player's markup kept URL-encoded until clicked, escaped
# player markup, a data: URL): never what a reader sees on the page, and its parameters (width, height, rel,
# autoplay) change when the same video is pasted again. Other markup written as text (an article quoting
# "<script>alert(1)</script>") is the article's and stays. Tested cheaply first: only text with one of these
# hints is scanned.
_EMBED_HINT = re.compile(r"%3[cC]|<|data:", re.ASCII)
_EMBED_CODE = re.compile(
    r"\S*%3[cC]\s*/?\s*[A-Za-z]\S*"  # percent-encoded markup: the whole run, up to white space
    r"|<\s*(?:iframe|embed|object|video|audio|source|track|param|amp-[\w-]+)\b[^<>]*>"  # escaped player markup
    r"|<\s*[a-z][\w-]*\s[^<>]*?\b(?:width|height|data-[\w-]+)\s*=[^<>]*>"  # any element with player attributes
    r"|<\s*/\s*(?:iframe|embed|object|video|audio|amp-[\w-]+)\s*>"
    r"|\bdata:[\w.+/-]+(?:;[\w.+=-]+)*,\S*",
    re.IGNORECASE,
)
_ESCAPED_TAG = re.compile(r"</?[A-Za-z][\w-]*(?:\s[^<>]*)?/?>")
_MD_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_MD_LINK = re.compile(r"\[([^\]]*)\]\((?:[^()\s]|\([^()]*\))*(?:\s+\"[^\"]*\")?\)")
_MD_EMPHASIS = re.compile(r"\*+|(?<!\w)_+|_+(?!\w)")
_MD_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!])")

# A body with fewer words than this, read where the article's last version had at least as many, is an error, login,
# consent or access-denied page served with a 200, not the article (decide.article judges it; the EFF profile
# refuses it outright). A short post whose versions were always short is an article like any other.
MIN_BODY_WORDS = 30
# Scripts written without spaces between words: each character counts as one word.
_IDEOGRAPHS = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")


# UTF-8 read as cp1252/latin-1 always leaves a lead byte (Â Ã â ð …) before a continuation
# character; text without that pair (or an HTML entity) has no mojibake for ftfy to fix.
_MOJIBAKE_HINT = re.compile(
    "[\u00c2-\u00f4][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc"
    "\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]|&#?\\w+;"
)


def clean_text(raw: str) -> str:
    """Display text: invisible characters dropped, mojibake repaired, one space between words, quotes as written.

    ftfy runs only where a mojibake pattern is present: it is most of the cost otherwise.
    """
    ascii_only = raw.isascii()
    if _C0_CONTROLS.search(raw):
        raw = _C0_CONTROLS.sub("", raw)
    if not ascii_only:
        if _SPACE_CONTROLS.search(raw):
            raw = _SPACE_CONTROLS.sub(" ", raw)
        raw = _drop_invisible(raw)
    if _MOJIBAKE_HINT.search(raw):
        fixed = _drop_invisible(_fix_mojibake(raw))  # an entity may spell an invisible character
    else:
        fixed = raw if ascii_only else unicodedata.normalize("NFC", raw)
    if not fixed.isascii():
        fixed = _C1_CONTROLS.sub("", fixed)
    if _EMBED_HINT.search(fixed):
        stripped = _EMBED_CODE.sub(" ", fixed)
        if stripped != fixed and "<" in stripped:  # escaped markup around a player: its wrappers are code too
            stripped = _ESCAPED_TAG.sub(" ", stripped)
        fixed = stripped
    # str.split() and re's \s agree on what white space is (both str.isspace), split is ~5× faster.
    return " ".join(fixed.split())


def _fix_mojibake(raw: str) -> str:
    """ftfy, imported on first need: most pages never need it and it costs 35 ms to import."""
    import ftfy

    return ftfy.fix_text(raw, uncurl_quotes=False, normalization="NFC")


def markdown_to_text(markdown: str) -> str:
    """Reduce a markdown paragraph to the words a reader sees: links by their text, no emphasis marks."""
    text = _MD_IMAGE.sub("", markdown)
    text = _MD_LINK.sub(lambda m: m.group(1), text)
    text = _MD_EMPHASIS.sub("", text)
    return clean_text(_MD_ESCAPE.sub(r"\1", text))


def canonical(text: str) -> str:
    """The comparison form: NFKC, quotes and dashes folded, white space collapsed."""
    folded = _fold_quotes(unicodedata.normalize("NFKC", clean_text(text)))
    return _SPACE.sub(" ", folded).strip()


def tokens(text: str) -> list[str]:
    """Words and punctuation marks as separate tokens, so spacing around punctuation never matters."""
    return _TOKEN.findall(canonical(text))


def token_keys(display: str) -> list[str]:
    """The comparison keys of already-clean display text, in one pass (the fast path of token_spans).

    ASCII text is its own NFKC form and has nothing for _QUOTES to fold.
    """
    if display.isascii():
        return _ASCII_TOKEN.findall(display)
    return _TOKEN.findall(_fold_quotes(unicodedata.normalize("NFKC", display)))


def token_spans(display: str) -> list[tuple[str, int, int]]:
    """Tokens of already-clean display text as (canonical key, start, end): diff on keys, quote the display."""
    out = []
    for m in _TOKEN.finditer(display):
        token = m.group()
        key = token if token.isascii() else _fold_quotes(unicodedata.normalize("NFKC", token))
        out.append((key, m.start(), m.end()))
    return out


def word_count(texts: Iterable[str]) -> int:
    """Words in these texts, as MIN_BODY_WORDS counts them: runs between spaces, and every ideograph (kana, CJK,
    hangul) one more, so a paragraph of Chinese or Japanese is not one "word"."""
    return sum(len(t.split()) + len(_IDEOGRAPHS.findall(t)) for t in texts)


def has_words(texts: Iterable[str], at_least: int = 1) -> bool:
    """Whether word_count(texts) >= at_least, counted only as far as that takes: a body's first paragraphs
    settle it, and counting a whole body was a few percent of a page's reading."""
    count = 0
    for t in texts:
        count += len(t.split()) + len(_IDEOGRAPHS.findall(t))
        if count >= at_least:
            return True
    return count >= at_least


def digest(*parts: str) -> str:
    """A stable short hash of canonical parts (dedup keys, version identity)."""
    h = hashlib.sha256()
    for part in parts:
        h.update(part.encode("utf-8"))
        h.update(b"\x1f")
    return h.hexdigest()[:32]
