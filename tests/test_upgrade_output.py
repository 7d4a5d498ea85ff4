"""Upgraded entries as written: @inproceedings/@article with their venue and the arXiv fields kept, BibLaTeX
with eprinttype, CSL-JSON paper-conference/article-journal — compiled by real bibtex and biber with zero
warnings (the one allowed exception: "empty year" for the two listing entries nobody can date)."""

from __future__ import annotations

import json
import re
import tempfile

import pytest

from bibkit.normalize import normalise
from bibkit.writers import write
from scholarly_helpers import doubles, expected_upgrades, run_example
from texutil import compile_biber, compile_bibtex


@pytest.fixture(scope="module", params=["full", "short"])
def upgraded(request):
    with doubles() as d:
        doc, result = run_example(d, settings=d.settings(cache_dir=tempfile.mkdtemp()), venue_style=request.param)
        normalise(doc, recompute_keys=True)
        yield d, doc, result, request.param


def _undated(doc):
    return {e.key for e in doc.entries if not e.year}


def _entry(text: str, eprint: str) -> str:
    for block in text.split("\n\n"):
        if f"eprint = {{{eprint}}}" in block:
            return block
    raise AssertionError(eprint)


def test_bibtex_output_compiles_without_warnings(upgraded, tmp_path):
    _d, doc, _result, style = upgraded
    text = write(doc, "bibtex")
    assert len(re.findall(r"^@inproceedings\{", text, re.M)) >= 20
    res = compile_bibtex(text, tmp_path)
    assert res.errors == [] and res.unexpected_warnings(empty_year_keys=_undated(doc)) == []
    flat = res.flat_text
    assert ("ICLR" if style == "short" else "International Conference on Learning Representations") in flat
    # ascii too
    res = compile_bibtex(write(doc, "bibtex", ascii=True), tmp_path / "ascii")
    assert res.errors == [] and res.unexpected_warnings(empty_year_keys=_undated(doc)) == []


def test_biblatex_output_compiles_without_warnings(upgraded, tmp_path):
    _d, doc, _result, _style = upgraded
    text = write(doc, "biblatex")
    res = compile_biber(text, tmp_path)
    assert res.errors == [] and res.unexpected_warnings() == []
    block = _entry(text, "2402.03660")
    assert block.startswith("@inproceedings{") and "eprinttype = {arxiv}" in block and "eprintclass = {" in block
    assert "date = {2024-08}" in block


def test_the_fields_of_an_upgraded_entry(upgraded):
    _d, doc, _result, style = upgraded
    text = write(doc, "bibtex")
    acl = _entry(text, "2402.03660")
    assert acl.startswith("@inproceedings{")
    assert "booktitle = {" + ("{ACL}" if style == "short" else "Annual Meeting of the Association for Computational "
                              "Linguistics") + "}" in acl  # booktitles get case protection like titles
    for line in ("pages = {15725--15788}", "publisher = {Association for Computational Linguistics}",
                 "doi = {10.18653/v1/2024.acl-long.840}", "archivePrefix = {arXiv}", "primaryClass = {",
                 "year = 2024", "month = aug"):
        assert line in acl, line
    journal = _entry(text, "2407.17930")
    assert journal.startswith("@article{") and "volume = {31}" in journal and "number = {3}" in journal
    assert "journal = {" + ("Nat. Med." if style == "short" else "Nature Medicine") + "}" in journal
    assert "publisher" not in journal  # an @article names its journal, not the publisher
    iclr = _entry(text, "2409.03513")
    assert iclr.startswith("@inproceedings{") and "doi = " not in iclr and "year = 2025" in iclr
    eccv = _entry(text, "2302.03904")
    assert "series = {Lecture Notes in Computer Science}" in eccv and "volume = {15084}" in eccv
    assert "number = " not in eccv  # BibTeX cannot use volume and number together
    preprint = _entry(text, "2412.09637")
    assert preprint.startswith("@misc{") and "doi = {10.48550/arXiv.2412.09637}" in preprint  # as today


def test_csl_json_types_and_the_kept_arxiv_id(upgraded):
    d, doc, _result, _style = upgraded
    items = {i["URL"].rsplit("/", 1)[-1]: i for i in json.loads(write(doc, "csl-json")) if "URL" in i}
    assert items["2402.03660"]["type"] == "paper-conference"
    assert items["2407.17930"]["type"] == "article-journal"
    assert "arXiv: 2402.03660" in items["2402.03660"]["note"]
    assert items["2412.09637"]["type"] == "article" and items["2412.09637"]["number"] == "arXiv:2412.09637"
    assert sum(1 for i in items.values() if i["type"] in ("paper-conference", "article-journal")) == \
        len(expected_upgrades(d.world))
