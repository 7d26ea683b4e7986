"""The `[treaty]` table, declared: which treaty's status document is read, how often, and what its
entry-into-force clause counts."""

from __future__ import annotations

from dataclasses import dataclass

from monitor.config.spec import http_url, setting

DEFAULT_TREATY_URL = "https://treaties.un.org/doc/Publication/MTDSG/Volume%20II/Chapter%20XVIII/XVIII-16.en.xml"
DEFAULT_TREATY_PAGE = "https://treaties.un.org/Pages/ViewDetails.aspx?src=TREATY&mtdsg_no=XVIII-16&chapter=18&clang=_en"


@dataclass(frozen=True)
class TreatyKeys:
    """The `[treaty]` table: the treaty whose depositary record is read (by default the UN Convention against
    Cybercrime, MTDSG XVIII-16)."""

    enabled: bool = setting(True, "read the treaty's status document and alert on every signature, ratification, "
                                  "acceptance, approval, accession, withdrawal and correction (`false` turns it off)")
    url: str = setting(DEFAULT_TREATY_URL, "the status document: the UN Treaty Collection's MTDSG XML of the treaty "
                                           "(or its ViewDetails HTML page, read as a fall-back shape)",
                       must="an http(s) URL", check=http_url)
    page: str = setting(DEFAULT_TREATY_PAGE, "the page a reader's alert links to", must="an http(s) URL",
                        check=http_url)
    name: str = setting("the UN Convention against Cybercrime", "how alerts name the treaty")
    needed: int = setting(40, "instruments of ratification, acceptance, approval or accession its entry into force "
                              "needs", ge=1, le=1000)
    delay_days: int = setting(90, "it enters into force this many days after the deposit of the last needed one",
                              ge=0, le=3650)
    regional: tuple[str, ...] = setting(
        ("European Union",), "participants (as the depositary spells them) whose instrument does not count on top "
        "of their member States' (art. 65(1))", split="commas")
    interval: float = setting(21600.0, "seconds between two readings of the document (it changes at most daily; "
                                       "0 = every cycle, for a local replay only)", ge=0, le=7 * 86400)
