"""Errors that end a command, each with the exit code scripts can rely on.

Problems that concern one entry are *not* errors: they are collected as
:class:`bibkit.model.Problem` data and reported.  These exceptions are for what
stops a run.  What ``--strict`` makes of a finished run (a service down: 4,
entries unresolved: 5) is not an exception but a value the result computes
(``BuildResult.exit_code``) from typed outcomes.
"""

from __future__ import annotations

import enum

from .model import SourceLocation


class ExitCode(enum.IntEnum):
    """Documented process exit codes (README, "Exit codes")."""

    OK = 0
    INTERNAL = 1  # a bug: please report it
    USAGE = 2  # bad command line (argparse's own code)
    INPUT = 3  # unreadable or malformed input (with --strict: any malformed entry)
    NETWORK = 4  # --strict and a service could not be reached / rate limit stopped enrichment
    INCOMPLETE = 5  # --strict and some entries stayed unresolved or ambiguous
    ZOTERO = 6  # Zotero not reachable, refused, or a sync could not be completed
    MISSING = 7  # `cite`: cited keys that no source has
    OUTPUT = 8  # an output file (or standard output) could not be written; what was there is left intact
    INTERRUPTED = 130


class BibkitError(Exception):
    """Base of errors that stop a command; ``exit_code`` says how."""

    exit_code = ExitCode.INTERNAL


class InputError(BibkitError):
    """Bad input, named by file, line and (when known) entry key."""

    exit_code = ExitCode.INPUT

    def __init__(self, message: str, location: SourceLocation | None = None, key: str | None = None):
        self.location, self.key = location, key
        where = f"{location}: " if location else ""
        who = f"entry {key!r}: " if key else ""
        super().__init__(f"{where}{who}{message}")


class OutputError(BibkitError):
    """An output could not be written (disk full, read-only, permission denied, not a file…).

    The message names the path and the cause in one line; whatever was at the
    path before is left as it was (writes are atomic, backups too).
    """

    exit_code = ExitCode.OUTPUT

    def __init__(self, message: str, path: str | None = None):
        self.path = path
        super().__init__(message)


class UsageError(BibkitError):
    """A bad option value that argparse could not catch (e.g. a citation key formula)."""

    exit_code = ExitCode.USAGE


class MissingCitationsError(BibkitError):
    """``bibkit cite``: cited keys that no source has; ``missing`` maps each to the closest existing keys."""

    exit_code = ExitCode.MISSING

    def __init__(self, message: str, missing: dict[str, list[str]] | None = None):
        self.missing = dict(missing or {})
        super().__init__(message)
