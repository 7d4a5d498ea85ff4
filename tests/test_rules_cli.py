"""``bibkit rules init`` / ``check``: the example rules ship inside the package, no help text points
at a repository file a pip-installed user does not have."""

from __future__ import annotations

import argparse
from pathlib import Path

from bibkit.cli import build_parser, main
from bibkit.errors import ExitCode
from bibkit.tagging import load_rules
from bibkit.tagging.example import example_rules

ROOT = Path(__file__).resolve().parent.parent


def test_the_packaged_example_is_examples_tags_toml():
    assert example_rules() == (ROOT / "examples" / "tags.toml").read_text(encoding="utf-8")
    assert (ROOT / "bibkit" / "data" / "tags.toml").is_file()
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert '"data/*.toml"' in pyproject  # shipped as package data (a wheel carries bibkit/data/tags.toml)


def test_init_writes_a_valid_commented_file_and_never_clobbers_one(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["rules", "init"]) == ExitCode.OK
    written = tmp_path / "tags.toml"
    assert written.read_text(encoding="utf-8") == example_rules()
    assert "wrote tags.toml" in capsys.readouterr().err
    rules = load_rules(written)
    assert len(rules.rules) >= 10 and "mixture-of-experts" in rules.tags
    written.write_text("# mine\n", encoding="utf-8")
    assert main(["rules", "init"]) == ExitCode.USAGE
    assert "tags.toml exists; use --force" in capsys.readouterr().err
    assert written.read_text(encoding="utf-8") == "# mine\n"
    assert main(["-q", "rules", "init", "--force"]) == ExitCode.OK
    assert (tmp_path / "tags.toml.bak").read_text(encoding="utf-8") == "# mine\n"
    assert main(["rules", "init", "-"]) == ExitCode.OK
    assert capsys.readouterr().out == example_rules()


def test_check_lists_tags_or_names_every_mistake(tmp_path, capsys):
    good = tmp_path / "good.toml"
    good.write_text(example_rules(), encoding="utf-8")
    assert main(["rules", "check", str(good)]) == ExitCode.OK
    out = capsys.readouterr().out
    assert out.startswith(f"{good}: 21 rules") and "  mixture-of-experts\n" in out
    bad = tmp_path / "bad.toml"
    bad.write_text('[[rule]]\ntag = "x"\ntitel = ["moe"]\n', encoding="utf-8")
    assert main(["rules", "check", str(bad)]) == ExitCode.INPUT
    err = capsys.readouterr().err
    assert f"{bad}:3" in err and "titel" in err


def _help_texts(parser: argparse.ArgumentParser) -> list[str]:
    out = [parser.format_help()]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                out.extend(_help_texts(sub))
    return out


def test_no_help_text_points_at_a_repository_file():
    for text in _help_texts(build_parser("*")):
        assert "examples/tags.toml" not in text.replace("\n", " ").replace("  ", " ")
