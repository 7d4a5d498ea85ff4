"""``bibkit completion`` / ``zotero-bridge completion``: scripts for bash, zsh and fish that the shells
accept and that complete commands and options (run in real bash and fish when installed)."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from bibkit.cli import build_parser as bibkit_parser
from bibkit.cli import main as bibkit_main
from bibkit.errors import ExitCode
from zotero_bridge.cli import build_parser as bridge_parser
from zotero_bridge.cli import main as bridge_main

PROGRAMS = {"bibkit": (bibkit_main, lambda: bibkit_parser("*")), "zotero-bridge": (bridge_main, bridge_parser)}


def _script(prog: str, shell: str, capsys) -> str:
    main, _ = PROGRAMS[prog]
    assert main(["completion", shell]) == ExitCode.OK
    return capsys.readouterr().out


def _commands(prog: str) -> list[str]:
    parser = PROGRAMS[prog][1]()
    return [name for a in parser._actions if a.__class__.__name__ == "_SubParsersAction" for name in a.choices]


@pytest.mark.parametrize("prog", PROGRAMS)
@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_script_names_every_command_and_the_shell_accepts_it(prog, shell, capsys, tmp_path):
    script = _script(prog, shell, capsys)
    for command in _commands(prog):
        assert command in script
    assert ("sort-fields" in script) == (prog == "bibkit") and "help" in script
    exe = shutil.which(shell)
    if exe is None:
        pytest.skip(f"{shell} is not installed: the script's syntax is not checked by the shell itself")
    path = tmp_path / f"completion.{shell}"
    path.write_text(script, encoding="utf-8")
    proc = subprocess.run([exe, "-n", str(path)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


def _bash_complete(script_path, words: list[str]) -> list[str]:
    func = "_shtab_" + words[0].replace("-", "_")
    cmd = (f"source {script_path}; COMP_WORDS=({' '.join(words)}); COMP_CWORD={len(words) - 1}; "
           f"{func}; printf '%s\\n' \"${{COMPREPLY[@]}}\"")
    return subprocess.run(["bash", "-c", cmd], capture_output=True, text=True, check=True).stdout.split()


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")
def test_bash_completes_commands_options_and_choices(capsys, tmp_path):
    path = tmp_path / "bibkit.bash"
    path.write_text(_script("bibkit", "bash", capsys), encoding="utf-8")
    assert _bash_complete(path, ["bibkit", "ti"]) == ["tidy"]
    assert _bash_complete(path, ["bibkit", "tidy", "--sort-f"]) == ["--sort-fields"]
    assert "biblatex" in _bash_complete(path, ["bibkit", "convert", "--to", "b"])
    path = tmp_path / "zb.bash"
    path.write_text(_script("zotero-bridge", "bash", capsys), encoding="utf-8")
    assert _bash_complete(path, ["zotero-bridge", "sy"]) == ["sync"]


@pytest.mark.skipif(shutil.which("fish") is None, reason="fish is not installed")
def test_fish_completes_commands_and_options(capsys, tmp_path):
    path = tmp_path / "bibkit.fish"
    path.write_text(_script("bibkit", "fish", capsys), encoding="utf-8")

    def complete(line: str) -> list[str]:
        out = subprocess.run(["fish", "-c", f"source {path}; complete -C '{line}'"], capture_output=True,
                             text=True, check=True).stdout
        return [row.split("\t")[0] for row in out.splitlines()]

    assert complete("bibkit ti") == ["tidy"]
    assert "--sort-fields" in complete("bibkit tidy --sort-f")
    assert complete("bibkit rules i") == ["init"]
