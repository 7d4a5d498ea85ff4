"""What a "whole word" is, defined once for rule patterns, the fast engine and the reference evaluator.

A word is a maximal run of letters and digits (``[^\\W_]+`` in Python's
Unicode regex sense) in the lower-cased text; everything else — spaces,
hyphens, underscores, punctuation, symbols — separates words.  So the pattern
``mixture of experts`` matches "Mixture-of-Experts" and "mixture of
experts", ``Qwen2.5`` matches "Qwen2.5" (words ``qwen2``, ``5``), and ``MoE``
does not match "MoEs" or "DeepSeekMoE".

The engine tokenises every title and abstract once; doing it fast matters
(100,000 abstracts are ~150 MB of text).  ASCII text — nearly every abstract —
goes through one ``bytes.translate`` (lower-casing and blanking non-alphanumerics
in a single table-lookup pass) and ``str.split``; anything else through the
regex, which gives the same words by definition.
"""

from __future__ import annotations

import re

#: One word: letters and digits, no underscore (underscores join identifiers like
#: ``Generalist_or_Specialist`` in URLs; splitting there is what a reader expects).
WORD = re.compile(r"[^\W_]+")

#: After a whole word: not a letter or digit.
WORD_END = r"(?![^\W_])"
#: Between the words of a phrase: any run of separators.
SEPARATOR = r"[\W_]+"


#: For ASCII text: letters and digits lower-cased, every other byte a space.  ``bytes.translate``
#: is a plain table lookup, ~20x cheaper per character than ``str.translate``.
ASCII_BYTES = bytes((ord(c.lower()) if c.isascii() and c.isalnum() else 32) for c in map(chr, range(256)))


def words(text: str) -> list[str]:
    """The lower-cased words of ``text``, in order, repeats kept."""
    if text.isascii():
        return text.encode("ascii").translate(ASCII_BYTES).decode("ascii").split()
    return WORD.findall(text.lower())


def phrase_regex(tokens: tuple[str, ...], prefix: bool) -> re.Pattern[str]:
    """The regex for ``tokens`` as consecutive words in *lower-cased* text, without the start check.

    It deliberately begins with the first word's letters, not with a
    look-behind: Python's regex engine then scans for that literal prefix in C
    (~50x faster than trying a look-behind at every position).  Whether the
    match starts a word is checked by :func:`find_phrase`.  With ``prefix`` the
    last word may continue (``agent*``).
    """
    body = SEPARATOR.join(re.escape(t) for t in tokens)
    end = r"[^\W_]*" if prefix else WORD_END
    return re.compile(body + end)


def find_phrase(regex: re.Pattern[str], text: str) -> bool:
    """Whether ``regex`` (from :func:`phrase_regex`) matches ``text`` at the start of a word."""
    pos = 0
    search = regex.search
    while True:
        m = search(text, pos)
        if m is None:
            return False
        start = m.start()
        if start == 0 or not text[start - 1].isalnum():  # [^\W_] is exactly str.isalnum()
            return True
        pos = start + 1
