"""The records behind the Crossref, Semantic Scholar, DBLP and OpenAlex doubles — SYNTHETIC.

:class:`ScholarlyWorld` turns the arXiv corpus (``papers.json``) and its
invented published versions (``published.json``, see ``build_published.py``)
into each service's view of them, in that service's recorded shape
(``../shared/apis/samples``):

* **Crossref** works (``/works`` JSON): every publication with a DOI (journal
  articles, proceedings papers, LNCS chapters with their series, a book), the
  ``has-preprint`` relation to the arXiv DOI where the publisher asserts it,
  JATS abstracts, partial dates, and unrelated *filler* works a search ranks;
  arXiv's own DOIs are not there (DataCite registers them);
* **Semantic Scholar** records of every arXiv paper (``ARXIV:`` lookups): the
  preprint's view by default — venue ``arXiv.org``, journal ``ArXiv``
  (``abs/…``), ``publicationTypes: ["JournalArticle"]``, a DBLP id naming the
  CoRR copy, sometimes arXiv's DOI as ``externalIds.DOI`` — or the published
  venue when the corpus says S2 links it; ``year`` always the preprint's;
* **DBLP** records: the CoRR copy of every arXiv paper, and the publications
  DBLP indexes, with string numbers, ``{"@pid", "text"}`` authors (one author:
  a bare object), disambiguation suffixes and titles ending in a period;
* **OpenAlex** works for arXiv DOIs, with a published location when the paper
  has a DOI publication.

Tests change the world (``world.publications.append(...)``) and every double
serving it sees the change.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from .corpus import Corpus, Paper, load_corpus, load_published

__all__ = ["ScholarlyWorld", "tokens"]

_TOKEN = re.compile(r"[a-z0-9]+")


def tokens(text: str | None) -> list[str]:
    """Lower-case words, accents folded (a search engine's analysis, roughly)."""
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return _TOKEN.findall(text)


def _h(*parts: object) -> int:
    return int(hashlib.sha256(repr(parts).encode("utf-8")).hexdigest(), 16)


def _split(name: str) -> tuple[str, str]:
    """``(given, family)`` of a natural-order name; a particle goes with the family name."""
    words = name.split()
    if len(words) == 1:
        return "", name
    k = len(words) - 1
    while k > 1 and words[k - 1][:1].islower():
        k -= 1
    return " ".join(words[:k]), " ".join(words[k:])


def _date_parts(year: int | None, month: int | None = None, day: int | None = None) -> dict[str, Any]:
    parts = [p for p in (year, month, day) if p]
    return {"date-parts": [parts or [None]]}


@dataclass
class ScholarlyWorld:
    """Everything the scholarly doubles serve (see the module docstring)."""

    corpus: Corpus = field(default_factory=load_corpus)
    data: dict[str, Any] = field(default_factory=load_published)

    @property
    def publications(self) -> list[dict[str, Any]]:
        return self.data["publications"]

    @property
    def filler(self) -> list[dict[str, Any]]:
        return self.data["filler"]

    def paper(self, arxiv_id: str) -> Paper | None:
        return self.corpus.paper(arxiv_id)

    def publications_of(self, arxiv_id: str) -> list[dict[str, Any]]:
        return [p for p in self.publications if p["arxiv"] == arxiv_id]

    # ------------------------------------------------------------------ Crossref

    def crossref_works(self) -> list[dict[str, Any]]:
        """Every work Crossref has: publications with a DOI, then the filler."""
        out = [self.crossref_work(p) for p in self.publications if p.get("doi") and p.get("type")]
        out += [self._filler_work(f) for f in self.filler]
        return out

    def crossref_work(self, pub: dict[str, Any]) -> dict[str, Any]:
        doi = pub["doi"].lower()
        containers = [pub["container"]] if pub.get("container") else []
        if pub.get("series"):
            containers = [pub["series"]] + containers  # Springer lists the series first
        work: dict[str, Any] = {
            "indexed": {"date-parts": [[2026, 6, 1]], "date-time": "2026-06-01T00:00:00Z", "timestamp": 1780272000000},
            "reference-count": 40 + _h(doi) % 30,
            "publisher": pub.get("publisher") or "",
            "content-domain": {"domain": [], "crossmark-restriction": False},
            "DOI": doi,
            "type": pub["type"],
            "created": {"date-parts": [[pub["year"], pub.get("month") or 1, 3]]},
            "source": "Crossref",
            "is-referenced-by-count": _h(doi, "cites") % 300,
            "title": [pub["title"]],
            "prefix": doi.split("/", 1)[0],
            "author": [self._author(n, i) for i, n in enumerate(pub["authors"])],
            "member": str(100 + _h(doi) % 9000),
            "container-title": containers,
            "issued": _date_parts(pub["year"], pub.get("month")),
            "published": _date_parts(pub["year"], pub.get("month")),
            "URL": f"https://doi.org/{doi}",
            "relation": {},
            "score": 1,
        }
        if pub.get("month"):
            work["published-online"] = _date_parts(pub["year"], pub["month"], 1 + _h(doi) % 27)
        if pub.get("short_container"):
            work["short-container-title"] = [pub["short_container"]]
        for key, name in (("volume", "volume"), ("issue", "issue"), ("pages", "page")):
            if pub.get(key):
                work[name] = pub[key]
        if pub.get("event"):
            work["event"] = {"name": pub["event"], "start": _date_parts(pub["year"], pub.get("month")),
                             "end": _date_parts(pub["year"], pub.get("month"))}
        if pub.get("abstract"):
            work["abstract"] = f"<jats:p>{pub['abstract']}</jats:p>"
        if pub.get("relation"):
            work["relation"] = {"has-preprint": [{"id-type": "doi", "id": f"10.48550/arXiv.{pub['arxiv']}",
                                                  "asserted-by": "subject"}]}
        if pub["type"] == "book-chapter":
            work["ISBN"] = ["9783031726231", "9783031726248"]
        if pub["type"] == "journal-article":
            work["ISSN"] = [f"{1000 + _h(pub.get('container'), 'issn') % 9000}-{1000 + _h(doi) % 9000}"]
        return work

    def _filler_work(self, f: dict[str, Any]) -> dict[str, Any]:
        return {
            "DOI": f["doi"], "type": f["type"], "title": [f["title"]], "publisher": f["publisher"],
            "author": [self._author(n, i) for i, n in enumerate(f["authors"])],
            "container-title": [f["container"]], "issued": _date_parts(f["year"]),
            "published": _date_parts(f["year"]), "volume": f["volume"], "page": f["pages"],
            "URL": f"https://doi.org/{f['doi']}", "abstract": f"<jats:p>{f['abstract']}</jats:p>",
            "relation": {}, "source": "Crossref", "prefix": "10.9999", "member": "9999", "score": 1,
            "reference-count": 12,
        }

    @staticmethod
    def _author(name: str, i: int) -> dict[str, Any]:
        if " " not in name.strip() or name in ("IBM Research", "DeepSeek-AI", "Qwen"):
            return {"name": name, "sequence": "first" if i == 0 else "additional", "affiliation": []}
        given, family = _split(name)
        return {"given": given, "family": family, "sequence": "first" if i == 0 else "additional", "affiliation": []}

    # ------------------------------------------------------------------ Semantic Scholar

    def s2_record(self, arxiv_id: str) -> dict[str, Any] | None:
        """S2's full record of an arXiv paper (every field), or ``None`` when S2 does not know it."""
        paper = self.paper(arxiv_id)
        if paper is None or arxiv_id in self.data.get("s2_missing", []):
            return None
        pub = next((p for p in self.publications_of(arxiv_id) if p.get("s2") in ("doi", "venue")), None)
        corpus_id = 1_000_000 + _h(arxiv_id, "corpus") % 90_000_000
        ext: dict[str, Any] = {"ArXiv": arxiv_id, "DBLP": f"journals/corr/abs-{arxiv_id.replace('.', '-')}",
                               "CorpusId": corpus_id}
        if arxiv_id in self.data.get("s2_arxiv_doi", []):
            ext["DOI"] = f"10.48550/arXiv.{arxiv_id}"
        record: dict[str, Any] = {
            "paperId": hashlib.sha1(arxiv_id.encode()).hexdigest(),
            "externalIds": ext,
            "corpusId": corpus_id,
            "url": f"https://www.semanticscholar.org/paper/{hashlib.sha1(arxiv_id.encode()).hexdigest()}",
            "title": paper.title,
            "venue": "arXiv.org",
            "publicationVenue": {"id": "1901e811-ee72-4b20-8f7e-de08cd395a10", "name": "arXiv.org",
                                 "alternate_names": ["ArXiv"], "issn": "2331-8422", "type": "journal",
                                 "url": "https://arxiv.org"},
            "year": int(paper.published[:4]),
            "publicationDate": paper.published[:10],
            "journal": {"name": "ArXiv", "volume": f"abs/{arxiv_id}"},
            "publicationTypes": ["JournalArticle"],
            "authors": [{"authorId": str(_h(a["name"]) % 10 ** 9), "name": a["name"]} for a in paper.authors],
            "abstract": paper.abstract,
            "citationCount": _h(arxiv_id, "c") % 500,
            "isOpenAccess": True,
            "openAccessPdf": {"url": "", "status": None, "license": None},
        }
        if pub is not None:
            name, kind = pub["s2_venue"]
            record["venue"] = name
            record["publicationVenue"] = {"id": f"{_h(name) % 10 ** 8:08x}-venue", "name": name, "type": kind,
                                          "alternate_names": [], "url": ""}
            record["publicationTypes"] = ["JournalArticle"] if kind == "journal" else ["JournalArticle", "Conference"]
            journal: dict[str, Any] = {}
            if kind == "journal":
                journal["name"] = name
                if pub.get("volume"):
                    journal["volume"] = pub["volume"]
            if pub.get("pages"):
                journal["pages"] = f"\n          {pub['pages']}\n        "
            record["journal"] = journal or None
            if pub["s2"] == "doi" and pub.get("doi"):
                ext["DOI"] = pub["doi"]
            if pub.get("s2_title") == "published":
                record["title"] = pub["title"]
        return record

    # ------------------------------------------------------------------ DBLP

    def dblp_records(self) -> list[dict[str, Any]]:
        """Every DBLP ``info`` record: CoRR copies of all arXiv papers, then the indexed publications."""
        out = []
        for paper in self.corpus.papers:
            if "/" in paper.id:
                continue  # old-style ids predate CoRR's key scheme here
            out.append({
                "authors": self._dblp_authors([a["name"] for a in paper.authors]),
                "title": paper.title + ".", "venue": "CoRR", "volume": f"abs/{paper.id}",
                "year": paper.published[:4], "type": "Informal and Other Publications", "access": "open",
                "key": f"journals/corr/abs-{paper.id.replace('.', '-')}", "doi": f"10.48550/ARXIV.{paper.id}",
                "ee": f"https://doi.org/10.48550/arXiv.{paper.id}",
                "url": f"https://dblp.org/rec/journals/corr/abs-{paper.id.replace('.', '-')}",
            })
        for pub in self.publications:
            d = pub.get("dblp")
            if not d:
                continue
            info: dict[str, Any] = {
                "authors": self._dblp_authors(pub["authors"]), "title": pub["title"] + ".", "venue": d["venue"],
                "year": str(pub["year"]), "type": d["type"], "key": d["key"],
                "url": f"https://dblp.org/rec/{d['key']}",
            }
            if pub.get("volume"):
                info["volume"] = pub["volume"]
            if pub.get("issue") and d["type"] == "Journal Articles":
                info["number"] = pub["issue"]
            if pub.get("pages"):
                info["pages"] = pub["pages"]
            if pub.get("doi"):
                info["doi"] = pub["doi"].upper() if _h(pub["doi"]) % 2 else pub["doi"]
                info["ee"] = [f"https://doi.org/{pub['doi']}", f"https://aclanthology.org/{pub['doi'][-12:]}"] \
                    if "18653" in pub["doi"] else f"https://doi.org/{pub['doi']}"
            else:
                info["ee"] = f"https://openreview.net/forum?id={_h(d['key']) % 10 ** 10:010d}"
            out.append(info)
        return out

    @staticmethod
    def _dblp_authors(names: list[str]) -> dict[str, Any]:
        people = []
        for name in names:
            text = name + (" 0001" if _h(name) % 11 == 0 else "")  # DBLP's disambiguation suffix
            people.append({"@pid": f"{_h(name) % 300:03d}/{_h(name, 'pid') % 9000}", "text": text})
        return {"author": people[0] if len(people) == 1 else people}

    # ------------------------------------------------------------------ OpenAlex

    def openalex_work(self, arxiv_id: str) -> dict[str, Any] | None:
        paper = self.paper(arxiv_id)
        if paper is None:
            return None
        work_id = f"https://openalex.org/W{_h(arxiv_id, 'oa') % 10 ** 10}"
        arxiv_loc = {"is_oa": True, "landing_page_url": f"https://arxiv.org/abs/{arxiv_id}",
                     "pdf_url": f"https://arxiv.org/pdf/{arxiv_id}", "version": "submittedVersion",
                     "source": {"id": "https://openalex.org/S4306400194", "display_name": "arXiv (Cornell University)",
                                "type": "repository"}}
        locations = [arxiv_loc]
        for pub in self.publications_of(arxiv_id):
            if pub.get("doi") and pub.get("type") in ("journal-article", "proceedings-article", "book-chapter") \
                    and pub.get("expect_upgrade"):
                locations.insert(0, {"is_oa": False, "landing_page_url": f"https://doi.org/{pub['doi'].lower()}",
                                     "pdf_url": None, "version": "publishedVersion",
                                     "source": {"id": f"https://openalex.org/S{_h(pub['container']) % 10 ** 9}",
                                                "display_name": pub["container"],
                                                "type": "journal" if pub["type"] == "journal-article" else "conference"}})
        return {
            "id": work_id, "doi": f"https://doi.org/10.48550/arxiv.{arxiv_id.lower()}", "title": paper.title,
            "display_name": paper.title, "publication_year": int(paper.published[:4]), "type": "preprint",
            "authorships": [{"author_position": "first" if i == 0 else "middle",
                             "author": {"id": f"https://openalex.org/A{_h(a['name']) % 10 ** 9}",
                                        "display_name": a["name"]}} for i, a in enumerate(paper.authors)],
            "primary_location": locations[0], "locations": locations, "biblio": {},
        }
