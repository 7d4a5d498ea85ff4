"""The resolution chain: find each record's arXiv paper, cheapest and surest step first, never wrong.

For every entry the chain stops at the first step that yields a *verified*
candidate (:mod:`bibkit.enrich.match`):

1. ``input`` — the record's own identifier (an ids list, a ``.bib`` ``eprint``,
   an arXiv URL or arXiv DOI in its own fields): fetched, and checked for an
   obvious mismatch with the record's title (a typo in an ``eprint``).
2. ``identifier`` — arXiv ids, arXiv DOIs and Hugging Face paper URLs found
   in the record's *text* (abstract, note).  An abstract may cite another
   paper, so these are candidates, verified like any other.
3. ``hf-search`` — Hugging Face papers search by title.  HF ids are arXiv ids;
   the answer carries summary, authors, ``githubRepo`` and ``ai_keywords``, so
   no second HF call is needed.  The arXiv record for the id is then fetched
   (all such ids in one batched ``id_list`` call) and must agree — always,
   whenever arXiv can be asked, including HF matches that only became final
   after the title search (HF had a title but no summary).
4. ``arxiv-title`` — arXiv search, several quoted titles OR-ed into one
   ``search_query``; every result is verified against every record of the
   batch, so results are assigned by content, never by position.
5. ``arxiv-abstract`` — for titles that found nothing convincing (papers get
   renamed between versions): distinctive abstract phrases, batched the same
   way, verified by abstract similarity.  Records without an abstract get a
   looser title query instead (its distinctive words).
6. Otherwise ``ambiguous`` (a candidate came close, or several passed) or
   ``unresolved``, with the reason and the best candidates in the report.

A candidate accepted only on its title (no abstract, no authors to compare)
is not final until the arXiv title search has had the chance to show a second
paper with the same title.  Candidates from all steps are pooled, so a twin
found by any step makes the record ambiguous.

Service trouble is run-wide, never per entry: an unreachable, rate-limited,
failing or silent service (the HTTP layer's verdict, :mod:`bibkit.health`) is
reported once in ``ctx.notices`` and skipped for the rest of the run at once —
the chain goes on with its next step; entries it could not help stay as they
were.  An unreadable search answer is the service's failure: the query's
records are reported, the batch is not bisected.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Iterator, Sequence, TypeVar

from ..health import describe
from ..health import message as outage_message
from ..http import HttpError, OfflineMiss, RateLimited, ServiceDown, ServiceUnavailable
from ..links import extract_links, find_arxiv_ids, normalize_arxiv_id
from ..model import Entry, LinkKind
from ..outcomes import EntryStatus, Outage, OutageKind
from .apply import apply_arxiv, apply_hf
from .arxiv import ArxivClient, ArxivQueryError, transient_status
from .atom import ArxivRecord, AtomError, Feed
from .base import Candidate, EnrichContext, EntryReport
from .batch import Ask, RecordWords, abstract_ask, chunks, flooded, narrower, title_ask
from .fanout import Outcome, in_order
from .hf import HfClient, HfPaper
from .match import (
    ABSTRACT_CONTRADICTS,
    AMBIGUOUS,
    TITLE_MATCH,
    Evidence,
    Verdict,
    abstract_ceiling,
    abstract_signal,
    abstract_similarity,
    author_overlap,
    below,
    extra_title_words,
    forget_abstracts,
    main_title,
    pick,
    score_below,
    score_ceiling,
    title_in_reference,
    title_similarity,
    verify,
    versions_agree,
)
from .query import any_of

__all__ = ["ArxivResolver", "STEPS", "RESOLVABLE_TYPES", "UNTRUSTED_ID_SOURCES", "NOT_LOOKED_UP"]

log = logging.getLogger("bibkit.resolve")
_T = TypeVar("_T")

STEP_INPUT, STEP_IDENTIFIER, STEP_HF, STEP_TITLE, STEP_ABSTRACT = (
    "input", "identifier", "hf-search", "arxiv-title", "arxiv-abstract")
STEPS = (STEP_INPUT, STEP_IDENTIFIER, STEP_HF, STEP_TITLE, STEP_ABSTRACT)

#: entry types worth looking up on arXiv (books, theses, software… are not preprints)
RESOLVABLE_TYPES = frozenset({"misc", "preprint", "article", "online", "unpublished", "techreport", "report",
                              "inproceedings", "incollection"})
#: provenance sources meaning "found in free text": such an id is a candidate, not the record's own
UNTRUSTED_ID_SOURCES = frozenset({"abstract", "text", "note", "comment", "arxiv-comment", "listing-text"})

#: titles per arXiv title query, and results asked for each of them.  Every arXiv request costs three seconds of
#: pacing, so a batch is as big as arXiv's syntax allows comfortably (40 phrases, ~3,500 characters, sent as a
#: POST form): 0.025 title queries per record left to search, and a page of 320 leaves room for twins and versions
TITLES_PER_QUERY = 40
RESULTS_PER_TITLE = 8
#: records per abstract-phrase query (each contributes three phrases), and results per record
ABSTRACTS_PER_QUERY = 20
RESULTS_PER_ABSTRACT = 6
#: a query longer than this (characters) is split, whatever the counts above say
MAX_QUERY_CHARS = 8000
#: how many HF search results to judge
HF_LIMIT = 10
#: candidates listed per entry in the report
REPORT_CANDIDATES = 3
#: a resolved entry's report lists the results of the batched arXiv searches only when they scored at least this
#: (AMBIGUOUS: below it a candidate is not close, whatever the entry): one search answers for a whole batch, and
#: the other records' papers, all far below, would fill the list — and would each have to be judged in full
REPORT_FLOOR = AMBIGUOUS
#: how the reason of an entry no service could be asked about begins (its outcome is EntryStatus.NOT_LOOKED_UP)
NOT_LOOKED_UP = "not looked up"
#: how a user's decision (EntryRecord.decision) was taken, for reasons in the report
_DECIDED_BY = {"pick": "bibkit pick", "edit": "its eprint was deleted by hand"}


class _Judged:
    """One paper's judgement for one entry: its candidate (for the report) and its verdict.

    A judgement can be *pending* (:meth:`pending`): a search result already known, from a cheap bound
    of its abstract signal, to score below :data:`AMBIGUOUS` (:func:`~bibkit.enrich.match.abstract_ceiling`,
    :func:`~bibkit.enrich.match.below`; failing that, with a bound of its title similarity too:
    :func:`~bibkit.enrich.match.score_ceiling`) — neither accepted nor close, so nothing is decided on it — whose
    verdict is worked out only when something reads it: the report's ranking, when it could be among the
    entry's best candidates (:func:`_best`), or a later judgement of the same paper.  A resolved entry
    does not list the batched arXiv searches' such results (:data:`REPORT_FLOOR`), so theirs are never
    worked out; it does list Hugging Face's, which are ranked by bounds first, so only the few that
    could be among the best are.  A batched search judges every result against every record (~50 pairs
    a record), and nearly all pairs are two unrelated papers; of HF's ten results for a title, most
    are.  A verdict worked out later is the one :func:`verify` would have given at once (its inputs,
    two :class:`Evidence`, are immutable), so every outcome is the same.
    """

    __slots__ = ("_candidate", "_verdict", "record", "hf", "_pending", "_ceiling")

    def __init__(self, candidate: Candidate | None, verdict: Verdict | None, record: ArxivRecord | None = None,
                 hf: HfPaper | None = None):
        self._candidate, self._verdict = candidate, verdict
        self.record, self.hf = record, hf
        #: a pending judgement's inputs: (record's evidence, candidate's, id, title, source, abstract signal's bound)
        self._pending: tuple[Evidence, Evidence, str, str, str, float] | None = None
        self._ceiling: float | None = None  # a pending judgement's score_ceiling, when it was worked out already

    @classmethod
    def pending(cls, mine: Evidence, theirs: Evidence, arxiv_id: str, title: str, source: str, abstract: float,
                record: ArxivRecord | None, hf: HfPaper | None = None, *, ceiling: float | None = None) -> "_Judged":
        """A pending judgement; ``ceiling``, when given, is ``score_ceiling(mine, theirs, abstract)``."""
        judged = cls(None, None, record, hf)
        judged._pending = (mine, theirs, arxiv_id, title, source, abstract)
        judged._ceiling = ceiling
        return judged

    @property
    def settled(self) -> bool:
        return self._pending is None

    @property
    def source(self) -> str:
        """The step that found the paper (the candidate's ``source``), without settling a pending judgement."""
        return self.candidate.source if self._pending is None else self._pending[4]

    def ceiling(self) -> float:
        """The score, or for a pending judgement a bound it cannot exceed (:func:`score_ceiling`: no titles
        compared in full)."""
        if self._pending is None:
            return self.candidate.score
        if self._ceiling is not None:
            return self._ceiling
        mine, theirs, _id, _title, _source, abstract = self._pending
        return score_ceiling(mine, theirs, abstract)

    def score(self) -> float:
        """The score, for a pending judgement without building its verdict (:func:`score_below`)."""
        if self._pending is None:
            return self.candidate.score
        mine, theirs, _id, _title, _source, _bound = self._pending
        abstract = abstract_signal(mine, theirs)
        assert abstract is not None  # (not None whenever its bound is not)
        return score_below(mine, theirs, abstract)

    def _settle(self) -> None:
        assert self._pending is not None
        mine, theirs, arxiv_id, title, source, _abstract = self._pending
        verdict = verify(mine, theirs)
        self._candidate = Candidate(arxiv_id, title, verdict.score, dict(verdict.scores), source)
        self._verdict, self._pending = verdict, None

    @property
    def candidate(self) -> Candidate:
        if self._pending is not None:
            self._settle()
        assert self._candidate is not None
        return self._candidate

    @property
    def verdict(self) -> Verdict:
        if self._pending is not None:
            self._settle()
        assert self._verdict is not None
        return self._verdict


@dataclass
class _Work:
    entry: Entry
    report: EntryReport
    evidence: Evidence
    own_id: str | None = None
    text_ids: list[str] = field(default_factory=list)
    judged: dict[str, _Judged] = field(default_factory=dict)  # arxiv id -> best judgement
    done: bool = False
    step: str | None = None
    record: ArxivRecord | None = None
    hf: HfPaper | None = None
    confidence: float | None = None
    reason: str | None = None
    ambiguous: bool = False
    searched: set[str] = field(default_factory=set)  # steps that ran for this entry
    #: an HF match arXiv could not be asked about: (paper, confidence, score, accepted, reason) to restore
    held: tuple[HfPaper, float | None, float, bool, str | None] | None = None

    @property
    def searchable(self) -> bool:
        return not self.done and self.own_id is None


class _Stop(Exception):
    """A service went away mid-step; the step ends, the run goes on."""


_JOURNAL_YEAR = re.compile(r"\b(?:19|20)\d\d\b")


def _later_years(rec: ArxivRecord) -> list[int]:
    """The years an arXiv paper is known by besides its first version's: the returned version's, and
    the year its journal reference names ("Findings of NAACL 2025")."""
    years = [rec.updated.year] if rec.updated else []
    years += [int(m.group(0)) for m in _JOURNAL_YEAR.finditer(rec.journal_ref or "")]
    return years


class ArxivResolver:
    """The resolution enricher (name ``"arxiv"``); uses arXiv and, when allowed, Hugging Face.

    ``on_plan(service, requests)`` (optional) is told how many requests a
    step is about to make, for progress bars that estimate time left.
    """

    name = "arxiv"
    services = frozenset({"arxiv", "hf"})

    def __init__(self, *, titles_per_query: int = TITLES_PER_QUERY, abstracts_per_query: int = ABSTRACTS_PER_QUERY,
                 on_plan: Callable[[str, int], None] | None = None):
        self.titles_per_query = titles_per_query
        self.abstracts_per_query = abstracts_per_query
        self.on_plan = on_plan or (lambda service, n: None)
        self.arxiv: ArxivClient | None = None
        self.hf: HfClient | None = None
        self.down: dict[str, Outage] = {}  # service -> why it is not asked any more this run
        self.offline_misses = 0
        self._evidence: dict[tuple[Any, ...], Evidence] = {}  # a result's content -> what it says
        self._evidence_of: dict[tuple[int, bool], tuple[object, Evidence]] = {}  # id(result), dated -> the same
        self._hf_answered = False  # HF answered the last call: several may be in flight (see _ask_hf_each)
        self.unanswered: set[str] = set()  # ids of the last fetch arXiv gave no usable answer about

    # ================================================================== entry point

    def enrich(self, entries: list[Entry], ctx: EnrichContext) -> None:
        use_arxiv, use_hf = "arxiv" in ctx.only, "hf" in ctx.only
        if not (use_arxiv or use_hf):
            return
        self.arxiv = ArxivClient(ctx.http, ctx.settings) if use_arxiv else None
        self.hf = HfClient(ctx.http, ctx.settings) if use_hf else None
        works = [w for w in (self._prepare(e, ctx) for e in entries) if w is not None]
        reported = len(entries) - len(works)  # skipped entries are done at once
        ctx.on_progress("resolve", reported)

        def tick() -> None:
            nonlocal reported
            done = len(entries) - len(works) + sum(1 for w in works if w.done)
            if done > reported:
                ctx.on_progress("resolve", done - reported)
                reported = done

        for step in (self._step_identifiers, self._step_hf,
                     lambda ws, c: self._step_search(ws, c, STEP_TITLE),
                     lambda ws, c: self._step_search(ws, c, STEP_ABSTRACT)):
            step(works, ctx)
            tick()
        self._finish(works, ctx)
        if len(entries) > reported:
            ctx.on_progress("resolve", len(entries) - reported)
        self._hf_extras(works, ctx)
        self._evidence.clear()
        self._evidence_of.clear()
        forget_abstracts()
        if self.offline_misses:
            ctx.notice(f"offline: {self.offline_misses} request(s) were not in the cache; "
                       "run without --offline to look those entries up")

    # ================================================================== preparation

    def _prepare(self, entry: Entry, ctx: EnrichContext) -> _Work | None:
        report = ctx.report(entry)
        report.listing_title = entry.title
        decision = entry.record.decision
        if decision is not None and decision.not_on_arxiv:
            report.outcome = EntryStatus.SKIPPED
            report.reason = f"marked as not on arXiv by the user ({_DECIDED_BY.get(decision.source, decision.source)})"
            return None
        if entry.entry_type not in RESOLVABLE_TYPES and not entry.ids.arxiv:
            report.outcome, report.reason = EntryStatus.SKIPPED, f"a {entry.entry_type} is not looked up on arXiv"
            return None
        work = _Work(entry, report, Evidence.from_entry(entry))
        own = self._own_id(entry)
        if own:
            work.own_id = own
            report.arxiv_id = own
        else:
            work.text_ids = self._text_ids(entry)
            if not (entry.title or entry.abstract or work.text_ids):
                report.outcome, report.reason = EntryStatus.UNRESOLVED, "no title, abstract or identifier to look up"
                return None
        return work

    @staticmethod
    def _own_id(entry: Entry) -> str | None:
        """The record's own arXiv id: its ``ids.arxiv`` (unless read from free text), arXiv DOI, HF id or URL."""
        if entry.ids.arxiv:
            prov = entry.provenance.get("ids.arxiv")
            if prov is None or prov.source not in UNTRUSTED_ID_SOURCES:
                found = normalize_arxiv_id(entry.ids.arxiv)
                return found[0] if found else entry.ids.arxiv
        for value in (entry.ids.doi, entry.ids.hf_paper, entry.url):
            found = normalize_arxiv_id(value) if value else None
            if found:
                return found[0]
        if entry.url and "huggingface.co/papers/" in entry.url:
            found = normalize_arxiv_id(entry.url.rsplit("/", 1)[-1])
            if found:
                return found[0]
        return None

    @staticmethod
    def _text_ids(entry: Entry) -> list[str]:
        """arXiv ids mentioned in the record's text (links already extracted, abstract, note)."""
        found: dict[str, None] = {}
        if entry.ids.arxiv:  # an id the reader took from free text
            n = normalize_arxiv_id(entry.ids.arxiv)
            if n:
                found[n[0]] = None
        for link in entry.links:
            if link.kind in (LinkKind.ARXIV, LinkKind.HF_PAPER) and link.target:
                n = normalize_arxiv_id(link.target)
                if n:
                    found[n[0]] = None
        for text in (entry.abstract, entry.note):
            if not text:
                continue
            for base, _v in find_arxiv_ids(text):
                found[base] = None
            lowered = text.lower()
            if "huggingface.co" not in lowered and "hf.co" not in lowered:
                continue  # no link to an HF paper page (its host is one of these) in the text
            for link in extract_links(text, "text"):
                if link.kind is LinkKind.HF_PAPER and link.target:
                    n = normalize_arxiv_id(link.target)
                    if n:
                        found[n[0]] = None
        return list(found)

    # ================================================================== judging

    def _candidate_evidence(self, rec: ArxivRecord | None, hf: HfPaper | None, *, dated: bool = True) -> Evidence:
        """What a result says, derived once per paper: a batch judges each result against every record, and
        the same paper comes back from many searches (keyed by what the comparison reads, not by identity).
        ``dated=False``: without the year (two descriptions of one id are compared regardless of it).
        The same result object judged again (against the next record of its batch) finds its evidence by
        identity, without its key being built again."""
        source: object = rec if rec is not None else hf
        seen = self._evidence_of.get((id(source), dated))
        if seen is not None and seen[0] is source:
            return seen[1]
        if rec is not None:
            year = rec.published.year if rec.published and dated else None
            later = tuple(_later_years(rec)) if dated else ()
            key: tuple[Any, ...] = ("arxiv", rec.arxiv_id, rec.title, rec.summary, tuple(rec.author_names), year,
                                    later)
        else:
            assert hf is not None
            year = hf.published_at.year if hf.published_at and dated else None
            key = ("hf", hf.id, hf.title, hf.summary, tuple(hf.authors), year, ())
        evidence = self._evidence.get(key)
        if evidence is None:
            evidence = self._evidence[key] = Evidence.from_names(key[2], key[3], key[4], year, key[6])
        self._evidence_of[id(source), dated] = (source, evidence)  # the object is kept: its id is not reused
        return evidence

    def _judge(self, work: _Work, rec: ArxivRecord | None, hf: HfPaper | None, source: str,
               cand_ev: Evidence | None = None) -> _Judged:
        """Judge a result (``cand_ev``: its :meth:`_candidate_evidence`, when the caller has it) and keep the
        better-informed judgement of its paper."""
        if cand_ev is None:
            cand_ev = self._candidate_evidence(rec, hf)
        if rec is not None:
            arxiv_id, title = rec.arxiv_id, rec.title
        else:
            assert hf is not None
            arxiv_id, title = hf.id, hf.title
        verdict = verify(work.evidence, cand_ev)
        judged = _Judged(Candidate(arxiv_id, title, verdict.score, dict(verdict.scores), source), verdict, rec, hf)
        previous = work.judged.get(arxiv_id)
        # one paper seen twice (HF's copy, arXiv's record): the better-informed judgement counts, so
        # an abstract that arXiv shows to disagree overrules a title-only pass on HF's data
        better = previous is None or _rank(verdict) > _rank(previous.verdict)
        if better:
            if previous is not None:  # keep what the other source knew about the same paper
                judged.record = judged.record or previous.record
                judged.hf = judged.hf or previous.hf
            work.judged[arxiv_id] = judged
        elif previous is not None:
            previous.record = previous.record or rec
            previous.hf = previous.hf or hf
        return judged

    def _judge_result(self, work: _Work, rec: ArxivRecord | None, source: str, hf: HfPaper | None = None,
                      cand_ev: Evidence | None = None) -> bool:
        """:meth:`_judge` for a search result (arXiv's ``rec`` or HF's ``hf``); whether it may be close (at
        least :data:`AMBIGUOUS`).  ``cand_ev``: the result's :meth:`_candidate_evidence`, when the caller has
        it (a batch judges each of its results against every record: looked up once per result).

        A first sight of a paper whose abstract's bound alone, or with its title's, shows it scores below
        that is kept pending (:class:`_Judged`): its place among the entry's candidates is taken, its
        verdict worked out only if it is ever read.
        """
        if rec is not None:
            arxiv_id, title = rec.arxiv_id, rec.title
        else:
            assert hf is not None
            arxiv_id, title = hf.id, hf.title
        if cand_ev is None:
            cand_ev = self._candidate_evidence(rec, hf)
        if work.evidence.reference or arxiv_id in work.judged:
            return self._judge(work, rec, hf, source, cand_ev).verdict.score >= AMBIGUOUS
        abstract = abstract_ceiling(work.evidence, cand_ev)
        # below AMBIGUOUS whatever the title (cheapest), or given a bound of the title too (score_ceiling: most of
        # HF's results for a title share its topic, so their abstracts alone never rule them out)
        if abstract is None:
            return self._judge(work, rec, hf, source, cand_ev).verdict.score >= AMBIGUOUS
        ceiling = None
        if not below(abstract, AMBIGUOUS):
            ceiling = score_ceiling(work.evidence, cand_ev, abstract)
            if not ceiling < AMBIGUOUS:
                return self._judge(work, rec, hf, source, cand_ev).verdict.score >= AMBIGUOUS
        work.judged[arxiv_id] = _Judged.pending(work.evidence, cand_ev, arxiv_id, title, source, abstract, rec, hf,
                                                ceiling=ceiling)
        return False

    def _decide(self, work: _Work, step: str, *, final: bool, ctx: EnrichContext) -> bool:
        """Accept the pooled winner if there is one; title-only winners wait unless ``final``.

        Pending judgements score below :data:`AMBIGUOUS`, so they can be neither the winner nor tie
        with it: :func:`pick` is not shown them (it would only set them aside as not accepted).
        """
        winner, reason, tie = pick([(j, j.verdict) for j in work.judged.values() if j.settled],
                                   key=lambda j: j.candidate.arxiv_id)
        if winner is None:
            work.ambiguous = work.ambiguous or tie
            work.reason = reason
            return False
        if not final and (winner.verdict.path == "title"
                          or (winner.verdict.path == "title+authors" and winner.candidate.source == STEP_HF)):
            # a title alone (or a title and authors that only HF's search turned up): wait until
            # arXiv's title search could show a twin — same title, same authors, another paper
            return False
        work.done, work.step = True, winner.candidate.source or step
        work.record, work.hf, work.confidence = winner.record, winner.hf, winner.verdict.score
        work.reason, work.ambiguous = None, False
        return True

    # ================================================================== services

    def _service_failed(self, service: str, exc: HttpError, ctx: EnrichContext) -> None:
        """Stop asking ``service`` this run; record the outage once (the notice is rendered from it).

        A service the HTTP layer gave up (failing, silent, unreadable) is told
        as the layer words it ("Hugging Face is answering 503; continuing
        without it"); an unreachable or rate-limited one as before.
        """
        if service in self.down:
            return
        outage = exc.outage
        self.down[service] = outage
        if isinstance(exc, ServiceDown) and outage.kind is not OutageKind.UNREACHABLE and not _limited(outage):
            ctx.outage(outage, outage_message(outage))
            return
        later = " — rerun later" if _limited(outage) else ""
        ctx.outage(outage, f"{_headline(outage)} ({outage.describe()}); entries not yet looked up were left as they "
                           f"were{later}")

    def _ask_hf(self, call: Callable[[HfClient], _T], w: _Work, ctx: EnrichContext,
                what: str) -> tuple[bool, _T | None]:
        """One Hugging Face call under the run-wide rules (:meth:`_hf_outcome`): ``(still_up, answer or None)``."""
        if self.hf is None or "hf" in self.down:
            return False, None
        hf = self.hf
        outcome = next(in_order(lambda _w: call(hf), [w], workers=1, width=lambda: 1))
        return self._hf_outcome(outcome, ctx, what)

    def _ask_hf_each(self, call: Callable[[HfClient, _Work], _T], works: list[_Work],
                     ctx: EnrichContext, what: str) -> Iterator[tuple[_Work, bool, _T | None]]:
        """:meth:`_ask_hf` for each work, up to HF's ``concurrency`` calls in flight, outcomes in order.

        One call first; once HF has answered, up to the bound; after a failure
        one at a time again until it answers; none once HF is given up.
        """
        if self.hf is None or "hf" in self.down:
            return
        hf = self.hf
        workers = max(1, hf.client.policy.concurrency)

        def width() -> int:
            return 0 if "hf" in self.down else (workers if self._hf_answered else 1)

        for outcome in in_order(lambda w: call(hf, w), works, workers=workers, width=width):
            up, answer = self._hf_outcome(outcome, ctx, what)
            yield outcome.item, up, answer

    def _hf_outcome(self, outcome: Outcome[_Work, Any], ctx: EnrichContext, what: str) -> tuple[bool, Any]:
        """What one Hugging Face call gave, judged on the caller's thread: ``(still_up, answer or None)``.

        An offline miss is counted, one entry's failure becomes that entry's
        problem, and an unreachable or rate-limited HF is reported once and
        ``still_up`` is false, so the caller's loop stops asking.
        """
        exc = outcome.error
        if exc is None:
            self._hf_answered = True
            return True, outcome.value
        if isinstance(exc, OfflineMiss):
            self.offline_misses += 1
            return True, None
        if not isinstance(exc, HttpError):
            raise exc  # a bug, not HF's trouble: it stops the run as it would have without threads
        self._hf_answered = False  # one request at a time until HF answers again
        if isinstance(exc, (ServiceUnavailable, RateLimited)):
            self._service_failed("hf", exc, ctx)
            return False, None
        if not transient_status(exc):  # timeouts on every attempt: HF is not answering
            self._service_failed("hf", exc, ctx)
            return False, None
        outcome.item.report.problems.append(f"Hugging Face {what} failed: {exc}")
        return True, None

    def _fetch(self, ids: Sequence[str], ctx: EnrichContext) -> dict[str, ArxivRecord]:
        if self.arxiv is None or "arxiv" in self.down or not ids:
            return {}
        self.on_plan("arxiv", -(-len(ids) // self.arxiv.id_batch))
        before = len(self.arxiv.problems)
        records = self.arxiv.fetch(ids)
        self.unanswered = set()
        for problem in self.arxiv.problems[before:]:
            if problem.outage is not None and problem.outage.kind is OutageKind.OFFLINE_MISS:
                self.offline_misses += 1
            if problem.unanswered:
                self.unanswered.add(problem.arxiv_id)
            log.info("arXiv: %s: %s", problem.arxiv_id, problem.message)
        if self.arxiv.failure is not None:
            self._service_failed("arxiv", self.arxiv.failure, ctx)
        return records

    # ================================================================== step 1: identifiers

    def _step_identifiers(self, works: list[_Work], ctx: EnrichContext) -> None:
        own = [w for w in works if w.own_id]
        texty = [w for w in works if w.text_ids and w.searchable]
        ids = list(dict.fromkeys([w.own_id for w in own if w.own_id] + [i for w in texty for i in w.text_ids]))
        if not ids:
            return
        records = self._fetch(ids, ctx)
        problems = {p.arxiv_id: p.message for p in (self.arxiv.problems if self.arxiv else [])}
        for w in own:
            rec = records.get(w.own_id or "")
            w.searched.add(STEP_INPUT)
            if rec is None and (self.arxiv is None or "arxiv" in self.down) and self._own_from_hf(w, ctx):
                continue
            if rec is None:
                if "arxiv" in self.down or self.arxiv is None:
                    w.reason = "arXiv could not be asked about the record's identifier"
                elif w.own_id in problems:
                    w.reason = f"arXiv did not answer for {w.own_id}: {problems[w.own_id]}"
                else:
                    w.reason = f"arXiv has no paper {w.own_id}"
                    w.entry.problem("unknown-arxiv-id", f"arXiv has no paper with id {w.own_id}")
                w.done = True
                continue
            judged = self._judge(w, rec, None, STEP_INPUT)
            if w.entry.record.decision is None and self._contradicts(w, rec):
                w.done, w.ambiguous = True, True
                w.reason = (f"the record's arXiv id {rec.arxiv_id} is the paper {rec.title!r}, "
                            "which does not match the record's title; nothing was changed")
                w.entry.problem("arxiv-id-mismatch", w.reason)
                continue
            w.done, w.step, w.record = True, STEP_INPUT, rec
            w.confidence = 1.0
            judged.candidate.score = max(judged.candidate.score, 1.0)
        for w in texty:
            w.searched.add(STEP_IDENTIFIER)
            for arxiv_id in w.text_ids:
                if arxiv_id in records:
                    self._judge(w, records[arxiv_id], None, STEP_IDENTIFIER)
            self._decide(w, STEP_IDENTIFIER, final=False, ctx=ctx)

    def _own_from_hf(self, w: _Work, ctx: EnrichContext) -> bool:
        """arXiv cannot be asked: take what HF knows about the record's own id (``--only hf``, arXiv down)."""
        if self.hf is None or "hf" in self.down or not w.own_id:
            return False
        own_id = w.own_id
        _up, paper = self._ask_hf(lambda hf: hf.paper(own_id), w, ctx, "lookup")
        if paper is None:
            return False
        self._judge(w, None, paper, STEP_INPUT)
        w.done, w.step, w.hf, w.confidence = True, STEP_INPUT, paper, 1.0
        return True

    @staticmethod
    def _contradicts(work: _Work, rec: ArxivRecord) -> bool:
        """A user's id that names a clearly different paper (titles and abstracts both disagree, and
        the record's authors, when it has some, are not the paper's: a renamed paper keeps them)."""
        if not work.entry.title:
            return False
        if work.evidence.reference and title_in_reference(rec.title, work.evidence.reference)[1] is None:
            return False  # the reference string holds the title of the id's paper
        t, _conflict = title_similarity(work.entry.title, rec.title)
        if t >= 0.6:
            return False
        # the paper cited by its title without the subtitle, beside its own identifier
        main = main_title(rec.title)
        if main is not None:
            if work.evidence.reference and title_in_reference(main, work.evidence.reference)[1] is None:
                return False
            short, conflict = title_similarity(work.entry.title, main)
            if short >= 0.9 and not conflict:
                return False
        shared = author_overlap(work.evidence.authors, Evidence.from_names(None, None, rec.author_names).authors)
        if shared is not None and shared >= 0.5 and len(work.evidence.authors) >= 2:
            return False
        a = abstract_similarity(work.entry.abstract, rec.summary)
        return a is None or a < ABSTRACT_CONTRADICTS

    # ================================================================== step 2: Hugging Face

    def _step_hf(self, works: list[_Work], ctx: EnrichContext) -> None:
        todo = [w for w in works if w.searchable and w.entry.title]
        if self.hf is None or not todo:
            return
        self.on_plan("hf", len(todo))
        for w, up, results in self._ask_hf_each(lambda hf, w: hf.search(w.entry.title or "", limit=HF_LIMIT),
                                                 todo, ctx, "search"):
            if not up:
                break
            if results is None:
                continue
            w.searched.add(STEP_HF)
            for paper in results:
                self._judge_result(w, None, STEP_HF, paper)
            self._decide(w, STEP_HF, final=self.arxiv is None or "arxiv" in self.down, ctx=ctx)
        self._confirm_hf(works, ctx)

    def _confirm_hf(self, works: list[_Work], ctx: EnrichContext) -> None:
        """Fetch arXiv's record for every HF match (one batched call) and check that it agrees.

        It agrees when it matches the record, or HF's copy, by the full rules;
        or, when the HF match itself rested on the abstract, when HF's copy and
        arXiv's record read as two versions of one paper (:func:`versions_agree`):
        a listing shows HF's title and summary of v1, and arXiv may since have
        renamed the paper *and* revised its abstract.
        """
        matched = [w for w in works if w.done and w.step == STEP_HF and w.record is None and w.hf is not None]
        if not matched or self.arxiv is None or "arxiv" in self.down:
            return
        records = self._fetch([w.hf.id for w in matched if w.hf], ctx)
        if "arxiv" in self.down:
            return  # keep the HF matches; their fields come from HF
        for w in matched:
            assert w.hf is not None
            rec = records.get(w.hf.id)
            hf_ev = self._candidate_evidence(None, w.hf, dated=False)
            rec_ev = self._candidate_evidence(rec, None, dated=False) if rec else None
            on_abstract = (w.judged[w.hf.id].verdict.path or "").endswith("abstract") if w.hf.id in w.judged else False
            if rec is not None and rec_ev is not None and (
                    verify(w.evidence, rec_ev).accepted or verify(hf_ev, rec_ev).accepted
                    or (on_abstract and versions_agree(hf_ev, rec_ev))):
                w.record = rec
                self._judge(w, rec, None, STEP_HF)
                continue
            # HF's id does not lead to a matching arXiv record: not proof enough, keep looking
            judged = w.judged.get(w.hf.id)
            if rec is None and w.hf.id in self.unanswered and judged is not None:
                # arXiv failed to answer (it did not disagree): should arXiv go down before another step
                # settles the record, HF's match stands, as it does when arXiv is down from the start
                w.held = (w.hf, w.confidence, judged.candidate.score, judged.verdict.accepted, judged.verdict.reason)
            w.done, w.step, w.hf, w.confidence = False, None, None, None
            if judged is not None:
                judged.verdict.accepted = False
                judged.verdict.reason = ("arXiv's record for HF's id does not match" if rec
                                         else "arXiv did not confirm HF's id")
                judged.verdict.score = judged.candidate.score = min(judged.candidate.score, AMBIGUOUS)

    # ================================================================== steps 3-4: arXiv search

    def _step_search(self, works: list[_Work], ctx: EnrichContext, step: str) -> None:
        if self.arxiv is None or "arxiv" in self.down:
            self._settle_title_only(works, ctx, step)
            return
        todo = [w for w in works if w.searchable]
        asks: list[Ask[_Work] | None]
        if step == STEP_TITLE:
            asks = [title_ask(w, w.entry.title) for w in todo]
            per_query, per_result = self.titles_per_query, RESULTS_PER_TITLE
        else:
            asks = [abstract_ask(w, w.entry.abstract, w.entry.title) for w in todo]
            per_query, per_result = self.abstracts_per_query, RESULTS_PER_ABSTRACT
        batches = chunks((a for a in asks if a is not None), per_query, MAX_QUERY_CHARS)
        self.on_plan("arxiv", len(batches))
        try:
            for batch in batches:
                self._search_chunk(batch, per_result, step, ctx)
        except _Stop:
            pass
        self._settle_title_only(works, ctx, step)
        if step == STEP_TITLE:
            # HF matches made final only now (HF's title alone, no summary to compare) were never
            # checked against arXiv: check them before anything is written (one batched id_list call)
            self._confirm_hf(works, ctx)

    def _search_chunk(self, chunk: list[Ask[_Work]], per_result: int, step: str, ctx: EnrichContext) -> None:
        """One batched query; a page too small for its results is completed, never re-asked in halves.

        A page that missed only a little is followed by the next page (one
        request sees every result); a page flooded by generic clauses is
        attributed to them (:func:`~bibkit.enrich.batch.flooded`): the records
        it crowded out are asked again together, the flooding ones with
        narrower clauses.
        """
        query = any_of(a.clause for a in chunk)
        asked = per_result * len(chunk)
        feed = self._search(query, 0, asked, chunk, per_result, step, ctx, bisect=True)
        if feed is None:
            return
        unmatched = self._assign(chunk, feed.entries, step, ctx)
        total, got = feed.total_results, len(feed.entries)
        if not unmatched or total is None or total <= got:
            return
        if total - got <= asked:  # the rest fits one more page: ask for it, every result is then seen
            more = self._search(query, got, total - got, unmatched, per_result, step, ctx, bisect=False)
            if more is not None:
                self._assign(unmatched, more.entries, step, ctx)
            return
        self._refine(chunk, unmatched, [RecordWords(r) for r in feed.entries], per_result, step, ctx)

    def _refine(self, chunk: list[Ask[_Work]], unmatched: list[Ask[_Work]], results: list[RecordWords],
                per_result: int, step: str, ctx: EnrichContext) -> None:
        """A flooded page: ask again for the crowded-out records, and for the flooding ones more narrowly."""
        flooding = {id(a) for a, full in zip(chunk, flooded(chunk, results, per_result)) if full}
        crowded = [a for a in unmatched if id(a) not in flooding]
        if len(crowded) == len(chunk):  # no clause to blame: fall back to halves (one record alone stops)
            if len(chunk) > 1:
                mid = len(chunk) // 2
                self._search_chunk(chunk[:mid], per_result, step, ctx)
                self._search_chunk(chunk[mid:], per_result, step, ctx)
            return
        if crowded:
            self._search_chunk(crowded, per_result, step, ctx)
        narrowed = [n for a in unmatched if id(a) in flooding
                    if (n := narrower(a, results, per_result, abstract=a.owner.entry.abstract,
                                      author=_first_family(a.owner.entry))) is not None]
        if narrowed:
            self._search_chunk(narrowed, per_result, step, ctx)

    def _search(self, query: str, start: int, max_results: int, chunk: list[Ask[_Work]], per_result: int,
                step: str, ctx: EnrichContext, *, bisect: bool) -> Feed | None:
        """One arXiv search, or ``None`` when it failed (reported on the records; a rejected batch is bisected)."""
        assert self.arxiv is not None
        try:
            return self.arxiv.search_feed(query, max_results=max_results, start=start)
        except AtomError as exc:  # unreadable: the service's fault, reported, never bisected
            self._note(chunk, f"arXiv {step} query failed: {exc}")
        except ArxivQueryError as exc:  # arXiv rejected the query: one bad batch never sinks the run
            if bisect and len(chunk) > 1:
                mid = len(chunk) // 2
                self._search_chunk(chunk[:mid], per_result, step, ctx)
                self._search_chunk(chunk[mid:], per_result, step, ctx)
            else:
                self._note(chunk, f"arXiv {step} query failed: {exc}")
        except OfflineMiss:
            self.offline_misses += 1
        except (ServiceUnavailable, RateLimited) as exc:
            self._service_failed("arxiv", exc, ctx)
            raise _Stop from exc
        except HttpError as exc:
            if not transient_status(exc):  # no answer after every attempt: arXiv is not answering
                self._service_failed("arxiv", exc, ctx)
                raise _Stop from exc
            self._note(chunk, f"arXiv {step} query failed: {exc}")
        return None

    @staticmethod
    def _note(chunk: list[Ask[_Work]], problem: str) -> None:
        for a in chunk:
            a.owner.report.problems.append(problem)

    def _assign(self, chunk: list[Ask[_Work]], results: list[ArxivRecord], step: str,
                ctx: EnrichContext) -> list[Ask[_Work]]:
        """Judge every result against every record of the batch; the records that got nothing close."""
        unmatched = []
        judged = [(rec, self._candidate_evidence(rec, None)) for rec in results]
        for a in chunk:
            w = a.owner
            w.searched.add(step)
            near = False
            for rec, evidence in judged:
                near = self._judge_result(w, rec, step, cand_ev=evidence) or near
            # one whose paper came back but was refused would only get it again: not asked again
            if not self._decide(w, step, final=False, ctx=ctx) and not near:
                unmatched.append(a)
        return unmatched

    def _settle_title_only(self, works: list[_Work], ctx: EnrichContext, step: str) -> None:
        """After the title search (or when it cannot run), title-only winners become final."""
        if step != STEP_TITLE and not (self.arxiv is None or "arxiv" in self.down):
            return
        for w in works:
            if w.searchable and w.judged:
                self._decide(w, w.step or STEP_TITLE, final=True, ctx=ctx)

    # ================================================================== outcome

    def _finish(self, works: list[_Work], ctx: EnrichContext) -> None:
        if "arxiv" in self.down:
            for w in works:
                if w.held is not None and not w.done:
                    self._restore_held(w)
        for w in works:
            rep = w.report
            resolved = bool(w.done and w.step and (w.record is not None or w.hf is not None))
            shown = [j for j in w.judged.values() if not _other_records(j)] if resolved else w.judged.values()
            ranked = _best(shown, REPORT_CANDIDATES)
            rep.candidates = [j.candidate for j in ranked[:REPORT_CANDIDATES]]
            if resolved:
                rep.outcome, rep.resolved_by = EntryStatus.RESOLVED, w.step
                rep.confidence = w.confidence if w.confidence is not None else 1.0
                rep.reason = None
                if w.record is not None:
                    rep.arxiv_id = w.record.arxiv_id
                    apply_arxiv(w.entry, w.record, rep, confidence=rep.confidence)
                    if w.hf is not None:
                        apply_hf(w.entry, w.hf, rep, confidence=rep.confidence)
                elif w.hf is not None:
                    rep.arxiv_id = w.hf.id
                    apply_hf(w.entry, w.hf, rep, confidence=rep.confidence, with_metadata=True)
                rep.title = w.entry.title
                continue
            best = ranked[0] if ranked else None
            twin = (best is not None and best.candidate.scores.get("title", 0.0) >= TITLE_MATCH
                    and not extra_title_words(w.entry.title, best.candidate.title))
            if w.ambiguous or twin or (best is not None and best.candidate.score >= AMBIGUOUS):
                rep.outcome = EntryStatus.AMBIGUOUS
                rep.confidence = best.candidate.score if best else None
                if w.ambiguous and w.reason:
                    rep.reason = w.reason
                elif best is not None and twin and not best.verdict.accepted:
                    rep.reason = (f"{best.candidate.arxiv_id} has the same title but was refused "
                                  f"({best.verdict.reason}); check by hand")
                elif best is not None:
                    rep.reason = (f"best candidate {best.candidate.arxiv_id} scored {best.candidate.score:.2f}: "
                                  f"{best.verdict.reason}")
                else:
                    rep.reason = w.reason
                if w.own_id:
                    rep.arxiv_id = w.own_id
            else:
                rep.confidence = best.candidate.score if best else None
                if w.own_id:
                    rep.outcome, rep.reason, rep.arxiv_id = EntryStatus.UNRESOLVED, w.reason, w.own_id
                else:
                    rep.outcome, rep.reason = self._why_unresolved(w, best)

    @staticmethod
    def _restore_held(w: _Work) -> None:
        """arXiv went down after failing to confirm an HF match: the match stands on HF's data."""
        assert w.held is not None
        paper, confidence, score, accepted, reason = w.held
        judged = w.judged.get(paper.id)
        if judged is not None:
            judged.candidate.score, judged.verdict.score = score, score
            judged.verdict.accepted, judged.verdict.reason = accepted, reason or ""
        w.done, w.step, w.hf, w.confidence = True, STEP_HF, paper, confidence
        w.reason, w.ambiguous, w.held = None, False, None

    def _why_unresolved(self, w: _Work, best: _Judged | None) -> tuple[EntryStatus, str]:
        if best is not None:
            why = (f"no convincing match (best {best.candidate.arxiv_id}, {best.candidate.score:.2f}: "
                   f"{best.verdict.reason})")
        elif w.searched:
            why = "no search result resembled the record"
        else:
            down = [_headline(self.down[s]) for s in ("hf", "arxiv") if s in self.down]
            cause = "; ".join(down) or ("offline and not in the cache" if self.offline_misses else "no service allowed")
            return EntryStatus.NOT_LOOKED_UP, f"{NOT_LOOKED_UP} ({cause})"
        missed = [s for s in ("hf", "arxiv") if s in self.down]
        if missed and not w.searched.issuperset({STEP_TITLE, STEP_ABSTRACT}):
            why += "; " + _headline(self.down[missed[0]])
        return EntryStatus.UNRESOLVED, why

    def _hf_extras(self, works: list[_Work], ctx: EnrichContext) -> None:
        """HF's code repository and keywords for papers resolved without HF (one call each, cached)."""
        if self.hf is None:
            return
        # entries read from HF's own JSON already carry what HF knows
        todo = [w for w in works if w.report.outcome is EntryStatus.RESOLVED and w.hf is None and w.report.arxiv_id
                and not (w.entry.ids.hf_paper and w.entry.provenance.get("ids.hf_paper", None) is not None
                         and w.entry.provenance["ids.hf_paper"].source == "hf" and w.step == STEP_INPUT)]
        if todo:
            self.on_plan("hf", len(todo))
        # (the answer comes wrapped: HF saying it has no page for the paper is an answer, a cache miss is none)
        for w, up, answer in self._ask_hf_each(lambda hf, w: (hf.paper(w.report.arxiv_id or ""),), todo, ctx,
                                               "lookup"):
            if not up:
                break
            paper = answer[0] if answer is not None else None
            if paper is not None:
                w.hf = paper
                apply_hf(w.entry, paper, w.report, confidence=w.report.confidence or 1.0)
            elif answer is not None:
                w.report.heard_from.add("hf")  # HF knows no such paper: nothing it said before still holds


def _limited(outage: Outage) -> bool:
    return outage.kind in (OutageKind.RATE_LIMITED, OutageKind.QUOTA_EXHAUSTED)


def _headline(outage: Outage) -> str:
    """"arXiv unreachable" / "Hugging Face rate limit reached" / "arXiv is answering 500": the start of every
    message about an outage."""
    if _limited(outage):
        return f"{outage.label} rate limit reached"
    if outage.kind in (OutageKind.UNREACHABLE, OutageKind.OFFLINE_MISS):
        return f"{outage.label} unreachable"
    return f"{outage.label} {describe(outage).split(' (')[0]}"


def _other_records(judged: _Judged) -> bool:
    """A batched arXiv search's result below :data:`REPORT_FLOOR` (not listed for a resolved entry).

    A pending judgement of such a result is one, without being worked out: it was set aside because it
    scores below :data:`AMBIGUOUS` (= the floor).  (Hugging Face's results are set aside too, and listed.)
    """
    if judged.source not in (STEP_TITLE, STEP_ABSTRACT):
        return False
    return not judged.settled or judged.candidate.score < REPORT_FLOOR


def _best(judged: Iterable[_Judged], n: int) -> list[_Judged]:
    """The first ``n`` of ``judged`` ordered by score (ties in their order), as a full sort would give them,
    working out only the pending judgements that could be among them.

    Pending judgements are looked at from the highest :meth:`~_Judged.ceiling` down while that ceiling
    reaches the ``n``-th best score settled so far; one whose score (:meth:`~_Judged.score`) reaches it
    too is settled.  One left pending has a score below ``n`` settled ones, so a stable sort puts it
    after them, beyond the first ``n``; and the first ``n`` of a stable sort are the first ``n`` of the
    stable sort of the settled ones alone.
    """
    items = list(judged)
    waiting = sorted(((j.ceiling(), i) for i, j in enumerate(items) if not j.settled), reverse=True)
    scores = sorted((j.candidate.score for j in items if j.settled), reverse=True)[:n]
    for ceiling, i in waiting:
        if len(scores) >= n and ceiling < scores[-1]:
            break
        if len(scores) >= n and items[i].score() < scores[-1]:
            continue
        scores = sorted([*scores, items[i].candidate.score], reverse=True)[:n]
    return sorted((j for j in items if j.settled), key=lambda j: -j.candidate.score)[:n]


def _rank(verdict: Verdict) -> tuple[int, bool, float]:
    """Order judgements of one paper: more signals compared first, then accepted, then score."""
    return (len(verdict.scores), verdict.accepted, verdict.score)


def _first_family(entry: Entry) -> str | None:
    """The first author's family name (what an ``au:`` phrase narrows a generic title with)."""
    if not entry.authors:
        return None
    first = entry.authors[0]
    return first.literal or first.family or None
