"""Every common page and reference format becomes exactly its papers, and nothing else becomes a paper.

The corpus (``tests/data/pastes``) is written by ``make_pastes.py`` from the doubles' corpus:
23 pastes in the layouts of the Hugging Face, arXiv, Markdown, reference-list and notes
formats people copy from, with their clutter, and two mixed pastes.  Expectations come from
the recipe, never from the readers.  Through ``bibkit build`` against the arXiv and Hugging
Face doubles each paste must give its papers — no junk, none missing — and the right arXiv
ids, never a wrong one.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import load_script
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bibkit.cli import main
from bibkit.errors import ExitCode
from bibkit.normalize.text import normalize_title
from bibkit.record import PageReader
from bibkit.sources import read_path, read_text
from bibkit.testing.arxiv import ArxivDouble
from bibkit.testing.corpus import load_corpus
from bibkit.testing.hf import HfDouble

PASTES = Path(__file__).resolve().parent / "data" / "pastes"


generator = load_script(PASTES / "make_pastes.py")
NAMES = sorted(generator.FORMATS)


def expected(name: str) -> list[dict]:
    return json.loads((PASTES / f"{name}.expected.json").read_text(encoding="utf-8"))["papers"]


def same_title(got: str | None, want: str) -> bool:
    """The reader's title is the paper's, whatever case the style printed it in (and a reference may
    carry a few more words of its venue when nothing separates them)."""
    g, w = normalize_title(got or ""), normalize_title(want)
    return g == w or (g.startswith(w) and len(g) - len(w) <= 25)


def test_corpus_has_ten_formats_of_ten_papers() -> None:
    assert len(NAMES) >= 10
    assert all(len(expected(name)) >= 9 for name in NAMES)
    assert sum(len(expected(name)) >= 10 for name in NAMES) >= 20


@pytest.mark.parametrize("name", NAMES)
def test_paste_files_match_their_recipe(name: str) -> None:
    data, exp = generator.build(name)
    assert (PASTES / f"{name}.txt").read_bytes() == data
    assert (PASTES / f"{name}.expected.json").read_text(encoding="utf-8") == exp


@pytest.mark.parametrize("name", NAMES)
def test_paste_reads_exactly_its_papers(name: str) -> None:
    doc = read_path(str(PASTES / f"{name}.txt"))
    want = expected(name)
    got = doc.entries
    assert len(got) == len(want), [e.title for e in got]
    for entry, paper in zip(got, want):
        if paper["id_in_paste"]:
            assert entry.ids.arxiv == paper["arxiv"], (entry.title, paper)
        if entry.title is not None or not paper["id_in_paste"]:
            assert same_title(entry.title, paper["title"]), (entry.title, paper["title"])
        assert entry.record.read_by is not None and 0 < entry.record.read_by.confidence <= 1
        assert entry.provenance["title" if entry.title else "ids.arxiv"].source == "listing"
    # whatever was not a paper is listed with its line and why
    assert all(s.location.line and s.reason for s in doc.skipped)
    if name.startswith("mixed"):
        assert len({e.record.read_by.reader for e in got if e.record.read_by}) >= 3


@pytest.fixture(scope="module")
def doubles():
    corpus = load_corpus()
    with ArxivDouble(corpus) as ax, HfDouble(corpus) as hf:
        yield ax, hf


@pytest.mark.parametrize("name", NAMES)
def test_paste_builds_to_its_papers_with_the_right_ids(name: str, doubles, tmp_path, monkeypatch) -> None:
    ax, hf = doubles
    monkeypatch.setenv("BIBKIT_ARXIV_URL", ax.api_url)
    monkeypatch.setenv("BIBKIT_HF_URL", hf.url)
    out, report = tmp_path / "out.bib", tmp_path / "report.json"
    code = main(["build", str(PASTES / f"{name}.txt"), "-o", str(out), "--report", str(report), "--no-tags",
                 "--only", "arxiv,hf", "-q"])
    assert code == ExitCode.OK
    data = json.loads(report.read_text(encoding="utf-8"))
    want = expected(name)
    entries = data["entries"]
    assert len(entries) == len(want), [e["title"] for e in entries]
    assert out.read_text(encoding="utf-8").count("\n@") + out.read_text(encoding="utf-8").startswith("@") == len(want)
    for entry, paper in zip(entries, want):
        assert entry["arxiv_id"] in (paper["arxiv"], None), (entry, paper)  # never a wrong id
        if paper["resolvable"]:
            assert entry["arxiv_id"] == paper["arxiv"] and entry["status"] == "resolved", (entry, paper)
        assert entry["reader"]["name"] in {reader.value for reader in PageReader}
    # the report lists the skipped lines, the totals count them
    assert data["totals"]["skipped_lines"] == len(data["skipped_lines"])
    assert all(s["line"] and s["reason"] for s in data["skipped_lines"])


# --------------------------------------------------------------------------- chatter never becomes a paper

CHATTER = [
    "todo: read these before Friday", "TODO - check the appendix", "Star us on GitHub!", "⭐ Star us on GitHub ⭐",
    "Total of 12 entries", "Showing 1–25 of 312 results", "12 upvotes", "· 3 comments", "1.2k stars", "Page 2 of 7",
    "## Related work", "### 2023", "---", "* * *", "lol this one is wild", "read later", "Great paper list!",
    "Contributions welcome! Feel free to open a pull request.", "Back to top", "Privacy Policy", "© 2025 Some Lab",
    "Last updated: 2025-01-17", "Mar 17", "Papers:", "Notes to self:", "https://github.com/huggingface/transformers",
    "see also https://huggingface.co/blog/moe", "ask Bob about this one", "PRs welcome", "Load more",
    "Subscribe to our newsletter", "fyi the workshop deadline moved", "I think the second one is better",
    "Powered by Jekyll", "REFERENCES", "Table of Contents", "📚 Papers", "Edit: fixed the links",
]


def _with_chatter(name: str, where: list[int], lines_to_add: list[str], blank: bool) -> str:
    paste = generator.make(name)
    lines = paste.text.split("\n")
    starts = paste.starts
    inserts: dict[int, list[str]] = {}
    for k, chatter in zip(where, lines_to_add):
        at = starts[1 + k % (len(starts) - 1)]
        inserts.setdefault(at, []).extend(["", chatter, ""] if blank else [chatter])
    out: list[str] = []
    for i, line in enumerate(lines):
        out.extend(inserts.get(i, []))
        out.append(line)
    return "\n".join(out)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(NAMES), st.lists(st.integers(0, 40), min_size=1, max_size=5),
       st.lists(st.sampled_from(CHATTER), min_size=5, max_size=5), st.booleans())
def test_chatter_between_papers_never_adds_an_entry(name: str, where: list[int], chatter: list[str], blank: bool) -> None:
    clean = read_text(generator.make(name).text, f"{name}.txt")
    noisy = read_text(_with_chatter(name, where, chatter, blank), f"{name}.txt")
    assert len(noisy) == len(clean)
    assert [normalize_title(e.title or "") for e in noisy] == [normalize_title(e.title or "") for e in clean]
    assert [e.ids.arxiv for e in noisy] == [e.ids.arxiv for e in clean]
