"""A bad citation key formula is a usage error in every command that gives keys: exit 2, one line, no traceback.

It used to differ by command: ``bibkit convert`` said so in one line, while
``zotero-bridge sync --dry-run`` (which read and normalised by itself) died
with a traceback.  Now every command takes its keys from the application
layer, which checks the formula — from ``--key-format`` or from
``BIBKIT_CITEKEY_FORMAT`` — before reading anything or asking any service.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import EXAMPLES, ROOT

from bibkit.cli import main as bibkit_main
from bibkit.errors import ExitCode
from zotero_bridge.cli import main as bridge_main

BAD = "nosuchfn(3)"
LISTING = str(EXAMPLES / "hf-trending-papers.txt")


def commands(tmp_path: Path) -> list[tuple[str, object, list[str]]]:
    aux = tmp_path / "paper.aux"
    aux.write_text("\\citation{someKey}\n\\bibdata{refs}\n", encoding="utf-8")
    rules = EXAMPLES / "tags.toml"
    out = str(tmp_path / "out.bib")
    return [
        ("bibkit", bibkit_main, ["convert", LISTING, "-o", out]),
        ("bibkit", bibkit_main, ["enrich", LISTING, "-o", out, "--offline"]),
        ("bibkit", bibkit_main, ["build", LISTING, "-o", out, "--no-enrich"]),
        ("bibkit", bibkit_main, ["tag", LISTING, "-o", out, "--rules", str(rules)]),
        ("bibkit", bibkit_main, ["collections", LISTING, "--rules", str(rules)]),
        ("bibkit", bibkit_main, ["cite", str(aux), "--from", LISTING, "-o", out]),
        ("bibkit", bibkit_main, ["repos", LISTING, "--offline"]),
        ("zotero-bridge", bridge_main, ["sync", LISTING, "--collection", "Reading", "--dry-run"]),
        ("zotero-bridge", bridge_main, ["sync", LISTING, "--collection-per-tag", "Reading", "--dry-run"]),
        ("zotero-bridge", bridge_main, ["export", "--collection", "Reading", "-o", out]),
    ]


def _check(capsys: pytest.CaptureFixture[str], code: int, prog: str, tmp_path: Path) -> None:
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if line.strip()]
    assert code == ExitCode.USAGE, err
    assert lines == [lines[0]] and lines[0].startswith(f"{prog}: error: bad citation key formula 'nosuchfn(3)'"), err
    assert "column 1" in lines[0] and "unknown function 'nosuchfn'" in lines[0]
    assert not (tmp_path / "out.bib").exists()  # nothing was written


@pytest.mark.parametrize("index", range(10))
def test_bad_formula_from_the_environment(index: int, tmp_path: Path, capsys, monkeypatch):
    monkeypatch.setenv("BIBKIT_CITEKEY_FORMAT", BAD)
    prog, main, argv = commands(tmp_path)[index]
    _check(capsys, main(["-q", *argv]), prog, tmp_path)  # type: ignore[operator]


@pytest.mark.parametrize("index", range(10))
def test_bad_formula_from_the_command_line(index: int, tmp_path: Path, capsys):
    prog, main, argv = commands(tmp_path)[index]
    _check(capsys, main(["-q", *argv, "--key-format", BAD]), prog, tmp_path)  # type: ignore[operator]


@pytest.mark.parametrize("argv", [
    ["-m", "bibkit", "convert", LISTING, "-o", "-"],
    ["-m", "zotero_bridge.cli", "sync", LISTING, "--collection", "Reading", "--dry-run"],
])
def test_the_reported_commands_as_processes(argv: list[str]):
    """The two commands of the bug report, as a user runs them: exit 2, one line, no traceback."""
    env = dict(os.environ, BIBKIT_CITEKEY_FORMAT=BAD)
    proc = subprocess.run([sys.executable, *argv], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == ExitCode.USAGE, proc.stderr
    assert "Traceback" not in proc.stderr and len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    assert proc.stdout == ""


def test_a_good_formula_is_used_by_the_bridge_as_by_convert(tmp_path: Path, capsys):
    """The same formula gives the same keys in ``bibkit convert`` and in ``zotero-bridge sync``'s plan."""
    from zotero_bridge.testing import FakeZotero

    out = tmp_path / "refs.bib"
    assert bibkit_main(["-q", "convert", LISTING, "-o", str(out), "--key-format", "auth + year"]) == 0
    keys = {line.split("{", 1)[1].rstrip(",") for line in out.read_text(encoding="utf-8").splitlines()
            if line.startswith("@")}
    capsys.readouterr()
    with FakeZotero(version="10") as zotero:
        code = bridge_main(["-q", "--zotero-url", zotero.url, "sync", LISTING, "--collection", "Reading",
                            "--dry-run", "--key-format", "auth + year", "--report", str(tmp_path / "r.json")])
    assert code == 0
    import json

    plan = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))["plan"]
    assert {item["key"] for item in plan["items"]} == keys
