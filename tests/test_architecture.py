"""The shape of the code: layers import only downwards, commands go through the application layer, start-up is light.

The contracts themselves live in ``pyproject.toml`` (``[tool.importlinter]``);
CI runs ``lint-imports`` too, and this test keeps them checked by the test
suite alone.
"""

from __future__ import annotations

import subprocess
import sys

import pytest
from conftest import ROOT
from importlinter.cli import lint_imports

import bibkit.app
import bibkit.pipeline
from bibkit.cli import COMMANDS, build_parser


def test_import_contracts_are_kept(capsys):
    code = lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True)
    out = capsys.readouterr().out
    assert code == 0, out
    assert "BROKEN" not in out and "5 kept" in out


HEAVY = ("requests", "requests_cache", "bibtexparser", "lxml", "bibkit.enrich", "bibkit.http", "zotero_bridge.syncing")


@pytest.mark.parametrize("module", ["bibkit", "zotero_bridge.cli"])
def test_help_loads_neither_stages_nor_the_http_stack(module: str):
    code = (f"import runpy, sys\nsys.argv = ['{module}', '--help']\n"
            f"try:\n    runpy.run_module('{module}', run_name='__main__')\nexcept SystemExit:\n    pass\n"
            f"print(sorted(m for m in sys.modules if m.startswith({HEAVY!r})))")
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().splitlines()[-1] == "[]"


def test_every_command_registers_from_the_table():
    parser = build_parser("*")
    sub = parser._subparsers._group_actions[0]  # type: ignore[union-attr]
    assert list(sub.choices) == list(COMMANDS)
    for name, command in sub.choices.items():
        assert command.get_default("func") is not None, name
        assert "Example:" in (command.description or ""), name


def test_pipeline_is_only_a_re_export_of_the_application_layer():
    for name in bibkit.pipeline.__all__:
        assert getattr(bibkit.pipeline, name) is getattr(bibkit.app, name)


def test_the_public_api_names_resolve():
    for name in bibkit.app.__all__:
        assert getattr(bibkit.app, name) is not None, name


def test_readme_apt_hint_matches_what_ci_installs():
    import re

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    hint = re.search(r"`apt-get install ([^`]*)`", readme)
    line = re.search(r"apt-get install -y -qq ((?:[^\n]|\\\n)*)>/dev/null", ci)
    assert hint and line
    readme_packages = [w for w in hint.group(1).split() if not w.startswith("-")]
    ci_packages = [w for w in line.group(1).replace("\\\n", " ").split() if not w.startswith("-")]
    assert readme_packages == ci_packages and "lmodern" in ci_packages
    assert "--no-install-recommends" in hint.group(1) and "--no-install-recommends" in line.group(1)


def test_ci_checks_the_shape_before_the_tests():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    steps = [i for i, line in enumerate(ci) if line.startswith(("python -m mypy", "lint-imports", "python -m ruff"))]
    tests = next(i for i, line in enumerate(ci) if "pytest" in line)
    assert len(steps) == 3 and max(steps) < tests
