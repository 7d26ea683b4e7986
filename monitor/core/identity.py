"""One identity per article: every spelling of its link (http/https, www or not, a trailing slash,
tracking parameters, a fragment, letter case of the host, default ports) maps to one key.

`fetch_url` is the spelling we keep and fetch (tracking and fragment removed, nothing a server
could read differently); `identity_key` is what two spellings must share to be one article.
Built on w3lib (Scrapy's URL library) rather than our own regexes over URLs.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# Parameters that say how a reader arrived, never which page they asked for.
TRACKING = re.compile(
    r"^(utm_[a-z0-9_]+|fbclid|gclid|gclsrc|dclid|gbraid|wbraid|msclkid|yclid|twclid|igshid|mc_cid|mc_eid|_ga|_gl"
    r"|mkt_tok|oly_anon_id|oly_enc_id|vero_id|vero_conv|_hsenc|_hsmi|hsctatracking|ref_src|s_cid|spm|at_medium"
    r"|at_campaign|at_custom\d|ncid|cmpid|icid|sr_share|trk|trkcampaign)$",
    re.IGNORECASE,
)
_DEFAULT_PORTS = {"http": 80, "https": 443}


def fetch_url(url: str) -> str:
    """The link as we keep and fetch it: fragment and tracking parameters gone, host lower-case, no default port."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").rstrip(".")
    port = parts.port if parts.port and parts.port != _DEFAULT_PORTS.get(scheme) else None
    netloc = host + (f":{port}" if port else "")
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not TRACKING.match(k)]
    return urlunsplit((scheme, netloc, parts.path or "/", urlencode(query, doseq=True), ""))


def identity_key(url: str) -> str:
    """What every spelling of one article's link shares: host without www, path without trailing slash,
    the remaining query parameters sorted, percent-encoding normalised; the scheme does not count."""
    from w3lib.url import canonicalize_url

    canonical = urlsplit(canonicalize_url(fetch_url(url)))
    host = (canonical.hostname or "").removeprefix("www.")
    port = f":{canonical.port}" if canonical.port and canonical.port not in _DEFAULT_PORTS.values() else ""
    path = canonical.path.rstrip("/") or "/"
    return host + port + path + (f"?{canonical.query}" if canonical.query else "")
