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

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Callable, Iterable, NamedTuple, Sequence

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
    content_words,
    extra_form_words,
    extra_title_words,
    normalize_name,
    normalize_title,
    render_math,
    title_form_similarity,
    title_similarity,
)

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
#: how much a title alone is worth (never certainty: two papers can share a title).
TITLE_ALONE = 0.90
#: an accepted candidate must beat the runner-up by this much, else the record is ambiguous.
MARGIN = 0.05
#: a rejected candidate scoring at least this makes the record "ambiguous" rather than "unresolved".
AMBIGUOUS = 0.60
# ABSTRACT_SAME, ABSTRACT_CONTRADICTS, AUTHORS_CONTRADICT, TITLE_MATCH, MIN_TITLE_WORDS, MIN_ABSTRACT_WORDS and
# MIN_CONTAINED_WORDS are the identity module's (bibkit.normalize.identity): one set of thresholds for every
# stage that decides whether two records are one paper.

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
    def title_form(self) -> TitleForm:
        return TitleForm.of(self.title)

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
    t, conflict = title_form_similarity(record.title_form, candidate.title_form)
    a = abstract_words_similarity(record.abstract_words, candidate.abstract_words)
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
    elif a is None and (extra := extra_form_words(record.title_form, candidate.title_form)):
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
