"""The lock file: what bibkit last wrote into an output, so the next run can tell the user's edits from its own.

``bibkit build listing.txt -o refs.bib`` writes ``refs.bib`` *and*
``refs.bib.lock.json`` beside it.  The lock holds, for every entry, the key
and where it came from (formula, input, Zotero, the user), the key's aliases,
what identifies the paper (arXiv ID, DOI, every title it was known by, first
author, year — and the same as the *inputs* described it, so the same input
record is recognised whatever enrichment or the user made of the entry),
which field groups a service set, which ones the user owns (edited or
deleted by hand in an earlier run), the user's decision about its arXiv
paper (``bibkit pick``), and the *answers* of services that the output has no
field for but its tags are made from (Hugging Face's keywords, arXiv's
categories: :data:`bibkit.priorstate.ANSWERS`), so a rebuild that cannot ask
makes the same tags; keys issued to papers that have left the output stay
as *retired* entries: never given to another paper, given back if the paper
returns.  And it holds a compressed copy of the text it wrote: when the output
no longer matches the lock's digest, the next run compares the two, field by
field (:func:`field_hash`), and what differs is the user's.

Why a sidecar and not markers inside the ``.bib``: the ``.bib`` stays exactly
what BibTeX, biber, editors and other tools expect (no per-entry comments a
formatter would strip or a copy-paste would carry to another entry); it works
for CSL-JSON output too, which has no comments; and the comparison costs
nothing when the user edited nothing (the digests match).

It is written atomically and *before* the output, and records the SHA-256 of
the output it describes and of the output it replaced: if a run dies between
the two renames, the next run finds the old output under ``previous_digest``
and knows none of its fields are edits.  If the lock is deleted, nothing
breaks: keys are still matched against the output itself, and its fields are
treated as possibly the user's (kept unless a service gives a fresher value;
the old output is backed up first).  A lock that cannot be read is reported
and ignored the same way.

This module only reads and writes the file; what it means is
:mod:`bibkit.app.prior`.
"""

from __future__ import annotations

import base64
import hashlib
import json
import time
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Callable, Iterable, Iterator

from .fileio import atomic_write_text
from .jsondata import JsonTooDeep, load_json

__all__ = ["LOCK_SUFFIX", "Lock", "LockEntry", "LockError", "field_hash", "lock_path", "read_lock", "text_digest",
           "write_lock"]

LOCK_SUFFIX = ".lock.json"
_PLAIN = json.JSONEncoder(ensure_ascii=False)
_COMPACT = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
#: the format of the file; a newer format than this is reported and ignored (never misread)
FORMAT = 1


class LockError(ValueError):
    """The lock file exists but cannot be used (unreadable, not JSON, a newer format)."""


def lock_path(output: str | Path) -> Path:
    """``refs.bib`` → ``refs.bib.lock.json`` (beside the output)."""
    path = Path(output)
    return path.with_name(path.name + LOCK_SUFFIX)


def field_hash(raw: str) -> str:
    """A short hash of a field's value expression, blind to line wrapping and indentation (CRC-32: it only has
    to tell a value the user changed from the one bibkit wrote, and 100,000 entries hash in a blink)."""
    return f"{zlib.crc32(' '.join(raw.split()).encode('utf-8', 'surrogatepass')):08x}"


def text_digest(text: str) -> str:
    """The SHA-256 of an output's text (what the lock says it describes)."""
    digest = hashlib.sha256()
    for piece in _slices(text):  # a megabyte at a time: a big output is never held twice (as text and bytes)
        digest.update(piece.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


#: how much of a big text is encoded at once (memory: the encoded copy of a 150 MB output is not made whole)
_SLICE = 1 << 20


def _slices(text: str) -> Iterable[str]:
    return (text[i:i + _SLICE] for i in range(0, len(text), _SLICE)) if len(text) > _SLICE else [text]


@dataclass(slots=True)
class LockEntry:
    """One key and what bibkit knows about the paper it names (see the module docstring).

    ``fields`` (not stored: filled by the reader of the lock from its copy of
    the output, when needed) maps a lower-case field name to the hash of its
    value as written, ``type`` the entry type as written; ``None``: unknown.
    """

    key: str
    source: str = "formula"
    where: str | None = None
    aliases: list[str] = field(default_factory=list)
    identity: dict[str, Any] = field(default_factory=dict)
    input: dict[str, Any] | None = None  # the paper as the inputs described it, when that differs from ``identity``
    type: str | None = None
    fields: dict[str, str] | None = None
    enriched: list[str] = field(default_factory=list)
    user_groups: list[str] = field(default_factory=list)
    deleted_groups: list[str] = field(default_factory=list)
    decision: dict[str, Any] | None = None
    user_added: bool = False
    retired: bool = False
    #: what services said that the output has no field for (:func:`bibkit.priorstate.answers_of`)
    answers: dict[str, Any] = field(default_factory=dict)
    added_groups: list[str] = field(default_factory=list)  # of user_groups, those bibkit had not written

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"source": self.source}
        for name in ("where", "decision"):
            value = getattr(self, name)
            if value is not None:
                out[name] = value
        for name in ("aliases", "enriched", "user_groups", "added_groups", "deleted_groups"):
            value = getattr(self, name)
            if value:
                out[name] = sorted(value) if name != "aliases" else list(value)
        if self.identity:
            out["identity"] = self.identity
        if self.input:
            out["input"] = self.input
        if self.answers:
            out["answers"] = self.answers
        if self.user_added:
            out["user_added"] = True
        if self.retired:
            out["retired"] = True
        return out

    @classmethod
    def from_json(cls, key: str, data: dict[str, Any]) -> "LockEntry":
        if not isinstance(data, dict):
            raise LockError(f"entry {key!r} is not an object")
        decision = data.get("decision")
        given = data.get("input")
        answers = data.get("answers")
        return cls(key, str(data.get("source") or "formula"), _opt_str(data.get("where")),
                   _str_list(data.get("aliases")), dict(data.get("identity") or {}),
                   dict(given) if isinstance(given, dict) else None, None,
                   None, _str_list(data.get("enriched")), _str_list(data.get("user_groups")),
                   _str_list(data.get("deleted_groups")), decision if isinstance(decision, dict) else None,
                   bool(data.get("user_added")), bool(data.get("retired")),
                   answers=dict(answers) if isinstance(answers, dict) else {},
                   added_groups=_str_list(data.get("added_groups")))


def _opt_str(value: Any) -> str | None:
    return str(value) if isinstance(value, (str, int)) else None


def _str_list(value: Any) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else []


@dataclass
class Lock:
    """The whole lock file: the output it describes, its format, and one :class:`LockEntry` per key."""

    output: str = ""
    format: str = "bibtex"
    digest: str | None = None
    previous_digest: str | None = None
    written_at: str | None = None
    entries: dict[str, LockEntry] = field(default_factory=dict)
    written: str | None = None  # the text bibkit wrote, zlib-compressed and base64-encoded
    #: the same copy before base64 (what a writer keeps: encoded only a piece at a time, as it is written)
    packed: bytes | bytearray | None = field(default=None, repr=False)
    #: or that copy in a (temporary) file, read a piece at a time as the lock is written (memory: the copy of a
    #: 100,000-entry output is 50 MB)
    packed_file: IO[bytes] | None = field(default=None, repr=False)
    #: entries made as the lock is written, one at a time, after those of :attr:`entries` (a writer's lock of a
    #: big bibliography: its entries are never all in memory; a fresh iterator each call, keys distinct)
    stream: Callable[[], Iterable[tuple[str, LockEntry]]] | None = field(default=None, repr=False)

    def set_text(self, text: str) -> None:
        """Keep a (compressed) copy of the output text this lock describes."""
        packer = zlib.compressobj(1)  # the same stream as zlib.compress(…, 1), fed a slice at a time
        packed = bytearray()
        for piece in _slices(text):
            packed += packer.compress(piece.encode("utf-8", "surrogatepass"))
        packed += packer.flush()
        self.set_packed(packed)

    def set_packed(self, packed: bytes | bytearray | IO[bytes]) -> None:
        """Keep the copy :meth:`set_text` would, from the text's UTF-8 already zlib-compressed (streamed writers):
        the bytes, or a readable binary file holding them (read from its start; the caller closes it)."""
        if isinstance(packed, (bytes, bytearray)):
            self.packed, self.packed_file = packed, None
        else:
            self.packed, self.packed_file = None, packed
        self.written = None

    def _packed(self) -> bytes | bytearray | None:
        """The compressed copy, whole (what :meth:`text` and :meth:`as_json` need; :meth:`pieces` reads the file
        a piece at a time instead)."""
        if self.packed_file is not None:
            self.packed_file.seek(0)
            return self.packed_file.read()
        return self.packed

    def _packed_slices(self, step: int) -> Iterator[bytes | bytearray]:
        if self.packed_file is not None:
            self.packed_file.seek(0)
            while chunk := self.packed_file.read(step):
                yield chunk
        elif self.packed is not None:
            for i in range(0, len(self.packed), step):
                yield self.packed[i:i + step]

    def _written(self) -> str | None:
        packed = self._packed()
        return base64.b64encode(packed).decode("ascii") if packed is not None else self.written

    def text(self) -> str | None:
        """The output text bibkit wrote (``None`` when the lock has no copy, or a damaged one)."""
        try:
            packed = self._packed()
            if packed is not None:
                return zlib.decompress(packed).decode("utf-8", "surrogatepass")
            if not self.written:
                return None
            return zlib.decompress(base64.b64decode(self.written)).decode("utf-8", "surrogatepass")
        except (ValueError, zlib.error, UnicodeDecodeError):
            return None

    def items(self) -> Iterator[tuple[str, LockEntry]]:
        """Every ``(key, entry)``: :attr:`entries`, then those of :attr:`stream`."""
        yield from self.entries.items()
        if self.stream is not None:
            yield from self.stream()

    def find(self, key: str) -> LockEntry | None:
        """The entry named ``key`` — its key or one of its aliases (case-insensitive, as BibTeX compares keys)."""
        if key in self.entries:
            return self.entries[key]
        folded = key.casefold()
        for entry in self.entries.values():
            if entry.key.casefold() == folded or any(a.casefold() == folded for a in entry.aliases):
                return entry
        return None

    def as_json(self) -> dict[str, Any]:
        return {
            "bibkit_lock": FORMAT,
            "output": self.output,
            "format": self.format,
            "digest": self.digest,
            "previous_digest": self.previous_digest,
            "written_at": self.written_at,
            "entries": {k: e.as_json() for k, e in self.items()},
            "written": self._written(),
        }

    def dumps(self) -> str:
        """The file's text: compact JSON with one entry per line (small, and a readable diff under git)."""
        return "".join(self.pieces())

    def pieces(self) -> Iterator[str]:
        """:meth:`dumps` a line at a time (what :func:`write_lock` writes: never the whole text in memory)."""
        head = {"bibkit_lock": FORMAT, "output": self.output, "format": self.format, "digest": self.digest,
                "previous_digest": self.previous_digest, "written_at": self.written_at}  # (as_json's order)
        yield json.dumps(head, ensure_ascii=False)[:-1] + ', "entries": {'
        plain, compact = _PLAIN, _COMPACT  # one encoder for all entries (json.dumps makes one per call)
        sep = "\n"
        for key, entry in self.items():  # (a comma before every entry but the first: no count needed)
            yield sep + plain.encode(key) + ": " + compact.encode(entry.as_json())
            sep = ",\n"
        yield "\n},\n"
        if self.packed is None and self.packed_file is None:
            yield '"written": ' + json.dumps(self.written) + "}\n"
            return
        # base64 (letters, digits, "+", "/", "=": nothing JSON escapes) a slice at a time; 3-byte-aligned
        # slices encode to exactly the pieces of the whole
        yield '"written": "'
        for piece in self._packed_slices(3 << 18):
            yield base64.b64encode(piece).decode("ascii")
        yield '"}\n'


def read_lock(path: str | Path) -> Lock | None:
    """The lock at ``path``; ``None`` if there is none.  Raises :class:`LockError` for one that cannot be used."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise LockError(f"cannot read {p.name}: {exc}") from None
    try:
        data = load_json(text)
    except json.JSONDecodeError as exc:
        raise LockError(f"{p.name} is not valid JSON (line {exc.lineno}): {exc.msg}") from None
    except JsonTooDeep as exc:
        raise LockError(f"{p.name} is not a bibkit lock file: {exc}") from None
    if not isinstance(data, dict) or "bibkit_lock" not in data:
        raise LockError(f"{p.name} is not a bibkit lock file")
    version = data.get("bibkit_lock")
    if not isinstance(version, int) or version > FORMAT:
        raise LockError(f"{p.name} was written by a newer bibkit (format {version}); it is ignored")
    entries_data = data.get("entries")
    if not isinstance(entries_data, dict):
        raise LockError(f"{p.name} has no entries")
    lock = Lock(str(data.get("output") or ""), str(data.get("format") or "bibtex"), _opt_str(data.get("digest")),
                _opt_str(data.get("previous_digest")), _opt_str(data.get("written_at")),
                written=data.get("written") if isinstance(data.get("written"), str) else None)
    for key, value in entries_data.items():
        lock.entries[str(key)] = LockEntry.from_json(str(key), value)
    return lock


def write_lock(path: str | Path, lock: Lock) -> None:
    """Write the lock atomically (a reader sees the old lock or the new one, never a mix)."""
    lock.written_at = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime())  # ISO 8601, UTC, whole seconds
    atomic_write_text(path, lock.pieces())
