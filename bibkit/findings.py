"""What some runs find out about an entry, beyond its key: the parts of its record only some stages fill.

How a reader of pasted text read it (:class:`ReadBy`), what enrichment did
(:class:`EntryReport`, with its :class:`Candidate` matches), what the
published-version stage did (:class:`UpgradeReport`), what GitHub says about a
linked repository (:class:`RepoInfo`), and the user's hand edits and decisions
that stick (:class:`FieldEdit`, :class:`Decision`).

Why a module of their own: a class costs its module's import time (a dataclass
compiles its generated methods, about half a millisecond each), and ``bibkit
convert`` or ``tidy`` of a ``.bib`` file never makes one of these.  They are
public as :mod:`bibkit.record` (and :mod:`bibkit.model`) names, loaded on first
use, so nothing that imports them from there changes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .outcomes import EntryStatus, PageReader, UpgradeStatus

__all__ = ["Candidate", "Decision", "EntryReport", "FieldEdit", "ReadBy", "RepoInfo", "UpgradeReport"]


@dataclass(frozen=True, slots=True)
class ReadBy:
    """How the reading stage read an entry out of pasted text: the :class:`PageReader` that made it,
    the shape it recognised (``collection``, ``ieee``, ``apa``…), and its confidence (0..1) that the
    block is a paper of that shape.  The report shows it per entry."""

    reader: PageReader
    confidence: float = 1.0
    shape: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.reader.value, "shape": self.shape, "confidence": self.confidence}


@dataclass
class Candidate:
    """A possible match for an entry, with the scores that judged it."""

    arxiv_id: str | None
    title: str
    score: float  # combined confidence 0..1
    scores: dict[str, float] = field(default_factory=dict)  # e.g. {"title": .97, "abstract": .91, "authors": 1.0}
    source: str = ""  # "hf-search", "arxiv-title", "arxiv-abstract"

    def as_dict(self) -> dict[str, Any]:
        return {"arxiv_id": self.arxiv_id, "title": self.title, "score": round(self.score, 4),
                "scores": {k: round(v, 4) for k, v in self.scores.items()}, "source": self.source}


@dataclass
class EntryReport:
    """What enrichment did to one entry: its resolution, the fields it set, its repositories.

    ``outcome`` is the precise :class:`~bibkit.outcomes.EntryStatus`;
    :attr:`status` is what the report shows (an entry nothing could be asked
    about is ``not-looked-up`` here and ``unresolved`` there).  One element of
    the ``--report`` JSON's ``entries``.
    """

    key: str | None
    title: str | None
    listing_title: str | None = None
    source: str | None = None  # file:line
    arxiv_id: str | None = None
    outcome: EntryStatus = EntryStatus.UNRESOLVED
    confidence: float | None = None
    resolved_by: str | None = None  # "identifier", "hf-search", "arxiv-title", "arxiv-abstract", "input"
    reason: str | None = None  # why unresolved/ambiguous
    candidates: list[Candidate] = field(default_factory=list)
    fields_set: dict[str, dict[str, Any]] = field(default_factory=dict)  # field -> {"source", "confidence", "detail"?}
    repos: list[dict[str, Any]] = field(default_factory=list)  # filled by the GitHub enricher
    problems: list[str] = field(default_factory=list)
    #: the services that answered about this paper this run ("arxiv": its record; "hf": its paper page, or that
    #: it has none): an answer with nothing in it is news too, so what an earlier answer gave is not kept then
    heard_from: set[str] = field(default_factory=set)

    @property
    def status(self) -> EntryStatus:
        """The reported status: resolved | ambiguous | unresolved | skipped."""
        return self.outcome.reported

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key, "title": self.title, "listing_title": self.listing_title, "source": self.source,
            "arxiv_id": self.arxiv_id, "status": self.status.value,
            "confidence": None if self.confidence is None else round(self.confidence, 4),
            "resolved_by": self.resolved_by, "reason": self.reason,
            "candidates": [c.as_dict() for c in self.candidates],
            "fields_set": self.fields_set, "repos": self.repos, "problems": self.problems,
        }


@dataclass
class UpgradeReport:
    """What the published-version stage did about one entry: the publication it chose, where from, how sure.

    ``status`` says whether the entry was moved to its published version
    (:attr:`~bibkit.outcomes.UpgradeStatus.UPGRADED`) or why not.  For a
    chosen publication: its entry type (``kind``), ``venue``, ``year``,
    ``doi``, the service whose record was written (``source``), every way it
    was found (``found_by``: ``s2``, ``crossref-relation``, ``dblp-search``…),
    the verification's ``confidence`` and ``reason``.  ``renamed`` marks a
    paper published under another title (``published_title``; the preprint's
    is kept in ``preprint_title``), ``preprint_doi`` the DOI the entry had as a
    preprint, ``kept`` why a found publication was not applied.
    ``candidates`` are the best-judged candidates, for the report.
    """

    status: UpgradeStatus
    reason: str | None = None
    kind: str | None = None
    venue: str | None = None
    year: int | None = None
    doi: str | None = None
    source: str | None = None
    found_by: list[str] = field(default_factory=list)
    confidence: float | None = None
    candidates: list[dict[str, Any]] = field(default_factory=list)
    renamed: bool = False
    published_title: str | None = None
    preprint_title: str | None = None
    preprint_doi: str | None = None
    workshop: bool = False
    kept: str | None = None
    unasked: list[str] = field(default_factory=list)  # services that could have said but were down this run

    @property
    def chosen(self) -> bool:
        """A verified publication was chosen (applied or only reported)."""
        return self.status in (UpgradeStatus.UPGRADED, UpgradeStatus.FOUND)

    @property
    def unsettled(self) -> bool:
        """This run could not tell whether the paper is published: nothing was looked up, or nothing was found
        while a service that could have found it was down (an earlier run's publication is still the answer)."""
        return self.status is UpgradeStatus.NOT_LOOKED_UP or (self.status is UpgradeStatus.NONE and bool(self.unasked))

    def as_dict(self) -> dict[str, Any]:
        """The report's ``upgrade`` object: the status and reason, the choice when there is one, the candidates."""
        out: dict[str, Any] = {"status": self.status.value, "reason": self.reason}
        if self.unasked:
            out["unasked"] = list(self.unasked)
        if self.chosen:
            out.update(kind=self.kind, venue=self.venue, year=self.year, doi=self.doi, source=self.source,
                       found_by=list(self.found_by),
                       confidence=None if self.confidence is None else round(self.confidence, 4))
            for name in ("renamed", "published_title", "preprint_title", "preprint_doi", "workshop", "kept"):
                value = getattr(self, name)
                if value:
                    out[name] = value
        if self.candidates or self.status not in (UpgradeStatus.SKIPPED, UpgradeStatus.PINNED):
            out["candidates"] = self.candidates
        return out


@dataclass(slots=True)
class FieldEdit:
    """A field the user changed in the output by hand since bibkit wrote it: kept as the user left it.

    ``group`` is the model's field group (``title``, ``date``, ``ids.arxiv``…),
    ``fields`` the ``.bib`` fields it covers; ``kind`` is ``changed``,
    ``added`` or ``deleted``; ``would_set`` is what this run would have
    written instead (``None``: the same as the user's, or nothing).
    """

    group: str
    fields: tuple[str, ...]
    kind: str
    kept: Any = None
    would_set: Any = None

    def as_dict(self) -> dict[str, Any]:
        return {"fields": list(self.fields), "kind": self.kind, "kept": _plain(self.kept),
                "would_set": _plain(self.would_set)}


@dataclass(frozen=True, slots=True)
class Decision:
    """What the user decided about an entry's arXiv paper: ``arxiv`` (the paper, never re-resolved to
    another) or ``not_on_arxiv`` (no lookup at all); ``source`` is ``pick`` (``bibkit pick``) or ``edit``
    (an ``eprint``/``doi`` the user wrote into the output)."""

    arxiv: str | None = None
    not_on_arxiv: bool = False
    source: str = "pick"
    doi: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"arxiv": self.arxiv, "doi": self.doi, "not_on_arxiv": self.not_on_arxiv, "source": self.source}


def _plain(value: Any) -> Any:
    """A report-friendly form of a field group's value (people and dates as text)."""
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    iso = getattr(value, "iso", None)
    if callable(iso):
        return iso()
    return str(value)


# --------------------------------------------------------------------------- links


@dataclass(slots=True)
class RepoInfo:
    """What GitHub says about a repository (filled by the GitHub enricher)."""

    full_name: str  # canonical owner/name as GitHub spells it now
    status: str = "ok"  # ok | renamed | dead | blocked | unchecked
    old_name: str | None = None  # the name the link used, when GitHub reports a rename/transfer
    description: str | None = None
    stars: int | None = None
    license: str | None = None  # SPDX id ("MIT", "NOASSERTION")
    topics: list[str] = field(default_factory=list)
    archived: bool | None = None
    fork: bool | None = None
    default_branch: str | None = None
    pushed_at: str | None = None  # ISO-8601
    homepage: str | None = None
    checked_at: str | None = None
