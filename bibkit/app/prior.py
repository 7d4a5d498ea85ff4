"""Prior state: what earlier runs issued and the user changed, loaded before keys are assigned, saved after writing.

Every job that writes a bibliography reads, before it gives any key:

* the existing output of ``-o`` (a ``.bib``: read as prior state, never as an
  input) and its lock file (:mod:`bibkit.lockfile`);
* each ``--keys-from FILE`` (the keys of another bibliography, e.g. the one a
  paper was written against).

It then pins the keys (:mod:`bibkit.normalize.pinning`), gives back the
fields the user edited or deleted and the decisions they took
(:mod:`bibkit.priorstate`, ``bibkit pick``) — and, after every stage ran,
settles each field (:func:`settle_prior`) and writes the output with a fresh
lock (:func:`write_locked`).
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Iterable, Iterator, Mapping, Sequence

from ..errors import InputError, OutputError
from ..fileio import atomic_write_text, backup_file, batched, output_error, same_file
from ..lockfile import Lock, LockEntry, LockError, field_hash, lock_path, read_lock, text_digest, write_lock
from ..model import Document, Entry, SharedKeys
from ..normalize.identity import Fingerprint, entry_arxiv, journal_doi, judge, site_identity
from ..normalize.pinning import PinResult, PriorRecord, aliases_of, key_record, pin_keys, repin
from ..priorstate import (
    answers_of,
    detect_edits,
    enriched_groups,
    fields_by_group,
    keep_answers,
    protect,
    settle,
)
from ..record import KeySource
from ..sources import read_path, read_text
from ..sources.bibfile import raw_value
from ..sources.bibscan import scan
from .options import WriteOptions

if TYPE_CHECKING:  # pragma: no cover
    from ..findings import Decision

__all__ = ["PriorState", "decide", "load_prior", "pin_prior", "repin_prior", "settle_prior", "write_locked"]

#: the output formats that are .bib files (``None``: entries as they were written, new ones as BibTeX)
_BIB_FORMATS = (None, "bib", "bibtex", "biblatex")


def _reader_of(to: str | None) -> str | None:
    """The input format an output written ``--to`` this is read back with (its user's edits are kept), or None.

    CSL-JSON is read through the same ``.bib`` reader as every structured record (:mod:`bibkit.sources.bibgen`),
    so an edited CSL-JSON output and the lock's copy of what bibkit wrote are compared field group by field group
    exactly as two ``.bib`` files are."""
    return "bib" if to in _BIB_FORMATS else "csl-json" if to == "csl-json" else None

#: the first character of a file that is not white space (or a byte-order mark)
_FIRST_MARK = re.compile(r"[^\s\ufeff]")


def _written_as(text: str, default: str) -> str:
    """The reader of a previous output: the format its content is in, when that is one bibkit writes, else
    ``default`` (the lock's format, else this run's).

    The previous output is read as what it *was* written as, not as what this run will write: a user who
    switches ``--to`` between runs (``bibtex`` → ``csl-json`` → ``bibtex``) still has every hand edit and every
    entry added by hand carried over, with the lock or without it (deleted).  The content decides before the
    lock's ``format``: a ``.bib`` and CSL-JSON are told apart for certain, and a file replaced by hand since
    (a CSL-JSON export pasted over the ``.bib``) is still read.
    """
    # (one character, not the whole detection: a .bib of 100,000 entries is not scanned twice to be told from JSON)
    m = _FIRST_MARK.search(text)
    if m is None:
        return default
    return "csl-json" if m.group() in ("[", "{") else "bib"


#: the most of the lock's compressed copy of the output kept in memory while it is written (8 MB: an output of
#: about 25 MB, 15,000 entries); a bigger one goes to a temporary file (see :func:`write_locked`)
_COPY_IN_MEMORY = 8 << 20
#: how much of an abstract the lock keeps to recognise a paper by (enough words for the identity module's
#: containment test; the output itself holds the whole abstract of every paper still in it)
_ABSTRACT_CHARS = 600
_SOURCES = {"formula": KeySource.ISSUED, "issued": KeySource.ISSUED, "zotero": KeySource.ZOTERO,
            "keys-from": KeySource.KEYS_FROM, "input": KeySource.USER, "user": KeySource.USER}


@dataclass
class PriorState:
    """What was known before this run: prior records (keys), the lock, and what was said about them.

    ``known`` — a lock told what bibkit wrote, so edits can be told apart;
    ``exact`` — the output is byte for byte what the lock describes (no edits
    at all); ``notices`` are for the summary; ``backup`` the copy of the old
    output made when it could hold edits no lock records.
    """

    output: str | None = None
    lock: Lock | None = None
    lock_file: Path | None = None
    records: list[PriorRecord] = field(default_factory=list)
    known: bool = False
    exact: bool = False
    digest: str | None = None
    notices: list[str] = field(default_factory=list)
    backup: Path | None = None
    pin: PinResult | None = None
    user_added: set[str] = field(default_factory=set)  # keys of entries kept as the user added them
    _by_key: dict[str, PriorRecord] | None = field(default=None, repr=False)

    def record(self, key: str | None) -> PriorRecord | None:
        """The prior record of the output (or lock) with this key."""
        if not key:
            return None
        if self._by_key is None:  # records are not added to once loaded
            self._by_key = {}
            for rec in self.records:
                if rec.source is not KeySource.KEYS_FROM and rec.source is not KeySource.ZOTERO:
                    self._by_key.setdefault(rec.key, rec)
        return self._by_key.get(key)

    @property
    def reserved(self) -> set[str]:
        return self.pin.reserved if self.pin is not None else set()

    def as_dict(self) -> dict[str, Any]:
        return {"output": self.output, "lock": str(self.lock_file) if self.lock_file else None,
                "lock_found": self.lock is not None, "edits_known": self.known, "notices": list(self.notices),
                "backup": str(self.backup) if self.backup else None}


# --------------------------------------------------------------------------- loading


#: directories whose entries are the system's names for open files and devices (``/dev/stdout``,
#: ``/dev/fd/1``, ``/proc/self/fd/1``): an output named there is a stream even when it leads to a file
#: (``-o /dev/stdout > refs.bib``), and no lock goes beside it (it would land in ``/dev``)
_SYSTEM_DIRS = ("/dev/", "/proc/")


def _writes_file(out: str | None) -> bool:
    """Whether ``out`` names a file that can have a lock beside it (not stdout, not a device or a pipe)."""
    if out is None or out == "-":
        return False
    path = Path(out)
    if os.path.abspath(out).startswith(_SYSTEM_DIRS):
        return False
    return not path.exists() or path.is_file()


def load_prior(out: str | None, keys_from: Sequence[str] = (), *, to: str | None = None,
               inputs: Sequence[str] = (), read: Document | None = None, dry_run: bool = False) -> PriorState:
    """Read the prior state of ``out`` (its content and lock) and of each ``--keys-from`` file.

    A ``--keys-from`` file that cannot be read is an :class:`~bibkit.errors.InputError`
    (exit 3); the output and its lock never stop a run: what cannot be used
    is said in :attr:`PriorState.notices` and left alone.  When the output is
    also an input (``convert refs.bib -o refs.bib``), its entries in ``read``
    (the inputs as read) are the prior entries: the file is not read twice.
    ``dry_run``: nothing will be written, so nothing is backed up either.
    """
    state = PriorState()
    if _writes_file(out):
        assert out is not None
        same = next((p for p in inputs if same_file(out, p)), None)
        reuse = [e for e in read.entries if e.key and e.origin is not None and e.origin.file == same] \
            if same is not None and read is not None else None
        _load_output(state, out, to, backup=same is None and not dry_run, entries=reuse)
    for path in keys_from:
        _load_keys_from(state, path)
    return state


def _load_output(state: PriorState, out: str, to: str | None, *, backup: bool, entries: list[Entry] | None) -> None:
    state.output, state.lock_file = out, lock_path(out)
    damaged = False
    try:
        state.lock = read_lock(state.lock_file)
    except LockError as exc:
        damaged = True
        state.notices.append(f"{exc}; keys are still kept from {Path(out).name} itself")
    path = Path(out)
    reused, entries = entries is not None, entries or []
    text = None
    reader = _reader_of(state.lock.format) if state.lock is not None else _reader_of(to)
    if path.is_file() and reader is not None:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            state.notices.append(f"cannot read the previous {path.name} ({exc}); keys are kept from its lock only")
        state.digest = text_digest(text) if text is not None else None
        if text is not None:
            reader = _written_as(text, reader)
        if text is not None and not reused and not _lock_suffices(state.lock, state.digest or ""):
            doc = read_text(text, out, reader)
            entries = [e for e in doc.entries if e.key]
            problems = [p for p in doc.all_problems() if p.is_error]
            if problems:
                state.backup = _backup(path) if backup else None
                saved = f"; a copy was saved as {state.backup.name}" if state.backup else ""
                state.notices.append(f"the previous {path.name} has malformed parts (e.g. {problems[0]}){saved}")
    lock = state.lock
    state.known = lock is not None and bool(entries)
    state.exact = lock is not None and state.digest is not None and state.digest in (lock.digest,
                                                                                     lock.previous_digest)
    if lock is not None and entries and not state.exact:
        _fill_written(lock, out)
    if entries and lock is None and not reused:  # (an input rewritten in place is the user's anyway)
        if backup and state.backup is None and text is not None:
            state.backup = _backup(path)
        saved = f" (a copy of the old file was saved as {state.backup.name})" if state.backup else ""
        state.notices.append(f"{'no usable' if damaged else 'no'} lock file "  # (a damaged one was named above)
                             f"({state.lock_file.name if state.lock_file else '?'}) beside "
                             f"{path.name}: its fields are kept unless a service gives a fresher value{saved}; "
                             "a new lock is written now")
    state.records.extend(_output_records(entries, lock, state))


def _fill_written(lock: Lock, out: str) -> None:
    """Give each lock entry the field hashes of what bibkit wrote (from the lock's copy of the output)."""
    text = lock.text()
    if text is None:
        return
    for key, (etype, fields) in _written_fields(text, out, _reader_of(lock.format) or "bib").items():
        le = lock.entries.get(key)
        if le is not None:
            le.type, le.fields = etype, fields


def _lock_suffices(lock: Lock | None, digest: str) -> bool:
    """Whether the lock alone says all a run needs of the previous output: the output is exactly what the lock
    describes (no edit possible) and no field of it came from a service or the user (nothing to keep from it)."""
    return lock is not None and digest == lock.digest and not any(
        le.enriched or le.user_groups or le.deleted_groups or le.user_added for le in lock.entries.values())


def _backup(path: Path) -> Path:
    """Save the previous output beside it, byte for byte and atomically, before this run replaces it.

    The copy is taken under a name no other run holds (:func:`bibkit.fileio.backup_file`): two runs at once on
    the same output each keep their own copy, never one over the other.
    """
    return backup_file(path)


def _output_records(entries: list[Entry], lock: Lock | None, state: PriorState) -> list[PriorRecord]:
    records: list[PriorRecord] = []
    in_file = {e.key for e in entries}
    unseen = {k: le for k, le in (lock.entries.items() if lock else ()) if k not in in_file}
    for entry in entries:
        assert entry.key is not None
        le = lock.entries.get(entry.key) if lock is not None else None
        renamed_from: LockEntry | None = None
        if lock is not None and le is None:
            renamed_from = _renamed(entry, unseen)
            if renamed_from is not None:
                le = unseen.pop(renamed_from.key)
        records.append(_record_of(entry, le, renamed_from, lock is not None, state))
    for le in unseen.values():
        records.append(PriorRecord(le.key, _identity_fingerprint(le), _SOURCES.get(le.source, KeySource.ISSUED),
                                   le.where, tuple(le.aliases), decision=_decision(le.decision),
                                   titles=tuple(le.identity.get("titles") or ()), input_fingerprint=_input_fp(le),
                                   answers=dict(le.answers)))
    return records


def _renamed(entry: Entry, unseen: dict[str, LockEntry]) -> LockEntry | None:
    """The lock entry of a paper whose key the user changed by hand in the output (same paper, new key)."""
    fp = Fingerprint.from_entry(entry)
    for le in unseen.values():
        if not le.retired and judge(_identity_fingerprint(le), fp).same:
            return le
    return None


def _record_of(entry: Entry, le: LockEntry | None, renamed_from: LockEntry | None, has_lock: bool,
               state: PriorState) -> PriorRecord:
    titles = tuple(dict.fromkeys(t for t in [entry.title, *((le.identity.get("titles") or []) if le else [])] if t))
    fp = Fingerprint.from_entry(entry, other_titles=titles)
    if le is None:
        # no lock says bibkit wrote it: the user added it (a lock written by a build lists every entry it wrote),
        # or we cannot tell (no lock, or one made by `bibkit pick` alone)
        added = has_lock and state.lock is not None and state.lock.digest is not None
        return PriorRecord(entry.key or "", fp, KeySource.USER if added else KeySource.ISSUED,
                           state.output, tuple(aliases_of(entry)), entry=entry, user_added=added, titles=titles,
                           known=added)
    source = KeySource.USER if renamed_from is not None else _SOURCES.get(le.source, KeySource.ISSUED)
    aliases = list(aliases_of(entry))
    if renamed_from is not None:
        aliases += [renamed_from.key, *renamed_from.aliases]
    user_groups, deleted, by_hand = set(le.user_groups), set(le.deleted_groups), set(le.added_groups)
    if le.fields is not None and not state.exact:  # the output differs from what bibkit wrote: edits
        edits = detect_edits(entry, le.fields, le.type)
        by_hand |= edits.added  # a group the user added stays theirs as added, whatever they change later
        user_groups |= set(edits.changed)
        deleted = (deleted | set(edits.deleted)) - set(edits.changed)
    decision = _decision(le.decision) or _edit_decision(entry, user_groups, deleted)
    return PriorRecord(entry.key or "", fp, source, le.where or state.output, tuple(dict.fromkeys(aliases)),
                       entry=entry, written=None, enriched=frozenset(le.enriched),
                       user_groups=frozenset(user_groups), deleted_groups=frozenset(deleted),
                       added_groups=frozenset(by_hand & user_groups), decision=decision,
                       user_added=le.user_added, titles=titles,
                       known=state.exact or le.fields is not None or le.user_added,
                       input_fingerprint=_input_fp(le), answers=dict(le.answers))


def _input_fp(le: LockEntry | None) -> Fingerprint | None:
    return _fingerprint(le.input, le.key) if le is not None and le.input else None


def _identity_fingerprint(le: LockEntry) -> Fingerprint:
    return _fingerprint(le.identity, le.key)


def _fingerprint(ident: dict[str, Any], key: str) -> Fingerprint:
    year = ident.get("year")
    return Fingerprint.of(titles=[str(t) for t in ident.get("titles") or []],
                          first_author=str(ident.get("first_author") or "") or None,
                          year=year if isinstance(year, int) else None, abstract=ident.get("abstract") or None,
                          arxiv=ident.get("arxiv") or None, doi=ident.get("doi") or None, key=key,
                          site=str(ident.get("site") or "") or (f"openreview:{ident['openreview']}"
                                                                 if ident.get("openreview") else None))


def _decision(data: dict[str, Any] | None) -> Decision | None:
    if not data:
        return None
    from ..findings import Decision  # (only when the lock holds one: see bibkit.findings)

    return Decision(arxiv=data.get("arxiv") or None, not_on_arxiv=bool(data.get("not_on_arxiv")),
                    source=str(data.get("source") or "pick"), doi=data.get("doi") or None)


def _edit_decision(entry: Entry, user_groups: set[str], deleted: set[str]) -> Decision | None:
    """An ``eprint`` (or arXiv DOI) the user wrote is a decision; one they deleted says "not on arXiv"."""
    from ..findings import Decision  # (only for an edited output: see bibkit.findings)

    if "ids.arxiv" in user_groups or "ids.doi" in user_groups:
        arxiv = entry_arxiv(entry)
        if arxiv:
            return Decision(arxiv=arxiv, source="edit")
    if "ids.arxiv" in deleted:
        return Decision(not_on_arxiv=True, source="edit")
    return None


def _load_keys_from(state: PriorState, path: str) -> None:
    doc = read_path(path)
    keyed = [e for e in doc.entries if e.key]
    if not keyed:
        raise InputError(f"--keys-from {path}: no entry with a citation key in it")
    for entry in keyed:
        assert entry.key is not None
        state.records.append(PriorRecord(entry.key, Fingerprint.from_entry(entry), KeySource.KEYS_FROM, path,
                                         tuple(aliases_of(entry)), titles=tuple(t for t in [entry.title] if t)))


# --------------------------------------------------------------------------- before the stages


def pin_prior(doc: Document, state: PriorState) -> PinResult:
    """Pin the keys of ``doc`` to the prior records, and hand each matched entry its prior edits and decision."""
    for entry in doc.entries:
        # a read-only mapping sharing its key layout with the other entries' (memory: one per entry)
        entry.record.input_identity = SharedKeys.of(identity_of(entry, whole=True))
    result = pin_keys(doc.entries, state.records)
    state.pin = result
    for entry, prior, _verdict in result.matched:
        if prior.entry is not None and (prior.user_groups or prior.deleted_groups):
            groups = fields_by_group(prior.entry.bib) if prior.entry.bib is not None else {}
            protect(entry, prior.entry, prior.user_groups, prior.deleted_groups, groups, prior.added_groups)
        if prior.decision is not None:
            decide(entry, prior.decision)
    return result


def repin_prior(doc: Document, state: PriorState) -> None:
    """After enrichment: papers the first pass could not recognise from their inputs take their old keys now."""
    if state.pin is None:
        return
    for entry, prior, _verdict in repin(state.pin, doc.entries):
        if prior.entry is not None and (prior.user_groups or prior.deleted_groups):
            groups = fields_by_group(prior.entry.bib) if prior.entry.bib is not None else {}
            protect(entry, prior.entry, prior.user_groups, prior.deleted_groups, groups, prior.added_groups)
        if prior.decision is not None:
            entry.record.decision = prior.decision


def decide(entry: Entry, decision: Decision) -> None:
    """Apply a user's decision: the arXiv paper it names (never re-resolved), or "not on arXiv" (never looked up)."""
    entry.record.decision = decision
    protected = set(entry.record.protected) | {"ids.arxiv"}
    if decision.not_on_arxiv:
        entry.ids.arxiv, entry.ids.arxiv_version = None, None
    elif decision.arxiv:
        entry.set_id("arxiv", decision.arxiv, "user", 1.0, f"decided by the user ({decision.source})")
        entry.ids.arxiv_version = None
    entry.record.protected = frozenset(protected)


# --------------------------------------------------------------------------- after the stages


def settle_entries(doc: Document, state: PriorState, *, tagged: bool) -> None:
    """Decide every field of every matched entry (:func:`bibkit.priorstate.settle`).

    Run before tagging too (it is idempotent), so rules and automatic tags see
    what is kept — an offline rebuild tags a paper by the arXiv category and
    the Hugging Face keywords an online run found (the lock's answers,
    :func:`bibkit.priorstate.keep_answers`) — and again after it, so a user's
    ``keywords`` win.
    """
    for entry in doc.entries:
        rec = entry.record.key
        prior = state.record(rec.issued if rec is not None else None)
        if prior is not None and prior.entry is not None:
            settle(entry, prior.entry, enriched=prior.enriched, tagged=tagged,
                   known=prior.known and not prior.user_added)
        if prior is not None and prior.answers:  # (after settle: it gives back the arXiv ID they are about)
            report = entry.record.enrichment
            keep_answers(entry, prior.answers, report.heard_from if report is not None else ())


def settle_prior(doc: Document, state: PriorState, *, tagged: bool) -> list[Entry]:
    """Decide every field of every matched entry (:func:`bibkit.priorstate.settle`); keep what the user added.

    Returns the entries kept from the prior output that no input has: the
    ones the user added by hand (or, without a lock, any we cannot tell about).
    They are appended to ``doc`` as they stand.
    """
    settle_entries(doc, state, tagged=tagged)
    matched = {id(p) for _e, p, _v in state.pin.matched} if state.pin is not None else set()
    kept: list[Entry] = []
    unsure = 0
    taken = {e.key.casefold() for e in doc.entries if e.key}
    for prior in state.records:
        if id(prior) in matched or prior.entry is None or prior.key.casefold() in taken:
            continue
        if prior.user_added or (not prior.known and prior.source is KeySource.ISSUED):
            entry = prior.entry
            entry.key_pinned = True
            rec = key_record(entry)
            rec.source, rec.issued = (KeySource.USER if prior.user_added else KeySource.ISSUED), prior.key
            kept.append(entry)
            unsure += not prior.user_added
    if kept:
        doc.blocks.extend(kept)
        state.user_added.update(e.key for e in kept if e.key)
    if unsure:
        state.notices.append(f"kept {unsure} entr{'y' if unsure == 1 else 'ies'} of the previous "
                             f"{Path(state.output or '').name} that no input has (without a lock it cannot be told "
                             "whether you added them); delete them there if they are gone for good")
    return kept


def write_locked(doc: Document, out: str, text: str | Iterable[str], options: WriteOptions, state: PriorState, *,
                 inputs: Iterable[str] = ()) -> Path | None:
    """Write ``text`` (the rendering of ``doc``, whole or in pieces) to ``out`` with its lock: the lock first,
    then the output.

    Both writes are atomic; the lock names the digest of the new output and of
    the one it replaces, so a run that dies between the two renames leaves
    nothing the next run would mistake for the user's edits.  Returns the
    backup of an overwritten input (as :func:`~bibkit.app.documents.write_output`).

    The text is never needed whole: its pieces go to the output's temporary
    file as they come, its digest and compressed copy are made on the way, and
    the lock is written once the temporary file is complete, just before it
    replaces the old output (memory: a 100,000-entry bibliography is not held
    as one string, nor as its bytes).
    """
    overwrites_input = any(same_file(out, p) for p in inputs)
    if not _writes_file(out):
        return atomic_write_text(out, text, backup=overwrites_input)
    digest = hashlib.sha256()
    packer = zlib.compressobj(1) if _reader_of(options.to) is not None else None
    # the compressed copy is kept in memory up to _COPY_IN_MEMORY, beyond that in an unnamed temporary file
    # beside the output (not 50 MB of memory for 100,000 entries, held while the whole output is written; no
    # other file system can fill up and fail the run).  On the output's file system it competes with the output
    # for space: a bibliography of usual size keeps its copy in memory, so an output that fits is written
    # (without its lock, as before, if that does not fit), and a copy that cannot be written only costs the lock
    packed: IO[bytes] = tempfile.SpooledTemporaryFile(_COPY_IN_MEMORY,  # (realpath: no error on a symlink loop)
                                                      dir=os.path.dirname(os.path.realpath(out)))
    failed: list[OutputError] = []
    lost: list[OSError] = []  # the copy could not be kept (its file system full): the lock's failure, not the run's

    def keep(data: bytes) -> None:
        if not lost:
            try:
                packed.write(data)
            except OSError as exc:
                lost.append(exc)
                _discard(packed)  # its blocks freed now: the output's own write needs them

    def pieces() -> Iterator[bytes]:
        # each piece encoded once, for the output, its digest and the lock's copy alike (strictly, as the output
        # is written: a piece that cannot be encoded fails the write here, the old output and lock untouched)
        for piece in [text] if isinstance(text, str) else batched(text):
            data = piece.encode("utf-8")
            digest.update(data)
            if packer is not None and not lost:
                keep(packer.compress(data))
            yield data

    def lock_first() -> None:
        if packer is not None:
            keep(packer.flush())
        if lost:  # as when the lock itself cannot be written: the output is, without a lock
            failed.append(output_error(lock_path(out), lost[0]))
            return
        lock = make_lock(doc, out, None, options.to, state, digest=digest.hexdigest(),
                         packed=packed if packer is not None else None, stream=True)
        try:
            write_lock(lock_path(out), lock)
        except OutputError as exc:  # the output may still be writable: it decides whether the run fails
            failed.append(exc)

    # failing: the old output and lock stay
    try:
        saved = atomic_write_text(out, pieces(), backup=overwrites_input, before_rename=lock_first, encoded=True)
    finally:
        _discard(packed)
    if failed:
        _forget(lock_path(out))
        state.notices.append(f"{failed[0]}; without it the next run cannot tell your edits of {Path(out).name} "
                             "from bibkit's and keeps every field it cannot tell about")
    return saved


def _discard(packed: IO[bytes]) -> None:
    """Close the lock's temporary copy (an unnamed file: its space is freed).  Closing flushes what it still
    buffers, which fails again on a full file system; the file is closed all the same, and nothing is lost."""
    try:
        packed.close()
    except OSError:
        pass


def _forget(path: Path) -> None:
    """Remove a lock that no longer describes the output (a stale one would make bibkit's changes look like
    the user's edits); one that cannot be removed is left to the output's own write to fail."""
    try:
        path.unlink()
    except OSError:
        pass


def make_lock(doc: Document, out: str, text: str | None, to: str | None, state: PriorState, *,
              digest: str | None = None, packed: bytes | bytearray | IO[bytes] | None = None,
              stream: bool = False) -> Lock:
    """The lock describing ``text``, written for ``doc`` (see :mod:`bibkit.lockfile`).

    A streamed writer passes no text but its SHA-256 ``digest`` and its zlib-compressed UTF-8 ``packed`` (bytes
    or a file).  ``stream``: the entries of ``doc`` are made into lock entries as the lock is written, one at a
    time (:attr:`Lock.stream`), not all at once before (memory: 100,000 of them with their identities).
    """
    if text is not None:
        lock = Lock(Path(out).name, to or "bib", text_digest(text), state.digest)
        if _reader_of(to) is not None:
            lock.set_text(text)
    else:
        lock = Lock(Path(out).name, to or "bib", digest, state.digest)
        if packed is not None and _reader_of(to) is not None:
            lock.set_packed(packed)
    keyed = [entry for entry in doc.entries if entry.key]
    streamed = stream and len({e.key for e in keyed}) == len(keyed)  # (a key twice: the dict keeps the last)
    if streamed:
        held = {e.key.casefold() for e in keyed if e.key} | {a.casefold() for e in keyed for a in aliases_of(e)}
    else:
        for entry in keyed:
            lock.entries[entry.key or ""] = _lock_entry(entry, entry.key in state.user_added)
        held = {k.casefold() for k in lock.entries} | {a.casefold() for le in lock.entries.values()
                                                       for a in le.aliases}
    retired: dict[str, LockEntry] = {}
    for prior in state.records:
        if prior.source in (KeySource.KEYS_FROM, KeySource.ZOTERO) or prior.key.casefold() in held:
            continue
        old = state.lock.entries.get(prior.key) if state.lock is not None else None
        le = LockEntry(prior.key, prior.source.value, prior.where, list(prior.aliases), retired=True)
        if old is not None:
            le.identity, le.input, le.decision = dict(old.identity), old.input, old.decision
            le.answers = old.answers
        if prior.entry is not None:  # the paper leaves the output: the lock alone will recognise it now
            le.identity = identity_of(prior.entry)
            le.identity["titles"] = list(dict.fromkeys([*le.identity["titles"], *prior.titles]))
        retired[prior.key] = le
        held.add(prior.key.casefold())
    if streamed:  # the entries of the output, made one at a time as the lock is written, then the retired ones
        user_added = state.user_added

        def entries() -> Iterator[tuple[str, LockEntry]]:
            for e in keyed:
                yield e.key or "", _lock_entry(e, e.key in user_added)
            yield from retired.items()

        lock.stream = entries
    else:
        lock.entries.update(retired)
    return lock


def _written_fields(text: str, out: str, reader: str = "bib") -> dict[str, tuple[str, dict[str, str]]]:
    """``{key: (entry type, {field: hash})}`` of the text bibkit writes: what the next run compares with."""
    blocks = scan(text) if reader == "bib" else None
    if blocks is None:  # not plainly well formed (an input's own oddities copied verbatim), not BibTeX: the reader
        out_map: dict[str, tuple[str, dict[str, str]]] = {}
        for e in read_text(text, out, reader).entries:
            if e.key and e.bib is not None:
                origin = e.bib
                out_map[e.key] = (origin.entry_type.lower(),
                                  {n: field_hash(raw_value(origin, n)) for n in origin.fields})
        return out_map
    return {b.key: (b.text.lower(), {name.strip().lower(): field_hash(raw) for name, raw, _line, _parts in b.fields})
            for b in blocks if b.kind == "entry" and b.key}


def _lock_entry(entry: Entry, user_added: bool) -> LockEntry:
    rec = key_record(entry)
    identity = identity_of(entry, abstract=False)
    le = LockEntry(entry.key or "", rec.source.value, rec.where, aliases_of(entry), identity)
    record = entry.record
    given = record.input_identity
    if given and not _same_identity(given, identity):
        le.input = {k: v[:_ABSTRACT_CHARS] if k == "abstract" else v for k, v in given.items()}
    le.enriched = enriched_groups(entry)
    edits = record.edits
    if edits:  # (none: the lists stay empty)
        le.user_groups = sorted(e.group for e in edits if e.kind != "deleted")
        le.added_groups = sorted(e.group for e in edits if e.kind == "added")
        le.deleted_groups = sorted(e.group for e in edits if e.kind == "deleted")
    if record.decision is not None:
        le.decision = record.decision.as_dict()
    le.user_added = user_added
    le.answers = answers_of(entry)
    return le


def _same_identity(given: Mapping[str, Any], identity: dict[str, Any]) -> bool:
    """Whether the input identity ``given`` is ``identity`` (made without an abstract) but for its abstract: what
    ``{k: v for k, v in given.items() if k != "abstract"} == identity`` says, without building that dict."""
    if len(given) - ("abstract" in given) != len(identity):
        return False
    missing = _MISSING
    return all(given.get(k, missing) == v for k, v in identity.items())


_MISSING = object()


def identity_of(entry: Entry, *, abstract: bool = True, whole: bool = False) -> dict[str, Any]:
    """What identifies the paper, for the lock: IDs, every title it was known by, first author, year, and (unless
    ``abstract`` is false: the output holds it) the start of the abstract.  ``whole``: the abstract itself, not
    its start (the input snapshot of every entry shares the entry's string instead of copying 600 characters
    of it; :func:`_lock_entry` cuts it when it goes into the lock)."""
    people = entry.authors or entry.editors
    person = people[0] if people else None
    titles = [entry.title, entry.meta.get("listing_title"), *entry.meta.get("former_titles", ())]
    out: dict[str, Any] = {"titles": list(dict.fromkeys(t for t in titles if t))}
    arxiv, doi = entry_arxiv(entry), journal_doi(entry)
    if arxiv:
        out["arxiv"] = arxiv
    if doi:
        out["doi"] = doi
    site = site_identity(entry)
    if site:
        out["site"] = site
    if person is not None:
        out["first_author"] = person.family or person.literal or person.last
    if entry.year is not None:
        out["year"] = entry.year
    if abstract and entry.abstract:
        out["abstract"] = entry.abstract if whole else entry.abstract[:_ABSTRACT_CHARS]
    return out
