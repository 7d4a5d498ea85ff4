"""Safe output (#10): what is at the output path is respected, failures are one line, originals stay intact.

Real files, links, FIFOs and devices; the command line run as a user would
(``python -m bibkit``), so exit codes and stderr are what scripts see.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from bibkit.errors import ExitCode, OutputError
from bibkit.fileio import atomic_write_text

from conftest import DATA

SAMPLE = DATA / "bib" / "nasty.bib"
ROOT_ONLY = pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0,
                               reason="needs root to make a character device with mknod")


def bibkit(*args: str, cwd: Path | None = None, env: dict | None = None, stdout=None, preexec=None):
    return subprocess.run([sys.executable, "-m", "bibkit", "-q", *args], cwd=cwd, env=env, stdout=stdout or subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True, timeout=120, preexec_fn=preexec)


def one_error_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr
    return lines[0]


# --------------------------------------------------------------------------- the library function


def test_regular_file_is_replaced_atomically_keeping_its_mode(tmp_path):
    out = tmp_path / "refs.bib"
    out.write_text("old")
    os.chmod(out, 0o640)
    atomic_write_text(out, "new")
    assert out.read_text() == "new" and stat.S_IMODE(out.stat().st_mode) == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["refs.bib"]  # no temporary file left


def test_a_symlink_is_written_through_and_stays_a_link(tmp_path):
    real_dir = tmp_path / "synced"
    real_dir.mkdir()
    target = real_dir / "refs.bib"
    target.write_text("old")
    link = tmp_path / "refs.bib"
    link.symlink_to(target)
    atomic_write_text(link, "new")
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert target.read_text() == "new"
    # a link to a link, and a relative link, end at the same file
    hop = tmp_path / "hop.bib"
    hop.symlink_to("refs.bib")
    atomic_write_text(hop, "newer")
    assert hop.is_symlink() and link.is_symlink() and target.read_text() == "newer"


def test_a_dangling_symlink_creates_its_target(tmp_path):
    link = tmp_path / "out.bib"
    link.symlink_to(tmp_path / "made.bib")
    atomic_write_text(link, "text")
    assert link.is_symlink() and (tmp_path / "made.bib").read_text() == "text"


def test_a_backup_through_a_symlink_copies_the_target(tmp_path):
    target = tmp_path / "real.bib"
    target.write_text("original")
    link = tmp_path / "in.bib"
    link.symlink_to(target)
    saved = atomic_write_text(link, "rewritten", backup=True)
    assert saved == tmp_path / "in.bib.bak" and saved.read_text() == "original" and not saved.is_symlink()
    assert link.is_symlink() and target.read_text() == "rewritten"


def test_a_fifo_is_written_in_place_never_replaced(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
    reader.start()
    assert atomic_write_text(fifo, "through the pipe\n", backup=True) is None  # no backup of a pipe
    reader.join(10)
    assert got == [b"through the pipe\n"]
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pipe"]


def test_dev_null_stays_a_device():
    before = os.stat(os.devnull)
    atomic_write_text(os.devnull, "discarded")
    after = os.stat(os.devnull)
    assert stat.S_ISCHR(after.st_mode) and after.st_rdev == before.st_rdev and after.st_ino == before.st_ino


@ROOT_ONLY
def test_a_private_character_device_is_never_replaced(tmp_path):
    """As root, `-o /dev/null` used to replace /dev/null with a regular file; a private copy proves it no longer can."""
    null = tmp_path / "null"
    os.mknod(null, stat.S_IFCHR | 0o666, os.makedev(1, 3))  # the null device's numbers
    inode = os.stat(null).st_ino
    proc = bibkit("convert", str(SAMPLE), "-o", str(null))
    assert proc.returncode == 0, proc.stderr
    st = os.stat(null)
    assert stat.S_ISCHR(st.st_mode) and st.st_rdev == os.makedev(1, 3) and st.st_ino == inode
    assert sorted(p.name for p in tmp_path.iterdir()) == ["null"]  # no backup, no temporary file


def test_a_directory_is_refused(tmp_path):
    with pytest.raises(OutputError, match="is a directory"):
        atomic_write_text(tmp_path, "text")


def test_dev_full_is_one_clear_error():
    with pytest.raises(OutputError) as info:
        atomic_write_text("/dev/full", "text")
    assert str(info.value) == "cannot write /dev/full: no space left on device"
    assert info.value.exit_code == ExitCode.OUTPUT == 8


# --------------------------------------------------------------------------- the command line


def test_cli_to_dev_full_exits_8_with_one_line(tmp_path):
    proc = bibkit("convert", str(SAMPLE), "-o", "/dev/full")
    assert proc.returncode == ExitCode.OUTPUT
    assert one_error_line(proc.stderr) == "bibkit: error: cannot write /dev/full: no space left on device"


def test_cli_stdout_on_a_full_device_exits_8_with_one_line():
    with open("/dev/full", "w") as full:
        proc = bibkit("convert", str(SAMPLE), stdout=full)
    assert proc.returncode == ExitCode.OUTPUT
    assert one_error_line(proc.stderr) == "bibkit: error: cannot write to standard output: no space left on device"


def test_cli_with_standard_output_closed_exits_8():
    proc = subprocess.run([sys.executable, "-c", "import os, sys; os.close(1); from bibkit.cli import main; "
                           f"sys.exit(main(['-q', 'convert', {str(SAMPLE)!r}]))"],
                          stderr=subprocess.PIPE, text=True, timeout=120)
    assert proc.returncode == ExitCode.OUTPUT
    assert one_error_line(proc.stderr).startswith("bibkit: error: cannot write to standard output")


def test_cli_report_to_a_full_device_exits_8(tmp_path):
    out = tmp_path / "out.bib"
    proc = bibkit("convert", str(SAMPLE), "-o", str(out), "--report", "/dev/full")
    assert proc.returncode == ExitCode.OUTPUT and "cannot write /dev/full" in one_error_line(proc.stderr)
    assert out.exists()  # the bibliography came first and is whole


def test_cli_onto_a_symlink_keeps_the_link(tmp_path):
    target = tmp_path / "target.bib"
    target.write_text("old")
    link = tmp_path / "link.bib"
    link.symlink_to(target)
    proc = bibkit("convert", str(SAMPLE), "-o", str(link))
    assert proc.returncode == 0, proc.stderr
    assert link.is_symlink() and "@" in target.read_text()


def test_cli_onto_a_fifo_feeds_the_reader(tmp_path):
    fifo = tmp_path / "feed"
    os.mkfifo(fifo)
    got: list[str] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_text()))
    reader.start()
    proc = bibkit("convert", str(SAMPLE), "-o", str(fifo))
    reader.join(30)
    assert proc.returncode == 0, proc.stderr
    assert got and got[0].count("@") >= 3
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def _read_only_place(tmp_path: Path) -> Path | None:
    """A directory the current user cannot write: a chmod'ed one, or (root ignores modes) a read-only mount."""
    if os.geteuid() != 0:
        ro = tmp_path / "ro"
        ro.mkdir()
        os.chmod(ro, 0o555)
        return ro
    with open("/proc/mounts") as fh:
        for line in fh:
            parts = line.split()
            if len(parts) > 3 and "ro" in parts[3].split(",") and os.path.isdir(parts[1]):
                probe = Path(parts[1]) / "bibkit-ro-probe"
                try:
                    probe.write_text("")
                except OSError as exc:
                    if exc.errno == errno.EROFS:
                        return Path(parts[1])
                else:
                    probe.unlink()
    return None


def test_cli_into_a_read_only_directory_exits_8_and_names_the_path(tmp_path):
    place = _read_only_place(tmp_path)
    locked = contextlib.nullcontext()
    if place is None:  # root, and no read-only mount: an immutable directory refuses root too
        place = tmp_path / "immutable"
        place.mkdir()
        locked = _locked_directory(place)
    out = place / "refs.bib"
    with locked:
        proc = bibkit("convert", str(SAMPLE), "-o", str(out))
        assert not out.exists()
    assert proc.returncode == ExitCode.OUTPUT
    line = one_error_line(proc.stderr)
    assert line.startswith(f"bibkit: error: cannot write {out}: ")
    assert line.endswith(("permission denied", "read-only file system", "operation not permitted"))


@contextlib.contextmanager
def _locked_directory(place: Path):
    """``place`` made unwritable as a directory while its files stay writable: ``chmod 555`` for a user; for
    root (who ignores modes) the immutable attribute (``chattr +i``), which forbids new names in it but not
    writing the files already there."""
    if os.geteuid() != 0:
        os.chmod(place, 0o555)
        try:
            yield
        finally:
            os.chmod(place, 0o755)
        return
    chattr = shutil.which("chattr")
    if chattr is None or subprocess.run([chattr, "+i", str(place)], capture_output=True).returncode != 0:
        pytest.skip("root writes into any directory, and this file system refuses chattr +i (needs an unprivileged "
                    "user or ext4-like attributes)")
    try:
        yield
    finally:
        subprocess.run([chattr, "-i", str(place)], check=True)


def test_cli_onto_a_writable_file_in_a_locked_directory_says_why(tmp_path):
    """The file may be written but its directory not: bibkit will not write in place, and says so."""
    place = tmp_path / "locked"
    place.mkdir()
    out = place / "refs.bib"
    out.write_text("original")
    with _locked_directory(place):
        proc = bibkit("convert", str(SAMPLE), "-o", str(out))
        assert proc.returncode == ExitCode.OUTPUT, proc.stderr
        line = one_error_line(proc.stderr)
        assert line.startswith(f"bibkit: error: cannot write {out}: permission denied") and "directory" in line
        assert out.read_text() == "original"


def _limit_file_size(limit: int):
    """Make this process's files stop growing at ``limit`` bytes (EFBIG, as a full disk would stop them)."""
    def apply() -> None:
        import resource
        import signal

        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return apply


def test_rewriting_an_input_on_a_full_disk_leaves_no_truncated_backup_and_the_input_intact(tmp_path):
    bib = tmp_path / "in.bib"
    bib.write_bytes(SAMPLE.read_bytes())
    first = bibkit("convert", str(bib), "-o", str(bib))
    assert first.returncode == 0, first.stderr
    assert (tmp_path / "in.bib.bak").read_bytes() == SAMPLE.read_bytes()
    before = bib.read_bytes()
    second = bibkit("convert", str(bib), "-o", str(bib), preexec=_limit_file_size(len(before) // 2))
    assert second.returncode == ExitCode.OUTPUT
    line = one_error_line(second.stderr)
    assert line.startswith("bibkit: error: cannot write ") and "in.bib" in line
    assert bib.read_bytes() == before  # the input is intact
    # no .bak1, no temporary files (the lock file of #11 sits beside the output it describes)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.bib", "in.bib.bak", "in.bib.lock.json"]
