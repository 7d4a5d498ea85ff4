"""The HTTP cache's SQLite file when it is damaged: one warning, the run goes on, the next run starts afresh.

The cache is only a copy of what services answered, but a run must not die of it.  A crash or a power cut
mid-commit, a full disk, or a home directory restored or synced half-way can leave ``http.sqlite`` damaged
(SQLite: "file is not a database", "database disk image is malformed").  Before, every later run of every
command ended in a ``sqlite3.DatabaseError`` traceback (exit 1) until the user found the file and deleted it.
The rules:

* **Damaged when opened**: the file (with its ``-wal`` and ``-shm``) is set aside — renamed
  ``http.sqlite.damaged-<time>``, never deleted (it may be worth a look, and a rename cannot lose
  anything) — and a new, empty cache is started; one warning names both.
* **A damaged page met mid-run**: that lookup is a miss, the cache is neither read nor written for the rest
  of the run (one warning), and the file is set aside when the run closes its HTTP layer, once its
  connections are closed (SQLite finds ``-wal`` by the database's name: renaming it under an open connection
  would split them).  A run killed before that meets the damage again at the next start and sets it aside then.
* **A file that cannot be opened at all** (a directory in its place, no permission): the run goes on without a
  cache; one warning.

Only SQLite's typed result codes decide (``SQLITE_CORRUPT``, ``SQLITE_NOTADB``, ``SQLITE_CANTOPEN``, extended
codes by their primary code): "database is locked" or "busy" is another process at work, never damage.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import time
from pathlib import Path
from typing import Any, Callable, TypeVar

log = logging.getLogger(__name__)
T = TypeVar("T")

__all__ = ["CacheGuard", "cannot_open", "is_damage", "set_aside"]

#: SQLite's primary result codes for a file that is not (or no longer) a sound database
_DAMAGE = frozenset({sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB})
#: the primary code of a file SQLite cannot open at all (a directory at its path, no permission)
_CANTOPEN = sqlite3.SQLITE_CANTOPEN
#: SQLite's files beside a database in write-ahead-log mode, named after it
_SIDE_FILES = ("-wal", "-shm")


def _primary(exc: BaseException) -> int | None:
    code = getattr(exc, "sqlite_errorcode", None)
    return code & 0xFF if isinstance(code, int) else None


def is_damage(exc: BaseException) -> bool:
    """Whether ``exc`` says the database file is damaged (not busy, locked or merely unwritable)."""
    return isinstance(exc, sqlite3.DatabaseError) and _primary(exc) in _DAMAGE


def cannot_open(exc: BaseException) -> bool:
    """Whether ``exc`` says SQLite cannot open the file at all."""
    return isinstance(exc, sqlite3.Error) and _primary(exc) == _CANTOPEN


def set_aside(db: Path) -> Path | None:
    """Rename ``db`` and its ``-wal``/``-shm`` to the first free ``<name>.damaged-<time>[-N]``; its new path, or
    ``None`` when it could not be moved (then nothing was)."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    dest = db.with_name(f"{db.name}.damaged-{stamp}")
    n = 1
    while os.path.lexists(dest):
        dest = db.with_name(f"{db.name}.damaged-{stamp}-{n}")
        n += 1
    try:
        os.replace(db, dest)
    except OSError:
        return None
    for suffix in _SIDE_FILES:
        side = db.with_name(db.name + suffix)
        try:
            os.replace(side, dest.with_name(dest.name + suffix))
        except FileNotFoundError:
            pass
        except OSError:  # (the main file is moved: a stale log beside a new database is checked, not replayed)
            pass
    return dest


class CacheGuard:
    """The damage state of one run's cache file: reads guarded, writes stopped, the file set aside on close."""

    def __init__(self, db: Path) -> None:
        self.db = db
        self.damage: str | None = None  # what SQLite said when the damage was met (None: sound so far)

    def open(self, opener: Callable[[bool], T]) -> T:
        """``opener(True)`` (the session on the cache file); a damaged file set aside and opened afresh; a file that
        cannot be used, ``opener(False)`` (a session without the file), each said in one warning."""
        try:
            return opener(True)
        except sqlite3.Error as exc:
            if is_damage(exc):
                moved = set_aside(self.db)
                if moved is not None:
                    log.warning("the HTTP cache %s was damaged (%s); it was moved to %s and a new one is started",
                                self.db, exc, moved)
                    try:
                        return opener(True)
                    except sqlite3.Error as again:
                        exc = again
            elif not cannot_open(exc):
                raise
            log.warning("the HTTP cache %s cannot be used (%s); this run goes on without a cache", self.db, exc)
            return opener(False)

    def note(self, exc: BaseException) -> None:
        """The damage was met mid-run: say so once; the cache is not used again this run."""
        if self.damage is None:
            self.damage = str(exc)
            log.warning("the HTTP cache %s is damaged (%s); this run goes on without it, and the file is set "
                        "aside when the run ends", self.db, exc)

    def guard_reads(self, cache: Any) -> None:
        """Make ``cache.get_response`` (requests-cache's one lookup) a miss on damage instead of an exception."""
        get: Callable[..., Any] = cache.get_response

        def get_response(key: str, default: Any = None) -> Any:
            if self.damage is not None:
                return default
            try:
                return get(key, default)
            except sqlite3.DatabaseError as exc:
                if not is_damage(exc):
                    raise
                self.note(exc)
                return default

        cache.get_response = get_response

    def close(self) -> None:
        """After the run's connections are closed: set a file found damaged aside (the next run starts afresh)."""
        if self.damage is None:
            return
        moved = set_aside(self.db)
        if moved is not None:
            log.warning("the damaged HTTP cache was moved to %s; the next run starts a new one", moved)
