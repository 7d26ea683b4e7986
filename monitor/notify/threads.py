"""One mail thread per article: every alert about an article refers to the same thread root.

Mail clients group messages by `References`/`In-Reply-To` (RFC 5322 §3.6.4; Thunderbird,
Apple Mail, mutt, Outlook's conversations). Apprise writes its own random `Message-ID` and
offers no way to choose it, but it adds any header a `mailto://` URL names as `+Name=value`.
So each alert about an article carries `In-Reply-To` and `References` naming one stable root
id made from the article's URL: its alerts share a parent and form one thread, in the order
they were sent, and two articles never share one. (Gmail also wants the subjects to match,
and ours say the news, so Gmail may show them apart.)
"""

from __future__ import annotations

import hashlib
from urllib.parse import quote

DOMAIN = "deeplinks-monitor.invalid"  # RFC 2606: a name no real host has, so the id is never anyone else's


def thread_root(key: str) -> str:
    """The Message-ID-shaped root of the thread about `key` (an article's URL): `<hash.article@…>`."""
    return f"<{hashlib.sha256(key.encode('utf-8')).hexdigest()[:32]}.article@{DOMAIN}>"


def threaded_url(url: str, key: str) -> str:
    """`url` (an Apprise mailto:// or mailtos:// URL) with the thread headers of `key` added as `+Header=`."""
    root = quote(thread_root(key), safe="")
    base, hash_, fragment = url.partition("#")
    joiner = "&" if "?" in base else "?"
    return f"{base}{joiner}+In-Reply-To={root}&+References={root}{hash_}{fragment}"
