"""Merge records that describe the same work, inside one run.

People paste the same paper twice, combine a listing with their old ``.bib``,
or list a preprint by arXiv ID and by DOI.  Two records are the same work when

* they have the same arXiv base ID (an arXiv DOI ``10.48550/arXiv.<id>`` counts
  as that ID), or
* the same DOI (case-insensitive), or
* the same normalised title (:func:`bibkit.normalize.text.normalize_title`) and
  nothing that says otherwise: the first authors' family names agree when both
  have authors; when one has none, the years do not conflict; and abstracts,
  when both have one, are recognisably the same text.

Precision comes first, as for every identity decision in bibkit: different
arXiv IDs or different (non-arXiv) DOIs are never merged, even with equal
titles — two versions of "A Survey on Mixture of Experts" are two works.  Such
near-duplicates are kept and get a ``same-title`` problem naming each other.

A merge keeps the first occurrence and fills its missing fields from the later
one (with the later one's provenance, or ``merge``), unions links, tags and
categories (order kept), keeps every problem, and never drops data silently:
values that differed are listed in :attr:`Merge.conflicts` for the report.  A
pinned key (from an input ``.bib``) is never lost: the kept entry takes it if
its own key was not pinned, else it is recorded as an alias in BibLaTeX's
``ids`` field and a problem says ``\\cite`` commands using it must change for BibTeX.

Two rules keep a merge from breaking a bibliography:

* an entry that another entry points at (``crossref``, ``xdata``, ``related``,
  ``entryset``) is never merged away — BibTeX would report a "bad cross reference" and
  biber a missing entry — and ``@xdata``/``@set`` entries are never merged at all; the pair
  is kept and a ``same-work`` problem names both;
* a field is never filled into the kept entry under a name it already writes (a
  ``year = {\\noopsort{1992a}1992}`` of the duplicate next to the kept entry's ``year``, a
  ``month = {winter}`` next to its month): the value is a conflict, listed in the report,
  so no field is ever written twice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Callable

from ..model import Document, Entry, Person, Provenance, arxiv_id_of_doi
from .text import normalize_name, normalize_title

__all__ = ["Merge", "merge_duplicates", "same_first_author", "referenced_keys", "REFERENCE_FIELDS"]

#: abstracts of one work (listing vs arXiv, v1 vs v3) score well above this; different works well below
ABSTRACT_SIMILARITY = 65.0

_SCALARS = ("title", "abstract", "journal", "booktitle", "publisher", "volume", "number", "pages", "url", "note",
            "primary_class")
_ID_FIELDS = ("arxiv", "arxiv_version", "doi", "hf_paper", "isbn", "issn", "pmid")


@dataclass
class Merge:
    """One entry merged into another.

    ``kept`` is the surviving entry (its ``key`` is final once keys are assigned);
    ``merged_key`` is the key the merged-away entry had or would have had;
    ``reasons`` say why they are the same work (``arxiv``, ``doi``, ``title``);
    ``filled`` lists fields the kept entry took from the merged one; ``conflicts``
    the merged one's values that differed and were not taken.
    """

    kept: Entry
    merged: Entry
    reasons: tuple[str, ...]
    merged_key: str | None = None
    filled: list[str] = field(default_factory=list)
    conflicts: dict[str, Any] = field(default_factory=dict)

    @property
    def kept_key(self) -> str | None:
        return self.kept.key

    def as_dict(self) -> dict[str, Any]:
        return {
            "kept": self.kept.key, "merged": self.merged_key, "reasons": list(self.reasons),
            "kept_source": str(self.kept.origin) if self.kept.origin else None,
            "merged_source": str(self.merged.origin) if self.merged.origin else None,
            "title": self.kept.title, "filled": list(self.filled),
            "conflicts": {k: v for k, v in self.conflicts.items()},
        }


# --------------------------------------------------------------------------- identity helpers


def _arxiv_of(e: Entry) -> str | None:
    if e.ids.arxiv:
        return e.ids.arxiv.casefold()
    inside = arxiv_id_of_doi(e.ids.doi)
    return re.sub(r"v\d+$", "", inside).casefold() if inside else None


def _journal_doi(e: Entry) -> str | None:
    """The DOI unless it is arXiv's own DataCite DOI (which is the arXiv ID in disguise)."""
    doi = (e.ids.doi or "").strip().casefold()
    return doi if doi and arxiv_id_of_doi(doi) is None else None


def _first_author(e: Entry) -> Person | None:
    people = e.authors or e.editors
    return people[0] if people else None


def same_first_author(a: Person, b: Person) -> bool:
    """Whether two first authors are the same family name (particles, case, accents and
    hyphens ignored: "van der Maaten" = "Maaten", "Müller" = "Muller")."""
    fa = {normalize_name(a.last), normalize_name(a.family or a.literal)} - {""}
    fb = {normalize_name(b.last), normalize_name(b.family or b.literal)} - {""}
    return bool(fa & fb)


def _abstracts_differ(a: Entry, b: Entry) -> bool:
    if not a.abstract or not b.abstract:
        return False
    from rapidfuzz import fuzz  # only when two entries' abstracts are compared: rapidfuzz's import is 10 ms

    return fuzz.ratio(normalize_title(a.abstract), normalize_title(b.abstract)) < ABSTRACT_SIMILARITY


def _why_not_same(kept: Entry, e: Entry) -> str | None:
    """For two entries with equal normalised titles: the evidence that they are different works, if any."""
    ak, ae = _arxiv_of(kept), _arxiv_of(e)
    if ak and ae and ak != ae:
        return f"a different arXiv ID ({e.ids.arxiv or ae} vs {kept.ids.arxiv or ak})"
    dk, de = _journal_doi(kept), _journal_doi(e)
    if dk and de and dk != de:
        return f"a different DOI ({e.ids.doi} vs {kept.ids.doi})"
    pk, pe = _first_author(kept), _first_author(e)
    if pk and pe:
        if not same_first_author(pk, pe):
            return f"a different first author ({pe.display()} vs {pk.display()})"
    elif kept.year is not None and e.year is not None and kept.year != e.year:
        return f"a different year ({e.year} vs {kept.year})"
    if _abstracts_differ(kept, e):
        return "a different abstract"
    return None


# --------------------------------------------------------------------------- merging


def _label(e: Entry, key_of: Callable[[Entry], str] | None) -> str:
    key = e.key or (key_of(e) if key_of else None)
    where = f" ({e.origin})" if e.origin else ""
    if key:
        return f"{key}{where}"
    return f"the entry at {e.origin}" if e.origin else f"“{e.title or 'untitled'}”"


def _differs(a: Any, b: Any) -> bool:
    if isinstance(a, str) and isinstance(b, str):
        return normalize_title(a) != normalize_title(b) if len(a) < 2000 else a.strip() != b.strip()
    return bool(a != b)


#: fields that name another entry (BibTeX's crossref, biblatex's xdata/related/entryset)
REFERENCE_FIELDS = ("crossref", "xdata", "related", "entryset")
_NEVER_MERGED = frozenset({"xdata", "set"})
#: model groups and the field names an entry with that group writes
_GROUP_NAMES = {"date": ("year", "month", "day", "date"), "journal": ("journal", "journaltitle"),
                "authors": ("author",), "editors": ("editor",), "tags": ("keywords", "keyword")}


def referenced_keys(doc: Document) -> set[str]:
    """Casefolded keys that some entry of ``doc`` points at through :data:`REFERENCE_FIELDS`."""
    out: set[str] = set()
    for e in doc.entries:
        for name in REFERENCE_FIELDS:
            value = e.extra.get(name)
            if value:
                out.update(k.strip().casefold() for k in value.split(",") if k.strip())
    return out


def _written_names(e: Entry) -> set[str]:
    """Lower-case names of the fields ``e`` is written with (so a merge never adds a second one)."""
    names = set(e.extra)
    if e.bib is not None:
        names.update(e.bib.fields)
    if e.date:
        names.update(_GROUP_NAMES["date"])
    if e.journal:
        names.update(_GROUP_NAMES["journal"])
    return names


def _absorb(kept: Entry, other: Entry, merge: Merge, label: str) -> None:
    """Fill ``kept`` from ``other`` (see module docstring); record what happened in ``merge``."""

    def provenance(name: str) -> Provenance:
        return other.provenance.get(name) or Provenance("merge", 1.0, f"from duplicate {label}")

    for name in _SCALARS:
        mine, theirs = getattr(kept, name), getattr(other, name)
        if theirs in (None, ""):
            continue
        if mine in (None, ""):
            setattr(kept, name, theirs)
            kept.provenance[name] = provenance(name)
            merge.filled.append(name)
        elif _differs(mine, theirs):
            merge.conflicts[name] = theirs

    for name in ("authors", "editors"):
        mine, theirs = getattr(kept, name), getattr(other, name)
        if theirs and not mine:
            setattr(kept, name, list(theirs))
            kept.provenance[name] = provenance(name)
            merge.filled.append(name)
        elif theirs and [normalize_name(p.last) for p in mine] != [normalize_name(p.last) for p in theirs]:
            merge.conflicts[name] = [p.display() for p in theirs]

    if other.date:
        if not kept.date:
            kept.date = other.date
            kept.provenance["date"] = provenance("date")
            merge.filled.append("date")
        elif kept.date.year == other.date.year and (
            (other.date.month and not kept.date.month)
            or (other.date.month == kept.date.month and other.date.day and not kept.date.day)
        ):
            kept.date = other.date  # same year, more precise
            kept.provenance["date"] = provenance("date")
            merge.filled.append("date")
        elif kept.date != other.date:
            merge.conflicts["date"] = other.date.iso()

    if kept.entry_type == "misc" and other.entry_type != "misc":
        kept.entry_type = other.entry_type
        merge.filled.append("entry_type")
    elif kept.entry_type != other.entry_type:
        merge.conflicts["entry_type"] = other.entry_type

    for name in _ID_FIELDS:
        mine, theirs = getattr(kept.ids, name), getattr(other.ids, name)
        if theirs in (None, ""):
            continue
        if mine in (None, ""):
            setattr(kept.ids, name, theirs)
            kept.provenance[f"ids.{name}"] = provenance(f"ids.{name}")
            merge.filled.append(f"ids.{name}")
        elif name == "doi" and arxiv_id_of_doi(str(mine)) and arxiv_id_of_doi(str(theirs)) is None:
            kept.ids.doi = theirs  # the journal DOI beats arXiv's DataCite DOI
            kept.provenance["ids.doi"] = provenance("ids.doi")
            merge.filled.append("ids.doi")
            merge.conflicts["ids.doi"] = mine
        elif str(mine).casefold() != str(theirs).casefold():
            merge.conflicts[f"ids.{name}"] = theirs
    for k, v in other.ids.others.items():
        if k not in kept.ids.others:
            kept.ids.others[k] = v
            merge.filled.append(f"ids.{k}")

    for cat in other.categories:
        if cat not in kept.categories:
            kept.categories.append(cat)
    for link in other.links:
        kept.add_link(link)
    kept.add_tags(other.tags)
    written = _written_names(kept)
    for k, v in other.extra.items():
        if k not in kept.extra and k in written:
            merge.conflicts[f"extra.{k}"] = v  # the kept entry writes this field already (e.g. its year)
        elif k not in kept.extra:
            kept.extra[k] = v
            kept.provenance.setdefault(f"extra.{k}", provenance(f"extra.{k}"))
            merge.filled.append(f"extra.{k}")
        elif k != "ids" and _differs(kept.extra[k], v):
            merge.conflicts[f"extra.{k}"] = v
    for k, v in other.meta.items():
        kept.meta.setdefault(k, v)
    kept.meta.setdefault("merged_from", []).append(label)
    kept.problems.extend(other.problems)

    # keys: a key from the user's input must survive
    if other.key_pinned and other.key:
        if not (kept.key_pinned and kept.key):
            kept.key, kept.key_pinned = other.key, True
        elif kept.key.casefold() != other.key.casefold():
            aliases = [a.strip() for a in kept.extra.get("ids", "").split(",") if a.strip()]
            if other.key not in aliases:
                aliases.append(other.key)
            kept.extra["ids"] = ", ".join(aliases)
            kept.problem(
                "merged-key",
                f"duplicate entry {other.key!r} ({other.origin or 'input'}) was merged into {kept.key!r}; "
                f"{other.key!r} is kept as an alias in 'ids' (biblatex), with BibTeX change \\cite{{{other.key}}}",
                "warning",
            )


def merge_duplicates(doc: Document, *, key_of: Callable[[Entry], str] | None = None) -> list[Merge]:
    """Merge duplicate entries of ``doc`` into their first occurrence (in place).

    ``key_of`` names entries that have no key yet (the orchestrator passes the
    citation key formula), for :attr:`Merge.merged_key` and problem messages.
    Merged-away entries are removed from ``doc.blocks``.  Returns one
    :class:`Merge` per removed entry, in input order.
    """
    merges: list[Merge] = []
    pointed_at = referenced_keys(doc)
    by_arxiv: dict[str, Entry] = {}
    by_doi: dict[str, Entry] = {}
    by_title: dict[str, list[Entry]] = {}
    removed: set[int] = set()

    def register(e: Entry) -> None:
        ax, doi, title = _arxiv_of(e), _journal_doi(e), normalize_title(e.title)
        if ax:
            by_arxiv.setdefault(ax, e)
        if doi:
            by_doi.setdefault(doi, e)
        if title:
            bucket = by_title.setdefault(title, [])
            if not any(x is e for x in bucket):
                bucket.append(e)

    for e in doc.entries:
        reasons: list[str] = []
        target: Entry | None = None
        reported: set[int] = set()  # candidates a problem already names
        ax, doi, title = _arxiv_of(e), _journal_doi(e), normalize_title(e.title)
        if ax and ax in by_arxiv:
            target = by_arxiv[ax]
            reasons.append("arxiv")
        if doi and doi in by_doi:
            candidate = by_doi[doi]
            if target is None:
                cand_ax = _arxiv_of(candidate)
                if ax and cand_ax and ax != cand_ax:
                    reported.add(id(candidate))
                    e.problem("doi-conflict", f"same DOI {e.ids.doi} as {_label(candidate, key_of)} but a different "
                              f"arXiv ID ({e.ids.arxiv} vs {candidate.ids.arxiv}); kept both")
                else:
                    target = candidate
                    reasons.append("doi")
            elif candidate is target:
                reasons.append("doi")
        if target is None and title:
            for candidate in by_title.get(title, []):
                why = _why_not_same(candidate, e)
                if why is None:
                    target = candidate
                    reasons.append("title")
                    break
                if id(candidate) in reported:
                    continue
                e.problem("same-title", f"same title as {_label(candidate, key_of)} but {why}; kept both")
        elif target is not None and title and normalize_title(target.title) == title:
            reasons.append("title")

        if target is not None and (e.entry_type in _NEVER_MERGED or target.entry_type in _NEVER_MERGED
                                   or (e.key and e.key.casefold() in pointed_at)):
            why = f"@{e.entry_type} entries are never merged" if e.entry_type in _NEVER_MERGED \
                or target.entry_type in _NEVER_MERGED else f"other entries point at {e.key!r} (crossref/xdata/related)"
            e.problem("same-work", f"the same work as {_label(target, key_of)}, but {why}; kept both", "info")
            target = None
        if target is None:
            register(e)
            continue
        label = _label(e, key_of)
        merged_key = e.key or (key_of(e) if key_of else None)
        merge = Merge(kept=target, merged=e, reasons=tuple(reasons), merged_key=merged_key)
        _absorb(target, e, merge, label)
        register(target)  # the kept entry may have gained identifiers
        removed.add(id(e))
        merges.append(merge)

    if removed:
        doc.blocks[:] = [b for b in doc.blocks if id(b) not in removed]
    return merges
