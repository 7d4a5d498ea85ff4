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
fields are appended in the order above.  So ``.bib`` → ``.bib`` is exact up to
layout.  Exceptions, so that classic BibTeX understands the result: with
``dialect="bibtex"`` BibLaTeX-only fields (``date``, ``journaltitle``,
``eprinttype``, ``eprintclass``) and entry types (``@online``…) are rewritten;
with ``ascii=True`` non-ASCII characters of copied values become macros.

Extras: ``github = {owner/name}`` from :attr:`Entry.code_repo` (ignored by
styles); with ``code_note=True`` a ``note`` gets ``Code: \\url{https://github.com/owner/name}``
appended (after ". " when there is a note already); an entry with neither
author nor editor gets a ``key`` field (the first significant title word) so
plainnat and biber can sort and label it.  Nothing is invented: no year when
the year is unknown.
"""

from __future__ import annotations

import re
from typing import Callable

from ..bibnames import format_bibtex_names, is_others
from ..bibsyntax import (
    MONTH_MACROS,
    github_value,
    group_value,
    is_verbatim_field,
    parse_expression,
    raw_value,
)
from ..model import Document, Entry, Problem, RawBlock
from ..normalize.casing import protect
from ..normalize.latex import encode, escape_strays, to_ascii, unencodable
from ..normalize.pages import page_range

__all__ = ["write", "format_entry", "output_type", "DIALECTS"]

DIALECTS = ("bibtex", "biblatex")

_MONTHS = {v: k for k, v in MONTH_MACROS.items()}

#: entry types the standard BibTeX styles (plain, plainnat, …) define
BIBTEX_TYPES = frozenset(
    "article book booklet conference inbook incollection inproceedings manual mastersthesis misc "
    "phdthesis proceedings techreport unpublished".split()
)
_BIBTEX_ALIASES = {
    "online": "misc", "electronic": "misc", "www": "misc", "software": "misc", "dataset": "misc",
    "preprint": "misc", "report": "techreport", "thesis": "phdthesis", "mvbook": "book",
    "collection": "book", "mvcollection": "book", "reference": "book", "mvreference": "book",
    "bookinbook": "inbook", "inreference": "incollection", "suppbook": "inbook",
    "suppcollection": "incollection", "mvproceedings": "proceedings", "periodical": "book",
}
_BIBLATEX_ALIASES = {"electronic": "online", "www": "online", "preprint": "online"}
#: fields classic BibTeX styles do not know; rewritten from the model in the bibtex dialect
_BIBLATEX_ONLY_FIELDS = frozenset({"date", "journaltitle", "eprinttype", "eprintclass"})
#: BibLaTeX field names with a classic BibTeX equivalent (used when an extra field is re-encoded)
_BIBTEX_RENAMES = {"location": "address"}
_BIBER_MONTH = re.compile(r"^(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|\d{1,2}|\{\d{1,2}\}|\"\d{1,2}\")$",
                          re.IGNORECASE)
#: an accent on a dotless i (``{\'\i}``): biber decodes it to "ı" + a combining accent, which pdflatex
#: rejects; ``{\'{i}}`` means the same to TeX and decodes to "í"
_DOTLESS_I = re.compile(r"(\\[`'^\"~=.uvHcrk])\s*(?:\{\\i\}|\\i(?![A-Za-z])\s?)")
_ARXIVISH_TYPES = frozenset({"preprint", "misc", "online", "electronic", "www", "article", "unpublished"})

#: canonical order of generated groups (see the module docstring)
_GROUP_ORDER = [
    "authors", "editors", "title", "booktitle", "journal", "date", "volume", "number", "pages",
    "publisher", "*extra*", "ids.doi", "ids.arxiv", "primary_class", "url", "ids.isbn", "ids.issn",
    "ids.pmid", "note", "tags", "github", "abstract",
]
_PROTECTED = frozenset({"title", "booktitle"})
_STOP = frozenset({"a", "an", "the", "on", "of", "in", "for", "to", "and", "with", "towards", "toward"})
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?", re.UNICODE)


def _is_arxiv_preprint(entry: Entry) -> bool:
    if entry.entry_type == "preprint":
        return True
    return bool(entry.ids.arxiv) and not entry.journal and not entry.booktitle \
        and entry.entry_type in _ARXIVISH_TYPES


def output_type(entry: Entry, dialect: str) -> str:
    """The entry type written for ``entry`` in ``dialect`` (lower case)."""
    t = (entry.entry_type or "misc").lower()
    if dialect == "bibtex":
        if _is_arxiv_preprint(entry):
            return "misc"
        t = _BIBTEX_ALIASES.get(t, t)
        return t if t in BIBTEX_TYPES else "misc"
    if _is_arxiv_preprint(entry):
        return "online"
    return _BIBLATEX_ALIASES.get(t, t)


def _type_ok(written: str, dialect: str) -> bool:
    t = written.lower()
    if dialect == "bibtex":
        return t in BIBTEX_TYPES
    return True  # biber knows BibTeX's types and the old aliases (@electronic, @www) as they are


class _Ctx:
    """One write call: the dialect and options, and the entry being written (for problems)."""

    def __init__(self, dialect: str, ascii_: bool, code_note: bool):
        if dialect not in DIALECTS:
            raise ValueError(f"unknown dialect {dialect!r} (expected one of {', '.join(DIALECTS)})")
        self.dialect = dialect
        self.ascii = ascii_
        self.code_note = code_note
        self.entry: Entry | None = None
        self.bad_chars: list[str] = []
        self.xdata: dict[str, Entry] = {}  # casefolded key -> @xdata entry (bibtex dialect only)

    def text(self, value: str, *, case_protect: bool = False) -> str:
        out = encode(value, ascii=self.ascii)
        if not out.isascii():
            for ch in unencodable(value, ascii=self.ascii):
                if ch not in self.bad_chars:
                    self.bad_chars.append(ch)
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
            return w
    return words[0] if words else None


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


def _gen(entry: Entry, group: str, ctx: _Ctx, *, fresh: bool) -> list[tuple[str, str]]:
    """The fields for one model group, encoded for ``ctx`` (empty when the model has no value)."""
    d = ctx.dialect
    if group in ("title", "booktitle", "abstract", "publisher", "volume", "number", "pages"):
        value = getattr(entry, group)
        if not value:
            return []
        if group == "pages":  # a range's "--" or "–" is TeX's "--", never two hyphens kept apart ("-{}-")
            value = page_range(value, hyphen=False)
        return [(group, _braced(ctx.text(value, case_protect=group in _PROTECTED)))]
    if group == "journal":
        if not entry.journal:
            return []
        return [("journal" if d == "bibtex" else "journaltitle", _braced(ctx.text(entry.journal)))]
    if group in ("authors", "editors"):
        persons = getattr(entry, group)
        if not persons:
            return []
        names = format_bibtex_names(persons, ascii=ctx.ascii)
        for p in persons:
            for part in (p.family, p.given, p.particle, p.suffix, p.literal):
                if part and not part.isascii():
                    for ch in unencodable(part, ascii=ctx.ascii):
                        if ch not in ctx.bad_chars:
                            ctx.bad_chars.append(ch)
        return [("author" if group == "authors" else "editor", _braced(names))]
    if group == "date":
        date = entry.date
        if not date or date.year is None:
            return []
        if d == "biblatex":
            return [("date", _braced(date.iso()))]
        out = [("year", str(date.year) if 0 <= date.year <= 9999 else _braced(str(date.year)))]
        if date.month:
            out.append(("month", _MONTHS[date.month]))
            if date.day:
                out.append(("day", _braced(str(date.day))))
        return out
    if group == "url":
        url = entry.url
        if not url and fresh and entry.ids.arxiv and _is_arxiv_preprint(entry):
            url = f"https://arxiv.org/abs/{entry.ids.arxiv}"
        return [("url", _verbatim(url))] if url else []
    if group == "note":
        note = ctx.text(entry.note) if entry.note else None
        if ctx.code_note:
            url = _code_url(entry)
            if url and not _has_code(entry, url):
                note = _append_code(note, url)
        return [("note", _braced(note))] if note else []
    if group == "ids.doi":
        doi = entry.ids.doi
        if not doi and fresh and entry.ids.arxiv and _is_arxiv_preprint(entry):
            doi = entry.ids.arxiv_doi
        return [("doi", _verbatim(doi))] if doi else []
    if group == "ids.arxiv":
        if not entry.ids.arxiv:
            return []
        if d == "bibtex":
            return [("eprint", _verbatim(entry.ids.arxiv)), ("archivePrefix", "{arXiv}")]
        return [("eprint", _verbatim(entry.ids.arxiv)), ("eprinttype", "{arxiv}")]
    if group == "primary_class":
        if not entry.primary_class:
            return []
        return [("primaryClass" if d == "bibtex" else "eprintclass", _braced(ctx.text(entry.primary_class)))]
    if group in ("ids.isbn", "ids.issn", "ids.pmid"):
        value = getattr(entry.ids, group[4:])
        return [(group[4:], _verbatim(value))] if value else []
    if group == "tags":
        if not entry.tags:
            return []
        return [("keywords", _braced(", ".join(ctx.text(t) for t in entry.tags)))]
    if group == "github":
        repo = github_value(entry)
        return [("github", _verbatim(repo))] if repo else []
    if group == "entry_type":
        return []
    if group.startswith("extra:"):
        name = group[6:]
        value = entry.extra.get(name)
        if value is None:
            return []
        out_name = _BIBTEX_RENAMES.get(name, name) if d == "bibtex" else name
        if out_name != name and out_name in entry.extra:
            out_name = name
        if is_verbatim_field(name):
            return [(out_name, _verbatim(value))]
        return [(out_name, _braced(ctx.text(value)))]
    return []


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
    if "key" in present:
        return []
    if "key" in entry.extra:
        return [("key", _braced(ctx.text(entry.extra["key"])))]
    if any(not is_others(p) for p in entry.authors) or entry.editors:
        return []
    word = _key_word(entry) or entry.key
    return [("key", _braced(ctx.text(word)))] if word else []


def _origin_fields(entry: Entry, ctx: _Ctx) -> list[tuple[str, str]]:
    origin = entry.bib
    assert origin is not None
    decoded = origin.decoded
    groups: dict[str, str] = decoded.get("__groups__", {})
    changed_cache: dict[str, bool] = {}

    nonempty = _nonempty_groups(entry)

    def changed(group: str) -> bool:
        if group not in changed_cache:
            if group not in decoded:  # empty when read: changed if it holds something now
                changed_cache[group] = group in nonempty if group in _CANONICAL else \
                    group_value(entry, group) not in (None, [], "", (None, None))
            else:
                changed_cache[group] = group_value(entry, group) != decoded[group]
        return changed_cache[group]

    code_url = _code_url(entry) if ctx.code_note else None
    want_code = bool(code_url) and not _has_code(entry, code_url)

    # a group with one BibLaTeX-only field is rewritten whole in the bibtex dialect; in the
    # biblatex dialect a month that is neither a macro nor a number (biber warns) is rewritten
    forced: set[str] = set()
    if ctx.dialect == "bibtex":
        forced = {groups.get(n, "extra:" + n) for n in origin.fields if n in _BIBLATEX_ONLY_FIELDS
                  or (n in _BIBTEX_RENAMES and _BIBTEX_RENAMES[n] not in origin.fields)}
    else:
        if groups.get("month") == "date" and not _BIBER_MONTH.match(origin.fields.get("month", "")):
            forced.add("date")
        # biber puts fields into macro arguments in the .bbl, where \url can no longer read "%" or
        # "#" verbatim: such a field is written from the model, as escaped text
        forced.update(groups.get(n, "extra:" + n) for n in origin.fields
                      if n in TYPESET_FIELDS and _URL_ARG_SPECIAL.search(origin.fields[n]))
    out: list[tuple[str, str]] = []
    regenerated: set[str] = set()
    for lname in origin.fields:
        raw = raw_value(origin, lname)
        group = groups.get(lname, "extra:" + lname)
        if group not in forced and not changed(group):
            value = raw
            if ctx.ascii and not raw.isascii() and not is_verbatim_field(lname):
                value = to_ascii(raw)
            if ctx.dialect == "biblatex" and "\\i" in value and not is_verbatim_field(lname):
                value = _DOTLESS_I.sub(r"\1{i}", value)
            if lname in TYPESET_FIELDS and _may_stray(value):
                value = _escape_raw(value)
            if group == "note" and want_code:
                value = _note_with_code(raw, code_url)
                want_code = False
            out.append((origin.names.get(lname, lname), value))
        elif group not in regenerated:
            regenerated.add(group)
            if group == "extra:date" and group in forced:
                # a BibLaTeX date range or free-form date: BibTeX gets the year (and month) it starts with
                if "date" not in set(groups.values()):
                    out.extend(_gen(entry, "date", ctx, fresh=False))
                continue
            out.extend(_gen(entry, group, ctx, fresh=False))
            if group == "note":
                want_code = False
    present_groups = set(groups.values())
    for group in _GROUP_ORDER:
        if group == "*extra*":
            for name in entry.extra:
                g = "extra:" + name
                if g not in present_groups and g not in regenerated:
                    out.extend(_gen(entry, g, ctx, fresh=False))
            continue
        if group in present_groups or group in regenerated:
            continue
        if group == "note" and want_code:
            out.extend(_gen(entry, group, ctx, fresh=False))
            continue
        if changed(group):
            out.extend(_gen(entry, group, ctx, fresh=False))
    if "key" not in origin.fields and ("key" in entry.extra or not entry.authors
                                       or all(is_others(p) for p in entry.authors)):
        # an author-less entry needs a sort key (plainnat: "to sort, need author or key"), whether it
        # was read from a .bib or not
        out.extend(_key_field(entry, ctx, present={n.lower() for n, _ in out}))
    return out


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


_URL_ARG_SPECIAL = re.compile(r"\\(?:url|href)\s*\{[^{}]*[%#]")
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
    origlanguage library label nameaddon pubstate key sortkey sorttitle sortname keywords
""".split())


def _escape_raw(raw: str) -> str:
    """A raw value expression with the LaTeX specials TeX would choke on escaped inside its
    strings (``{100% of AT&T}`` → ``{100\\% of AT\\&T}``), macros and ``#`` concatenation kept."""
    parts, leftover = parse_expression(raw)
    if leftover or not parts:
        return raw
    fixed = [(kind, escape_strays(text) if kind in ("brace", "quote") else text) for kind, text in parts]
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


def format_entry(entry: Entry, *, dialect: str = "bibtex", ascii: bool = False,  # noqa: A002
                 code_note: bool = False, key: str | None = None) -> str:
    """One entry as ``@type{key, …}`` text (no trailing blank line)."""
    ctx = _Ctx(dialect, ascii, code_note)
    return _format(entry, ctx, key or entry.key or "entry")


def _format(entry: Entry, ctx: _Ctx, key: str) -> str:
    ctx.bad_chars = []
    origin = entry.bib
    if origin is not None and "__groups__" in origin.decoded:
        fields = _origin_fields(entry, ctx)
        same_type = entry.entry_type == origin.decoded.get("entry_type")
        etype = origin.entry_type if same_type and _type_ok(origin.entry_type, ctx.dialect) \
            else output_type(entry, ctx.dialect)
    else:
        fields = _fresh_fields(entry, ctx)
        etype = output_type(entry, ctx.dialect)
    if ctx.dialect == "bibtex" and ctx.xdata and "xdata" in entry.extra:
        fields = _inline_xdata(entry, fields, ctx)
    if ctx.bad_chars:
        _note_bad_chars(entry, ctx)
    lines = [f"@{etype}{{{key},"]
    lines.extend(f"  {name} = {value}," for name, value in fields)
    lines.append("}")
    return "\n".join(lines)


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


def _note_bad_chars(entry: Entry, ctx: _Ctx) -> None:
    chars = " ".join(f"{c} (U+{ord(c):04X})" for c in ctx.bad_chars[:10])
    if ctx.ascii:
        msg = f"no LaTeX macro for {chars}: kept as UTF-8 in the --ascii output"
    else:
        msg = f"pdflatex cannot typeset {chars} (kept as UTF-8; use xelatex/lualatex or \\DeclareUnicodeCharacter)"
    if not any(p.code == "unencodable" and p.message == msg for p in entry.problems):
        entry.problems.append(Problem("unencodable", msg, "warning", entry.origin, entry.key))


def _raw_block(block: RawBlock, ascii_: bool) -> str:
    conv: Callable[[str], str] = to_ascii if ascii_ else (lambda s: s)
    if block.kind == "string":
        value = conv(block.value)
        if _may_stray(value):
            value = _escape_raw(value)  # the value lands in text fields: TeX must be able to read it
        return f"@string{{{block.name} = {value}}}"
    if block.kind == "preamble":
        return f"@preamble{{{conv(block.value)}}}"
    if block.kind == "comment":
        # BibTeX does not skip a comment's braces: an "@" inside would start an entry
        return f"@comment{{{block.value.replace('@', '(at)')}}}"
    return _comment_out(block.value)


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


def _strings_first(blocks: list[Entry | RawBlock]) -> list[Entry | RawBlock]:
    """The blocks in order, except that an @string used before its definition (BibTeX reads them in
    order and prints nothing for an undefined macro) moves up to just before its first use, after
    the definitions it needs itself."""
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
    moved: dict[int, list[int]] = {}  # insertion position -> string block indices, in definition order
    placed: set[int] = set()

    def place(name: str, pos: int, trail: tuple[str, ...]) -> None:
        idx = where[name]
        if idx in placed or name in trail:
            return
        for dep in _macros_used(blocks[idx]):  # what the moved definition needs goes before it
            if dep in where and where[dep] > pos:
                place(dep, pos, trail + (name,))
        placed.add(idx)
        moved.setdefault(pos, []).append(idx)

    for name, pos in sorted(early.items(), key=lambda kv: kv[1]):
        place(name, pos, ())
    out: list[Entry | RawBlock] = []
    for i, block in enumerate(blocks):
        out.extend(blocks[k] for k in moved.get(i, ()))
        if i not in placed:
            out.append(block)
    return out


def write(doc: Document, *, dialect: str = "bibtex", ascii: bool = False,  # noqa: A002
          code_note: bool = False) -> str:
    """The whole document as ``.bib`` text in ``dialect`` (``"bibtex"`` or ``"biblatex"``)."""
    ctx = _Ctx(dialect, ascii, code_note)
    used: set[str] = {e.key.casefold() for e in doc.entries if e.key}
    chunks: list[str] = []
    if dialect == "bibtex":
        ctx.xdata = {e.key.casefold(): e for e in doc.entries if e.entry_type == "xdata" and e.key}
    for block in _strings_first(doc.blocks):
        if isinstance(block, Entry):
            key = block.key
            if not key:
                key = _fallback_key(block, used)
                used.add(key.casefold())
            if ctx.xdata and block.entry_type == "xdata":
                chunks.append(_xdata_comment(block, ctx, key))
                continue
            chunks.append(_format(block, ctx, key))
        else:
            text = _raw_block(block, ascii)
            if text.strip():
                chunks.append(text.strip("\n"))
    if not chunks:
        return ""
    chunks[-1] += "\n"  # not join(...) + "\n": that would copy the whole output once more
    return "\n\n".join(chunks)
