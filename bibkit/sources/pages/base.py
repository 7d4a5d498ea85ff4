"""What every page reader produces: paper drafts, skipped lines, and the sink that collects them.

A reader gets the lines of one block of the paste and, for each paper it
recognises, fills a :class:`Draft` — what the page says about the paper, in the
page's own terms (a title, author names in reading order, a year, a venue,
identifiers, code links, an abstract, the whole reference string).
:meth:`Draft.to_entry` turns it into a model :class:`~bibkit.model.Entry` with
provenance ``listing`` on every field (what the paste says is kept: the
resolver verifies the page's identifiers and uses its authors, year and venue
as hints, and they remain the fallback when nothing is found).  Every line a
reader does not use goes to :meth:`Sink.skip` with the reason, so the report
can list them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Callable

from ...bibnames import OTHERS
from ...links import canonical_link
from ...model import Entry, LinkKind, PartialDate, Person, Problem, Provenance, SkippedLine, SourceLocation
from ...names import _ORG_WORDS, is_name_suffix, parse_plain_name
from ...normalize.venuekind import is_proceedings_journal
from ...record import PageReader, ReadBy
from ..paperids import PaperId
from ..pastetext import Line, clean_title, decode_entities, fix_text, shorten, trim_venue

__all__ = ["SOURCE", "Draft", "Sink", "venue_kind", "REFERENCE_KIND"]

#: provenance source of every field a page reader sets
SOURCE = "listing"
#: ``entry.meta["listing_kind"]`` of entries read from a reference string: the resolver verifies
#: candidates for them by containment (the candidate's title must appear inside the string)
REFERENCE_KIND = "reference"

#: a proceedings' words (looked for in the lower-cased venue) and its names (as written)
_PROCEEDINGS_WORDS = re.compile(r"\b(?:proceedings|proc\.|conference|conf\.|workshops?|symposium|findings of|meeting|"
                                r"congress|advances in neural information processing)")
_PROCEEDINGS = re.compile(
    r"\b(?:NeurIPS|NIPS|ICML|ICLR|ACL|EMNLP|NAACL|EACL|AACL|COLING|LREC|CVPR|ICCV|ECCV|WACV|AAAI|IJCAI|KDD|SIGIR|WWW|"
    r"WSDM|CIKM|RecSys|ICASSP|INTERSPEECH|Interspeech|CoRL|RSS|ICRA|IROS|UAI|AISTATS|COLT|MLSys|FAccT|CHI|UIST|"
    r"CSCW|ICSE|FSE|ASE|OSDI|SOSP|NSDI|EuroSys|ISCA|MICRO|ASPLOS|SIGMOD|VLDB|ICDE|CoNLL|TACL)\b",
)
#: a preprint server, an unpublished paper, or a report, thesis or blog post: no journal and no proceedings
#: (matched at the start of the lower-cased venue)
_PREPRINT = re.compile(r"\s*(?:arxiv|corr|preprint|biorxiv|medrxiv|ssrn|techrxiv|openreview|under review|submitted|"
                       r"in submission|to appear|forthcoming|manuscript|(?:technical |tech\. |research )?rep(?:ort|\.)|"
                       r"white ?paper|(?:ph\.? ?d\.?|doctoral|master'?s|bachelor'?s) (?:thesis|dissertation)|thesis|"
                       r"dissertation|blog|model card|system card)\b")


def venue_kind(venue: str) -> str | None:
    """``booktitle`` for proceedings, ``journal`` for a journal, ``None`` for a preprint server or nothing."""
    v = venue.strip()
    low = v.lower()
    if not v or _PREPRINT.match(low) or "arxiv preprint" in low:
        return None
    if "proc" in low and is_proceedings_journal(v):  # PNAS, Proc. IEEE, Proc. R. Soc. A: journals
        return "journal"
    if _PROCEEDINGS_WORDS.search(low) or _PROCEEDINGS.search(v):
        return "booktitle"
    return "journal"


@dataclass(slots=True)
class Draft:
    """What a page says about one paper (see the module docstring)."""

    reader: PageReader
    shape: str
    line: int  # the first line of the paper in the paste
    confidence: float = 1.0
    title: str | None = None
    authors: list[str] = field(default_factory=list)  # natural order, as the page spells them
    truncated: bool = False  # the page shows only some authors ("et al.", "+3 authors")
    year: int | None = None
    month: int | None = None
    day: int | None = None
    date_text: str | None = None
    date_end: str | None = None  # the end of a date range the page gives ("2023–2024")
    venue: str | None = None
    #: the venue's name is exactly as written, its last full stop included (one an abbreviation's that the
    #: usual trimming cannot tell from a sentence's: ACS's "Remote Sens. 2021, 13, 1234")
    venue_exact: bool = False
    volume: str | None = None  # the venue's details as the page states them (see .details)
    number: str | None = None
    pages: str | None = None  # an en dash inside a range, as bibkit.normalize.pages stores it
    publisher: str | None = None
    address: str | None = None
    #: what the page itself says the venue is ("booktitle"/"journal": a site that labels its results
    #: "Conference Paper" or "Journal Article"), over what the venue's words suggest
    venue_as: str | None = None
    #: the entry type the page states outright (an OpenReview submission is ``unpublished``; dblp's kinds of
    #: entry, the ACM Digital Library's): without ``venue_as``, the venue goes to the field that type uses
    #: instead of one guessed from the venue's words
    entry_type: str | None = None
    note: str | None = None  # what the page says of the paper's status ("Submitted to ICLR 2025")
    abstract: str | None = None
    ids: list[PaperId] = field(default_factory=list)
    code: list[str] = field(default_factory=list)
    reference: str | None = None  # the whole reference string (reference lists, cited notes)
    meta: dict[str, Any] = field(default_factory=dict)
    editors: list[str] = field(default_factory=list)  # natural order (a dblp editorship)
    role: str | None = None  # what the names opening a reference are when not authors: "editor", "translator"
    extra: dict[str, str] = field(default_factory=dict)  # fields of their own the page states (isbn, school)

    def add_id(self, ident: PaperId) -> None:
        if all(i.key != ident.key for i in self.ids):
            self.ids.append(ident)

    @property
    def arxiv(self) -> PaperId | None:
        return next((i for i in self.ids if i.kind == "arxiv"), None)

    def has_evidence(self) -> bool:
        return bool(self.title or self.ids)

    # ------------------------------------------------------------------ to the model

    def to_entry(self, origin: str, block_confidence: float = 1.0) -> tuple[Entry, list[Problem]]:
        """The model entry (every field with provenance ``listing``) and the problems found on the way.

        (The fields are set directly, each with its provenance, as :meth:`Entry.set` would; a
        :class:`Provenance` is immutable, so the fields said with the same confidence share one.)"""
        where = SourceLocation(origin, self.line)
        detail = f"line {self.line}"
        entry = Entry(entry_type="misc", origin=where)
        provenance, meta = entry.provenance, entry.meta
        problems: list[Problem] = []
        confidence = round(max(0.05, min(1.0, self.confidence * block_confidence)), 2)
        hint = round(0.8 * confidence, 2)  # authors, date: what a page says, less sure than its title
        venue_confidence = round(0.7 * confidence, 2)
        entry.record.read_by = ReadBy(self.reader, confidence, self.shape)
        said: Provenance | None = None  # (the title's and abstract's)
        if self.title:
            title, unknown = decode_entities(clean_title(self.title))
            if unknown:
                problems.append(Problem("unknown-entity", f"the title holds {', '.join(sorted(set(unknown)))}, "
                                        "which is no HTML character name; kept as written", "warning", where))
            if title:
                entry.title = title
                provenance["title"] = said = Provenance(SOURCE, confidence, detail)
                meta["listing_title"] = title
        if self.abstract:
            abstract, _ = decode_entities(fix_text(self.abstract))
            entry.abstract = abstract
            provenance["abstract"] = said or Provenance(SOURCE, confidence, detail)
        hinted: Provenance | None = None  # (the authors' and date's)
        if self.authors:
            persons = [p for p in (_person(n) for n in self.authors if n.strip())
                       if p.literal or p.family.strip() or p.particle.strip()]  # (what ``p.last`` is, unbuilt)
            if persons:
                if self.truncated:
                    persons.append(OTHERS)
                entry.authors = persons
                provenance["authors"] = hinted = Provenance(SOURCE, hint, detail)
        if self.year:
            try:
                date = PartialDate(self.year, self.month, self.day if self.month else None)
            except ValueError:
                date = PartialDate(self.year)
            entry.date = date
            provenance["date"] = hinted or Provenance(SOURCE, hint, detail)
        if self.date_text:
            meta["listing_published"] = self.date_text
        if self.date_end:
            meta["listing_date_end"] = self.date_end
            problems.append(Problem("date-range", f"the page gives a date range; its start is the date, its end "
                                    f"({self.date_end}) is kept as listing_date_end", "info", where))
        self._venue_to(entry, venue_confidence, detail)
        for ident in self.ids:
            self._apply_id(entry, ident, detail)
        for url in self.code:
            link = canonical_link(url, SOURCE)
            if link.kind is LinkKind.GITHUB:
                link.role, link.evidence = "primary", f"code link beside the paper ({detail})"
                entry.add_link(link)
                provenance["links"] = Provenance(SOURCE, confidence, detail)
        if self.reference:
            meta["reference"] = self.reference
            meta["listing_kind"] = REFERENCE_KIND
        if self.meta:
            meta.update({k: v for k, v in self.meta.items() if not k.startswith("_")})
        return entry, problems

    def _venue_to(self, entry: Entry, confidence: float, detail: str) -> None:
        """The venue (its kind makes the entry's type) and the details the page states beside it.

        (Fields are set directly, with their provenance, as :meth:`Entry.set` would: a reference list
        makes thousands of entries, and the checks ``set`` makes for any caller are known to pass here.)"""
        provenance = entry.provenance
        said: Provenance | None = None
        if self.entry_type is not None:
            said = Provenance(SOURCE, confidence, detail)
            entry.entry_type = self.entry_type
            provenance["entry_type"] = said
        if self.editors:
            entry.editors = [p for p in (_person(n) for n in self.editors if n.strip())
                             if p.literal or p.family.strip()]
            provenance["editors"] = said or Provenance(SOURCE, confidence, detail)
        for name, value in self.extra.items():
            entry.extra[name] = value
            provenance[name] = said or Provenance(SOURCE, confidence, detail)
        if self.venue:
            # (a page that states the entry's type, dblp's or the ACM's, states its venue's exact name: "Neural
            # Comput." keeps its stop; a site that only labels the venue's kind gets the usual trimming)
            exact = (self.entry_type is not None and self.venue_as is None) or self.venue_exact
            venue = fix_text(self.venue).strip(" ,;:") if exact else trim_venue(fix_text(self.venue))
            entry.meta["listing_venue"] = venue
            kind = self.venue_as or (venue_kind(venue) if self.entry_type is None else _TYPE_VENUE.get(self.entry_type))
            if kind is not None:
                said = said or Provenance(SOURCE, confidence, detail)
                if self.entry_type is not None:
                    if kind == "school":
                        entry.extra["school"] = venue
                    else:
                        setattr(entry, kind, venue)
                    provenance[kind] = said
                elif kind == "booktitle":
                    entry.booktitle, entry.entry_type = venue, "inproceedings"
                    provenance[kind] = provenance["entry_type"] = said
                else:
                    entry.journal, entry.entry_type = venue, "article"
                    provenance[kind] = provenance["entry_type"] = said
        elif self.publisher and self.entry_type is None and entry.entry_type == "misc" and not self.ids:
            # "Deep Learning. MIT Press, 2016.": a work whose only venue is its publisher is a book
            said = Provenance(SOURCE, confidence, detail)
            entry.entry_type = "book"
            provenance["entry_type"] = said
        if self.note:
            entry.note = self.note
            provenance["note"] = said or Provenance(SOURCE, confidence, detail)
        if self.volume or self.number or self.pages or self.publisher or self.address:
            said = said or Provenance(SOURCE, confidence, detail)
            for name in _DETAIL_FIELDS:
                value = getattr(self, name)
                if value:
                    setattr(entry, name, value)
                    provenance[name] = said
            if self.address:
                entry.extra["address"] = self.address
                provenance["address"] = said

    @staticmethod
    def _apply_id(entry: Entry, ident: PaperId, detail: str) -> None:
        if ident.kind == "arxiv":
            if entry.ids.arxiv is None:
                entry.set_id("arxiv", ident.value, SOURCE, 1.0, detail)
                if ident.version is not None:
                    entry.ids.arxiv_version = ident.version
                    entry.provenance["ids.arxiv_version"] = Provenance(SOURCE, 1.0, detail)
                if entry.entry_type == "misc":
                    entry.set("entry_type", "preprint", SOURCE, 1.0, detail)
            if ident.via == "hf" and entry.ids.hf_paper is None:
                entry.set_id("hf_paper", ident.value, SOURCE, 1.0, detail)
        elif ident.kind == "doi":
            if entry.ids.doi is None:
                entry.set_id("doi", ident.value, SOURCE, 1.0, detail)
            if entry.url is None:
                entry.set("url", f"https://doi.org/{ident.value}", SOURCE, 1.0, detail)
        elif ident.kind == "pmid":
            if entry.ids.pmid is None:
                entry.set_id("pmid", ident.value, SOURCE, 1.0, detail)
        else:
            entry.ids.add_other(ident.kind, ident.value)
            entry.provenance[f"ids.{ident.kind}"] = Provenance(SOURCE, 1.0, detail)
        if ident.url and entry.url is None and ident.kind != "arxiv":
            entry.set("url", ident.url if "://" in ident.url else "https://" + ident.url, SOURCE, 1.0, detail)


#: where the venue goes in an entry of the type a page states (a book's, a proceedings' venue is its publisher)
_TYPE_VENUE = {"article": "journal", "inproceedings": "booktitle", "incollection": "booktitle", "phdthesis": "school"}
#: the venue's details a page states that are fields of their own on the entry (the address is an extra field)
_DETAIL_FIELDS = ("volume", "number", "pages", "publisher")

_SIMPLE_NAME = re.compile(r"^(?:[^\W\d_][\w'’.-]*\s){1,3}[^\W\d_][\w'’-]*$")


@lru_cache(maxsize=8192)
def _person(name: str) -> Person:
    """A natural-order name as a :class:`Person`: "Given [Middle] Family" (capitalised words, no
    comma, particle or suffix) directly, as BibTeX would split it; anything else by
    :func:`~bibkit.names.parse_plain_name`.  (A reference list has thousands of names: the direct
    path keeps reading them cheap.)"""
    name = name.strip()
    if _SIMPLE_NAME.match(name):
        words = name.split()
        for w in words:
            if not (w[0].isupper() and (not w.isupper() or len(w) <= 2) or w.endswith(".")):
                # (a lower-case word is a particle, "de la Tour": BibTeX's von part, for pybtex below)
                break
        else:
            low = name.casefold().replace(".", " ").split()  # (the pattern lets no comma or bracket in)
            if (low[-1][0] not in _SUFFIX_FIRST or not is_name_suffix(low[-1], initial_v=True)) \
                    and _ORG_WORDS.isdisjoint(low):
                return Person(family=words[-1], given=" ".join(words[:-1]))
    return parse_plain_name(name)



#: the first letters of the (lower-cased) name suffixes: most names are asked no more than this
_SUFFIX_FIRST = frozenset("jsi23")


@dataclass
class Sink:
    """Where the readers of one paste put their papers, skipped lines and problems."""

    origin: str
    drafts: list[tuple[Draft, float]] = field(default_factory=list)  # with the block's confidence
    skipped: list[SkippedLine] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    metadata: dict[str, Any] = field(default_factory=dict)
    entries: list[Entry] = field(default_factory=list)  # entries made by whole-page readers (titles)
    block_confidence: float = 1.0

    def mark(self) -> tuple[int, int, int]:
        """Where the sink stands (drafts, skipped lines, problems), to :meth:`undo` a reading back to."""
        return len(self.drafts), len(self.skipped), len(self.problems)

    def undo(self, mark: tuple[int, int, int]) -> None:
        del self.drafts[mark[0]:], self.skipped[mark[1]:], self.problems[mark[2]:]

    def skip(self, line: Line, reason: str) -> None:
        if line.text:
            self.skipped.append(SkippedLine(SourceLocation(self.origin, line.no), shorten(line.text), reason))

    def skip_all(self, lines: list[Line], reason: str) -> None:
        for line in lines:
            self.skip(line, reason)

    def skip_unread(self, rows: list[Line], used: dict[int, str], why: Callable[[str], str]) -> None:
        """Skip the rows a reader did not read into a paper: ``used`` maps a row to why it is no paper ("" when
        it went into one); a row not in it is skipped for ``why(text)``."""
        for k, line in enumerate(rows):
            reason = used.get(k)
            if reason is None:
                self.skip(line, why(line.text))
            elif reason:
                self.skip(line, reason)

    def add(self, draft: Draft) -> None:
        self.drafts.append((draft, self.block_confidence))

    def problem(self, line: int | None, code: str, message: str, severity: str = "warning") -> None:
        self.problems.append(Problem(code, message, severity, SourceLocation(self.origin, line)))
