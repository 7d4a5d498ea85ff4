"""Verification: is this candidate the paper the record describes?  Precision first.

A wrong arXiv id in someone's bibliography is the worst failure this tool can
have, and near-misses are everywhere ("Qwen2.5 Technical Report" /
"Qwen2.5-Coder Technical Report" / "Qwen2 Technical Report"; a dozen
"A Survey on Mixture of Experts…"; two papers with one title).  So a candidate
is judged on independent signals, each 0..1:

* **title** — rapidfuzz similarity of normalised titles
  (:func:`bibkit.normalize.text.normalize_title`, after TeX math is rendered:
  arXiv's ``$\\pi_0$`` is the listing's ``π0``), capped by the Dice overlap of
  their content words, so an added word ("-Coder") costs more than a
  punctuation difference.  Titles whose *number-bearing* words differ
  ("qwen2.5" vs "qwen2", "v4" vs "v2") are flagged as a conflict.
* **abstract** — word-level longest-common-subsequence similarity of the
  content words (stopwords dropped): two different papers on one topic share
  words but not their order (≈ 0.1–0.35); two versions of one abstract share
  most of it (≥ 0.8).  When one abstract is much shorter (a truncated
  listing), containment in the longer one is used.
* **authors** — share of the record's family names found among the
  candidate's (accents folded).

Rules (all thresholds are the named constants below):

1. Vetoes, whatever else agrees: a number/version conflict in the titles unless
   the abstracts are the same text (:data:`ABSTRACT_SAME`); abstracts that
   disagree (< :data:`ABSTRACT_CONTRADICTS`); known authors that do not overlap
   (< :data:`AUTHORS_CONTRADICT`); when no abstract can be compared, a title
   below :data:`TITLE_MATCH` or one with a word the other lacks ("Erratum:
   X", "X, Part II", "X-VL" against "X": such papers have one-line abstracts,
   so only their titles speak, and those say "a different paper"), and with
   no authors either, publication years more than two apart or a title of
   fewer than :data:`MIN_TITLE_WORDS` words.
2. Confidence is the best supported path: the abstract alone (renamed papers:
   a new title, the same abstract); title and abstract averaged; or — only
   when no abstract can be compared — a near-identical title
   (≥ :data:`TITLE_MATCH`), discounted to :data:`TITLE_ALONE` unless authors
   confirm it.
3. Accept at :data:`ACCEPT` or above.  Between several accepted candidates the
   best must lead by :data:`MARGIN`, otherwise the record is ambiguous (two
   papers sharing a title and nothing else to tell them apart).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Any, Callable, Iterable, NamedTuple, Sequence

from rapidfuzz import fuzz, process
from rapidfuzz.distance import LCSseq

from ..model import Entry, Person
from ..names import parse_plain_name
from ..normalize.latex import GREEK_LETTERS
from ..normalize.text import normalize_name, normalize_title

__all__ = [
    "ACCEPT", "ABSTRACT_SAME", "ABSTRACT_CONTRADICTS", "AUTHORS_CONTRADICT", "TITLE_MATCH", "TITLE_ALONE",
    "MARGIN", "AMBIGUOUS", "MIN_ABSTRACT_WORDS", "MIN_TITLE_WORDS",
    "Evidence", "Verdict", "Pick", "verify", "pick", "title_similarity", "abstract_similarity", "author_overlap",
    "extra_title_words", "versions_agree",
]

#: combined confidence needed to write an id.  Chosen so that the title alone
#: (0.9) passes only for near-identical titles, title+abstract passes when the
#: abstracts agree on ≥ 70 % of their content, and the abstract alone needs 85 %.
ACCEPT = 0.85
#: abstracts this similar are the same text (edits between versions at most):
#: enough to accept a renamed paper and to overrule a title conflict.
ABSTRACT_SAME = 0.90
#: below this the abstracts describe different work: veto, even for identical titles.
ABSTRACT_CONTRADICTS = 0.50
#: when both sides list authors, at least this share of the record's must appear.
AUTHORS_CONTRADICT = 0.30
#: a title this similar (after normalisation) may stand on its own when no abstract can be compared.
TITLE_MATCH = 0.93
#: how much a title alone is worth (never certainty: two papers can share a title).
TITLE_ALONE = 0.90
#: an accepted candidate must beat the runner-up by this much, else the record is ambiguous.
MARGIN = 0.05
#: a rejected candidate scoring at least this makes the record "ambiguous" rather than "unresolved".
AMBIGUOUS = 0.60
#: a title alone (no abstract, no authors) must have at least this many content words ("Introduction" won't do)
MIN_TITLE_WORDS = 3
#: abstracts with fewer content words than this are not compared (too short to tell papers apart).
MIN_ABSTRACT_WORDS = 12
#: containment is used instead of symmetric similarity only for a shorter text of at least this many content words.
MIN_CONTAINED_WORDS = 25

_STOP = frozenset(
    """
    a an the and or not of in on at to for from by with via into as is are was were be been this that these those
    it its we our they their which who what when where how than then there can could may might will would should
    do does did has have had also such both each any all some more most other only so very but if while about
    """.split()
)
_DIGIT = re.compile(r"\d")
_MATH = re.compile(r"\$([^$]{1,80})\$")
_MACRO = re.compile(r"\\([A-Za-z]+)\s*")
_SUBSCRIPT = re.compile(r"(?<=[^\W\d_])_(?=[\d{])")
#: TeX's Greek letter macros, rendered (arXiv writes ``$\\pi_0$``, a pasted page shows ``π0``); variant
#: letters (ϵ/ε, ϕ/φ) compare equal once :func:`normalize_title` has applied NFKC
_GREEK = GREEK_LETTERS


# --------------------------------------------------------------------------- evidence


@dataclass(frozen=True)
class Evidence:
    """What one side of a comparison knows: title, abstract, author family names, year."""

    title: str | None = None
    abstract: str | None = None
    authors: tuple[str, ...] = ()
    year: int | None = None

    @classmethod
    def from_entry(cls, entry: Entry) -> "Evidence":
        return cls(entry.title, entry.abstract, tuple(_family(p) for p in entry.authors), entry.year)

    @classmethod
    def from_names(cls, title: str | None, abstract: str | None, names: Iterable[str],
                   year: int | None = None) -> "Evidence":
        """From natural-order author names ("Damai Dai", "DeepSeek-AI"), as arXiv and HF give them."""
        return cls(title, abstract, tuple(_family(parse_plain_name(n)) for n in names if n and n.strip()), year)

    # The forms the signals compare, derived once per Evidence: a record is judged against every result of
    # its batch and a result against every record, so re-deriving them per comparison was most of the cost.

    @cached_property
    def title_form(self) -> "_TitleForm":
        return _TitleForm.of(self.title)

    @cached_property
    def abstract_words(self) -> list[str]:
        return _content_words(self.abstract)

    @cached_property
    def title_content_words(self) -> int:
        return len(_content_words(self.title))


def _family(p: Person) -> str:
    """The comparable surname: last word of the family name (so "Del Maestro" = "Maestro"), accents folded."""
    text = p.literal or p.family or p.given
    words = normalize_title(text).split()
    return normalize_name(words[-1]) if words and not p.literal else normalize_name(text)


# --------------------------------------------------------------------------- signals


def _render_math(text: str) -> str:
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


def _norm(title: str | None) -> str:
    return normalize_title(_render_math(title)) if title else ""


def _stem(word: str) -> str:
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


@dataclass(frozen=True, slots=True)
class _TitleForm:
    """A title as the signals compare it: normalised text, its words in order, its stemmed content words."""

    norm: str
    words: tuple[str, ...]
    stems: frozenset[str]

    @staticmethod
    @lru_cache(maxsize=8192)
    def of(title: str | None) -> "_TitleForm":
        norm = _norm(title)
        words = tuple(norm.split())
        return _TitleForm(norm, words, frozenset(_stem(w) for w in words if w not in _STOP))


def title_similarity(a: str | None, b: str | None) -> tuple[float, bool]:
    """``(similarity, conflict)`` of two titles; conflict = their number-bearing words differ."""
    return _title_similarity(_TitleForm.of(a), _TitleForm.of(b))


def _title_similarity(a: _TitleForm, b: _TitleForm) -> tuple[float, bool]:
    na, nb = a.norm, b.norm
    if not na or not nb:
        return 0.0, False
    ratio = fuzz.ratio(na, nb) / 100.0
    ta, tb = a.stems, b.stems
    conflict = any(_DIGIT.search(w) for w in ta ^ tb)
    if na.replace(" ", "") == nb.replace(" ", ""):  # "Pre-training" / "Pretraining": one spelling apart
        return max(ratio, 0.99), conflict
    if ta and tb:
        # a long word spelt two ways ("modelling" / "modeling") still counts as shared
        dice = 2 * (len(ta & tb) + _near(ta - tb, tb - ta)) / (len(ta) + len(tb))
        ratio = min(ratio, dice)
    return ratio, conflict


def _content_words(text: str | None) -> list[str]:
    return [w for w in normalize_title(text).split() if w not in _STOP]


def _near(mine: frozenset[str], theirs: frozenset[str]) -> int:
    """How many of the long words only one title has are another spelling of a word only the other has.

    :func:`_explained` for each of ``mine`` (six letters or more) against ``theirs``, with what it needs
    prepared once: the substring test runs over all of ``theirs`` at once (no word of ``mine`` is one of
    ``theirs``, so "part of another word" is "found in their joined text").
    """
    words = [w for w in mine if len(w) >= 6 and not _DIGIT.search(w)]
    if not words or not theirs:
        return 0
    joined = "\x00".join(theirs)
    longer = [o for o in theirs if len(o) >= 6]
    return sum(1 for w in words if w in joined or (longer and process.extractOne(
        w, longer, scorer=fuzz.ratio, score_cutoff=85) is not None))


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
    # a near spelling of a long word: rapidfuzz's C loop over the candidates, the same test as fuzz.ratio >= 85
    longer = [o for o in extra if len(o) >= 6]
    return bool(longer) and process.extractOne(word, longer, scorer=fuzz.ratio, score_cutoff=85) is not None


def extra_title_words(a: str | None, b: str | None) -> list[str]:
    """Content words of either title the other lacks ("erratum", "part", "ii", "vl"…), spelling variants excused."""
    return _extra_title_words(_TitleForm.of(a), _TitleForm.of(b))


def _extra_title_words(a: _TitleForm, b: _TitleForm) -> list[str]:
    (wa, sa), (wb, sb) = (a.stems, a.words), (b.stems, b.words)
    only_a, only_b = wa - wb, wb - wa
    out = [w for w in sorted(only_a) if not _explained(w, only_b, sb)]
    out += [w for w in sorted(only_b) if not _explained(w, only_a, sa)]
    return out


def abstract_similarity(a: str | None, b: str | None) -> float | None:
    """Word-order-aware similarity of two abstracts, or ``None`` when either is too short to judge."""
    return _abstract_similarity(_content_words(a), _content_words(b))


def _abstract_similarity(wa: Sequence[str], wb: Sequence[str]) -> float | None:
    if len(wa) < MIN_ABSTRACT_WORDS or len(wb) < MIN_ABSTRACT_WORDS:
        return None
    lcs = LCSseq.similarity(wa, wb)
    symmetric = 2 * lcs / (len(wa) + len(wb))
    shorter = min(len(wa), len(wb))
    if shorter >= MIN_CONTAINED_WORDS and shorter < 0.75 * max(len(wa), len(wb)):
        return max(symmetric, lcs / shorter)
    return symmetric


def author_overlap(record: Sequence[str], candidate: Sequence[str]) -> float | None:
    """Share of the record's (first ten) authors found among the candidate's; ``None`` if either is unknown."""
    mine = [a for a in record[:10] if a]
    theirs = {a for a in candidate if a}
    if not mine or not theirs:
        return None
    return sum(1 for a in mine if a in theirs) / len(mine)


# --------------------------------------------------------------------------- verdicts


@dataclass
class Verdict:
    """The judgement of one candidate: accepted or not, confidence, the signals, and why."""

    accepted: bool
    score: float
    scores: dict[str, float] = field(default_factory=dict)
    reason: str = ""
    path: str | None = None  # "abstract", "title+abstract", "title", "title+authors"

    def as_dict(self) -> dict[str, Any]:
        return {"accepted": self.accepted, "score": round(self.score, 4), "reason": self.reason, "path": self.path,
                "scores": {k: round(v, 4) for k, v in self.scores.items()}}


def verify(record: Evidence, candidate: Evidence) -> Verdict:
    """Judge one candidate against a record (see the module docstring for the rules)."""
    t, conflict = _title_similarity(record.title_form, candidate.title_form)
    a = _abstract_similarity(record.abstract_words, candidate.abstract_words)
    u = author_overlap(record.authors, candidate.authors)
    scores = {"title": t}
    if a is not None:
        scores["abstract"] = a
    if u is not None:
        scores["authors"] = u

    year_ok = record.year is None or candidate.year is None or abs(record.year - candidate.year) <= 2
    paths: list[tuple[float, str]] = []
    if a is not None:
        paths.append((a, "abstract"))
        paths.append(((t + a) / 2, "title+abstract"))
    elif u is None:
        paths.append((t * TITLE_ALONE, "title"))
    else:
        paths.append((t * (TITLE_ALONE + (1 - TITLE_ALONE) * u), "title+authors"))
    score, path = max(paths)
    # an author mismatch lowers confidence even where it does not veto
    if u is not None and u < 0.5:
        score *= 0.8 + 0.4 * u

    veto = None
    if conflict and not (a is not None and a >= ABSTRACT_SAME):
        veto = "titles differ in a number or version (e.g. Qwen2 vs Qwen2.5)"
    elif a is not None and a < ABSTRACT_CONTRADICTS:
        veto = "abstracts describe different work"
    elif u is not None and u < AUTHORS_CONTRADICT:
        veto = "no shared authors"
    elif a is None and t < TITLE_MATCH:
        veto = "title not close enough and no abstract to compare"
    elif a is None and (extra := _extra_title_words(record.title_form, candidate.title_form)):
        veto = f"no abstract to compare and the titles differ by {', '.join(repr(w) for w in extra[:3])}"
    elif a is None and u is None and not year_ok:
        veto = "published years too far apart for a match on the title alone"
    elif a is None and u is None and record.title_content_words < MIN_TITLE_WORDS:
        veto = "title too short to identify a paper on its own"
    if veto:
        return Verdict(False, min(score, ACCEPT - 0.01) if score >= ACCEPT else score, scores, veto, path)
    if score >= ACCEPT:
        return Verdict(True, score, scores, f"accepted on {path}", path)
    return Verdict(False, score, scores, f"{path} evidence too weak ({score:.2f} < {ACCEPT})", path)


def versions_agree(a: Evidence, b: Evidence) -> bool:
    """Whether two descriptions of ONE arXiv id (HF's copy, arXiv's current record) describe one paper.

    Not a search verdict: the id is already known, and a paper may be renamed
    and have its abstract revised between the version HF indexed and the one
    arXiv serves now (a moderate revision keeps 0.6–0.8 of the abstract;
    different work shares 0.1–0.35).  So the bar is "nothing contradicts":
    abstracts, when comparable, at least :data:`ABSTRACT_CONTRADICTS` alike and
    authors, when both are known, overlapping by half.  Without comparable
    abstracts the full :func:`verify` rules apply.
    """
    similarity = _abstract_similarity(a.abstract_words, b.abstract_words)
    if similarity is None:
        return verify(a, b).accepted
    shared = author_overlap(a.authors, b.authors)
    return similarity >= ABSTRACT_CONTRADICTS and (shared is None or shared >= 0.5)


class Pick(NamedTuple):
    """The outcome of :func:`pick`: the winner (or ``None``), why, and whether several tied."""

    winner: Any | None
    reason: str
    tie: bool = False


def pick(judged: Sequence[tuple[Any, Verdict]], key: Callable[[Any], Any] = lambda c: c) -> Pick:
    """The one accepted candidate, or no winner and the reason.

    ``judged`` pairs candidates with verdicts; ``key`` gives a candidate's
    identity (the same paper seen twice is one candidate).  Several distinct
    accepted candidates within :data:`MARGIN` of each other make the record
    ambiguous.
    """
    best: dict[Any, tuple[Any, Verdict]] = {}
    for cand, verdict in judged:
        k = key(cand)
        if k not in best or verdict.score > best[k][1].score:
            best[k] = (cand, verdict)
    accepted = sorted((cv for cv in best.values() if cv[1].accepted), key=lambda cv: -cv[1].score)
    if not accepted:
        return Pick(None, "no candidate passed verification")
    if len(accepted) > 1 and accepted[0][1].score - accepted[1][1].score < MARGIN:
        return Pick(None, f"{len(accepted)} candidates pass verification and none stands out", tie=True)
    return Pick(accepted[0][0], accepted[0][1].reason)
