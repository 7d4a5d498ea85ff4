"""The progress bar: one label per stage of work (a new time estimate is not a stage), and a rate measured
for each stage afresh (#14: the label flipped between "plan" and "resolve", the rate stayed frozen)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from tqdm import tqdm

from bibkit.cli.common import stage_feed
from bibkit.enrich import Progress, enrich_document
from bibkit.sources import read_path
from bibkit.testing.arxiv import ArxivDouble
from bibkit.testing.corpus import load_corpus
from bibkit.testing.github import GitHubDouble
from bibkit.testing.hf import HfDouble

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "hf-trending-papers.txt"


def test_a_new_stage_restarts_the_count_and_the_rate():
    bar = tqdm(total=None, file=io.StringIO(), mininterval=0, miniters=1)
    feed = stage_feed(bar)
    for done in range(1, 11):
        feed("resolve", done, 10, "")
    assert bar.desc.startswith("resolve") and bar.n == 10
    started = bar.start_t
    feed("github", 1, 18, "3 requests")
    assert bar.desc.startswith("github") and bar.n == 1 and bar.total == 18
    assert bar.start_t >= started and bar.format_dict["elapsed"] < 1  # the clock restarted with the stage
    feed("github", 2, 18, "4 requests")
    assert bar.n == 2 and bar.desc.startswith("github")
    bar.close()


@pytest.fixture()
def doubles(monkeypatch):
    corpus = load_corpus()
    with ArxivDouble(corpus) as ax, HfDouble(corpus) as hf, GitHubDouble.from_example() as gh:
        monkeypatch.setenv("BIBKIT_ARXIV_URL", ax.api_url)
        monkeypatch.setenv("BIBKIT_HF_URL", hf.url)
        monkeypatch.setenv("BIBKIT_GITHUB_URL", gh.url)
        yield


def test_enrichment_reports_stages_not_planning_events(doubles):
    doc = read_path(str(EXAMPLE))
    events: list[Progress] = []
    enrich_document(doc, on_progress=events.append)
    stages = [e.stage for e in events]
    assert "plan" not in stages
    # the stages come in order, each once: the label never flips back and forth
    order = [s for i, s in enumerate(stages) if i == 0 or stages[i - 1] != s]
    assert order == ["resolve", "upgrade", "github"]  # (published versions, issue 13, between the two)
    for stage in order:
        done = [e.done for e in events if e.stage == stage]
        assert done == sorted(done) and done[-1] > 0  # each stage counts its own entries, upwards
    assert max(e.done for e in events if e.stage == "resolve") == len(doc)
