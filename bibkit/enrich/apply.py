"""Writing what arXiv and Hugging Face say about a paper into an :class:`~bibkit.model.Entry`.

Every field goes through :meth:`Entry.set` / :meth:`Entry.set_id`, so its
provenance (source, confidence, detail) is recorded, and is listed in the
entry's report (``fields_set``).

What a user wrote is never overwritten: for an entry read from a ``.bib``
file, fields present in the input (the reader's :class:`~bibkit.model.BibOrigin`
memo) are kept and only missing ones are filled.  Entries from listings, id
lists and HF JSON take arXiv's data, which is better than a pasted page's:
arXiv's *current* title (the listing's title is kept in
``meta["listing_title"]`` when it differs), every author, the first version's
date.

arXiv's metadata is TeX source ("\\textsc{Name}: …", "Kagom\\'e", "M\\"uller") while the
model holds plain Unicode, so text that clearly is LaTeX is decoded on the
way in (math such as ``$\\pi_0$`` stays as it is written: plain text cannot render it).

Preprint or published follows Zotero's arXiv translator: a journal DOI on the
arXiv record means published.  The venue type comes from the journal
reference when it names proceedings; otherwise it is an article.  An entry the
venue's own record made a publication (OpenReview: "ICLR 2024 poster") keeps
its title, year and type, and gets no arXiv DOI: arXiv's record describes the preprint.
"""

from __future__ import annotations

import re
from typing import Any

from ..links import canonical_link, extract_links
from ..model import Entry, LinkKind, arxiv_doi
from ..names import parse_plain_name
from ..normalize.latex import decode as decode_latex
from ..normalize.latex import looks_like_latex
from ..normalize.pages import page_range
from ..normalize.text import normalize_title
from ..normalize.venuekind import is_proceedings_journal
from .atom import ArxivRecord
from .base import EntryReport
from .hf import HfPaper

__all__ = ["apply_arxiv", "apply_hf", "abs_url", "venue_of", "plain", "user_owned"]

_PROCEEDINGS = re.compile(
    r"\b(proceedings|proc\.|conference|workshops?|symposium|findings of|meeting|congress|"
    r"NeurIPS|ICML|ICLR|ACL|EMNLP|NAACL|CVPR|ICCV|ECCV|AAAI|IJCAI|KDD|SIGIR|FAccT|COLING)\b|\s@\s",
    re.IGNORECASE,
)
#: "Phys. Rev. B 85, 115117 (2012)", "Nucl. Phys. B 550 (1999) 123-145", "JHEP 0510:052,2005",
#: "Natural Language Engineering 30(5), 887-914 (2024)", "Astrophys.J. 620 (2005) L1-L4"
_JOURNAL_REF = re.compile(
    r"^(?P<name>[^\d(]*?[A-Za-z.)])\s*(?P<volume>\d+)"
    r"(?:\s*\((?P<issue>(?!(?:1[89]|20)\d\d\))[\w-]{1,8})\))?"
    r"\s*(?:\((?:1[89]|20)\d\d\))?\s*[,:]?\s*"
    r"(?P<pages>[A-Za-z]?\d+(?:\s*[-–]+\s*[A-Za-z]?\d+)?)?"
    r"\s*(?:[,(]?\s*(?:1[89]|20)\d\d\)?)?\s*\.?$"
)
_TRAILING_YEAR = re.compile(r"[\s,]*\(?(?:1[89]|20)\d\d\)?\s*$")


def plain(text: str | None) -> str | None:
    """arXiv's (or HF's copy of arXiv's) text as model text: LaTeX decoded when it clearly is LaTeX.

    Only then, so "50%" in plain prose keeps its sign; and ``~`` is always kept as
    written: in arXiv metadata "~100x" means "about", not a TeX tie.
    """
    if not text or not looks_like_latex(text):
        return text
    return decode_latex(text.replace("~", _TILDE)).replace(_TILDE, "~")


_TILDE = "\ue000"  # a private-use stand-in for "~" while decoding


def abs_url(arxiv_id: str) -> str:
    return f"https://arxiv.org/abs/{arxiv_id}"


def venue_of(journal_ref: str | None) -> dict[str, str]:
    """What a journal reference says about the venue: ``{"type", "journal"|"booktitle", "volume"?, "pages"?}``.

    Conservative: a name is split from volume and pages only for the common
    "Name Vol, Pages (Year)" shapes; anything else keeps the whole reference
    as the venue name rather than guessing.
    """
    if not journal_ref:
        return {"type": "article"}
    ref = journal_ref.strip()
    if _PROCEEDINGS.search(ref) and not is_proceedings_journal(ref):  # (PNAS, Proc. IEEE…: journals)
        return {"type": "inproceedings", "booktitle": ref}
    m = _JOURNAL_REF.match(ref)
    if m and (m["pages"] or m["issue"]):
        out = {"type": "article", "journal": m["name"].strip().rstrip(",")}
        out["volume"] = m["volume"]
        if m["issue"]:
            out["number"] = m["issue"]
        pages = page_range(m["pages"])
        if pages:
            out["pages"] = pages  # an en dash: the .bib writer makes it TeX's "--"
        return out
    return {"type": "article", "journal": _TRAILING_YEAR.sub("", ref) or ref}


# --------------------------------------------------------------------------- field policy


def _user_owned(entry: Entry, name: str) -> bool:
    """Whether ``name`` holds what the user wrote in an input .bib (never overwritten), or a field the user
    edited or deleted in the previous output (``entry.record.protected``: never set at all)."""
    if name in entry.record.protected:
        return True
    if entry.bib is None:
        return False
    if name in entry.bib.decoded:
        return True
    aliases = {"ids.arxiv": ("eprint", "arxiv"), "ids.doi": ("doi",), "date": ("year", "date", "month"),
               "authors": ("author",), "primary_class": ("primaryclass",), "entry_type": ("entry_type",),
               "journal": ("journal", "journaltitle"), "booktitle": ("booktitle",)}
    for alias in aliases.get(name, (name,)):
        if alias in entry.bib.fields:
            return True
    return name == "entry_type"  # a .bib entry's type is the user's choice


#: the public name of the rule (the published-version stage applies it too)
user_owned = _user_owned

#: provenance sources whose entry type is the venue's own record of the publication (OpenReview's decision)
_VENUE_RECORDS = frozenset({"openreview"})


def _published_by_venue(entry: Entry) -> bool:
    """Whether the venue's own record made ``entry`` a publication (OpenReview: "ICLR 2024 poster")."""
    prov = entry.provenance.get("entry_type")
    return prov is not None and prov.source in _VENUE_RECORDS and entry.entry_type in ("inproceedings", "article")


class _Writer:
    """Sets fields on one entry and lists them in its report."""

    def __init__(self, entry: Entry, report: EntryReport, source: str, confidence: float, detail: str | None):
        self.entry, self.report = entry, report
        self.source, self.confidence, self.detail = source, confidence, detail

    def _record(self, name: str, detail: str | None = None) -> None:
        info: dict[str, Any] = {"source": self.source, "confidence": round(self.confidence, 4)}
        if detail or self.detail:
            info["detail"] = detail or self.detail
        self.report.fields_set[name] = info

    def _refused(self, name: str, value: Any) -> bool:
        """A protected group (the user's edit or deletion): note what would have been set, set nothing."""
        if name not in self.entry.record.protected:
            return False
        for edit in self.entry.record.edits:
            if edit.group == name and edit.kept != value:
                edit.would_set = value
        return True

    def field(self, name: str, value: Any, *, fill_only: bool = False) -> None:
        if value is None or value == "" or value == []:
            return
        current = getattr(self.entry, name)
        if current == value or self._refused(name, value):
            return
        if _user_owned(self.entry, name) or (fill_only and current not in (None, "", [])):
            if current not in (None, "", []):
                return
        self.entry.set(name, value, self.source, self.confidence, self.detail)
        self._record(name)

    def ident(self, name: str, value: str | None) -> None:
        if not value:
            return
        if self._refused(f"ids.{name}", (value, None) if name == "arxiv" else value):
            return
        current = getattr(self.entry.ids, name)
        if current is not None and (current == value or _user_owned(self.entry, f"ids.{name}")):
            return
        self.entry.set_id(name, value, self.source, self.confidence, self.detail)
        self._record(f"ids.{name}")

    def meta(self, key: str, value: Any) -> None:
        if value is None or value == "" or value == []:
            return
        if self.entry.meta.get(key) == value:
            return
        self.entry.meta[key] = value
        self._record(f"meta.{key}")

    def link(self, link: Any, detail: str) -> None:
        before = (len(self.entry.links), [(l.key, l.role) for l in self.entry.links])
        kept = self.entry.add_link(link)
        after = (len(self.entry.links), [(l.key, l.role) for l in self.entry.links])
        if before != after:
            self.report.fields_set.setdefault("links", {"source": self.source, "added": []})
            self.report.fields_set["links"].setdefault("added", []).append(
                {"url": kept.url, "kind": kept.kind.value, "role": kept.role, "source": kept.source, "detail": detail})


# --------------------------------------------------------------------------- arXiv


def apply_arxiv(entry: Entry, rec: ArxivRecord, report: EntryReport, *, confidence: float = 1.0,
                detail: str | None = None) -> None:
    """Set the fields arXiv knows (see the module docstring for what is overwritten)."""
    w = _Writer(entry, report, "arxiv", confidence, detail or abs_url(rec.arxiv_id))
    report.heard_from.add("arxiv")
    title = plain(rec.title)
    published = _published_by_venue(entry)  # arXiv's record is the preprint's: the publication's title, date, type stay
    if entry.title is not None and normalize_title(entry.title) != normalize_title(title) \
            and not _user_owned(entry, "title") and not published:
        entry.meta.setdefault("listing_title", entry.title)
    w.field("title", title, fill_only=published)
    w.field("abstract", plain(rec.summary) or None)
    if rec.authors:
        w.field("authors", [parse_plain_name(plain(a.name) or a.name) for a in rec.authors])
    w.field("date", rec.published_date, fill_only=published)
    w.ident("arxiv", rec.arxiv_id)
    asked = entry.ids.arxiv_version if entry.ids.arxiv == rec.arxiv_id else None
    if asked is not None and asked > (rec.version or 0):
        entry.problem("arxiv-version", f"version v{entry.ids.arxiv_version} of {rec.arxiv_id} does not exist on arXiv")
    venue = venue_of(rec.journal_ref) if rec.doi else {"type": "preprint"}
    w.field("entry_type", venue["type"], fill_only=published)
    if rec.doi:
        for name in ("journal", "booktitle", "volume", "number", "pages"):
            if name in venue and entry.entry_type == venue["type"]:
                w.field(name, venue[name], fill_only=True)
    w.field("primary_class", rec.primary_category)
    if rec.categories:
        w.field("categories", list(rec.categories))
    w.ident("doi", rec.doi or (None if published else arxiv_doi(rec.arxiv_id)))  # (arXiv's names the preprint)
    w.field("url", abs_url(rec.arxiv_id))
    w.meta("journal_ref", rec.journal_ref)
    w.meta("arxiv_comment", rec.comment)
    if rec.version:
        w.meta("arxiv_latest_version", rec.version)
    if rec.comment:
        for link in extract_links(rec.comment, "arxiv-comment"):
            if link.kind in (LinkKind.ARXIV, LinkKind.DOI):
                continue  # identifiers in a comment name other works (the published version, a companion)
            w.link(link, "arXiv comment")


# --------------------------------------------------------------------------- Hugging Face


def apply_hf(entry: Entry, paper: HfPaper, report: EntryReport, *, confidence: float = 1.0,
             with_metadata: bool = False) -> None:
    """HF's extras: the code repository (``githubRepo``), project page, AI keywords.

    With ``with_metadata`` (arXiv could not be asked) also the bibliographic
    basics HF knows, filling what is missing: the arXiv id, title, authors,
    date, abstract, abs URL and arXiv DOI.
    """
    w = _Writer(entry, report, "hf", confidence, f"https://huggingface.co/papers/{paper.id}")
    report.heard_from.add("hf")
    w.ident("hf_paper", paper.id)
    if with_metadata:
        w.ident("arxiv", paper.id)
        w.field("title", plain(paper.title) or None, fill_only=True)
        if paper.authors:
            w.field("authors", [parse_plain_name(plain(n) or n) for n in paper.authors], fill_only=True)
        guessed = (prov := entry.provenance.get("date")) is not None and prov.source == "arxiv-id"
        w.field("date", paper.published_date, fill_only=not guessed)  # (the arXiv id's month is a guess)
        w.field("abstract", plain(paper.summary) or None, fill_only=True)
        if entry.bib is None and entry.entry_type in ("misc", "online"):
            w.field("entry_type", "preprint")
        w.ident("doi", arxiv_doi(paper.id))
        w.field("url", abs_url(paper.id), fill_only=True)
    has_repo = False
    if paper.github_repo and "github" not in entry.record.protected:
        for link in extract_links(paper.github_repo, "hf") or [canonical_link(paper.github_repo, "hf")]:
            if link.kind is LinkKind.GITHUB:
                link.role, link.evidence, link.source = "primary", "hf-githubRepo", "hf"
                w.link(link, "HF githubRepo")
                for kept in entry.github_links:  # HF's field is stronger evidence than a sentence in the abstract
                    same = (kept.target or "").casefold() == (link.target or "").casefold()
                    if same and kept.evidence != "hf-githubRepo":
                        kept.role, kept.evidence = "primary", "hf-githubRepo"
                has_repo = True
                break
    if paper.project_page:
        link = canonical_link(paper.project_page, "hf")
        if link.kind is LinkKind.OTHER:
            link.kind = LinkKind.PROJECT
        if link.kind is LinkKind.GITHUB:
            link.role, link.evidence = ("mentioned" if has_repo else "primary"), "hf-projectPage"
        w.link(link, "HF projectPage")
    if paper.ai_keywords:
        w.meta("ai_keywords", list(paper.ai_keywords))
