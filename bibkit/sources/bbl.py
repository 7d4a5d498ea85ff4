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

from ..model import Document, Entry, Problem, SkippedLine, SourceLocation

__all__ = ["looks_like_bbl", "read"]

#: an item's head: ``\\bibitem[label]{key}``, or the harvard package's ``\\harvarditem[short]{long}{year}{key}``
#: (agsm, dcu, kluwer, apsr, jmr, aer, the econ styles…)
_BIBITEM = re.compile(r"\\(?:bibitem|(harvarditem))(?![A-Za-z])")
_BEGIN = re.compile(r"\\begin\s*\{thebibliography\}")
_END = re.compile(r"\\end\s*\{thebibliography\}")
#: an amsrefs item (``\\bib{key}{article}{``), as the amsra/amsrn/amsrs/amsru/amsry styles and amsrefs users write
_AMSREFS_ITEM = re.compile(r"^[ \t]*\\bib\*?\s*\{([^{}\s]+)\}\s*\{([A-Za-z]+)\}\s*\{", re.MULTILINE)
#: the first line that is neither blank nor a TeX comment
_FIRST_LINE = re.compile(r"^[ \t]*[^\s%]", re.MULTILINE)
_ENTRY = re.compile(r"^[ \t]*\\entry\{", re.MULTILINE)
_BIBITEM_LINE = re.compile(r"^[ \t]*\\(?:bibitem|harvarditem)(?![A-Za-z])", re.MULTILINE)


def looks_like_bbl(text: str) -> bool:
    """A ``thebibliography`` environment or items (a ``\\bibitem`` opening a line), or biblatex's
    ``.bbl`` (``\\entry{`` lines inside a ``\\datalist`` or ``\\refsection``)."""
    if "```" in text:
        return False  # (Markdown: a LaTeX snippet in a code block is an example, the list is around it)
    if "\\bib{" in text and _AMSREFS_ITEM.search(text) is not None:
        first = _FIRST_LINE.search(text)
        if "\\begin{biblist}" in text or (first is not None and _AMSREFS_ITEM.match(text, first.start())):
            return True
    begin = _BEGIN.search(text) if "thebibliography" in text else None
    if begin is not None:
        return True  # (an environment with no item yet: refused as holding no paper, never read as a title)
    if ("\\bibitem" in text or "\\harvarditem" in text) and _BIBITEM_LINE.search(text) is not None:
        # items without their environment (pasted from a .tex): the text opens with one, else a stray \bibitem
        # line in a pasted reference list would make the whole list one bibliography of one item
        first = _FIRST_LINE.search(text)
        return first is not None and _BIBITEM_LINE.match(text, first.start()) is not None
    return "\\entry{" in text and ("\\datalist" in text or "\\refsection" in text) and \
        _ENTRY.search(text) is not None


def read(text: str, origin: str, *, strict: bool = False) -> Document:
    """Read a LaTeX bibliography (either kind) into a :class:`Document`, one entry per item, in order."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\\bibitem" not in text and "\\harvarditem" not in text and "\\entry{" in text:
        return _read_biblatex(text, origin, strict)
    if "\\bibitem" not in text and "\\harvarditem" not in text and _AMSREFS_ITEM.search(text) is not None:
        return _read_amsrefs(text, origin, strict)
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


_VERB_LINE = re.compile(r"^[ \t]*\\l?verb(?![A-Za-z])")


def _strip_biber_comments(text: str) -> str:
    """An ``\\entry`` body with its ``%`` comments removed — except on biber's verbatim lines (``\\verb 10.1/x%y``,
    a URL's ``%25``), where a ``%`` is part of the value."""
    if "%" not in text:
        return text
    return "".join(line + "\n" if _VERB_LINE.match(line) else _strip_comments(line + "\n")
                   for line in text.split("\n"))


def _group_end(text: str, i: int, open_: str = "{", close: str = "}") -> int:
    """Index after the group opening at ``text[i]``, or -1: a ``{…}`` group as TeX reads it (the one rule,
    :func:`~bibkit.normalize.texscan.match_brace`), or an optional ``[…]`` argument (its ``]`` outside braces)."""
    from ..normalize.texscan import match_brace

    if close == "}":
        j = match_brace(text, i)
        return j + 1 if j >= 0 else -1
    j, n = i + 1, len(text)
    while j < n:
        c = text[j]
        if c == "\\":
            j += 2
            continue
        if c == "{":
            k = match_brace(text, j)
            if k < 0:
                return -1
            j = k + 1
            continue
        if c == close:
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
    blocks_before = list(_NEWBLOCK.finditer(body, 0, m.start()))
    if len(blocks_before) > 1 or (blocks_before and body[blocks_before[-1].end():m.start()].strip()):
        return body  # (italics inside a later block — ACM's "In {\em Booktitle}" — are the venue, not the title)
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


#: the harvard package's commands inside an item: the year's parentheses, its "and", its URL
_HARVARD = {"harvardyearleft": " (", "harvardyearright": ") ", "harvardand": " and ", "harvardurl": " "}
_HARVARD_CMD = re.compile(r"\\(" + "|".join(_HARVARD) + r")(?![A-Za-z])(?:\\ |\s*)")


_TITLE_THEN_DATE = re.compile(r"^(?P<title>.{8,}?),\s+(?P<date>(?:[A-Z][a-z]+\.?\s+)?\d{4}[a-z]?)\.?$")


def _brace_args(body: str, i: int, count: int) -> tuple[list[str], int]:
    """Up to ``count`` brace-group arguments from ``i`` on (white space between them skipped): their contents,
    and the index after the last one read (fewer when the text has no more)."""
    values: list[str] = []
    for _ in range(count):
        j = i
        while j < len(body) and body[j] in " \t\n":
            j += 1
        end = _group_end(body, j) if j < len(body) and body[j] == "{" else -1
        if end < 0:
            break
        values.append(body[j + 1:end - 1])
        i = end
    return values, i


def _drop_command(body: str, name: str, args: int) -> str:
    """``body`` without each ``\\name{…}{…}`` (``args`` brace groups, nested braces and all)."""
    out: list[str] = []
    pos = 0
    for m in re.finditer(r"\\" + name + r"(?![A-Za-z])", body):
        if m.start() < pos:
            continue
        _values, end = _brace_args(body, m.end(), args)
        out.append(body[pos:m.start()])
        pos = end
    return "".join(out) + body[pos:]


_HREF = re.compile(r"\\href\s*\{")
_URL_WORD = re.compile(r"(?<![A-Za-z])(?:URL|Available)\s*:?\s*(?=\\(?:url|href)(?![A-Za-z]))")


def _href_urls(body: str) -> str:
    """``\\href{URL}{text}``: the URL, then the text unless it is the URL again or a "link" word."""
    out: list[str] = []
    pos = 0
    for m in _HREF.finditer(body):
        if m.start() < pos:
            continue
        url_end = _group_end(body, m.end() - 1)
        if url_end < 0:
            continue
        url = body[m.end():url_end - 1].replace("\\%", "%").replace("\\&", "&").replace("\\_", "_").replace("\\#", "#")
        j = url_end
        while j < len(body) and body[j] in " \t\n":
            j += 1
        label = ""
        if j < len(body) and body[j] == "{":
            label_end = _group_end(body, j)
            if label_end > 0:
                label, url_end = body[j + 1:label_end - 1], label_end
        shown = "" if re.fullmatch(r"\s*(?:link|url|online|pdf|here|\S*://\S*|\\(?:url|nolinkurl)\s*\{.*\}.*)\s*",
                                     label, re.IGNORECASE | re.DOTALL) or url in label else f" {label}"
        out.append(body[pos:m.start()] + f" {url}{shown} ")
        pos = url_end
    return "".join(out) + body[pos:]


#: apacite's markup (``\\APACrefatitle{…}{…}``, ``\\BBA``…): command → (arguments, what it prints, ``#n`` its arguments)
_APACITE: dict[str, tuple[int, str]] = {
    "APACinsertmetastar": (1, ""), "PrintBackRefs": (1, ""), "CurrentBib": (0, ""), "APACmonth": (1, ""),
    "APACrefYearMonthDay": (3, "(#1)"), "APACrefYear": (1, "(#1)"), "APACyear": (1, "#1"),
    "APACrefatitle": (2, "#1"), "APACrefbtitle": (2, "#1"), "APACrefbVolEdTR": (2, "#1"),
    "APACjournalVolNumPages": (4, "{\\em #1}, #2(#3), #4"), "APACaddressPublisher": (2, "#1: #2"),
    "APACaddressSchool": (2, "#2, #1"), "APACaddressInstitution": (2, "#1: #2"),
    "APACtypeAddressSchool": (3, "#1, #3"), "APACbVolEdTR": (2, ""), "APACrefnote": (1, "#1"),
    "BBOQ": (0, "\u201c"), "BBCQ": (0, "\u201d"), "BBA": (0, "&"), "BCBT": (0, ","), "BCBL": (0, ","),
    "BPBI": (0, "."), "BIn": (0, "In"), "BEDS": (0, "Eds."), "BED": (0, "Ed."), "BPGS": (0, "pp."),
    "BPG": (0, "p."), "BTR": (0, "Technical Report"), "BUPhD": (0, "Doctoral dissertation"),
    "BUMTh": (0, "Master's thesis"), "BOthers": (1, "et al."), "BNUM": (0, "No."), "BVOL": (0, "Vol."),
    "BEd": (0, "ed."), "BAvailFrom": (0, ""), "BRetrieved": (0, ""), "AX": (1, ""),
}
_APACITE_CMD = re.compile(r"\\(" + "|".join(sorted(_APACITE, key=len, reverse=True)) + r")(?![A-Za-z])\s*")
_APACITE_ENV = re.compile(r"\\(?:begin|end)\s*\{APACref(?:authors|URL|DOI)\}")


def _apacite(body: str) -> str:
    """An apacite item's markup replaced by what it prints (APA's reference, which the reference reader reads)."""
    body = _APACITE_ENV.sub(" ", body)
    out: list[str] = []
    pos = 0
    for m in _APACITE_CMD.finditer(body):
        if m.start() < pos:
            continue
        args, template = _APACITE[m.group(1)]
        values, i = _brace_args(body, m.end(), args)
        if len(values) < args:
            continue
        if args == 0 and body.startswith("{}", i):
            i += 2
        text = template
        for n, value in enumerate(values, 1):
            text = text.replace(f"#{n}", _apacite(value) if "\\" in value else value)
        out.append(body[pos:m.start()] + text + " ")
        pos = i
    return "".join(out) + body[pos:]


#: (not before ";" or ":": DIN 1505 styles write "He, Kaiming ; Zhang, Xiangyu : Title", which is read as written)
_SPACE_BEFORE_PUNCT = re.compile(r"(?<=[\w)]) (?=,(?:\s|$))|(?<=[\w)]) (?=[.\u201d](?:\s|$))")
#: apacite's names, each ended by a line continued with "%": "He, K. , Zhang, X. , & Sun, J."
_SPACE_AFTER_INITIAL = re.compile(r"(?<=\b[A-Z]\.) (?=,)")
_SPACE_AFTER_OPENING = re.compile(r"(\u201c) ")


def _item_text(body: str) -> str:
    """One item's TeX as a plain reference string (blocks joined with a space)."""
    from ..normalize.latex import decode

    apa = "\\APAC" in body or "\\BBA" in body
    if apa:
        body = _apacite(body)

    if "\\authorindexentries" in body:  # (xagsm, xplain: the authors' index entries, nothing printed)
        body = _drop_command(body, "authorindexentries", 2)
    if "\\bibref" in body:
        body = _drop_command(body, "bibref", 1)
    if "\\harvard" in body:
        body = _HARVARD_CMD.sub(lambda m: _HARVARD[m.group(1)], body)
        body = re.sub(r"\)\s+(?=[.,:])", ")", body)  # (dcu's "\harvardyearright ." is "(2016).")

    if "\\tempurl" in body:
        body = _TEMPURL.sub(" ", body)
    if "\\href" in body:
        body = _href_urls(body)
    if "URL" in body:  # (natbib's and IEEEtran's "URL \url{…}": the word is the style's, not the venue's)
        body = _URL_WORD.sub("", body)
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
    if len(blocks) == 2:  # authors, then "Title, 2014." (plain's @misc with no howpublished): the date is no title's
        blocks[1] = _TITLE_THEN_DATE.sub(r"\g<title>. \g<date>.", blocks[1].strip())
    text = " ".join(b.replace("\u00a0", " ").strip() for b in blocks if b.strip())
    text = re.sub(r"\s+", " ", text).strip()
    # (a line continued with "%" — apacite's, biber's habit — leaves a space before the punctuation after it)
    text = _SPACE_BEFORE_PUNCT.sub("", _SPACE_AFTER_OPENING.sub(r"\1", text))
    return _SPACE_AFTER_INITIAL.sub("", text) if apa else text


#: ``\\newcommand{\\bibenquote}[1]{``#1''}`` and the like: a macro a style defines at the top of its ``.bbl``
_DEFINITION = re.compile(r"\\(?:newcommand|providecommand|renewcommand)\*?\s*\{?\\([A-Za-z]+)\}?\s*(?:\[(\d)\])?\s*\{")
#: commands read elsewhere (identifiers, URLs, natbib's labels): never replaced by the style's definition
_KNOWN_MACROS = frozenset({"url", "doi", "eprint", "natexlab", "href", "urlprefix", "Urlprefix", "showDOI", "showURL",
                           "showeprint", "arxiv", "arXiv", "bibinfo", "bibfield", "bysame", "newblock"})
_BYSAME = re.compile(r"\\bysame(?![A-Za-z])(?:\s*\{\})?")


def _text_macros(preamble: str) -> dict[str, tuple[int, str]]:
    """The style's own macros defined before the first item whose body is plain text (``\\bibenquote``'s quotes,
    a language's "and"): name → (number of arguments, body).  A body with commands in it is left alone."""
    found: dict[str, tuple[int, str]] = {}
    for m in _DEFINITION.finditer(preamble):
        end = _group_end(preamble, m.end() - 1)
        body = preamble[m.end():end - 1] if end > 0 else None
        args = int(m.group(2) or 0)
        if body is not None and "\\" not in body and args <= 1 and m.group(1) not in _KNOWN_MACROS:
            found[m.group(1)] = (args, body)
    return found


def _expand(tex: str, macros: dict[str, tuple[int, str]]) -> str:
    """``tex`` with the style's text macros replaced by their bodies (one argument at most)."""
    pattern = re.compile(r"\\(" + "|".join(map(re.escape, macros)) + r")(?![A-Za-z])\s*")
    out: list[str] = []
    pos = 0
    for m in pattern.finditer(tex):
        if m.start() < pos:
            continue
        args, body = macros[m.group(1)]
        out.append(tex[pos:m.start()])
        pos = m.end()
        if args == 1 and pos < len(tex) and tex[pos] == "{":
            end = _group_end(tex, pos)
            if end > 0:
                body, pos = body.replace("#1", tex[pos + 1:end - 1]), end
        out.append(body)
    return "".join(out) + tex[pos:]


def _item_key(text: str, head: re.Match[str], item_end: int) -> tuple[str | None, int]:
    """The key of the item whose head is ``head`` (after ``[label]``, and ``\\harvarditem``'s ``{names}{year}``), and
    where its text starts."""

    def skip_space(i: int) -> int:
        while i < item_end and text[i] in " \t\n":
            i += 1
        return i

    i = skip_space(head.end())
    if i < item_end and text[i] == "[":
        j = _group_end(text, i, "[", "]")
        i = skip_space(j if 0 < j <= item_end else i)
    for _skip in range(2 if head.group(1) else 0):  # (\harvarditem's {long names}{year} before the key)
        j = _group_end(text, i) if i < item_end and text[i] == "{" else -1
        if not 0 < j <= item_end:
            break
        i = skip_space(j)
    if i < item_end and text[i] == "{":
        j = _group_end(text, i)
        if 0 < j <= item_end:
            return text[i + 1:j - 1].strip(), j
    return None, i


def _item_tex(raw: str, macros: dict[str, tuple[int, str]], previous_names: str) -> tuple[str, str]:
    """An item's TeX with the style's text macros expanded and ``\\bysame`` (natbib, aer: "the same authors as the
    item before") given those names; and this item's names (its first block) for the next one."""
    if macros:
        raw = _expand(raw, macros)
    if "\\bysame" in raw and previous_names:
        raw = _BYSAME.sub(lambda _m: previous_names, raw)
    first_block = _NEWBLOCK.split(raw, 1)
    return raw, (first_block[0].strip().rstrip(".") if len(first_block) == 2 else "")


def _harvard_title(raw: str, text: str, head: re.Match[str]) -> str:
    r"""A harvard item's title quoted: the text between the year and the first italics (the journal, the book a
    chapter is in) or ``, in``.  The harvard styles print the title unmarked (dcu: ``He, K. \harvardand\ Sun, J.
    \harvardyearleft 2016\harvardyearright .  Identity mappings …, {\em IEEE Transactions …}``; kluwer: ``He, K.
    and Sun, J.: 2016, Identity mappings …, {\em IEEE …}``), and the item's head gives the year to find."""
    year_group = _nth_group(text, head.end(), 2 if text[head.end():head.end() + 1] != "[" else 3)
    if not year_group or not re.fullmatch(r"\d{4}[a-z]?", year_group.strip()):
        return raw
    at = re.search(r"(?<![\w@])" + re.escape(year_group.strip()) + r"(?:\s*\\harvardyearright)?[\s).,:]*", raw)
    if at is None or at.start() > 400:
        return raw
    lead = re.match(r"\s*(?:\\newblock(?![A-Za-z])\s*)?", raw[at.end():])
    start = at.end() + (lead.end() if lead else 0)
    rest = raw[start:]
    m = re.search(r",\s*(?:\{\s*\\(?:em|it)\b|\\(?:emph|textit)\s*\{|in\s)", rest)
    if m is None:
        return raw
    title = rest[:m.start()].strip()
    if re.fullmatch(r"`[^`].*'", title, re.DOTALL):  # (agsm's `Title', TeX's single quotes)
        title = title[1:-1]
    if len(title) < 8 or any(q in title for q in ("``", "\\em", "\\emph", "{\\it", "`", "\u201c")) or \
            _NEWBLOCK.search(title):
        return raw
    names = raw[:at.start()]
    if names.rstrip().endswith(":"):  # (kluwer's "Names: 2016, Title": the date as author–year lists write it)
        return names.rstrip()[:-1] + f" ({year_group.strip()}). \u201c{title},\u201d " + rest[m.start() + 1:]
    return raw[:start] + "\u201c" + title + ",\u201d " + rest[m.start() + 1:]


def _harvard_head_fills(entry: Entry, text: str, head: re.Match[str]) -> None:
    r"""What a ``\harvarditem``'s head says, for an entry whose text did not: the year, and the authors' family
    names (``{van~der Maaten \harvardand\ Hinton}``) — what the paper printed in its citations."""
    from ..model import PartialDate, Person
    from ..normalize.latex import decode

    skip = 1 if text[head.end():head.end() + 1] == "[" else 0
    year = _nth_group(text, head.end(), 2 + skip)
    if entry.date is None and year and re.fullmatch(r"\s*\d{4}[a-z]?\s*", year):
        entry.date = PartialDate(int(year.strip()[:4]))
    names = _nth_group(text, head.end(), 1 + skip)
    if not entry.authors and names and "et" not in names.split():
        plain = decode(_HARVARD_CMD.sub(lambda m: _HARVARD[m.group(1)], names)).replace("\u00a0", " ")
        families = [n.strip() for n in re.split(r",|\band\b|&", plain) if n.strip()]
        if families and all(len(f) < 40 for f in families):
            entry.authors = [Person(family=f) for f in families]


def _nth_group(text: str, i: int, n: int) -> str | None:
    """The content of the ``n``-th group (``[…]`` or ``{…}``) from ``text[i]``."""
    content = None
    for _ in range(n):
        while i < len(text) and text[i] in " \t\n":
            i += 1
        if i >= len(text) or text[i] not in "[{":
            return None
        end = _group_end(text, i, *("[", "]") if text[i] == "[" else ("{", "}"))
        if end < 0:
            return None
        content, i = text[i + 1:end - 1], end
    return content


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
    macros = _text_macros(text[:heads[0].start()] if heads else "")
    previous_names = ""
    seen: set[str] = set()
    lines = _Lines(text)
    for n, m in enumerate(heads):
        line = lines.at(m.start())
        where = SourceLocation(origin, line)
        item_end = heads[n + 1].start() if n + 1 < len(heads) else stop
        key, i = _item_key(text, m, item_end)
        raw, previous_names = _item_tex(text[i:item_end], macros, previous_names)
        reference = _item_text(_harvard_title(raw, text, m) if m.group(1) else raw)
        if not key:
            doc.problems.append(Problem("bbl-no-key", "a \\bibitem without a {key}: read, keyed like a new entry",
                                        "warning", where))
        draft = parse_reference(reference, line) if reference else None
        if draft is None and key and reference and key.casefold() not in seen:
            # (the paper cites this key: kept, the item's text whole as a @misc's note, which BibTeX prints as it was)
            seen.add(key.casefold())
            kept = Entry(entry_type="misc", key=key, key_pinned=True, note=reference, origin=where)
            kept.problem("bbl-item-unread", f"\\bibitem{{{key}}} was not read as a reference (no title found): kept "
                         "whole as the note of a @misc, so \\cite{" + key + "} still resolves; check it by hand")
            doc.blocks.append(kept)
            continue
        if draft is None:
            doc.skipped.append(SkippedLine(where, reference[:120] or f"\\bibitem{{{key or ''}}}",
                                           "a \\bibitem that cites no paper bibkit can read"))
            continue
        draft.reference = draft.reference or reference
        entry, found = draft.to_entry(origin, 1.0)
        entry.problems.extend(found)
        if m.group(1):
            _harvard_head_fills(entry, text, m)
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


def _groups(block: str) -> list[str]:
    """The contents of the brace groups at the top level of ``block`` (a ``\\name`` or ``\\list`` body)."""
    groups: list[str] = []
    i, n = 0, len(block)
    while i < n:
        if block[i] == "{":
            end = _group_end(block, i)
            if end < 0:
                break
            groups.append(block[i + 1:end - 1])
            i = end
        else:
            i += 1
    return groups


def _bbl_names(block: str) -> list[str]:
    """The names of a ``\\name{role}{N}{opts}{…}`` list: each one a ``{{hash…}{parts}}`` group."""
    return [name for name in (_bbl_name(g) for g in _groups(block)) if name]


def _bbl_list(block: str) -> list[str]:
    return [item for item in (g.strip() for g in _groups(block)) if item]


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

    fields = _date_range(fields)
    entry_type, fields = _bibtex_kind(entry_type, fields)
    have = {f for f, _ in fields}
    kept = [(name, _bib_value(value)) for name, value in fields
            if not (name in ("year", "month", "day") and "date" in have)]
    return bibtex_entry(entry_type, key, kept, plain_text=False)


_DATE_PARTS = ("year", "month", "day", "endyear", "endmonth", "endday")


def _date_range(fields: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Biber splits each date (``date = {2016-06/2016-07}``, ``eventdate``, ``origdate``) into ``year``, ``month``,
    ``endyear``, ``endmonth``…: each is put back together as the date field it was (an ``endyear`` or an
    ``eventmonth`` left as a field is no BibTeX or biblatex field).  The publication date without an end stays
    ``year``/``month``/``day``, which every BibTeX style reads."""
    for prefix in ("", "event", "orig"):
        names = {prefix + p for p in _DATE_PARTS}
        parts = {f[len(prefix):]: v.strip() for f, v in fields if f in names}
        if "year" not in parts or (not prefix and "endyear" not in parts) or \
                any(f == prefix + "date" for f, _ in fields):
            continue

        def iso(end: str, parts: dict[str, str] = parts) -> str:
            out = parts.get(end + "year", "")
            for p in ("month", "day"):
                if not out or not parts.get(end + p, "").isdigit():
                    break
                out += "-" + parts[end + p].zfill(2)
            return out

        value = iso("") + (f"/{iso('end')}" if "endyear" in parts else "")
        fields = [(f, v) for f, v in fields if f not in names] + [(prefix + "date", value)]
    return fields


#: biblatex's ``@thesis``/``@report`` kinds (its ``type`` field) as BibTeX's types
_KINDS = {("thesis", "phdthesis"): "phdthesis", ("thesis", "mathesis"): "mastersthesis",
          ("thesis", "mastersthesis"): "mastersthesis", ("report", "techreport"): "techreport"}


def _bibtex_kind(entry_type: str, fields: list[tuple[str, str]]) -> tuple[str, list[tuple[str, str]]]:
    """``@thesis`` with ``type = {phdthesis}`` is BibTeX's ``@phdthesis`` (its ``institution`` the ``school``), and
    ``@report`` with ``type = {techreport}`` a ``@techreport``: the ``type`` is biblatex's key for the words
    "PhD thesis", which BibTeX styles would print as written.  ``location`` is BibTeX's ``address``."""
    kind = next((v.strip().lower() for f, v in fields if f == "type"), "")
    target = _KINDS.get((entry_type.lower(), kind))
    have = {f for f, _ in fields}
    out: list[tuple[str, str]] = []
    for f, v in fields:
        if target and f == "type":
            continue
        if target in ("phdthesis", "mastersthesis") and f == "institution" and "school" not in have:
            f = "school"
        elif f == "location" and "address" not in have:
            f = "address"
        out.append((f, v))
    return target or entry_type, out


_ENTRY_HEAD = re.compile(r"\\entry\{([^{}]*)\}\{([^{}]*)\}\{[^{}]*\}")


def _read_biblatex(text: str, origin: str, strict: bool) -> Document:
    from .bibgen import Generated, read_generated

    records: list[Generated] = []
    skipped: list[SkippedLine] = []
    problems: list[Problem] = []
    seen: set[str] = set()
    lines = _Lines(text)
    for m in _ENTRY_HEAD.finditer(text):
        key, entry_type = m.group(1).strip(), m.group(2).strip() or "misc"
        if not key or key.casefold() in seen:  # (one entry per key: a key in two data lists is one work)
            continue
        seen.add(key.casefold())
        stop = text.find("\\endentry", m.end())
        line = lines.at(m.start())
        if entry_type.lower() == "set":  # (a biblatex set: its members are entries of their own)
            skipped.append(SkippedLine(SourceLocation(origin, line), f"\\entry{{{key}}}{{set}}",
                                       "a biblatex entry set (its members are read as entries)"))
            continue
        body = _strip_biber_comments(text[m.end():stop if stop >= 0 else len(text)])
        if stop < 0 or _group_end("{" + body + "}", 0) != len(body) + 2:
            problems.append(Problem("bbl-truncated", f"\\entry{{{key}}} is cut short (no \\endentry, or a brace "
                                    "left open): the fields before the break are kept", "warning",
                                    SourceLocation(origin, line)))
        records.append(Generated(_biblatex_entry(body, key, entry_type), line))
    if not records:
        doc = Document(metadata={"format": "bbl", "source": origin})
        doc.problems.append(Problem("listing-empty", "no \\entry in the biblatex bibliography", "warning",
                                    SourceLocation(origin)))
        doc.skipped.extend(skipped)
        return doc
    if strict and problems:
        from ..errors import InputError

        raise InputError(problems[0].message, problems[0].location)
    # (BibTeX made here from biber's data, not the user's file: written fresh, in the usual field order)
    doc = read_generated(records, origin, "bbl", strict=strict, keep_bib=False)
    doc.problems[:0] = problems
    doc.skipped.extend(skipped)
    return doc


# --------------------------------------------------------------------------- amsrefs

_AMS_PAIR = re.compile(r"([A-Za-z]+)\s*=\s*\{")
_AMS_TYPES = {"article": "article", "book": "book", "collection": "book", "proceedings": "proceedings",
              "inproceedings": "inproceedings", "incollection": "incollection", "inbook": "inbook",
              "thesis": "phdthesis", "report": "techreport", "techreport": "techreport", "misc": "misc",
              "manual": "manual", "unpublished": "unpublished", "webpage": "misc"}
#: amsrefs' names for BibTeX's fields
_AMS_FIELDS = {"organization": "organization", "review": "mrnumber", "eprint": "eprint"}
_AMS_NESTED = ("book", "conference", "partial", "translation", "reprint")


def _ams_pairs(body: str) -> list[tuple[str, str]]:
    """``author={…}, title={…}, …`` as (name, value) pairs, in order (repeated names kept)."""
    pairs: list[tuple[str, str]] = []
    i = 0
    while True:
        m = _AMS_PAIR.search(body, i)
        if m is None:
            return pairs
        end = _group_end(body, m.end() - 1)
        if end < 0:
            return pairs
        pairs.append((m.group(1).lower(), body[m.end():end - 1]))
        i = end


def _ams_name(name: str) -> str:
    """amsrefs' ``Family, Given, Jr.`` as BibTeX's ``Family, Jr., Given``."""
    parts = [p.strip() for p in name.split(",")]
    return f"{parts[0]}, {parts[2]}, {parts[1]}" if len(parts) == 3 and parts[2] else name.strip()


def _ams_date(value: str) -> list[tuple[str, str]]:
    m = re.match(r"\s*(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?", value)
    if m is None:
        return [("year", value.strip())] if value.strip() else []
    months = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
    out = [("year", m.group(1))]
    if m.group(2) and 1 <= int(m.group(2)) <= 12:
        out.append(("month", months[int(m.group(2)) - 1]))
        if m.group(3):
            out.append(("day", str(int(m.group(3)))))
    return out


def _ams_fields(pairs: list[tuple[str, str]], entry_type: str) -> list[tuple[str, str]]:
    names: dict[str, list[str]] = {}
    fields: list[tuple[str, str]] = []
    for name, value in pairs:
        value = re.sub(r"\\ndash(?![A-Za-z])\s*", "--", re.sub(r"\\mdash(?![A-Za-z])\s*", "---", value))
        if name in ("author", "editor", "translator"):
            names.setdefault(name, []).append(_ams_name(value))
        elif name == "date":
            fields.extend(_ams_date(value))
        elif name in _AMS_NESTED:  # (a chapter's book, a paper's conference: its title is the booktitle)
            inner = dict(_ams_pairs(value))
            if inner.get("title"):
                fields.append(("booktitle", inner["title"]))
            for sub in ("publisher", "address", "volume", "series"):
                if inner.get(sub):
                    fields.append((sub, inner[sub]))
            editors = [v for n, v in _ams_pairs(value) if n == "editor"]
            if editors:
                names.setdefault("editor", []).extend(_ams_name(e) for e in editors)
        elif name == "organization" and entry_type in ("phdthesis", "mastersthesis"):
            fields.append(("school", value))
        elif name == "type" and entry_type in ("phdthesis", "mastersthesis"):
            continue  # ("Ph.D. Thesis": BibTeX's type says it)
        elif name in ("url", "doi", "eprint"):  # (TeX there: "\\%25" is the URL's "%25")
            fields.append((name, re.sub(r"\\([%&_#$])", r"\1", value)))
        else:
            fields.append((_AMS_FIELDS.get(name, name), value))
    return [(role, " and ".join(people)) for role, people in names.items()] + fields


def _read_amsrefs(text: str, origin: str, strict: bool) -> Document:
    """amsrefs' ``\\bib{key}{type}{field={…}, …}`` items, each the BibTeX entry it stands for."""
    from .bibgen import Generated, read_generated

    text = "\n".join(_strip_comments(line + "\n").rstrip("\n") for line in text.split("\n"))
    records: list[Generated] = []
    problems: list[Problem] = []
    seen: set[str] = set()
    lines = _Lines(text)
    for m in _AMSREFS_ITEM.finditer(text):
        key, kind = m.group(1).strip(), m.group(2).lower()
        line = lines.at(m.start())
        end = _group_end(text, m.end() - 1)
        if end < 0:
            problems.append(Problem("bbl-truncated", f"\\bib{{{key}}} is cut short (a brace left open): the fields "
                                    "before the break are kept", "warning", SourceLocation(origin, line)))
        if key.casefold() in seen:
            continue
        seen.add(key.casefold())
        pairs = _ams_pairs(text[m.end():end - 1 if end > 0 else len(text)])
        entry_type = _AMS_TYPES.get(kind, "misc")
        if entry_type == "phdthesis" and re.search(r"master|m\.\s?s", dict(pairs).get("type", ""), re.IGNORECASE):
            entry_type = "mastersthesis"
        from .bibgen import bibtex_entry

        records.append(Generated(bibtex_entry(entry_type, key, _ams_fields(pairs, entry_type), plain_text=False),
                                 line))
    if strict and problems:
        from ..errors import InputError

        raise InputError(problems[0].message, problems[0].location)
    doc = read_generated(records, origin, "bbl", strict=strict, keep_bib=False)
    doc.problems[:0] = problems
    return doc
