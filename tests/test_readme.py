"""The README's two set-up commands are real: CI runs the test command, and the main job works offline."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

from conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def setup_commands() -> list[str]:
    section = README.split("## Set-up", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sh\n(.*?)\n```", section, flags=re.S)


def test_readme_has_exactly_two_setup_commands():
    commands = setup_commands()
    assert len(commands) == 2
    main_job, tests = commands
    assert "bibkit build examples/hf-trending-papers.txt" in main_job and "-o refs.bib" in main_job
    assert "pytest" in tests


def test_ci_runs_the_readme_test_command():
    test_command = setup_commands()[1].strip()
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert test_command in ci.splitlines()


def test_the_main_job_works_without_network(tmp_path: Path):
    """The README's first command, minus the install, on a machine where nothing answers."""
    main_job = setup_commands()[0].split("&&", 1)[1].strip()
    argv = shlex.split(main_job)
    assert argv[0] == "bibkit"
    env = dict(os.environ)  # conftest pointed every service at a closed port
    out = tmp_path / "refs.bib"  # write into tmp, not into the checkout
    argv[argv.index("-o") + 1] = str(out)
    proc = subprocess.run([sys.executable, "-m", "bibkit", *argv[1:], "--report", str(tmp_path / "r.json")],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    text = out.read_text(encoding="utf-8")
    assert len(re.findall(r"^@\w+\{", text, flags=re.M)) == 86
    assert "keywords = {" in text  # tagged by examples/tags.toml even without enrichment
    notices = [line for line in proc.stderr.splitlines() if line.startswith("bibkit: no network")]
    assert len(notices) == 1  # one line says what could not be done


def test_strict_makes_the_missing_network_an_error(tmp_path: Path):
    proc = subprocess.run([sys.executable, "-m", "bibkit", "build", "examples/hf-trending-papers.txt",
                           "-o", str(tmp_path / "refs.bib"), "--strict", "-q"],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 4, proc.stderr
    assert (tmp_path / "refs.bib").exists()  # the un-enriched output is still written
