"""OpenReview's venue line and note links: the one reading of each, for the page reader and the API client.

Why here: a note's ``venue`` says what the paper is, whether it was copied from an OpenReview page
(:mod:`bibkit.sources.pages.openreview`) or answered by the API (:mod:`bibkit.enrich.openreview`), and
both must decide alike.  The venue line is one of:

* ``ICLR 2024 poster``, ``NeurIPS 2023 oral``, ``ICLR 2023 notable top 5%``, ``NeurIPS 2023 Datasets and
  Benchmarks``: a paper of those proceedings (the decision after the venue is kept apart);
* ``TMLR``, ``Accepted by TMLR``, ``Transactions on Machine Learning Research``: a journal article;
* ``Submitted to ICLR 2025``, ``ICLR 2024 Conference Withdrawn Submission``, ``… Desk Rejected
  Submission``, ``Under review at …``: no publication of that venue (``@unpublished``, the line as its note).

The conference acronyms OpenReview hosts get their full names (``International Conference on Learning
Representations (ICLR 2024)``); anything else is kept as written.  A note's own id comes from its links
(``https://openreview.net/forum?id=…``, ``/pdf?id=…``, ``/attachment?id=…``): :func:`note_id`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, urlsplit

if TYPE_CHECKING:
    from ..model import Entry

__all__ = ["ACCEPTED_BY", "CONFERENCES", "DECISION", "JOURNALS", "UNPUBLISHED", "Venue", "entry_note", "note_id",
           "read_venue"]

#: the decision after a venue ("ICLR 2024 poster", "NeurIPS 2023 oral", "ICLR 2023 notable top 5%")
DECISION = re.compile(r"\s+(?P<decision>(?:\(?(?:poster|oral|spotlight|notable[- ]top[- ]\d+%|top[- ]\d+%|"
                      r"invited talk|contributed talk|accept(?:ed)?(?:\s*\((?:poster|oral|spotlight)\))?)\)?))$",
                      re.IGNORECASE)
#: a venue line that is no publication: a submission under review, withdrawn, rejected
UNPUBLISHED = re.compile(r"^(?:Submitted to|Under review (?:at|for))\b|\b(?:Withdrawn|Rejected|Desk[- ]Rejected|"
                         r"Blind|Conference|Workshop)?\s*Submission$|\bWithdrawn\b|\bRejected\b|\bUnder Review\b",
                         re.IGNORECASE)
#: OpenReview's journals, as a venue line names them
JOURNALS = {"TMLR": "Transactions on Machine Learning Research", "JMLR": "Journal of Machine Learning Research",
            "DMLR": "Journal of Data-centric Machine Learning Research", "TACL": "Transactions of the Association "
            "for Computational Linguistics", "MELBA": "Machine Learning for Biomedical Imaging"}
#: the conferences OpenReview hosts, by the acronym a venue line names them with
CONFERENCES = {"ICLR": "International Conference on Learning Representations",
               "NeurIPS": "Advances in Neural Information Processing Systems",
               "ICML": "International Conference on Machine Learning", "CoRL": "Conference on Robot Learning",
               "COLM": "Conference on Language Modeling",
               "UAI": "Conference on Uncertainty in Artificial Intelligence",
               "AISTATS": "International Conference on Artificial Intelligence and Statistics",
               "MIDL": "Medical Imaging with Deep Learning", "CoLLAs": "Conference on Lifelong Learning Agents",
               "LoG": "Learning on Graphs Conference", "AutoML-Conf": "International Conference on Automated Machine "
               "Learning", "CLeaR": "Conference on Causal Learning and Reasoning"}
ACCEPTED_BY = re.compile(r"^(?:Accepted|Published)\s+(?:by|at|in|to)\s+", re.IGNORECASE)
_YEAR = re.compile(r"(?<![\w.:/-])(19[5-9]\d|20[0-4]\d)[a-z]?(?![\w]|[.,]\d)")


@dataclass(frozen=True)
class Venue:
    """What a venue line says: the entry type, the venue's name and where it goes, the decision, the year.

    ``entry_type`` is ``"unpublished"`` for a submission (``note`` is then the line), ``"article"`` for a
    journal, ``"inproceedings"`` for proceedings, ``None`` for an empty line.
    """

    text: str
    entry_type: str | None = None
    name: str | None = None
    venue_as: str | None = None  # "journal" | "booktitle"
    decision: str | None = None
    year: int | None = None

    @property
    def published(self) -> bool:
        """A publication of the venue (not a submission under review, withdrawn or rejected)."""
        return self.entry_type in ("inproceedings", "article")

    @property
    def note(self) -> str | None:
        """The note an ``@unpublished`` entry carries (the line as OpenReview words it)."""
        return self.text if self.entry_type == "unpublished" else None


def read_venue(text: str | None) -> Venue:
    """The :class:`Venue` a venue line stands for (see the module docstring)."""
    line = " ".join((text or "").split())
    if not line:
        return Venue("")
    years = [int(m.group(1)) for m in _YEAR.finditer(line)]
    year = years[0] if years else None
    if UNPUBLISHED.search(line):
        return Venue(line, "unpublished", year=year)
    decision = DECISION.search(line)
    name = line[: decision.start()].strip() if decision else line
    said = decision.group("decision").strip("() ") if decision else None
    name = ACCEPTED_BY.sub("", name).strip()
    head = name.split()[0] if name else ""
    if head in JOURNALS or name in JOURNALS.values():
        return Venue(line, "article", JOURNALS.get(head, name), "journal", said, year)
    if not name:
        return Venue(line, decision=said, year=year)
    words = name.split()
    full = CONFERENCES.get(words[0]) if len(words) == 2 and _YEAR.fullmatch(words[1]) else None
    return Venue(line, "inproceedings", f"{full} ({name})" if full else name, "booktitle", said, year)


#: an OpenReview note id (``YicbFdNTTy``, older ``rJ4km2R5t7``, ``B1-Hhnslg``)
_NOTE_ID = re.compile(r"^[A-Za-z0-9_-]{5,40}$")
_NOTE_PATHS = frozenset({"forum", "pdf", "attachment"})


def note_id(url: str | None) -> str | None:
    """The note id of an OpenReview forum, PDF or attachment link (``None`` for any other URL)."""
    if not url or "openreview.net" not in url.lower():
        return None
    url = url.strip()
    parts = urlsplit(url if "://" in url[:12] else "https://" + url.lstrip("/"))
    host = (parts.hostname or "").lower()
    if host not in ("openreview.net", "www.openreview.net"):
        return None
    segs = [s for s in parts.path.split("/") if s]
    ident = parse_qs(parts.query).get("id", [None])[0]
    if segs[:1] and segs[0] in _NOTE_PATHS and ident and _NOTE_ID.match(ident):
        return ident
    return None


def entry_note(entry: "Entry") -> str | None:
    """The OpenReview note an entry is: the id a reader found in its link (``ids.others["openreview"]``), else
    its ``url``'s (a ``.bib`` entry, or the previous output read back: the writer keeps only the URL)."""
    return entry.ids.others.get("openreview") or note_id(entry.url)
