"""Automatic tags: the arXiv primary category, ``has-code``, and Hugging Face ``ai_keywords``.

Each kind is switchable (``[auto]`` in the rules file, ``--[no-]auto-…`` on
the command line).  The first two come from a closed vocabulary — one tag per
entry at most — so they are on by default.  Hugging Face's ``ai_keywords``
are open-vocabulary (a paper typically has 5–15, in every spelling:
"Mixture of Experts", "MoE", "mixture-of-experts models"), so they are off by
default and, when on, pass three filters before they become tags:

1. **normalised**: lower case, words joined by hyphens, parenthesised
   acronyms dropped, the head noun made singular ("Large Language Models
   (LLMs)" → ``large-language-model``, "Mixtures of Experts" →
   ``mixture-of-experts``); keywords longer than 5 words or 50 characters
   (sentences, not topics) are dropped;
2. **shared**: kept only when at least ``min_entries`` entries of the run have
   it (a keyword on one paper groups nothing), unless it is in ``allow``; with
   ``allow_only`` only ``allow`` keywords are kept; ``deny`` (default: a few
   words every ML paper has, like ``large-language-model``) never passes;
3. **limited**: at most ``max_per_entry`` per entry, the most shared first.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field, replace
from typing import Any, Iterable, Sequence

from ..model import Entry, LinkKind

#: Keywords so generic in this field that a tag for them groups everything.
DEFAULT_DENY: frozenset[str] = frozenset({
    "ai", "artificial-intelligence", "deep-learning", "machine-learning", "neural-network",
    "llm", "large-language-model", "language-model", "transformer", "model", "dataset", "benchmark",
})


@dataclass(frozen=True)
class AutoTagOptions:
    """Which automatic tags to add, and how (see the module docstring and the rules-file docs)."""

    primary_category: bool = True  # arXiv primary category, e.g. "cs.CL"
    category_prefix: str = ""  # e.g. "arxiv:" gives "arxiv:cs.CL"
    has_code: bool = True  # the paper has a code repository
    has_code_tag: str = "has-code"
    ai_keywords: bool = False  # Hugging Face ai_keywords (entry.meta["ai_keywords"])
    ai_keywords_max: int = 3
    ai_keywords_min_entries: int = 2
    ai_keywords_allow: frozenset[str] = frozenset()  # normalised forms
    ai_keywords_allow_only: bool = False
    ai_keywords_deny: frozenset[str] = DEFAULT_DENY  # normalised forms
    ai_keywords_prefix: str = ""

    def with_overrides(self, **changes: Any) -> "AutoTagOptions":
        """A copy with the given fields changed; ``None`` values mean "keep" (unset CLI flags)."""
        return replace(self, **{k: v for k, v in changes.items() if v is not None})

    def any_enabled(self) -> bool:
        return self.primary_category or self.has_code or self.ai_keywords

    def as_dict(self) -> dict[str, Any]:
        return {
            "primary_category": self.primary_category,
            "category_prefix": self.category_prefix,
            "has_code": self.has_code,
            "has_code_tag": self.has_code_tag,
            "ai_keywords": self.ai_keywords,
            "ai_keywords_max": self.ai_keywords_max,
            "ai_keywords_min_entries": self.ai_keywords_min_entries,
            "ai_keywords_allow": sorted(self.ai_keywords_allow),
            "ai_keywords_allow_only": self.ai_keywords_allow_only,
            "ai_keywords_deny": sorted(self.ai_keywords_deny),
            "ai_keywords_prefix": self.ai_keywords_prefix,
        }


# --------------------------------------------------------------------------- has-code


def has_code(entry: Entry) -> bool:
    """Whether the paper has code: its primary repository, or any GitHub repository link
    not judged to be merely mentioned and not known to be dead.

    Before the GitHub enricher has judged links (role ``None``), a GitHub
    repository named in the abstract counts — "Code is at github.com/…" is how
    abstracts announce code.
    """
    if not entry.links:
        return False
    if entry.code_repo is not None:
        return True
    for link in entry.links:
        if link.kind is not LinkKind.GITHUB or link.role == "mentioned":
            continue
        if link.repo is not None and link.repo.status == "dead":
            continue
        return True
    return False


# --------------------------------------------------------------------------- keywords

_PAREN = re.compile(r"\s*[(\[][^)\]]*[)\]]")
_SEPARATORS = re.compile(r"[\s_/\u2010-\u2015\-]+")
_DROP = re.compile(r"[^\w.+\-]")
_HYPHENS = re.compile(r"-{2,}")
#: Words after which the head noun of a phrase has ended ("mixture of experts": head "mixture").
_PREPOSITIONS = frozenset({"of", "for", "in", "on", "with", "from", "to", "via", "by", "under", "over", "at", "as"})
#: Words ending in "s" that are not plurals (or whose singular is the same word).
_NOT_PLURAL = frozenset({
    "analysis", "basis", "bias", "corpus", "status", "focus", "lens", "news", "series", "species",
    "gas", "plus", "consensus", "thesis", "synthesis", "hypothesis", "diagnosis", "prognosis", "axis",
    "chaos", "ethos", "alias", "atlas", "campus", "virus", "census", "nexus", "radius", "apparatus",
    "stimulus", "locus", "calculus", "always", "perhaps", "whereas", "yes",
})
_MAX_WORDS = 5
_MAX_CHARS = 50


def singular(word: str) -> str:
    """A cautious English singular: "models" → "model", "strategies" → "strategy", "llms" → "llm".

    Only clear plural endings of alphabetic words longer than three letters
    are touched; "-ss", "-us", "-is", "-ics" ("physics", "robotics") and known
    non-plurals are kept.
    """
    if len(word) <= 3 or not word.isalpha() or word in _NOT_PLURAL:
        return word
    if word.endswith(("ss", "us", "is", "ics")):
        return word
    if word.endswith("ies") and len(word) > 4 and word[-4] not in "aeiou":
        return word[:-3] + "y"
    if word.endswith(("sses", "shes", "ches", "xes", "zzes")):
        return word[:-2]
    if word.endswith("s"):
        return word[:-1]
    return word


def normalize_keyword(keyword: str) -> str | None:
    """The tag form of one keyword (see the module docstring), or ``None`` when it is not tag material."""
    if not isinstance(keyword, str):
        return None
    text = unicodedata.normalize("NFKC", keyword).casefold().strip()
    text = _PAREN.sub("", text)
    text = _SEPARATORS.sub("-", text)
    text = _DROP.sub("", text)
    text = _HYPHENS.sub("-", text).strip("-.+")
    if not text:
        return None
    parts = text.split("-")
    if len(parts) > _MAX_WORDS or len(text) > _MAX_CHARS:
        return None
    head = len(parts) - 1
    for i, part in enumerate(parts):
        if i > 0 and part in _PREPOSITIONS:
            head = i - 1
            break
    parts[head] = singular(parts[head])
    return "-".join(p for p in parts if p) or None


def entry_keywords(entry: Entry) -> list[str]:
    """The entry's Hugging Face keywords, normalised, de-duplicated, in HF's order."""
    raw = entry.meta.get("ai_keywords") or ()
    if isinstance(raw, str):
        raw = [raw]
    out: list[str] = []
    for kw in raw:
        norm = normalize_keyword(kw)
        if norm and norm not in out:
            out.append(norm)
    return out


def normalize_keyword_list(values: Iterable[str]) -> frozenset[str]:
    """Normalise a user's allow/deny list the same way keywords are (so "LLMs" denies ``llm``)."""
    return frozenset(n for n in (normalize_keyword(v) for v in values) if n)


@dataclass
class KeywordPlan:
    """Which keyword tags each entry gets, decided over the whole run."""

    per_entry: list[list[str]] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)  # entries per normalised keyword (after deny)


def plan_keywords(entries: Sequence[Entry], opts: AutoTagOptions) -> KeywordPlan:
    """Apply the shared / allow / deny / limit filters to every entry's keywords."""
    plan = KeywordPlan()
    normalised = [[k for k in entry_keywords(e) if k not in opts.ai_keywords_deny] for e in entries]
    for kws in normalised:
        plan.counts.update(set(kws))
    for kws in normalised:
        kept = []
        for position, kw in enumerate(kws):
            if opts.ai_keywords_allow_only:
                ok = kw in opts.ai_keywords_allow
            else:
                ok = kw in opts.ai_keywords_allow or plan.counts[kw] >= opts.ai_keywords_min_entries
            if ok:
                kept.append((-plan.counts[kw], position, kw))
        kept.sort()
        plan.per_entry.append([opts.ai_keywords_prefix + kw for _, _, kw in kept[: max(opts.ai_keywords_max, 0)]])
    return plan


# --------------------------------------------------------------------------- all automatic tags


def auto_tags(entry: Entry, opts: AutoTagOptions, keywords: list[str] | None = None) -> list[tuple[str, str]]:
    """``(tag, reason)`` pairs for one entry; ``keywords`` comes from :func:`plan_keywords`."""
    out: list[tuple[str, str]] = []
    if opts.primary_category and entry.primary_class:
        out.append((opts.category_prefix + entry.primary_class.strip(), "auto:primary-category"))
    if opts.has_code and has_code(entry):
        out.append((opts.has_code_tag, "auto:has-code"))
    if opts.ai_keywords and keywords:
        out.extend((kw, "auto:ai-keywords") for kw in keywords)
    return out
