"""Read ``.bib`` files (BibTeX and BibLaTeX) into the model, keeping enough to write them back exactly.

The text is split into blocks by :mod:`bibkit.sources.bibscan`, which follows
BibTeX's own grammar and recovers block by block: only a block BibTeX cannot read
goes to the slow, lenient path — ``bibtexparser.parse_string`` on that block alone
(no middleware: we want the raw value expressions) plus the repairs below — and is
kept byte for byte when that reading is not plausible.  This module then

* resolves ``@string`` macros and ``#`` concatenations (macro names are
  case-insensitive; ``jan``…``dec`` are predefined) for the model's values,
  while the raw expression of every field is kept in :class:`BibOrigin` so the
  writer emits an untouched field byte for byte (a month stays ``mar``, a
  title stays ``foo # " bar"``);
* decodes LaTeX to Unicode (:mod:`bibkit.normalize.latex`) except in verbatim
  fields (``url``, ``doi``, ``eprint``, ``file``…);
* structures what the model knows: names (:mod:`bibkit.bibnames`), the date
  from ``year``/``month``/``day`` or BibLaTeX ``date``, identifiers (DOI,
  arXiv from ``eprint`` + ``archivePrefix``/``eprinttype`` or from
  ``arxiv``/journal/URL/DOI forms, ISBN, ISSN, PMID), ``keywords`` → tags,
  ``github`` → the paper's primary code link; every other field goes to
  :attr:`Entry.extra`, decoded;
* keeps ``@string``, ``@preamble``, ``@comment`` and the text between entries
  as :class:`RawBlock` s, in order.

Malformed input never sinks the file: a block BibTeX cannot read, a duplicate
field, a missing comma between fields, text that looks like the remains of an
entry with one ``}`` too many, a NUL byte — each becomes a :class:`Problem`
naming file, line and key, and the text of a block nothing could read is kept as
a ``text`` block (with ``raw`` set) so writing the file back changes nothing.  ``strict=True`` raises
:class:`~bibkit.errors.InputError` for the first malformed entry instead.
Duplicate keys are not malformed: both entries are read, the later one gets a
``duplicate-key`` problem (later stages merge it, when it is the same work, or
give it a suffixed key, and say which).  Keys are kept as
written, non-ASCII ones included (bibtex, biber and LaTeX's UTF-8 input handle
``Müller2018``; the tests compile one).

Model values for one entry are recorded in ``BibOrigin.decoded`` per *group*
(``title``, ``authors``, ``date``, ``ids.arxiv``, ``extra:<name>``…) — only for
groups the input had — with ``decoded["__groups__"]`` mapping each field to its
group: the writer compares each group with the entry's current value
(:func:`group_value`) to decide between verbatim and re-encoded output.

Memory, for 100,000-entry files: field names are interned; ``BibOrigin.names``
lists only names not written in lower case (``names.get(n, n)`` gives the written
form); a field written as a plain ``{text}`` whose model value is that text keeps
the text alone in ``BibOrigin.fields`` (one string shared with the model, listed in
``decoded["__braced__"]``) — read raw expressions with :func:`raw_value`.
"""

from __future__ import annotations

import re
import sys
from typing import TYPE_CHECKING, Any, Iterable, Mapping

from ..bibnames import parse_bibtex_names
from ..bibsyntax import BRACED_KEY as _BRACED
from ..bibsyntax import (  # noqa: F401
    MONTH_MACROS,
    MONTH_NAMES,
    VERBATIM_FIELDS,
    github_value,
    group_value,
    is_verbatim_field,
    month_number,
    parse_expression,
    raw_value,
)
from ..bibsyntax import UNESCAPED_BRACE as _BRACE
from ..errors import InputError
from ..lazyre import compile_on_first_use
from ..links import canonical_link, find_arxiv_ids, normalize_arxiv_id, normalize_doi
from ..model import (
    BibOrigin,
    Document,
    Entry,
    Link,
    LinkKind,
    PartialDate,
    Problem,
    Provenance,
    RawBlock,
    SharedKeys,
    SourceLocation,
)
from ..normalize.latex import decode
from . import MACROS_METADATA
from .bibscan import ScanBlock, iter_blocks

__all__ = ["read", "group_value", "raw_value", "github_value", "VERBATIM_FIELDS", "MONTH_MACROS",
           "is_verbatim_field", "parse_expression"]

if TYPE_CHECKING:  # bibtexparser is imported by the slow path only: a well-formed file never loads it
    from bibtexparser import model as bp


def _bibtexparser() -> Any:
    """bibtexparser, imported by the slow path on first use, its logger silenced (with ``logging``: start-up).

    bibtexparser logs every failed block as a warning; we report them as Problems instead.
    """
    import logging

    import bibtexparser

    logger = logging.getLogger("bibtexparser")
    if not logger.handlers:
        logger.addHandler(logging.NullHandler())
    logger.propagate = False
    return bibtexparser

_MONTH_FULL = {v: k.capitalize() for k, v in MONTH_NAMES.items() if k != "sept"}

_NAME_FIELDS = frozenset({"author", "editor"})
#: fields that map one-to-one to an Entry attribute
_SIMPLE_ATTRS = {
    "title": "title", "abstract": "abstract", "journal": "journal", "booktitle": "booktitle",
    "publisher": "publisher", "volume": "volume", "number": "number", "pages": "pages", "note": "note",
}
_BOOKKEEPING = "__groups__"
_NO_NAMES = SharedKeys.of({})  # BibOrigin.names of the entries written in lower case (nearly all): one, shared
#: Memory: a raw value this short (a year, a month or journal macro, "{arXiv}") is kept once for all entries
_SHARED_RAW = 16
#: fields whose values recur across a library (venues, publishers, places, types): one copy of each value
_REPEATED_FIELDS = frozenset({
    "journal", "journaltitle", "booktitle", "publisher", "address", "location", "organization", "institution",
    "school", "series", "howpublished", "type", "language", "archiveprefix", "eprinttype", "primaryclass",
    "eprintclass", "month", "edition", "pubstate",
})
#: groups whose model value is one string copied from one field
_PLAIN_GROUPS = frozenset({"title", "abstract", "journal", "booktitle", "publisher", "volume", "number",
                           "pages", "note", "url"})
_BRACED_CACHE: dict[tuple[str, ...], frozenset[str]] = {}

_WS = compile_on_first_use(__name__, r"[ \t\n\r\f\v]+")
_MISSING_COMMA = compile_on_first_use(__name__, r"^\s*([A-Za-z_][\w:.+/-]*)\s*=\s*(.*)$", re.DOTALL)
_ENTRY_HEAD = compile_on_first_use(__name__, r"^@\s*([A-Za-z_][\w-]*)\s*[{(]\s*([^,\s{}()]*)")
_LEFTOVER = compile_on_first_use(__name__, r"^\s*(?:,|[A-Za-z_][\w:.+/-]*\s*=\s*[{\"\d])")
_CORR_ABS = compile_on_first_use(__name__, r"^abs/(.+)$")
_PMID_NOTE = compile_on_first_use(__name__, r"^\s*PMID:?\s*(\d+)\s*$", re.IGNORECASE)
_ISO_FULL = compile_on_first_use(__name__, r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$")


# --------------------------------------------------------------------------- value expressions


def _cut_expression(raw: str, leftover: str) -> str:
    """The part of ``raw`` before ``leftover`` (trailing white space removed)."""
    return raw[: len(raw) - len(leftover)].rstrip()


# --------------------------------------------------------------------------- reading


#: the dates read so far, one object each (immutable): a big file has a few hundred distinct ones, and a
#: date (with its year) of its own per entry cost 8 MB for 100,000 entries
_DATES: dict[tuple[int, int | None, int | None], PartialDate] = {}
_DATES_MAX = 8192


def _shared_date(year: int, month: int | None, day: int | None) -> PartialDate:
    """``PartialDate(year, month, day)``, the one object of the dates seen before (bounded)."""
    date = _DATES.get((year, month, day))
    if date is None:
        date = PartialDate(year, month, day)
        if len(_DATES) < _DATES_MAX:
            _DATES[(year, month, day)] = date
    return date


class _Reader:
    def __init__(self, text: str, origin: str, strict: bool, later: dict[str, str] | None = None,
                 earlier: Mapping[str, str] | None = None):
        self.text = text
        self.origin = origin
        self.strict = strict
        #: the @string macros of the inputs read before this one (see :func:`read`)
        self.earlier = earlier
        self.macros: dict[str, str] = dict(earlier) if earlier else {}
        #: every @string of the file as finally defined, for macros used before their definition
        #: (a second pass; BibTeX itself would print nothing for them, the writer moves the definition up)
        self.later = later
        self.undefined: set[str] = set()
        self.doc = Document(metadata={"format": "bib"})
        self.keys_seen: dict[str, int] = {}
        self.doc_pending_comments: list[str] = []
        self.values: dict[str, tuple[str, list[tuple[str, str]]]] = {}
        self.prov = Provenance("bib", 1.0, origin)

    # -- helpers ------------------------------------------------------------------------

    def loc(self, line0: int | None) -> SourceLocation:
        return SourceLocation(self.origin, None if line0 is None else line0 + 1)

    def malformed(self, message: str, line0: int | None, key: str | None, *, entry: Entry | None = None,
                  code: str = "malformed-entry") -> None:
        """Record (or, when strict, raise) a malformed-input problem."""
        if self.strict:
            raise InputError(message, self.loc(line0), key or None)
        p = Problem(code, message, "error", self.loc(line0), key or None)
        if entry is not None:
            entry.problems.append(p)
        else:
            self.doc.problems.append(p)

    def resolve(self, parts: list[tuple[str, str]], line0: int | None, key: str | None,
                entry: Entry | None) -> str:
        if len(parts) == 1 and parts[0][0] != "macro":
            return parts[0][1]
        out = []
        for kind, text in parts:
            if kind == "macro":
                name = text.lower()
                value = self.macros.get(name)
                if value is None and self.later is not None and name in self.later:
                    value = self.later[name]
                    p = Problem("macro-used-before-definition", f"@string macro {text!r} is used before its "
                                "definition: BibTeX and biber read definitions in order and find it undefined "
                                "here (move the @string up; --to bibtex/biblatex does); bibkit uses the "
                                "definition for its own values", "info", self.loc(line0), key or None)
                    (entry.problems if entry is not None else self.doc.problems).append(p)
                if value is None:
                    self.undefined.add(name)
                    month = MONTH_MACROS.get(name)
                    if month is not None:
                        value = _MONTH_FULL[month]
                    else:
                        value = text
                        p = Problem("undefined-macro", f"@string macro {text!r} is not defined in this file or an "
                                    "earlier input; its name is used as the value", "info", self.loc(line0),
                                    key or None)
                        (entry.problems if entry is not None else self.doc.problems).append(p)
                out.append(value)
            else:
                out.append(text)
        return "".join(out)

    # -- blocks -------------------------------------------------------------------------

    def run(self) -> Document:
        doc = self.consume(iter_blocks(self.text))
        if self.later is None and self.undefined & self.macros.keys():
            # macros used before their @string: read again knowing every definition
            return _Reader(self.text, self.origin, self.strict, dict(self.macros), self.earlier).run()
        doc.metadata[MACROS_METADATA] = self.macros
        return doc

    def consume(self, blocks: Iterable[ScanBlock]) -> Document:
        prev_entry: Entry | None = None
        for block in blocks:
            kind, line0 = block.kind, block.line
            if kind == "entry":
                prev_entry = self.add_entry(block.text, block.key, block.fields, line0)
                if block.note:
                    self.malformed(block.note, line0, prev_entry.key, entry=prev_entry, code="repaired-entry")
                for code, message, wline in block.warnings:
                    prev_entry.problems.append(Problem(code, message, "warning", self.loc(wline), prev_entry.key))
                continue
            if kind == "broken":
                prev_entry = self.add_broken(block)
                continue
            for code, message, wline in block.warnings:
                self.doc.problems.append(Problem(code, message, "warning", self.loc(wline), None))
            if kind == "text":
                text = block.text
                if prev_entry is not None and _LEFTOVER.match(text):
                    self.malformed(
                        f"text after entry {prev_entry.key!r} looks like more of its fields "
                        "(a '}' too many, or unbalanced braces?); it is kept as text between entries",
                        line0, prev_entry.key, code="stray-text")
                self.doc.blocks.append(RawBlock("text", text, origin=self.loc(line0)))
            elif kind == "comment":
                self.doc.blocks.append(RawBlock("comment", block.text.strip(), origin=self.loc(line0),
                                                raw=block.raw or None))
            elif kind == "preamble":
                self.doc.blocks.append(RawBlock("preamble", block.text.strip(), origin=self.loc(line0),
                                                raw=block.raw or None))
            elif kind == "string":
                self.add_string(block.key, block.text, line0, block.raw or None)
            else:  # "failed": the lenient path could not read it either
                self.add_failed(block.text, block.key, line0)
            prev_entry = None
        return self.doc

    def add_broken(self, block: ScanBlock) -> Entry | None:
        """A block BibTeX cannot read: read it the lenient way (bibtexparser + repairs), or keep its
        text unchanged.  Returns the entry read from it, if any."""
        slow = _lenient_blocks(block.raw, block.line)
        if slow is None:
            self.add_failed(block.raw, block.key, block.line)
            return None
        entry: Entry | None = None
        for b in slow:
            if b.kind == "entry":
                entry = self.add_entry(b.text, b.key, b.fields, b.line)
                if b.note:
                    self.malformed(b.note, b.line, entry.key, entry=entry, code="repaired-entry")
                elif not any(p.severity == "error" for p in entry.problems):
                    self.malformed(f"BibTeX cannot read this entry ({block.key}); it was read the lenient "
                                   "way — check it", b.line, entry.key, entry=entry)
            elif b.kind == "string":
                self.add_string(b.key, b.text, b.line, None)
                self.malformed(f"BibTeX cannot read this @string ({block.key}); it was read the lenient "
                               "way — check it", b.line, b.key, code="malformed-string")
            elif b.kind == "preamble":
                self.doc.blocks.append(RawBlock("preamble", b.text.strip(), origin=self.loc(b.line)))
                self.malformed(f"BibTeX cannot read this @preamble ({block.key}); it was read the lenient "
                               "way — check it", b.line, None)
            elif b.kind == "comment":
                self.doc.blocks.append(RawBlock("comment", b.text, origin=self.loc(b.line)))
            else:
                self.doc.blocks.append(RawBlock("text", b.text, origin=self.loc(b.line)))
        return entry

    def add_failed(self, raw: str, reason: str, line0: int | None) -> None:
        head = _ENTRY_HEAD.match(raw)
        key = head.group(2) if head and head.group(2) else None
        self.malformed(f"could not read this block ({reason}); its text is kept unchanged, fix it by hand",
                       line0, key)
        # raw marks it as a block kept as it was (the writer keeps free text from running into it)
        self.doc.blocks.append(RawBlock("text", raw, origin=self.loc(line0), raw=raw))

    def add_string(self, name: str, raw: str, line0: int | None, written: str | None = None) -> None:
        raw = raw.strip()
        name = name.strip()
        parts, leftover = parse_expression(raw)
        if leftover:
            self.malformed(f"@string {name!r}: cannot parse the value after {leftover[:30]!r}",
                           line0, None, code="malformed-string")
        self.macros[name.lower()] = self.resolve(parts, line0, None, None)
        self.doc.blocks.append(RawBlock("string", raw, name=name, origin=self.loc(line0), raw=written))

    # -- entries ------------------------------------------------------------------------

    def add_entry(self, written_type: str, key: str,
                  raw_fields: list[tuple[str, str, int, list[tuple[str, str]] | None]],
                  line0: int | None) -> Entry:
        key = (key or "").strip()
        entry = Entry(entry_type=_entry_type(written_type), key=key or None, key_pinned=bool(key),
                      origin=self.loc(line0))
        origin = BibOrigin(entry_type=sys.intern(written_type))
        raw_values: dict[str, str] = {}
        written_names: dict[str, str] = {}
        origin.fields, origin.names = raw_values, written_names  # frozen into SharedKeys by _snapshot
        entry.bib = origin
        if not key:
            entry.problem("missing-key", "entry has no citation key; one will be assigned")
        else:
            folded = key.casefold()
            if folded in self.keys_seen:
                entry.problem("duplicate-key", f"duplicate key {key!r} (first used on line "
                              f"{self.keys_seen[folded] + 1})")
            else:
                self.keys_seen[folded] = line0 if line0 is not None else 0

        # collect fields (lower-case name -> (written name, raw, line)), recovering missing commas
        fields: list[tuple[str, str, str, int | None]] = []
        seen: dict[str, int] = {}
        pending = list(raw_fields)
        pending.reverse()
        moved: list[str] = []  # "%" lines found among the fields, moved out of the entry
        values = self.values
        while pending:
            fname, raw, fline, parts = pending.pop()
            if "%" in fname:
                # bibtexparser gives the '%' lines before a field as part of its name: they start
                # as many lines above the field's '=' as the name has line breaks
                cline = fline - fname.count("\n") if fline is not None else None
                fname, comment = _split_comment_lines(fname, raw)
                if comment:
                    moved.append(comment)
                    self.malformed(f"a '%' line inside the entry ({comment.splitlines()[0][:60]!r}): BibTeX does "
                                   "not read '%' as a comment there and skips the rest of the entry; the line is "
                                   "moved before the entry", cline, key, entry=entry, code="comment-in-entry")
                if not fname:
                    continue
            fname, lname = _FIELD_NAMES.get(fname) or _field_name(fname)
            if parts is None:
                raw = raw.strip()
                parts, leftover = parse_expression(raw)
            else:  # already split by the fast scanner
                leftover = ""
            if leftover:
                m = _MISSING_COMMA.match(leftover)
                if m and parts:
                    self.malformed(f"missing comma after field {fname!r}; the following field "
                                   f"{m.group(1)!r} is read as a field of its own", fline, key, entry=entry)
                    raw = _cut_expression(raw, leftover)
                    pending.append((m.group(1), m.group(2).strip().rstrip(",").strip(), fline, None))
                else:
                    self.malformed(f"field {fname!r}: cannot parse the value after {leftover[:40]!r}; "
                                   "the value is kept as written", fline, key, entry=entry,
                                   code="malformed-field")
            if lname in seen:
                self.malformed(f"duplicate field {fname!r} (BibTeX uses the first one); the later value "
                               "is kept in an @comment after the entry", fline, key, entry=entry,
                               code="duplicate-field")
                self.doc_pending_comments.append(
                    f"bibkit: duplicate field of entry {key} dropped: {fname} = {raw}")
                continue
            seen[lname] = 1
            if len(raw) <= _SHARED_RAW:  # years, month and journal macros, "{arXiv}", "{cs.CL}": one copy each
                raw = sys.intern(raw)
            if lname in _REPEATED_FIELDS and len(parts) == 1 and parts[0][0] != "macro":
                parts = [(parts[0][0], sys.intern(parts[0][1]))]
            fields.append((lname, fname, raw, fline))
            raw_values[lname] = raw
            if fname != lname:  # names written in lower case (nearly all) are not repeated
                written_names[lname] = fname
            # (a single group, string or number is its own value: resolve() without the call)
            value = parts[0][1] if len(parts) == 1 and parts[0][0] != "macro" else \
                self.resolve(parts, fline, key, entry)
            values[lname] = (value, parts)
        self.build(entry, fields, origin)
        if moved:
            self.doc.blocks.append(RawBlock("text", "\n".join(moved), origin=self.loc(line0)))
        self.doc.blocks.append(entry)
        if self.doc_pending_comments:
            for text in self.doc_pending_comments:
                self.doc.blocks.append(RawBlock("comment", text, origin=self.loc(line0)))
            self.doc_pending_comments = []
        self.values = {}
        return entry

    def build(self, entry: Entry, fields: list[tuple[str, str, str, int | None]], origin: BibOrigin) -> None:
        """Fill the model from the resolved field values and record group snapshots."""
        groups: dict[str, str] = {}
        values = self.values
        where = str(entry.origin) if entry.origin else self.origin
        prov = Provenance("bib", 1.0, where)
        self.prov = prov
        provenance = entry.provenance
        extra = entry.extra

        def text(name: str) -> str:
            return decode(values[name][0])

        def verbatim(name: str) -> str:
            value = values[name][0]
            if "\n" in value or "\t" in value or "  " in value or "\r" in value:
                return _WS.sub(" ", value).strip()
            return value.strip()

        date_fields = []
        for lname, _written, _raw, _fline in fields:
            if lname in _SIMPLE_ATTRS:
                attr = _SIMPLE_ATTRS[lname]
                value = text(lname)
                # (a plain value is the interned part itself, so the snapshot still sees it is the field's text)
                setattr(entry, attr, sys.intern(value) if lname in _REPEATED_FIELDS else value)
                groups[lname] = attr
                provenance[attr] = prov
            elif lname in _NAME_FIELDS:
                attr = "authors" if lname == "author" else "editors"
                setattr(entry, attr, parse_bibtex_names(values[lname][0]))
                groups[lname] = attr
                provenance[attr] = prov
            elif lname in ("year", "month", "day", "date"):
                date_fields.append(lname)
            elif lname == "url":
                entry.url = verbatim(lname)
                groups[lname] = "url"
                provenance["url"] = prov
            else:
                groups[lname] = _extra_group(lname)
                extra[lname] = verbatim(lname) if is_verbatim_field(lname) else text(lname)
                if lname in _REPEATED_FIELDS:
                    extra[lname] = sys.intern(extra[lname])

        if entry.journal is None and "journaltitle" in extra:
            entry.journal = extra.pop("journaltitle")
            groups["journaltitle"] = "journal"
            provenance["journal"] = prov
        self._date(entry, date_fields, groups, fields)
        self._identifiers(entry, groups)
        self._tags_and_links(entry, groups, prov)
        if not extra:  # its fields all went into the model: a fresh dict instead of the one they grew
            entry.extra = {}
        self._snapshot(entry, fields, origin, groups)

    def _tags_and_links(self, entry: Entry, groups: dict[str, str], prov: Provenance) -> None:
        """``keywords`` become tags, ``github`` and URL-looking ``url``/``howpublished`` become links."""
        extra, provenance = entry.extra, entry.provenance
        for kw in ("keywords", "keyword"):
            if kw in extra and groups.get(kw) == "extra:" + kw and not entry.tags:
                entry.tags = _split_keywords(extra.pop(kw))
                groups[kw] = "tags"
                provenance["tags"] = prov
        # links
        if "github" in extra:
            link = _github_field_link(extra["github"])
            if link is not None:
                del extra["github"]
                entry.add_link(link)
                groups["github"] = "github"
        for name in ("url", "howpublished"):
            value = entry.url if name == "url" else extra.get("howpublished")
            if value and ("://" in value or value.startswith("www.") or "github.com" in value):
                url = value.split()[0] if value.split() else value
                try:
                    link = canonical_link(url, source="bib")
                except ValueError:
                    continue
                if link.kind not in (LinkKind.OTHER,):
                    link.evidence = f"bib {name} field"
                    entry.add_link(link)

    def _snapshot(self, entry: Entry, fields: list[tuple[str, str, str, int | None]], origin: BibOrigin,
                  groups: dict[str, str]) -> None:
        """Snapshots for the writer: every group that has fields, and the groups the reader derived
        without a field of their own (an arXiv id from the journal, a PMID from the note); a group
        missing here was empty at read time.  A field written "{text}" whose model value is that very
        text (nearly every title and abstract) keeps only the text: :func:`raw_value` rebuilds it."""
        values, ids = self.values, entry.ids
        braced = []
        fields_memo = dict(origin.fields)
        for lname, _written, _raw, _fline in fields:
            parts = values[lname][1]
            if len(parts) == 1 and parts[0][0] == "brace":
                group = groups.get(lname)
                if group is None:
                    continue
                current = entry.extra.get(lname) if group.startswith("extra:") else \
                    getattr(entry, group, None) if group in _PLAIN_GROUPS else None
                if current is not None and current is parts[0][1]:
                    fields_memo[lname] = current
                    braced.append(lname)
        layout = tuple(groups.items())
        shared = _GROUPS_CACHE.get(layout)
        if shared is not None:
            groups = shared  # shared between entries, read-only
        elif len(_GROUPS_CACHE) < 5000:
            _GROUPS_CACHE[layout] = groups
        decoded: dict[str, Any] = {_BOOKKEEPING: groups, "entry_type": entry.entry_type}
        if braced:
            key_b = tuple(braced)
            decoded[_BRACED] = _BRACED_CACHE.setdefault(key_b, frozenset(braced)) \
                if len(_BRACED_CACHE) < 5000 or key_b in _BRACED_CACHE else frozenset(braced)
        for g in set(groups.values()):
            decoded[g] = group_value(entry, g)
        if ids.arxiv is not None and "ids.arxiv" not in decoded:
            decoded["ids.arxiv"] = (ids.arxiv, ids.arxiv_version)
        if ids.pmid is not None and "ids.pmid" not in decoded:
            decoded["ids.pmid"] = ids.pmid
        if entry.date is not None and "date" not in decoded:  # the start of a BibLaTeX date range
            decoded["date"] = entry.date
        if entry.links and "github" not in decoded:
            repo = github_value(entry)
            if repo is not None:
                decoded["github"] = repo
        # read-only from here on, as compact mappings sharing their key layouts with the other entries'
        origin.decoded = SharedKeys.of(decoded)
        origin.fields = SharedKeys.of(fields_memo)
        origin.names = SharedKeys.of(origin.names) if origin.names else _NO_NAMES

    def _date(self, entry: Entry, date_fields: list[str], groups: dict[str, str],
              fields: list[tuple[str, str, str, int | None]]) -> None:
        if not date_fields:
            return
        values = self.values
        extra = entry.extra
        year = month = day = None
        from_date: PartialDate | None = None
        if "date" in date_fields:
            raw_date = _WS.sub(" ", decode(values["date"][0])).strip()
            if _ISO_FULL.match(raw_date):
                from_date = PartialDate.parse(raw_date)
                groups["date"] = "date"
            else:
                extra["date"] = raw_date
                groups["date"] = "extra:date"
        if "year" in date_fields:
            y = decode(values["year"][0]).strip()
            if 0 < len(y) <= 4 and y.isdecimal():  # (what \d{1,4} matches: Unicode decimal digits)
                year = int(y)
                groups["year"] = "date"
            else:
                extra["year"] = y
                groups["year"] = "extra:year"
        if "month" in date_fields:
            value, parts = values["month"]
            month = _month_number(value, parts, self.macros)
            if month is not None and year is not None:
                groups["month"] = "date"
            else:
                extra["month"] = decode(value)
                groups["month"] = "extra:month"
                month = None
        if "day" in date_fields:
            d = decode(values["day"][0]).strip()
            if d.isdigit() and 1 <= int(d) <= 31 and month is not None:
                day = int(d)
                groups["day"] = "date"
            else:
                extra["day"] = d
                groups["day"] = "extra:day"
        if from_date is not None:
            entry.date = from_date
        elif year is not None:
            entry.date = _shared_date(year, month, day)
        elif "date" in extra:
            entry.date = PartialDate.parse(extra["date"])  # e.g. a range: its start, for keys and matching
        if entry.date is not None:
            entry.provenance["date"] = self.prov

    def _identifiers(self, entry: Entry, groups: dict[str, str]) -> None:
        extra = entry.extra
        ids = entry.ids
        prov = self.prov
        # DOI
        if "doi" in extra:
            doi = normalize_doi(extra["doi"].replace("\\_", "_").replace("\\%", "%"))
            if doi:
                ids.doi = doi
                del extra["doi"]
                groups["doi"] = "ids.doi"
                entry.provenance["ids.doi"] = prov
            else:
                entry.problem("bad-doi", f"doi {extra['doi']!r} does not look like a DOI; kept as a field")
        self._arxiv(entry, groups)
        if ids.arxiv is not None:
            entry.provenance["ids.arxiv"] = prov
        for name in ("primaryclass", "eprintclass"):
            if name in extra and entry.primary_class is None and (ids.arxiv or name == "primaryclass"):
                entry.primary_class = extra.pop(name).strip()
                groups[name] = "primary_class"
        # ISBN, ISSN, PMID
        for name, attr in (("isbn", "isbn"), ("issn", "issn"), ("pmid", "pmid")):
            if name in extra and getattr(ids, attr) is None:
                setattr(ids, attr, extra.pop(name).strip())
                groups[name] = "ids." + attr
                entry.provenance["ids." + attr] = prov
        if ids.pmid is None and entry.note:
            m = _PMID_NOTE.match(entry.note)
            if m:
                ids.pmid = m.group(1)

    def _arxiv(self, entry: Entry, groups: dict[str, str]) -> None:
        """The arXiv id: from ``eprint`` (+ ``archivePrefix``/``eprinttype``), an ``arxiv`` field, or
        the forms Google Scholar, DBLP, URLs and DOIs give it (a PubMed ``eprint`` is a PMID)."""
        extra, ids = entry.extra, entry.ids
        prefix = (extra.get("archiveprefix") or extra.get("eprinttype") or "").strip().lower()
        eprint = extra.get("eprint")
        if eprint and prefix in ("arxiv", ""):
            found = normalize_arxiv_id(eprint)
            if found:
                ids.arxiv, ids.arxiv_version = found
                for name in ("eprint", "archiveprefix", "eprinttype"):
                    if name in extra and (name == "eprint" or extra[name].strip().lower() == "arxiv"):
                        del extra[name]
                        groups[name] = "ids.arxiv"
            elif prefix == "arxiv":
                entry.problem("bad-arxiv-id", f"eprint {eprint!r} is marked arXiv but is not an arXiv "
                              "identifier; kept as a field")
        elif eprint and prefix == "pubmed" and eprint.strip().isdigit():
            ids.pmid = eprint.strip()
            for name in ("eprint", "eprinttype"):
                del extra[name]
                groups[name] = "ids.pmid"
        if ids.arxiv is None:
            for name in ("arxiv", "arxivid", "arxiv_id"):
                if name in extra:
                    found = normalize_arxiv_id(extra[name])
                    if found:
                        ids.arxiv, ids.arxiv_version = found
                        del extra[name]
                        groups[name] = "ids.arxiv"
                        break
        if ids.arxiv is None:
            found = None
            journal = entry.journal or ""
            if "arxiv" in journal.lower():
                hits = find_arxiv_ids(journal, bare=True)
                found = hits[0] if hits else None
            elif journal.strip().lower() == "corr" and entry.volume:
                m = _CORR_ABS.match(entry.volume.strip())
                found = normalize_arxiv_id(m.group(1)) if m else None
            if found is None and entry.url:
                found = normalize_arxiv_id(entry.url) if "arxiv.org" in entry.url.lower() else None
            if found is None and ids.doi and ids.doi.lower().startswith("10.48550/"):
                found = normalize_arxiv_id(ids.doi)
            if found:
                ids.arxiv, ids.arxiv_version = found


def _from_bibtexparser(text: str) -> list[ScanBlock]:
    """bibtexparser's blocks (its splitter and error recovery) in the reader's block shape."""
    bibtexparser = _bibtexparser()
    from bibtexparser import model as bp

    out: list[ScanBlock] = []
    for block in bibtexparser.parse_string(text, parse_stack=[]).blocks:
        line0 = block.start_line or 0
        if isinstance(block, bp.ParsingFailedBlock):
            inner = _unwrap(block)
            if not isinstance(inner, (bp.Entry, bp.String)):
                reason = _WS.sub(" ", getattr(block.error, "abort_reason", None) or str(block.error)).strip()
                raw = (block.raw or "").rstrip()
                repaired = _repair_entry(raw, line0, reason)
                out.append(repaired or ScanBlock("failed", line0, raw, reason))
                continue
            block = inner
            line0 = block.start_line or 0
        if isinstance(block, bp.Entry):
            head = _ENTRY_HEAD.match(block.raw or "")
            written = head.group(1) if head else block.entry_type
            out.append(ScanBlock("entry", line0, written, block.key,
                                 [(f.key, f.value, f.start_line, None) for f in block.fields]))
        elif isinstance(block, bp.String):
            out.append(ScanBlock("string", line0, block.value.strip(), block.key))
        elif isinstance(block, bp.Preamble):
            out.append(ScanBlock("preamble", line0, block.value))
        elif isinstance(block, bp.ExplicitComment):
            out.append(ScanBlock("comment", line0, block.comment))
        elif isinstance(block, bp.ImplicitComment):
            out.append(ScanBlock("text", line0, block.comment))
        else:  # pragma: no cover - bibtexparser has no other block types
            out.append(ScanBlock("text", line0, getattr(block, "raw", "") or ""))
    return out


def _plausible_fields(fields: list[tuple[str, str, int, list[tuple[str, str]] | None]]) -> bool:
    """A lenient reading worth taking: every value parses (up to a missing comma the reader splits off)
    and no field name repeats — otherwise the lenient parser has cut the text in the wrong places and
    the block is better kept as it is."""
    seen: set[str] = set()
    pending = [(n, v) for n, v, _line, _parts in fields]
    while pending:
        name, raw = pending.pop()
        if "%" in name:
            kinds = [ln.strip().startswith("%") for ln in name.split("\n") if ln.strip()]
            if False in kinds and True in kinds[kinds.index(False):]:
                return False  # a name, then comment lines: text that is not a field at all
            name = _split_comment_lines(name, raw)[0]
            if not name:
                continue
        lname = name.strip().lower()
        if lname in seen or not lname:
            return False
        seen.add(lname)
        leftover = parse_expression(raw.strip())[1]
        if leftover:
            m = _MISSING_COMMA.match(leftover)
            if m is None:
                return False
            pending.append((m.group(1), m.group(2).strip().rstrip(",").strip()))
    return True


def _lenient_blocks(raw: str, line0: int) -> list[ScanBlock] | None:
    """One broken block read the lenient way, lines counted from ``line0``: exactly one entry,
    @string or @preamble (with any text around it), or ``None`` when it cannot be read so."""
    try:
        blocks = _from_bibtexparser(raw)
    except Exception:  # noqa: BLE001 - a third-party parser on hostile text: keep the block as it is
        return None
    if any(b.kind == "failed" for b in blocks):
        return None
    if sum(1 for b in blocks if b.kind in ("entry", "string", "preamble")) != 1:
        return None
    for b in blocks:
        if b.kind in ("text", "comment") and "@" in b.text:
            return None  # text around it that BibTeX would read differently once the entry is rewritten
        if b.kind == "entry" and not _plausible_fields(b.fields):
            return None
        if b.kind in ("string", "preamble") and parse_expression(b.text.strip())[1]:
            return None  # a value that does not parse: the block is better kept as it is
    for b in blocks:
        b.line += line0
        b.fields = [(n, v, line + line0, parts) for n, v, line, parts in b.fields]
    return blocks


_ENTRY_DELIM = compile_on_first_use(__name__, r"^@\s*[A-Za-z_][\w-]*\s*([{(])")
_FIELD_OPEN = compile_on_first_use(__name__, r"^\s*[A-Za-z_][\w:.+/-]*\s*=\s*\{")
_FIELD_CLOSE = compile_on_first_use(__name__, r"\}\s*,?\s*$")


def _brace_delta(text: str) -> int:
    """Opening minus closing braces (a backslash escapes the next character, as for BibTeX's scanner)."""
    depth = 0
    for m in _BRACE.finditer(text):
        depth += 1 if m.group(0) == "{" else -1
    return depth


def _split_comment_lines(name: str, raw: str) -> tuple[str, str]:
    """A field name as bibtexparser reports it when ``%`` lines precede the field (it has no
    comments inside entries): ``("title", "% a note")`` for ``"% a note\n  title"``; a commented-out
    field (``% doi = {…},``) gives ``("", "% doi = {…},")``."""
    lines = name.split("\n")
    comments = [ln.strip() for ln in lines if ln.strip().startswith("%")]
    rest = [ln.strip() for ln in lines if ln.strip() and not ln.strip().startswith("%")]
    if not rest:  # the "field" itself is commented out
        return "", "\n".join(comments[:-1] + [f"{comments[-1]} = {raw.strip()},"]) if comments else ""
    return rest[-1], "\n".join(comments)


def _repair_entry(raw: str, line0: int, reason: str) -> ScanBlock | None:
    """An entry bibtexparser could not read, repaired the two ways such files usually break:

    * a field value that opens a brace it never closes, on one line (``title = {A {B},``):
      the missing ``}`` is added before the line's final ``},``;
    * an entry whose closing brace is missing (at the end of the file, or before the next
      ``@type{`` line): the ``}`` is added at its end.

    Returns the entry (with a note saying what was added) when the repaired text reads as exactly
    one entry, else ``None`` (the block is then kept as text and reported).
    """
    head = _ENTRY_HEAD.match(raw)
    if head is None or head.group(1).lower() in ("comment", "preamble", "string"):
        return None
    delim = _ENTRY_DELIM.match(raw)
    depth = _brace_delta(raw) - (0 if delim and delim.group(1) == "{" else 1)  # want: 1 for a "{" entry
    if depth <= 0:
        return None
    lines = raw.split("\n")
    closer = "}" if delim and delim.group(1) == "{" else ")"
    closed = len(lines) > 1 and lines[-1].strip() == closer  # the author closed the entry: a field did not
    target = 0 if closed else 1
    notes: list[str] = []
    for k, line in enumerate(lines):
        if depth <= target or k == 0:
            continue
        close_at = _FIELD_CLOSE.search(line)
        if _FIELD_OPEN.match(line) and close_at is not None:
            value = line[line.index("=") + 1:]
            extra = _brace_delta(value)
            if 0 < extra <= depth - target:
                end = close_at.start()
                lines[k] = line[:end] + "}" * extra + line[end:]
                depth -= extra
                name = line.split("=", 1)[0].strip()
                notes.append(f"closed {extra} unbalanced brace(s) in field {name!r} (line {line0 + k + 1})")
    text = "\n".join(lines)
    if depth == 1 and not closed:
        text = text.rstrip().rstrip(",") + "\n" + closer
        notes.append("added the entry's missing closing brace")
    elif depth != 0:
        return None
    bibtexparser = _bibtexparser()
    from bibtexparser import model as bp

    try:
        blocks = bibtexparser.parse_string(text, parse_stack=[]).blocks
    except Exception:  # pragma: no cover - bibtexparser collects errors as blocks
        return None
    entries = [b for b in blocks if isinstance(b, bp.Entry)]
    if len(entries) != 1 or any(isinstance(b, bp.ParsingFailedBlock) for b in blocks):
        return None
    entry = entries[0]
    written = _ENTRY_HEAD.match(entry.raw or "")
    note = f"malformed entry ({reason}): {'; '.join(notes)}; check the result"
    return ScanBlock("entry", line0, written.group(1) if written else entry.entry_type, entry.key,
                     [(f.key, f.value, line0 + (f.start_line or 0), None) for f in entry.fields], note=note)


_FIELD_NAMES: dict[str, tuple[str, str]] = {}
_EXTRA_GROUPS: dict[str, str] = {}
#: identical field-to-group maps are shared between entries (a large file repeats a few layouts)
_GROUPS_CACHE: dict[tuple[tuple[str, str], ...], dict[str, str]] = {}


def _field_name(written: str) -> tuple[str, str]:
    """``(name as written, lower-case name)``, both interned: 100,000 entries repeat a few dozen names."""
    names = _FIELD_NAMES.get(written)
    if names is None:
        stripped = sys.intern(written.strip())
        names = (stripped, sys.intern(stripped.lower()))
        if len(_FIELD_NAMES) < 10000:
            _FIELD_NAMES[written] = names
    return names


_ENTRY_TYPES: dict[str, str] = {}


def _entry_type(written: str) -> str:
    lower = _ENTRY_TYPES.get(written)
    if lower is None:
        lower = sys.intern(written.lower())
        if len(_ENTRY_TYPES) < 1000:
            _ENTRY_TYPES[written] = lower
    return lower


def _extra_group(name: str) -> str:
    group = _EXTRA_GROUPS.get(name)
    if group is None:
        group = sys.intern("extra:" + name)
        if len(_EXTRA_GROUPS) < 10000:
            _EXTRA_GROUPS[name] = group
    return group


def _unwrap(block: bp.Block) -> bp.Block:
    from bibtexparser import model as bp

    seen = 0
    while isinstance(block, bp.ParsingFailedBlock) and block.ignore_error_block is not None and seen < 5:
        block = block.ignore_error_block
        seen += 1
    return block


def _month_number(value: str, parts: list[tuple[str, str]], macros: dict[str, str]) -> int | None:
    return month_number(value, parts, macros)  # the rule lives in bibsyntax (tidy --months uses it too)


_KEYWORD_SPLIT = compile_on_first_use(__name__, r"\s*[,;]\s*")


def _split_keywords(text: str) -> list[str]:
    out: list[str] = []
    for tag in _KEYWORD_SPLIT.split(text):
        tag = sys.intern(tag.strip())  # a library's tags recur in thousands of entries
        if tag and tag not in out:
            out.append(tag)
    return out


def _github_field_link(value: str) -> Link | None:
    value = value.strip()
    if not value:
        return None
    url = value if "github.com" in value.lower() else "https://github.com/" + value.strip("/")
    link = canonical_link(url, source="bib")
    if link.kind is not LinkKind.GITHUB:
        return None
    link.role = "primary"
    link.evidence = "bib github field"
    return link


# --------------------------------------------------------------------------- group values: raw_value, github_value
# and group_value are shared with the writer, in bibkit.bibsyntax

# --------------------------------------------------------------------------- entry point


def read(text: str, origin: str, *, strict: bool = False, macros: Mapping[str, str] | None = None) -> Document:
    """Parse ``.bib`` text into a :class:`Document` (entries and raw blocks in input order).

    ``origin`` names the input in locations and problems (a path, ``-`` for stdin).  ``macros`` are the
    @string macros (lower-case name → value) of the ``.bib`` files read before this one: BibTeX reads
    ``\\bibliography{strings,refs}`` and biber its ``\\addbibresource`` files in order with one macro table,
    so a journal macro defined in one file is the journal's name in the next.  The macros this file leaves
    defined (those given included) are in ``doc.metadata[MACROS_METADATA]``.
    """
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    nul: Problem | None = None
    if "\x00" in text:
        # a NUL byte is never text (a truncated download, a binary pasted in): dropped, never written out
        first = text.count("\n", 0, text.index("\x00")) + 1
        count = text.count("\x00")
        text = text.replace("\x00", "")
        nul = Problem("nul-bytes", f"{count} NUL byte(s) removed from the input (the first on line {first}); "
                      "they are not written to the output", "warning", SourceLocation(origin, first))
    doc = _Reader(text, origin, strict, earlier=macros).run()
    if nul is not None:
        doc.problems.insert(0, nul)
    return doc
