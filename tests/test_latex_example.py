"""The LaTeX example (examples/paper/) builds with bibkit and compiles with real TeX, without a warning.

The test runs ``examples/paper/build.sh`` itself — the script a user runs — on
a copy of the example, with this interpreter's bibkit, then checks the logs
independently of the script's own check (using the log parsers of
tests/texutil.py) and reads the PDFs back with ``pdftotext``.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from texutil import _biber_messages, _bibtex_messages, _latex_errors, _latex_warnings, require_tex

ROOT = Path(__file__).resolve().parent.parent
PAPER = ROOT / "examples" / "paper"


def cited_keys(tex: str) -> list[str]:
    keys: list[str] = []
    for group in re.findall(r"\\cite\{([^}]*)\}", tex):
        for key in group.split(","):
            if key.strip() not in keys:
                keys.append(key.strip())
    return keys


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    require_tex("pdflatex", "bibtex", "biber", "pdftotext")
    work = tmp_path_factory.mktemp("paper")
    for item in PAPER.iterdir():
        if item.suffix in (".tex", ".sh") or item.name == "keys.bib":
            shutil.copy2(item, work / item.name)
    env = dict(os.environ)
    env.update({
        "BIBKIT": f"{sys.executable} -m bibkit",
        "LISTING": str(ROOT / "examples" / "hf-trending-papers.txt"),
        "RULES": str(ROOT / "examples" / "tags.toml"),
    })
    proc = subprocess.run(["bash", str(work / "build.sh")], cwd=work, env=env, capture_output=True, text=True,
                          timeout=600)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert "OK: paper.pdf and paper-biblatex.pdf" in proc.stdout
    return work


def pdf_text(path: Path) -> str:
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True, check=True)
    return re.sub(r"\s+", " ", re.sub(r"-\n(?=[a-z])", "", out.stdout))


def test_bibtex_build_has_no_warnings_and_every_citation_resolves(built: Path) -> None:
    log = (built / "paper.log").read_text(errors="replace")
    assert _latex_errors(log) == []
    assert _latex_warnings(log) == []
    assert "undefined" not in log
    errors, warnings = _bibtex_messages((built / "paper.blg").read_text(errors="replace"))
    assert errors == [] and warnings == []
    # paper.bib holds exactly the cited entries (body.tex and the \include'd related.tex), in citation order
    keys = cited_keys((built / "body.tex").read_text() + (built / "related.tex").read_text())
    assert len(keys) == 15
    bib = (built / "paper.bib").read_text()
    assert re.findall(r"^@\w+\{([^,]+),", bib, re.M) == keys
    text = pdf_text(built / "paper.pdf")
    assert "[?]" not in text
    for title in ("A Survey on Mixture of Experts", "MedAgents: Large Language Models as Collaborators",
                  "Dolma: an Open Corpus of Three Trillion Tokens", "Beyond the Imitation Game"):
        assert title.casefold() in text.casefold()
    # plain.bst lower-cases titles; the words bibkit protected keep their case
    for word in ("MedAgents", "DeepSeekMoE", "INSTRUCTEVAL", "OpenMoE", "LLMs"):
        assert word in text


def test_biblatex_build_has_no_warnings_and_splits_the_bibliography_by_tag(built: Path) -> None:
    log = (built / "paper-biblatex.log").read_text(errors="replace")
    assert _latex_errors(log) == []
    assert _latex_warnings(log) == []
    assert "undefined" not in log
    errors, warnings = _biber_messages((built / "paper-biblatex.blg").read_text(errors="replace"))
    assert errors == [] and warnings == []
    bib = (built / "paper-biblatex.bib").read_text()
    assert len(re.findall(r"^@\w+\{", bib, re.M)) == 15
    text = pdf_text(built / "paper-biblatex.pdf")
    moe, other = text.split("References on mixtures of experts")[1].split("Other references")
    # the section of the bibliography filtered by the keyword bibkit tagged
    for title in ("A Survey on Mixture of Experts", "DeepSeekMoE", "OpenMoE", "Harder Tasks Need More Experts"):
        assert title in moe and title not in other
    for title in ("What Matters for Model Merging at Scale?", "Tool Learning with Foundation Models"):
        assert title in other and title not in moe
