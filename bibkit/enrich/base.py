"""The contract between the enrichment orchestrator and each enricher.

An enricher (arXiv/HF resolution, GitHub repositories, later venues) takes the
entries of a document and an :class:`EnrichContext`, sets model fields through
:meth:`bibkit.model.Entry.set` / ``set_id`` (so provenance is recorded), and
writes what it did into the per-entry :class:`EntryReport`.  It never raises
for one entry's trouble: it records a problem and moves on.  Service-wide
trouble (no network, quota gone) is recorded in ``ctx.notices`` once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Protocol

from ..config import Settings
from ..http import HttpLayer
from ..model import Entry


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
    """What enrichment did to one entry; becomes one element of ``--report`` JSON."""

    key: str | None
    title: str | None
    listing_title: str | None = None
    source: str | None = None  # file:line
    arxiv_id: str | None = None
    status: str = "unresolved"  # resolved | ambiguous | unresolved | skipped (had an ID already: resolved)
    confidence: float | None = None
    resolved_by: str | None = None  # "identifier", "hf-search", "arxiv-title", "arxiv-abstract", "input"
    reason: str | None = None  # why unresolved/ambiguous
    candidates: list[Candidate] = field(default_factory=list)
    fields_set: dict[str, dict[str, Any]] = field(default_factory=dict)  # field -> {"source", "confidence", "detail"?}
    repos: list[dict[str, Any]] = field(default_factory=list)  # filled by the GitHub enricher
    problems: list[str] = field(default_factory=list)
    upgrade: dict[str, Any] | None = None  # filled by the published-version stage (bibkit.enrich.upgrade)

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key, "title": self.title, "listing_title": self.listing_title, "source": self.source,
            "arxiv_id": self.arxiv_id, "status": self.status,
            "confidence": None if self.confidence is None else round(self.confidence, 4),
            "resolved_by": self.resolved_by, "reason": self.reason,
            "candidates": [c.as_dict() for c in self.candidates],
            "fields_set": self.fields_set, "repos": self.repos, "problems": self.problems,
            **({"upgrade": self.upgrade} if self.upgrade is not None else {}),
        }


@dataclass
class EnrichContext:
    """Everything an enricher may use; built once per run by the orchestrator."""

    settings: Settings
    http: HttpLayer
    only: frozenset[str]  # services allowed this run: subset of SERVICES (arxiv, hf, github, s2, crossref, dblp, openalex)
    reports: dict[int, EntryReport]  # id(entry) -> its report
    notices: list[str] = field(default_factory=list)  # one-line, run-wide messages ("GitHub quota exhausted until 14:05 — set GITHUB_TOKEN")
    on_progress: Callable[[str, int], None] = lambda stage, n: None  # stage name, entries done (increment)
    code_note: bool = False

    def report(self, entry: Entry) -> EntryReport:
        rep = self.reports.get(id(entry))
        if rep is None:
            rep = EntryReport(key=entry.key, title=entry.title, source=str(entry.origin) if entry.origin else None)
            self.reports[id(entry)] = rep
        return rep

    def notice(self, message: str) -> None:
        if message not in self.notices:
            self.notices.append(message)


class Enricher(Protocol):
    """One enrichment stage.  ``services`` names what it needs from ``--only``."""

    name: str
    services: frozenset[str]

    def enrich(self, entries: list[Entry], ctx: EnrichContext) -> None: ...
