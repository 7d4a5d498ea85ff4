"""Start-up stays light: the offline commands never load the network stack, the enrichers or the Zotero bridge.

``bibkit --help`` is checked in ``test_architecture.py``; here the commands that
do real work offline (``convert``, ``tag``, ``collections``) run on small inputs
of every kind in a fresh interpreter, and the modules they imported are
listed.  How fast that is, is ``bench/startup.py``'s business (no timings here).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

#: what a command that never touches the network must not import (requests_cache pulls in yaml, cattrs, attrs)
NETWORK = ("requests", "requests_cache", "urllib3", "yaml", "cattrs", "attrs", "attr", "filelock", "bibkit.http",
           "bibkit.enrich", "zotero_bridge.transport", "zotero_bridge.syncing", "zotero_bridge.apply")

ONE_BIB = r"""@article{muller2020study,
  author  = {M{\"u}ller, J{\"o}rg and {DeepSeek-AI}},
  title   = {A Study of {NLP} Things},
  journal = {Journal of Machine Learning Research},
  year    = {2020},
  month   = jun,
}
"""
LISTING = """Mixture of Experts Explained Simply
We study mixture-of-experts language models and show how routing tokens to a few experts keeps the cost low.

Another Paper About Retrieval
Retrieval-augmented generation with small models, evaluated on open-domain question answering benchmarks.
"""
IDS = "arXiv:2401.06066\nhttps://doi.org/10.1145/3442188.3445922\n"


def modules_after(args: list[str], cwd: Path, exit_code: int = 0) -> list[str]:
    """Run ``bibkit ARGS`` in a fresh interpreter; the modules it had imported when it finished."""
    code = ("import atexit, json, runpy, sys\n"
            "atexit.register(lambda: print('MODULES', json.dumps(sorted(sys.modules))))\n"
            f"sys.argv = ['bibkit'] + {args!r}\n"
            "runpy.run_module('bibkit', run_name='__main__')\n")
    proc = subprocess.run([sys.executable, "-c", code], cwd=cwd, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert proc.returncode == exit_code, proc.stderr
    line = next(line for line in proc.stdout.splitlines() if line.startswith("MODULES "))
    return list(json.loads(line[len("MODULES "):]))


def network_modules(modules: list[str]) -> list[str]:
    return [m for m in modules if any(m == n or m.startswith(n + ".") for n in NETWORK)]


@pytest.mark.parametrize("name,text", [("refs.bib", ONE_BIB), ("listing.txt", LISTING), ("ids.txt", IDS)])
def test_convert_never_loads_the_network_stack(tmp_path: Path, name: str, text: str):
    (tmp_path / name).write_text(text, encoding="utf-8")
    modules = modules_after(["-q", "convert", name, "-o", "out.bib"], tmp_path)
    assert (tmp_path / "out.bib").read_text(encoding="utf-8").count("@") >= 1
    assert network_modules(modules) == []
    assert not any(m.startswith("bibkit.tagging") for m in modules)  # convert does not tag


def test_convert_of_a_bib_file_loads_no_other_reader(tmp_path: Path):
    (tmp_path / "refs.bib").write_text(ONE_BIB, encoding="utf-8")
    modules = modules_after(["-q", "convert", "refs.bib", "-o", "out.bib"], tmp_path)
    assert "bibkit.sources.bibfile" in modules
    assert not {"bibkit.sources.listing", "bibkit.sources.hfjson", "bibkit.sources.identifiers"} & set(modules)


@pytest.mark.parametrize("command", ["convert", "tidy"])
def test_convert_and_tidy_build_no_option_class_of_other_commands(tmp_path: Path, command: str):
    """The Zotero target, ``cite``'s options and the Zotero bridge's sync options are loaded on first use."""
    (tmp_path / "refs.bib").write_text(ONE_BIB, encoding="utf-8")
    modules = modules_after(["-q", command, "refs.bib", "-o", "out.bib"], tmp_path)
    assert not {"bibkit.app.command_options", "zotero_bridge.options", "zotero_bridge"} & set(modules)


def test_the_option_classes_loaded_on_first_use_are_still_public():
    code = ("import sys\n"
            "from bibkit.app import options\n"
            "assert 'bibkit.app.command_options' not in sys.modules and 'zotero_bridge.options' not in sys.modules\n"
            "from bibkit.app import CiteOptions, SyncOptions, ZoteroTarget\n"
            "from bibkit.app.options import ZoteroTarget as Target\n"
            "from zotero_bridge.options import SyncOptions as Sync\n"
            "assert Target is ZoteroTarget and Sync is SyncOptions and options.CiteOptions is CiteOptions\n"
            "assert ZoteroTarget('A/B').sync == SyncOptions() and CiteOptions().to is None\n"
            "assert options.BuildOptions(zotero=ZoteroTarget('A')).zotero.collection == 'A'\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert proc.returncode == 0, proc.stderr


def test_convert_with_a_report_still_offline(tmp_path: Path):
    (tmp_path / "refs.bib").write_text(ONE_BIB, encoding="utf-8")
    modules = modules_after(["-q", "convert", "refs.bib", "-o", "out.bib", "--report", "run.json"], tmp_path)
    assert network_modules(modules) == []
    report = json.loads((tmp_path / "run.json").read_text(encoding="utf-8"))
    assert report["totals"]["written"] == 1 and report["entries"][0]["key"] == "muller2020study"


@pytest.mark.parametrize("command", [["tag"], ["collections"], ["tidy"], ["tidy", "--check"]])
def test_offline_commands_never_load_the_network_stack(tmp_path: Path, command: list[str]):
    (tmp_path / "refs.bib").write_text(ONE_BIB, encoding="utf-8")
    args = ["-q", *command, "refs.bib"] + (["-o", "out.bib"] if command in (["tag"], ["tidy"]) else [])
    exit_code = 1 if "--check" in command else 0  # (the entry is not laid out as tidy writes it)
    assert network_modules(modules_after(args, tmp_path, exit_code)) == []


def test_tidy_loads_neither_the_enrichers_nor_the_tagging_engine(tmp_path: Path):
    (tmp_path / "refs.bib").write_text(ONE_BIB, encoding="utf-8")
    modules = modules_after(["-q", "tidy", "refs.bib", "-o", "out.bib"], tmp_path)
    assert (tmp_path / "out.bib").read_text(encoding="utf-8").startswith("@article{muller2020study,")
    assert not any(m.startswith(("bibkit.tagging", "bibkit.enrich", "bibkit.sources.listing")) for m in modules)


def test_logging_is_set_up_when_a_command_first_imports_it(tmp_path: Path):
    """``convert`` never imports ``logging``; a command that imports it late (the network stack) still logs in
    the CLI's format, at the level ``-v`` asks for."""
    (tmp_path / "refs.bib").write_text(ONE_BIB, encoding="utf-8")
    assert "logging" not in modules_after(["-q", "convert", "refs.bib", "-o", "out.bib"], tmp_path)
    code = ("import sys\n"
            "from bibkit.cli import common\n"
            "def late(args):\n"
            "    import logging\n"
            "    logging.getLogger('bibkit.http').info('asked %s', 'arXiv')\n"
            "    logging.getLogger('bibkit.http').debug('hidden')\n"
            "    return 0\n"
            "import argparse\n"
            "p = argparse.ArgumentParser(); p.add_argument('-v', '--verbose', action='count', default=0)\n"
            "p.set_defaults(func=late)\n"
            "assert 'logging' not in sys.modules\n"
            "sys.exit(common.run_main(p, ['-v'], 'bibkit'))\n")
    proc = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == "bibkit: info bibkit.http: asked arXiv\n"


#: patterns of uncommon input (math, Greek, stray escapes, old arXiv ids, code or TOML pasted as a listing):
#: compiled on first use (bibkit.lazyre), so a plain entry never pays for them
UNCOMMON_PATTERNS = {"bibkit.normalize.latex": ["_GREEK", "_MATH_OPEN", "_LATEX_STRAY", "_COMBINING_RUN"],
                     "bibkit.sources.sniff": ["_CODE", "_TOML_KEY", "_MARKUP"],
                     "bibkit.links": ["_OLD_ID", "_ARXIV_URL"],
                     "bibkit.sources.bibfile": ["_MISSING_COMMA", "_LEFTOVER"],
                     "bibkit.writers.bibtex": ["_DOTLESS_I", "_YEAR_RANGE"]}


def test_convert_of_a_plain_entry_compiles_no_pattern_of_an_uncommon_path(tmp_path: Path):
    (tmp_path / "refs.bib").write_text(ONE_BIB, encoding="utf-8")
    code = ("import importlib, json, re, sys\n"
            "from bibkit.cli import main\n"
            "assert main(['-q', 'convert', 'refs.bib', '-o', 'out.bib']) == 0\n"
            f"names = {UNCOMMON_PATTERNS!r}\n"
            "print(json.dumps(sorted(f'{m}.{n}' for m, ns in names.items() for n in ns\n"
            "                        if isinstance(vars(importlib.import_module(m))[n], re.Pattern))))\n")
    proc = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == []
    assert (tmp_path / "out.bib").read_text(encoding="utf-8").startswith("@article{muller2020study,")
