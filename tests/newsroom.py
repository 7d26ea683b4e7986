"""A news site drawn by hypothesis, for the rule "a change a reader would see alerts, whatever else changed".

A host holds a few stories (sharing most of their text or not), served in page layouts drawn from real-world
vocabulary: wrapping depth, tags and class/id names (chrome words among them where the reader must cope), where
the title sits and the <title> template, boilerplate at the body's edges (a byline line, a date line, a share
bar, a tag list, a newsletter line). Steps change layouts (a redesign, an A/B test, a rollback) and stories
(a sentence inserted, deleted or replaced anywhere, a word or a negation changed, the title rewritten, a note
added), alone or together; an appeal may arrive in every body at once (chrome). `expected` says which stories a
reader must hear about at each step: exactly those with a reader-visible edit.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field, replace
from pathlib import Path

from hypothesis import strategies as st

HOST = "www.news.example"
BASE = f"https://{HOST}"

WORDS = ("states", "treaty", "convention", "parliament", "ratify", "delegates", "surveillance", "safeguards",
         "journalists", "activists", "evidence", "sharing", "vote", "assembly", "ministers", "courts", "privacy",
         "powers", "data", "police", "agencies", "committee", "protocol", "signatures", "amendments", "rights",
         "government", "negotiators", "Vienna", "Hanoi", "report", "warned", "approved", "rejected", "debated",
         "published", "criticised", "requires", "limits", "oversight", "judges", "borders", "companies", "law")
NAMES = ("Jane Doe", "Karen Gullo", "Katitza Rodriguez", "Paige Collings", "Sam Smith")
NEUTRAL = ("content", "main", "page", "container", "wrap", "wrapper", "inner", "post", "entry", "story", "layout",
           "grid", "region", "node", "field", "body", "text", "prose", "column", "holder", "frame", "shell",
           "primary", "article", "single", "detail", "view", "full", "default", "theme", "site")
# Chrome words as real pages put them on elements that wrap the article (a slide-out drawer's page wrapper,
# a social-share anchor, a modal article layout): the reader must not drop the article for its wrapper's name.
CHROME_WORDS = ("social", "nav", "modal", "sharing", "share", "drawer", "sidebar", "menu", "promo", "related",
                "comments", "footer", "header", "banner", "popup")
PREFIXES = ("", "js-", "c-", "o-", "l-", "is-", "has-", "u-")
SUFFIXES = ("", "-anchor", "-start", "-wrapper", "-open", "-container", "-layout", "-area", "-region")
TITLE_TEMPLATES = ("{t}", "{t} | {site}", "{site} - {t}", "{t} — {site}", "{t} :: {site}")
SITE_NAMES = ("News Example", "The Rights Desk", "Example Daily")
APPEAL = ("We are a member-supported newsroom and depend on readers like you to keep reporting on digital "
          "rights around the world.")


def sentence(words: list[str]) -> str:
    text = " ".join(words)
    return text[:1].upper() + text[1:] + "."


SENTENCE = st.lists(st.sampled_from(WORDS), min_size=10, max_size=18).map(sentence)


@dataclass(frozen=True)
class Story:
    slug: str
    title: str
    paragraphs: tuple[str, ...]
    notes: tuple[str, ...] = ()
    byline: str = "Jane Doe"
    published: str = "2026-03-02"
    appeal: bool = False  # the site's appeal arrived in its body (chrome, never an edit)

    @property
    def path(self) -> str:
        return f"/{self.slug}"


@dataclass(frozen=True)
class Layout:
    name: str  # distinct per layout: the article container's class, so two layouts differ in structure
    wrappers: tuple[tuple[str, str, str], ...]  # (tag, class, id), outermost first
    title_in_h1: bool
    title_template: str
    site_name: str
    head_lines: tuple[str, ...]  # boilerplate kinds at the body's head: "byline", "date"
    tail_lines: tuple[str, ...]  # at its tail: "share", "tags", "newsletter", "related"


@st.composite
def class_name(draw: st.DrawFn, chrome: bool) -> str:
    words = [*NEUTRAL, *(CHROME_WORDS if chrome else ())]
    tokens = draw(st.lists(st.builds(lambda p, w, s: p + w + s, st.sampled_from(PREFIXES), st.sampled_from(words),
                                     st.sampled_from(SUFFIXES)), min_size=0, max_size=3))
    return " ".join(tokens)


@st.composite
def layout(draw: st.DrawFn, name: str, *, chrome_wrappers: bool, template: str | None = None,
           site_name: str | None = None) -> Layout:
    depth = draw(st.integers(0, 4))
    wrappers = tuple((draw(st.sampled_from(("div", "div", "section", "main"))), draw(class_name(chrome_wrappers)),
                      draw(st.sampled_from(("", *(w for w in (*NEUTRAL, *CHROME_WORDS))))) if chrome_wrappers else
                      draw(st.sampled_from(("", *NEUTRAL)))) for _ in range(depth))
    return Layout(
        name=name, wrappers=wrappers, title_in_h1=draw(st.booleans()) if template is None else True,
        title_template=template or draw(st.sampled_from(TITLE_TEMPLATES)),
        site_name=site_name or draw(st.sampled_from(SITE_NAMES)),
        head_lines=tuple(draw(st.lists(st.sampled_from(("byline", "date")), unique=True, max_size=2))),
        tail_lines=tuple(draw(st.lists(st.sampled_from(("share", "tags", "newsletter", "related")), unique=True,
                                       max_size=3))),
    )


def _line(kind: str, story: Story) -> str:
    e = html.escape
    if kind == "byline":
        return f'<div class="meta-line">By {e(story.byline)}</div>'
    if kind == "date":
        return f'<div class="dateline">Posted {story.published}</div>'
    if kind == "share":
        return ('<div class="share-bar">Share this: <a href="https://twitter.example/share">Twitter</a> '
                '<a href="https://facebook.example/share">Facebook</a> <a href="mailto:?">Email</a></div>')
    if kind == "tags":
        return ('<p class="tag-list">Tags: <a href="/tags/treaty">treaty</a>, <a href="/tags/privacy">privacy</a>, '
                '<a href="/tags/surveillance">surveillance</a></p>')
    if kind == "newsletter":
        return '<p class="signup-line">Get our newsletter every Friday: subscribe today.</p>'
    return ('<div class="more-stories"><h3>Related stories</h3><ul><li><a href="/a">Courts and the treaty</a></li>'
            '<li><a href="/b">What ratification means</a></li></ul></div>')


def page(story: Story, lay: Layout) -> str:
    e = html.escape
    title = lay.title_template.format(t=story.title, site=lay.site_name)
    opening = "".join(f'<{tag}{f" class={chr(34)}{e(cls)}{chr(34)}" if cls else ""}'
                      f'{f" id={chr(34)}{e(ident)}{chr(34)}" if ident else ""}>' for tag, cls, ident in lay.wrappers)
    closing = "".join(f"</{tag}>" for tag, _, _ in reversed(lay.wrappers))
    notes = "".join(f"<p><em>{e(n)}</em></p>" for n in story.notes)
    body = "".join(f"<p>{e(p)}</p>" for p in story.paragraphs)
    appeal = f"<p>{e(APPEAL)}</p>" if story.appeal else ""
    heading = (f"<h1>{e(story.title)}</h1>" if lay.title_in_h1
               else f'<div class="headline-text">{e(story.title)}</div>')
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{e(title)}</title>
<link rel="canonical" href="{BASE}{story.path}">
<meta property="article:published_time" content="{story.published}T10:00:00Z"></head>
<body><div class="site-top"><a href="/">{e(lay.site_name)}</a> <a href="/donate">Donate</a></div>
{opening}<article class="{e(lay.name)}-story">{heading}
<div class="{e(lay.name)}-text">{"".join(_line(k, story) for k in lay.head_lines)}{notes}{body}{appeal}
{"".join(_line(k, story) for k in lay.tail_lines)}</div></article>{closing}
<div class="site-bottom"><p>Copyright {e(lay.site_name)}. All rights reserved.</p></div>
</body></html>"""


@dataclass(frozen=True)
class Edit:
    """One reader-visible edit of one story."""

    kind: str  # insert, delete, replace, word, negate, title, note
    where: int = 0
    text: str = ""


NEGATABLE = " will be applied to every request"


@st.composite
def story_set(draw: st.DrawFn, prefix: str) -> list[Story]:
    """1 to 4 stories; with `shared`, most of their body is the same text (a series, syndicated copies).
    Every sentence of the host is distinct, except what the stories share on purpose."""
    count = draw(st.integers(1, 4))
    shared = draw(st.booleans())
    own_size = (1, 3) if shared else (4, 6)
    pool = draw(st.lists(SENTENCE, min_size=(5 if shared else 0) + count * own_size[1],
                         max_size=(5 if shared else 0) + count * own_size[1], unique=True))
    common = pool[:draw(st.integers(3, 5))] if shared else []
    rest = pool[len(common):]
    stories = []
    for i in range(count):
        own = rest[i * own_size[1]:i * own_size[1] + draw(st.integers(*own_size))]
        own[0] = own[0][:-1] + NEGATABLE + "."  # a sentence whose meaning one word can flip
        at = draw(st.integers(0, len(common)))
        body = tuple(common[:at] + own + common[at:])
        title = " ".join(draw(st.lists(st.sampled_from(WORDS), min_size=3, max_size=7))).title() + f" {i + 1}"
        if shared and draw(st.booleans()):
            title = "Treaty Watch - " + title
        stories.append(Story(slug=f"{prefix}-{i}", title=title, paragraphs=body,
                             byline=draw(st.sampled_from(NAMES))))
    return stories


@st.composite
def edits_of(draw: st.DrawFn, story: Story, taken: frozenset[str] = frozenset()) -> tuple[Edit, ...]:
    """One or two edits of `story`; new sentences are none of the host's (`taken`) or the story's."""
    kinds = draw(st.lists(st.sampled_from(("insert", "delete", "replace", "word", "negate", "title", "note")),
                          min_size=1, max_size=2, unique=True))
    out = []
    for kind in kinds:
        if kind == "delete" and len(story.paragraphs) <= 3:
            kind = "insert"
        where = draw(st.integers(0, len(story.paragraphs) - 1))
        text = ""
        if kind in ("insert", "replace"):
            text = draw(SENTENCE.filter(lambda t: t not in taken and t not in story.paragraphs))
        elif kind == "word":
            text = draw(st.sampled_from(("Geneva", "Brussels", "Nairobi", "Ottawa")))
        elif kind == "title":
            text = draw(st.sampled_from(("Is Over: Forty States Ratified It", "Now Enters Into Force",
                                         "After the Vote", "Again")))
        elif kind == "note":
            day = draw(st.integers(1, 28))
            text = f"Update (4/{day}/2026): " + draw(SENTENCE.filter(lambda t: t not in taken))
        out.append(Edit(kind, where, text))
    return tuple(out)


def apply(story: Story, edit: Edit, shared: frozenset[str]) -> Story:
    """The story after one edit. A deletion takes one of the story's own sentences (a paragraph that leaves many
    bodies at once is chrome by rule, so shared text is never deleted from several stories together)."""
    paras = list(story.paragraphs)
    if edit.kind == "insert":
        paras.insert(min(edit.where, len(paras)), edit.text)
    elif edit.kind == "delete":
        own = [i for i, p in enumerate(paras) if p not in shared] or list(range(len(paras)))
        del paras[own[edit.where % len(own)]]
    elif edit.kind == "replace":
        paras[edit.where % len(paras)] = edit.text
    elif edit.kind == "word":
        i = edit.where % len(paras)
        words = paras[i].split()
        k = (edit.where * 7) % len(words)
        words[k] = edit.text + ("." if words[k].endswith(".") else "")
        paras[i] = " ".join(words)
    elif edit.kind == "negate":
        i = next((i for i, p in enumerate(paras) if NEGATABLE in p or " will not be applied" in p), 0)
        p = paras[i]
        paras[i] = (p.replace(" will be applied", " will not be applied", 1) if " will be applied" in p
                    else p.replace(" will not be applied", " will be applied", 1))
    elif edit.kind == "title":
        return replace(story, title=f"{story.title} {edit.text}")
    elif edit.kind == "note":
        return replace(story, notes=(edit.text, *story.notes))
    return replace(story, paragraphs=tuple(paras))


@dataclass
class Step:
    """What the site does between two checks."""

    layouts: dict[str, int]  # story slug → index of the layout it is served in
    edits: dict[str, tuple[Edit, ...]] = field(default_factory=dict)
    appeal: bool = False  # the appeal arrives in every story's body (3 or more stories only)


def host_config(folder: Path, base_url: str, paths: list[str]) -> Path:
    """A config tracking `paths` of the news host, replayed from `base_url` (loopback only: no feeds, no treaty)."""
    urls = ", ".join(f'"{BASE}{p}"' for p in paths)
    path = folder / "monitor.toml"
    (folder / "seeds").mkdir()
    path.write_text(f"""database = "{folder / 'monitor.sqlite3'}"
seeds_dir = "{folder / 'seeds'}"
feeds = []
articles = [{urls}]
notify = []
allowed_hosts = ["{HOST}"]
host_delay = 0
timeout = 10
retry_backoff = 0.1

[treaty]
enabled = false

[rewrite]
"{BASE}" = "{base_url}"
""", encoding="utf-8")
    return path
