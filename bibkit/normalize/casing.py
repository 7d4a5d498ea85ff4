"""Title case protection: brace exactly the words a bibliography style must not lower-case.

Why: BibTeX styles such as plainnat, and biblatex styles that sentence-case
titles, lower-case every letter of a title that is not inside braces.  That
turns "NLP" into "nlp" and "DeepSeekMoE" into "Deepseekmoe".  The common fix
is to wrap the whole title in ``{{…}}``, but then the style cannot apply its
casing at all, and a wrapped title is no longer a normal title.  Here only the
words that need it are braced:

* acronyms and initialisms (``{NLP}``, ``{LLMs}``, ``{MoE}``, ``{U.S}.``): any capital
  letter after the first letter of the word;
* CamelCase and mixed letter/digit tokens (``{DeepSeekMoE}``, ``{Qwen2.5}``, ``{3D}``);
* math holding capital letters (``{$\\Sigma^{0}$}``: BibTeX would lower-case ``\\Sigma``)
  and control words with capitals (``{\\LaTeX}``);
* a capital letter standing alone as a symbol or name (``{C++}``, ``{O(n)}``, ``{I}``, ``{X}-ray``,
  ``{U-Net}``), but not the word "A";
* a model name and its version, hyphenated or not (``{Llama-2}``, ``{Phi-3}``, ``{Llama 3}``,
  ``{Mistral 7B}``), but not "Part 2" or "Table 1".

Words with only an initial capital ("Survey", "Mixture") are **not** protected:
whether a title prints in sentence case or title case is the style's choice (and
so the user's), and bracing them would take that choice away.

Hyphenated tokens are split at their hyphens and protected part by part, with
neighbouring parts that need protection (or have no letters, like the ``4`` of
``GPT-4``) braced together: ``{GPT-4}``, ``{VILA-M3}``, ``{DeepSeek-V3}``, but
``{LLM}-Based`` and ``Text-to-{SQL}``, so a style may still lower-case "Based".
Leading and trailing punctuation stays outside the braces (``{BAM}!``, ``({NLP})``).

Braces never go inside math, inside a brace group that is already there, or
between a command and its argument, and the function is idempotent:
``protect(protect(t)) == protect(t)``; a title that already has ``{NLP}`` is unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..lazyre import compile_on_first_use
from .latex import decode
from .texscan import match_brace, math_end

__all__ = ["protect", "needs_protection"]

# unit kinds
_SPACE, _CHAR, _GROUP, _SPECIAL, _MATH, _WORD, _SYMBOL = range(7)


@dataclass(slots=True)
class _Unit:
    kind: int
    text: str


_PUNCT_EDGE = set("()[]\"'`,.;:!?*/")
_WORD_RE = compile_on_first_use(__name__, r"\\[A-Za-z]+")
_CS_NAME = compile_on_first_use(__name__, r"\\(?:[A-Za-z]+|.)")
_NEEDS_SCAN = compile_on_first_use(__name__, r"[A-Z]|[^\x00-\x7f]")


def _units(text: str) -> list[_Unit]:
    """Split encoded text into depth-0 units (a group or a math span is one unit)."""
    units: list[_Unit] = []
    i = 0
    n = len(text)
    while i < n:
        c = text[i]
        if c in " \t\n\r":
            j = i + 1
            while j < n and text[j] in " \t\n\r":
                j += 1
            units.append(_Unit(_SPACE, text[i:j]))
            i = j
        elif c == "{":
            j = match_brace(text, i)
            if j < 0:  # unbalanced: treat the rest as one opaque group
                units.append(_Unit(_GROUP, text[i:]))
                break
            group = text[i:j + 1]
            units.append(_Unit(_SPECIAL if group.startswith("{\\") else _GROUP, group))
            i = j + 1
        elif c == "$":
            j = math_end(text, i)
            if j < 0:
                units.append(_Unit(_CHAR, c))
                i += 1
            else:
                units.append(_Unit(_MATH, text[i:j + 1]))
                i = j + 1
        elif c == "\\":
            m = _WORD_RE.match(text, i)
            if m:
                units.append(_Unit(_WORD, m.group(0)))
                i = m.end()
            else:
                units.append(_Unit(_SYMBOL, text[i:i + 2]))
                i += 2
        else:
            units.append(_Unit(_CHAR, c))
            i += 1
    return units


def _letters(part: list[_Unit]) -> list[tuple[str, bool]]:
    """Visible letters of a part with whether a style's case change reaches them."""
    out: list[tuple[str, bool]] = []
    for u in part:
        if u.kind == _CHAR:
            if u.text.isalpha():
                out.append((u.text, True))
        elif u.kind == _GROUP:
            if not _braced_math(u.text):  # {$…$} is what protecting math gives: letterless, like math itself
                out.extend((c, False) for c in decode(u.text) if c.isalpha())
        elif u.kind == _SPECIAL:
            # BibTeX changes the case of a special character's letters, but never of its
            # control sequence names: {\"U} is exposed, {\ss} and {\LaTeX} are not
            exposed = any(c.isalpha() for c in _CS_NAME.sub("", u.text))
            out.extend((c, exposed) for c in decode(u.text) if c.isalpha())
        elif u.kind == _WORD:
            pass  # a command name: letters, but not text (handled by _hazard)
    return out


def _braced_math(group: str) -> bool:
    """``{$…$}``: one math span alone in a brace group."""
    return group.startswith("{$") and group.endswith("$}") and math_end(group, 1) == len(group) - 2


def _has_digit(part: list[_Unit]) -> bool:
    return any(u.kind == _CHAR and u.text.isdigit() for u in part)


def _hazard(u: _Unit) -> bool:
    """A unit a case change would break on its own: math or a command name with capitals."""
    if u.kind == _MATH:
        return any(c.isupper() for c in u.text)
    if u.kind == _WORD:
        return any(c.isupper() for c in u.text)
    return False


def _part_needs(part: list[_Unit], lone: bool = True) -> bool:
    letters = _letters(part)
    exposed_upper = [k for k, (c, exposed) in enumerate(letters) if exposed and c.isupper()]
    if not exposed_upper:
        return False
    if any(k > 0 for k in exposed_upper):
        return True
    if _has_digit(part):
        return True  # "Qwen2.5", "V3", "3D"
    return lone and _lone_capital(part)


def _lone_capital(part: list[_Unit]) -> bool:
    """A capital letter standing alone as a symbol or a name: "I", "C++", "O(n)", the "X" of "X-ray",
    the "U" of "U-Net" (a style would print "c++", "o(n)", "x-ray").  Not "A", an English word."""
    first = part[0] if part else None
    if first is None or first.kind != _CHAR or not first.text.isupper() or first.text == "A":
        return False
    return len(part) == 1 or not (part[1].kind == _CHAR and (part[1].text.isalpha() or part[1].text in "'’"))


def _capitalised(part: list[_Unit]) -> bool:
    """A word with an initial capital only ("Llama", "Phi", "Net")."""
    letters = _letters(part)
    return bool(letters) and letters[0][0].isupper() and letters[0][1] and \
        not any(c.isupper() for c, _ in letters[1:]) and not _has_digit(part)


_VERSION = compile_on_first_use(__name__, r"v?\d+(?:\.\d+)*[A-Za-z]?")


def _is_version(part: list[_Unit]) -> bool:
    """A version or size token: "3", "2.5", "7B", "v2" ("Llama-2", "Phi-3", "Gemma-2B")."""
    return all(u.kind == _CHAR for u in part) and _VERSION.fullmatch(_join(part)) is not None


def _split_hyphens(core: list[_Unit]) -> tuple[list[list[_Unit]], list[str]]:
    """Parts of a word between hyphens, and the separators between them.

    A run of hyphens (``--``, ``---``: an encoded en or em dash) is one separator, kept whole
    so braces never split a TeX ligature.
    """
    parts: list[list[_Unit]] = [[]]
    seps: list[str] = []
    k = 0
    n = len(core)
    while k < n:
        u = core[k]
        if u.kind == _CHAR and u.text == "-":
            j = k
            while j < n and core[j].kind == _CHAR and core[j].text == "-":
                j += 1
            seps.append("-" * (j - k))
            parts.append([])
            k = j
        else:
            parts[-1].append(u)
            k += 1
    return parts, seps


def _join(units: list[_Unit]) -> str:
    return "".join(u.text for u in units)


def _protect_word(word: list[_Unit], first: bool = False) -> str:
    # punctuation outside the braces
    start, end = 0, len(word)
    while start < end and word[start].kind == _CHAR and word[start].text in _PUNCT_EDGE:
        start += 1
    while end > start and word[end - 1].kind == _CHAR and word[end - 1].text in _PUNCT_EDGE:
        end -= 1
    for opening, closing in (("(", ")"), ("[", "]")):
        # "O(n)": a bracket the word opens is closed inside the braces, not cut off as punctuation
        inside = word[start:end]
        opened = sum(1 for u in inside if u.kind == _CHAR and u.text == opening)
        closed = sum(1 for u in inside if u.kind == _CHAR and u.text == closing)
        while opened > closed and end < len(word) and word[end].kind == _CHAR and word[end].text == closing:
            end += 1
            closed += 1
    lead, core, trail = word[:start], word[start:end], word[end:]
    if not core:
        return _join(word)
    parts, seps = _split_hyphens(core)
    needs = [_part_needs(p) for p in parts]
    if first and not start and needs[0] and not _part_needs(parts[0], lone=False) and len(parts) == 1:
        needs[0] = False  # styles never change a title's first letter: "I Know", "C++ Tricks"
    for k in range(len(parts) - 1):
        # a name and its version ("Llama-2", "Phi-3", "Gemma-2B") or a lone capital and a name
        # ("U-Net", "T-Cell") are one name: braced together
        if _capitalised(parts[k]) and _is_version(parts[k + 1]) and not seps[k].startswith("--"):
            needs[k] = needs[k + 1] = True
        elif needs[k] and len(_letters(parts[k])) == 1 and _capitalised(parts[k + 1]) and seps[k] == "-":
            needs[k + 1] = True
    letterless = [not _letters(p) and not any(u.kind == _MATH for u in p) for p in parts]
    pieces: list[str] = []  # alternating: part text (maybe braced), separator
    k = 0
    n = len(parts)
    while k < n:
        if needs[k] or (letterless[k] and _run_has_need(needs, letterless, k)):
            j = k
            while j < n and (needs[j] or letterless[j]):
                j += 1
            inner = _join(parts[k])
            for m in range(k + 1, j):
                inner += seps[m - 1] + _join(parts[m])
            pieces.append(_brace(inner))
            k = j
        else:
            pieces.append("".join(_wrap_hazards(parts[k])))
            k += 1
        if k < n:
            pieces.append(seps[k - 1])
    return _join(lead) + "".join(pieces) + _join(trail)


def _brace(core: str) -> str:
    """Wrap ``core`` in protecting braces.  A group that starts with a backslash would be a
    BibTeX "special character", whose letters *are* case-changed, hence ``{{}\\cmd…}``."""
    if core.startswith("\\"):
        return "{{}" + core + "}"
    return "{" + core + "}"


def _run_has_need(needs: list[bool], letterless: list[bool], k: int) -> bool:
    """Whether the run of needing/letterless parts through ``k`` contains a needing part."""
    j = k
    while j < len(needs) and (needs[j] or letterless[j]):
        if needs[j]:
            return True
        j += 1
    return False


def _wrap_hazards(part: list[_Unit]) -> list[str]:
    return ["{" + u.text + "}" if _hazard(u) else u.text for u in part]


def needs_protection(word: str) -> bool:
    """Whether one (encoded) word would get braces from :func:`protect`."""
    return protect(word) != word


#: capitalised nouns that a number follows without making a name ("Part 2", "Table 1")
_NOT_NAMES = frozenset("""part parts volume vol chapter section phase stage level step type class figure table day
    week year round task track edition issue number no version season appendix lecture episode book""".split())


def protect(text: str) -> str:
    """Brace the words of an encoded title that a style must not lower-case (see module docs)."""
    if not text or _NEEDS_SCAN.search(text) is None:
        return text
    units = _units(text)
    words: list[list[_Unit]] = []
    spaces: list[str] = []  # spaces[k] follows words[k]
    lead = ""
    word: list[_Unit] = []
    for u in units:
        if u.kind == _SPACE:
            if word:
                words.append(word)
                spaces.append(u.text)
                word = []
            elif not words:
                lead += u.text
            else:
                spaces[-1] += u.text
        else:
            word.append(u)
    if word:
        words.append(word)
        spaces.append("")
    out: list[str] = [lead]
    for k, w in enumerate(words):
        if k + 1 < len(words) and _named_version(w, words[k + 1]):
            # "Llama 3", "Gemini 1.5", "Mistral 7B": a model name and its version, braced together
            out.append(_brace(_join(w) + spaces[k] + _join(words[k + 1])) + spaces[k + 1])
            words[k + 1] = []
            continue
        if w:  # (empty: the version word braced with the name before it)
            out.append(_protect_word(w, first=k == 0) + spaces[k])
    return "".join(out)


def _named_version(word: list[_Unit], nxt: list[_Unit]) -> bool:
    if not word or not nxt or not _capitalised(word) or not _is_version(nxt):
        return False
    if any(u.kind != _CHAR or not u.text.isalpha() for u in word):
        return False  # "Tools:" / "(Mixture)" are no names, and a name is letters only
    return _join(word).lower() not in _NOT_NAMES and len(word) > 1
