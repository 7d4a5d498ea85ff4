"""The SYNTHETIC corpus behind the arXiv and Hugging Face doubles (see README.md here).

``papers.json`` holds invented arXiv records (with version histories), the
Hugging Face view of a subset of them, and the 86 entries of
``examples/hf-trending-papers.txt`` with the id each should resolve to (``null``
for papers that are not on arXiv).  It is package data so the doubles work
from an installed package; ``build_corpus.py`` regenerates it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from ...model import Entry, SourceLocation

__all__ = ["Version", "Paper", "ListingItem", "Corpus", "load_corpus", "load_published", "CORPUS_FILE", "PUBLISHED_FILE"]

CORPUS_FILE = Path(__file__).resolve().parent / "papers.json"


@dataclass(frozen=True)
class Version:
    """One arXiv version: its title, abstract and submission date (ISO, UTC)."""

    title: str
    abstract: str
    date: str


@dataclass
class Paper:
    """One synthetic arXiv paper with its version history (v1 first)."""

    id: str
    versions: list[Version]
    authors: list[dict[str, Any]]  # {"name": ..., "affiliation": [...]?}
    categories: list[str]
    comment: str | None = None
    journal_ref: str | None = None
    doi: str | None = None
    role: str = "listing"  # listing | decoy | extra
    listing_index: int | None = None

    @property
    def latest(self) -> Version:
        return self.versions[-1]

    @property
    def title(self) -> str:
        return self.latest.title

    @property
    def abstract(self) -> str:
        return self.latest.abstract

    @property
    def published(self) -> str:
        return self.versions[0].date

    @property
    def updated(self) -> str:
        return self.latest.date


@dataclass(frozen=True)
class ListingItem:
    """One entry of the example listing and what it should resolve to."""

    index: int
    title: str
    abstract: str
    expect: str | None  # the arXiv id, or None when the paper is not on arXiv
    note: str | None = None


@dataclass
class Corpus:
    """Papers for the arXiv double, HF records for the HF double, and the listing's ground truth."""

    papers: list[Paper]
    hf: list[dict[str, Any]]
    listing: list[ListingItem] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._by_id = {p.id: p for p in self.papers}

    def paper(self, arxiv_id: str) -> Paper | None:
        return self._by_id.get(arxiv_id)

    def add(self, paper: Paper) -> None:
        """Add (or replace) a paper, e.g. a test's own decoy."""
        self.papers = [p for p in self.papers if p.id != paper.id] + [paper]
        self._by_id[paper.id] = paper

    def listing_entries(self) -> list[Entry]:
        """The listing as the listing reader would produce it: title + abstract, nothing else."""
        return [
            Entry(entry_type="misc", title=item.title, abstract=item.abstract,
                  origin=SourceLocation("hf-trending-papers.txt", item.index + 1))
            for item in self.listing
        ]


def _paper(data: dict[str, Any]) -> Paper:
    return Paper(
        id=data["id"],
        versions=[Version(v["title"], v["abstract"], v["date"]) for v in data["versions"]],
        authors=list(data.get("authors") or []),
        categories=list(data.get("categories") or []),
        comment=data.get("comment"),
        journal_ref=data.get("journal_ref"),
        doi=data.get("doi"),
        role=data.get("role", "listing"),
        listing_index=data.get("listing_index"),
    )


@lru_cache(maxsize=4)
def _read(path: str) -> dict[str, Any]:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def load_corpus(path: str | Path | None = None) -> Corpus:
    """A fresh :class:`Corpus` (safe to mutate) from ``papers.json`` or another file of that shape."""
    data = _read(str(path or CORPUS_FILE))
    return Corpus(
        papers=[_paper(p) for p in data["papers"]],
        hf=[dict(h) for h in data.get("hf", [])],
        listing=[ListingItem(i["index"], i["title"], i.get("abstract", ""), i.get("expect"), i.get("note"))
                 for i in data.get("listing", [])],
    )


PUBLISHED_FILE = Path(__file__).resolve().parent / "published.json"


def load_published(path: str | Path | None = None) -> dict[str, Any]:
    """The SYNTHETIC published versions (``published.json``, built by ``build_published.py``): a fresh copy.

    ``publications`` (each naming its arXiv paper, Crossref type, venue, DOI,
    Semantic Scholar and DBLP views and the trap it sets, if any),
    ``s2_arxiv_doi``/``s2_missing`` (Semantic Scholar quirks by arXiv id) and
    ``filler`` (unrelated Crossref works a search may rank first).
    """
    return json.loads(json.dumps(_read(str(path or PUBLISHED_FILE))))
