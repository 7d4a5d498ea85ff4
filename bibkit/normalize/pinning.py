"""Issued citation keys are kept: each paper is matched to the key it had before, and keeps it.

Better BibTeX's promise, made to a bibliography that is rebuilt again and again:
once a key is issued it names that paper for good.  It changes only when the
user asks (:func:`rekey`, ``--rekey``), and then the old key stays an alias
(BibLaTeX's ``ids`` field), so ``\\cite{old}`` keeps working with biber and
``bibkit cite``.

Where earlier keys come from (a :class:`PriorRecord` each), strongest claim first:

1. the ``citationKey`` of the Zotero item the paper is synced to (``zotero``);
2. a ``--keys-from FILE.bib`` the user names (``keys-from``);
3. the previous output of ``-o`` and its lock file (``issued``, or ``user`` for
   keys the user typed into it), including keys of papers that have left the
   bibliography since (they stay reserved for that paper).

An input ``.bib`` entry's own key is pinned already (``input``) and is never
replaced.  Each entry is matched to prior records by the identity module
(:mod:`bibkit.normalize.identity`: arXiv ID, DOI, the titles it is known by —
the listing's original title included — the first author, the abstract),
one prior record per entry and one entry per prior record, strongest evidence
first.  Every prior key no entry claims is *reserved*: a new paper whose
formula key equals it gets a suffix instead (:func:`~bibkit.normalize.citekeys.assign_keys`
``reserved=``), so a key never moves to a different paper.

Pure functions over entries; reading the prior files is :mod:`bibkit.app.prior`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Iterable, Sequence

from ..model import REFERENCE_FIELDS, Entry
from ..record import KeyRecord, KeySource
from .citekeys import KeyChange, assign_keys, keyed_by_formula
from .identity import Fingerprint, IdentityIndex, Judgement, judge

if TYPE_CHECKING:  # pragma: no cover
    from ..findings import Decision

__all__ = [
    "PinResult", "PinnedKeyError", "PriorRecord", "REFERENCE_FIELDS", "add_aliases", "aliases_of", "key_record",
    "match_priors", "merge_aliases", "pin_keys", "pinned_keys", "rekey", "repin",
]

#: fields through which one entry points at another by key (BibTeX ``crossref``; biblatex's others): they follow
#: a key that is renamed, and their targets are never merged away (:mod:`.dedupe`)
#: how strongly a kind of evidence ties an entry to a prior record (lower is stronger; "input": the same input
#: record as before)
_EVIDENCE_RANK = {"input": -1, "arxiv": 0, "doi": 0, "site": 0, "title+author": 1, "title+abstract": 1,
                  "abstract": 2, "title": 3}
#: which prior claim wins when an entry matches several (lower wins)
_SOURCE_RANK = {KeySource.ZOTERO: 0, KeySource.KEYS_FROM: 1, KeySource.USER: 2, KeySource.ISSUED: 3}


class PinnedKeyError(ValueError):
    """``--rekey`` was asked to change keys the user pinned (without ``--force``)."""

    def __init__(self, entries: Sequence[Entry]):
        self.entries = list(entries)
        shown = ", ".join(f"{e.key} ({_where(e)})" for e in self.entries[:5])
        more = f" and {len(self.entries) - 5} more" if len(self.entries) > 5 else ""
        super().__init__(f"--rekey would change {len(self.entries)} pinned key(s): {shown}{more}; they are the "
                         "user's (an input .bib, --keys-from, Zotero, or typed into the output): add --force to "
                         "re-key them too (their old keys are kept as aliases)")


def _where(entry: Entry) -> str:
    rec = entry.record.key
    if rec is None:
        return "input"
    return f"{rec.source.value}{': ' + rec.where if rec.where else ''}"


# --------------------------------------------------------------------------- aliases (the one rule)


def aliases_of(entry: Entry) -> list[str]:
    """The entry's other names: its BibLaTeX ``ids`` field, in order."""
    ids = entry.extra.get("ids")
    return [a.strip() for a in ids.split(",") if a.strip()] if ids else []


def merge_aliases(aliases: Sequence[str], keys: Iterable[str | None], own: str | None) -> list[str]:
    """The aliases once ``keys`` are added: the one alias rule every stage uses (duplicate merging, re-keying,
    key pinning, ``bibkit tidy --rekey``) — an alias is never the entry's own key (``own``), appears once
    (ignoring case, as BibTeX compares keys), and keeps the order in which it was first known."""
    out = list(aliases)
    folded = {a.casefold() for a in out} | {(own or "").casefold()}
    for key in keys:
        key = (key or "").strip()
        if key and key.casefold() not in folded:
            folded.add(key.casefold())
            out.append(key)
    return out


def add_aliases(entry: Entry, keys: Iterable[str | None]) -> list[str]:
    """Make ``keys`` aliases of ``entry`` (its ``ids`` field, by :func:`merge_aliases`); return the ones added."""
    have = aliases_of(entry)
    merged = merge_aliases(have, keys, entry.key)
    added = merged[len(have):]
    if added:
        entry.extra["ids"] = ", ".join(merged)
    if entry.record.key is not None:
        entry.record.key.aliases = aliases_of(entry)
    return added


def key_record(entry: Entry) -> KeyRecord:
    """The entry's key record, created (as ``input`` for a pinned key, else ``formula``) when missing."""
    if entry.record.key is None:
        source = KeySource.INPUT if entry.key_pinned and entry.key else KeySource.FORMULA
        where = entry.origin.file if entry.origin is not None and source is KeySource.INPUT else None
        entry.record.key = KeyRecord(source, where, aliases=aliases_of(entry))
    return entry.record.key


# --------------------------------------------------------------------------- prior records


@dataclass(eq=False)
class PriorRecord:
    """A key issued before, and what it names.

    ``fingerprint`` identifies the paper (from the prior entry, its lock record
    and former titles); ``entry`` is the entry as it stands in the prior output
    (``None``: known from the lock only, or from Zotero); ``written`` is the
    entry as bibkit last wrote it (from the lock; ``None`` without a lock),
    ``enriched`` the field groups a service set in that run, ``user_groups`` /
    ``deleted_groups`` the groups the user owns from earlier runs;
    ``user_added`` marks an entry the user added to the output by hand.
    """

    key: str
    fingerprint: Fingerprint
    source: KeySource = KeySource.ISSUED
    where: str | None = None
    aliases: tuple[str, ...] = ()
    entry: Entry | None = None
    written: Entry | None = None
    enriched: frozenset[str] = frozenset()
    user_groups: frozenset[str] = frozenset()
    deleted_groups: frozenset[str] = frozenset()
    added_groups: frozenset[str] = frozenset()  # of ``user_groups``, those the user added (bibkit wrote none)
    decision: Decision | None = None
    user_added: bool = False
    titles: tuple[str, ...] = ()  # every title the paper was known by (for the next lock and for Zotero)
    #: the paper as the inputs described it in the run that issued the key: the same input record matches it
    #: whatever enrichment or the user made of the entry since
    input_fingerprint: Fingerprint | None = None
    known: bool = False  # a lock says which of its fields bibkit wrote (so the user's edits can be told apart)
    #: what services said that the output has no field for (the lock's ``answers``: HF's keywords…)
    answers: dict[str, Any] = field(default_factory=dict)

    @property
    def names(self) -> list[str]:
        """The key and its aliases."""
        return [self.key, *self.aliases]


@dataclass
class PinResult:
    """What :func:`pin_keys` did: ``matched`` (entry, prior, judgement) pairs, ``unmatched`` prior records,
    and ``reserved``: every key (case-folded) a new paper may not take."""

    matched: list[tuple[Entry, PriorRecord, Judgement]] = field(default_factory=list)
    unmatched: list[PriorRecord] = field(default_factory=list)
    reserved: set[str] = field(default_factory=set)


def match_priors(entries: Sequence[Entry], priors: Sequence[PriorRecord]) -> list[tuple[Entry, PriorRecord, Judgement]]:
    """Pair entries with prior records of the same paper, one to one, strongest evidence first.

    An input ``.bib`` entry is first paired with the prior record of its own
    key (unless they contradict each other).  The others are looked up in the
    identity module's buckets — the prior record's input record first, then
    what the paper is known by — so a prior record with no title, identifier
    or abstract in common with an entry is never compared: linear in practice.
    Prior records of Zotero items must be corroborated (a title alone is not
    enough in a library that is not ours).
    """
    if not priors or not entries:
        return []
    by_key: dict[str, list[PriorRecord]] = {}
    for prior in priors:
        by_key.setdefault(prior.key, []).append(prior)
    pairs: list[tuple[tuple[int, int, int], int, Entry, PriorRecord, Judgement]] = []
    rest: list[tuple[int, Entry]] = []
    by_key_only: list[tuple[int, Entry]] = []  # paired by their key alone (nothing said same, nothing said not)
    for n, entry in enumerate(entries):
        found = sure = False
        for prior in by_key.get(entry.key or "", ()) if entry.key_pinned else ():
            verdict = judge(prior.fingerprint, Fingerprint.from_entry(entry))
            if verdict.same or verdict.why_not is None:  # the same key, and nothing says another paper
                pairs.append(((_SOURCE_RANK.get(prior.source, 9), _EVIDENCE_RANK["input"], n), n, entry, prior,
                              Judgement(True, "key", corroborated=verdict.corroborated)))
                found, sure = True, sure or verdict.same
        if not found:
            rest.append((n, entry))
        elif not sure:
            by_key_only.append((n, entry))
    if rest:
        claimed = {id(p[3]) for p in pairs}
        pairs += _identity_pairs(rest, [p for p in priors if id(p) not in claimed])
    out = _one_to_one(pairs)
    # a key an input .bib uses twice: the later entry's pair by key lost to the first one's, so it is
    # recognised as itself (the postfixed key an earlier run gave it: dupkeya stays dupkeya)
    paired = {id(entry) for entry, _p, _v in out}
    lost = [(n, entry) for n, entry in by_key_only if id(entry) not in paired]
    if lost:
        taken = {id(prior) for _e, prior, _v in out}
        out += _one_to_one(_identity_pairs(lost, [p for p in priors if id(p) not in taken]))
    return out


def _one_to_one(pairs: list[tuple[tuple[int, int, int], int, Entry, PriorRecord, Judgement]]
                ) -> list[tuple[Entry, PriorRecord, Judgement]]:
    """Strongest evidence first, each entry and each prior record in one pair at most."""
    pairs.sort(key=lambda p: p[0])
    taken_entries: set[int] = set()
    taken_priors: set[int] = set()
    out: list[tuple[Entry, PriorRecord, Judgement]] = []
    for _rank, n, entry, prior, verdict in pairs:
        if n in taken_entries or id(prior) in taken_priors:
            continue
        taken_entries.add(n)
        taken_priors.add(id(prior))
        out.append((entry, prior, verdict))
    return out


def _identity_pairs(entries: list[tuple[int, Entry]], priors: Sequence[PriorRecord]
                    ) -> list[tuple[tuple[int, int, int], int, Entry, PriorRecord, Judgement]]:
    index: IdentityIndex[PriorRecord] = IdentityIndex()
    inputs: IdentityIndex[PriorRecord] = IdentityIndex()
    for prior in priors:
        index.add(prior.fingerprint, prior)
        if prior.input_fingerprint is not None:
            inputs.add(prior.input_fingerprint, prior)
    pairs: list[tuple[tuple[int, int, int], int, Entry, PriorRecord, Judgement]] = []
    for n, entry in entries:
        fp = Fingerprint.from_entry(entry)
        for prior, _bucket in inputs.candidates(fp):
            assert prior.input_fingerprint is not None
            verdict = judge(prior.input_fingerprint, fp)
            if verdict.same:
                pairs.append(((_SOURCE_RANK.get(prior.source, 9), _EVIDENCE_RANK["input"], n), n, entry, prior,
                              Judgement(True, "input", corroborated=verdict.corroborated)))
        for prior, _bucket in index.candidates(fp):
            verdict = judge(prior.fingerprint, fp)
            if not verdict.same:
                continue
            if prior.source is KeySource.ZOTERO and not verdict.corroborated:
                continue
            rank = (_SOURCE_RANK.get(prior.source, 9), _EVIDENCE_RANK.get(verdict.by or "title", 4), n)
            pairs.append((rank, n, entry, prior, verdict))
    return pairs


def repin(result: PinResult, entries: Sequence[Entry]) -> list[tuple[Entry, PriorRecord, Judgement]]:
    """After enrichment: match the entries that got a new key to the prior records nobody claimed.

    Enrichment may reveal what the inputs did not say (the arXiv ID of a
    pasted title that arXiv has renamed since, with a rewritten abstract), so
    a paper the first pass missed is recognised now and takes its old key.
    Updates ``result`` (matched, unmatched, reserved); returns the new matches.
    """
    fresh = [e for e in entries if not e.key_pinned and key_record(e).source is KeySource.FORMULA]
    if not fresh or not result.unmatched:
        return []
    found = match_priors(fresh, result.unmatched)
    claimed = {id(p) for _e, p, _v in found}
    for entry, prior, verdict in found:
        previous = entry.key
        entry.key, entry.key_pinned = prior.key, True
        entry.record.key = KeyRecord(prior.source, prior.where, aliases=list(prior.aliases), issued=prior.key)
        add_aliases(entry, prior.aliases)
        result.matched.append((entry, prior, verdict))
        result.reserved.difference_update(n.casefold() for n in prior.names)
        if previous:
            result.reserved.discard(previous.casefold())
    result.unmatched = [p for p in result.unmatched if id(p) not in claimed]
    return found


def pin_keys(entries: Sequence[Entry], priors: Sequence[PriorRecord]) -> PinResult:
    """Give each entry the key it was issued before (see the module docstring); reserve the rest.

    An entry whose key an input ``.bib`` pinned keeps it (the prior key, if
    different, becomes an alias).  Otherwise the matched prior's key becomes
    the entry's pinned key, with the prior's aliases.  Mutates the entries.
    """
    result = PinResult()
    matched_ids: set[int] = set()
    for entry in entries:
        key_record(entry)
    for entry, prior, verdict in match_priors(entries, priors):
        matched_ids.add(id(prior))
        result.matched.append((entry, prior, verdict))
        rec = key_record(entry)
        rec.issued = prior.key
        if entry.key_pinned and entry.key:
            add_aliases(entry, [n for n in prior.names if n != entry.key])
            continue
        entry.key, entry.key_pinned = prior.key, True
        entry.record.key = KeyRecord(prior.source, prior.where, aliases=list(rec.aliases), issued=prior.key)
        add_aliases(entry, prior.aliases)
        former = [t for t in prior.titles if t and t != entry.title]
        if former:
            known = entry.meta.setdefault("former_titles", [])
            known.extend(t for t in former if t not in known)
    claimed = {k.casefold() for e in entries for k in ([e.key] if e.key else []) + aliases_of(e)}
    for prior in priors:
        if id(prior) not in matched_ids:
            result.unmatched.append(prior)
        result.reserved.update(n.casefold() for n in prior.names if n.casefold() not in claimed)
    return result


# --------------------------------------------------------------------------- re-keying


def pinned_keys(entries: Iterable[Entry]) -> list[Entry]:
    """The entries whose key is the user's (see :class:`~bibkit.record.KeySource`)."""
    return [e for e in entries if e.key and key_record(e).source.pinned]


def rekey(entries: Sequence[Entry], formula: str, *, force: bool = False,
          reserved: Iterable[str] = ()) -> list[KeyChange]:
    """Recompute every key by ``formula``; each old key stays an alias (``ids``).  The changes, old → new.

    Keys the user pinned (:func:`pinned_keys`) raise :class:`PinnedKeyError`
    unless ``force``; nothing is changed then.  ``reserved`` keys (issued to
    papers no longer in ``entries``) are never given out.  This is the one
    re-keying rule: ``--rekey`` of ``build``/``convert``/``enrich``/``tag`` and
    ``bibkit tidy --rekey`` both call it.
    """
    entries = list(entries)
    if not force:
        pinned = [e for e in pinned_keys(entries) if keyed_by_formula(e) and e.key != _formula_key(e, formula)]
        if pinned:
            raise PinnedKeyError(pinned)
    old = {id(e): e.key for e in entries}
    for e in entries:
        key_record(e)
        e.key_pinned = bool(e.key) and not keyed_by_formula(e)  # a @set or @xdata keeps its key
    own_aliases = {a.casefold() for e in entries for a in aliases_of(e)}
    taken = set(reserved) - own_aliases
    changes = assign_keys(entries, formula, recompute=True, reserved=taken)
    for change in changes:
        e, previous = change.entry, old.get(id(change.entry))
        rec = key_record(e)
        rec.source, rec.where, rec.previous = KeySource.FORMULA, None, previous
        if previous:
            add_aliases(e, [previous])
    _follow_references(entries, changes)
    return [c for c in changes if c.old]


def _follow_references(entries: Sequence[Entry], changes: Sequence[KeyChange]) -> None:
    """``crossref`` and the other :data:`REFERENCE_FIELDS` name the new keys (BibTeX knows no aliases)."""
    held: dict[str, int] = {}
    for e in entries:
        for name in [*(c.old for c in changes if c.entry is e), e.key]:
            if name:
                held[name.casefold()] = held.get(name.casefold(), 0) + 1
    renamed = {c.old.casefold(): c.new for c in changes if c.old and held.get(c.old.casefold(), 0) == 1}
    if not renamed:
        return
    for e in entries:
        for name in REFERENCE_FIELDS:
            value = e.extra.get(name)
            if value:
                keys = [k.strip() for k in value.split(",")]
                new = [renamed.get(k.casefold(), k) for k in keys]
                if new != keys:
                    e.extra[name] = ", ".join(new)


def _formula_key(entry: Entry, formula: str) -> str:
    from .citekeys import citation_key

    return citation_key(entry, formula)
