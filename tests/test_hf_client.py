"""The Hugging Face papers client against the HF double (synthetic answers, real HTTP)."""

from __future__ import annotations

import pytest

from bibkit.config import load_settings
from bibkit.enrich.hf import HfClient, paper_from_json, search_text
from bibkit.http import HttpError, HttpLayer
from bibkit.testing.corpus import load_corpus
from bibkit.testing.hf import HfDouble
from bibkit.testing.server import Reply


@pytest.fixture()
def double():
    with HfDouble() as srv:
        yield srv


def client_for(double, **settings):
    s = load_settings(hf_url=double.url, **settings)
    layer = HttpLayer(s, sleep=lambda _s: None)
    return layer, HfClient(layer, s)


def test_search_returns_papers_from_wrappers_decoys_first(double):
    layer, client = client_for(double)
    results = client.search("Qwen2.5 Technical Report")
    titles = [p.title for p in results]
    assert "Qwen2.5 Technical Report" in titles
    assert titles.index("Qwen2.5-Coder Technical Report") < titles.index("Qwen2.5 Technical Report")
    qwen = next(p for p in results if p.title == "Qwen2.5 Technical Report")
    assert qwen.authors[0] == "Qwen" and qwen.summary.startswith("In this report, we introduce Qwen2.5")
    assert qwen.github_repo == "https://github.com/QwenLM/Qwen2.5"
    assert qwen.project_page == "https://qwenlm.github.io/blog/qwen2.5/"
    assert qwen.published_at is not None and "." not in qwen.id.split(".")[0]
    (req,) = double.requests_to("/api/papers/search")
    assert req.arg("q") == "Qwen2.5 Technical Report" and req.arg("limit") == "10"
    assert req.header("X-Bibkit-Synthetic") is None  # the client sends no such thing; answers carry it


def test_paper_lookup_found_and_not_found_is_cached(double):
    layer, client = client_for(double)
    known = load_corpus().hf[0]
    paper = client.paper(known["id"] + "v3")  # the version is stripped before asking
    assert paper is not None and paper.id == known["id"]
    assert double.requests_to("/api/papers/")[0].path == f"/api/papers/{known['id']}"
    assert client.paper("2412.99999") is None
    assert client.paper("2412.99999") is None
    assert len(double.requests_to("/api/papers/2412.99999")) == 1  # "Paper not found" is an answer: cached
    assert client.paper("not an id") is None


def test_token_is_sent_as_bearer_and_kept_out_of_the_cache(double):
    token = "hf_SECRETSECRETSECRET123"
    layer, client = client_for(double, hf_token=token)
    client.search("Dolma")
    assert double.log[0].header("Authorization") == f"Bearer {token}"
    blob = b"".join(p.read_bytes() for p in layer.cache_dir.rglob("*") if p.is_file())
    assert token.encode() not in blob


def test_errors_and_retries(double):
    double.faults += [Reply.json({"error": "slow down"}, 429, headers={"Retry-After": "1"})]
    layer, client = client_for(double)
    assert client.search("Dolma")  # retried after the 429
    assert layer.stats.retries["hf"] == 1
    double.faults += [Reply.text("<html>oops</html>", 400)]
    with pytest.raises(HttpError):
        client.search("something else entirely")


def test_odd_shapes_are_tolerated():
    flat = paper_from_json({"id": "2401.06066v2", "title": "  A\n  title ", "summary": None, "authors": [
        {"name": "DeepSeek-AI"}, {"name": ""}, "Plain Name", {"_id": "x"}], "githubRepo": "", "ai_keywords": None,
        "upvotes": "7", "publishedAt": "2024-01-11T00:00:00.000Z", "organization": {"name": "deepseek-ai"}})
    assert flat is not None
    assert (flat.id, flat.title, flat.summary) == ("2401.06066", "A title", "")
    assert flat.authors == ["DeepSeek-AI", "Plain Name"]
    assert flat.github_repo is None and flat.ai_keywords == [] and flat.upvotes is None
    assert flat.organization == "deepseek-ai" and flat.published_at and flat.published_at.day == 11
    wrapped = paper_from_json({"paper": {"id": "2401.06066"}, "title": "Outer title", "summary": "outer"})
    assert wrapped is not None and wrapped.title == "Outer title" and wrapped.summary == "outer"
    assert paper_from_json({"id": "not-an-id"}) is None and paper_from_json([]) is None


def test_search_text_is_cut_at_a_word_to_250_characters():
    long = "word " * 80
    text = search_text(long)
    assert len(text) <= 250 and not text.endswith(" ") and text.endswith("word")
