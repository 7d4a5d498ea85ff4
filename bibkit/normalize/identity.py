"""Identity: "is this the same paper?", decided in one place.

Every stage that asks the question uses this module and nothing else:
duplicate merging (:mod:`bibkit.normalize.dedupe`), the verification of
enrichment candidates (:mod:`bibkit.enrich.match`), keeping citation keys
across runs, and the Zotero bridge's sync plan.  Before it existed three
copies disagreed (a different title normaliser in the bridge, abstract
thresholds of 65 % edit ratio in one place and 90 % in another, three
spellings of arXiv's DOI pattern), so one stage could call two records the
same paper while the next called them different.

What a record is known by (:class:`Fingerprint`):

* its **arXiv base ID** (``2401.06066``; arXiv's DataCite DOI
  ``10.48550/arXiv.<id>`` *is* that ID, never a second identifier);
* its **DOI** (any other DOI, compared case-insensitively, URL forms stripped);
* its **titles**: the current title and every earlier one it is known to
  have had (a pasted listing's title before arXiv renamed the paper, a title
  the user's Zotero item still carries), each in the comparison form of
  :func:`title_key`;
* its **first author** (family names, particles/accents/case ignored),
  **year** and **abstract**.

The rules (:func:`judge`), precision first — a wrong "same" merges two
papers or hands one paper's citation key to another:

1. Different arXiv IDs, or different DOIs, are different works, whatever the
   titles say (two versions of "A Survey on Mixture of Experts" exist).
2. The same arXiv ID, or the same DOI, is the same work.
3. A shared title is the same work unless something contradicts it: first
   authors that differ; when one side has no authors, years that differ;
   abstracts that are comparable and describe different work
   (< :data:`ABSTRACT_CONTRADICTS`).
4. Without a shared title, abstracts that are the same text
   (≥ :data:`ABSTRACT_SAME`) are the same work (a paper renamed between
   versions: "CooK: …" became "Knowledge Card: …"), unless the first authors
   differ.

:class:`IdentityIndex` makes lookups linear: records are bucketed by each
key they have (arXiv ID, DOI, citation key, title and first author, abstract
shingles), so a new record is compared only with the few records that share
a bucket — never with everything seen so far.

This module imports only :mod:`bibkit.model` and the text helpers; rapidfuzz (10 ms to import) is loaded by
the comparisons that use it, so a run that never compares two records (``bibkit convert`` of a file without
look-alikes) starts without it.
"""

from __future__ import annotations

import _thread
import re
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Any, Generic, Iterable, Iterator, NamedTuple, Sequence, TypeVar

from ..lazyre import compile_on_first_use
from ..model import Entry, Person, arxiv_id_of_doi
from .latex import GREEK_LETTERS
from .openreview import entry_note
from .text import normalize_name, normalize_title, normalized_words

__all__ = [
    "ABSTRACT_CONTRADICTS", "ABSTRACT_SAME", "AUTHORS_CONTRADICT", "MIN_ABSTRACT_WORDS",
    "MIN_CONTAINED_WORDS", "MIN_TITLE_WORDS", "SHORT_ABSTRACT_CONTRADICTS", "TITLE_COMPATIBLE", "TITLE_MATCH",
    "STOPWORDS",
    "Fingerprint", "IdentityIndex", "Judgement", "TitleForm", "abstract_similarity", "abstract_words_similarity",
    "word_code", "content_code",
    "arxiv_from_doi", "author_overlap", "comparable_title", "content_words", "doi_key", "entry_arxiv",
    "extra_form_words", "extra_title_words", "family_names", "forget_title_forms", "title_form_similarity",
    "is_arxiv_doi", "journal_doi", "judge", "normalize_name", "normalize_title", "render_math", "same_first_author",
    "site_identity",
    "strip_arxiv_version", "title_key", "title_similarity", "titles_compatible",
]

# =========================================================================== thresholds (the only copy)

#: abstracts this similar are the same text (edits between versions at most): enough to call a renamed
#: paper the same work, and to overrule a version conflict in the titles.
ABSTRACT_SAME = 0.90
#: below this, two comparable abstracts describe different work: a veto, even for identical titles.
ABSTRACT_CONTRADICTS = 0.50
#: when both sides list authors, at least this share of one side's must appear on the other.
AUTHORS_CONTRADICT = 0.30
#: a title this similar (after normalisation) may stand on its own when no abstract can be compared.
TITLE_MATCH = 0.93
#: titles this similar may be one paper's title before and after an edit ("X" / "X: a survey", a typo
#: fixed): enough to *confirm* a match an identifier or a citation key already suggests, never to make one.
TITLE_COMPATIBLE = 0.85
#: a title alone must have at least this many content words to identify a paper ("Introduction" won't do).
MIN_TITLE_WORDS = 3
#: abstracts with fewer content words than this are not compared (too short to tell papers apart).
MIN_ABSTRACT_WORDS = 12
#: containment is used instead of symmetric similarity only for a shorter text of at least this many words.
MIN_CONTAINED_WORDS = 25
#: two abstracts too short for the word-level comparison (one-liners) whose character similarity is below
#: this are different texts (and at or above :data:`ABSTRACT_SAME`, the same one)
SHORT_ABSTRACT_CONTRADICTS = 0.65
#: how many records of one bucket a lookup compares at most (keeps pathological inputs — a thousand
#: entries titled "Editorial" — linear; the most recent records of the bucket are the ones compared).
BUCKET_CAP = 64
#: a run of abstract words shared by more records than this is boilerplate ("In this paper we propose a
#: novel …", a template), not a fingerprint: its bucket is no longer offered (as a search engine drops stop words)
ABSTRACT_BUCKET_LIMIT = 8

# =========================================================================== identifiers

_DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)
_ARXIV_VERSION = compile_on_first_use(__name__, r"v\d+$")


def strip_arxiv_version(arxiv_id: str) -> str:
    """``2401.06066v2`` → ``2401.06066`` (a bibliography cites the work, not a revision)."""
    return _ARXIV_VERSION.sub("", arxiv_id.strip())


def doi_key(doi: str | None) -> str | None:
    """The comparison form of a DOI: URL/``doi:`` prefix stripped, lower case (DOIs are case-insensitive)."""
    if not doi:
        return None
    text = _DOI_PREFIX.sub("", str(doi).strip()).strip().lower()
    return text or None


def is_arxiv_doi(doi: str | None) -> bool:
    """Whether ``doi`` (any written form) is arXiv's DataCite DOI (:func:`bibkit.model.arxiv_id_of_doi`)."""
    key = doi_key(doi)
    return bool(key and arxiv_id_of_doi(key))


def arxiv_from_doi(doi: str | None) -> str | None:
    """The arXiv base ID inside arXiv's DataCite DOI (case as written, version stripped), else ``None``."""
    inside = arxiv_id_of_doi(_DOI_PREFIX.sub("", str(doi or "").strip()).strip())
    return strip_arxiv_version(inside) if inside else None


def entry_arxiv(entry: Entry) -> str | None:
    """The entry's arXiv base ID, from ``ids.arxiv`` or an arXiv DataCite DOI."""
    found = entry.ids.arxiv or arxiv_from_doi(entry.ids.doi)
    return strip_arxiv_version(found) if found else None


def journal_doi(entry: Entry) -> str | None:
    """The entry's DOI in comparison form, unless it is arXiv's own (which is the arXiv ID, not a second name)."""
    key = doi_key(entry.ids.doi)
    return key if key and not arxiv_id_of_doi(key) else None


# =========================================================================== text

#: words that carry no identity (dropped before comparing titles and abstracts)
STOPWORDS = frozenset(
    """
    a an the and or not of in on at to for from by with via into as is are was were be been this that these those
    it its we our they their which who what when where how than then there can could may might will would should
    do does did has have had also such both each any all some more most other only so very but if while about
    """.split()
)
_DIGIT = compile_on_first_use(__name__, r"\d")


class _Fuzz(NamedTuple):
    fuzz: Any
    process: Any
    LCSseq: Any


_FUZZ: _Fuzz | None = None


def _rapidfuzz() -> _Fuzz:
    """rapidfuzz's scorers, imported on first use (start-up: see the module docstring) and kept: an import
    statement inside a comparison costs a few microseconds, and a batched search makes tens of thousands."""
    global _FUZZ
    if _FUZZ is None:
        from rapidfuzz import fuzz, process
        from rapidfuzz.distance import LCSseq

        _FUZZ = _Fuzz(fuzz, process, LCSseq)
    return _FUZZ
_MATH = compile_on_first_use(__name__, r"\$([^$]{1,80})\$")
_MACRO = compile_on_first_use(__name__, r"\\([A-Za-z]+)\s*")
_SUBSCRIPT = compile_on_first_use(__name__, r"(?<=[^\W\d_])_(?=[\d{])")
#: TeX's Greek letter macros, rendered (arXiv writes ``$\\pi_0$``, a pasted page shows ``π0``): the LaTeX codec's
#: one table; variant letters (ϵ/ε, ϕ/φ) compare equal once :func:`normalize_title` has applied NFKC
_GREEK = GREEK_LETTERS


def render_math(text: str) -> str:
    """``$\\pi_0$`` → ``π0``, ``$\\mathcal{O}(n)$`` → ``O(n)``, ``π_0`` → ``π0``: TeX math as a reader sees it.

    Only for comparison: a title from arXiv (TeX source) and the same title
    pasted from a rendered page must normalise alike, and ``normalize_title``
    alone would turn ``$\\pi_0$`` into ``0`` (a "number conflict" with ``π0``).
    """
    def math(m: re.Match[str]) -> str:
        inner = _MACRO.sub(lambda c: _GREEK.get(c.group(1), ""), m.group(1))
        return re.sub(r"[_^{}]", "", inner)

    if "$" in text:
        text = _MATH.sub(math, text)
    if "_" in text:
        text = _SUBSCRIPT.sub("", text)
    return text


_MARKUP = compile_on_first_use(__name__, r"</?(?:i|b|em|strong|sup|sub|sc|nc|code|span)(?:\s[^>]*)?>", re.IGNORECASE)


def comparable_title(title: str | None) -> str:
    """The one comparison form of a title: rich-text tags (Zotero's ``<i>``, ``<sup>``) dropped, TeX math
    rendered, then :func:`normalize_title`."""
    if not title:
        return ""
    return _comparable(title)


@lru_cache(maxsize=65536)
def _comparable(title: str) -> str:
    if "<" in title:
        title = _MARKUP.sub("", title)
    return normalize_title(render_math(title))


#: a title's bucket key is its comparison form (one definition, so buckets and comparisons agree)
title_key = comparable_title


def forget_title_forms() -> None:
    """Empty the caches of titles' comparison forms once a pass over a whole bibliography is done with them.

    They are bounded, but a big file fills them (131,072 strings, 30–40 MB for 100,000 entries), and what they
    hold would stay for the rest of the run, scattered among the memory the pass freed, which then cannot go
    back to the system: the next pass fills them again with what it needs.
    """
    _comparable.cache_clear()
    normalize_title.cache_clear()


def content_words(text: str | None) -> list[str]:
    """The words of a text that carry meaning (normalised, stopwords dropped), in order."""
    return [w for w in normalize_title(text).split() if w not in STOPWORDS]


def _stem(word: str) -> str:
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


def _explained(word: str, extra: frozenset[str] | set[str], sequence: Sequence[str]) -> bool:
    """Whether a title word the other title lacks is only another spelling of something in it.

    ``extra`` are the other title's own unmatched words, ``sequence`` its words in
    order.  Explained: one part of a compound the other writes as one word
    ("pre" + "training" / "pretraining"), such a compound itself (two or three
    adjacent words of the other), or a near spelling of a long word ("modelling" /
    "modeling").  Never a word with a digit (a version conflict, judged by
    :func:`title_similarity`), never a short one ("ii", "vl").
    """
    if _DIGIT.search(word) or len(word) < 3:
        return False
    if any(word in o and word != o for o in extra):
        return True
    for size in (2, 3):
        if any("".join(sequence[i:i + size]) == word for i in range(len(sequence) - size + 1)):
            return True
    if len(word) < 6:
        return False
    rf = _FUZZ or _rapidfuzz()
    # a near spelling of a long word: rapidfuzz's C loop over the candidates, the same test as fuzz.ratio >= 85
    longer = [o for o in extra if len(o) >= 6]
    return bool(longer) and rf.process.extractOne(word, longer, scorer=rf.fuzz.ratio, score_cutoff=85) is not None


def _near(mine: frozenset[str], theirs: frozenset[str], plain: frozenset[str] = frozenset(),
          long: frozenset[str] | None = None) -> int:
    """How many of the long words only one title has are another spelling of a word only the other has.

    :func:`_explained` for each of ``mine`` (six letters or more) against ``theirs``, with what it needs
    prepared once: the substring test runs over all of ``theirs`` at once (no word of ``mine`` is one of
    ``theirs``, so "part of another word" is "found in their joined text").  ``plain`` (the long words
    without a digit of ``mine``'s title) and ``long`` (the long words of ``theirs``'s title), when given,
    come from the :class:`TitleForm` that prepared them, instead of being sorted out again here.
    """
    words = (mine & plain) if plain else [w for w in mine if len(w) >= 6 and not _DIGIT.search(w)]
    if not words or not theirs:
        return 0
    rf = _FUZZ or _rapidfuzz()
    joined = "\x00".join(theirs)
    longer = list(theirs & long) if long is not None else [o for o in theirs if len(o) >= 6]
    extract_one, ratio = rf.process.extractOne, rf.fuzz.ratio
    return sum(1 for w in words if w in joined or (longer and extract_one(
        w, longer, scorer=ratio, score_cutoff=85) is not None))


@dataclass(frozen=True, slots=True)
class TitleForm:
    """A title as the comparisons read it: its comparison form, its words in order, its stemmed content words.

    Derived once per title (:meth:`of`), so a record judged against every
    result of a batched search is not normalised again for each of them; so
    are the parts of the words each comparison sorts out (``compact``: the form
    without spaces; ``digits``: the stems with a digit; ``plain``: the stems of
    six letters or more without one; ``long``: the stems of six letters or more).
    """

    norm: str
    words: tuple[str, ...]
    stems: frozenset[str]
    compact: str
    digits: frozenset[str]
    plain: frozenset[str]
    long: frozenset[str]

    @staticmethod
    @lru_cache(maxsize=8192)
    def of(title: str | None) -> "TitleForm":
        norm = comparable_title(title)
        words = tuple(norm.split())
        stems = frozenset(_stem(w) for w in words if w not in STOPWORDS)
        digits = frozenset(w for w in stems if _DIGIT.search(w))
        long = frozenset(w for w in stems if len(w) >= 6)
        return TitleForm(norm, words, stems, norm.replace(" ", ""), digits, long - digits, long)


def title_similarity(a: str | None, b: str | None) -> tuple[float, bool]:
    """``(similarity, conflict)`` of two titles; conflict = their number-bearing words differ.

    Rapidfuzz similarity of the comparison forms, capped by the Dice overlap of
    their content words, so an added word ("-Coder") costs more than a
    punctuation difference.
    """
    return title_form_similarity(TitleForm.of(a), TitleForm.of(b))


def title_form_similarity(a: TitleForm, b: TitleForm) -> tuple[float, bool]:
    """:func:`title_similarity` of two prepared titles."""
    na, nb = a.norm, b.norm
    if not na or not nb:
        return 0.0, False
    ratio: float = (_FUZZ or _rapidfuzz()).fuzz.ratio(na, nb) / 100.0
    ta, tb = a.stems, b.stems
    conflict = bool(a.digits ^ b.digits)  # a number-bearing word only one title has
    if a.compact == b.compact:  # "Pre-training" / "Pretraining": one spelling apart
        return max(ratio, 0.99), conflict
    if ta and tb:
        shared = len(ta & tb)
        total = len(ta) + len(tb)
        # a long word spelt two ways ("modelling" / "modeling") still counts as shared; the spellings are
        # looked for only when they could lower the similarity (the Dice overlap without them is below it)
        if 2 * shared / total < ratio:
            ratio = min(ratio, 2 * (shared + _near(ta - tb, tb - ta, a.plain, b.long)) / total)
    return ratio, conflict


def title_form_ceiling(a: TitleForm, b: TitleForm) -> float:
    """An upper bound of :func:`title_form_similarity` ``(a, b)[0]`` that does not look for spelling variants
    (the costly part), for ranking pairs of unrelated papers without comparing them in full.

    Why it holds: titles one spelling apart may score up to 1; otherwise the similarity is the rapidfuzz
    ratio, capped — when the Dice overlap of the stems is below the ratio — by the overlap counting the
    spelling variants found, and those are some of ``a``'s long digit-free stems that ``b`` lacks, so no
    more than their number.  When the overlap is not below the ratio, the cap with that number is not
    either, and the ratio is returned, as the similarity is.
    """
    na, nb = a.norm, b.norm
    if not na or not nb:
        return 0.0
    if a.compact == b.compact:
        return 1.0
    ratio: float = (_FUZZ or _rapidfuzz()).fuzz.ratio(na, nb) / 100.0
    ta, tb = a.stems, b.stems
    if not (ta and tb):
        return ratio
    variants = len((ta - tb) & a.plain)
    return min(ratio, 2 * (len(ta & tb) + variants) / (len(ta) + len(tb)))


def _title_words(title: str | None) -> tuple[frozenset[str], tuple[str, ...]]:
    form = TitleForm.of(title)
    return form.stems, form.words


def extra_title_words(a: str | None, b: str | None) -> list[str]:
    """Content words of either title the other lacks ("erratum", "part", "ii", "vl"…), spelling variants excused."""
    return extra_form_words(TitleForm.of(a), TitleForm.of(b))


def extra_form_words(a: TitleForm, b: TitleForm) -> list[str]:
    """:func:`extra_title_words` of two prepared titles."""
    (wa, sa), (wb, sb) = (a.stems, a.words), (b.stems, b.words)
    only_a, only_b = wa - wb, wb - wa
    out = [w for w in sorted(only_a) if not _explained(w, only_b, sb)]
    out += [w for w in sorted(only_b) if not _explained(w, only_a, sa)]
    return out


def titles_compatible(a: str | None, b: str | None) -> bool:
    """Loose agreement of two titles, enough to confirm a match that something else (a key) suggests.

    Unknown titles do not disagree; one contained in the other ("X" / "X: a
    survey") agrees; otherwise :func:`title_similarity` ≥ :data:`TITLE_COMPATIBLE`.
    """
    na, nb = comparable_title(a), comparable_title(b)
    if not na or not nb or na == nb or na in nb or nb in na:
        return True
    similarity, conflict = title_similarity(a, b)
    return not conflict and similarity >= TITLE_COMPATIBLE


#: word -> the one character that stands for it in :func:`word_code` strings (bounded: see there)
_WORD_CODES: dict[str, str] = {}
_WORD_CODES_MAX = 1 << 18
_WORD_CODES_LOCK = _thread.allocate_lock()  # (_thread: built in, threading is not loaded at start-up)


def word_code(words: Sequence[str]) -> str | None:
    """``words`` as a string of one character per word (the same word, the same character), or ``None``.

    :func:`abstract_words_similarity` gives two such strings exactly the value it gives the word lists
    (one character per word, distinct words distinct characters: the longest common subsequence is the
    same), and rapidfuzz compares strings several times faster than lists of words.  The table of
    characters is shared by the process and bounded; a text with a word it has no room for gets
    ``None``, and is compared by its words.
    """
    codes = _WORD_CODES
    try:
        return "".join(map(codes.__getitem__, words))
    except KeyError:  # a word not seen before
        pass
    out = []
    with _WORD_CODES_LOCK:  # two threads must never give two words one character
        for w in words:
            c = codes.get(w) or _new_code(w)
            if c is None:
                return None
            out.append(c)
    return "".join(out)


def _new_code(word: str) -> str | None:
    """The next character of :data:`_WORD_CODES` for a word it lacks (``None``: the table is full).  The caller
    holds :data:`_WORD_CODES_LOCK`."""
    n = len(_WORD_CODES)
    if n >= _WORD_CODES_MAX:
        return None
    c = _WORD_CODES[word] = chr(n if n < 0xD800 else n + 0x800)  # (no surrogate code points)
    return c


#: :data:`_WORD_CODES`' characters of the words :func:`content_code` has met, and "" for every stopword
_CONTENT_CODES: dict[str, str] = dict.fromkeys(STOPWORDS, "")


def content_code(text: str | None) -> str | None:
    """``word_code(content_words(text))``, in one pass over the text's words.

    The stopwords' entry in its table is the empty string, so joining every word's entry leaves them out:
    no list of content words is built first (an abstract is 150 words, and a search's every result has
    one).  The words the table lacks are then given :func:`word_code`'s characters in the order it would
    give them (first appearance among the content words), the same ``None`` when its table is full.
    """
    words = normalized_words(text)
    table = _CONTENT_CODES
    codes = list(map(table.get, words))
    if None not in codes:
        return "".join(codes)  # type: ignore[arg-type]  # (no None: checked)
    known = _WORD_CODES
    with _WORD_CODES_LOCK:  # two threads must never give two words one character
        i = codes.index(None)
        while True:
            w = words[i]
            c = known.get(w) or _new_code(w)
            if c is None:
                return None
            table[w] = codes[i] = c
            try:
                i = codes.index(None, i + 1)
            except ValueError:
                break
    return "".join(codes)  # type: ignore[arg-type]


def abstract_words_similarity(wa: Sequence[str], wb: Sequence[str]) -> float | None:
    """:func:`abstract_similarity` of two abstracts' :func:`content_words` (or of their :func:`word_code`)."""
    if len(wa) < MIN_ABSTRACT_WORDS or len(wb) < MIN_ABSTRACT_WORDS:
        return None
    lcs: int = (_FUZZ or _rapidfuzz()).LCSseq.similarity(wa, wb)
    symmetric = 2 * lcs / (len(wa) + len(wb))
    shorter = min(len(wa), len(wb))
    if shorter >= MIN_CONTAINED_WORDS and shorter < 0.75 * max(len(wa), len(wb)):
        return max(symmetric, lcs / shorter)
    return symmetric


def abstract_similarity(a: str | None, b: str | None) -> float | None:
    """Word-order-aware similarity of two abstracts, or ``None`` when either is too short to judge.

    Word-level longest-common-subsequence over content words: two papers on
    one topic share words but not their order (≈ 0.1–0.35); two versions of
    one abstract share most of it (≥ 0.8).  When one is much shorter (a
    truncated listing), containment in the longer one is used.
    """
    return abstract_words_similarity(content_words(a), content_words(b))


def author_overlap(record: Sequence[str], candidate: Sequence[str]) -> float | None:
    """Share of the record's (first ten) family names found among the candidate's; ``None`` if either is unknown."""
    mine = [a for a in record[:10] if a]
    theirs = {a for a in candidate if a}
    if not mine or not theirs:
        return None
    return sum(1 for a in mine if a in theirs) / len(mine)


def family_names(person: Person) -> frozenset[str]:
    """Comparison forms of a person's family name: with and without the particle ("vandermaaten", "maaten")."""
    names = frozenset({normalize_name(person.last), normalize_name(person.family or person.literal)} - {""})
    # one copy of each set (memory: every fingerprint of a 100,000-entry file has one, and family names recur)
    shared = _FAMILY_SETS.get(names)
    if shared is not None:
        return shared
    if len(_FAMILY_SETS) < _FAMILY_SETS_MAX:
        _FAMILY_SETS[names] = names
    return names


#: the family-name sets handed out so far (immutable, so one is shared by every fingerprint with those names);
#: bounded, a library has far fewer first authors than entries
_FAMILY_SETS: dict[frozenset[str], frozenset[str]] = {}
_FAMILY_SETS_MAX = 16384


def same_first_author(a: Person, b: Person) -> bool:
    """Whether two first authors share a family name (particles, case, accents and hyphens ignored:
    "van der Maaten" = "Maaten", "Müller" = "Muller")."""
    return bool(family_names(a) & family_names(b))


# =========================================================================== fingerprints


#: the identifiers of paper sites a record is known by, after an OpenReview note (:func:`site_identity`)
_SITE_KINDS = ("acl", "ieee", "s2", "s2corpus")


def site_identity(entry: Entry) -> str | None:
    """What a record is known by on a paper site ("openreview:<note>", "pmid:<id>", "acl:<id>", "ieee:<id>",
    "s2:<id>"), or, for a record that is nothing but a link (no title, author or identifier), "url:<link>".

    Why: a pasted link is an entry with no title or author until a service answers, so titles cannot tell
    it from the same link in the previous output; this is its identity meanwhile (and stays one after), so its
    key stays the one the lock issued, run after run."""
    note = entry_note(entry)
    if note:
        return "openreview:" + note
    ids = entry.ids
    if ids.pmid:
        return "pmid:" + ids.pmid
    for kind in _SITE_KINDS:
        value = ids.others.get(kind)
        if value:
            return f"{kind}:{value}"
    if entry.url and not entry.title and not entry.authors and not entry.editors:
        link = entry.url.strip()
        scheme, _, rest = link.partition("://")
        host, _, path = rest.partition("/")
        host = host.lower().removeprefix("www.")
        return f"url:{host}/{path.split('#', 1)[0].rstrip('/')}" if host else None
    return None


def _first_person(entry: Entry) -> Person | None:
    people = entry.authors or entry.editors
    return people[0] if people else None


@dataclass(eq=False)
class Fingerprint:
    """What a record is known by (see the module docstring).  Build with :meth:`from_entry` or :meth:`of`.

    ``titles`` are comparison forms, the current title first; ``first_author``
    the comparison forms of the first author's family name (empty: unknown);
    ``label`` is for messages only.
    """

    arxiv: str | None = None
    doi: str | None = None
    #: the paper site's identifier the record is (:func:`site_identity`: "openreview:<note>", "acl:<id>",
    #: "pmid:<id>", … or a bare link's "url:…"): a pasted link's only identity before a service is asked
    #: (compared as the DOI is, but only ever to say "same")
    site: str | None = None
    titles: tuple[str, ...] = ()
    first_author: frozenset[str] = frozenset()
    first_author_person: Person | str | None = None  # for messages only (shown by first_author_label)
    year: int | None = None
    abstract: str | None = None
    key: str | None = None
    label: str = ""

    @classmethod
    def from_entry(cls, entry: Entry, *, other_titles: Iterable[str | None] = ()) -> "Fingerprint":
        """An entry's fingerprint: its title, the listing title it was pasted with, and ``other_titles``."""
        titles = [entry.title, entry.meta.get("listing_title"), *entry.meta.get("former_titles", ()), *other_titles]
        person = _first_person(entry)
        arxiv = entry_arxiv(entry)
        return cls(
            arxiv=arxiv.casefold() if arxiv else None,
            doi=journal_doi(entry),
            site=site_identity(entry),
            titles=_title_keys(titles),
            first_author=family_names(person) if person else frozenset(),
            first_author_person=person,
            year=entry.year,
            abstract=entry.abstract or None,
            key=entry.key,
            label=entry.key or entry.title or "",
        )

    @classmethod
    def of(cls, *, title: str | None = None, titles: Iterable[str | None] = (),
           first_author: str | Person | None = None,
           year: int | None = None, abstract: str | None = None, arxiv: str | None = None, doi: str | None = None,
           key: str | None = None, label: str = "", site: str | None = None) -> "Fingerprint":
        """A fingerprint from plain values (for records that are not entries, e.g. Zotero items).

        ``first_author`` is a :class:`~bibkit.model.Person` or a family name;
        ``doi`` may be arXiv's DataCite DOI (then it is taken as the arXiv ID).
        """
        if isinstance(first_author, Person):
            names, shown = family_names(first_author), first_author.display()
        elif first_author:
            names, shown = frozenset({normalize_name(first_author)} - {""}), first_author
        else:
            names, shown = frozenset(), ""
        from_doi = arxiv_from_doi(doi)
        arxiv = strip_arxiv_version(arxiv) if arxiv else from_doi
        dkey = doi_key(doi)
        return cls(
            arxiv=arxiv.casefold() if arxiv else None,
            doi=dkey if dkey and not arxiv_id_of_doi(dkey) else None,
            site=site or None,
            titles=_title_keys([title, *titles]),
            first_author=names, first_author_person=shown, year=year, abstract=abstract or None, key=key,
            label=label or key or title or "",
        )

    @property
    def first_author_label(self) -> str:
        """The first author as a person would name them (for messages)."""
        who = self.first_author_person
        return who.display() if isinstance(who, Person) else (who or "")

    @cached_property
    def abstract_words(self) -> list[str]:
        return content_words(self.abstract) if self.abstract else []

    @cached_property
    def abstract_keys(self) -> tuple[str, ...]:
        """Bucket keys for abstracts: the first and the last eight content words.

        Two versions of one abstract (listing vs arXiv, v1 vs v3, one cut short)
        nearly always share its start or its end; different abstracts do not.
        Read from the two ends of the text only, with a plain tokeniser: every
        record of a 100,000-entry file gets these keys, so they must cost next
        to nothing (the full comparison, :meth:`abstract_similarity`, runs only
        for the few records that share a key).
        """
        text = self.abstract
        if not text:
            return ()
        head = _bucket_words(text[:_KEY_CHARS])
        if len(head) < MIN_ABSTRACT_WORDS and len(text) <= _KEY_CHARS:
            return ()
        tail = _bucket_words(text[-_KEY_CHARS:])[1:] if len(text) > _KEY_CHARS else head  # [1:]: maybe cut
        keys = [" ".join(head[:8])] if len(head) >= 8 else []
        if len(tail) >= 8:
            keys.append(" ".join(tail[-8:]))
        keys += _sentence_keys(text)
        return tuple(dict.fromkeys(keys))

    def abstract_similarity(self, other: "Fingerprint") -> float | None:
        return abstract_words_similarity(self.abstract_words, other.abstract_words)

    def short_abstract_similarity(self, other: "Fingerprint") -> float | None:
        """Character similarity of two abstracts too short for :meth:`abstract_similarity` (``None`` if one is
        missing)."""
        if not self.abstract or not other.abstract:
            return None
        from rapidfuzz import fuzz

        return fuzz.ratio(normalize_title(self.abstract), normalize_title(other.abstract)) / 100.0


#: how much of each end of an abstract its bucket keys are read from
_KEY_CHARS = 320
_KEY_WORD = compile_on_first_use(__name__, r"[^\W_]+")
#: where a sentence ends and the next begins (a full stop, then a capital): for the keys of the second and the
#: second-to-last sentence
_SENTENCE_END = compile_on_first_use(__name__, r"[.!?][\"')\]]?\s+(?=[A-Z])")
#: how much text the eight words of a sentence key are read from (eight content words fit in it)
_SENTENCE_CHARS = 160


def _sentence_keys(text: str) -> list[str]:
    """Bucket keys one sentence in from each end: the start of the second sentence and the end of the
    second-to-last one.

    A later version of an abstract often gains a lead-in ("In this work we present…" for "We present…") or a
    closing sentence ("We release the code…"); either moves the text's first or last eight words, but not the
    sentence after the lead-in or before the new ending, so the two versions still meet in a bucket.
    """
    keys: list[str] = []
    first = _SENTENCE_END.search(text, 0, _KEY_CHARS)
    if first is not None:
        words = _bucket_words(text[first.end():first.end() + _SENTENCE_CHARS])
        if len(words) >= 8:
            keys.append(" ".join(words[:8]))
    last = next(reversed(list(_SENTENCE_END.finditer(text, max(0, len(text) - _KEY_CHARS)))), None)
    if last is not None:
        cut = last.start() + 1
        words = _bucket_words(text[max(0, cut - _SENTENCE_CHARS):cut])[0 if cut <= _SENTENCE_CHARS else 1:]
        if len(words) >= 8:
            keys.append(" ".join(words[-8:]))
    return keys


def _bucket_words(text: str) -> list[str]:
    """Content words for bucket keys only: case-folded runs of letters and digits, stop words dropped."""
    return [w for w in _KEY_WORD.findall(text.casefold()) if w not in STOPWORDS]


def _title_keys(titles: Iterable[str | None]) -> tuple[str, ...]:
    out: list[str] = []
    for title in titles:
        if title:
            k = title_key(title)
            if k and k not in out:
                out.append(k)
    return tuple(out)


# =========================================================================== the rules


@dataclass(frozen=True)
class Judgement:
    """The answer of :func:`judge`.

    ``same``: one work.  ``by``: the evidence (``arxiv``, ``doi``, ``title+author``,
    ``title+abstract``, ``title`` alone, ``abstract``).  ``why_not``: for records that share a title or an
    identifier but are different works, what says so (for messages).
    ``corroborated``: a title match that something besides the title supports
    (the first author, or comparable abstracts) — what matching against a
    library that is not ours (Zotero) requires, since two papers may share a
    title.
    """

    same: bool
    by: str | None = None
    why_not: str | None = None
    corroborated: bool = False

    def __bool__(self) -> bool:
        return self.same


def judge(a: Fingerprint, b: Fingerprint) -> Judgement:
    """Whether two fingerprints are one work (the rules are in the module docstring)."""
    if a.arxiv and b.arxiv:
        if a.arxiv == b.arxiv:
            return Judgement(True, "arxiv", corroborated=True)
        return Judgement(False, why_not=f"a different arXiv ID ({b.arxiv} vs {a.arxiv})")
    if a.doi and b.doi:
        if a.doi == b.doi:
            return Judgement(True, "doi", corroborated=True)
        return Judgement(False, why_not=f"a different DOI ({b.doi} vs {a.doi})")
    if a.site and a.site == b.site:  # (two notes may be one paper: resubmitted elsewhere; never "different")
        return Judgement(True, "site", corroborated=True)
    authors_known = bool(a.first_author and b.first_author)
    same_author = authors_known and bool(a.first_author & b.first_author)
    if set(a.titles) & set(b.titles):
        if authors_known and not same_author:
            why = f"a different first author ({b.first_author_label} vs {a.first_author_label})"
            return Judgement(False, why_not=why)
        if not authors_known and a.year is not None and b.year is not None and a.year != b.year:
            return Judgement(False, why_not=f"a different year ({b.year} vs {a.year})")
        similarity = a.abstract_similarity(b)
        short = a.short_abstract_similarity(b) if similarity is None else None
        if (similarity is not None and similarity < ABSTRACT_CONTRADICTS) or (
                short is not None and short < SHORT_ABSTRACT_CONTRADICTS):
            return Judgement(False, why_not="a different abstract")
        abstract_agrees = similarity is not None or (short is not None and short >= ABSTRACT_SAME)
        return Judgement(True, "title+author" if same_author else ("title+abstract" if abstract_agrees else "title"),
                         corroborated=same_author or abstract_agrees)
    if authors_known and not same_author:
        return Judgement(False)
    similarity = a.abstract_similarity(b)
    if similarity is not None and similarity >= ABSTRACT_SAME:
        return Judgement(True, "abstract", corroborated=True)
    return Judgement(False)


def identifier_contradicted(a: Fingerprint, b: Fingerprint) -> bool:
    """Two records that share an arXiv ID or DOI, yet whose first authors differ and whose titles have nothing in
    common: one identifier was mistyped (a copy-paste slip in a curated file).  Rule 2 still holds for every
    other pair — a renamed paper keeps its first author, a pasted record usually has no authors — but merging
    these two would lose a paper, and a wrong match is worse than none."""
    if not (a.first_author and b.first_author) or a.first_author & b.first_author:
        return False
    if not a.titles or not b.titles:
        return False
    return not any(titles_compatible(x, y) for x in a.titles for y in b.titles)


# =========================================================================== the index

T = TypeVar("T")


class _TitleBucket(Generic[T]):
    """The values registered under one title key: all of them in order, by first-author name, and those without
    authors.  Slotted, and the author table and the authorless list are made when first needed: a big file
    has one bucket per entry, most of them holding one value."""

    __slots__ = ("order", "by_author", "authorless", "first")

    def __init__(self) -> None:
        self.order: list[T] = []
        self.by_author: dict[str, list[T]] | None = None
        self.authorless: list[T] | None = None
        #: while the bucket holds one value: its first-author names, and no tables (they are made, by
        #: :meth:`spread`, when a second value comes: memory, most buckets of a big file never get one)
        self.first: frozenset[str] | None = None

    def spread(self) -> None:
        """Put the only value into the tables, as :meth:`IdentityIndex.add` would have."""
        names, self.first = self.first, None
        only = self.order[0]
        if names:
            by_author: dict[str, list[T]] = {}
            for name in names:
                by_author.setdefault(name, []).append(only)
            self.by_author = by_author
        else:
            self.authorless = [only]


class IdentityIndex(Generic[T]):
    """Records bucketed by every identity key they have, for linear "who is this?" lookups.

    ``add(fingerprint, value)`` registers a value (an entry, a Zotero item…)
    under its fingerprint; adding it again after its fingerprint gained
    identifiers registers the new keys.  :meth:`candidates` yields the values
    that share a bucket with a fingerprint, strongest evidence first;
    :meth:`find` judges them and returns the first that is the same work.
    """

    def __init__(self, *, keys: bool = True) -> None:
        #: whether values are bucketed by citation key too (``candidates(by_key=True)``; an index whose
        #: callers never ask for it is smaller without)
        self._keys = keys
        self._fp: dict[int, Fingerprint] = {}
        self._values: dict[int, T] = {}
        self.by_arxiv: dict[str, list[T]] = {}
        self.by_doi: dict[str, list[T]] = {}
        self.by_site: dict[str, list[T]] = {}
        self.by_key: dict[str, list[T]] = {}
        self.by_title: dict[str, _TitleBucket[T]] = {}
        self.by_abstract: dict[str, list[T]] = {}

    def __len__(self) -> int:
        return len(self._values)

    def fingerprint(self, value: T) -> Fingerprint | None:
        return self._fp.get(id(value))

    def add(self, fp: Fingerprint, value: T, *, by_abstract: bool = True) -> None:
        """Register ``value`` under its fingerprint's keys; ``by_abstract=False`` leaves out the abstract
        buckets (for records only ever compared through their identifiers and titles)."""
        vid = id(value)
        old = self._fp.get(vid)
        self._fp[vid], self._values[vid] = fp, value

        def put(table: dict[str, list[T]], k: str | None) -> None:
            if k:
                bucket = table.setdefault(k, [])
                if not bucket or bucket[-1] is not value and all(x is not value for x in bucket[-BUCKET_CAP:]):
                    bucket.append(value)

        put(self.by_arxiv, fp.arxiv)
        put(self.by_doi, fp.doi)
        put(self.by_site, fp.site)
        if self._keys:
            put(self.by_key, fp.key.casefold() if fp.key else None)
        for t in fp.titles:
            bucket = self.by_title.get(t)
            if bucket is None:
                bucket = self.by_title[t] = _TitleBucket()
                bucket.order.append(value)
                bucket.first = fp.first_author
                continue
            if old is not None and t in old.titles and any(x is value for x in bucket.order[-BUCKET_CAP:]):
                continue
            if bucket.first is not None:
                bucket.spread()
            bucket.order.append(value)
            if fp.first_author:
                by_author = bucket.by_author
                if by_author is None:
                    by_author = bucket.by_author = {}
                for name in fp.first_author:
                    by_author.setdefault(name, []).append(value)
            elif bucket.authorless is None:
                bucket.authorless = [value]
            else:
                bucket.authorless.append(value)
        for k in fp.abstract_keys if by_abstract else ():
            shared = self.by_abstract.get(k)
            if shared is None or len(shared) <= ABSTRACT_BUCKET_LIMIT:  # past the limit: boilerplate, never offered
                put(self.by_abstract, k)

    def candidates(self, fp: Fingerprint, *, by_key: bool = False, by_abstract: bool = True
                   ) -> Iterator[tuple[T, str]]:
        """Values sharing a bucket with ``fp``, each once, as ``(value, bucket)``: arXiv ID, DOI,
        (citation key when ``by_key``), title, abstract (unless ``by_abstract`` is false).

        Within a title bucket only records that could be the same work are
        offered: those with one of ``fp``'s first-author names or with no
        authors (or all of them, capped, when ``fp`` has no authors).
        """
        seen: set[int] = set()

        def offer(values: Iterable[T], bucket: str) -> Iterator[tuple[T, str]]:
            for v in values:
                if id(v) not in seen:
                    seen.add(id(v))
                    yield v, bucket

        if fp.arxiv:
            yield from offer(self.by_arxiv.get(fp.arxiv, ())[-BUCKET_CAP:], "arxiv")
        if fp.doi:
            yield from offer(self.by_doi.get(fp.doi, ())[-BUCKET_CAP:], "doi")
        if fp.site:
            yield from offer(self.by_site.get(fp.site, ())[-BUCKET_CAP:], "site")
        if by_key and fp.key:
            yield from offer(self.by_key.get(fp.key.casefold(), ())[-BUCKET_CAP:], "key")
        for t in fp.titles:
            bucket = self.by_title.get(t)
            if bucket is None:
                continue
            if bucket.first is not None:  # one value, offered as the tables would offer it
                if not fp.first_author or not bucket.first or bucket.first & fp.first_author:
                    yield from offer(bucket.order, "title")
                continue
            if fp.first_author:
                by_author = bucket.by_author
                if by_author is not None:
                    for name in sorted(fp.first_author):
                        yield from offer(by_author.get(name, ())[-BUCKET_CAP:], "title")
                if bucket.authorless is not None:
                    yield from offer(bucket.authorless[-BUCKET_CAP:], "title")
            else:
                yield from offer(bucket.order[-BUCKET_CAP:], "title")
        for k in fp.abstract_keys if by_abstract and self.by_abstract else ():
            shared = self.by_abstract.get(k, ())
            if len(shared) <= ABSTRACT_BUCKET_LIMIT:
                yield from offer(shared, "abstract")

    def title_bucket(self, title: str) -> list[T]:
        """Every value registered under a title key (in order of registration)."""
        bucket = self.by_title.get(title)
        return list(bucket.order) if bucket else []

    def find(self, fp: Fingerprint, *, corroborated: bool = False,
             exclude: Any = None) -> tuple[T, Judgement] | None:
        """The first registered value that :func:`judge` calls the same work as ``fp``.

        ``corroborated=True`` accepts a title match only when something besides
        the title supports it.  ``exclude`` (a value) is skipped.
        """
        for value, _bucket in self.candidates(fp):
            if value is exclude:
                continue
            other = self._fp[id(value)]
            verdict = judge(other, fp)
            if verdict.same and (verdict.corroborated or not corroborated):
                return value, verdict
        return None
