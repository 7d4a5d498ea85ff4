"""The start-up shortcuts of the ``bibkit`` process (#15) change no behaviour.

* A command line that can show no other command builds only its own sub-parser
  (:func:`bibkit.cli.runs_alone`): its help, usage and errors are those of the full parser.
* ``convert`` and ``tidy`` end their process without the interpreter's teardown
  (:func:`bibkit.cli.common.end_process`): what they print is all there, exit codes are
  the same, and ``atexit`` functions (a profiler's, a benchmark's) still run.

The processes are run as a user runs them (``python -m bibkit``).
"""

from __future__ import annotations

import contextlib
import io
import subprocess
import sys
from pathlib import Path

import pytest

from bibkit.cli import COMMANDS, build_parser, command_of, main, runs_alone

from conftest import DATA

SAMPLE = DATA / "bib" / "nasty.bib"


def _parse(argv: list[str], alone: bool) -> tuple[object, str, str]:
    """What parsing ``argv`` does: the exit (or the command), stdout and stderr."""
    command = command_of(argv)
    parser = build_parser(command, alone=alone)
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            args = parser.parse_args(argv)
            ended: object = args.command
        except SystemExit as exc:
            ended = exc.code
    return ended, out.getvalue(), err.getvalue()


@pytest.mark.parametrize("argv, alone", [
    (["convert", "x.bib"], True),
    (["-q", "convert", "x.bib"], True),
    (["-vv", "-q", "tidy", "x.bib"], True),
    (["--verbose", "--quiet", "build", "x.txt"], True),
    (["build", "convert"], True),  # an input file named like a command: the command is the first word
    (["-h", "convert"], False),  # the top-level help lists every command
    (["--he", "convert"], False),  # (an abbreviation of --help)
    (["--version", "convert"], False),
    (["foo", "convert"], False),  # "invalid choice" lists every command
    (["-x", "convert"], False),
    ([], False),
    (["--", "convert"], False),
])
def test_only_a_command_line_that_shows_no_other_command_runs_alone(argv: list[str], alone: bool):
    assert runs_alone(argv, command_of(argv)) is alone


@pytest.mark.parametrize("command", sorted(COMMANDS))
@pytest.mark.parametrize("rest", [["--help"], [], ["--no-such-option"], ["x.bib", "--no-such-option"]],
                         ids=["help", "nothing", "bad-option", "input-and-bad-option"])
def test_a_command_alone_parses_helps_and_fails_as_with_every_command(command: str, rest: list[str]):
    argv = ["-q", command, *rest]
    assert runs_alone(argv, command)
    assert _parse(argv, alone=True) == _parse(argv, alone=False)


def _bibkit(*args: str, cwd: Path, code: str | None = None) -> subprocess.CompletedProcess[str]:
    """``python -m bibkit ARGS`` as a user runs it; ``code`` runs first in the same process (a probe)."""
    if code is None:
        argv = [sys.executable, "-m", "bibkit", *args]
    else:
        argv = [sys.executable, "-c", code + f"\nimport sys, runpy\nsys.argv = ['bibkit', *{list(args)!r}]\n"
                                               "runpy.run_module('bibkit', run_name='__main__', alter_sys=True)"]
    return subprocess.run(argv, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=120)


def test_convert_to_stdout_prints_everything_and_runs_exit_functions(tmp_path: Path):
    probe = ("import atexit, sys\n"
             "atexit.register(lambda: open('atexit-ran', 'w').write('yes'))\n"
             "atexit.register(lambda: print('printed at exit'))\n")
    whole = _bibkit("-q", "convert", str(SAMPLE), cwd=tmp_path)  # as the shell runs it
    probed = _bibkit("-q", "convert", str(SAMPLE), cwd=tmp_path, code=probe)
    assert whole.returncode == probed.returncode == 0, probed.stderr
    assert whole.stdout.count("@") >= 3 and whole.stdout.rstrip().endswith("}")
    assert probed.stdout == whole.stdout + "printed at exit\n"  # all the data, then what the exit function printed
    assert (tmp_path / "atexit-ran").read_text() == "yes"


def test_convert_and_tidy_exit_codes_and_messages_are_kept(tmp_path: Path):
    missing = _bibkit("convert", "no-such.bib", "-o", "out.bib", cwd=tmp_path)
    assert missing.returncode == 3 and "no-such.bib" in missing.stderr and "Traceback" not in missing.stderr
    (tmp_path / "messy.bib").write_text("@article{a,title={T},year={2020},author={Doe, J}}\n", encoding="utf-8")
    check = _bibkit("tidy", "--check", "messy.bib", cwd=tmp_path)
    assert check.returncode == 1 and "messy.bib" in check.stderr
    written = _bibkit("convert", "messy.bib", "-o", "out.bib", cwd=tmp_path)
    assert written.returncode == 0, written.stderr
    assert "entries written" in written.stderr  # the summary is flushed before the process ends
    assert (tmp_path / "out.bib").read_text(encoding="utf-8").startswith("@article{a,")
    assert (tmp_path / "out.bib.lock.json").is_file()


def test_an_in_process_caller_gets_the_exit_code_back(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    # main([...]) is a library call: it returns, the process lives on
    assert main(["-q", "convert", str(SAMPLE), "-o", str(tmp_path / "out.bib")]) == 0
    assert (tmp_path / "out.bib").is_file()


def test_a_script_calling_main_on_its_own_command_line_goes_on(tmp_path: Path):
    # only the console script (and python -m bibkit) end the process; main() with sys.argv returns
    code = (f"import sys\nsys.argv = ['bibkit', '-q', 'convert', {str(SAMPLE)!r}, '-o', 'out.bib']\n"
            "from bibkit.cli import main\nprint('returned', main())")
    proc = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "returned 0\n"
    assert (tmp_path / "out.bib").is_file()


def test_a_profiled_run_ends_the_usual_way_so_the_profile_is_written(tmp_path: Path):
    proc = subprocess.run([sys.executable, "-m", "cProfile", "-o", "run.prof", "-m", "bibkit", "-q", "convert",
                           str(SAMPLE), "-o", "out.bib"], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "out.bib").is_file()
    assert (tmp_path / "run.prof").stat().st_size > 0  # written by cProfile after the program returned
