"""Which GitHub repository is the paper's own code, and which are merely mentioned.

A paper's links arrive from several places, each with its own judgement:

* Hugging Face's ``githubRepo`` for the paper (source ``hf``, evidence
  ``hf-githubRepo``): the authors (or HF) declared it; nothing beats it.
* a ``github`` field in an input ``.bib`` (source ``bib``) marked primary: the
  user declared it.
* the arXiv comment (source ``arxiv-comment``) and the abstract (source
  ``abstract``), judged sentence by sentence by :func:`bibkit.links.extract_links`
  ("our code", "available at", "Code:" → primary; "based on", "awesome list" →
  mentioned; a lone repository in neutral words → primary with evidence
  ``only repository in abstract``).

:func:`assign_roles` turns those per-link judgements into one decision per
entry: **at most one** link is ``primary``; every other GitHub link is
``mentioned``.  The ranking (documented tie-break):

1. evidence strength: HF ``githubRepo`` (100) > user's ``.bib`` field (90) >
   an explicit phrase in the arXiv comment (60) > an explicit phrase in the
   abstract (50) > the only repository of its text (20); a repository whose
   name says it is a list (``awesome-…``) loses 15 (a survey's own list still
   wins when nothing else competes); a link judged ``mentioned`` never wins;
2. on equal strength, the source order hf > bib > arxiv-comment > abstract > other;
3. then the link that comes first in ``entry.links``.

Among links to the winning repository the best-ranked one is marked primary;
the others are ``mentioned`` with evidence "same repository as the primary
link" (so :attr:`Entry.code_repo` is unambiguous).  The function is
idempotent: running it again on its own output gives the same roles.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..model import Entry, Link

HF_EVIDENCE = "hf-githubRepo"
SAME_REPO = "same repository as the primary link"
ONLY_REPO = "only repository in abstract"

_SOURCE_RANK = {"hf": 0, "bib": 1, "user": 1, "arxiv-comment": 2, "abstract": 3}
_USER_SOURCES = ("bib", "user")


@dataclass(frozen=True, slots=True)
class Judgement:
    """Why one link scored what it did (for tests and ``--report``)."""

    score: int  # < 0: never primary
    evidence: str | None


def judge(link: Link) -> Judgement:
    """Score one GitHub link's claim to be the paper's own code (see the module docstring)."""
    source = link.source or ""
    if link.evidence == HF_EVIDENCE or source == "hf":
        return Judgement(100, HF_EVIDENCE)
    if link.role == "mentioned":
        return Judgement(-1, link.evidence)
    if source in _USER_SOURCES and link.role == "primary":
        return Judgement(90, link.evidence or f"github field in the {source} input")
    if link.role != "primary":
        return Judgement(0, link.evidence)
    evidence = link.evidence or ""
    if evidence.startswith("only repository"):
        score = 20
        if source == "arxiv-comment":
            evidence = "only repository in arXiv comment"
    else:
        score = 60 if source == "arxiv-comment" else 50
    if _looks_like_list(link):
        score -= 15
    return Judgement(score, evidence or None)


def _looks_like_list(link: Link) -> bool:
    name = (link.target or "").rsplit("/", 1)[-1].casefold()
    return name.startswith("awesome") or "awesome-" in name or "awesome_" in name


def assign_roles(entry: Entry) -> Link | None:
    """Mark at most one GitHub link of ``entry`` primary, the rest mentioned; return the primary.

    Non-GitHub links are left alone.  Evidence strings are kept (or set) so the
    report can say *why*.
    """
    links = entry.github_links
    if not links:
        return None
    judged = [(judge(link), i, link) for i, link in enumerate(links)]
    candidates = [t for t in judged if t[0].score > 0]
    winner: Link | None = None
    if candidates:
        best = min(candidates, key=lambda t: (-t[0].score, _SOURCE_RANK.get(t[2].source or "", 9), t[1]))
        winner = best[2]
        winner.role, winner.evidence = "primary", best[0].evidence
    repo = (winner.target or "").casefold() if winner else None
    for _judgement, _, link in judged:
        if link is winner:
            continue
        if winner is not None and (link.target or "").casefold() == repo:
            link.role, link.evidence = "mentioned", SAME_REPO
        elif link.role != "mentioned":
            if winner is None:
                evidence = link.evidence or "no evidence that this is the paper's code"
            elif link.evidence:
                evidence = f"{link.evidence} (weaker than the primary's evidence)"
            else:
                evidence = "another repository has stronger evidence"
            link.role, link.evidence = "mentioned", evidence
    return winner
