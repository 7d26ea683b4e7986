"""What a reader cannot see is not text, for any embed: a player's markup that reaches a text node (EFF's
click-to-play video keeps it URL-encoded until clicked; other sites escape it or inline a data: URL) never
enters the body, so the same video pasted again with other width, height, rel or autoplay parameters reads the
same, through the EFF profile and the generic reader alike.
"""

from __future__ import annotations

import html
from urllib.parse import quote

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from monitor.sources.extract import read_article
from tests.fixtures.articles import STILL_FLAWED
from tests.site import article_page

ANCHOR = "</p>"
VIDEO = st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-", min_size=6, max_size=12)
PARAMS = st.fixed_dictionaries({
    "width": st.integers(100, 1920), "height": st.integers(100, 1080), "rel": st.integers(0, 1),
    "autoplay": st.integers(0, 1), "start": st.integers(0, 9999)})
HOSTS = st.sampled_from(("www.youtube.com/embed", "player.vimeo.com/video", "www.youtube-nocookie.com/embed",
                         "embed.example.org/v"))


def iframe(host: str, video: str, p: dict[str, int]) -> str:
    return (f'<iframe src="https://{host}/{video}?autoplay={p["autoplay"]}&rel={p["rel"]}&start={p["start"]}" '
            f'width="{p["width"]}" height="{p["height"]}" allowfullscreen frameborder="0"></iframe>')


@st.composite
def embed(draw: st.DrawFn, host: str, video: str) -> str:
    """The same video, with drawn parameters, in one of the shapes sites give it."""
    code = iframe(host, video, draw(PARAMS))
    shape = draw(st.sampled_from(("percent", "percent-plus", "escaped", "data")))
    if shape == "percent":  # EFF's mytube: the player's code URL-encoded in an element shown on click
        inner = quote(code, safe="")
    elif shape == "percent-plus":
        inner = quote(code, safe="/:")
    elif shape == "escaped":  # a "copy the embed code" box
        inner = html.escape(code)
    else:
        inner = f"data:text/html;base64,{draw(st.text(alphabet='ABCDEFGHabcdefgh0123456789+/', min_size=20))}=="
    return (f'<div class="video-embed" style="width: {draw(PARAMS)["width"]}px;"><div class="embed-code">{inner}'
            f'</div><div class="embed-note"><a href="/privacy">Privacy info.</a> This embed will serve content from '
            f'{host.split("/")[0]}</div></div>')


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), host=HOSTS, video=VIDEO, where=st.integers(0, 3), generic=st.booleans())
def test_an_embed_pasted_again_with_other_parameters_reads_the_same(
        data: st.DataObject, host: str, video: str, where: int, generic: bool) -> None:
    page = article_page(STILL_FLAWED)
    if generic:  # no EFF markers: the generic reader reads it
        page = page.replace("field--name-body", "story-body").replace("node--blog--full", "story-full").replace(
            "www.eff.org", "www.news.example")
    cuts = [i for i in range(len(page)) if page.startswith(ANCHOR, i)][:4]
    at = cuts[where % len(cuts)] + len(ANCHOR)
    first, second = data.draw(embed(host, video)), data.draw(embed(host, video))
    url = STILL_FLAWED.url.replace("www.eff.org", "www.news.example") if generic else STILL_FLAWED.url
    one = read_article(page[:at] + first + page[at:], url).snapshot
    two = read_article(page[:at] + second + page[at:], url).snapshot
    assert one.content_hash() == two.content_hash(), (one.paragraphs, two.paragraphs)
    body = " ".join(one.paragraphs)
    assert "%3C" not in body.upper() and "width=" not in body and "data:" not in body
