"""Safe file output: atomic writes, and a backup before an input is ever overwritten.

A reference manager's worst bug is a half-written or clobbered ``.bib``; every
file bibkit writes goes through :func:`atomic_write_text`.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path


def backup_path(path: Path) -> Path:
    """The first free ``<name>.bak``, ``<name>.bak1``, ``<name>.bak2``… beside ``path``."""
    candidate = path.with_name(path.name + ".bak")
    n = 1
    while candidate.exists():
        candidate = path.with_name(f"{path.name}.bak{n}")
        n += 1
    return candidate


def atomic_write_text(path: str | os.PathLike[str], text: str, *, backup: bool = False, encoding: str = "utf-8",
                      mode: int | None = None) -> Path | None:
    """Write ``text`` to ``path`` so that readers see the old file or the new one, never a mix.

    The text goes to a temporary file in the same directory, is flushed to disk,
    then renamed over the target.  With ``backup=True`` and an existing target,
    the old file is first copied to :func:`backup_path` (returned).  ``-`` writes
    to standard output.  ``mode`` (e.g. ``0o600`` for a file holding a secret)
    is the new file's permission bits, set before any byte is written; without
    it an existing target keeps its mode and a new one follows the umask.
    """
    if str(path) == "-":
        sys.stdout.write(text)
        sys.stdout.flush()
        return None
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    saved: Path | None = None
    if backup and target.exists():
        saved = backup_path(target)
        saved.write_bytes(target.read_bytes())
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=str(target.parent))
    try:
        if mode is not None:
            os.fchmod(fd, mode)
        with os.fdopen(fd, "w", encoding=encoding, newline="") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        if mode is None and target.exists():
            os.chmod(tmp, target.stat().st_mode & 0o7777)
        elif mode is None:
            os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    return saved


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def same_file(a: str | os.PathLike[str], b: str | os.PathLike[str]) -> bool:
    """Whether two paths name the same existing file (so an output would overwrite an input)."""
    if str(a) == "-" or str(b) == "-":
        return False
    try:
        return Path(a).resolve() == Path(b).resolve()
    except OSError:
        return False
