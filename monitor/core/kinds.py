"""The vocabulary of outcomes: every kind of alert and every origin of a tracked article, named once.

Values are the strings stored in the database and used in config (`alert_kinds`), so
they never change; every list of kinds elsewhere derives from these enums.
"""

from __future__ import annotations

from enum import StrEnum


class Audience(StrEnum):
    """Who an alert is for: readers of the articles, or the operator who runs the monitor."""

    READER = "reader"
    OPERATOR = "operator"


class Kind(StrEnum):
    """What happened. Declaration order is the headline order: the first kind a change carries leads."""

    NEW_POST = "new_post"
    NOTE_ADDED = "note_added"
    NOTE_CHANGED = "note_changed"
    TITLE_CHANGED = "title_changed"
    BODY_EDITED = "body_edited"
    REMOVED = "removed"
    RESTORED = "restored"
    FEED_FAILING = "feed_failing"
    FEED_QUIET = "feed_quiet"
    FEED_RECOVERED = "feed_recovered"
    FEED_FLOODED = "feed_flooded"  # more new posts in one poll than max_new_posts: the rest summarised
    LAYOUT_CHANGED = "layout_changed"  # a site's pages are read in a new layout (a redesign)
    SITE_WALL = "site_wall"  # a site shows one short page in place of many of its articles (consent, login, limit)
    # The treaty's own status (monitor.decide.treaty): what states did, as the depositary records it.
    TREATY_SIGNED = "treaty_signed"
    TREATY_CONSENT = "treaty_consent"  # ratification, acceptance, approval or accession, with the count toward EIF
    TREATY_WITHDRAWN = "treaty_withdrawn"
    TREATY_CORRECTED = "treaty_corrected"
    TREATY_IN_FORCE = "treaty_in_force"  # the needed count reached (the implied date), or the depositary's own date
    TREATY_UNAVAILABLE = "treaty_unavailable"  # the status document cannot be trusted: nothing compared
    TREATY_ANOMALY = "treaty_anomaly"  # a participant vanished, counts disagree, an unknown action mark

    @property
    def label(self) -> str:
        """The words a person reads at the head of an alert."""
        return _KIND_LABELS[self]

    @property
    def audience(self) -> Audience:
        return Audience.OPERATOR if self in _OPERATOR_KINDS else Audience.READER


_OPERATOR_KINDS = frozenset({"feed_failing", "feed_quiet", "feed_recovered", "feed_flooded", "layout_changed",
                             "site_wall", "treaty_unavailable", "treaty_anomaly"})
_KIND_LABELS = {
    Kind.NEW_POST: "New post",
    Kind.NOTE_ADDED: "Update note",
    Kind.NOTE_CHANGED: "Update note changed",
    Kind.TITLE_CHANGED: "Title changed",
    Kind.BODY_EDITED: "Edited",
    Kind.REMOVED: "Removed",
    Kind.RESTORED: "Back online",
    Kind.FEED_FAILING: "Feed failing",
    Kind.FEED_QUIET: "Feed quiet",
    Kind.FEED_RECOVERED: "Feed recovered",
    Kind.FEED_FLOODED: "Feed flooded",
    Kind.LAYOUT_CHANGED: "Layout changed",
    Kind.SITE_WALL: "Site wall",
    Kind.TREATY_SIGNED: "Signature",
    Kind.TREATY_CONSENT: "Ratification",
    Kind.TREATY_WITHDRAWN: "Withdrawal",
    Kind.TREATY_CORRECTED: "Status corrected",
    Kind.TREATY_IN_FORCE: "Entry into force",
    Kind.TREATY_UNAVAILABLE: "Treaty status unavailable",
    Kind.TREATY_ANOMALY: "Treaty status anomaly",
}

ALERT_KINDS: tuple[Kind, ...] = tuple(Kind)
# What comparing two readings can find, most important first (a change's headline is the first it carries).
CHANGE_KINDS: tuple[Kind, ...] = (Kind.NOTE_ADDED, Kind.NOTE_CHANGED, Kind.TITLE_CHANGED, Kind.BODY_EDITED)
KIND_LABELS: dict[str, str] = {k.value: k.label for k in Kind}


def is_operator_kind(kind: str) -> bool:
    """Whether a stored kind string is for the operator (a feed or a site), not for readers of an article."""
    return kind in _OPERATOR_KINDS


def kind_label(kind: str) -> str:
    """The label of a stored kind string; an unknown one (a newer database) is shown as it is."""
    return KIND_LABELS.get(kind, kind)


class Origin(StrEnum):
    """How an article came to be tracked."""

    SEED = "seed"
    FEED = "feed"
    LISTING = "listing"
    CONFIG = "config"

    @property
    def label(self) -> str:
        return _ORIGIN_LABELS[self]

    @property
    def kept_forever(self) -> bool:
        """Seeded and configured articles were chosen by a person: they are never retired."""
        return self in (Origin.SEED, Origin.CONFIG)


_ORIGIN_LABELS = {
    Origin.SEED: "seeded",
    Origin.FEED: "discovered in the feed",
    Origin.LISTING: "discovered on a listing page",
    Origin.CONFIG: "configured",
}
ORIGIN_LABELS: dict[str, str] = {o.value: o.label for o in Origin}
