"""``bibkit enrich`` end to end on the example listing, against the doubles (and against no network)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from bibkit.cli import main
from bibkit.errors import ExitCode
from bibkit.testing.arxiv import ArxivDouble
from bibkit.testing.corpus import load_corpus
from bibkit.testing.hf import HfDouble

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "hf-trending-papers.txt"


def entries_in(bib: str) -> int:
    return len(re.findall(r"^@\w+\{", bib, re.MULTILINE))


@pytest.fixture()
def corpus():
    return load_corpus()


@pytest.fixture()
def services(corpus, monkeypatch):
    with ArxivDouble(corpus) as ax, HfDouble(corpus) as hf:
        monkeypatch.setenv("BIBKIT_ARXIV_URL", ax.api_url)
        monkeypatch.setenv("BIBKIT_HF_URL", hf.url)
        yield ax, hf


def test_enrich_the_example_listing(services, corpus, tmp_path, capsys):
    ax, hf = services
    out, report = tmp_path / "refs.bib", tmp_path / "report.json"
    code = main(["enrich", str(EXAMPLE), "-o", str(out), "--only", "arxiv,hf", "--report", str(report)])
    assert code == ExitCode.OK
    data = json.loads(report.read_text())
    expected = {i.title: i.expect for i in corpus.listing}
    assert len(data["entries"]) == 86
    for e in data["entries"]:
        if e["status"] == "resolved":
            assert e["arxiv_id"] == expected[e["listing_title"]]  # never a wrong id
        else:
            assert e["arxiv_id"] is None and expected[e["listing_title"]] is None and e["reason"]
        assert set(e) >= {"key", "title", "listing_title", "arxiv_id", "status", "confidence", "resolved_by",
                          "candidates", "fields_set"}
    assert data["totals"]["resolved"] == 84
    assert data["totals"]["resolved"] == sum(data["totals"]["by_step"].values())
    assert data["requests"]["arxiv"] <= 8 and data["requests"]["arxiv"] == len(ax.requests_to("/api/query"))
    assert data["network_ok"] is True
    renamed = next(e for e in data["entries"] if e["listing_title"].startswith("Hecate"))
    assert renamed["title"].startswith("FSSDP") and renamed["resolved_by"] == "arxiv-abstract"
    assert renamed["fields_set"]["title"]["source"] == "arxiv"
    bib = out.read_text()
    assert entries_in(bib) == 86
    qwen = next(e for e in data["entries"] if e["listing_title"] == "Qwen2.5 Technical Report")
    assert f"eprint = {{{qwen['arxiv_id']}}}" in bib and "{Qwen}" in bib  # organisation author kept whole
    assert qwen["key"] in bib
    err = capsys.readouterr().err
    assert "bibkit enrich" in err and "by hf-search" in err and "ambiguous" in err


def test_second_run_is_served_from_the_cache(services, tmp_path):
    ax, hf = services
    assert main(["-q", "enrich", str(EXAMPLE), "-o", str(tmp_path / "a.bib"), "--only", "arxiv,hf"]) == 0
    sent = (len(ax.log), len(hf.log))
    report = tmp_path / "r.json"
    assert main(["-q", "enrich", str(EXAMPLE), "-o", str(tmp_path / "b.bib"), "--only", "arxiv,hf",
                 "--report", str(report)]) == 0
    assert (len(ax.log), len(hf.log)) == sent
    assert json.loads(report.read_text())["requests"] == {"arxiv": 0, "hf": 0}
    assert (tmp_path / "a.bib").read_text() == (tmp_path / "b.bib").read_text()


def test_offline_with_an_empty_cache_writes_the_unenriched_output(services, tmp_path, capsys):
    ax, hf = services
    out = tmp_path / "o.bib"
    assert main(["-q", "enrich", str(EXAMPLE), "-o", str(out), "--offline"]) == 0
    assert ax.log == [] and hf.log == []
    assert entries_in(out.read_text()) == 86 and "eprint = {" not in out.read_text()
    assert "offline" in capsys.readouterr().err
    assert main(["-q", "enrich", str(EXAMPLE), "-o", str(out), "--offline", "--strict"]) == ExitCode.INCOMPLETE


def test_no_network_finishes_says_so_and_writes_output(tmp_path, capsys):
    """The conftest points arXiv, HF and GitHub at a closed port."""
    out, report = tmp_path / "o.bib", tmp_path / "r.json"
    assert main(["-q", "enrich", str(EXAMPLE), "-o", str(out), "--report", str(report)]) == ExitCode.OK
    err = capsys.readouterr().err
    (line,) = [l for l in err.splitlines() if "reach" in l]  # said once, in one line, even with -q
    assert line.startswith("bibkit: no network: cannot reach ") and "arXiv" in line and "Hugging Face" in line
    assert entries_in(out.read_text()) == 86
    data = json.loads(report.read_text())
    assert data["network_ok"] is False and data["totals"]["resolved"] == 0
    assert all(v <= 2 for v in data["requests"].values())
    assert main(["-q", "enrich", str(EXAMPLE), "-o", str(out), "--strict"]) == ExitCode.NETWORK


def test_strict_reports_incomplete_resolution(services, corpus, tmp_path):
    found, missing = item_text(corpus, "Granite Code Models"), item_text(corpus, "Toward a traceable")
    listing = tmp_path / "two.txt"
    listing.write_text(found + missing)
    out = tmp_path / "o.bib"
    assert main(["-q", "enrich", str(listing), "-o", str(out), "--only", "arxiv,hf"]) == ExitCode.OK
    assert main(["-q", "enrich", str(listing), "-o", str(out), "--only", "arxiv,hf",
                 "--strict"]) == ExitCode.INCOMPLETE  # the second paper is not on arXiv
    assert entries_in(out.read_text()) == 2 and out.read_text().count("eprint = {") == 1


def item_text(corpus, title_start):
    it = next(i for i in corpus.listing if i.title.startswith(title_start))
    return f"{it.title}\n\n{it.abstract}\n\n"


def test_ids_input_to_csl_json(services, tmp_path):
    ids = tmp_path / "ids.txt"
    ids.write_text("arXiv:hep-th/9901001\nhttps://arxiv.org/abs/math.CA/0611800v2\n")
    out = tmp_path / "o.json"
    assert main(["-q", "enrich", str(ids), "-o", str(out), "--to", "csl-json", "--only", "arxiv"]) == 0
    items = json.loads(out.read_text())
    titles = {i["title"] for i in items}
    assert titles == {"Holography and the Large N Limit of Gauge Theories: A Toy Model",
                      "On the Asymptotics of Orthogonal Polynomials on an Arc"}


@pytest.mark.parametrize("args", [["--only", "arxiv,zotero"], ["--only", ""], ["--offline", "--refresh"]])
def test_bad_options_are_usage_errors(tmp_path, args, capsys):
    assert main(["enrich", str(EXAMPLE), "-o", str(tmp_path / "o.bib"), *args]) == ExitCode.USAGE
    assert not (tmp_path / "o.bib").exists()
