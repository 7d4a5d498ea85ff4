"""LaTeX bibliographies read back into entries: ``thebibliography`` (a ``.bbl`` BibTeX wrote, or one
typed into a ``.tex``) and biblatex's ``.bbl`` (what biber writes).

Why: an arXiv source, a colleague's paper or an old thesis often ships ``main.bbl`` and no
``.bib``; the keys in it are the ones the paper's ``\\cite`` commands use.  Each item becomes one
entry whose key is the item's key, kept as the user's (pinned, like the key of an input ``.bib``
entry), so the rebuilt ``.bib`` compiles the same paper.

``thebibliography``: every ``\\bibitem[label]{key}`` starts an item; its text (BibTeX's
``\\newblock``\\ s, ``{\\em …}``, natbib's ``\\penalty0`` and ``\\natexlab``, ACM's ``\\bibinfo``
fields, IEEEtran's spacing commands) is decoded to plain text and read as a reference string by
the reference-list reader (:func:`bibkit.sources.pages.references.parse_reference`): the same
reading, the same containment check when it is resolved.

biblatex's ``.bbl`` is structured (``\\entry{key}{type}{}`` … ``\\field{title}{…}`` …
``\\name{author}{…}`` … ``\\verb{doi}`` … ``\\endentry``): it is turned into the BibTeX it came
from, field by field (biber's own bookkeeping — sort and label fields, hashes — left out), and
read by the ``.bib`` reader.
"""

from __future__ import annotations

import re

from ..model import Document, Problem, SkippedLine, SourceLocation

__all__ = ["looks_like_bbl", "read"]

_BIBITEM = re.compile(r"\\bibitem(?![A-Za-z])")
_BEGIN = re.compile(r"\\begin\s*\{thebibliography\}")
_END = re.compile(r"\\end\s*\{thebibliography\}")
_ENTRY = re.compile(r"^[ \t]*\\entry\{", re.MULTILINE)
_BIBITEM_LINE = re.compile(r"^[ \t]*\\bibitem(?![A-Za-z])", re.MULTILINE)


def looks_like_bbl(text: str) -> bool:
    """A ``thebibliography`` environment or items (a ``\\bibitem`` opening a line), or biblatex's
    ``.bbl`` (``\\entry{`` lines inside a ``\\datalist`` or ``\\refsection``)."""
    if "\\bibitem" in text and _BIBITEM_LINE.search(text) is not None:
        return True
    if "thebibliography" in text and _BEGIN.search(text) is not None:
        return True  # (an environment with no item yet: refused as holding no paper, never read as a title)
    return "\\entry{" in text and ("\\datalist" in text or "\\refsection" in text) and \
        _ENTRY.search(text) is not None


def read(text: str, origin: str, *, strict: bool = False) -> Document:
    """Read a LaTeX bibliography (either kind) into a :class:`Document`, one entry per item, in order."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\\bibitem" not in text and "\\entry{" in text:
        return _read_biblatex(text, origin, strict)
    return _read_thebibliography(text, origin, strict)


# --------------------------------------------------------------------------- TeX text


def _strip_comments(text: str) -> str:
    """TeX comments (``%`` to the end of the line, not ``\\%``) removed; a comment also eats the line end."""
    if "%" not in text:
        return text
    out = []
    for line in text.split("\n"):
        i = line.find("%")
        while i >= 0:
            backslashes = len(line[:i]) - len(line[:i].rstrip("\\"))
            if backslashes % 2 == 0:
                line = line[:i]
                out.append(line)
                break
            i = line.find("%", i + 1)
        else:
            out.append(line + "\n")
    return "".join(out)


def _group_end(text: str, i: int, open_: str = "{", close: str = "}") -> int:
    """Index after the group opening at ``text[i]`` (balanced braces; ``\\{`` escapes), or -1."""
    depth = 0
    n = len(text)
    j = i
    while j < n:
        c = text[j]
        if c == "\\":
            j += 2
            continue
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth < 0:
                return -1
            if depth == 0 and close == "}":
                return j + 1
        elif c == close and depth == 0:
            return j + 1
        j += 1
    return -1


class _Lines:
    """Line numbers of increasing offsets, counted once over the text (not from its start for every item:
    a bibliography of 10,000 items would be read in quadratic time)."""

    def __init__(self, text: str) -> None:
        self.text, self.offset, self.line = text, 0, 1

    def at(self, i: int) -> int:
        if i < self.offset:  # (never, for increasing offsets; correct anyway)
            return self.text.count("\n", 0, i) + 1
        self.line += self.text.count("\n", self.offset, i)
        self.offset = i
        return self.line


# --------------------------------------------------------------------------- thebibliography

#: commands whose argument is the text itself (the command dropped, the braces kept)
_UNWRAP = re.compile(
    r"\\(?:bibinfo|bibfield|BIBforeignlanguage)\s*\{[^{}]*\}\s*(?=\{)"
    r"|\\(?:showarticletitle|bibnamefont|bibfnamefont|citenamefont|enquote|textquotedblleft|bibsc|bibstring)\s*(?=\{)"
)
#: spacing, penalties and style hooks: nothing of the text
_NOISE = re.compile(
    r"\\(?:penalty|hskip|vskip|kern)\s*-?[\d.]+\s*(?:pt|em|ex|mu|sp)?(?:\s*plus\s*[\d.]+\s*\w+)?(?:\s*minus\s*[\d.]+\s*\w+)?"
    r"|\\(?:BIBentryALTinterwordspacing|BIBentrySTDinterwordspacing|BIBentryALTinterwordstretchfactor\s*\{?[\d.]*\}?"
    r"|relax|allowbreak|break|linebreak|nobreak|unskip|newline|bibAnnoteFile\s*\{[^{}]*\}|urlprefix|Urlprefix|"
    r"urldateprefix|providecommand|bibitemdeclare\s*\{[^{}]*\}\s*\{[^{}]*\}|BibitemOpen|"
    r"BibitemShut\s*\{[^{}]*\}|bibitemStop|bibitemNoStop|EOS|Eprint|selectlanguage\s*\{[^{}]*\})(?![A-Za-z])"
)
#: an identifier command: its argument becomes what the reference reader knows (``doi:…``, ``arXiv:…``)
_IDENT = re.compile(r"\\(doi|DOI|showDOI|showdoi|eprint|arxiv|arXiv|showeprint)\s*(?:\[([^\]]*)\])?\s*\{")
_NEWBLOCK = re.compile(r"\\newblock(?![A-Za-z])\s*")


#: ACM's way of printing a DOI: the URL defined into a macro, then shown (the \url between them is kept)
_TEMPURL = re.compile(r"\\urldef\s*\\tempurl|\\show(?:DOI|URL)\s*\{\s*\\tempurl\s*\}")
_NOISE_GLUED = re.compile(r"\\natexlab\s*\{\s*\}|\\natexlab(?=\s*\{)|\\(?:unskip|protect|relax)(?![A-Za-z])\s*")


#: an italic group: ``{\em …}``, ``{\it …}``, ``{\itshape …}``, ``{\sl …}``, or ``\emph{…}``, ``\textit{…}``,
#: ``\textsl{…}``
_ITALIC = re.compile(r"\{\s*\\(?:em|it|itshape|sl|slshape)(?![A-Za-z])\s*|\\(?:emph|textit|textsl)\s*\{")


def _quote_italic_title(body: str) -> str:
    r"""The item's first italic group quoted when only the authors come before it.

    Styles print either the title (a book in ``plain``; every title in SIAM's and the AMS's
    styles: ``{\sc Authors}, {\em Title}, Journal, 21 (2020)``) or the venue (an article's
    journal) in italics.  Plain text loses that: right after the names, the italics are the
    title — quoted, the reference reader reads it as IEEE's quoted title, whatever punctuation
    the style put around it."""
    from ..normalize.latex import decode
    from .pastetext import looks_like_names

    m = _ITALIC.search(body)
    if m is None:
        return body
    opening = m.end() - 1 if body[m.end() - 1] == "{" else m.start()
    end = _group_end(body, opening)
    if end < 0:
        return body
    before = decode(_NEWBLOCK.sub(" ", body[:m.start()])).replace("\u00a0", " ").strip().rstrip(" ,.;:")
    before = re.sub(r"(?:,?\s+and|\s*&)$", "", before).strip()
    inner = body[m.end():end - 1]
    if not before or len(decode(inner)) < 8 or not looks_like_names(before, min_names=1):
        return body
    return body[:m.start()] + "\u201c" + inner + "\u201d" + body[end:]


def _item_text(body: str) -> str:
    """One item's TeX as a plain reference string (blocks joined with a space)."""
    from ..normalize.latex import decode

    if "\\tempurl" in body:
        body = _TEMPURL.sub(" ", body)
    body = _NOISE_GLUED.sub("", body)  # ("2019\natexlab{a}." is "2019a.", nothing between)
    body = _NOISE.sub(" ", body)
    body = _quote_italic_title(body)
    body = _UNWRAP.sub("", body)
    pieces: list[str] = []
    pos = 0
    for m in _IDENT.finditer(body):  # (arguments read as written: a DOI's "_" is no TeX)
        end = _group_end(body, m.end() - 1)
        if end < 0:
            continue
        value = body[m.end():end - 1].replace("\\_", "_").replace("\\%", "%").replace("\\&", "&").strip()
        kind = m.group(1).lower()
        pieces.append(body[pos:m.start()])
        prefix = "arXiv:" if "eprint" in kind or "arxiv" in kind else "doi:"
        if prefix == "arXiv:" and m.group(2) and m.group(2).lower() not in ("arxiv", ""):
            prefix = m.group(2) + ":"
        pieces.append(f" {prefix}{value} " if not value.lower().startswith(prefix.lower()) else f" {value} ")
        pos = end
    if pieces:
        body = "".join(pieces) + body[pos:]
    blocks = [decode(b) for b in _NEWBLOCK.split(body)]
    text = " ".join(b.replace("\u00a0", " ").strip() for b in blocks if b.strip())
    return re.sub(r"\s+", " ", text).strip()


def _read_thebibliography(text: str, origin: str, strict: bool) -> Document:
    from .pages.references import parse_reference

    doc = Document(metadata={"format": "bbl", "source": origin})
    if "%" in text:  # (line by line, so every line keeps its number: "%" eats only its own line's end)
        text = "\n".join(_strip_comments(line + "\n").rstrip("\n") for line in text.split("\n"))
    begin = _BEGIN.search(text)
    start = begin.end() if begin else 0
    end_m = _END.search(text, start)
    stop = end_m.start() if end_m else len(text)
    heads = [m for m in _BIBITEM.finditer(text, start, stop)]
    seen: set[str] = set()
    lines = _Lines(text)
    for n, m in enumerate(heads):
        line = lines.at(m.start())
        where = SourceLocation(origin, line)
        item_end = heads[n + 1].start() if n + 1 < len(heads) else stop
        i = m.end()
        while i < item_end and text[i] in " \t\n":
            i += 1
        if i < item_end and text[i] == "[":
            j = _group_end(text, i, "[", "]")
            i = j if 0 < j <= item_end else i
            while i < item_end and text[i] in " \t\n":
                i += 1
        key = None
        if i < item_end and text[i] == "{":
            j = _group_end(text, i)
            if 0 < j <= item_end:
                key = text[i + 1:j - 1].strip()
                i = j
        reference = _item_text(text[i:item_end])
        if not key:
            doc.problems.append(Problem("bbl-no-key", "a \\bibitem without a {key}: read, keyed like a new entry",
                                        "warning", where))
        draft = parse_reference(reference, line) if reference else None
        if draft is None:
            doc.skipped.append(SkippedLine(where, reference[:120] or f"\\bibitem{{{key or ''}}}",
                                           "a \\bibitem that cites no paper bibkit can read"))
            continue
        draft.reference = draft.reference or reference
        entry, found = draft.to_entry(origin, 1.0)
        entry.problems.extend(found)
        if key:
            if key.casefold() in seen:
                entry.problem("duplicate-bibitem", f"\\bibitem{{{key}}} appears again: this one keyed anew")
            else:
                seen.add(key.casefold())
                entry.key = key
                entry.key_pinned = True
        doc.blocks.append(entry)
    if not heads:
        doc.problems.append(Problem("listing-empty", "no \\bibitem in the bibliography", "warning",
                                    SourceLocation(origin)))
    if strict:
        bad = [p for p in doc.problems if p.severity in ("warning", "error")]
        if bad:
            from ..errors import InputError

            raise InputError(bad[0].message, bad[0].location)
    return doc


# --------------------------------------------------------------------------- biblatex .bbl (biber)

#: biber's bookkeeping in a ``.bbl``: never the work's data
_BIBER_ONLY = frozenset(
    """labelnamesource labeltitlesource labeldatesource sortinit sortinithash extraname extradate extraalpha
    extratitle extratitleyear labelalpha labelprefix labelnumber labelyear labelmonth labelday labelendyear
    labelendmonth labelendday labeldateera singletitle uniquetitle uniquebaretitle uniquework uniqueprimaryauthor
    crossrefsource xrefsource sortkey presort sortname sortyear sorttitle dateera enddateera extradatescope
    urldateera urlenddateera origdateera origenddateera eventdateera eventenddateera labeltitle labelname
    sortinithash""".split()
)
_BBL_COMMAND = re.compile(r"\\(field|name|list|verb|lverb|strng|range|true|false|keyw|set|inset|warn|endentry)"
                          r"(?![A-Za-z])")
_BIBLATEX_DATE_PARTS = ("year", "month", "day", "endyear", "endmonth", "endday")


def _brace_value(text: str, i: int) -> tuple[str | None, int]:
    """The content of the brace group at (or after white space from) ``i``, and the index after it."""
    n = len(text)
    while i < n and text[i] in " \t\n":
        i += 1
    if i >= n or text[i] != "{":
        return None, i
    end = _group_end(text, i)
    if end < 0:
        return None, n
    return text[i + 1:end - 1], end


_NAME_PART = re.compile(r"(\w+)=\{")


def _bbl_name(spec: str) -> str | None:
    """One name of a ``\\name`` list (``{{hash=…}{family={Vaswani},given={Ashish},…}}``) as BibTeX
    writes it: ``von Family, Jr, Given``."""
    parts: dict[str, str] = {}
    for m in _NAME_PART.finditer(spec):
        value, _end = _brace_value(spec, m.end() - 1)
        if value is not None and m.group(1) not in parts:
            parts[m.group(1)] = value
    family = parts.get("family")
    if not family:
        return None
    if parts.get("prefix"):
        family = f"{parts['prefix']} {family}"
    out = [family]
    if parts.get("suffix"):
        out.append(parts["suffix"])
    if parts.get("given"):
        out.append(parts["given"])
    elif parts.get("suffix"):
        out.append("")
    return ", ".join(out)


def _bbl_names(block: str) -> list[str]:
    """The names of a ``\\name{role}{N}{opts}{…}`` list: each one a ``{{hash…}{parts}}`` group."""
    names: list[str] = []
    i, n = 0, len(block)
    while i < n:
        if block[i] == "{":
            end = _group_end(block, i)
            if end < 0:
                break
            name = _bbl_name(block[i + 1:end - 1])
            if name:
                names.append(name)
            i = end
        else:
            i += 1
    return names


def _bbl_list(block: str) -> list[str]:
    items: list[str] = []
    i, n = 0, len(block)
    while i < n:
        if block[i] == "{":
            end = _group_end(block, i)
            if end < 0:
                break
            items.append(block[i + 1:end - 1].strip())
            i = end
        else:
            i += 1
    return [it for it in items if it]


_BIBER_MACROS = {"bibrangedash": "--", "bibinitperiod": ".", "bibinitdelim": " ", "bibinithyphendelim": "-",
                 "bibnamedelima": " ", "bibnamedelimb": " ", "bibnamedelimc": " ", "bibnamedelimd": " ",
                 "bibnamedelimi": " ", "bibrangessep": ", ", "bibdatedash": "/"}
#: one of them, and the space TeX's reading of a control word swallows after it
_BIBER_MACRO = re.compile(r"\\(" + "|".join(_BIBER_MACROS) + r")(?![A-Za-z])[ \t]*")


def _bib_value(value: str) -> str:
    """A field's TeX with biber's delimiter macros spelled out."""
    if "\\bib" in value:
        value = _BIBER_MACRO.sub(lambda m: _BIBER_MACROS[m.group(1)], value)
    return value


def _biblatex_entry(text: str, key: str, entry_type: str) -> str:
    """The BibTeX of one ``\\entry`` body (biber's bookkeeping left out)."""
    fields: list[tuple[str, str]] = []
    more: set[str] = set()
    i, n = 0, len(text)
    while i < n:
        m = _BBL_COMMAND.search(text, i)
        if m is None:
            break
        cmd = m.group(1)
        i = m.end()
        if cmd == "endentry":
            break
        if cmd in ("verb", "lverb"):
            name, i = _brace_value(text, i)
            stop = text.find("\\endverb", i)
            if name is None or stop < 0:
                continue
            lines = [ln.strip() for ln in text[i:stop].split("\n")]
            values = [ln[len("\\verb"):].strip() if ln.startswith("\\verb") else ln
                      for ln in lines if ln and ln != "\\verb"]
            i = stop + len("\\endverb")
            joined = " ".join(v for v in values if v)
            if joined and name.lower() not in ("urlraw",):
                fields.append((name.lower(), joined))
            continue
        name, i = _brace_value(text, i)
        if name is None:
            continue
        if cmd == "field":
            field_value, i = _brace_value(text, i)
            if field_value is not None and name.lower() not in _BIBER_ONLY:
                fields.append((name.lower(), field_value))
        elif cmd in ("name", "list"):
            _count, i = _brace_value(text, i)  # \name{role}{count}{options}{names}, \list{name}{count}{items}
            if cmd == "name":
                _opts, i = _brace_value(text, i)
            block, i = _brace_value(text, i)
            if block is None:
                continue
            items = _bbl_names(block) if cmd == "name" else _bbl_list(block)
            if items:
                fields.append((name.lower(), " and ".join(items)))
        elif cmd in ("strng", "range", "keyw", "set", "inset", "warn"):
            if cmd in ("strng", "range", "keyw"):
                value, i = _brace_value(text, i)
                if cmd == "keyw" and value:
                    fields.append(("keywords", value))
        elif cmd == "true" and name.startswith("more") and name[4:] in ("author", "editor", "translator"):
            more.add(name[4:])  # "\true{moreauthor}" (before or after the list): it ended with "and others"
        # (the other \true{…}/\false{…} are biber's flags, nothing of the work)
    return _to_bibtex(key, entry_type, fields, more)


def _to_bibtex(key: str, entry_type: str, fields: list[tuple[str, str]], more: set[str]) -> str:
    r"""An entry's BibTeX from the fields of its ``\entry`` (``more``: the name lists that end with "and others")."""
    if more:
        fields = [(f, v + " and others" if f in more and not v.endswith(" and others") else v) for f, v in fields]
    parts = {f: v for f, v in fields if f in ("urlyear", "urlmonth", "urlday")}
    if "urlyear" in parts and not any(f == "urldate" for f, _ in fields):  # biber splits urldate into parts
        stamp = "-".join([parts["urlyear"]] + [parts[p].zfill(2) for p in ("urlmonth", "urlday") if p in parts])
        fields = [(f, v) for f, v in fields if f not in parts] + [("urldate", stamp)]
    from .bibgen import bibtex_entry

    have = {f for f, _ in fields}
    kept = [(name, _bib_value(value)) for name, value in fields
            if not (name in ("year", "month", "day") and "date" in have)]
    return bibtex_entry(entry_type, key, kept, plain_text=False)


_ENTRY_HEAD = re.compile(r"\\entry\{([^{}]*)\}\{([^{}]*)\}\{[^{}]*\}")


def _read_biblatex(text: str, origin: str, strict: bool) -> Document:
    from .bibgen import Generated, read_generated

    records: list[Generated] = []
    seen: set[str] = set()
    lines = _Lines(text)
    for m in _ENTRY_HEAD.finditer(text):
        key, entry_type = m.group(1).strip(), m.group(2).strip() or "misc"
        if not key or key.casefold() in seen:  # (one entry per key: a key in two data lists is one work)
            continue
        seen.add(key.casefold())
        stop = text.find("\\endentry", m.end())
        body = _strip_comments(text[m.end():stop if stop >= 0 else len(text)])
        records.append(Generated(_biblatex_entry(body, key, entry_type), lines.at(m.start())))
    if not records:
        doc = Document(metadata={"format": "bbl", "source": origin})
        doc.problems.append(Problem("listing-empty", "no \\entry in the biblatex bibliography", "warning",
                                    SourceLocation(origin)))
        return doc
    # (BibTeX made here from biber's data, not the user's file: written fresh, in the usual field order)
    return read_generated(records, origin, "bbl", strict=strict, keep_bib=False)
