"""A hypothesis state machine over a site that changes, comes and goes: the real `decide` and `record_outcome`
on a real SQLite Store (a file), checked against a reader's model of what they should hear.

The site's article moves through states — an update note added, removed, re-added or replaced, a number in
its body flipping back and forth, 404s, a short page in its place (a stub), 500s, restorations — and is polled
any number of times in each state
(duplicate polls; a 304 whenever the page is what was last stored). After every poll the outbox (the alerts
table, with one pending delivery per target) must be exactly the transitions a reader should have heard of:

- a visible change from the last stored version is one alert (a note or body change),
- `removed_after` 404s or stubs in a row (with nothing good in between; at least two when one is a stub) are
  one "Removed",
- the first good answer after that is one "Back online" (plus the change, if the page came back different),
- a repeat of anything already told, a failed check, a 304 or a 404 short of the count is silence,

and no alert is ever written twice (each dedup key once, each delivery once per target).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from monitor.core.kinds import CHANGE_KINDS, Kind
from monitor.core.model import Snapshot, UpdateNote
from monitor.decide.article import Failed, Fetched, Gone, Known, NotModified, Rules, Seen, decide, needs_latest
from monitor.store.database import Store, now, open_store
from monitor.store.outcomes import record_outcome

URL = "https://www.eff.org/deeplinks/2026/01/a-treaty-that-keeps-changing"
TARGETS = ("target-a", "target-b")
NOTES = (
    "",
    "Update (1/6/2026): The first states deposited their instruments of ratification.",
    "Update (2/9/2026): The treaty entered into force after the fortieth ratification.",
)


def page(note: int, value: int) -> Snapshot:
    """The article with update note `note` (0 = none) and `value` as the number of signatories."""
    notes = (UpdateNote(NOTES[note], "Update"),) if note else ()
    paragraphs = (
        "The UN Convention against Cybercrime opened for signature at a ceremony in Hanoi this autumn.",
        f"By the end of the ceremony {60 + value} states had signed the convention, several with reservations.",
        "Signing does not bind a state yet; we urge every signatory to add human rights safeguards first.",
    )
    return Snapshot(url=URL, title="A Treaty That Keeps Changing", notes=notes, paragraphs=paragraphs)


class TransitionsMachine(RuleBasedStateMachine):
    """The real decision and the real store, against a reader's model of what they should hear."""

    def __init__(self) -> None:
        super().__init__()
        self.dir = tempfile.TemporaryDirectory(prefix="transitions-")
        self.store: Store = open_store(Path(self.dir.name) / "monitor.sqlite3")
        self.rules = Rules(removed_after=2)  # drawn again at the baseline
        self.article_id = self.store.track(URL, "config").id
        # The site, and the reader's model.
        self.content: tuple[int, int] | None = (0, 0)  # None: the page answers 404
        self.stub: str | None = None  # a short page served with a 200 in the article's place (content kept)
        self.stored: tuple[int, int] = (0, 0)  # the content of the latest stored version
        self.missing = 0
        self.removed = False
        self.expected: list[str] = []  # the kinds a reader should have heard of, in order

    def teardown(self) -> None:
        self.store.close()
        self.dir.cleanup()

    # -- one poll, exactly as the cycle does it (monitor.app.cycle._check_article) ---------------------------
    def _poll(self, seen: Seen) -> None:
        row = self.store.article_by_id(self.article_id)
        assert row is not None
        known = Known(url=row.url, title=row.title, latest_hash=row.latest_hash, missing_count=row.missing_count,
                      removed=row.removed, transitions=row.transitions, layout=row.layout, closed=row.closed)
        if needs_latest(known, seen, self.rules):
            latest = self.store.latest_version(row.id)
            known = Known(**{**known.__dict__, "latest": latest.snapshot if latest else None})
        outcome = decide(known, seen, self.rules, now=now())
        record_outcome(self.store, row.id, outcome, targets=TARGETS, validators=None, seen=seen)

    def _good_answer(self, content: tuple[int, int]) -> None:
        """What a reader should hear from a good answer (200 or 304) with this content."""
        self.missing = 0
        if self.removed:
            self.expected.append(Kind.RESTORED)
            self.removed = False
        if content != self.stored:
            self.expected.append("change")
            self.stored = content

    @initialize(removed_after=st.integers(1, 4))
    def baseline(self, removed_after: int) -> None:
        self.rules = Rules(removed_after=removed_after)
        self._poll(Fetched(page(0, 0)))  # the first capture: a quiet baseline

    # -- what the site does ----------------------------------------------------------------------------------
    @rule(note=st.integers(0, 2))
    def editors_set_the_note(self, note: int) -> None:
        self.content, self.stub = (note, self.content[1] if self.content else self.stored[1]), None

    @rule(value=st.integers(0, 2))
    def editors_set_the_value(self, value: int) -> None:
        self.content, self.stub = (self.content[0] if self.content else self.stored[0], value), None

    @rule()
    def the_page_is_taken_down(self) -> None:
        self.content, self.stub = None, None

    @rule(text=st.sampled_from(["Page not found.", "This story has been removed.", "Log in to continue reading."]))
    def a_short_page_takes_its_place(self, text: str) -> None:
        self.stub = text

    # -- what the monitor sees -------------------------------------------------------------------------------
    @rule(times=st.integers(1, 3))
    def poll(self, times: int) -> None:
        for _ in range(times):  # duplicate polls of one state
            if self.stub is not None or self.content is None:
                if self.stub is not None:
                    self._poll(Fetched(Snapshot(url=URL, title="Not here", notes=(), paragraphs=(self.stub,))))
                else:
                    self._poll(Gone("HTTP 404"))
                self.missing += 1
                needed = max(self.rules.removed_after, 2) if self.stub is not None else self.rules.removed_after
                if not self.removed and self.missing >= needed:
                    self.expected.append(Kind.REMOVED)
                    self.removed = True
            else:
                self._poll(Fetched(page(*self.content)))
                self._good_answer(self.content)

    @precondition(lambda self: self.stub is None and self.content is not None and self.content == self.stored)
    @rule()
    def poll_answered_304(self) -> None:
        """The server's ETag matches what we stored: it answers 304, which is a good answer too."""
        self._poll(NotModified())
        assert self.content is not None
        self._good_answer(self.content)

    @rule()
    def poll_fails(self) -> None:
        """A 500 or a timeout says nothing about the article: no alert, the 404 count unchanged."""
        self._poll(Failed("HTTP 500"))

    # -- what the reader got ---------------------------------------------------------------------------------
    @invariant()
    def the_outbox_is_the_transitions_none_twice(self) -> None:
        alerts = self.store.alerts_for(self.article_id)
        heard = ["change" if row.alert.kind in CHANGE_KINDS else row.alert.kind for row in alerts]
        assert heard == self.expected
        keys = [row.alert.dedup_key for row in alerts]
        assert len(set(keys)) == len(keys), "an alert was written twice"
        assert self.store.delivery_counts().get("pending", 0) == len(alerts) * len(TARGETS)
        row = self.store.article_by_id(self.article_id)
        assert row is not None and row.removed == self.removed
        assert row.missing_count == self.missing, "the streak is stored as it was decided"


TransitionsMachine.TestCase.settings = settings(
    max_examples=60, stateful_step_count=25, deadline=None, database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
test_alerts_are_the_transitions_a_reader_should_hear = TransitionsMachine.TestCase
