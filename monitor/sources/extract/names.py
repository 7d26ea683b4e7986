"""What an element's names say about it, for the generic reader: chrome (a class or id word, a tag), a
declared dialog or hidden element, or content. Evidence only: generic.py weighs it with what the element
holds (a name is never a verdict)."""

from __future__ import annotations

import re
from functools import lru_cache

CHROME_TAGS = frozenset(("nav", "aside", "footer", "header", "menu", "figcaption", "form"))
# Words in a class or id that name chrome. Strong ones
# always do; weak ones also name page layouts ("no-sidebar", "ad-margins", "elementor-widget"), so an
# element named by one is chrome only while it holds a small part of the page's text.
STRONG_CHROME = frozenset(
    ("share", "sharing", "sharebar", "social", "related", "recommended", "recommendations", "comment", "comments",
     "newsletter", "subscribe", "promo", "sponsor", "sponsored", "cookie", "cookies", "consent", "gdpr",
     "breadcrumb", "breadcrumbs", "footer", "masthead", "navbar", "nav", "menu", "popup", "modal", "outbrain",
     "taboola", "byline", "donate", "donation", "fundraising", "signup", "toolbar", "pagination", "disclaimer",
     "tags", "tag", "author", "bio", "caption", "credit", "sr", "visually", "screenreader", "skip", "banner", "clock",
     "generated", "carousel", "gallery", "slideshow", "lightbox")
)
WEAK_CHROME = frozenset(("advert", "advertisement", "ad", "ads", "adslot", "sidebar", "widget", "hidden", "print",
                          "topics", "subscription"))
# Words run together ("commentbody", "socialbar", "sidebarleft"): a chrome word of six letters or more
# opening a longer word names chrome too (shorter ones open too many other words: "ad", "tag", "share").
_STRONG_STEMS = tuple(sorted(w for w in STRONG_CHROME if len(w) >= 6))
_WEAK_STEMS = tuple(sorted(w for w in WEAK_CHROME if len(w) >= 6))
# An element the page declares a dialog (role="dialog" or "alertdialog", aria-modal="true": the ARIA spelling of
# <dialog>, which is never read): more than a name, so generic.py holds it chrome up to a larger share, and a small one
# stays chrome even when the page is read leniently (a consent notice alone on a page is no article).
DIALOG = 3
_DIALOG_ROLES = frozenset(("dialog", "alertdialog"))
# The same for a class that hides the element: a page with two renders of its article, one hidden, is read once.
_HIDING_CLASSES = frozenset(("hidden", "d-none", "hide", "is-hidden"))
_SHOWN_AGAIN = re.compile(r":|^d-(?:sm|md|lg|xl|xxl)-")
_CONTENT_TAGS = frozenset(("article", "main"))
_CONTENT_WORDS = frozenset(("article", "body", "content", "entry", "post", "story", "text", "main", "blog", "news"))
# A word is a run of letters between separators; a run with a digit in it is an id or a hash ("ee6f45ad"
# must not read as "ad"), never a word.
_WORD = re.compile(r"[a-z0-9]+")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
_STRONG, _CONTENT, _WEAK = 1, 2, 3  # what a class token names (_token_kind)


def evidence(tag: str, attrs: dict[str, str | None] | None) -> tuple[int, bool]:
    """(chrome kind: 0 none, 1 weak name, 2 strong name or chrome tag, DIALOG declared dialog or hidden by class;
    whether the element is named as content)."""
    if attrs:
        cls, ident = attrs.get("class"), attrs.get("id")
        if cls or ident or "role" in attrs or "aria-modal" in attrs:
            return _evidence(tag, cls, ident, attrs.get("role"), attrs.get("aria-modal"))
    return (2 if tag in CHROME_TAGS else 0), tag in _CONTENT_TAGS


@lru_cache(maxsize=16384)
def _evidence(tag: str, cls: str | None, ident: str | None, role: str | None, modal: str | None) -> tuple[int, bool]:
    """evidence() of the attributes that carry it. Cached: a page repeats a few hundred combinations over
    thousands of elements, and weighing them was a third of the reader's time."""
    kind, named_content = _chrome_kind(cls, ident) if tag not in ("body", "html") else (0, False)
    if _is_dialog(role, modal) or _hidden_by_class(cls):
        kind = DIALOG
    elif tag in CHROME_TAGS:
        kind = 2
    return kind, named_content or tag in _CONTENT_TAGS


def _chrome_kind(cls: str | None, ident: str | None) -> tuple[int, bool]:
    """2: the class or id names chrome ("share-bar"); 1: it may ("ad-slot", "sidebar"); 0: it does not; and
    whether it names content.

    A name about content without a strong chrome word ("article-body", "post-content-widget")
    outweighs the other names of the element ("article-body pagination-first" is content)."""
    kinds = {_token_kind(name) for value in (cls, ident) if value for name in value.split()}
    if _CONTENT in kinds:
        return 0, True
    return (2 if _STRONG in kinds else 1 if _WEAK in kinds else 0), False


@lru_cache(maxsize=16384)
def _token_kind(name: str) -> int:
    """What one class token or id names: _STRONG chrome, else _CONTENT, else _WEAK chrome, else 0. Cached per
    token, below the combinations: a combination with a per-render token ("post-4711", "css-1x2y3z") is new on
    every page, its other tokens are not."""
    kinds = {_word_kind(w) for w in _WORD.findall(_CAMEL.sub(" ", name).lower()) if w.isalpha()}
    return _STRONG if _STRONG in kinds else _CONTENT if _CONTENT in kinds else _WEAK if _WEAK in kinds else 0


@lru_cache(maxsize=16384)
def _word_kind(word: str) -> int:
    """What one word of a name names (as _token_kind). Cached: tokens are many ("post-4711"), words are few."""
    if word in STRONG_CHROME or word.startswith(_STRONG_STEMS):
        return _STRONG
    if word in _CONTENT_WORDS:
        return _CONTENT
    if word in WEAK_CHROME or word.startswith(_WEAK_STEMS):
        return _WEAK
    return 0


def _is_dialog(role: str | None, modal: str | None) -> bool:
    return (role is not None and role.strip().lower() in _DIALOG_ROLES) or (
        modal is not None and modal.strip().lower() == "true")


def _hidden_by_class(value: str | None) -> bool:
    """A utility class that hides the element (`hidden`, `d-none`: display none in the common CSS frameworks),
    with no responsive class that shows it again (`hidden md:block`, `d-none d-lg-block`)."""
    if not value:
        return False
    tokens = value.split()
    return any(t in _HIDING_CLASSES for t in tokens) and not any(_SHOWN_AGAIN.search(t) for t in tokens)
