"""A bibliography is written a block at a time: the same text as rendering it whole, with the same safety.

``write_output`` hands the BibTeX writer's blocks to ``atomic_write_text`` one by
one (a 100,000-entry file is never one string in memory, nor twice as text and
bytes).  What reaches the file, a pipe or standard output must be exactly what
``render`` returns, and a piece that cannot be written must leave the target
as it was (regular file) or untouched (pipe, standard output).
"""

from __future__ import annotations

import errno
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from bibkit.app import render, write_output
from bibkit.app.options import WriteOptions
from bibkit.cli import main
from bibkit.errors import ExitCode, OutputError
from bibkit.fileio import atomic_write_text
from bibkit.lockfile import lock_path, read_lock, text_digest
from bibkit.sources import read_path
from conftest import DATA


@pytest.mark.parametrize("to", ["bibtex", "biblatex", None, "csl-json"])
def test_written_pieces_are_the_rendered_text(tmp_path, to):
    doc = read_path(str(DATA / "bib" / "nasty.bib"))
    out = tmp_path / "out.bib"
    write_output(doc, str(out), WriteOptions(to=to))
    assert out.read_text(encoding="utf-8") == render(doc, to)


def test_an_unwritable_piece_leaves_the_file_as_it_was(tmp_path):
    out = tmp_path / "refs.bib"
    out.write_text("old\n", encoding="utf-8")
    pieces = iter(["@misc{a,}\n", "\ud800 a lone surrogate\n"])
    with pytest.raises(UnicodeEncodeError):
        atomic_write_text(out, pieces)
    assert out.read_text(encoding="utf-8") == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["refs.bib"]  # no temporary file left behind


def test_a_pipe_gets_nothing_when_a_piece_cannot_be_written(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(open(fifo, "rb").read()))
    reader.start()
    with pytest.raises(UnicodeEncodeError):
        atomic_write_text(fifo, iter(["@misc{a,}\n", "\ud800\n"]))
    atomic_write_text(fifo, iter(["@misc{a,}\n", "@misc{b,}\n"]))  # the reader still waits: it gets this
    reader.join(timeout=10)
    assert got == [b"@misc{a,}\n@misc{b,}\n"]


def test_standard_output_gets_the_whole_text(tmp_path):
    code = ("import sys; from bibkit.fileio import atomic_write_text\n"
            "atomic_write_text('-', iter(['@misc{a,}\\n', '\\n', '@misc{b,}\\n']))\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0 and proc.stdout == "@misc{a,}\n\n@misc{b,}\n"


def test_a_directory_target_is_still_refused_with_pieces(tmp_path):
    with pytest.raises(OutputError):
        atomic_write_text(tmp_path, iter(["x"]))


# --------------------------------------------------------------------------- the lock beside a streamed output


def test_the_lock_of_a_streamed_build_describes_the_text_written(tmp_path):
    out = tmp_path / "refs.bib"
    assert main(["-q", "convert", str(DATA / "bib" / "nasty.bib"), "-o", str(out)]) == 0
    lock = read_lock(lock_path(out))
    text = out.read_text(encoding="utf-8")
    assert lock is not None and lock.digest == text_digest(text) and lock.text() == text


def test_the_lock_is_in_place_before_the_output_replaces_the_old_one(tmp_path, monkeypatch):
    out = tmp_path / "refs.bib"
    renamed: list[str] = []
    real_replace = os.replace

    def replace(src, dst):
        renamed.append(Path(dst).name)
        return real_replace(src, dst)

    monkeypatch.setattr("bibkit.fileio.os.replace", replace)
    assert main(["-q", "convert", str(DATA / "bib" / "nasty.bib"), "-o", str(out)]) == 0
    assert renamed == ["refs.bib.lock.json", "refs.bib"]


def test_a_write_that_fails_leaves_the_old_output_and_its_lock(tmp_path, monkeypatch):
    out = tmp_path / "refs.bib"
    src = tmp_path / "in.bib"
    src.write_text((DATA / "bib" / "nasty.bib").read_text(encoding="utf-8"), encoding="utf-8")
    assert main(["-q", "convert", str(src), "-o", str(out)]) == 0
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    src.write_text("@misc{new, title = {A paper written later}, year = 2024}\n", encoding="utf-8")

    real_fsync, calls = os.fsync, []

    def full(fd):  # the disk fills up as the new output is written (its first fsync); the lock could be written
        calls.append(fd)
        if len(calls) == 1:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_fsync(fd)

    monkeypatch.setattr("bibkit.fileio.os.fsync", full)
    assert main(["-q", "convert", str(src), "-o", str(out)]) == ExitCode.OUTPUT
    after = {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.name != "in.bib"}
    assert after == {k: v for k, v in before.items() if k != "in.bib"}  # old output and lock, no temporary file


class _FullDisk:
    """The lock's temporary copy on a file system that fills up: a write after ``room`` bytes (``on="write"``),
    or only the flush when it is closed (``on="close"``, what a buffered file does with its last bytes)."""

    def __init__(self, room: int = 0, on: str = "write") -> None:
        import io

        self.inner, self.room, self.on = io.BytesIO(), room, on

    def write(self, data: bytes) -> int:
        if self.on == "write" and self.inner.tell() + len(data) > self.room:
            raise OSError(errno.ENOSPC, "No space left on device")
        return self.inner.write(data)

    def __getattr__(self, name: str):
        return getattr(self.inner, name)

    def close(self) -> None:
        self.inner.close()
        if self.on == "close":
            raise OSError(errno.ENOSPC, "No space left on device")


@pytest.mark.parametrize("room", [0, 64])
def test_no_room_for_the_locks_copy_fails_the_lock_not_the_output(tmp_path, monkeypatch, capsys, room):
    out = tmp_path / "refs.bib"
    src = tmp_path / "in.bib"
    src.write_text((DATA / "bib" / "nasty.bib").read_text(encoding="utf-8"), encoding="utf-8")
    assert main(["-q", "convert", str(src), "-o", str(out)]) == 0
    src.write_text("@misc{new, title = {A paper written later}, year = 2024}\n", encoding="utf-8")
    monkeypatch.setattr("bibkit.app.prior.tempfile.SpooledTemporaryFile", lambda *_a, **_k: _FullDisk(room))
    assert main(["convert", str(src), "-o", str(out)]) == 0  # as when the lock itself cannot be written
    assert "A paper written later" in out.read_text(encoding="utf-8")
    assert not lock_path(out).exists()  # the old lock would describe the old output: gone
    assert "refs.bib.lock.json: no space left on device" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.bib", "refs.bib"]


def test_a_copy_that_cannot_be_closed_does_not_fail_a_written_output(tmp_path, monkeypatch):
    out = tmp_path / "refs.bib"
    monkeypatch.setattr("bibkit.app.prior.tempfile.SpooledTemporaryFile", lambda *_a, **_k: _FullDisk(on="close"))
    assert main(["-q", "convert", str(DATA / "bib" / "nasty.bib"), "-o", str(out)]) == 0
    lock = read_lock(lock_path(out))
    assert lock is not None and lock.text() == out.read_text(encoding="utf-8")


def test_an_output_symlink_loop_is_one_line_and_exit_8(tmp_path, capsys):
    out = tmp_path / "loop.bib"
    out.symlink_to("loop.bib")
    assert main(["-q", "convert", str(DATA / "bib" / "nasty.bib"), "-o", str(out)]) == ExitCode.OUTPUT
    assert "loop.bib: too many levels of symbolic links" in capsys.readouterr().err


def test_a_big_copy_goes_to_a_file_and_still_makes_the_lock(tmp_path, monkeypatch):
    out = tmp_path / "refs.bib"
    monkeypatch.setattr("bibkit.app.prior._COPY_IN_MEMORY", 256)  # nasty.bib's copy is bigger: it rolls over
    assert main(["-q", "convert", str(DATA / "bib" / "nasty.bib"), "-o", str(out)]) == 0
    lock = read_lock(lock_path(out))
    assert lock is not None and lock.text() == out.read_text(encoding="utf-8")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["refs.bib", "refs.bib.lock.json"]


@pytest.mark.skipif(not os.path.exists("/proc/self/fd"), reason="needs /dev/stdout as a link to /proc/self/fd")
def test_dev_stdout_to_a_pipe_is_written_in_place(tmp_path):
    # /dev/stdout -> /proc/self/fd/1 -> "pipe:[…]": realpath names no file, the kernel opens the pipe
    src = DATA / "bib" / "nasty.bib"
    run = subprocess.run([sys.executable, "-m", "bibkit", "-q", "convert", str(src), "-o", "/dev/stdout"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=tmp_path, timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stdout.decode("utf-8") == render(read_path(str(src)), None)


@pytest.mark.skipif(not os.path.exists("/proc/self/fd"), reason="needs /dev/stdout as a link to /proc/self/fd")
def test_dev_stdout_to_a_file_gets_no_lock_in_dev(tmp_path):
    """``-o /dev/stdout > refs.bib``: the bibliography reaches the file, and no lock is written beside
    ``/dev/stdout`` (it landed in ``/dev`` as ``stdout.lock.json``, found in review)."""
    src = DATA / "bib" / "nasty.bib"
    stray = Path("/dev/stdout.lock.json")
    existed = stray.exists()
    target = tmp_path / "refs.bib"
    with open(target, "wb") as sink:
        run = subprocess.run([sys.executable, "-m", "bibkit", "-q", "convert", str(src), "-o", "/dev/stdout"],
                             stdout=sink, stderr=subprocess.PIPE, cwd=tmp_path, timeout=120)
    assert run.returncode == 0, run.stderr
    assert target.read_text(encoding="utf-8") == render(read_path(str(src)), None)
    assert existed or not stray.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["refs.bib"]


def _bibliography(n: int, tag: str) -> str:
    return "".join(f"@article{{k{i},\n  title = {{A study of {tag} number {i}}},\n  author = {{Doe, Jane and Roe, Rick}},\n"
                   f"  journal = {{Journal of Tests}},\n  year = {{2024}},\n}}\n\n" for i in range(n))


@pytest.mark.parametrize("signame", ["SIGTERM", "SIGHUP"])
def test_a_kill_mid_write_ends_the_run_as_ctrl_c_does(tmp_path, signame):
    """``kill`` (SIGTERM) or a closed terminal (SIGHUP) while a big output is being written: "interrupted",
    exit 130, the old output and lock as they were and no temporary file left beside them (before, the
    process died where it stood and left its half-written ``.out.bib.*.tmp`` behind)."""
    import signal
    import time

    src, out = tmp_path / "in.bib", tmp_path / "out.bib"
    src.write_text(_bibliography(3000, "old"), encoding="utf-8")
    assert main(["-q", "convert", str(src), "-o", str(out)]) == 0
    before, lock_before = out.read_bytes(), lock_path(str(out)).read_bytes()
    src.write_text(_bibliography(60_000, "new"), encoding="utf-8")
    proc = subprocess.Popen([sys.executable, "-m", "bibkit", "-q", "convert", str(src), "-o", str(out)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=tmp_path)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None and not list(tmp_path.glob(".out.bib.*.tmp")):
        time.sleep(0.005)
    assert proc.poll() is None, "the run ended before its output was being written"
    proc.send_signal(getattr(signal, signame))
    _out, err = proc.communicate(timeout=120)
    assert proc.returncode == ExitCode.INTERRUPTED and b"interrupted" in err and b"Traceback" not in err
    assert out.read_bytes() == before and lock_path(str(out)).read_bytes() == lock_before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.bib", "out.bib", "out.bib.lock.json"]
