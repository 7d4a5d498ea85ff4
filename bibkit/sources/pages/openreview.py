"""OpenReview's pages, as copied from the browser: a venue's tabs, search results, a profile's
publications, and a paper's own (forum) page.

Every note is the same few lines, in this order::

    Let's Verify Step by Step                           (the title; "Download PDF"/"PDF" may follow it)
    Hunter Lightman, Vineet Kosaraju, …, Karl Cobbe     (the authors; "Anonymous" while under review)
    Published: 16 Jan 2024, Last Modified: 15 Mar 2024  (the dates: Submitted/Published/Last Modified, any order)
    ICLR 2024 poster                                    (the venue, with the decision)
    Readers:  Everyone
    Show details                                        (or "Hide details", "0 Replies")

A detail view, and the paper's own page, add labelled fields under the dates: ``Keywords:``,
``TL;DR:`` (a one-line summary: kept as ``openreview_tldr``, never the abstract), ``Abstract:``
(the paper's: the entry's abstract), ``Primary Area:``, ``Submission Number: 1234``…  The dates
line is what identifies a note: its authors are the line above it, its title the line above
those; the lines after it, up to the next note's title, are the note's fields and furniture.
The browser may put the dates, venue and readers on one line: they are read the same way.

The venue line says what the paper is: ``ICLR 2024 poster``, ``NeurIPS 2023 oral``, ``NeurIPS
2023 Datasets and Benchmarks`` are papers of those proceedings (the decision kept as
``openreview_decision``); ``TMLR`` (``Accepted by TMLR``) is a journal; ``Submitted to ICLR
2025`` and ``ICLR 2023 Conference Withdrawn Submission`` (rejected, desk-rejected, blind) are no
publication of that venue: an ``@unpublished`` entry whose note says so.  The year is the
venue's, else the date's (published, then submitted); month and day come from that date when
its year is the entry's.  A tab heading, the pager and the site's menus are skipped lines.
"""

from __future__ import annotations

import re

from ...normalize.openreview import ACCEPTED_BY as _ACCEPTED_BY
from ...normalize.openreview import DECISION as _DECISION
from ...normalize.openreview import JOURNALS as _JOURNALS
from ...normalize.openreview import read_venue
from ...record import PageReader
from ..chatter import chatter_reason
from ..paperids import find_ids
from ..pastetext import YEAR, Line, looks_like_names, parse_date, split_authors
from .base import Draft, Sink

__all__ = ["NAME", "read_block", "line_evidence"]

NAME = PageReader.OPENREVIEW

_MON = (r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?|"
        r"Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?")
_DATE = rf"(?:\d{{1,2}}\s+{_MON},?\s+(?:19|20)\d\d|{_MON}\s+\d{{1,2}},?\s+(?:19|20)\d\d|(?:19|20)\d\d-\d\d-\d\d)"
_STAMP = r"(?:Published|Submitted|Last\s+Modified|Modified|Posted|Accepted|Revised|Received|Created|Withdrawn)"
#: one dated stamp: "Published: 16 Jan 2024" (a time may follow: "02 Nov 2023, 10:22")
_ONE_STAMP = re.compile(rf"\b(?P<label>{_STAMP})\s*:\s*(?P<date>{_DATE})(?:,?\s+\d\d?:\d\d(?:\s*[AP]M)?)?",
                        re.IGNORECASE)
#: the dates line: it opens with a dated stamp
_DATES = re.compile(rf"^{_STAMP}\s*:\s*{_DATE}", re.IGNORECASE)
_READERS = re.compile(r"\bReaders\s*:\s*(?:Everyone|Everybody|Public|[\w ,/-]{1,80})", re.IGNORECASE)
_DETAILS = re.compile(r"^(?:Show|Hide) details$|^\d[\d,]*\s+Repl(?:y|ies)$|^(?:Revisions|BibTeX|Bibtex|"
                      r"CC BY(?:-[A-Z]{2})*(?: \d\.\d)?|Everyone|Add:?.*|Readers:?)$", re.IGNORECASE)
_PDF = re.compile(r"^(?:Download\s+)?PDF$|^\[?pdf\]?$", re.IGNORECASE)
_PDF_SUFFIX = re.compile(r"\s+(?:Download\s+PDF|\[PDF\]|\(PDF\)|PDF)$")
#: words after which a title's last word "PDF" is its own ("Chat with PDF")
_PDF_OWN = frozenset({"with", "the", "a", "an", "from", "to", "in", "of", "for", "on", "your", "any", "and", "scanned"})
#: a labelled field of a note ("TL;DR: …", "Keywords: …", "Submission Number: 1234")
_FIELD = re.compile(r"^(?P<label>TL;?\s?DR|Keywords|Abstract|Primary Area|Secondary Area|Area|Submission Number|"
                    r"Paper ?hash|Paperhash|Pdf|Supplementary Material|Code Of Ethics|Submission Guidelines|"
                    r"Anonymous Url|No Acknowledgement Section|Reciprocal Reviewing|Venue|Venueid|Bibtex|License|"
                    r"Code|Data|Software|Authorids|Authors|Title|Previous Submission Url|Resubmission|Student Author|"
                    r"Large Language Models|Flagged For Ethics Review|Submission Track|Track|Community Implementations|"
                    r"Latest Venue|Other Keywords|One-?sentence Summary|Summary|Supplementary Materials|Decision|"
                    r"Comment|Recommendation|Confidence|Rating|Presentation|Soundness|Contribution|"
                    r"Strengths|Weaknesses|Questions|Limitations|Ethics Review Flag|Code Of Conduct)\s*:\s*"
                    r"(?P<value>.*)$", re.IGNORECASE)
#: a venue's first word: an acronym of two capitals or more ("ICLR", "NeurIPS", "CoRL", "AutoML-Conf")
_ACRONYM = re.compile(r"^(?:Submitted to\s+|Accepted (?:by|at|in)\s+)?(?:[A-Z][\w&+.-]*[A-Z][\w&+.-]*|[A-Z]{2,})"
                      r"(?:\s|$)")
_PAGE = re.compile(
    r"^(?:OpenReview(?:\.net)?|Go to (?:\w+ )+homepage|Login|Sign ?up|Log ?in|Venues|Search|Notifications|Activity|"
    r"Tasks|Profile|Home|About|FAQ|Contact|Feedback|Sponsors|Donate|Terms of Use|Privacy Policy|Frequently Asked "
    r"Questions|Accept \((?:oral|poster|spotlight|notable[\w -]*)\)|Accept|Reject|Withdrawn Submissions?|"
    r"Desk Rejected Submissions?|Active Submissions|Submissions|Recent Activity|Publications|Sort: .*|"
    r"\d+ / \d+ repl(?:y|ies) shown|Everyone|Program Chairs|Authors|Reviewers|Area Chairs|"
    r"(?:Conference|Workshop)(?: \w+)? Submissions|Filter by .*|Search .*|Sort by.*|«|‹|›|»|\d+(?:\s+\d+)*|"
    r"Showing \d.*|\d+ (?:results|notes|papers|publications)\b.*|Official (?:Review|Comment|Decision|Meta Review)"
    r".*|Paper Decision|Meta Review.*|Add (?:a )?(?:Comment|Public Comment|Review)|Expand|Collapse)$",
    re.IGNORECASE,
)


def may_apply(text: str, low: str) -> bool:
    """Whether a text (and its lower-cased copy) holds a note's dated stamp somewhere (the segmenter's cheap
    gate: every note has its dates line; one scan for "ed:" rules out most texts)."""
    return "ed:" in low and ("modified:" in low or "published:" in low or "submitted:" in low)


def line_evidence(line: Line) -> float:
    """What only an OpenReview page shows: a note's dates line, its readers, its details toggle."""
    t = line.text
    if not t or len(t) > 400:
        return 0.0
    if ":" in t:
        if _DATES.match(t):
            return 6.0
        if _READERS.match(t):
            return 3.0
        m = _FIELD.match(t)
        if m is not None:
            label = m.group("label").lower()
            return 3.0 if label.startswith(("tl", "submission number", "primary area", "venueid", "paperhash")) \
                else 0.5
    if t[0].isupper() and ("details" in t or "Repl" in t) and _DETAILS.match(t):
        return 2.5
    if len(t) <= 120 and _DECISION.search(t) and YEAR.search(t) and _ACRONYM.match(t):
        return 2.5
    if t.startswith("Submitted to ") and YEAR.search(t) and len(t) <= 120:
        return 2.5
    return 0.0


def read_block(lines: list[Line], sink: Sink) -> None:
    rows = [ln for ln in lines if ln.text]
    anchors = [i for i, ln in enumerate(rows) if ":" in ln.text and _DATES.match(ln.text)]
    used: dict[int, str] = {}  # row -> why it is no title (furniture the reader recognised), or "" when read
    heads: list[tuple[int | None, int | None, int | None]] = []  # (title, authors, venue) rows of each anchor
    floor = 0
    for a in anchors:
        heads.append(_head(rows, a, floor, used))
        floor = a + 1
    for n, a in enumerate(anchors):
        title_row, authors_row, venue_row = heads[n]
        end = len(rows)
        if n + 1 < len(anchors):
            end = min(r for r in (*heads[n + 1], anchors[n + 1]) if r is not None)
        draft = _note(rows, (title_row, authors_row, venue_row), a, end, used)
        if draft is not None:
            sink.add(draft)
    sink.skip_unread(rows, used, _why)


def _is_tail(t: str, venue: bool = True) -> bool:
    """A line only a note's tail holds (so it is never the next note's title or authors, nor a line of its
    abstract); ``venue``: a venue line counts too (not inside an abstract, where "GPT-4 … in 2023" may wrap)."""
    return bool(_PDF.match(t) or _DETAILS.match(t) or _READERS.match(t) or _FIELD.match(t) or _PAGE.match(t)
                or (venue and _venue_line(t)))


def _head(rows: list[Line], a: int, floor: int, used: dict[int, str]) -> tuple[int | None, int | None, int | None]:
    """The title, authors and venue rows above the dates row ``a`` (not above ``floor``); the venue is there
    only when a page puts it above the dates (else it is below them: ``None``)."""
    picked: list[int] = []
    venue: int | None = None
    k = a - 1
    while k >= floor and len(picked) < 2:
        t = rows[k].text
        if _PDF.match(t):
            used[k] = "OpenReview's link to the paper's PDF"
            k -= 1
            continue
        if not picked and venue is None and _venue_line(t) and not _authors_like(t):
            venue = k
            k -= 1
            continue
        if _AUTHORS_LABEL.match(t) is None and _is_tail(t):
            break
        picked.append(k)
        if len(picked) == 1 and not _authors_like(_unlabel(t)):
            break  # no authors shown: this is the title
        k -= 1
    if not picked:
        return None, None, venue
    if len(picked) == 1:
        one = picked[0]
        return (None, one, venue) if _authors_like(_unlabel(rows[one].text)) else (one, None, venue)
    return picked[1], picked[0], venue


_AUTHORS_LABEL = re.compile(r"^Authors?\s*:\s*", re.IGNORECASE)


def _unlabel(t: str) -> str:
    return _AUTHORS_LABEL.sub("", t)


def _authors_like(t: str) -> bool:
    """An authors line: names with commas (or ``;``, ``and``), one name alone, or ``Anonymous``."""
    if t.lower().startswith("anonymous"):
        return True
    if len(t) > 3000 or not looks_like_names(t):
        return False
    return "," in t or ";" in t or " and " in t or len(t.split()) <= 3


def _venue_line(t: str) -> bool:
    if len(t) > 140 or ":" in t:
        return False
    if t.startswith(("Submitted to ", "Under review")) or t in _JOURNALS or t in _JOURNALS.values():
        return True
    bare = _ACCEPTED_BY.sub("", t)
    if bare in _JOURNALS or bare in _JOURNALS.values():
        return True
    return bool(_ACRONYM.match(t) and (YEAR.search(t) or t.split()[0] in _JOURNALS) and len(t.split()) <= 14)


def _note(rows: list[Line], head: tuple[int | None, int | None, int | None], a: int, end: int,
          used: dict[int, str]) -> Draft | None:
    title_row, authors_row, venue_row = head
    if title_row is None and authors_row is None:
        used[a] = "OpenReview dates with no title above them"
        return None
    first = rows[title_row if title_row is not None else a]
    d = Draft(NAME, "note", first.no, confidence=0.9 if title_row is not None else 0.5)
    if title_row is not None:
        d.title = _title(rows[title_row].text)
        used[title_row] = ""
    if authors_row is not None:
        written = _unlabel(rows[authors_row].text)
        used[authors_row] = ""
        if not written.lower().startswith("anonymous"):
            names = split_authors(written)
            d.authors, d.truncated = names.names, names.truncated
    stamps: _Stamps = {}
    venue, texts = _tail(rows, a, end, used, stamps)
    if venue_row is not None:
        venue, used[venue_row] = venue or rows[venue_row].text, ""
    _fields(d, texts)
    if venue is None and texts.get("venue"):
        venue = texts["venue"][0].strip() or None
    _venue(d, venue, stamps)
    return d


#: a note's dated stamps by label ("published", "submitted", "modified"…): the date and the stamp as written
_Stamps = dict[str, tuple[tuple[int | None, int | None, int | None], str]]


def _stamp_line(t: str, stamps: _Stamps) -> str | None:
    """The stamps of a dates line into ``stamps``; what else the line holds (a venue the browser put on it)."""
    for m in _ONE_STAMP.finditer(t):
        stamps.setdefault(" ".join(m.group("label").lower().split()).replace("last modified", "modified"),
                          (parse_date(m.group("date")) or (None, None, None), m.group(0)))
    rest = _READERS.split(_ONE_STAMP.sub(" ", t))[0]
    rest = " ".join(_TOGGLES.sub(" ", rest).strip(" ,;|·•").split())
    return rest if rest and _venue_line(rest) else None


#: what the browser may put after the venue on a one-line meta row (the readers, the note's links and licence)
_TOGGLES = re.compile(r"\b(?:Show|Hide) details\b|\b\d+\s+Repl(?:y|ies)\b|\s(?:Everyone|Revisions|BibTeX|"
                      r"CC BY(?:-[A-Z]{2})*(?: \d\.\d)?)(?=\s|$)", re.IGNORECASE)


def _tail(rows: list[Line], a: int, end: int, used: dict[int, str],
          stamps: _Stamps) -> tuple[str | None, dict[str, list[str]]]:
    """The venue and the labelled fields (with their continuation lines) from the dates row ``a`` on, up to
    the first line no note holds (or ``end``, the next note's head)."""
    venue: str | None = None
    label: str | None = None  # the labelled field a continuation line belongs to
    texts: dict[str, list[str]] = {}
    last = a
    for k in range(a, end):
        t = rows[k].text
        if k == a or (":" in t and _DATES.match(t)):
            found = _stamp_line(t, stamps)
            venue = venue or found
            used[k], label, last = "", None, k
            continue
        if rows[k].no - rows[last].no > 1 and label == "abstract" and not t[0].islower():
            label = None  # a blank line ends a paragraph the next field does not continue
        m = _FIELD.match(t)
        if m is not None and not (label == "abstract" and m.group("label").lower() in _IN_ABSTRACT):
            label = m.group("label").lower().replace(" ", "")
            texts.setdefault(label, []).append(m.group("value"))
            used[k] = "" if label in _KEPT else f"OpenReview's {m.group('label')} field"
        elif label in ("abstract", "tl;dr", "tldr") and not _is_tail(t, venue=False):
            texts[label].append(t)
            used[k] = ""
        elif venue is None and _venue_line(t):
            venue, label, used[k] = t, None, ""
        elif _READERS.match(t) or _DETAILS.match(t):
            used[k], label = "OpenReview's readers, details and replies under a note", None
        elif _PDF.match(t):
            used[k] = "OpenReview's link to the paper's PDF"
        elif label is not None and label not in _KEPT:
            used[k] = f"OpenReview's {label} field"
        elif _LINK_LINE.match(t) and find_ids(t):  # the note's own link ("https://openreview.net/forum?id=…")
            texts.setdefault("link", []).append(t)
            used[k] = ""
        else:
            break
        last = k
    return venue, texts


_LINK_LINE = re.compile(r"^(?:(?:URL|Link|Forum|DOI|arXiv)\s*:\s*)?\S+$", re.IGNORECASE)


#: labels that start a sentence of an abstract as often as a field ("Summary: we…")
_IN_ABSTRACT = frozenset({"summary", "comment", "code", "data"})


def _fields(d: Draft, texts: dict[str, list[str]]) -> None:
    """The abstract (the paper's own), the TL;DR, keywords and submission number (beside the entry), the code."""
    abstract = " ".join(" ".join(texts.get("abstract", [])).split())
    if abstract:
        d.abstract = abstract
    for label, key in (("tl;dr", "openreview_tldr"), ("tldr", "openreview_tldr"), ("keywords", "openreview_keywords"),
                       ("submissionnumber", "openreview_submission")):
        value = " ".join(" ".join(texts.get(label, [])).split())
        if value:
            d.meta[key] = value
    for value in texts.get("link", []):
        for _s, _e, ident in find_ids(value):
            d.add_id(ident)
    for value in texts.get("code", []):
        d.code.extend(w for w in value.split() if "github.com" in w)


_KEPT = frozenset({"abstract", "tl;dr", "tldr", "keywords", "submissionnumber", "venue", "code", "authors", "title"})


def _title(t: str) -> str | None:
    """The title without the PDF link's text beside it."""
    m = _PDF_SUFFIX.search(t)
    if m is not None:
        before = t[: m.start()].split()
        if m.group(0).strip() != "PDF" or (len(before) >= 2 and before[-1].lower() not in _PDF_OWN):
            t = t[: m.start()]
    return t.strip() or None


def _venue(d: Draft, venue: str | None,
           stamps: dict[str, tuple[tuple[int | None, int | None, int | None], str]]) -> None:
    """The venue, the entry's type, and its date (see the module docstring)."""
    venue_year: int | None = None
    published = True
    if venue:
        d.meta["openreview_venue"] = venue
        said = read_venue(venue)  # the one reading of a venue line (bibkit.normalize.openreview)
        published = said.entry_type != "unpublished"
        if not published:
            d.entry_type, d.note = "unpublished", venue
        else:
            if said.decision:
                d.meta["openreview_decision"] = said.decision
            if said.name:
                d.venue, d.venue_as = said.name, said.venue_as
        venue_year = said.year
    order = ("published", "accepted", "posted", "submitted", "created") if published else \
        ("submitted", "posted", "created", "published", "withdrawn")
    label = next((k for k in order if k in stamps and stamps[k][0][0]), None)
    date = stamps[label][0] if label is not None else None
    if published and venue_year is not None:
        d.year = venue_year
    elif date is not None:
        d.year = date[0]
    elif venue_year is not None:
        d.year = venue_year
    if date is not None and date[0] == d.year:
        d.month, d.day = date[1], date[2]
    if label is not None:
        d.date_text = stamps[label][1]
    if d.year is None:
        d.confidence = min(d.confidence, 0.7)


#: a line of the discussion under a paper: a review's or a comment's labelled field, a signature with its date
_DISCUSSION = re.compile(rf"^[A-Z][\w ;/&'’-]{{1,40}}:\s|^(?:Official |Public |Meta[- ])?(?:Review|Comment|"
                         rf"Decision|"
                         rf"Rebuttal|Response)\b.*\b(?:by|of)\b.*(?:{_DATE}|Reviewer|Authors|Chairs)")


def _why(t: str) -> str:
    if _PDF.match(t):
        return "OpenReview's link to the paper's PDF"
    if _DATES.match(t):
        return "OpenReview dates with no title above them"
    if _PAGE.match(t):
        return "OpenReview page furniture (menus, tabs, pager)"
    if _DETAILS.match(t) or _READERS.match(t):
        return "OpenReview's readers, details and replies under a note"
    if _DISCUSSION.match(t):
        return "OpenReview's discussion under a paper (a review, comment or decision)"
    return chatter_reason(t) or "text on an OpenReview page outside any note"
