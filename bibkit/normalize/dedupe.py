"""Merge records that describe the same work, inside one run — and keep apart what the user curated.

People paste the same paper twice, combine a listing with their old ``.bib``,
or list a preprint by arXiv ID and by DOI.  Whether two records are the same
work is decided by :mod:`bibkit.normalize.identity` (same arXiv ID or DOI; a
shared title with nothing contradicting it; the same abstract under a new
title), the one set of rules every stage uses.

What happens next depends on where the records came from:

* **Pasted listings, identifier lists, Hugging Face exports** (and a listing
  entry meeting a ``.bib`` entry): the duplicate is merged into its first
  occurrence, as before.
* **Two entries of curated ``.bib`` files** are merged only when they are the
  same work *by identifier* (same DOI or arXiv ID) or identical in every field
  they share.  Entries that differ — another edition, volume, number, pages,
  part, year, or a report and the article it became — are reported as *likely
  duplicates* (one ``likely-duplicate`` problem per group, naming the fields
  that differ) and both are kept.  ``merge_curated=True`` (``--merge-duplicates``)
  merges them anyway, with the differing values listed in the report.

Never merged, whatever the source:

* an entry that another entry points at through ``crossref``, ``xref``,
  ``xdata``, ``related`` or ``entryset`` (merging it away would leave the
  reference dangling: BibTeX's "bad cross reference"), nor two entries of
  which one points at the other;
* two records sharing an arXiv ID or DOI whose titles and first authors both
  differ (:func:`~bibkit.normalize.identity.identifier_contradicted`: one
  identifier is mistyped); one ``id-conflict`` problem names them;
* records the identity rules call different works although they share a
  title (two "A Survey on Mixture of Experts"; a hundred "Editorial"s):
  they are kept and *one* ``same-title`` problem per group names them.

A merge keeps the first occurrence and fills its missing fields from the later
one (with the later one's provenance, or ``merge``), unions links, tags and
categories (order kept), keeps every problem, and never drops data silently:
values that differed are listed in :attr:`Merge.conflicts` for the report.  A
merge never writes a field twice: a date is not filled into an entry that
keeps its date as text (``month = {Spring}``), and of the BibLaTeX aliases
(``address``/``location``, ``school``/``institution``, ``annote``/``annotation``)
only one survives.  A key from the user's input is never lost: the kept entry
takes it if its own key was not pinned, else it becomes an alias in
BibLaTeX's ``ids`` field (with the merged entry's own aliases), so
``\\cite`` commands using it still resolve with biber.

Duplicate detection is linear: every entry is compared only with the few
entries sharing one of its identity buckets (:class:`~bibkit.normalize.identity.IdentityIndex`).

Two rules keep a merge from breaking a bibliography (issue #16): an entry
another entry points at (``crossref``, ``xref``, ``xdata``, ``related``,
``entryset``) is never merged away — BibTeX would report a "bad cross
reference" and biber a missing entry — and ``@xdata``/``@set`` entries are
never merged at all; the pair is kept and a ``same-work`` problem names both.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

from ..model import Document, Entry, Person, Provenance
from .identity import (
    ABSTRACT_CONTRADICTS,
    Fingerprint,
    IdentityIndex,
    Judgement,
    forget_title_forms,
    identifier_contradicted,
    is_arxiv_doi,
    judge,
    normalize_name,
    normalize_title,
    same_first_author,
)
from .pinning import REFERENCE_FIELDS, add_aliases, aliases_of

__all__ = ["DedupeResult", "LikelyDuplicate", "Merge", "REFERENCE_FIELDS", "dedupe", "merge_duplicates",
           "referenced_keys", "same_first_author"]

#: kept for callers that imported it: abstracts below this identity threshold are different work
ABSTRACT_SIMILARITY = ABSTRACT_CONTRADICTS * 100

_SCALARS = ("title", "abstract", "journal", "booktitle", "publisher", "volume", "number", "pages", "url", "note",
            "primary_class")
_ID_FIELDS = ("arxiv", "arxiv_version", "doi", "hf_paper", "isbn", "issn", "pmid")
#: fields that hold a date as text when the reader could not structure it; never next to a structured date
_DATE_TEXT = ("date", "year", "month", "day")
#: BibLaTeX field aliases: one entry never gets two names of one field
_ALIASES = ({"address", "location"}, {"school", "institution"}, {"annote", "annotation"},
            {"journal", "journaltitle"}, {"key", "sortkey"})
#: bookkeeping fields reference managers add; a difference there does not make two entries different works
_BOOKKEEPING = frozenset({"keywords", "file", "urldate", "timestamp", "owner", "groups", "date-added",
                          "date-modified", "added-at", "biburl", "bibsource", "ids", "abstract", "note", "annote",
                          "annotation", "mendeley-tags", "mendeley-groups", "readstatus", "comment", "language",
                          "langid", "copyright", "rights"})


@dataclass
class Merge:
    """One entry merged into another.

    ``kept`` is the surviving entry (its ``key`` is final once keys are assigned);
    ``merged_key`` is the key the merged-away entry had or would have had;
    ``reasons`` say why they are the same work (``arxiv``, ``doi``, ``title``,
    ``abstract``, ``identical``); ``filled`` lists fields the kept entry took from the merged one;
    ``conflicts`` the merged one's values that differed and were not taken.
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


@dataclass
class LikelyDuplicate:
    """A group of entries kept apart although they look alike.

    ``kind``: ``curated`` (entries of ``.bib`` files that may be one work but
    differ in ``differences``; merge them with ``--merge-duplicates``),
    ``reference`` (one is a ``crossref``/``xdata``/… target, or points at the
    other), ``id-conflict`` (the same arXiv ID or DOI, but a different title and
    first author: a mistyped identifier) or ``same-title`` (different works sharing a title; ``reason`` says
    what tells them apart).
    """

    kind: str
    entries: list[Entry]
    reason: str = ""
    differences: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "keys": [e.key for e in self.entries],
                "sources": [str(e.origin) if e.origin else None for e in self.entries],
                "title": self.entries[0].title if self.entries else None,
                "reason": self.reason, "differences": list(self.differences)}


@dataclass
class DedupeResult:
    """What :func:`dedupe` did: merges (one per merged-away entry) and groups kept apart."""

    merges: list[Merge] = field(default_factory=list)
    kept_apart: list[LikelyDuplicate] = field(default_factory=list)

    @property
    def likely_duplicates(self) -> list[LikelyDuplicate]:
        """The groups that may be one work (curated entries that differ, reference targets)."""
        return [g for g in self.kept_apart if g.kind != "same-title"]


# --------------------------------------------------------------------------- helpers


def _is_curated(e: Entry) -> bool:
    """An entry of a ``.bib`` file (the user's curated bibliography), as opposed to a pasted record."""
    return e.bib is not None


def _references(e: Entry) -> set[str]:
    out: set[str] = set()
    for name in REFERENCE_FIELDS:
        value = e.extra.get(name)
        if value:
            out.update(k.strip().casefold() for k in value.split(",") if k.strip())
    return out


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


def _people_sig(people: list[Person]) -> list[tuple[str, str]]:
    return [(normalize_name(p.last), normalize_name(p.given)[:1]) for p in people]


def _pages(value: str | None) -> str:
    return "".join(ch for ch in (value or "") if ch.isalnum() or ch == "-").replace("--", "-")


def shared_field_differences(a: Entry, b: Entry) -> list[str]:
    """Fields both entries have whose values differ (normalised: case, braces, spacing, dashes ignored).

    Bookkeeping fields (``keywords``, ``file``, ``urldate``, ``abstract``…) do not count.
    """
    out: list[str] = []
    if a.entry_type.casefold() != b.entry_type.casefold():
        out.append("type")
    for name in ("title", "journal", "booktitle", "publisher", "volume", "number"):
        x, y = getattr(a, name), getattr(b, name)
        if x and y and normalize_title(x) != normalize_title(y):
            out.append(name)
    if a.pages and b.pages and _pages(a.pages) != _pages(b.pages):
        out.append("pages")
    for name in ("authors", "editors"):
        x, y = getattr(a, name), getattr(b, name)
        if x and y and _people_sig(x) != _people_sig(y):
            out.append(name)
    if a.date and b.date:
        if a.date.year != b.date.year:
            out.append("year")
        elif a.date.month and b.date.month and a.date.month != b.date.month:
            out.append("month")
    for name in sorted(set(a.extra) & set(b.extra)):
        if name in _BOOKKEEPING or name in REFERENCE_FIELDS:
            continue
        if normalize_title(a.extra[name]) != normalize_title(b.extra[name]):
            out.append(name)
    return out


# --------------------------------------------------------------------------- merging


def _alias_group(name: str) -> set[str]:
    for group in _ALIASES:
        if name in group:
            return group
    return {name}


_NEVER_MERGED = frozenset({"xdata", "set"})
#: model groups and the field names an entry with that group writes
_GROUP_NAMES = {"date": ("year", "month", "day", "date"), "journal": ("journal", "journaltitle"),
                "authors": ("author",), "editors": ("editor",), "tags": ("keywords", "keyword")}


def referenced_keys(doc: Document) -> set[str]:
    """Casefolded keys that some entry of ``doc`` points at through :data:`REFERENCE_FIELDS`."""
    out: set[str] = set()
    for e in doc.entries:
        out.update(_references(e))
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
        elif theirs and _fuller(mine, theirs) and kept.bib is None:
            # the same people, more of them ("He, K. et al." and the whole list, pasted in two styles): as a
            # date of the same year is taken when more precise; a .bib entry's list is its user's, and stays
            setattr(kept, name, list(theirs))
            kept.provenance[name] = provenance(name)
            merge.filled.append(name)
        elif theirs and [normalize_name(p.last) for p in mine] != [normalize_name(p.last) for p in theirs]:
            merge.conflicts[name] = [p.display() for p in theirs]

    # a structured date never joins a date the kept entry holds as text (that would write "month" twice)
    date_as_text = any(k in kept.extra for k in _DATE_TEXT)
    if other.date:
        if date_as_text:
            if kept.date != other.date:
                merge.conflicts["date"] = other.date.iso()
        elif not kept.date:
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
        elif name == "doi" and is_arxiv_doi(str(mine)) and not is_arxiv_doi(str(theirs)):
            kept.ids.doi = theirs  # the journal DOI beats arXiv's DataCite DOI
            kept.provenance["ids.doi"] = provenance("ids.doi")
            merge.filled.append("ids.doi")
            merge.conflicts["ids.doi"] = mine
        elif str(mine).casefold() != str(theirs).casefold():
            merge.conflicts[f"ids.{name}"] = theirs
    for k, v in other.ids.others.items():
        if kept.ids.add_other(k, v):
            merge.filled.append(f"ids.{k}")

    for cat in other.categories:
        if cat not in kept.categories:
            kept.categories.append(cat)
    for link in other.links:
        kept.add_link(link)
    kept.add_tags(other.tags)
    written = _written_names(kept)
    for k, v in other.extra.items():
        if k == "ids":
            continue  # aliases are unioned below
        if k in _DATE_TEXT and kept.date and not date_as_text:
            merge.conflicts[f"extra.{k}"] = v  # the kept entry's structured date already says it
            continue
        present = [a for a in _alias_group(k) if a in kept.extra]
        if not present and k in written:
            merge.conflicts[f"extra.{k}"] = v  # the kept entry writes this field already (e.g. its year)
        elif not present:
            kept.extra[k] = v
            kept.provenance.setdefault(f"extra.{k}", provenance(f"extra.{k}"))
            merge.filled.append(f"extra.{k}")
        elif _differs(kept.extra[present[0]], v):
            merge.conflicts[f"extra.{k}"] = v
    for k, v in other.meta.items():
        kept.meta.setdefault(k, v)
    kept.meta.setdefault("merged_from", []).append(label)
    kept.problems.extend(other.problems)

    # keys: a key from the user's input (or issued earlier) must survive — as the key, or as an alias
    incoming = ([other.key] if other.key_pinned and other.key else []) + aliases_of(other)
    if other.key_pinned and other.key and not (kept.key_pinned and kept.key):
        kept.key, kept.key_pinned = other.key, True
        kept.record.key = other.record.key
        incoming = incoming[1:]
    new_aliases = add_aliases(kept, incoming)
    if new_aliases:
        if other.key_pinned and other.key and other.key in new_aliases:
            kept.problem(
                "merged-key",
                f"duplicate entry {other.key!r} ({other.origin or 'input'}) was merged into {kept.key!r}; "
                f"{other.key!r} is kept as an alias in 'ids', which biber resolves; with BibTeX, change "
                f"\\cite{{{other.key}}} to \\cite{{{kept.key}}}",
                "warning",
            )


# --------------------------------------------------------------------------- the pass


def dedupe(doc: Document, *, key_of: Callable[[Entry], str] | None = None, merge_curated: bool = False) -> DedupeResult:
    """Merge duplicate entries of ``doc`` into their first occurrence (in place); report what was kept apart.

    ``key_of`` names entries that have no key yet (the orchestrator passes the
    citation key formula), for :attr:`Merge.merged_key` and problem messages.
    ``merge_curated`` merges entries of ``.bib`` files that look like one work
    even when their fields differ.  Merged-away entries are removed from
    ``doc.blocks``.
    """
    result = DedupeResult()
    entries = doc.entries
    refs = {id(e): _references(e) for e in entries if any(n in e.extra for n in REFERENCE_FIELDS)}
    targets: set[str] = set().union(*refs.values()) if refs else set()
    index: IdentityIndex[Entry] = IdentityIndex(keys=False)  # (never asked for keys: smaller without)
    removed: set[int] = set()
    same_title: dict[str, list[Entry]] = {}  # title key -> [first member, others kept apart…]
    same_title_why: dict[str, str] = {}
    likely: dict[tuple[str, int], LikelyDuplicate] = {}
    reported: set[tuple[int, int]] = set()  # (entry, candidate) pairs a doi-conflict problem already names

    def is_target(e: Entry) -> bool:
        return bool(e.key and e.key.casefold() in targets)

    def points_at(a: Entry, b: Entry) -> bool:
        return bool(b.key and b.key.casefold() in refs.get(id(a), ()))

    def keep_apart(kind: str, kept: Entry, e: Entry, reason: str, differences: Sequence[str] = ()) -> None:
        group = likely.get((kind, id(kept)))
        if group is None:
            group = likely[(kind, id(kept))] = LikelyDuplicate(kind, [kept], reason, list(differences))
            result.kept_apart.append(group)
        group.entries.append(e)
        for d in differences:
            if d not in group.differences:
                group.differences.append(d)

    for e in entries:
        fp = Fingerprint.from_entry(e)
        target: Entry | None = None
        verdict: Judgement | None = None
        blocked = False
        # a renamed paper is found by its abstract in pasted records; a curated .bib entry is compared by its
        # identifiers and title only (its abstract still vetoes a shared title), which keeps large files fast
        curated = _is_curated(e)
        for candidate, bucket in index.candidates(fp, by_abstract=not curated):
            cfp = index.fingerprint(candidate)
            assert cfp is not None
            v = judge(cfp, fp)
            if not v.same:
                if bucket == "doi" and v.why_not:
                    reported.add((id(e), id(candidate)))
                    e.problem("doi-conflict", f"same DOI {e.ids.doi} as {_label(candidate, key_of)} but "
                              f"{v.why_not}; kept both")
                continue
            if v.by in ("arxiv", "doi") and identifier_contradicted(cfp, fp):
                which = f"arXiv ID {fp.arxiv}" if v.by == "arxiv" else f"DOI {fp.doi}"
                keep_apart("id-conflict", candidate, e, f"the same {which}")
                blocked = True
                break
            if points_at(e, candidate) or points_at(candidate, e):
                blocked = True  # a child and the parent it crossrefs (an @inbook and its @book): not duplicates
                break
            if e.entry_type in _NEVER_MERGED or candidate.entry_type in _NEVER_MERGED:
                kind = e.entry_type if e.entry_type in _NEVER_MERGED else candidate.entry_type
                keep_apart("reference", candidate, e, f"@{kind} entries are never merged")
                blocked = True
                break
            if is_target(e):
                keep_apart("reference", candidate, e, f"other entries point at {e.key!r} (crossref/xref/xdata/"
                           "related/entryset)")
                blocked = True
                break
            if _is_curated(candidate) and _is_curated(e) and not merge_curated and v.by not in ("arxiv", "doi"):
                differences = shared_field_differences(candidate, e)
                if differences:
                    keep_apart("curated", candidate, e, "entries of .bib files that may be one work", differences)
                    blocked = True
                    break
                v = Judgement(True, "identical", corroborated=True)
            target, verdict = candidate, v
            break

        if target is None:
            if not blocked and fp.titles:
                first = index.title_bucket(fp.titles[0])
                if first:
                    members = same_title.setdefault(fp.titles[0], [first[0]])
                    if len(members) == 1:
                        ffp = index.fingerprint(first[0])
                        why = judge(ffp, fp).why_not if ffp is not None else None
                        same_title_why[fp.titles[0]] = why or "nothing says they are the same work"
                    members.append(e)
            index.add(fp, e, by_abstract=not curated)
            continue
        assert verdict is not None
        reasons: list[str] = ["title" if (verdict.by or "title").startswith("title") else (verdict.by or "title")]
        tfp = index.fingerprint(target)
        if verdict.by in ("arxiv", "doi") and tfp is not None and set(tfp.titles) & set(fp.titles):
            reasons.append("title")
        if verdict.by == "arxiv" and tfp is not None and tfp.doi and tfp.doi == fp.doi:
            reasons.insert(1, "doi")
        label = _label(e, key_of)
        merged_key = e.key or (key_of(e) if key_of else None)
        merge = Merge(kept=target, merged=e, reasons=tuple(reasons), merged_key=merged_key)
        _absorb(target, e, merge, label)
        index.add(Fingerprint.from_entry(target), target, by_abstract=not _is_curated(target))  # it may have
        # gained identifiers
        removed.add(id(e))
        result.merges.append(merge)

    for title, members in same_title.items():
        members = [m for m in members if id(m) not in removed]
        if len(members) < 2:
            continue
        why = same_title_why.get(title, "")
        head, second = members[0], members[1]
        if len(members) == 2 and (id(second), id(head)) in reported:
            continue
        if len(members) == 2:
            message = f"same title as {_label(head, key_of)} but {why}; kept both"
        else:
            shown = ", ".join(_label(m, key_of) for m in members[2:5])
            more = f" and {len(members) - 5} more" if len(members) > 5 else ""
            message = (f"{len(members)} entries share this title — {_label(head, key_of)}, this one, {shown}{more} — "
                       f"but are different works (this one has {why}); all kept")
        second.problem("same-title", message)
        result.kept_apart.append(LikelyDuplicate("same-title", members, why))
    for group in likely.values():
        if group.kind == "curated":
            what = ", ".join(group.differences)
            message = (f"likely duplicate of {_label(group.entries[0], key_of)}"
                       + (f" (and {len(group.entries) - 2} more)" if len(group.entries) > 2 else "")
                       + f": same work by title, but {what} differ; kept apart "
                       "(merge them with --merge-duplicates, or fix the entries)")
        elif group.kind == "id-conflict":
            group.entries[1].problem("id-conflict", f"{group.reason} as {_label(group.entries[0], key_of)}, but a "
                                     "different title and first author: one identifier is probably wrong; kept both")
            continue
        else:  # a reference target or an @xdata/@set entry: the same work, kept so nothing breaks
            group.entries[1].problem("same-work", f"the same work as {_label(group.entries[0], key_of)}, but "
                                     f"{group.reason}; kept both", "info")
            continue
        group.entries[1].problem("likely-duplicate", message)

    if removed:
        doc.blocks[:] = [b for b in doc.blocks if id(b) not in removed]
    forget_title_forms()  # (memory: the title forms of every entry served this pass only)
    return result


def _fuller(mine: list[Person], theirs: list[Person]) -> bool:
    """Whether ``theirs`` names the people of ``mine`` more fully: the ones ``mine`` cut short with "and
    others" and more of them, or the same people with given names where ``mine`` has initials ("K." →
    "Kaiming")."""
    if not mine or theirs[-1].is_others:
        return False
    if mine[-1].is_others:
        shown = mine[:-1]
        return bool(shown) and len(theirs) >= len(mine) and all(
            normalize_name(a.last) == normalize_name(b.last) for a, b in zip(shown, theirs))
    if len(mine) != len(theirs):
        return False
    longer = False
    for a, b in zip(mine, theirs):
        if normalize_name(a.last) != normalize_name(b.last):
            return False
        ga, gb = a.given.replace(".", " ").split(), b.given.replace(".", " ").split()
        if len(ga) != len(gb) or any(not y.lower().startswith(x.lower()) for x, y in zip(ga, gb)):
            return False
        longer = longer or len(" ".join(gb)) > len(" ".join(ga))
    return longer


def merge_duplicates(doc: Document, *, key_of: Callable[[Entry], str] | None = None,
                     merge_curated: bool = False) -> list[Merge]:
    """Merge duplicate entries of ``doc`` into their first occurrence (in place); the merges, in input order.

    See :func:`dedupe` (which also reports the groups kept apart).
    """
    return dedupe(doc, key_of=key_of, merge_curated=merge_curated).merges
