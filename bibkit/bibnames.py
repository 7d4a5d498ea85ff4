"""BibTeX name lists (``author = {…}``) ⇄ :class:`~bibkit.model.Person`.

Why not simply pybtex: the splitting rules here *are* pybtex's (which are
BibTeX's own: "First von Last", "von Last, First", "von Last, Jr, First"; the
von part is the run of words that start with a lower-case letter; braces hide
their contents), but a ``.bib`` reader calls this for every name of every
entry, so the common shapes ("Family, Given", "Given Family") take a fast
path and every distinct name string is parsed once (an LRU cache: real
bibliographies repeat their authors).

Conventions:

* A name that is one brace group (``{DeepSeek-AI}``, ``{Qwen Team}``,
  ``{Council on Cardiopulmonary, Critical Care, … and Resuscitation}``) is a
  literal: ``Person(literal=…)``, never split.
* ``others`` (BibTeX's "et al.") is kept as ``Person(literal="others")``: it is
  written back as a bare ``others`` so the style prints "et al."; callers that
  count or cite authors skip it (:func:`is_others`).
* Parts are LaTeX-decoded (``P\\"{a}ckert`` → "Päckert"); ``~`` between words is a space.
* :func:`format_bibtex_name` writes ``von Family, Jr., Given`` (or ``{Literal}``),
  bracing what would otherwise re-parse differently (a family name with a
  lower-case word, commas) and protecting a word ``and`` as ``{and}``, so that
  ``parse(format(p)) == p`` for every person this module produces.  Limits:
  a particle that starts with a capital ("Van") cannot be told apart from the
  family name in BibTeX syntax and is written as part of it.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .lazyre import compile_on_first_use
from .model import Person
from .normalize.latex import decode, encode, squeeze_space
from .normalize.texscan import match_brace

__all__ = ["parse_bibtex_names", "parse_bibtex_name", "split_names", "format_bibtex_name",
           "format_bibtex_names", "is_others", "OTHERS"]

#: the "et al." marker of a BibTeX name list
OTHERS = Person(literal="others")

_AND = compile_on_first_use(__name__, r"\s+[Aa][Nn][Dd]\s+")
_SPACE_SEP = re.compile(r"(?:\\ |[ \t\n\r\f\v]|(?<!\\)~)+")
_SIMPLE = re.compile(r"^[^{}\\~,]*$")


def is_others(p: Person) -> bool:
    """Whether ``p`` is BibTeX's ``others`` ("et al.") marker (:attr:`Person.is_others`)."""
    return p.is_others


def _split_depth0(text: str, pattern: re.Pattern[str]) -> list[str]:
    """Split ``text`` at matches of ``pattern`` that lie outside braces."""
    if "{" not in text:
        return pattern.split(text)
    out = []
    pos = 0  # start of the current piece
    scanned = 0  # brace depth is known up to here
    depth = 0
    for m in pattern.finditer(text):
        start = m.start()
        if start < pos:
            continue
        depth += text.count("{", scanned, start) - text.count("}", scanned, start)
        scanned = start
        if depth == 0:
            out.append(text[pos:start])
            pos = m.end()
            depth += text.count("{", scanned, pos) - text.count("}", scanned, pos)
            scanned = pos
    out.append(text[pos:])
    return out


_AND_KEEP = re.compile(r"(\s+[Aa][Nn][Dd]\s+)")


def split_names(raw: str) -> list[str]:
    """The name strings of a BibTeX name list, split at `` and `` outside braces."""
    text = squeeze_space(raw).strip()
    if not text:
        return []
    if "{" not in text:
        return [p.strip() for p in _AND.split(text) if p.strip()]
    # split everywhere, then glue back the pieces whose separator was inside braces
    pieces = _AND_KEEP.split(text)
    out: list[str] = []
    current = pieces[0]
    depth = current.count("{") - current.count("}")
    for k in range(1, len(pieces), 2):
        sep, nxt = pieces[k], pieces[k + 1]
        if depth > 0:
            current += sep + nxt
        else:
            out.append(current)
            current = nxt
        depth += nxt.count("{") - nxt.count("}")
    out.append(current)
    return [p.strip() for p in out if p.strip()]


def parse_bibtex_names(raw: str) -> list[Person]:
    """A BibTeX name list (``author``/``editor`` value, braces kept, not yet decoded) → persons."""
    return [parse_bibtex_name(n) for n in split_names(raw)]


def _is_whole_group(name: str) -> bool:
    if not (name.startswith("{") and name.endswith("}")) or name.startswith("{\\"):
        return False
    depth = 0
    prev = ""
    for k, c in enumerate(name):
        if prev != "\\":
            if c == "{":
                depth += 1
            elif c == "}":
                depth -= 1
                if depth == 0 and k != len(name) - 1:
                    return False
        prev = c if prev != "\\" else ""
    return depth == 0


#: foreign-letter commands whose own name gives the case of a special character (BibTeX's rule)
_LETTER_COMMANDS = frozenset({"i", "j", "oe", "OE", "ae", "AE", "aa", "AA", "o", "O", "l", "L", "ss"})
_CS = compile_on_first_use(__name__, r"\\([A-Za-z]+)")


def _special_char_islower(special: str) -> bool | None:
    """Case of a special character ``{\\…}`` (``special`` without its braces)."""
    m = _CS.match(special)
    if m and m.group(1) in _LETTER_COMMANDS:
        return m.group(1)[0].islower()
    control_sequence = True
    for c in special[1:]:
        if control_sequence:
            if not c.isalpha():
                control_sequence = False
        elif c.isalpha():
            return c.islower()
    return None


def _is_von(token: str) -> bool:
    """BibTeX's test: the first letter at brace depth 0 (or of a special character) is lower-case."""
    first = token[0]
    if first.isupper():
        return False
    if first.islower():
        return True
    depth = 0
    k = 0
    n = len(token)
    while k < n:
        c = token[k]
        if c == "{":
            if depth == 0 and k + 1 < n and token[k + 1] == "\\":
                # a special character: up to its closing brace (BibTeX counts every brace here)
                j = match_brace(token, k, escapes=False)
                j = n if j < 0 else j
                res = _special_char_islower(token[k + 1:j])
                if res is not None:
                    return res
                k = j + 1
                continue
            depth += 1
        elif c == "}":
            depth = max(0, depth - 1)
        elif depth == 0 and c.isalpha():
            return c.islower()
        k += 1
    return False


def _tokens(part: str) -> list[str]:
    part = part.strip()
    if not part:
        return []
    return [t for t in _split_depth0(part, _SPACE_SEP) if t]


def _join(tokens: list[str]) -> str:
    return decode(" ".join(tokens)) if tokens else ""


def _von_last(tokens: list[str]) -> tuple[list[str], list[str]]:
    """Split "von Last" tokens: the von part ends at the last lower-case word before the last word."""
    if not tokens:
        return [], []
    head, last = tokens[:-1], tokens[-1:]
    cut = 0
    for k in range(len(head) - 1, -1, -1):
        if _is_von(head[k]):
            cut = k + 1
            break
    return head[:cut], head[cut:] + last


@lru_cache(maxsize=65536)
def parse_bibtex_name(name: str) -> Person:
    """One BibTeX name (undecoded) → :class:`Person` (see the module docstring)."""
    name = squeeze_space(name).strip()
    if not name:
        return Person(literal="")
    if name == "others":
        return OTHERS
    if _is_whole_group(name):
        return Person(literal=decode(name[1:-1]))
    # fast path: "Family, Given" / "Given Family" without braces, escapes or particles
    if _SIMPLE.match(name) or (name.count(",") == 1 and _SIMPLE.match(name.replace(",", ""))):
        if "," in name:
            fam, giv = name.split(",", 1)
            fam_t = fam.split()
            if len(fam_t) == 1 and not fam_t[0][0].islower():
                return Person(family=fam_t[0], given=" ".join(giv.split()))
        else:
            toks = name.split(" ")
            if not any(t[0].islower() for t in toks):
                return Person(family=toks[-1], given=" ".join(toks[:-1]))
    parts = _split_depth0(name, re.compile(r","))
    if len(parts) > 3:
        parts = [parts[0], parts[1], ",".join(parts[2:])]
    first: list[str] = []
    von: list[str] = []
    last: list[str] = []
    jr: list[str] = []
    if len(parts) == 1:
        tokens = _tokens(parts[0])
        k = 0
        while k < len(tokens) and not _is_von(tokens[k]):
            k += 1
        first, von_last = tokens[:k], tokens[k:]
        if not von_last and first:
            von_last = [first.pop()]
        von, last = _von_last(von_last)
    else:
        von, last = _von_last(_tokens(parts[0]))
        if len(parts) == 3:
            jr = _tokens(parts[1])
        first = _tokens(parts[-1])
    family = _join(last)
    if not family:
        if von:  # only lower-case words: BibTeX takes the last one as the family name
            family = _join(von[-1:])
            von = von[:-1]
        else:
            return Person(literal=decode(name))
    return Person(family=family, given=_join(first), particle=_join(von), suffix=_join(jr))


# --------------------------------------------------------------------------- writing

_AND_WORD = compile_on_first_use(__name__, r"(?<![^\s{])([Aa][Nn][Dd])(?![^\s}])")


def _enc(text: str, ascii_: bool) -> str:
    out = encode(text, ascii=ascii_)
    if " " in out:
        out = _AND_WORD.sub(r"{\1}", out)
    return out


def _literal(text: str, ascii_: bool) -> str:
    out = encode(text, ascii=ascii_)
    # "{\\"O…}" would be a BibTeX special character (a name part), not a literal: "{{}\\"O…}" is not
    return "{{}" + out + "}" if out.startswith("\\") else "{" + out + "}"


def _needs_group(text: str) -> bool:
    return "," in text


def format_bibtex_name(p: Person, *, ascii: bool = False) -> str:  # noqa: A002
    """``von Family, Jr., Given`` (``{Literal}`` for literal names) ready for a BibTeX name list."""
    if p.literal or not (p.family or p.given):
        if is_others(p):
            return "others"
        return _literal(p.literal or p.given, ascii)
    if not p.family:
        return _literal(p.given, ascii)
    family = _enc(p.family, ascii)
    fam_tokens = p.family.split(" ")
    grouped = _needs_group(p.family) or (len(fam_tokens) > 1 and any(_is_von(t) for t in fam_tokens[:-1]))
    if grouped:
        family = "{" + family + "}"
    particle = ""
    if p.particle:
        part_tokens = p.particle.split(" ")
        if all(_is_von(t) for t in part_tokens):
            particle = _enc(p.particle, ascii) + " "
        else:  # a capitalised particle cannot be marked as such: keep it with the family name
            family = "{" + _enc(p.particle + " " + p.family, ascii) + "}"
            grouped = True
    head = particle + family
    suffix = _enc(p.suffix, ascii) if p.suffix else ""
    if suffix and _needs_group(p.suffix):
        suffix = "{" + suffix + "}"
    given = _enc(p.given, ascii) if p.given else ""
    if given and _needs_group(p.given):
        given = "{" + given + "}"
    if suffix:
        return f"{head}, {suffix}, {given}"
    if given:
        return f"{head}, {given}"
    if not particle and len(fam_tokens) > 1 and not grouped:
        return head + ","  # "Digital Scholarship," : a family name of two words and no given name
    return head


def format_bibtex_names(persons: list[Person], *, ascii: bool = False) -> str:  # noqa: A002
    """A whole ``and``-joined name list."""
    return " and ".join(format_bibtex_name(p, ascii=ascii) for p in persons)
