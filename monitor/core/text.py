"""The canonical text both paths (seed markdown, live HTML) share.

Two renderings of the same words must compare equal: mojibake, Unicode forms,
typographic quotes and dashes, white space and link markup are noise, never a change.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

VANISHING = "\u200b\u00ad\ufeff"  # zero-width space, soft hyphen, BOM: canonical text drops them
_QUOTES = str.maketrans(
    {
        "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "\u00b4": "'",
        "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"', "\u00ab": '"', "\u00bb": '"',
        "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-", "\u2212": "-",
        "\u2026": "...", "\u00a0": " ",
        **dict.fromkeys(VANISHING, ""),
    }
)
_SPACE = re.compile(r"\s+")
# A token is a word, a run of dots, or any other single non-space character (punctuation).
_TOKEN = re.compile(r"\w+|\.\.+|\S")
# The same on ASCII text, spelled out: byte-like classes scan ~1.5× faster than Unicode categories.
# The white space is str.isspace's (\x1c-\x1f included), as in _TOKEN.
_ASCII_TOKEN = re.compile(r"[A-Za-z0-9_]+|\.\.+|[^A-Za-z0-9_ \t\n\r\f\v\x1c-\x1f]")
_MD_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_MD_LINK = re.compile(r"\[([^\]]*)\]\((?:[^()\s]|\([^()]*\))*(?:\s+\"[^\"]*\")?\)")
_MD_EMPHASIS = re.compile(r"\*+|(?<!\w)_+|_+(?!\w)")
_MD_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!])")


# UTF-8 read as cp1252/latin-1 always leaves a lead byte (Â Ã â ð …) before a continuation
# character; text without that pair (or an HTML entity) has no mojibake for ftfy to fix.
_MOJIBAKE_HINT = re.compile(
    "[\u00c2-\u00f4][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc"
    "\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]|&#?\\w+;"
)


def clean_text(raw: str) -> str:
    """Display text: mojibake repaired, one space between words, quotes kept as written.

    ftfy runs only where a mojibake pattern is present: it is most of the cost otherwise.
    """
    if _MOJIBAKE_HINT.search(raw):
        fixed = _fix_mojibake(raw)
    else:
        fixed = raw if raw.isascii() else unicodedata.normalize("NFC", raw)
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
    folded = unicodedata.normalize("NFKC", clean_text(text)).translate(_QUOTES)
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
    return _TOKEN.findall(unicodedata.normalize("NFKC", display).translate(_QUOTES))


def token_spans(display: str) -> list[tuple[str, int, int]]:
    """Tokens of already-clean display text as (canonical key, start, end): diff on keys, quote the display."""
    out = []
    for m in _TOKEN.finditer(display):
        token = m.group()
        key = token if token.isascii() else unicodedata.normalize("NFKC", token).translate(_QUOTES)
        out.append((key, m.start(), m.end()))
    return out


def digest(*parts: str) -> str:
    """A stable short hash of canonical parts (dedup keys, version identity)."""
    h = hashlib.sha256()
    for part in parts:
        h.update(part.encode("utf-8"))
        h.update(b"\x1f")
    return h.hexdigest()[:32]
