"""The per-entry record: what the stages of one run learn about one entry.

Each :class:`~bibkit.model.Entry` carries an :class:`EntryRecord` (``entry.record``),
so what enrichment concluded, which tags a run added (and, as the tool grows,
an entry's key history, its user edits, the decisions that must stick, the
published version it was upgraded to) travels *with* the entry through every
stage — merging, re-keying, writing, the report — instead of living in side
tables keyed by ``id(entry)`` that a merge or a copy silently breaks.

The rule for adding to it: a field holds what one stage *learned* in this run
and a later stage or the report *needs*; bibliographic data itself belongs on
the entry (with its :class:`~bibkit.model.Provenance`).  Plain data only, so
this module sits just above :mod:`bibkit.outcomes`, below the model.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any, Mapping

from .outcomes import EntryStatus, UpgradeStatus

__all__ = ["Candidate", "Decision", "EntryRecord", "EntryReport", "FieldEdit", "KeyRecord", "KeySource", "PageReader",
           "ReadBy", "UpgradeReport"]


class PageReader(enum.StrEnum):
    """A reader of pasted text (the name ``--from`` and the report use): the page family it reads."""

    TITLES = "titles"  # a title, maybe authors, maybe an abstract: Hugging Face feeds, plain title lists
    HF_PAGE = "hf-page"  # Hugging Face collections and single paper pages
    ARXIV_PAGE = "arxiv-page"  # arXiv listings, search results, abstract pages, ``arXiv:ID`` blocks
    MARKDOWN = "markdown"  # reading lists: Markdown bullets and tables, and their rendered copies
    REFERENCES = "references"  # reference lists copied from papers (numbered and author–year styles)
    SCHOLAR = "scholar-page"  # Google Scholar's results page
    NOTES = "notes"  # links to paper pages, ``arXiv:`` mentions, DOIs, cited titles


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


class KeySource(enum.StrEnum):
    """Where an entry's citation key came from.

    ``formula``: made now by the key formula (a new paper); ``issued``: issued
    by an earlier run and kept (the prior output, its lock file).  The others
    are *pinned* — the user's, changed only with ``--rekey --force``:
    ``input`` (the key of an input ``.bib`` entry), ``keys-from`` (a
    ``--keys-from`` file), ``zotero`` (the ``citationKey`` of the matching
    Zotero item), ``user`` (a key the user typed into the output by hand, or an
    entry the user added there).
    """

    FORMULA = "formula"
    ISSUED = "issued"
    INPUT = "input"
    KEYS_FROM = "keys-from"
    ZOTERO = "zotero"
    USER = "user"

    @property
    def pinned(self) -> bool:
        """Whether the key is the user's (``--rekey`` refuses it unless ``--force``)."""
        return self not in (KeySource.FORMULA, KeySource.ISSUED)


@dataclass(slots=True)
class KeyRecord:
    """The key's history: where it came from (``source``, ``where`` a file or ``zotero:<item key>``),
    the key it replaced this run (``previous``: ``--rekey`` or a Zotero key adopted), the old names it
    still answers to (``aliases``, written as BibLaTeX's ``ids``), and ``issued``: the key of the
    earlier record (prior output, lock) this entry was matched to, which later steps look up."""

    source: KeySource
    where: str | None = None
    previous: str | None = None
    aliases: list[str] = field(default_factory=list)
    issued: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"source": self.source.value, "where": self.where, "previous": self.previous,
                "aliases": list(self.aliases)}


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


@dataclass(slots=True)
class EntryRecord:
    """What this run's stages learned about one entry (``None``: that stage did not run on it).

    * ``enrichment`` — set by :func:`bibkit.enrich.enrich_document` (and the
      GitHub stage of ``bibkit repos``): resolution, fields set, repositories;
    * ``tags_added`` — set by :func:`bibkit.tagging.tag_entries`: the tags the
      run added (or, in a dry run, would add);
    * ``read_by`` — set by the readers of pasted text (:mod:`bibkit.sources.pages`):
      which reader made the entry, the shape it saw, how sure it was;
    * ``key`` — set when keys are pinned or assigned
      (:mod:`bibkit.normalize.pinning`): where the key came from, its aliases;
    * ``input_identity`` — the paper as the inputs described it (titles, IDs,
      abstract), kept in the lock so the next run recognises the same input
      record whatever enrichment or the user made of it;
    * ``edits`` — the fields the user changed by hand in the prior output
      (kept, and shown with what this run would have set);
    * ``protected`` — the field groups no stage may set (user edits, fields the
      user deleted): enrichment reports what it would have set instead;
    * ``decision`` — the user's decision about the entry's arXiv paper
      (``bibkit pick``, or an ``eprint`` written by hand);
    * ``upgrade`` — set by the published-version stage
      (:class:`bibkit.enrich.upgrade.PublishedVersions`): whether and to which
      publication the entry was moved, from which source (later stages read
      it: the report; the Zotero plan changes a preprint item's type in place).

    Later stages add their own fields here, typed the same way.
    """

    enrichment: EntryReport | None = None
    tags_added: list[str] | None = None
    key: KeyRecord | None = None
    #: what the inputs said the paper is, before enrichment (read-only: a compact mapping, one per entry)
    input_identity: Mapping[str, Any] | None = None
    edits: tuple[FieldEdit, ...] = ()  # (a tuple, added to by replacing it: no list of its own for every entry)
    protected: frozenset[str] = frozenset()
    decision: Decision | None = None
    read_by: ReadBy | None = None
    upgrade: UpgradeReport | None = None
