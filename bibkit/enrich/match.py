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

from rapidfuzz import fuzz

from ..model import Entry, Person
from ..names import parse_plain_name
from ..normalize import identity as _identity
from ..normalize.identity import (
    ABSTRACT_CONTRADICTS,
    ABSTRACT_SAME,
    AUTHORS_CONTRADICT,
    MIN_ABSTRACT_WORDS,
    MIN_TITLE_WORDS,
    STOPWORDS,
    TITLE_MATCH,
    TitleForm,
    abstract_similarity,
    abstract_words_similarity,
    author_overlap,
    comparable_title,
    content_code,
    content_words,
    extra_form_words,
    extra_title_words,
    normalize_name,
    normalize_title,
    render_math,
    title_form_ceiling,
    title_form_similarity,
    title_similarity,
)
from ..normalize.text import fold_ascii

__all__ = [
    "ACCEPT", "ABSTRACT_SAME", "ABSTRACT_CONTRADICTS", "AUTHORS_CONTRADICT", "TITLE_MATCH", "TITLE_ALONE",
    "MARGIN", "AMBIGUOUS", "MIN_ABSTRACT_WORDS", "MIN_TITLE_WORDS",
    "Evidence", "Verdict", "Pick", "verify", "abstract_signal", "abstract_ceiling", "below", "score_ceiling",
    "score_below", "pick",
    "title_similarity", "abstract_similarity", "author_overlap",
    "extra_title_words", "versions_agree", "verify_reference", "title_in_reference", "main_title", "CONTAINED",
    "REFERENCE_KIND",
]

#: combined confidence needed to write an id.  Chosen so that the title alone
#: (0.9) passes only for near-identical titles, title+abstract passes when the
#: abstracts agree on ≥ 70 % of their content, and the abstract alone needs 85 %.
ACCEPT = 0.85
#: how much a title alone is worth (never certainty: two papers can share a title).
TITLE_ALONE = 0.90
#: an accepted candidate must beat the runner-up by this much, else the record is ambiguous.
MARGIN = 0.05
#: a rejected candidate scoring at least this makes the record "ambiguous" rather than "unresolved".
AMBIGUOUS = 0.60
# ABSTRACT_SAME, ABSTRACT_CONTRADICTS, AUTHORS_CONTRADICT, TITLE_MATCH, MIN_TITLE_WORDS, MIN_ABSTRACT_WORDS and
# MIN_CONTAINED_WORDS are the identity module's (bibkit.normalize.identity): one set of thresholds for every
# stage that decides whether two records are one paper.
#: how alike a candidate's title and the words of a reference string that hold it must be (spelling,
#: hyphenation and punctuation ignored) for the reference to contain the title
CONTAINED = 0.92
#: ``entry.meta["listing_kind"]`` of entries whose evidence is a reference string
REFERENCE_KIND = "reference"

# the text helpers below are the identity module's too; the private names stay for callers of this module
_STOP = STOPWORDS
_render_math = render_math
_norm = comparable_title
_content_words = content_words
_stem = _identity._stem
_explained = _identity._explained
_title_words = _identity._title_words


# --------------------------------------------------------------------------- evidence


@dataclass(frozen=True)
class Evidence:
    """What one side of a comparison knows: title, abstract, author family names, year."""

    title: str | None = None
    abstract: str | None = None
    authors: tuple[str, ...] = ()
    year: int | None = None
    #: the whole reference string, for entries read from a reference list (or a cited note):
    #: candidates are then verified by containment (:func:`verify_reference`)
    reference: str | None = None
    #: the year is what a pasted page said about the paper (a hint to check, see :func:`verify`)
    year_from_page: bool = False
    #: other years a candidate is known by: its latest version's, its journal reference's (a reference
    #: cites the venue's year, often a year or two after the first arXiv version)
    later_years: tuple[int, ...] = ()

    @classmethod
    def from_entry(cls, entry: Entry) -> "Evidence":
        reference = entry.meta.get("reference") if entry.meta.get("listing_kind") == REFERENCE_KIND else None
        date = entry.provenance.get("date")
        return cls(entry.title, entry.abstract, tuple(_family(p) for p in entry.authors if not _is_others(p)),
                   entry.year, reference if isinstance(reference, str) and reference.strip() else None,
                   date is not None and date.source == "listing")

    @classmethod
    def from_names(cls, title: str | None, abstract: str | None, names: Iterable[str],
                   year: int | None = None, later_years: Iterable[int] = ()) -> "Evidence":
        """From natural-order author names ("Damai Dai", "DeepSeek-AI"), as arXiv and HF give them."""
        return cls(title, abstract, tuple(_name_family(n) for n in names if n and n.strip()), year,
                   later_years=tuple(later_years))

    # The forms the signals compare, derived once per Evidence: a record is judged against every result of
    # its batch and a result against every record, so re-deriving them per comparison was most of the cost.

    @cached_property
    def title_form(self) -> TitleForm:
        return TitleForm.of(self.title)

    @cached_property
    def abstract_words(self) -> list[str]:
        return _content_words(self.abstract)

    @cached_property
    def abstract_code(self) -> str | None:
        """:attr:`abstract_words` as a :func:`~bibkit.normalize.identity.word_code` (what :func:`verify`
        compares: the same similarity, a fraction of the cost); ``None`` when the table has no room."""
        return _abstract_forms(self.abstract)[0]

    @cached_property
    def abstract_sketch(self) -> str | None:
        """:attr:`abstract_code` with each character folded into the first 256 (its code point's low byte),
        for :func:`abstract_ceiling`: rapidfuzz compares such strings several times faster."""
        return _abstract_forms(self.abstract)[1]

    @cached_property
    def title_content_words(self) -> int:
        return len(_content_words(self.title))


#: an abstract's (code, sketch) by its text, for :func:`_abstract_forms`
_ABSTRACT_FORMS: dict[str, tuple[str | None, str | None]] = {}
#: how many texts :data:`_ABSTRACT_FORMS` holds at most (emptied when full; and by :func:`forget_abstracts`)
_ABSTRACT_FORMS_MAX = 8192


def _abstract_forms(text: str | None) -> tuple[str | None, str | None]:
    """An abstract's :attr:`~Evidence.abstract_code` and :attr:`~Evidence.abstract_sketch`, worked out once
    per text: one abstract is described by several :class:`Evidence` — HF's copy of a paper and arXiv's
    record of it, the listing entry that quotes it, a result with and without its year — and coding its
    words was the largest part of judging a search result.  The same text always gets the same code (a word
    keeps its character for the life of the process, and a text coded ``None`` — the table full — stays
    ``None``: the table never drops a word), so a remembered one is the one worked out again.
    """
    if not text:
        code = content_code(text)
        return code, code
    forms = _ABSTRACT_FORMS.get(text)
    if forms is None:
        code = content_code(text)  # (= word_code(content_words(text)), without building the list)
        forms = (code, None if code is None else code.encode("utf-32-le")[::4].decode("latin-1"))
        if len(_ABSTRACT_FORMS) >= _ABSTRACT_FORMS_MAX:
            _ABSTRACT_FORMS.clear()
        _ABSTRACT_FORMS[text] = forms
    return forms


def forget_abstracts() -> None:
    """Drop the abstracts :func:`_abstract_forms` remembers (a resolver's run is over: their texts are freed)."""
    _ABSTRACT_FORMS.clear()


@lru_cache(maxsize=16384)
def _name_family(name: str) -> str:
    """:func:`_family` of a natural-order name: the same authors come back from every search that finds their
    papers, from arXiv and from Hugging Face, so each name is split once."""
    return _family(parse_plain_name(name))


def _family(p: Person) -> str:
    """The comparable surname: last word of the family name (so "Del Maestro" = "Maestro"), accents folded."""
    text = p.literal or p.family or p.given
    words = normalize_title(text).split()
    return normalize_name(words[-1]) if words and not p.literal else normalize_name(text)


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
    """Judge one candidate against a record (see the module docstring for the rules).

    A record read from a reference string is judged by containment instead (:func:`verify_reference`).
    """
    if record.reference:
        return verify_reference(record, candidate)
    t, conflict = title_form_similarity(record.title_form, candidate.title_form)
    a = abstract_signal(record, candidate)
    u = author_overlap(record.authors, candidate.authors)
    scores = {"title": t}
    if a is not None:
        scores["abstract"] = a
    if u is not None:
        scores["authors"] = u

    year_ok = record.year is None or candidate.year is None or abs(record.year - candidate.year) <= 2
    score, path = _confidence(record, candidate, t, a, u)

    veto = None
    if conflict and not (a is not None and a >= ABSTRACT_SAME):
        veto = "titles differ in a number or version (e.g. Qwen2 vs Qwen2.5)"
    elif a is not None and a < ABSTRACT_CONTRADICTS:
        veto = "abstracts describe different work"
    elif u is not None and u < AUTHORS_CONTRADICT:
        veto = "no shared authors"
    elif a is None and t < TITLE_MATCH:
        veto = "title not close enough and no abstract to compare"
    elif a is None and (extra := extra_form_words(record.title_form, candidate.title_form)):
        veto = f"no abstract to compare and the titles differ by {', '.join(repr(w) for w in extra[:3])}"
    elif a is None and (u is None or record.year_from_page) and not year_ok:
        veto = "published years too far apart for a match without an abstract"
    elif a is None and u is None and record.title_content_words < MIN_TITLE_WORDS:
        veto = "title too short to identify a paper on its own"
    if veto:
        return Verdict(False, min(score, ACCEPT - 0.01) if score >= ACCEPT else score, scores, veto, path)
    if score >= ACCEPT:
        return Verdict(True, score, scores, f"accepted on {path}", path)
    return Verdict(False, score, scores, f"{path} evidence too weak ({score:.2f} < {ACCEPT})", path)


def _confidence(record: Evidence, candidate: Evidence, t: float, a: float | None,
                u: float | None) -> tuple[float, str]:
    """:func:`verify`'s score before any veto, and its path, from the title, abstract and author signals."""
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
    # a year the pasted page gave (a listing's, a reading list's) is a hint: two years off costs
    # confidence, so that a same-titled paper by the same authors from the page's year wins
    gap = abs(record.year - candidate.year) if record.year is not None and candidate.year is not None else None
    if record.year_from_page and gap is not None and gap == 2 and a is None:
        score *= 0.93
    return score, path


def score_below(record: Evidence, candidate: Evidence, abstract: float) -> float:
    """``verify(record, candidate).score``, without the verdict, for a candidate whose abstract signal
    ``abstract`` scores it below :data:`ACCEPT` (``below(abstract, ACCEPT)``, or :func:`score_ceiling` below
    it; not for reference strings).

    The same signals and the same :func:`_confidence`; a veto only ever caps a score of
    :data:`ACCEPT` or more, so below it the verdict's score is this one.
    """
    t, _conflict = title_form_similarity(record.title_form, candidate.title_form)
    return _confidence(record, candidate, t, abstract, author_overlap(record.authors, candidate.authors))[0]


def abstract_signal(record: Evidence, candidate: Evidence) -> float | None:
    """The abstract signal :func:`verify` reads (``None``: an abstract too short to compare, or missing)."""
    mine, theirs = record.abstract_code, candidate.abstract_code
    if mine is None or theirs is None:
        return abstract_words_similarity(record.abstract_words, candidate.abstract_words)
    return abstract_words_similarity(mine, theirs)


def abstract_ceiling(record: Evidence, candidate: Evidence) -> float | None:
    """An upper bound of :func:`abstract_signal`, ``None`` exactly when it is ``None``, cheaper to work out.

    Why it holds: it is the same similarity of the :attr:`~Evidence.abstract_sketch` strings, whose
    characters stand for the same words but several words may share one.  A common subsequence of the
    abstracts' words is one of their sketches, so the sketches' longest is no shorter; their lengths are
    the abstracts' word counts; and the similarity never decreases as that longest common subsequence grows.
    """
    mine, theirs = record.abstract_sketch, candidate.abstract_sketch
    if mine is None or theirs is None:
        return abstract_signal(record, candidate)
    return abstract_words_similarity(mine, theirs)


def below(abstract: float | None, floor: float) -> bool:
    """Whether a candidate whose abstract signal is ``abstract`` (or at most that: :func:`abstract_ceiling`)
    is sure to score below ``floor`` in :func:`verify`, whatever its title and authors: then it can be
    neither accepted (``floor`` ≤ :data:`ACCEPT`) nor "close" (``floor`` = :data:`AMBIGUOUS`), and its
    exact verdict is needed only if it ranks among an entry's best candidates (:func:`score_ceiling`
    tells).

    Why: with an abstract to compare, the score is the better of the abstract path ``a`` and the
    title+abstract path ``(t + a) / 2``, then only ever lowered (an author mismatch multiplies it by
    less than 1, a veto caps it), and the title signal ``t`` is at most 1.  So the score is at most
    ``max(a, (1 + a) / 2)``, computed here in the same floating-point operations over a larger ``t``
    (addition and halving are monotonic, so the bound holds after rounding too); a larger ``a`` only
    raises it.
    """
    return abstract is not None and max(abstract, (1.0 + abstract) / 2) < floor


def score_ceiling(record: Evidence, candidate: Evidence, abstract: float) -> float:
    """An upper bound of ``verify(record, candidate).score`` for a candidate with an abstract signal of at
    most ``abstract`` (what :func:`abstract_signal` or :func:`abstract_ceiling` gave), without comparing
    the titles in full.

    Why it holds: :func:`_confidence` never decreases as the title or the abstract signal grows (the
    paths are the abstract signal and an average of both, the penalties are factors that depend on
    neither, and the bound is ``None`` only when the signal is), so fed bounds of both — the title's from
    :func:`~bibkit.normalize.identity.title_form_ceiling` — it gives a bound of the score before vetoes,
    and a veto only lowers a score.  Not for a record read from a reference string
    (:func:`verify_reference` judges those): that gives 1.
    """
    if record.reference:
        return 1.0
    title = title_form_ceiling(record.title_form, candidate.title_form)
    return _confidence(record, candidate, title, abstract, author_overlap(record.authors, candidate.authors))[0]


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
    similarity = abstract_words_similarity(a.abstract_words, b.abstract_words)
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


# --------------------------------------------------------------------------- reference strings

_REF_WORD = re.compile(r"[^\W_]+")
#: what may stand right before a title in a reference (the end of the author list or the year, a quote)
_TITLE_OPENS = set('.,;"“”\'‘’()[]{}*_')
#: what may stand right after it (the end of the field); a colon or a dash would continue the title
_TITLE_CLOSES = set('.,;"“”\'’()[]{}*_')
_AFTER_QUESTION = re.compile(r"\s*(?:$|[\"'”’(\[,.;:]|(?:In|in|arXiv|Proc|Proceedings|Journal|Advances|Trans|"
                             r"Transactions|Findings|CoRR|IEEE|ACM|Preprint|Nature|Science|Technical|(?:19|20)\d\d)\b|[A-Z]{2,})")
_LNCS_COLON = re.compile(r"(?:\b[^\W\d_]\.|et al\.|\(eds?\.\))\s*$")


def _is_others(p: Person) -> bool:
    return p.literal == "others" and not p.family


def _ref_tokens(text: str) -> list[tuple[str, int, int]]:
    """The words of a text, accents folded and lower-cased, with their offsets."""
    out = []
    for m in _REF_WORD.finditer(text):
        word = fold_ascii(m.group(0)).casefold() if not m.group(0).isascii() else m.group(0).casefold()
        if word:
            out.append((word, m.start(), m.end()))
    return out


_SUBTITLE_AFTER = re.compile(r":\s|\s[—–-]\s")


def main_title(title: str | None) -> str | None:
    """A title without its subtitle ("The Ultimate Guide to Fine-Tuning LLMs from Basics to Breakthroughs"
    of "…: An Exhaustive Review of …"), when it has one and the part before it is a title of its own (four
    words or more: "Qwen2: …" names no paper alone); else ``None``.  References often cite a paper so."""
    if not title:
        return None
    m = _SUBTITLE_AFTER.search(title)
    if m is None:
        return None
    head = title[: m.start()].strip()
    return head if len(head.split()) >= 4 else None


def title_in_reference(title: str | None, reference: str | None) -> tuple[float, str | None]:
    """``(similarity, refusal)`` of the best place where ``title`` occurs inside ``reference``.

    The title's words must appear in a row (case, accents, punctuation, hyphenation and spacing
    ignored; similarity at least :data:`CONTAINED`), as a whole field: what stands before them
    opens a field (a full stop, a quote, a bracket, the author list's colon in Springer style),
    what follows closes one — a colon or a dash would mean the reference's title goes on (a
    subtitle), so the candidate names only part of it.  Number-bearing words must agree exactly
    ("Qwen2" is not "Qwen2.5").  ``refusal`` says why a close occurrence was refused.
    """
    if not title or not reference:
        return 0.0, "nothing to compare"
    cand = [w for w, _s, _e in _ref_tokens(_render_math(title))]
    ref = _ref_tokens(reference)
    if not cand or not ref:
        return 0.0, "nothing to compare"
    joined = "".join(cand)
    k = len(cand)
    best = (0.0, 0, 0)
    first = cand[0][:3]
    for i in range(len(ref)):
        # a window must start near the title's first word (it may be split: "lan guage")
        if not (ref[i][0][:3] == first or (i + 1 < len(ref) and ref[i][0] + ref[i + 1][0] == cand[0])
                or fuzz.ratio(ref[i][0], cand[0]) >= 80):
            continue
        for size in range(max(1, k - 2), k + 3):
            if i + size > len(ref):
                break
            window = "".join(w for w, _s, _e in ref[i:i + size])
            score = fuzz.ratio(window, joined) / 100.0
            if score > best[0]:
                best = (score, i, size)
    score, i, size = best
    if score < CONTAINED:
        return score, "the title does not appear in the reference"
    start, end = ref[i][1], ref[i + size - 1][2]
    words = reference[start:end]
    _t, conflict = title_similarity(words, title)
    if conflict:
        return score, "the reference's title differs in a number or version"
    before = reference[:start].rstrip()
    after = reference[end:].lstrip()
    if before:
        opener = before[-1]
        if opener == ":" and not _LNCS_COLON.search(before[:-1]):
            return score, "only part of the reference's title (after a colon) matches"
        if opener not in _TITLE_OPENS and opener != ":" and not before[-1].isdigit():
            return score, "the reference's title goes on before the candidate's"
    if after:
        closer = after[0]
        if closer in "?!":
            if not _AFTER_QUESTION.match(after[1:]):
                return score, "the reference's title goes on after the candidate's"
        elif closer not in _TITLE_CLOSES:
            return score, "the reference's title goes on after the candidate's"
    return score, None


def verify_reference(record: Evidence, candidate: Evidence) -> Verdict:
    """Judge a candidate for a record read from a reference string: accepted only when the candidate's
    title appears inside the string (:func:`title_in_reference`) and, where the string names them, its
    first author and its year (±1) agree.  Never on a partial overlap of titles."""
    score, refusal = title_in_reference(candidate.title, record.reference)
    scores = {"title": score}
    if refusal is not None:
        # a title the reference does not hold ranks below one it holds but refused on author or year
        return Verdict(False, min(score, ACCEPT - 0.01) * (0.9 if score >= CONTAINED else 0.75), scores,
                       refusal, "reference")
    author_ok: float = 0.5
    if record.authors and candidate.authors:
        mine = record.authors[0]
        theirs = [a for a in candidate.authors[:3] if a]
        tokens = {w for w, _s, _e in _ref_tokens(record.reference or "")}
        agree = mine in theirs or (bool(theirs) and theirs[0] in tokens) \
            or any(mine and (mine in t or t in mine) and min(len(mine), len(t)) >= 3 for t in theirs)
        scores["authors"] = 1.0 if agree else 0.0
        if not agree:
            return Verdict(False, min(score * 0.7, ACCEPT - 0.01), scores,
                           "the reference's first author is not the candidate's", "reference")
        author_ok = 1.0
    year_ok: float = 0.5
    if record.year is not None and candidate.year is not None:
        near = any(abs(record.year - y) <= 1 for y in (candidate.year, *candidate.later_years))
        scores["year"] = 1.0 if near else 0.0
        if not near:
            known = ", ".join(str(y) for y in sorted({candidate.year, *candidate.later_years}))
            why = f"the reference's year ({record.year}) is not the candidate's ({known})"
            return Verdict(False, min(score * 0.7, ACCEPT - 0.01), scores, why, "reference")
        year_ok = 1.0
    final = score * (0.92 + 0.04 * author_ok + 0.04 * year_ok)
    if final >= ACCEPT:
        return Verdict(True, final, scores, "accepted: the reference contains the title", "reference")
    return Verdict(False, final, scores, f"reference evidence too weak ({final:.2f} < {ACCEPT})", "reference")
