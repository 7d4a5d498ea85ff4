"""Write a :class:`~bibkit.model.Document` as BibTeX or BibLaTeX.

Two dialects, one writer, because they differ in a handful of fields:

========================  =====================================  ==========================================
                          ``dialect="bibtex"``                    ``dialect="biblatex"``
========================  =====================================  ==========================================
arXiv preprint            ``@misc``                              ``@online``
date                      ``year = 2024``, ``month = mar``        ``date = {2024-03}``
journal                   ``journal``                            ``journaltitle``
arXiv id                  ``eprint``, ``archivePrefix = {arXiv}``, ``eprint``, ``eprinttype = {arxiv}``,
                          ``primaryClass``                        ``eprintclass``
========================  =====================================  ==========================================

An "arXiv preprint" is an entry of type ``preprint``, or one with an arXiv id and
neither journal nor booktitle; it gets arXiv's recommended fields, its DOI
(``ids.doi``, else arXiv's own ``10.48550/arXiv.<id>``) and its abs URL.
Published entries keep ``eprint``/``archivePrefix`` too.

Field order (fresh entries): author, editor, title, booktitle, journal, year,
month, day (or date), volume, number, pages, publisher, the entry's other
fields in their own order, doi, eprint, archivePrefix/eprinttype,
primaryClass/eprintclass, url, isbn, issn, pmid, note, keywords, github, key,
abstract.  Two-space indentation, ``@type{key,``, a trailing comma after every
field, a blank line between blocks, values in braces except bare year numbers
and month macros.  Text is encoded with :func:`bibkit.normalize.latex.encode`
(UTF-8 unless ``ascii=True``), titles and booktitles get word-level case
protection (:func:`bibkit.normalize.casing.protect`).

Entries read from a ``.bib`` file (with a :class:`~bibkit.model.BibOrigin`) are
written field by field: a field whose model value is unchanged since reading
is copied verbatim (its raw expression, macros and ``#`` included, its name as
written); a changed one is re-encoded from the model in the same place; new
fields are appended in the order above.

Three modes (``dialect``):

* ``None`` — *as written* (what ``bibkit convert`` does without ``--to``): an entry read
  from a ``.bib`` keeps its type, field names, raw values, macros (defined or not),
  comments, ``@preamble``, ``@string`` order and the text between entries byte for byte;
  fields bibkit changed or added are written in the entry's own dialect (BibLaTeX when it
  already uses ``date``/``journaltitle``/…, else BibTeX).  New entries are written as BibTeX.
* ``"bibtex"`` — for classic BibTeX (``--to bibtex``): BibLaTeX types and fields are
  converted where classic BibTeX has an equivalent (:data:`TO_BIBTEX_TYPES`,
  ``journaltitle`` → ``journal`` with the raw value kept…), and every conversion that is not
  exact is reported on the entry (a date range kept as ``year = {2001--2003}`` *and* the
  ``date`` field, ``@periodical`` kept as written); ``xdata`` is inlined.
* ``"biblatex"`` — for biber (``--to biblatex``).

In both target modes the writer also makes copied values safe for TeX: stray ``% & # _ ^ $``
in typeset fields are escaped (never inside ``\\url``, ``\\path``, ``\\verb``, ``\\href``'s
first argument), free text between entries becomes ``%`` lines (biber warns about "junk"),
an ``@string`` used before its definition moves up (not when definitions depend on each other
in a cycle), and an author-less entry of a standard type gets a ``key`` field for sorting.
With ``ascii=True`` non-ASCII characters become LaTeX macros; one that has no macro pdflatex
accepts without extra packages is kept and reported, naming the entry, field and character.

Extras: ``github = {owner/name}`` from :attr:`Entry.code_repo` (ignored by
styles); with ``code_note=True`` a ``note`` gets ``Code: \\url{https://github.com/owner/name}``
appended (after ". " when there is a note already); an entry with neither
author nor editor gets a ``key`` field (the first significant title word) so
plainnat and biber can sort and label it.  Nothing is invented: no year when
the year is unknown.
"""

from __future__ import annotations

import re
from typing import Callable, Iterator

from ..bibnames import format_bibtex_names, is_others
from ..bibsyntax import (
    MONTH_MACROS,
    github_value,
    group_value,
    is_verbatim_field,
    parse_expression,
    raw_value,
)
from ..lazyre import compile_on_first_use
from ..model import BibOrigin, Document, Entry, Problem, RawBlock
from ..normalize.casing import protect
from ..normalize.latex import encode, escape_strays, to_ascii, unencodable, verbatim_as_text
from ..normalize.pages import page_range
from .biblatex_forms import to_biblatex

__all__ = ["write", "format_entry", "output_type", "DIALECTS"]

DIALECTS = ("bibtex", "biblatex")

_MONTHS = {v: k for k, v in MONTH_MACROS.items()}

#: entry types the standard BibTeX styles (plain, plainnat, …) define
BIBTEX_TYPES = frozenset(
    "article book booklet conference inbook incollection inproceedings manual mastersthesis misc "
    "phdthesis proceedings techreport unpublished".split()
)
#: entry types biblatex defines (its own and the BibTeX ones it maps), for "is this a standard type?"
BIBLATEX_TYPES = BIBTEX_TYPES | frozenset(
    "mvbook bookinbook suppbook collection mvcollection suppcollection dataset online patent periodical "
    "suppperiodical mvproceedings reference mvreference inreference report set software thesis xdata "
    "electronic www artwork audio bibnote commentary image jurisdiction legislation legal letter movie music "
    "performance review standard video".split()
)
#: ``--to bibtex``: BibLaTeX types and their classic BibTeX equivalent (each use is reported on the entry).
#: ``@periodical`` is deliberately absent: neither ``@book`` (styles then warn about a missing publisher and
#: author) nor ``@misc`` keeps what it is; it is kept as written and reported.  ``@thesis`` is decided by
#: its ``type`` field (see :func:`_bibtex_type`).
TO_BIBTEX_TYPES = {
    "online": "misc", "electronic": "misc", "www": "misc", "software": "misc", "dataset": "misc",
    "preprint": "misc", "report": "techreport", "mvbook": "book", "collection": "book", "mvcollection": "book",
    "reference": "book", "mvreference": "book", "bookinbook": "inbook", "suppbook": "inbook",
    "inreference": "incollection", "suppcollection": "incollection", "mvproceedings": "proceedings",
}
_BIBLATEX_ALIASES = {"electronic": "online", "www": "online", "preprint": "online"}
#: fields classic BibTeX styles do not know, renamed (raw value kept) with ``--to bibtex`` when the
#: BibTeX name is not taken already; ``date`` is converted (see :func:`_bibtex_date`)
_TO_BIBTEX_FIELDS = {"journaltitle": "journal", "location": "address", "eprinttype": "archivePrefix",
                     "eprintclass": "primaryClass"}
#: fields that mark an entry as written for biber (its own dialect for fields bibkit adds in "as written" mode)
_BIBLATEX_MARKS = frozenset({"date", "journaltitle", "eprinttype", "eprintclass", "location", "urldate",
                             "eventdate", "origdate", "xdata", "related"})
_BIBER_MONTH = compile_on_first_use(
    __name__, r"^(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|\d{1,2}|\{\d{1,2}\}|\"\d{1,2}\")$",
    re.IGNORECASE)
_ISO_DATE = compile_on_first_use(__name__, r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$")
_YEAR_RANGE = compile_on_first_use(__name__, r"^(\d{4})(?:-\d{2}(?:-\d{2})?)?/(?:(\d{4})(?:-\d{2}(?:-\d{2})?)?)?$")
#: an accent on a dotless i (``{\'\i}``): biber decodes it to "ı" + a combining accent, which pdflatex
#: rejects; ``{\'{i}}`` means the same to TeX and decodes to "í"
_DOTLESS_I = compile_on_first_use(__name__, r"(\\[`'^\"~=.uvHcrk])\s*(?:\{\\i\}|\\i(?![A-Za-z])\s?)")
_ARXIVISH_TYPES = frozenset({"preprint", "misc", "online", "electronic", "www", "article", "unpublished"})

#: canonical order of generated groups (see the module docstring)
_GROUP_ORDER = [
    "authors", "editors", "title", "booktitle", "journal", "date", "volume", "number", "pages",
    "publisher", "*extra*", "ids.doi", "ids.arxiv", "primary_class", "url", "ids.isbn", "ids.issn",
    "ids.pmid", "note", "tags", "github", "abstract",
]
_PROTECTED = frozenset({"title", "booktitle"})
_STOP = frozenset({"a", "an", "the", "on", "of", "in", "for", "to", "and", "with", "towards", "toward"})
_WORD = compile_on_first_use(__name__, r"[^\W_]+(?:['’][^\W_]+)?", re.UNICODE)


def _is_arxiv_preprint(entry: Entry) -> bool:
    if entry.entry_type == "preprint":
        return True
    return bool(entry.ids.arxiv) and not entry.journal and not entry.booktitle \
        and entry.entry_type in _ARXIVISH_TYPES


def output_type(entry: Entry, dialect: str | None) -> str:
    """The entry type written for a new ``entry`` in ``dialect`` (lower case; ``None`` is BibTeX)."""
    t = (entry.entry_type or "misc").lower()
    if dialect != "biblatex":
        if _is_arxiv_preprint(entry):
            return "misc"
        t = TO_BIBTEX_TYPES.get(t, t)
        if t == "thesis":
            return "phdthesis"
        return t if t in BIBTEX_TYPES else "misc"
    if _is_arxiv_preprint(entry):
        return "online"
    return _BIBLATEX_ALIASES.get(t, t)


_THESIS_KINDS = {"phdthesis": "phdthesis", "phd": "phdthesis", "mathesis": "mastersthesis",
                 "mastersthesis": "mastersthesis", "masters": "mastersthesis"}


#: what the standard styles (plain.bst) require of each type: one name of each tuple (else they warn)
_REQUIRED = {
    "book": (("author", "editor"), ("title",), ("publisher",), ("year",)),
    "inbook": (("author", "editor"), ("title",), ("chapter", "pages"), ("publisher",), ("year",)),
    "incollection": (("author",), ("title",), ("booktitle",), ("publisher",), ("year",)),
    "proceedings": (("title",), ("year",)),
    "techreport": (("author",), ("title",), ("institution",), ("year",)),
    "phdthesis": (("author",), ("title",), ("school",), ("year",)),
    "mastersthesis": (("author",), ("title",), ("school",), ("year",)),
    "misc": (),
}


def _bibtex_type(entry: Entry, written: str, ctx: "_Ctx") -> str:
    """The type an entry read from a ``.bib`` gets with ``--to bibtex`` (conversions reported).

    A BibLaTeX type is mapped (:data:`TO_BIBTEX_TYPES`, ``@thesis`` by its ``type`` field) only when
    the entry has what the standard styles require of the target type; otherwise it is kept as
    written (styles then treat it as ``@misc``, with one warning instead of several) and reported.
    """
    t = written.lower()
    if t in BIBTEX_TYPES:
        return written
    if t == "xdata" or t == "set":
        return written
    drop: set[str] = set()
    renames: dict[str, str] = {}
    if t == "thesis":
        kind = (entry.extra.get("type") or "").strip().lower().replace(" ", "")
        target: str | None = _THESIS_KINDS.get(kind)
        if target is not None:
            drop.add("type")  # BibTeX's own label for the kind ("PhD thesis") replaces the key
        else:
            target = "phdthesis"  # styles print a non-empty type field in place of "PhD thesis"
        if entry.bib is not None and "institution" in entry.bib.fields and "school" not in entry.bib.fields:
            renames["institution"] = "school"  # BibLaTeX's thesis field for BibTeX's school
    else:
        target = TO_BIBTEX_TYPES.get(t)
    if target is None:
        ctx.note("nonstandard-type", f"@{written} is not a type of the standard BibTeX styles; kept as written "
                 "(styles that do not define it treat it as @misc and warn)")
        return written
    missing = [names[0] for names in _REQUIRED.get(target, ()) if not any(_has_field(entry, n, renames) for n in names)]
    if missing:
        ctx.note("nonstandard-type", f"@{written} kept as written: as @{target} it would lack {', '.join(missing)} "
                 "(classic BibTeX styles treat it as @misc)")
        return written
    ctx.drop |= drop
    ctx.type_renames = renames
    ctx.note("converted-type", f"@{written} written as @{target} for classic BibTeX")
    return target


def _has_field(entry: Entry, name: str, renames: dict[str, str]) -> bool:
    origin = entry.bib
    names = set(origin.fields) if origin is not None else set()
    names |= {renames[n] for n in renames if n in names}
    names |= {_TO_BIBTEX_FIELDS[n].lower() for n in names if n in _TO_BIBTEX_FIELDS}
    if name == "year":
        return "year" in names or "date" in names or bool(entry.date)
    if name in ("author", "editor"):
        return bool(entry.authors if name == "author" else entry.editors) or name in names
    return name in names or bool(entry.extra.get(name)) or bool(getattr(entry, name, None))


class _Ctx:
    """One write call: the mode and options, and the entry being written (for problems)."""

    def __init__(self, dialect: str | None, ascii_: bool, code_note: bool):
        if dialect is not None and dialect not in DIALECTS:
            raise ValueError(f"unknown dialect {dialect!r} (expected one of {', '.join(DIALECTS)})")
        self.dialect = dialect
        self.convert = dialect is not None  # a target was asked for: convert and repair for it
        self.gen = dialect or "bibtex"  # the dialect of fields written from the model (per entry)
        self.ascii = ascii_
        self.code_note = code_note
        self.entry: Entry | None = None
        self.field = ""  # the field being written (for problems)
        self.bad_chars: list[tuple[str, str]] = []  # (field, character)
        self.notes: list[tuple[str, str]] = []  # (code, message) about the entry being written
        self.drop: set[str] = set()  # lower-case names of fields a conversion made redundant
        self.mixed = False  # the entry being written has fields written from the model
        self.type_renames: dict[str, str] = {}  # field renames a type conversion needs (thesis: institution)
        self.xdata: dict[str, Entry] = {}  # casefolded key -> @xdata entry (bibtex dialect only)
        self.parents: dict[str, Entry] = {}  # casefolded key -> entry, when some entry has a crossref or xdata
        self.etype = ""  # the (lower-case) type the entry being written is written as

    def note(self, code: str, message: str) -> None:
        self.notes.append((code, message))

    def bad(self, chars: list[str]) -> None:
        for ch in chars:
            if (self.field, ch) not in self.bad_chars:
                self.bad_chars.append((self.field, ch))

    def text(self, value: str, *, case_protect: bool = False) -> str:
        out = encode(value, ascii=self.ascii)
        if not out.isascii():
            self.bad(unencodable(value, ascii=self.ascii))
        return protect(out) if case_protect else out


def _braced(value: str) -> str:
    return "{" + value + "}"


def _verbatim(value: str) -> str:
    """A URL/identifier in braces; braces inside are percent-encoded when they do not balance."""
    depth = 0
    for c in value:
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth < 0:
                break
    if depth != 0:
        value = value.replace("{", "%7B").replace("}", "%7D")
    return "{" + value + "}"


def _key_word(entry: Entry) -> str | None:
    """A sortable word for the ``key`` field of an author-less entry: the first significant title word."""
    words = _WORD.findall(entry.title or "")
    for w in words:
        if w.lower() not in _STOP:
            return str(w)
    return str(words[0]) if words else None


def _code_url(entry: Entry) -> str | None:
    link = entry.code_repo
    if link is None:
        return None
    name = link.repo.full_name if link.repo is not None and link.repo.full_name else link.target
    return f"https://github.com/{name}" if name else None


def _append_code(note_latex: str | None, url: str) -> str:
    code = "Code: \\url{" + url + "}"
    if not note_latex or not note_latex.strip():
        return code
    note_latex = note_latex.rstrip()
    sep = " " if note_latex[-1] in ".!?" else ". "
    return note_latex + sep + code


def _has_code(entry: Entry, url: str) -> bool:
    note = entry.note or ""
    return url.lower() in note.lower()


# --------------------------------------------------------------------------- group generators


_GROUP_FIELD = {"authors": "author", "editors": "editor", "date": "year", "ids.doi": "doi", "ids.arxiv": "eprint",
                "primary_class": "primaryclass", "ids.isbn": "isbn", "ids.issn": "issn", "ids.pmid": "pmid",
                "tags": "keywords"}


Fields = list[tuple[str, str]]


def _gen_text(entry: Entry, group: str, ctx: _Ctx, fresh: bool) -> Fields:
    value = getattr(entry, group)
    if not value:
        return []
    if group == "pages":  # a range's "--" or "–" is TeX's "--", never two hyphens kept apart ("-{}-")
        value = page_range(value, hyphen=False)
    return [(group, _braced(ctx.text(value, case_protect=group in _PROTECTED)))]


def _gen_journal(entry: Entry, group: str, ctx: _Ctx, fresh: bool) -> Fields:
    if not entry.journal:
        return []
    return [("journal" if ctx.gen == "bibtex" else "journaltitle", _braced(ctx.text(entry.journal)))]


def _gen_people(entry: Entry, group: str, ctx: _Ctx, fresh: bool) -> Fields:
    persons = getattr(entry, group)
    if not persons:
        return []
    names = format_bibtex_names(persons, ascii=ctx.ascii)
    for p in persons:
        for part in (p.family, p.given, p.particle, p.suffix, p.literal):
            if part and not part.isascii():
                ctx.bad(unencodable(part, ascii=ctx.ascii))
    return [("author" if group == "authors" else "editor", _braced(names))]


def _gen_date(entry: Entry, group: str, ctx: _Ctx, fresh: bool) -> Fields:
    date = entry.date
    if not date or date.year is None:
        return []
    if ctx.gen == "biblatex":
        return [("date", _braced(date.iso()))]
    out = [("year", str(date.year) if 0 <= date.year <= 9999 else _braced(str(date.year)))]
    if date.month:
        out.append(("month", _MONTHS[date.month]))
        if date.day:
            out.append(("day", _braced(str(date.day))))
    return out


def _gen_url(entry: Entry, group: str, ctx: _Ctx, fresh: bool) -> Fields:
    url = entry.url
    if not url and fresh and entry.ids.arxiv and _is_arxiv_preprint(entry):
        url = f"https://arxiv.org/abs/{entry.ids.arxiv}"
    return [("url", _verbatim(url))] if url else []


def _gen_note(entry: Entry, group: str, ctx: _Ctx, fresh: bool) -> Fields:
    note = ctx.text(entry.note) if entry.note else None
    if ctx.code_note:
        url = _code_url(entry)
        if url and not _has_code(entry, url):
            note = _append_code(note, url)
    return [("note", _braced(note))] if note else []


def _gen_doi(entry: Entry, group: str, ctx: _Ctx, fresh: bool) -> Fields:
    doi = entry.ids.doi
    if not doi and fresh and entry.ids.arxiv and _is_arxiv_preprint(entry):
        doi = entry.ids.arxiv_doi
    return [("doi", _verbatim(doi))] if doi else []


def _gen_arxiv(entry: Entry, group: str, ctx: _Ctx, fresh: bool) -> Fields:
    if not entry.ids.arxiv:
        return []
    eprint = entry.ids.arxiv
    if not fresh and entry.ids.arxiv_version:  # the version the input wrote is kept
        eprint = f"{eprint}v{entry.ids.arxiv_version}"
    if ctx.gen == "bibtex":
        return [("eprint", _verbatim(eprint)), ("archivePrefix", "{arXiv}")]
    return [("eprint", _verbatim(eprint)), ("eprinttype", "{arxiv}")]


def _gen_primary_class(entry: Entry, group: str, ctx: _Ctx, fresh: bool) -> Fields:
    if not entry.primary_class:
        return []
    return [("primaryClass" if ctx.gen == "bibtex" else "eprintclass", _braced(ctx.text(entry.primary_class)))]


def _gen_id(entry: Entry, group: str, ctx: _Ctx, fresh: bool) -> Fields:
    value = getattr(entry.ids, group[4:])
    return [(group[4:], _verbatim(value))] if value else []


def _gen_tags(entry: Entry, group: str, ctx: _Ctx, fresh: bool) -> Fields:
    if not entry.tags:
        return []
    return [("keywords", _braced(", ".join(ctx.text(t) for t in entry.tags)))]


def _gen_github(entry: Entry, group: str, ctx: _Ctx, fresh: bool) -> Fields:
    repo = github_value(entry)
    return [("github", _verbatim(repo))] if repo else []


def _gen_extra(entry: Entry, group: str, ctx: _Ctx, fresh: bool) -> Fields:
    name = group[6:]
    value = entry.extra.get(name)
    if value is None:
        return []
    out_name = _TO_BIBTEX_FIELDS.get(name, name) if ctx.dialect == "bibtex" and name == "location" else name
    if out_name != name and out_name.lower() in entry.extra:
        out_name = name
    if is_verbatim_field(name):
        return [(out_name, _verbatim(value))]
    named = entry.meta.get("names", {}).get(name) if entry.meta else None
    if named is not None and named[0] == value:  # a name list a reader structured (Zotero creators)
        return [(out_name, _braced(format_bibtex_names(named[1], ascii=ctx.ascii)))]
    return [(out_name, _braced(ctx.text(value)))]


_GENERATORS: dict[str, Callable[[Entry, str, _Ctx, bool], Fields]] = {
    **{g: _gen_text for g in ("title", "booktitle", "abstract", "publisher", "volume", "number", "pages")},
    "journal": _gen_journal, "authors": _gen_people, "editors": _gen_people, "date": _gen_date, "url": _gen_url,
    "note": _gen_note, "ids.doi": _gen_doi, "ids.arxiv": _gen_arxiv, "primary_class": _gen_primary_class,
    "ids.isbn": _gen_id, "ids.issn": _gen_id, "ids.pmid": _gen_id, "tags": _gen_tags, "github": _gen_github,
}


def _gen(entry: Entry, group: str, ctx: _Ctx, *, fresh: bool) -> Fields:
    """The fields for one model group, encoded for ``ctx`` (empty when the model has no value)."""
    ctx.field = _GROUP_FIELD.get(group, group[6:] if group.startswith("extra:") else group)
    if group.startswith("extra:"):
        return _gen_extra(entry, group, ctx, fresh)
    generator = _GENERATORS.get(group)
    return generator(entry, group, ctx, fresh) if generator is not None else []


def _fresh_fields(entry: Entry, ctx: _Ctx) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for group in _GROUP_ORDER:
        if group == "*extra*":
            for name in entry.extra:
                if name != "key":
                    out.extend(_gen(entry, "extra:" + name, ctx, fresh=True))
            continue
        out.extend(_gen(entry, group, ctx, fresh=True))
    out.extend(_key_field(entry, ctx, present={n for n, _ in out}))
    return out


def _key_field(entry: Entry, ctx: _Ctx, present: set[str]) -> list[tuple[str, str]]:
    """The entry's own ``key``, else one for classic BibTeX when the entry has no name to sort by
    (plainnat: "to sort, need author or key"; natbib labels it by the key).  BibLaTeX output gets none:
    biber sorts a nameless entry by its title already, and reads ``key`` as ``sortkey``, which would sort
    it by one word instead (biblatex-realauthor's anonymous works moved)."""
    if "key" in present:
        return []
    if "key" in entry.extra:
        return [("key", _braced(ctx.text(entry.extra["key"])))]
    if ctx.gen == "biblatex":
        return []
    # BibTeX's standard styles sort by an editor only in these types (plain.bst's presort)
    editors = ctx.etype in ("book", "inbook", "proceedings")
    if _has_names(entry, editors) or _parent_has_names(entry, ctx, editors):
        return []
    word = _key_word(entry) or entry.key
    return [("key", _braced(ctx.text(word)))] if word else []


def _has_names(entry: Entry, editors: bool) -> bool:
    """Whether a style can sort the entry by a name: an author other than "others", or an editor where
    ``editors`` says the style sorts by one."""
    return any(not is_others(p) for p in entry.authors) or (editors and bool(entry.editors))


def _parent_has_names(entry: Entry, ctx: _Ctx, editors: bool) -> bool:
    """Whether the entry inherits a name or a ``key`` through its ``crossref``/``xdata`` parents (followed
    up the chain, each once): BibTeX gives it those, so it is not author-less and needs no ``key``."""
    if not ctx.parents:
        return False
    seen: set[int] = set()
    todo = [entry]
    while todo:
        child = todo.pop()
        refs = [child.extra.get("crossref", "")] + child.extra.get("xdata", "").split(",")
        for ref in (r.strip().casefold() for r in refs):
            parent = ctx.parents.get(ref) if ref else None
            if parent is None or id(parent) in seen:
                continue
            seen.add(id(parent))
            if _has_names(parent, editors) or "key" in parent.extra:
                return True
            todo.append(parent)
    return False


def _native_dialect(origin: BibOrigin) -> str:
    """The dialect an entry read from a ``.bib`` is written in (for fields bibkit adds to it)."""
    if any(name in _BIBLATEX_MARKS for name in origin.fields):
        return "biblatex"
    t = origin.entry_type.lower()
    return "biblatex" if t not in BIBTEX_TYPES and t in BIBLATEX_TYPES else "bibtex"


def _copy(raw: str, lname: str, ctx: _Ctx) -> str:
    """A raw value copied from the input: unchanged, except what an option or a target asks for."""
    value = raw
    if ctx.ascii and not raw.isascii():
        ctx.field = lname
        if is_verbatim_field(lname):
            ctx.bad([c for c in raw if not c.isascii()])
        else:
            value = to_ascii(raw)
            if not value.isascii():
                ctx.bad([c for c in value if not c.isascii()])
    if ctx.convert:
        if ctx.dialect == "biblatex" and lname in TYPESET_FIELDS and _URL_ARG_SPECIAL.search(value):
            fixed = _escape_raw(value, verbatim_as_text)  # only those commands: the rest stays as written
            if fixed != value:
                value = fixed
                ctx.note("verbatim-as-text", f"{lname}: biber passes fields to LaTeX inside macro arguments, "
                         "where \\verb cannot work and \\url/\\path cannot read % or #; those written as "
                         "escaped text (\\href keeps its link, with \\% and \\#)")
        if lname in TYPESET_FIELDS and _may_stray(value):  # (typeset fields are never verbatim ones)
            value = _escape_raw(value)
        if ctx.dialect == "biblatex" and "\\i" in value and not is_verbatim_field(lname):
            value = _DOTLESS_I.sub(r"\1{i}", value)
    return value


def _bibtex_date(entry: Entry, origin: BibOrigin, groups: dict[str, str], ctx: _Ctx) -> list[tuple[str, str]]:
    """``--to bibtex`` for an entry with a BibLaTeX ``date``: year/month/day when they hold it exactly
    (the date field then goes); otherwise the date field is kept (BibTeX ignores it) next to the best
    ``year`` BibTeX can have, and the entry says so."""
    raw = raw_value(origin, "date")
    text = str(entry.extra.get("date") or (entry.date.iso() if entry.date else "")).strip()
    if "year" in origin.fields:
        return [(origin.names.get("date", "date"), raw)]  # both given: nothing to convert
    if groups.get("date") == "date" and entry.date is not None and _ISO_DATE.match(text):
        saved, ctx.gen = ctx.gen, "bibtex"
        try:
            return _gen(entry, "date", ctx, fresh=False)
        finally:
            ctx.gen = saved
    m = _YEAR_RANGE.match(text)
    if m is not None:
        year = m.group(1) + "--" + (m.group(2) or "")
    elif entry.date is not None and entry.date.year is not None and text[:4].isdigit():
        year = str(entry.date.year)
    else:
        year = text
    ctx.note("date-kept", f"BibTeX has no field for the date {text!r}: written as year = {{{year}}} and the "
             "date field is kept as written")
    return [("year", _braced(year)), (origin.names.get("date", "date"), raw)]


#: what a snapshot holds for a group it has no entry for (``None`` is a value it may hold)
_ABSENT = object()


class _OriginFields:
    """The fields of an entry read from a ``.bib``: each one copied as written unless its model value
    changed (then written anew in the same place), then the groups the model gained (see the module
    docstring); one object per entry, so the state of that walk has one home."""

    def __init__(self, entry: Entry, ctx: _Ctx):
        origin = entry.bib
        assert origin is not None
        self.entry, self.ctx, self.origin = entry, ctx, origin
        self.decoded = origin.decoded
        self.groups: dict[str, str] = self.decoded.get("__groups__", {})
        self.cache: dict[str, bool] = {}
        self.nonempty = _nonempty_groups(entry)
        self.code_url = (_code_url(entry) if ctx.code_note else None) or ""
        self.want_code = bool(self.code_url) and not _has_code(entry, self.code_url)
        self.out: Fields = []
        self.regenerated: set[str] = set()
        self.forced: set[str] = set()
        self.renames: dict[str, str] = {}

    def changed(self, group: str) -> bool:
        known = self.cache.get(group)
        if known is not None:
            return known
        was = self.decoded.get(group, _ABSENT)
        if was is _ABSENT:  # empty when read: changed if it holds something now
            known = group in self.nonempty if group in _CANONICAL else \
                group_value(self.entry, group) not in (None, [], "", (None, None))
        else:
            known = group_value(self.entry, group) != was
        self.cache[group] = known
        return known

    def plan_target(self) -> None:
        """With a target: a month biber cannot read is written from the model (a \\url holding "%"/"#",
        which biber's .bbl cannot take, is rewritten by _copy); with --to bibtex, BibLaTeX field names are
        renamed."""
        ctx, fields = self.ctx, self.origin.fields
        if ctx.dialect == "bibtex":
            for n in fields:
                target = _TO_BIBTEX_FIELDS.get(n)
                if target is not None and target.lower() not in fields:
                    self.renames[n] = target
            if "date" in fields:
                self.renames["date"] = "year"  # see _bibtex_date
            self.renames.update(ctx.type_renames)
        elif ctx.dialect == "biblatex":
            if self.groups.get("month") == "date" and not _BIBER_MONTH.match(fields.get("month", "")):
                self.forced.add("date")

    def copy_written(self) -> None:
        """The fields the input had, in its order."""
        ctx, origin, out = self.ctx, self.origin, self.out
        drop, renames, groups = ctx.drop, self.renames, self.groups
        special = ctx.ascii or ctx.convert  # otherwise a copied value is the raw value, untouched
        names = origin.names
        for lname in origin.fields:
            if drop and lname in drop:
                continue
            group = groups.get(lname) or "extra:" + lname
            if group in self.forced or self.changed(group):
                self.regenerate(group)
                continue
            raw = raw_value(origin, lname)
            if renames and lname in renames:
                self.copy_renamed(lname, raw, group)
                continue
            value = _copy(raw, lname, ctx) if special else raw
            if self.want_code and group == "note":
                value = _note_with_code(raw, self.code_url)
                self.want_code = False
            out.append((names.get(lname, lname), value))

    def regenerate(self, group: str) -> None:
        if group in self.regenerated:
            return
        self.regenerated.add(group)
        self.ctx.mixed = True
        self.out.extend(_gen(self.entry, group, self.ctx, fresh=False))
        if group == "note":
            self.want_code = False

    def copy_renamed(self, lname: str, raw: str, group: str) -> None:
        ctx = self.ctx
        if lname == "date":
            self.out.extend(_bibtex_date(self.entry, self.origin, self.groups, ctx))
            self.regenerated.add(group)
            ctx.mixed = True
            return
        value = _copy(raw, lname, ctx) if ctx.ascii or ctx.convert else raw
        if lname == "eprinttype" and value.lower() == "{arxiv}":
            value = "{arXiv}"
        self.out.append((self.renames[lname], value))

    def add_new(self) -> None:
        """The groups the model has now and the input did not."""
        entry, present = self.entry, set(self.groups.values())
        copied = len(self.out)
        for group in _GROUP_ORDER:
            if group == "*extra*":
                for name in entry.extra:
                    g = "extra:" + name
                    if g not in present and g not in self.regenerated:
                        self.out.extend(_gen(entry, g, self.ctx, fresh=False))
            elif group in present or group in self.regenerated:
                continue
            elif (group == "note" and self.want_code) or self.changed(group) or self.arxiv_id_lost(group):
                self.out.extend(_gen(entry, group, self.ctx, fresh=False))
        self.add_key()
        if len(self.out) != copied:
            self.ctx.mixed = True

    def arxiv_id_lost(self, group: str) -> bool:
        """An arXiv id the input gave only as arXiv's DOI, whose ``doi`` now names another work (the published
        version): written as ``eprint``, or the preprint would no longer be findable from the entry."""
        return group == "ids.arxiv" and bool(self.entry.ids.arxiv) and self.changed("ids.doi")

    def add_key(self) -> None:
        entry, origin, ctx = self.entry, self.origin, self.ctx
        if "key" in origin.fields:
            return
        etype = origin.entry_type.lower()
        authorless = not entry.authors or all(is_others(p) for p in entry.authors)
        if "key" in entry.extra or (ctx.convert and etype in BIBLATEX_TYPES and etype not in ("xdata", "set")
                                    and authorless):
            # an author-less entry needs a sort key (plainnat: "to sort, need author or key"): see _key_field
            self.out.extend(_key_field(entry, ctx, present={n.lower() for n, _ in self.out}))


def _origin_fields(entry: Entry, ctx: _Ctx) -> Fields:
    walk = _OriginFields(entry, ctx)
    walk.plan_target()
    walk.copy_written()
    walk.add_new()
    return walk.out


_CANONICAL = frozenset(g for g in _GROUP_ORDER if g != "*extra*")


def _nonempty_groups(e: Entry) -> set[str]:
    """The canonical groups that hold a value (one pass, for the writer's change test)."""
    ids = e.ids
    out = {g for g, v in (("authors", e.authors), ("editors", e.editors), ("title", e.title),
                          ("booktitle", e.booktitle), ("journal", e.journal), ("date", e.date),
                          ("volume", e.volume), ("number", e.number), ("pages", e.pages),
                          ("publisher", e.publisher), ("ids.doi", ids.doi), ("ids.arxiv", ids.arxiv),
                          ("primary_class", e.primary_class), ("url", e.url), ("ids.isbn", ids.isbn),
                          ("ids.issn", ids.issn), ("ids.pmid", ids.pmid), ("note", e.note), ("tags", e.tags),
                          ("abstract", e.abstract)) if v}
    if e.links and e.code_repo is not None:
        out.add("github")
    return out


_URL_ARG_SPECIAL = compile_on_first_use(__name__, r"\\verb(?![A-Za-z])"
                                                   r"|\\(?:url|href|path|nolinkurl)\s*(?:\{[^{}]*|([^A-Za-z{\s])(?:(?!\1).)*)[%#]")
def _may_stray(value: str) -> bool:
    """Whether a raw value holds a character escape_strays() may have to escape (six C-level scans
    beat one regular expression over 100,000 abstracts)."""
    return "%" in value or "&" in value or "_" in value or "#" in value or "$" in value or "^" in value
#: fields whose value reaches LaTeX as text (BibTeX styles print them; biber writes them to the .bbl,
#: which LaTeX reads): a raw copy of one must not hold an unescaped ``%``, ``&``, ``#``, ``_``, ``^``
#: or ``$``.  Unknown fields (``groups``, ``owner``) are dropped by styles and biber: left as written.
TYPESET_FIELDS = frozenset("""
    title subtitle titleaddon booktitle booksubtitle booktitleaddon maintitle mainsubtitle maintitleaddon
    journal journaltitle journalsubtitle issuetitle issuesubtitle eventtitle eventtitleaddon venue origtitle
    reprinttitle shorttitle indextitle note addendum howpublished publisher address location origlocation
    origpublisher school institution organization series edition chapter type abstract annote annotation
    author editor translator commentator introduction afterword foreword bookauthor holder annotator
    shortauthor shorteditor shortjournal shortseries pages volume number issue part version language
    origlanguage library label nameaddon pubstate key keywords
""".split())


def _escape_raw(raw: str, fix: Callable[[str], str] = escape_strays) -> str:
    """A raw value expression with the LaTeX specials TeX would choke on escaped inside its
    strings (``{100% of AT&T}`` → ``{100\\% of AT\\&T}``), macros and ``#`` concatenation kept."""
    parts, leftover = parse_expression(raw)
    if leftover or not parts:
        return raw
    fixed = [(kind, fix(text) if kind in ("brace", "quote") else text) for kind, text in parts]
    if fixed == parts:
        return raw
    if len(fixed) == 1 and fixed[0][0] == "brace":
        return "{" + fixed[0][1] + "}"
    out = []
    for kind, text in fixed:
        out.append("{" + text + "}" if kind == "brace" else '"' + text + '"' if kind == "quote" else text)
    return " # ".join(out)


def _note_with_code(raw: str, url: str) -> str:
    """Append the code note to a note copied verbatim, keeping its expression intact."""
    parts, leftover = parse_expression(raw)
    if not leftover and len(parts) == 1 and parts[0][0] in ("brace", "quote"):
        return _braced(_append_code(parts[0][1], url))
    return raw + " # " + _braced(". Code: \\url{" + url + "}")


# --------------------------------------------------------------------------- entries and blocks


def _fallback_key(entry: Entry, used: set[str]) -> str:
    word = (_key_word(entry) or "entry").lower()
    word = re.sub(r"[^a-z0-9]", "", word.encode("ascii", "ignore").decode()) or "entry"
    base = f"{word}{entry.year or ''}"
    key = base
    n = 0
    while key.casefold() in used:
        n += 1
        key = f"{base}-{n}"
    return key


def format_entry(entry: Entry, *, dialect: str | None = "bibtex", ascii: bool = False,  # noqa: A002
                 code_note: bool = False, key: str | None = None) -> str:
    """One entry as ``@type{key, …}`` text (no trailing blank line)."""
    ctx = _Ctx(dialect, ascii, code_note)
    return _format(entry, ctx, key or entry.key or "entry")


def _format(entry: Entry, ctx: _Ctx, key: str) -> str:
    ctx.bad_chars = []
    ctx.notes = []
    ctx.drop = set()
    ctx.entry = entry
    ctx.mixed = False
    ctx.type_renames = {}
    origin = entry.bib
    if origin is not None and "__groups__" in origin.decoded:
        # (a record read from RIS, CSL-JSON…: the default output is BibTeX, as for a fresh entry)
        ctx.gen = ctx.dialect or ("bibtex" if origin.generated else _native_dialect(origin))
        if entry.entry_type != origin.decoded.get("entry_type"):
            etype = output_type(entry, ctx.gen)
        elif ctx.dialect == "bibtex" or (ctx.dialect is None and origin.generated):
            etype = _bibtex_type(entry, origin.entry_type, ctx)
        else:
            etype = origin.entry_type
        ctx.etype = etype.lower()
        fields = _origin_fields(entry, ctx)
    else:
        ctx.gen = ctx.dialect or "bibtex"
        etype = output_type(entry, ctx.dialect)
        ctx.etype = etype
        fields = _fresh_fields(entry, ctx)
        ctx.mixed = True
    if ctx.dialect == "bibtex" and ctx.xdata and "xdata" in entry.extra:
        fields = _inline_xdata(entry, fields, ctx)
    if ctx.mixed:  # fields written from the model next to copied ones: never a name twice
        fields = _once(entry, fields, ctx)
    if ctx.dialect == "biblatex":  # BibTeX forms copied from a .bib (journal, year/month…) in BibLaTeX's own
        etype, fields = to_biblatex(etype, fields)
    if ctx.bad_chars:
        _note_bad_chars(entry, ctx)
    for code, message in ctx.notes:
        if not any(p.code == code and p.message == message for p in entry.problems):
            entry.problems.append(Problem(code, message, "info", entry.origin, entry.key))
    # a key BibTeX read from a "(…)" entry may hold a "}": such an entry is written with parentheses
    open_, close = ("(", ")") if "}" in key else ("{", "}")
    lines = [f"@{etype}{open_}{key},"]
    lines.extend(f"  {name} = {value}," for name, value in fields)
    lines.append(close)
    return "\n".join(lines)


def _once(entry: Entry, fields: list[tuple[str, str]], ctx: _Ctx) -> list[tuple[str, str]]:
    """Each field name once (BibTeX ignores a second one, biber warns): a later value under a name
    already written is left out and reported, never written twice."""
    seen: set[str] = set()
    out: list[tuple[str, str]] = []
    for name, value in fields:
        lname = name.lower()
        if lname in seen:
            ctx.note("duplicate-field", f"a second {name!r} field ({value[:60]}) was not written: the entry "
                     "has one already")
            continue
        seen.add(lname)
        out.append((name, value))
    return out if len(out) != len(fields) else fields


def _inline_xdata(entry: Entry, fields: list[tuple[str, str]], ctx: _Ctx) -> list[tuple[str, str]]:
    """Classic BibTeX has no ``xdata``: the fields of the referenced @xdata entries that the entry
    lacks are written into it (as biber would inherit them), and the ``xdata`` field goes."""
    present = {name.lower() for name, _ in fields}
    out = [(name, value) for name, value in fields if name.lower() != "xdata"]
    for ref in (r.strip() for r in entry.extra["xdata"].split(",")):
        source = ctx.xdata.get(ref.casefold())
        if source is None:
            return fields  # a dangling reference: leave it for the user to see
        for name, value in _fresh_fields(source, ctx):
            if name.lower() not in present and name.lower() != "key":
                out.append((name, value))
                present.add(name.lower())
    return out


def _xdata_comment(entry: Entry, ctx: _Ctx, key: str) -> str:
    """An @xdata entry for classic BibTeX, which would print it as an item of its own: its fields
    are inlined where used, the entry itself is kept as ``%`` comment lines."""
    text = _format(entry, _Ctx("biblatex", ctx.ascii, ctx.code_note), key).lstrip("@")
    return "% bibkit: a BibLaTeX xdata entry, inlined into the entries that use it (classic BibTeX has none)\n" + \
        _comment_out(text)


def _bad_chars_text(pairs: list[tuple[str, str]]) -> str:
    return ", ".join(f"{c} (U+{ord(c):04X}) in {f}" for f, c in pairs[:10]) + \
        (f" and {len(pairs) - 10} more" if len(pairs) > 10 else "")


def _note_bad_chars(entry: Entry, ctx: _Ctx) -> None:
    chars = _bad_chars_text(ctx.bad_chars)
    if ctx.ascii:
        msg = (f"--ascii: no LaTeX macro that pdflatex accepts without extra packages for {chars}; kept as "
               "UTF-8 (compile with xelatex/lualatex, or define it in the document)")
    else:
        msg = f"pdflatex cannot typeset {chars} (kept as UTF-8; use xelatex/lualatex or \\DeclareUnicodeCharacter)"
    if not any(p.code == "unencodable" and p.message == msg for p in entry.problems):
        entry.problems.append(Problem("unencodable", msg, "warning", entry.origin, entry.key))


def _raw_block(block: RawBlock, ctx: _Ctx, doc: Document) -> str:
    if not ctx.convert:
        # as written: the block exactly as the input had it (--ascii converts @string/@preamble values)
        if block.raw is not None:
            if ctx.ascii and block.kind in ("string", "preamble") and not block.raw.isascii():
                return _ascii_block(block.raw, block, doc)
            return block.raw
        if block.kind == "text":
            return block.value
    value = block.value
    if ctx.ascii and block.kind in ("string", "preamble") and not value.isascii():
        value = _ascii_block(value, block, doc)
    if block.kind == "string":
        if ctx.convert and _may_stray(value):
            value = _escape_raw(value)  # the value lands in text fields: TeX must be able to read it
        return f"@string{{{block.name} = {value}}}"
    if block.kind == "preamble":
        return f"@preamble{{{value}}}"
    if block.kind == "comment":
        # BibTeX does not skip a comment's braces: an "@" inside would start an entry
        return f"@comment{{{value.replace('@', '(at)')}}}"
    return _comment_out(value)


def _ascii_block(text: str, block: RawBlock, doc: Document) -> str:
    """``--ascii`` on an @string/@preamble: macros for what has one, a problem naming the rest."""
    out = to_ascii(text)
    if not out.isascii():
        left: list[tuple[str, str]] = []
        what = f"@string {block.name}" if block.kind == "string" else "@preamble"
        for c in out:
            if not c.isascii() and (what, c) not in left:
                left.append((what, c))
        msg = (f"--ascii: no LaTeX macro that pdflatex accepts without extra packages for "
               f"{_bad_chars_text(left)}; kept as UTF-8")
        if not any(p.code == "unencodable" and p.message == msg for p in doc.problems):
            doc.problems.append(Problem("unencodable", msg, "warning", block.origin, None))
    return out


def _comment_out(text: str) -> str:
    """Free text between entries, written as ``%`` comment lines.

    BibTeX ignores such text anyway, but biber warns about "junk seen at toplevel"
    for every line that is not a ``%`` comment.  Text that holds an ``@`` at the start
    of a line is the kept text of an entry that could not be parsed: it is written
    unchanged, so the next reader reports it again instead of silently skipping it.
    """
    lines = text.split("\n")
    if any(line.lstrip().startswith("@") for line in lines):
        return text
    if "@" in text:
        # BibTeX reads an "@" anywhere outside an entry, comment lines included, as the start of an
        # entry (and may swallow the next real one while recovering): write it as "(at)"
        lines = [line.replace("@", "(at)") for line in lines]
    return "\n".join(line if not line.strip() or line.lstrip().startswith("%") else "% " + line
                     for line in lines)


def _macros_used(block: Entry | RawBlock) -> set[str]:
    """Lower-case names of the @string macros a block's copied raw values refer to."""
    if isinstance(block, RawBlock):
        raws = [block.value] if block.kind == "string" else []
    elif block.bib is not None:
        braced = block.bib.decoded.get("__braced__") or ()
        raws = [v for n, v in block.bib.fields.items() if n not in braced]
    else:
        raws = []
    out: set[str] = set()
    for raw in raws:
        if raw[:1] == "{" and "#" not in raw:
            continue  # one brace group: no macro
        parts, _ = parse_expression(raw)
        out.update(text.lower() for kind, text in parts if kind == "macro")
    return out


def _in_cycles(deps: dict[str, set[str]]) -> set[str]:
    """Names of @string macros whose definitions depend on themselves (directly or through others)."""
    out: set[str] = set()
    for start in deps:
        stack = list(deps[start])
        seen: set[str] = set()
        while stack:
            name = stack.pop()
            if name == start:
                out.add(start)
                break
            if name in seen or name not in deps:
                continue
            seen.add(name)
            stack.extend(deps[name])
    return out


def _strings_first(blocks: list[Entry | RawBlock]) -> list[Entry | RawBlock]:
    """The blocks in order, except that an @string used before its definition (BibTeX reads them in
    order and prints nothing for an undefined macro) moves up to just before its first use, after
    the definitions it needs itself.  Definitions in a dependency cycle never move: no order can
    satisfy them, and moving them would swap them again on every pass."""
    where = {b.name.lower(): i for i, b in enumerate(blocks)
             if isinstance(b, RawBlock) and b.kind == "string" and b.name}
    if not where:
        return blocks
    first_entry = next((i for i, b in enumerate(blocks) if isinstance(b, Entry)), len(blocks))
    # the usual file defines every string before its first entry: then only strings can use a string early
    scan = range(len(blocks)) if max(where.values()) > first_entry else sorted(where.values())
    first_use: dict[str, int] = {}
    for i in scan:
        block = blocks[i]
        for name in _macros_used(block):
            if name in where and name not in first_use:
                first_use[name] = i
    early = {name: pos for name, pos in first_use.items() if pos < where[name]}
    if not early:
        return blocks
    deps = {name: {d for d in _macros_used(blocks[i]) if d in where} for name, i in where.items()}
    stuck = _in_cycles(deps)
    moved: dict[int, list[int]] = {}  # insertion position -> string block indices, in definition order
    placed: set[int] = set()

    def place(name: str, pos: int, depth: int) -> None:
        idx = where[name]
        if idx in placed or name in stuck or depth > 100:
            return
        for dep in sorted(deps[name], key=where.__getitem__):  # what the moved definition needs goes first
            if where[dep] > pos:
                place(dep, pos, depth + 1)
        placed.add(idx)
        moved.setdefault(pos, []).append(idx)

    for name, pos in sorted(early.items(), key=lambda kv: kv[1]):
        place(name, pos, 0)
    out: list[Entry | RawBlock] = []
    for i, block in enumerate(blocks):
        out.extend(blocks[k] for k in moved.get(i, ()))
        if i not in placed:
            out.append(block)
    return out


def _kept_last(blocks: list[Entry | RawBlock]) -> list[Entry | RawBlock]:
    """The blocks in order, except that free text right after a block kept as it was (one no reader
    could read) is written before it: a reader takes everything up to the next line that starts
    like a block as part of the kept one, so text after it would change how it reads next time."""
    if not any(isinstance(b, RawBlock) and b.kind == "text" and b.raw is not None for b in blocks):
        return blocks
    out: list[Entry | RawBlock] = []
    held: list[RawBlock] = []  # kept blocks waiting for the free text after them
    for block in blocks:
        if isinstance(block, RawBlock) and block.kind == "text":
            if block.raw is not None:
                held.append(block)
            else:
                out.append(block)  # free text goes out at once, before a kept block still held
            continue
        out.extend(held)
        held = []
        out.append(block)
    out.extend(held)
    return out


def write(doc: Document, *, dialect: str | None = "bibtex", ascii: bool = False,  # noqa: A002
          code_note: bool = False) -> str:
    """The whole document as ``.bib`` text: ``dialect`` ``"bibtex"`` or ``"biblatex"`` writes for
    that target, ``None`` writes every entry read from a ``.bib`` as it was written (see the module
    docstring)."""
    return "".join(write_chunks(doc, dialect=dialect, ascii=ascii, code_note=code_note))


def write_chunks(doc: Document, *, dialect: str | None = "bibtex", ascii: bool = False,  # noqa: A002
                 code_note: bool = False) -> Iterator[str]:
    """:func:`write`'s text, a block at a time: a file of 100,000 entries is written without ever being one
    string in memory (nor a list of all its blocks)."""
    ctx = _Ctx(dialect, ascii, code_note)
    used: set[str] = {e.key.casefold() for e in doc.entries if e.key}
    if dialect == "bibtex":
        ctx.xdata = {e.key.casefold(): e for e in doc.entries if e.entry_type == "xdata" and e.key}
    if any("crossref" in e.extra or "xdata" in e.extra for e in doc.entries):
        ctx.parents = {e.key.casefold(): e for e in reversed(doc.entries) if e.key}  # (the first of a key wins)
    first = True
    for block in _kept_last(_strings_first(doc.blocks) if ctx.convert else doc.blocks):
        if isinstance(block, Entry):
            key = block.key
            if not key:
                key = _fallback_key(block, used)
                used.add(key.casefold())
            if ctx.xdata and block.entry_type == "xdata":
                chunk = _xdata_comment(block, ctx, key)
            else:
                chunk = _format(block, ctx, key)
        else:
            text = _raw_block(block, ctx, doc)
            if not text.strip():
                continue
            chunk = text.strip("\n")
        if not first:
            yield "\n\n"  # blocks separated by one blank line
        yield chunk
        first = False
    if not first:
        yield "\n"
