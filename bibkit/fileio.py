"""Safe file output: atomic writes, atomic backups, and respect for what is at the output path.

A reference manager's worst bug is a half-written or clobbered ``.bib``; every
file bibkit writes (bibliographies, reports, the Zotero key store and sync
state) goes through :func:`atomic_write_text`.  The rules, and why:

* **A regular file** (or a new path) is replaced atomically: the text goes to a
  temporary file in the same directory, is flushed to disk, then renamed over
  the target, so a reader (or a crash, or a full disk) sees the old file or
  the new one, never a mix.  The new file keeps the old one's permissions
  (and owner, when we may set it).
* **A symlink** is written *through*: the file it points to is replaced
  atomically (in the target's own directory) and the link stays a link.  That
  is what ``cmd > link`` does, and what a user who keeps ``refs.bib`` as a
  link into a synced folder expects; replacing the link with a regular file
  would silently detach it from its target.
* **Anything that is not a regular file** (a FIFO, ``/dev/null``, ``/dev/stdout``,
  a terminal, any character or block device) is opened and written directly:
  no temporary file, no rename, no backup.  Renaming over it would replace a
  pipe a reader is waiting on, or, run as root, the system's ``/dev/null``
  itself.  A directory or a socket is refused.
* **Backups** (``backup=True``, used when an output overwrites an input) are
  written the same atomic way, so a full disk never leaves a truncated
  ``in.bib.bak1`` behind.
* **A read-only file** (no write permission for this user, or none for anyone) is refused, not replaced:
  the rename would not ask the file's permission (:func:`_may_replace`).
* **Every failure** becomes one :class:`~bibkit.errors.OutputError` naming the
  path and the cause (exit code 8), and leaves what was at the path intact.
"""

from __future__ import annotations

import errno
import os
import stat
import sys
import tempfile
from pathlib import Path
from typing import Callable, Iterable, Iterator, TextIO, cast

from .errors import OutputError


def backup_path(path: Path) -> Path:
    """The first free ``<name>.bak``, ``<name>.bak1``, ``<name>.bak2``… beside ``path``."""
    candidate = path.with_name(path.name + ".bak")
    n = 1
    while os.path.lexists(candidate):
        candidate = path.with_name(f"{path.name}.bak{n}")
        n += 1
    return candidate


def atomic_write_text(path: str | os.PathLike[str], text: str | Iterable[str] | Iterable[bytes], *,
                      backup: bool = False, encoding: str = "utf-8", mode: int | None = None,
                      before_rename: Callable[[], None] | None = None, encoded: bool = False) -> Path | None:
    """Write ``text`` to ``path`` safely (see the module docstring); return the backup's path, if one was made.

    ``text`` may be the pieces of the text (their concatenation is written): a
    regular file then receives them one at a time, so a big output never has
    to be in memory whole, or twice (as text and as bytes).  ``-`` writes to
    standard output.  With ``backup=True`` and an existing
    regular file at ``path``, its content is first saved (atomically) to
    :func:`backup_path`.  ``mode`` (e.g. ``0o600`` for a file holding a secret)
    is the new file's permission bits, set before any byte is written; without
    it an existing target keeps its mode and a new one follows the umask.
    ``before_rename`` (regular files only) is called once the new content is
    complete and synced, just before it replaces the old: a sidecar that must
    describe the new content, and be in place first, is written then (the lock
    file: :func:`bibkit.app.prior.write_locked`).  ``encoded``: ``text`` is the pieces of the text already
    encoded (in ``encoding``) by a caller that needs the bytes too (the output's digest and the lock's copy of
    it): each piece is encoded once, not twice; a piece that cannot be encoded fails in the caller's iterator,
    as it would have here.
    Raises :class:`~bibkit.errors.OutputError` for anything that stops the write.
    """
    if encoded:
        return _write_encoded(path, cast("Iterable[bytes]", text), encoding, backup, mode, before_rename)
    text = cast("str | Iterable[str]", text)
    checked = False
    if not isinstance(text, str) and (str(path) == "-" or _exists_but_not_regular(path)):
        # standard output, a pipe, a device: written as it comes, so every piece is checked before any is written
        pieces = list(text)
        for piece in pieces:
            piece.encode(encoding)
        text, checked = "".join(pieces), True
    data: bytes | Iterable[bytes]
    if str(path) == "-":
        assert isinstance(text, str)
        if not checked:
            text.encode(encoding)  # an unencodable character fails here, before anything is touched
        write_stdout(text)
        return None
    if isinstance(text, str) and (checked or _exists_but_not_regular(path)):
        data = text.encode(encoding)  # an unencodable character fails here, before anything is touched
    else:
        # a regular file: the text goes to the temporary file a piece (or a megabyte) at a time, never encoded
        # whole; a piece that cannot be encoded fails the write there, the temporary file is removed, and the
        # target is still untouched
        parts = _megabytes(text) if isinstance(text, str) else batched(text)
        data = (piece.encode(encoding) for piece in parts)
    return _write_data(Path(path), data, backup, mode, before_rename)


def _write_encoded(path: str | os.PathLike[str], data: Iterable[bytes], encoding: str, backup: bool,
                   mode: int | None, before_rename: Callable[[], None] | None) -> Path | None:
    """:func:`atomic_write_text` of pieces already encoded: the same rules and errors."""
    if str(path) == "-" or _exists_but_not_regular(path):
        whole = b"".join(data)  # (as for text in pieces: every piece made before any is written)
        if str(path) == "-":
            write_stdout(whole.decode(encoding))
            return None
        return _write_data(Path(path), whole, backup, mode, before_rename)
    return _write_data(Path(path), data, backup, mode, before_rename)


def _write_data(given: Path, data: bytes | Iterable[bytes], backup: bool, mode: int | None,
                before_rename: Callable[[], None] | None) -> Path | None:
    """The file part of :func:`atomic_write_text`: ``data`` (encoded) to ``given`` by the module's rules."""
    try:
        target, st = _resolve(given)  # through symlinks, to the file really written
        if st is not None and not stat.S_ISREG(st.st_mode):
            if stat.S_ISDIR(st.st_mode):
                raise OutputError(f"cannot write {given}: it is a directory", str(given))
            if stat.S_ISSOCK(st.st_mode):
                raise OutputError(f"cannot write {given}: it is a socket, not a file", str(given))
            _write_in_place(target, data)  # FIFO, character or block device: never replaced
            return None
        if st is not None and not _may_replace(target, st):
            raise OutputError(f"cannot write {given}: it is read-only (bibkit does not replace a file made read-only; "
                              f"chmod u+w {given} to let it)", str(given))
        target.parent.mkdir(parents=True, exist_ok=True)
        saved = _backup(target, given) if backup and st is not None else None
        _replace(target, data, st, mode, before_rename)
        return saved
    except OutputError:
        raise
    except OSError as exc:
        error = output_error(given, exc)
        if exc.errno in (errno.EACCES, errno.EPERM) and os.path.isfile(given) and os.access(given, os.W_OK):
            error = OutputError(f"{error}: its directory is not writable, and bibkit replaces a file only "
                                "atomically (a temporary file beside it, then a rename)", str(given))
        raise error from None


def write_stdout(text: str) -> None:
    """Write to standard output; a full or closed device is an :class:`OutputError`, not a traceback.

    ``BrokenPipeError`` (the reader went away: ``bibkit … | head``) is left to
    the caller, which treats it as a normal end.
    """
    if sys.stdout is None:  # started with standard output closed (`bibkit … >&-`)
        raise OutputError("cannot write to standard output: it is closed", "-")
    _on_stdout(lambda out: (out.write(text), out.flush()))


def flush_stdout() -> None:
    """Flush what commands printed; a full device becomes an :class:`OutputError` (see :func:`write_stdout`)."""
    if sys.stdout is not None:
        _on_stdout(lambda out: out.flush())


def _on_stdout(action: Callable[[TextIO], object]) -> None:
    """Do ``action`` on standard output; after a failure, point it at ``/dev/null`` (nothing more can be
    written there) and raise: ``BrokenPipeError`` as it is, any other error as an :class:`OutputError`."""
    try:
        action(sys.stdout)
    except BrokenPipeError:
        silence_stdout()
        raise
    except OSError as exc:
        silence_stdout()
        raise OutputError(f"cannot write to standard output: {_cause(exc)}", "-") from None


def silence_stdout() -> None:
    """Point file descriptor 1 at ``/dev/null`` after a failed write.

    The text still buffered would otherwise be flushed again when Python exits,
    failing again and printing "Exception ignored …" after our one clear line.
    """
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):
        return
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, fd)
        os.close(null)
    except OSError:
        pass


def output_error(path: str | os.PathLike[str], exc: OSError) -> OutputError:
    """One line naming the path and the cause of a failed write."""
    return OutputError(f"cannot write {path}: {_cause(exc)}", str(path))


def _cause(exc: OSError) -> str:
    if exc.errno == errno.ENOSPC:
        return "no space left on device"
    if exc.errno == errno.EROFS:
        return "read-only file system"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    if exc.errno == errno.EDQUOT:
        return "disk quota exceeded"
    return exc.strerror.lower() if exc.strerror else str(exc)


def _stat(path: Path) -> os.stat_result | None:
    try:
        return os.stat(path)
    except FileNotFoundError:
        return None


#: how much text :func:`batched` gathers before it is encoded and written (one system call, not one per entry)
BATCH = 1 << 16


def batched(pieces: Iterable[str], size: int = BATCH) -> Iterator[str]:
    """``pieces`` joined into runs of at least ``size`` characters (the last may be shorter; a bigger piece goes
    alone): a writer yields an entry at a time, and per piece encoding, hashing and ``write(2)`` cost more than the
    work of making the entry (30,000 system calls for 10,000 entries).  Memory stays one run."""
    run: list[str] = []
    held = 0
    for piece in pieces:
        run.append(piece)
        held += len(piece)
        if held >= size:
            yield "".join(run)
            run, held = [], 0
    if run:
        yield "".join(run)


def _megabytes(text: str) -> Iterable[str]:
    step = 1 << 20
    return (text[i:i + step] for i in range(0, len(text), step)) if len(text) > step else [text]


def _resolve(path: Path) -> tuple[Path, os.stat_result | None]:
    """The file ``path`` names, through symlinks, and its status (``None``: no such file yet).

    A link the kernel follows but :func:`os.path.realpath` cannot — ``/dev/stdout`` or ``/dev/fd/N`` to a pipe
    or a socket (``/proc/self/fd/1 -> pipe:[…]``) — is the opened file itself, written where it is.
    """
    target = Path(os.path.realpath(path))
    st = _stat(target)
    if st is None and target != path:
        through = _stat(path)
        if through is not None and not stat.S_ISREG(through.st_mode):
            return path, through
    return target, st


def _exists_but_not_regular(path: str | os.PathLike[str]) -> bool:
    try:
        st = _resolve(Path(path))[1]
    except OSError:  # (a symlink loop, a directory it cannot search: the write itself says so, as an OutputError)
        return False
    return st is not None and not stat.S_ISREG(st.st_mode)


def _write_all(fd: int, data: bytes | Iterable[bytes]) -> None:
    for piece in [data] if isinstance(data, bytes) else data:
        view = memoryview(piece)
        while view:
            written = os.write(fd, view)
            view = view[written:]


def _may_replace(target: Path, st: os.stat_result) -> bool:
    """Whether a regular file may be replaced: it is writable for this user, and by someone at all.

    An atomic write renames a new file over the old one, which asks the *directory's* permission, never the
    file's: without this check a file made read-only (``chmod a-w refs.bib``: a bibliography frozen for a
    submission) would be replaced all the same, as ``>`` or an editor would refuse to.  Root passes every
    ``access`` check, so a file with no write bit for anyone counts as read-only for root too.
    """
    return bool(st.st_mode & 0o222) and os.access(target, os.W_OK)


def _write_in_place(target: Path, data: bytes | Iterable[bytes]) -> None:
    """A FIFO or device: open it for writing as it is (no create, no truncate, no rename) and write."""
    fd = os.open(target, os.O_WRONLY | getattr(os, "O_NOCTTY", 0))
    try:
        _write_all(fd, data)
    finally:
        os.close(fd)


def _replace(target: Path, data: bytes | Iterable[bytes], st: os.stat_result | None, mode: int | None,
             before_rename: Callable[[], None] | None = None) -> None:
    """Write ``data`` to a temporary file beside ``target``, sync it, and rename it over ``target``."""
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=str(target.parent))
    try:
        try:
            if mode is not None:
                os.fchmod(fd, mode)
            elif st is not None:
                os.fchmod(fd, stat.S_IMODE(st.st_mode))
                _keep_owner(fd, st)
            else:
                os.fchmod(fd, 0o666 & ~_umask())
            _write_all(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
        if before_rename is not None:
            before_rename()
        now = _lstat(target)
        if now is not None and not stat.S_ISREG(now.st_mode):  # replaced by a pipe or a link meanwhile
            raise OutputError(f"cannot write {target}: it stopped being a regular file during the write", str(target))
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    _sync_directory(target.parent)


def backup_file(path: str | os.PathLike[str]) -> Path:
    """Save a copy of the file at ``path`` as its first free ``.bak…`` (see :func:`_backup`); its path.

    Raises :class:`~bibkit.errors.OutputError` naming the backup's place when it cannot be written.
    """
    given = Path(path)
    try:
        return _backup(_resolve(given)[0], given)
    except OSError as exc:
        raise output_error(backup_path(given), exc) from None


def _backup(source: Path, beside: Path) -> Path:
    """Copy ``source`` to the first free ``<beside>.bak…``, atomically (temporary file, then a link to its name).

    The name is taken with :func:`os.link`, which fails when the name exists, never with a rename, which would
    replace it: two runs backing up the same file at once (``make -j``, a build started twice) each keep their
    own backup — with a rename, the second run's copy (often the first run's new output) replaced the first
    run's copy of the original.  A file system without hard links falls back to the rename.
    """
    st = os.stat(source)
    directory = beside.parent
    fd, tmp = tempfile.mkstemp(prefix=f".{beside.name}.bak.", suffix=".tmp", dir=str(directory))
    try:
        try:
            os.fchmod(fd, stat.S_IMODE(st.st_mode))
            with open(source, "rb") as fh:
                while True:
                    chunk = fh.read(1 << 20)
                    if not chunk:
                        break
                    _write_all(fd, chunk)
            os.fsync(fd)
        finally:
            os.close(fd)
        dest = _take_name(Path(tmp), beside)
    finally:
        try:
            os.unlink(tmp)
        except OSError:
            pass
    return dest


def _take_name(tmp: Path, beside: Path) -> Path:
    """Give the complete file ``tmp`` the first free backup name of ``beside`` without ever replacing one."""
    while True:
        dest = backup_path(beside)
        try:
            os.link(tmp, dest)
            return dest
        except FileExistsError:  # taken since it was found free (another run's backup): the next one
            continue
        except OSError as exc:
            if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EMLINK, errno.EXDEV):
                raise
            os.replace(tmp, dest)  # no hard links here: as before
            return dest


def _lstat(path: Path) -> os.stat_result | None:
    try:
        return os.lstat(path)
    except FileNotFoundError:
        return None


def _keep_owner(fd: int, st: os.stat_result) -> None:
    """Give the new file the old one's owner when we may (root rewriting a user's file)."""
    if hasattr(os, "fchown") and (st.st_uid != os.geteuid() or st.st_gid != os.getegid()):
        try:
            os.fchown(fd, st.st_uid, st.st_gid)
        except OSError:
            pass


def _sync_directory(directory: Path) -> None:
    """Make the rename itself durable (best effort: not every file system lets a directory be synced)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


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
    except (OSError, RuntimeError):  # (RuntimeError: a symlink loop, before Python 3.13)
        return False
