"""Alert → Message in the body format a target reads natively: the news first, then the link.

One renderer per format (`plain`, `markdown`, `html`), each a `Renderer` subclass that
registers itself under its apprise.NotifyFormat value; what is said, in which order, and
how a long body is cut lives once, in `base`.
"""

from __future__ import annotations

from monitor.core.model import Alert
from monitor.render import html, markdown, matrix, plain
from monitor.render.base import DEFAULT_LIMITS, Message, Renderer
from monitor.render.marks import Mark, inline_marks
from monitor.render.mentions import defuse, inert_alert

FORMATS = tuple(Renderer.registry)

__all__ = [
    "DEFAULT_LIMITS",
    "FORMATS",
    "Mark",
    "Message",
    "defuse",
    "html",
    "inert_alert",
    "inline_marks",
    "markdown",
    "matrix",
    "plain",
    "render",
]


def render(alert: Alert, fmt: str = "text", *, limit: int | None = None) -> Message:
    """Render `alert` as `fmt` ("text", "markdown", "html" or "matrix"), its body at most `limit` characters.

    Without a limit the format's default applies; the link to the article survives any cut.
    Mentions in the article's text are inert (monitor.render.mentions) in every format.
    """
    try:
        renderer = Renderer.registry[fmt]()
    except KeyError:
        raise ValueError(f"unknown body format {fmt!r} (expected one of {', '.join(FORMATS)})") from None
    return renderer.render(inert_alert(alert), DEFAULT_LIMITS[fmt] if limit is None else limit)
