"""Names written in natural order ("Damai Dai", "Ludwig van Beethoven", "DeepSeek-AI").

arXiv, Hugging Face and pasted author lines give names as one string in
reading order.  Splitting them right matters twice: for citation keys (the
family name) and for BibTeX output (where a mis-split organisation such as
"Qwen Team" would print as "T., Qwen").  pybtex implements BibTeX's own
splitting rules (von particles are the lower-case words), which is what a
BibTeX user expects; on top of it we recognise names that must stay one
literal (organisations, collaborations, single-word names).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from .lazyre import compile_on_first_use
from .model import Person

#: words that mark a name as an organisation when they stand as a whole word
_ORG_WORDS = frozenset(
    """
    team group lab labs laboratory laboratories collaboration consortium institute institution
    university universite universität universidad college school center centre department
    inc inc. ltd ltd. llc corp corp. corporation company foundation association society council
    organization organisation committee project initiative alliance network research ai
    google deepmind openai meta microsoft nvidia anthropic alibaba tencent baidu bytedance huawei
    """.split()
)
#: BibTeX's "Jr" part of a name: generational suffixes ("Jr.", "Sr.", "III"), written ``{Family, Jr., Given}``
_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv", "v", "2nd", "3rd"})
_SUFFIX_FIRST = frozenset("JjSsIiVv23")


def is_name_suffix(word: str, *, initial_v: bool = False) -> bool:
    """Whether ``word`` is a generational suffix ("Jr.", "Sr", "III", "2nd") — the one rule every reader of
    names asks.  ``initial_v``: "V"/"V." is read as an initial (in an author list "Vapnik, V." it is one),
    so it counts as a suffix only where no initial can stand (after a given name: "John Smith V")."""
    if word[:1] not in _SUFFIX_FIRST:
        return False  # (the common case, asked of every name: one look at the first letter)
    low = word.strip(",").casefold()
    low = low[:-1] if low.endswith(".") else low
    return low in _SUFFIXES and not (initial_v and low == "v")
_SPACE = re.compile(r"\s+")
_DIGIT = compile_on_first_use(__name__, r"\d")


def is_organisation(name: str) -> bool:
    """Whether a natural-order name is better kept as one literal name.

    True for single tokens ("Qwen", "DeepSeek-AI"), names with an organisation
    word ("Qwen Team", "The ATLAS Collaboration", "Google DeepMind"), and names
    with digits or all-capital multi-letter tokens that no person has ("GLM-4 Team").
    """
    text = _SPACE.sub(" ", name).strip()
    if not text:
        return False
    tokens = text.split(" ")
    if len(tokens) == 1:
        return True
    lowered = [t.strip(",.()").casefold() for t in tokens]
    if any(t in _ORG_WORDS for t in lowered):
        return True
    if _DIGIT.search(text):  # (a digit in any token)
        return True
    # a person's name has at most initials in capitals; "ATLAS Collaboration" is caught above,
    # here catch acronym-only names like "BAAI NLP"
    if all(len(t) > 1 and t.isupper() for t in tokens):
        return True
    return False


@lru_cache(maxsize=65536)
def parse_plain_name(text: str) -> Person:
    """Split one natural-order name into a :class:`Person` (literal for organisations).

    Handles "Given Family", "Given von Family", "Family, Given", "Given Family Jr."
    and leaves non-Latin single-token names ("王小明") literal.
    """
    text = _SPACE.sub(" ", unicodedata.normalize("NFC", text)).strip().strip(",;")
    if not text:
        return Person(literal="")
    suffix = ""
    if "," not in text:
        tokens = text.split(" ")
        if len(tokens) > 2 and is_name_suffix(tokens[-1]):  # (before the organisation test: "H. Ford 3rd")
            suffix, text = tokens[-1], " ".join(tokens[:-1])
        if is_organisation(text):
            return Person(literal=f"{text} {suffix}" if suffix else text)
    simple = _split_simple(text)
    if simple is not None:
        family, given, particle = simple
        return Person(family=family, given=given, particle=particle, suffix=suffix)
    # imported here, not at the top: pybtex's package import reads installed metadata (tens of milliseconds),
    # which a command that never splits a natural-order name (convert of a .bib) must not pay at start-up
    from pybtex.database import Person as _PybtexPerson

    try:
        p = _PybtexPerson(text)
    except Exception:  # pybtex rejects some odd strings (unbalanced braces): keep them whole
        return Person(literal=text)
    family = " ".join(p.last_names)
    given = " ".join(p.first_names + p.middle_names)
    particle = " ".join(p.prelast_names)
    suffix = suffix or " ".join(p.lineage_names)
    if not family:
        return Person(literal=text)
    return Person(family=family, given=given, particle=particle, suffix=suffix)


#: what makes pybtex read a name string differently from its plain words: commas (another order), braces
#: (groups), backslashes (TeX commands) and ties (``~``, a space)
_TEX_SYNTAX = frozenset(",{}\\~")


def _split_simple(text: str) -> tuple[str, str, str] | None:
    """``(family, given, particle)`` as pybtex splits a "First von Last" name of plain words, or ``None``
    when the name is not one (pybtex then splits it).

    The same split, without pybtex's TeX-aware scanner (most of the cost of a search result's authors):
    with no comma, brace, backslash or tie, pybtex's words are the space-separated ones, and a word is a
    "von" word exactly when its first character is lower-case — decided by that character alone when it
    is a letter of either case (a word starting otherwise, "(Ed.)", "3D", is left to pybtex).  Then, as
    pybtex does: the first von word ends the given names (none: the last word alone is the family name);
    of the rest, all but the last word are split again after the last von word among them (particle
    before, family after), and the last word always belongs to the family name.
    """
    if not _TEX_SYNTAX.isdisjoint(text):
        return None
    words = text.strip().split(" ")
    von = []
    for w in words:
        first = w[:1]
        if first.isupper():
            von.append(False)
        elif first.islower():
            von.append(True)
        else:
            return None
    start = von.index(True) if True in von else len(words)
    given, rest = words[:start], words[start:]
    if not rest:
        rest = [given.pop()]
    head, tail = rest[:-1], rest[-1:]
    cut = max((i + 1 for i, v in enumerate(von[start:start + len(head)]) if v), default=0)
    return " ".join(head[cut:] + tail), " ".join(given), " ".join(head[:cut])


def parse_name_list(text: str) -> list[Person]:
    """Split an author line ("A. One, B. Two and C. Three", "A; B") into persons.

    Commas separate names here (natural-order lists), unless every part looks
    like "Family, Given" pairs joined by " and " / ";".
    """
    text = _SPACE.sub(" ", text).strip()
    if not text:
        return []
    if ";" in text:
        parts = [p for p in (s.strip() for s in text.split(";")) if p]
    else:
        pairs = [p for p in re.split(r"\s+and\s+", text) if p.strip()]
        if len(pairs) > 1 and all(p.count(",") == 1 for p in pairs):  # "Family, Given and Family, Given"
            return [parse_plain_name(p) for p in pairs]
        parts = [p for p in re.split(r",|\s+and\s+|\s*&\s*", text) if p.strip()]
    return [parse_plain_name(p) for p in parts]
