"""decide: whether the stubs a host served in one cycle are its wall, not its articles'. Pure: no I/O.

A stub (`decide.article.Stub`) in one article's place may be the article taken down; the same short page in the
place of many of a host's articles at once is the host's (a consent wall, a login wall, a rate-limit page),
and "removed" alerts for each of them would be noise that says nothing of any article. So the cycle asks here,
for each host, before judging any of its articles; a wall is one operator alert, no reader alert.

The line, and why there:
- at least WALL_MIN (2) stubs: one stub is one article's (it counts toward that article's removal). Stubs the
  host's other articles read at their last check, earlier in the last day, count too, on both sides of the half
  below: a service checks a few of a small host's articles a cycle, and sees its wall one article at a time;
- and either at least half of the host's articles whose pages answered this cycle (200 or 304) are stubs: the
  host is mostly not serving its articles to us, whatever each stub says (a consent page that names the
  article differs on each);
- or at least WALL_SAME_TEXT (3) stubs say exactly the same: a rate-limit page that began halfway through a
  cycle's requests, while the host's first answers were still good, or the site's own "not found" page after
  several articles were pulled at once. The two look alike in a cycle; in time they part: a rate limit moves
  on, articles taken down stay down. So those stubs still count toward removal, SLOW (3) times slower
  (`decide.article.SLOW`), and readers hear of articles that keep showing the page.
Articles already reported removed count on neither side: their stub is explained, and counting it would make
the next removal on a small host look like a wall. Two articles of a big host taken down at once (two stubs
among many good pages) stay each one's news; a host that takes down most of what we track at once is
indistinguishable from a wall, and the operator's alert says so.

A wall holds the stubs it is made of, not every stub of its host (`Wall.holds`): a page shown word for word in
place of at least WALL_SAME_TEXT articles is the wall's, and the host's other stubs are its wall only if they are
themselves (with the earlier ones) at least WALL_MIN and half of what answered beside that page. An article taken
down, showing the site's "not found" page while a rate-limit page answers for three others, is that article's
news: walled with them, its own page would never count toward its removal, and readers would never hear.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from monitor.decide.article import PATIENCE

WALL_MIN = 2
WALL_SAME_TEXT = 3
# A host with this many tracked articles at most (not reported removed): its wall may as well be all of them pulled
# at once (two of a two-article blog): it counts toward their removal, PATIENCE times slower (decide.article).
SMALL_HOST = 3
WALL_QUOTE_WORDS = 12  # the first words of the wall's page in the operator's alert


@dataclass(frozen=True)
class Wall:
    """A host's wall this cycle: how many of its articles show a stub that is the wall's, of how many answered."""

    host: str
    stubs: int
    answered: int
    same: int  # stubs saying the most common text
    text: str  # that text
    earlier: int = 0  # the host's other articles whose last check, earlier in the last day, read a stub
    texts: frozenset[str] | None = None  # the wall's pages (stub texts); None: every stub of the host is the wall's
    few: bool = False  # its page shown alike in place of a few articles while the rest answer: they count, slowly
    small: bool = False  # every article of a host with few tracked (SMALL_HOST): they count, PATIENCE times slower

    def holds(self, text: str) -> bool:
        """Whether a stub saying `text` is this wall's (module doc), not its article's."""
        return self.texts is None or text in self.texts


def host_wall(host: str, stub_texts: Sequence[str], answered: int, earlier: int = 0, tracked: int = 0) -> Wall | None:
    """The host's wall, when the stubs read in place of its articles this cycle are one (module doc); None: each
    stub is its article's. `stub_texts` are the stubs' canonical texts, `answered` the host's articles whose pages
    answered (stubs included), both without articles already reported removed. `earlier`: the host's other
    articles whose last check, in an earlier cycle of the last day, read a stub too (a service checks a few of a
    small host's articles a cycle: its wall is seen one article at a time); they count on both sides. `tracked`: how
    many of the host's articles are tracked and not reported removed (0: unknown), for `Wall.small`."""
    if not stub_texts or len(stub_texts) + earlier < WALL_MIN:
        return None
    counts = Counter(stub_texts)
    text, same = counts.most_common(1)[0]
    alike = frozenset(t for t, n in counts.items() if n >= WALL_SAME_TEXT)
    peeled = sum(counts[t] for t in alike)
    rest = len(stub_texts) - peeled  # the other stubs, with the earlier ones: the wall's if half of the rest
    if rest and rest + earlier >= WALL_MIN and 2 * (rest + earlier) >= answered - peeled + earlier:
        small = 0 < tracked <= SMALL_HOST  # its tracked articles, not those a cycle happened to check
        return Wall(host, len(stub_texts), max(answered, len(stub_texts)), same, text, earlier, small=small)
    if not alike:
        return None
    few = 2 * (peeled + earlier) < answered + earlier  # a few articles alike while the rest answer
    small = 0 < tracked <= SMALL_HOST and peeled + earlier >= tracked  # alike in place of all a small host has
    return Wall(host, peeled, max(answered, len(stub_texts)), same, text, earlier, alike, few, small)


def wall_detail(wall: Wall) -> str:
    """The operator's alert: which host, how many articles, the page's first words, and what was done."""
    words = wall.text.split()
    quote = " ".join(words[:WALL_QUOTE_WORDS]) + (" …" if len(words) > WALL_QUOTE_WORDS else "")
    if not quote:
        said = "pages with no text"
    elif wall.same >= 2:
        said = f"{wall.same} of them the same page: “{quote}”"
    elif wall.stubs == 1:
        said = f"“{quote}”"
    else:
        said = f"each a different page, one of them: “{quote}”"
    before = (f", as did the last check of {wall.earlier} more of its articles in the last day" if wall.earlier
              else "")
    head = (f"{wall.host}: {wall.stubs} of the {wall.answered} tracked articles that answered this cycle show a page "
            f"too short to be them ({said}){before}.")
    if wall.small:  # a small host's every article (decide.article.PATIENCE)
        return (f"{head} Most likely a consent, login or rate-limit wall in front of the site, but with so few "
                "articles tracked there, all of them taken down at once looks the same: readers were not told yet; "
                f"they will be, with that doubt, if it stands for {PATIENCE} times as many checks in a row as a "
                "removal takes. Check with `monitor extract URL`.")
    if wall.few:  # a few articles alike while the rest answer (decide.article.SLOW)
        return (f"{head} Most likely a rate-limit page, or the site's own \"not found\" page after several were "
                "taken down at once: readers were not told yet; they will be if the same articles keep showing it "
                "for three times as many checks in a row as a removal takes (a rate limit moves on, articles "
                "taken down stay down). Check with `monitor extract URL`.")
    return (f"{head} Most likely a consent, login or rate-limit wall in front of the site, not articles taken down: "
            "readers were not told, and this page does not count toward a \"removed\" alert. If the articles really "
            "are gone, readers will only hear it once the site serves its other pages again; check with "
            "`monitor extract URL`.")
