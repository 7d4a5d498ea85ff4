"""Conformance over a real corpus: every ``.bib`` file TeX Live installs (issue #16).

The files are found at test time (``bibkit.testing.bibcorpus.find_corpus``: TeX Live's texmf trees,
``kpsewhich``), never copied into the repository; CI installs texlive-latex-base,
texlive-latex-recommended, texlive-bibtex-extra and biber, which bring ``xampl.bib``,
``biblatex-examples.bib``, the TUGboat, font and typography bibliographies of beebe/, jurabib's,
archaeologie's…  No file found is a failure, not a skip: without them this test proves nothing.

For every file, ``bibkit convert --no-dedupe FILE`` must

* keep every entry, type and field: input and output are parsed with an independent BibTeX-grammar
  parser (pybtex's) and compared after macro expansion, normalising only white space;
* be a fixpoint: converting the output again changes nothing (also with duplicate merging);
* give BibTeX (``plain``, every entry cited) no new error or warning.

biber is run on input and output for a representative subset only (:data:`BIBER_FILES`): it takes
about 200 s for the whole corpus, bibtex about 2 s.  ``python bench/corpus.py --compile`` runs biber
on every file.
"""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from bibkit.cli import main
from bibkit.testing.bibcorpus import biber_counts, bibtex_counts, compare_texts, find_corpus

CORPUS = find_corpus()
NAMES = [p.name for p in CORPUS]
#: biber subset: the BibTeX reference file, the biblatex one, \path and @periodical (texjourn),
#: @COMMENTED and unknown types (jbtest), ISO dates (oberdiek-bundle); texbook1's reproducer-1 entry
#: has its own biber test in test_bib_reproducers.py
BIBER_FILES = ["xampl.bib", "biblatex-examples.bib", "texjourn.bib", "jbtest.bib", "oberdiek-bundle.bib"]


def _read(path: Path) -> str:
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252")


def _convert(src: Path, out: Path, *args: str) -> dict:
    report = out.with_suffix(".json")
    assert main(["-q", "convert", str(src), *args, "-o", str(out), "--report", str(report)]) == 0
    return json.loads(report.read_text(encoding="utf-8"))


_CONVERTED: dict[Path, Path] = {}


def converted(path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``bibkit convert --no-dedupe path`` (once per file for all the tests below)."""
    if path not in _CONVERTED:
        out = tmp_path_factory.mktemp("conformance") / path.name
        _convert(path, out, "--no-dedupe")
        _CONVERTED[path] = out
    return _CONVERTED[path]


def test_the_corpus_is_installed() -> None:
    assert CORPUS, ("no .bib files of a TeX installation found (looked in /usr/share/texlive, /usr/share/texmf "
                    "and with kpsewhich): install texlive-latex-base texlive-latex-recommended texlive-bibtex-extra")
    assert {"xampl.bib", "biblatex-examples.bib"} <= set(NAMES), NAMES


@pytest.mark.parametrize("path", CORPUS, ids=NAMES)
def test_convert_keeps_every_entry_and_field_and_is_a_fixpoint(path: Path, tmp_path: Path,
                                                               tmp_path_factory: pytest.TempPathFactory) -> None:
    out, again = converted(path, tmp_path_factory), tmp_path / "again.bib"
    diff = compare_texts(_read(path), out.read_text(encoding="utf-8"))
    assert diff.same, f"{path.name}: {diff.summary()}\n" + "\n".join(diff.examples())
    _convert(out, again, "--no-dedupe")
    assert again.read_text(encoding="utf-8") == out.read_text(encoding="utf-8"), "not a fixpoint"
    # with duplicate merging: a fixpoint too, and every entry merged away is in the report
    merged, merged_again = tmp_path / "merged.bib", tmp_path / "merged-again.bib"
    report = _convert(path, merged)
    _convert(merged, merged_again)
    assert merged_again.read_text(encoding="utf-8") == merged.read_text(encoding="utf-8"), "not a fixpoint (dedupe)"
    lost = compare_texts(_read(path), merged.read_text(encoding="utf-8")).entries_lost
    assert sorted(lost) == sorted(m["merged"] for m in report["merged"])


@pytest.mark.tex
@pytest.mark.parametrize("path", CORPUS, ids=NAMES)
def test_bibtex_finds_no_new_error_or_warning(path: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    out = converted(path, tmp_path_factory)
    before, after = bibtex_counts(path), bibtex_counts(out)
    assert before.ran and after.ran
    assert after.errors <= before.errors and after.warnings <= before.warnings, (before, after)


@pytest.mark.tex
@pytest.mark.parametrize("name", BIBER_FILES)
def test_biber_finds_no_new_error_or_warning(name: str, tmp_path_factory: pytest.TempPathFactory) -> None:
    found = [p for p in CORPUS if p.name == name]
    assert found, f"{name} is not installed (texlive-base / texlive-bibtex-extra)"
    path = found[0]
    out = converted(path, tmp_path_factory)
    with ThreadPoolExecutor(2) as pool:  # two biber processes side by side
        before, after = pool.map(biber_counts, [path, out])
    assert before.ran and after.ran
    assert after.errors <= before.errors and after.warnings <= before.warnings, (before, after)
