"""``bibkit pick``: the user decides which arXiv paper an entry is (or that it is on arXiv at all).

The decision is recorded in the bibliography's lock file
(:mod:`bibkit.lockfile`), under the entry's key; every later build applies it
before enrichment (:func:`bibkit.app.prior.decide`): the entry is resolved to
that paper and never to another, or — ``none`` — never looked up on arXiv
again (no request is made for it).  Writing an ``eprint`` into the output by
hand has the same effect.
"""

from __future__ import annotations

import glob
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..cite import suggest_keys
from ..errors import InputError, UsageError
from ..links import normalize_arxiv_id
from ..lockfile import Lock, LockEntry, LockError, lock_path, read_lock, write_lock
from ..model import Entry
from ..record import Decision
from ..sources import read_path
from .prior import identity_of

__all__ = ["CLEAR", "NOT_ON_ARXIV", "PickResult", "find_bibliography", "pick"]

#: what ``bibkit pick KEY …`` accepts instead of an arXiv ID
NOT_ON_ARXIV = ("none", "not-on-arxiv", "-")
CLEAR = ("clear", "auto")


@dataclass
class PickResult:
    """What ``bibkit pick`` recorded: the entry's key, the new and the previous decision, where."""

    key: str
    decision: Decision | None
    previous: Decision | None
    lock: Path
    current_arxiv: str | None = None  # the eprint the bibliography has now (the next build applies the pick)

    def as_dict(self) -> dict[str, Any]:
        return {"key": self.key, "decision": self.decision.as_dict() if self.decision else None,
                "previous": self.previous.as_dict() if self.previous else None, "lock": str(self.lock),
                "current_arxiv": self.current_arxiv}


def find_bibliography(directory: str | Path = ".") -> str:
    """The one bibliography in ``directory`` that bibkit wrote (has a lock file); a usage error if not exactly one."""
    found = sorted(glob.glob(str(Path(directory) / "*.lock.json")))
    outputs = [f[: -len(".lock.json")] for f in found]
    if len(outputs) == 1:
        return outputs[0]
    if not outputs:
        raise UsageError("no bibliography written by bibkit here (no *.lock.json): name it with --bib refs.bib")
    raise UsageError(f"several bibliographies here ({', '.join(Path(o).name for o in outputs)}): "
                     "name one with --bib")


def _decision(choice: str) -> Decision | None:
    text = choice.strip()
    if text.lower() in NOT_ON_ARXIV:
        return Decision(not_on_arxiv=True, source="pick")
    if text.lower() in CLEAR:
        return None
    found = normalize_arxiv_id(text)
    if found is None:
        raise UsageError(f"{choice!r} is not an arXiv ID (e.g. 2401.06066, arXiv:hep-th/9901001, an arxiv.org URL); "
                         f"use 'none' for a paper that is not on arXiv, 'clear' to forget a decision")
    return Decision(arxiv=found[0], source="pick")


def pick(key: str, choice: str, bib: str | None = None) -> PickResult:
    """Record the user's decision about entry ``key`` of ``bib`` (default: the one bibliography here with a lock).

    ``choice`` is an arXiv ID (any form :func:`bibkit.links.normalize_arxiv_id`
    reads), ``none`` (not on arXiv) or ``clear`` (forget the decision).  The
    key may be an alias (an old name the entry still answers to).
    """
    decision = _decision(choice)
    bib = bib or find_bibliography()
    lp = lock_path(bib)
    try:
        lock = read_lock(lp) or Lock(Path(bib).name)
    except LockError as exc:
        raise InputError(f"{exc}: move it away to start a new one") from None
    entries = read_path(bib, "bib").entries if Path(bib).is_file() else []
    entry = _find(entries, key)
    le = lock.find(entry.key if entry is not None and entry.key else key)
    if entry is None and le is None:
        names = [e.key for e in entries if e.key] + list(lock.entries)
        close = suggest_keys(key, names)
        hint = f" (did you mean {' or '.join(close)}?)" if close else ""
        raise InputError(f"{Path(bib).name} has no entry {key!r}{hint}")
    if le is None:
        assert entry is not None and entry.key is not None
        le = lock.entries[entry.key] = LockEntry(entry.key, identity=identity_of(entry))
    previous = Decision(**{k: v for k, v in le.decision.items() if k in ("arxiv", "doi", "not_on_arxiv", "source")}) \
        if le.decision else None
    le.decision = decision.as_dict() if decision is not None else None
    write_lock(lp, lock)
    current = entry.ids.arxiv if entry is not None else None
    return PickResult(le.key, decision, previous, lp, current)


def _find(entries: list[Entry], key: str) -> Entry | None:
    folded = key.casefold()
    for entry in entries:
        if entry.key and entry.key.casefold() == folded:
            return entry
    for entry in entries:
        if any(a.strip().casefold() == folded for a in entry.extra.get("ids", "").split(",")):
            return entry
    return None
