"""Journals whose name says "Proceedings": the one rule every stage that tells proceedings from journals asks.

Why: "Proceedings of the …" and "Proc. …" name a conference's proceedings almost always — but not
PNAS (*Proceedings of the National Academy of Sciences*), *Proceedings of the IEEE*, the Royal
Society's, the AMS's, PVLDB or ACM's PACM journals, which are journals (``@article``).  A paste's
venue, an arXiv journal reference and a page's venue line all read "Proc." the same way, so this
exception lives in one place.
"""

from __future__ import annotations

import re

__all__ = ["is_proceedings_journal"]

_JOURNAL = re.compile(
    r"^(?:the\s+)?(?:proceedings|proc\.)\s+(?:of\s+)?(?:the\s+)?(?:"
    r"ieee\s*(?:$|[\d(,;:])|national\s+academy|natl\.?\s+acad|royal\s+society|roy\.?\s+soc|r\.\s*soc|"
    r"american\s+mathematical\s+society|amer\.?\s+math|am\.?\s+math|london\s+math|edinburgh\s+math|"
    r"japan\s+academy|jpn\.?\s+acad|cambridge\s+philosophical|camb\.?\s+phil|vldb\s+endow|"
    r"acm\s+on\s|acm\s+(?:program|hum|meas|manag|interact|comput\.?\s+graph)|"
    r"institution\s+of\s+(?:mechanical|civil|electrical)|inst\.?\s+mech|physical\s+society|phys\.?\s+soc|"
    r"aristotelian|indian\s+academy|estonian\s+academy|romanian\s+academy|nutrition\s+society|"
    r"zoological\s+society|linnean|geologists|biological\s+sciences)",
    re.IGNORECASE)
_EVENT = re.compile(r"\b(?:conference|workshop|symposium|meeting|congress)\b", re.IGNORECASE)


def is_proceedings_journal(venue: str) -> bool:
    """Whether a venue named "Proceedings …"/"Proc. …" is a journal (PNAS, Proc. IEEE, Proc. R. Soc. A, PVLDB,
    PACM …) rather than a conference's proceedings; a name that also says conference or workshop is none."""
    v = venue.strip()
    return "roc" in v and _JOURNAL.match(v) is not None and _EVENT.search(v) is None
