"""User templates: documented variables, sandboxed, errors at config time, never losing an alert."""

from __future__ import annotations

import pytest

from monitor.core.errors import ConfigError
from monitor.core.model import Alert, Change, UpdateNote, WordEdit
from monitor.render.templates import VARIABLES, apply_templates, compile_templates, template_variables

ALERT = Alert(
    kind="note_added", url="https://www.eff.org/deeplinks/x", title="Still <b>Flawed</b>", dedup_key="k",
    change=Change(kind="note_added", notes_added=(UpdateNote("Update (1/6/2025): adopted.", "Update (1/6/2025)"),),
                  edits=(WordEdit("over 100 countries", "over 120 countries", ("100",), ("120",)),)),
    byline="Karen Gullo", published="2024-12-16",
)


def _vars() -> dict[str, object]:
    return template_variables(ALERT, "Update note", "Update note: Still", "default body")


def test_every_documented_variable_is_provided() -> None:
    assert set(_vars()) == set(VARIABLES)


def test_title_and_body_templates() -> None:
    templates = compile_templates(
        "[EFF] {{ kind_label }}: {{ title }}",
        "{% for n in notes_added %}{{ n }}\n{% endfor %}{% for e in edits %}-{{ e.removed|join(',') }} "
        "+{{ e.added|join(',') }}\n{% endfor %}{{ url }}",
    )
    title, body = apply_templates(templates, _vars())
    assert title == "[EFF] Update note: Still <b>Flawed</b>"
    assert body == "Update (1/6/2025): adopted.\n-100 +120\nhttps://www.eff.org/deeplinks/x"


def test_html_templates_escape_article_text() -> None:
    templates = compile_templates(None, "<p>{{ title }}</p>", "html")
    assert apply_templates(templates, _vars())[1] == "<p>Still &lt;b&gt;Flawed&lt;/b&gt;</p>"


def test_the_sandbox_refuses_attribute_tricks_and_falls_back_to_the_default() -> None:
    templates = compile_templates(None, "{{ title.__class__.__mro__[1].__subclasses__() }}")
    assert apply_templates(templates, _vars()) == ("Update note: Still", "default body")


def test_unknown_variable_falls_back_rather_than_sending_a_broken_alert() -> None:
    templates = compile_templates("{{ no_such_thing }}", None)
    assert apply_templates(templates, _vars())[0] == "Update note: Still"


@pytest.mark.parametrize(("title", "body", "fmt", "message"), [
    ("{{ oops", None, "text", "'templates.title' is not a valid template"),
    (None, "{% for %}", "text", "'templates.body' is not a valid template"),
    (None, "x", "rtf", "'templates.format' must be text, markdown or html"),
])
def test_bad_templates_are_config_errors(title: str | None, body: str | None, fmt: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message.replace(".", r"\.")):
        compile_templates(title, body, fmt)
