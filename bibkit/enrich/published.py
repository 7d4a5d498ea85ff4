"""A published version of a preprint, from any source, and the verdict on whether it is that paper.

:class:`Published` is the one shape every source is read into (a Crossref
work, a DBLP record, Semantic Scholar's venue of an arXiv paper), so one set
of rules judges them all (:func:`judge`), reusing the arXiv resolver's
identity rules (:func:`bibkit.enrich.match.verify`: the same title
normalisation, number/version conflicts, extra-word vetoes, author overlap,
abstract similarity).  On top of those, a published version must

* have **authors that overlap** the preprint's (at least :data:`MIN_AUTHORS`
  of them; a candidate without authors cannot be confirmed);
* not be **published before the preprint** (a same-title paper from earlier
  is another paper) — except when the arXiv record itself names the DOI and
  the title and authors agree: papers do get posted after publication;
* be a **paper**: a journal article, a proceedings paper or a chapter, never a
  book, a dataset or another preprint.

How a candidate was found matters.  *Linked* candidates are tied to the
preprint by an identifier, not by a search: the DOI in the arXiv record, a
publisher's ``has-preprint`` relation to the arXiv DOI, Semantic Scholar's or
OpenAlex's record of the arXiv paper.  A linked candidate may carry a
**changed title** (papers are renamed on publication) if its authors agree
and either its title is still recognisably the same (:data:`RENAMED_TITLE`),
its abstract is the same text, or two independent links agree.  A
*searched* candidate (Crossref ``query.bibliographic``, DBLP title search)
must pass on its title: search always ranks something.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Iterable

from ..normalize.pages import page_range
from ..normalize.text import normalize_title
from .crossref import CrossrefWork
from .dblp import DblpHit
from .match import (
    ABSTRACT_CONTRADICTS,
    ABSTRACT_SAME,
    MARGIN,
    TITLE_MATCH,
    Evidence,
    abstract_similarity,
    author_overlap,
    title_similarity,
    verify,
)
from .s2 import S2Paper
from .venues import VenueTable, is_workshop

__all__ = [
    "Published", "Judgement", "judge", "choose", "from_crossref", "from_dblp", "from_s2",
    "LINKS", "SEARCHES", "MIN_AUTHORS", "RENAMED_TITLE", "SERIES",
]

#: links that tie a candidate to the preprint by identifier, and how much each is trusted
LINKS = {"arxiv-doi": 3, "crossref-relation": 3, "s2": 2, "openalex": 2}
#: ways of finding a candidate by searching (no identifier link)
SEARCHES = ("crossref-search", "dblp-search")
#: share of the preprint's authors a published version must list
MIN_AUTHORS = 0.5
#: a linked candidate whose title is at least this similar may be a renamed publication
RENAMED_TITLE = 0.6
#: confidence given to a renamed publication accepted on its links
RENAMED_CONFIDENCE = 0.85
#: container titles that are book series, not the proceedings' own title
SERIES = re.compile(r"^(?:lecture notes in|communications in computer and information science|advances in "
                    r"intelligent systems and computing|smart innovation|ifip advances|proceedings of machine "
                    r"learning research|leibniz international proceedings|ceur workshop proceedings)", re.IGNORECASE)
#: Crossref types and what they become
_CROSSREF_KINDS = {"journal-article": "article", "proceedings-article": "inproceedings", "book-chapter": "incollection"}
_PROCEEDINGS = re.compile(r"\b(?:proceedings|conference|symposium|workshop|congress|meeting|findings of)\b|"
                          r"\b[A-Z]{3,}\s*(?:19|20)\d\d\b", re.IGNORECASE)


@dataclass
class Published:
    """One candidate published version, whatever source described it."""

    source: str  # "crossref" | "dblp" | "s2"
    kind: str  # "inproceedings" | "article" | "incollection"
    title: str | None
    authors: tuple[str, ...]  # natural order
    year: int | None
    container: str | None  # proceedings or journal title, as the source gives it
    month: int | None = None
    volume: str | None = None
    number: str | None = None
    pages: str | None = None
    publisher: str | None = None
    series: str | None = None
    doi: str | None = None
    abstract: str | None = None
    record: str | None = None  # the source's URL for this record (provenance detail)
    workshop: bool = False
    found_by: set[str] = field(default_factory=set)  # links and searches that produced it
    preprint_dois: tuple[str, ...] = ()  # has-preprint relations of the record (lower case)

    @property
    def identity(self) -> str:
        """Candidates with one identity are one publication (several sources may describe it)."""
        if self.doi:
            return "doi:" + self.doi.lower()
        return f"venue:{normalize_title(self.container or '')}:{self.year}:{normalize_title(self.title or '')}"

    @property
    def link_weight(self) -> int:
        return sum(LINKS.get(f, 0) for f in self.found_by)

    @property
    def links(self) -> list[str]:
        return sorted(f for f in self.found_by if f in LINKS)

    def merge(self, other: "Published") -> None:
        """Take what ``other`` (the same publication from another source) knows and this one lacks."""
        self.found_by |= other.found_by
        for name in ("title", "year", "month", "container", "volume", "number", "pages", "publisher", "series",
                     "doi", "abstract"):
            if getattr(self, name) in (None, "") and getattr(other, name) not in (None, ""):
                setattr(self, name, getattr(other, name))
        if not self.authors and other.authors:
            self.authors = other.authors
        self.preprint_dois = tuple(dict.fromkeys(self.preprint_dois + other.preprint_dois))

    def evidence(self) -> Evidence:
        return Evidence.from_names(self.title, self.abstract, self.authors, self.year)

    def summary(self) -> dict[str, Any]:
        return {"kind": self.kind, "venue": self.container, "year": self.year, "doi": self.doi,
                "title": self.title, "source": self.source, "found_by": sorted(self.found_by),
                **({"workshop": True} if self.workshop else {})}


# --------------------------------------------------------------------------- converters


def from_crossref(work: CrossrefWork, found_by: str) -> Published | None:
    """A Crossref work as a candidate; ``None`` for what is not a published paper (books, preprints, data)."""
    kind = _CROSSREF_KINDS.get(work.type or "")
    if kind is None:
        return None
    containers = [c for c in work.containers if c]
    series = next((c for c in containers if SERIES.match(c)), None)
    own = [c for c in containers if c != series]
    container = own[0] if own else (work.event or series)
    if kind == "incollection" and (work.event or _PROCEEDINGS.search(container or "")):
        kind = "inproceedings"  # a proceedings volume published as a book (Springer's LNCS)
    number = work.issue
    volume = work.volume
    return Published(
        source="crossref", kind=kind, title=work.title, authors=tuple(work.authors), year=work.year,
        month=work.date.month if work.date else None, container=container, volume=volume, number=number,
        pages=page_range(work.page), publisher=work.publisher, series=series if series != container else None,
        doi=work.doi, abstract=work.abstract, record=work.record_url,
        workshop=is_workshop(container) or is_workshop(work.event), found_by={found_by},
        preprint_dois=tuple(work.related("has-preprint")),
    )


def from_dblp(hit: DblpHit, found_by: str, venues: VenueTable) -> Published | None:
    """A DBLP record as a candidate; ``None`` for CoRR copies and informal publications."""
    kind = hit.kind
    if kind is None:
        return None
    venue = venues.find(hit.venue)
    if venue is not None and kind in ("inproceedings", "article"):
        kind = venue.entry_type
    return Published(
        source="dblp", kind=kind, title=hit.title, authors=tuple(hit.authors), year=hit.year,
        container=hit.venue, volume=hit.volume, number=hit.number, pages=page_range(hit.pages), doi=hit.doi,
        record=hit.record_url, workshop=is_workshop(hit.venue) or "@" in (hit.venue or ""),  # "R0-FoMo@NeurIPS"
        found_by={found_by},
    )


def from_s2(paper: S2Paper, venues: VenueTable, year: int | None) -> Published | None:
    """Semantic Scholar's venue of an arXiv paper as a candidate (no DOI: those are fetched from Crossref).

    ``year`` is the publication year from elsewhere (S2's own ``year`` is often
    the preprint's, so it is never used for the venue); ``None`` leaves the
    candidate unconfirmable until DBLP or a venue hint supplies it.
    """
    name = paper.venue_name
    if not name:
        return None
    venue = venues.find(*paper.venue_names, paper.venue, paper.journal_name)
    if venue is not None:
        kind = venue.entry_type
    elif paper.venue_type == "journal" or ("JournalArticle" in paper.publication_types
                                           and "Conference" not in paper.publication_types):
        kind = "article"
    else:
        kind = "inproceedings"
    return Published(
        source="s2", kind=kind, title=paper.title, authors=tuple(paper.authors), year=year, container=name,
        volume=paper.journal_volume if kind == "article" else None, pages=page_range(paper.journal_pages),
        record=paper.record_url, workshop=is_workshop(name), found_by={"s2"},
    )




# --------------------------------------------------------------------------- judging


@dataclass
class Judgement:
    """The verdict on one candidate: accepted or not, how sure, why; ``renamed`` for a changed title."""

    accepted: bool
    confidence: float
    reason: str
    scores: dict[str, float] = field(default_factory=dict)
    renamed: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {"accepted": self.accepted, "confidence": round(self.confidence, 4), "reason": self.reason,
                "scores": {k: round(v, 4) for k, v in self.scores.items()},
                **({"renamed": True} if self.renamed else {})}


def judge(preprint: Evidence, candidate: Published, *, also: Evidence | None = None) -> Judgement:
    """Whether ``candidate`` is the published version of ``preprint`` (see the module docstring).

    ``also`` is a second description of the same paper tied to it by identifier
    (Semantic Scholar's record, whose title may be the published one): a
    searched candidate that matches it counts as linked through it.
    """
    ev = candidate.evidence()
    if not candidate.year:
        if candidate.source == "s2":
            return Judgement(False, 0.0, f"Semantic Scholar names {candidate.container!r}, but no other source "
                             "confirms it or says when")
        return Judgement(False, 0.0, "no publication year")
    if not ev.authors:
        return Judgement(False, 0.0, "the record lists no authors to compare")
    shared = author_overlap(preprint.authors, ev.authors)
    scores: dict[str, float] = {}
    if shared is not None:
        scores["authors"] = shared
    t, conflict = title_similarity(preprint.title, candidate.title)
    scores["title"] = t
    a = abstract_similarity(preprint.abstract, candidate.abstract)
    if a is not None:
        scores["abstract"] = a
    if shared is not None and shared < MIN_AUTHORS:
        return Judgement(False, 0.0, f"authors do not overlap enough ({shared:.0%})", scores)
    verdict = verify(preprint, ev)
    linked = candidate.link_weight > 0
    early = preprint.year is not None and candidate.year < preprint.year
    if early and not ("arxiv-doi" in candidate.found_by and verdict.accepted):
        return Judgement(False, 0.0, f"published in {candidate.year}, before the preprint ({preprint.year})", scores)
    if a is not None and a < ABSTRACT_CONTRADICTS:
        return Judgement(False, 0.0, "abstracts describe different work", scores)
    if verdict.accepted:
        confidence = verdict.score if not linked else max(verdict.score, 0.95)
        renamed = t < TITLE_MATCH  # accepted on the abstract: the same paper under a new title
        why = "the same abstract (published under another title)" if renamed else \
            f"title and authors agree ({verdict.path})"
        return Judgement(True, min(confidence, 1.0), why, scores, renamed=renamed)
    if also is not None:
        via = verify(also, ev)
        if via.accepted:
            return Judgement(True, min(via.score, 0.9), "matches Semantic Scholar's record of the preprint "
                             "(published under another title)", scores, renamed=True)
    if not linked:
        return Judgement(False, verdict.score, verdict.reason, scores)
    if conflict and not (a is not None and a >= ABSTRACT_SAME):
        return Judgement(False, 0.0, "titles differ in a number or version", scores)
    independent = len({f for f in candidate.found_by if f in LINKS})
    if t >= RENAMED_TITLE or (a is not None and a >= ABSTRACT_SAME) or independent >= 2:
        why = ("the same abstract" if a is not None and a >= ABSTRACT_SAME
               else f"{independent} identifier links" if independent >= 2 else f"title similarity {t:.2f}")
        return Judgement(True, RENAMED_CONFIDENCE, f"published under another title ({why}; authors agree)",
                         scores, renamed=True)
    return Judgement(False, verdict.score, f"linked by {', '.join(candidate.links)} but the titles differ "
                     f"({t:.2f}) and nothing else confirms it", scores)


@dataclass
class Choice:
    """The outcome of :func:`choose`: the winner (or ``None``) and why; ``tie`` when two could not be told apart."""

    winner: tuple[Published, Judgement] | None
    reason: str
    tie: bool = False


def choose(judged: Iterable[tuple[Published, Judgement]]) -> Choice:
    """The publication to cite among accepted candidates.

    A main venue beats a workshop; then identifier links count (the arXiv
    record's own DOI, a publisher's relation, Semantic Scholar's record), then
    confidence, then the earlier publication (a conference paper before its
    journal extension).  Two different main-venue publications that nothing
    tells apart leave the preprint as it is (a wrong upgrade is worse than none).
    """
    accepted = [(c, j) for c, j in judged if j.accepted]
    if not accepted:
        return Choice(None, "no candidate passed verification")
    accepted.sort(key=lambda cj: (cj[0].workshop, -cj[0].link_weight, -cj[1].confidence, cj[0].year or 9999))
    best = accepted[0]
    for other in accepted[1:]:
        if other[0].identity == best[0].identity:
            continue
        same_standing = other[0].workshop == best[0].workshop and other[0].link_weight == best[0].link_weight
        if same_standing and best[1].confidence - other[1].confidence < MARGIN and other[0].year == best[0].year \
                and other[0].kind == best[0].kind:
            return Choice(None, f"two publications fit equally well ({best[0].container}; {other[0].container})",
                          tie=True)
        break
    return Choice(best, best[1].reason)
