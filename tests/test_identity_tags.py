"""Tags across runs: what tags are made from but the ``.bib`` has no field for is kept in the lock (#11).

Hugging Face's keywords (keyword tags) and arXiv's list of categories (``category`` rules) are
answers of services the written ``.bib`` has no field for.  The README promises that an offline
rebuild never loses what an online one found; the tags made from those answers are part of it —
while the user's own ``keywords`` stay theirs and a service that answers differently now wins.
Through the command line and the service doubles, with a cold cache for every offline run.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from bibkit.cli import main
from bibkit.errors import ExitCode
from bibkit.model import Entry
from bibkit.priorstate import answers_of, keep_answers
from bibkit.record import Decision, EntryReport
from bibkit.testing.github import GitHubDouble
from scholarly_helpers import doubles

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "hf-trending-papers.txt"
SERVICES = ("ARXIV", "HF", "GITHUB", "S2", "CROSSREF", "DBLP", "OPENALEX")
#: a rule only arXiv's list of categories can decide: a paper cross-listed in cs.LG (not its primary category)
CROSS_LISTED = """

[[rule]]
tag = "cross-listed-lg"
category = ["cs.LG"]
not = { primary-category = ["cs.LG"] }
"""


@pytest.fixture()
def rules(tmp_path: Path) -> Path:
    """The example rules (keyword tags on: shared by 3 papers, at most 3 each) and a cross-listing rule."""
    path = tmp_path / "tags.toml"
    path.write_text((ROOT / "examples" / "tags.toml").read_text(encoding="utf-8") + CROSS_LISTED, encoding="utf-8")
    return path


def build(out: Path, rules: Path, report: Path | None = None) -> int:
    args = ["-q", "build", str(EXAMPLE), "--rules", str(rules), "-o", str(out)]
    return main(args + (["--report", str(report)] if report is not None else []))


def keywords(text: str) -> dict[str, list[str]]:
    """key -> its ``keywords`` (in order) of every entry of a written ``.bib``."""
    out = {}
    for block in re.findall(r"^@\w+\{.*?^\}", text, re.M | re.S):
        key = re.match(r"@\w+\{([^,]+),", block).group(1)  # type: ignore[union-attr]
        found = re.search(r"^\s*keywords = \{(.*)\},?$", block, re.M)
        out[key] = [t.strip() for t in found.group(1).split(",")] if found else []
    return out


def offline(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, name: str) -> None:
    """Every service out of reach, and a cache nothing was ever put in (another machine, an expired cache)."""
    monkeypatch.setenv("BIBKIT_CACHE_DIR", str(tmp_path / name))
    for service in SERVICES:
        monkeypatch.setenv(f"BIBKIT_{service}_URL", "http://127.0.0.1:9")


def online(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, urls: dict[str, str], name: str) -> None:
    monkeypatch.setenv("BIBKIT_CACHE_DIR", str(tmp_path / name))
    for service, url in urls.items():
        monkeypatch.setenv(f"BIBKIT_{service}_URL", url)


def _keyword_tagged(text: str, hf_keywords: set[str]) -> dict[str, list[str]]:
    """key -> its tags that are normalised Hugging Face keywords of the doubles' corpus."""
    return {k: [t for t in tags if t in hf_keywords] for k, tags in keywords(text).items()}


def _corpus_keywords(d, rules: Path) -> set[str]:
    """The tags Hugging Face's keywords of the doubles' corpus can make that no rule makes."""
    from bibkit.tagging import load_rules, normalize_keyword

    by_rules = {rule.tag for rule in load_rules(str(rules)).rules}
    return {n for p in d.hf.papers.values() for kw in p.get("ai_keywords") or ()
            if (n := normalize_keyword(kw)) and n not in by_rules}


def test_an_offline_rebuild_keeps_the_tags_made_from_hugging_face_keywords_and_arxiv_categories(
        tmp_path, monkeypatch, rules):
    """online → offline with a cold cache (twice): byte for byte the online bibliography, keyword tags and
    cross-listing tags included; the lock says what they were made from."""
    refs = tmp_path / "refs.bib"
    with doubles() as d, GitHubDouble.from_example() as gh:
        d.env(monkeypatch)
        monkeypatch.setenv("BIBKIT_GITHUB_URL", gh.url)
        assert build(refs, rules) == ExitCode.OK
        first = refs.read_text(encoding="utf-8")
        hf_kw = _corpus_keywords(d, rules)
    tagged = {k: v for k, v in _keyword_tagged(first, hf_kw).items() if v}
    assert len(tagged) >= 10, tagged  # the example's keyword tags are there to lose
    assert any("cross-listed-lg" in tags for tags in keywords(first).values())
    lock = json.loads((tmp_path / "refs.bib.lock.json").read_text(encoding="utf-8"))
    answered = [e for e in lock["entries"].values() if e.get("answers", {}).get("ai_keywords")]
    assert answered and all(e["answers"]["about"] == e["identity"]["arxiv"] for e in answered)

    for cache in ("cold-cache", "cold-cache-2"):
        offline(monkeypatch, tmp_path, cache)
        assert build(refs, rules) == ExitCode.OK
        assert refs.read_text(encoding="utf-8") == first
    # `convert` and `tag` cannot ask anything either: the rebuilt output keeps them all the same
    assert main(["-q", "tag", str(EXAMPLE), "--rules", str(rules), "-o", str(refs)]) == ExitCode.OK
    assert refs.read_text(encoding="utf-8") == first


def test_the_users_keywords_stay_theirs_and_fresh_answers_win(tmp_path, monkeypatch, rules):
    """online → the user removes a keyword tag and adds one of theirs → offline: both edits stay, every
    other entry is as online; then online with Hugging Face answering differently (one paper's keywords
    changed, one paper gone from HF): the tags follow the new answers, the user's entries stay theirs,
    and an offline rebuild after that keeps the *new* tags."""
    refs = tmp_path / "refs.bib"
    with doubles() as d, GitHubDouble.from_example() as gh:
        d.env(monkeypatch)
        monkeypatch.setenv("BIBKIT_GITHUB_URL", gh.url)
        urls = {s: os.environ[f"BIBKIT_{s}_URL"] for s in SERVICES}
        assert build(refs, rules) == ExitCode.OK
        first = refs.read_text(encoding="utf-8")
        hf_kw = _corpus_keywords(d, rules)
        lock = json.loads((tmp_path / "refs.bib.lock.json").read_text(encoding="utf-8"))
        tagged = [k for k, v in _keyword_tagged(first, hf_kw).items() if v]
        assert len(tagged) >= 4
        removed_from, added_to, changed, gone = tagged[:4]
        dropped = _keyword_tagged(first, hf_kw)[removed_from][0]

        # the user removes one keyword tag of one entry and adds a tag of theirs to another
        text = first
        for key, change in ((removed_from, lambda tags: [t for t in tags if t != dropped]),
                            (added_to, lambda tags: [*tags, "read-next"])):
            m = re.search(r"^@\w+\{" + re.escape(key) + r",.*?^\}", text, re.M | re.S)
            assert m is not None
            old = keywords(m.group(0))[key]
            block = m.group(0).replace("keywords = {" + ", ".join(old) + "}",
                                       "keywords = {" + ", ".join(change(old)) + "}")
            assert block != m.group(0)
            text = text[:m.start()] + block + text[m.end():]
        refs.write_text(text, encoding="utf-8")
        edited = keywords(text)

        offline(monkeypatch, tmp_path, "cold-cache")
        assert build(refs, rules) == ExitCode.OK
        after = keywords(refs.read_text(encoding="utf-8"))
        assert dropped not in after[removed_from] and after[removed_from] == edited[removed_from]
        assert "read-next" in after[added_to] and after[added_to] == edited[added_to]
        assert after == edited  # nothing else lost either

        # Hugging Face answers differently now: new keywords for one paper, no page for another
        arxiv_of = {k: lock["entries"][k]["identity"]["arxiv"] for k in (changed, gone)}
        paper = d.hf.papers[arxiv_of[changed]]
        d.hf.papers[arxiv_of[changed]] = {**paper, "ai_keywords": ["Wholly New Topic"]}
        del d.hf.papers[arxiv_of[gone]]
        d.hf.reindex()
        online(monkeypatch, tmp_path, urls, "fresh-cache")
        assert build(refs, rules) == ExitCode.OK
        second = refs.read_text(encoding="utf-8")
        now = _keyword_tagged(second, hf_kw)
        assert now[changed] == [] and now[gone] == []  # fresh news wins: those keyword tags are gone
        assert "wholly-new-topic" not in keywords(second)[changed]  # (one paper's keyword is not shared)
        assert keywords(second)[removed_from] == edited[removed_from]  # the user's stay theirs online too
        assert keywords(second)[added_to] == edited[added_to]
        lock2 = json.loads((tmp_path / "refs.bib.lock.json").read_text(encoding="utf-8"))
        assert lock2["entries"][changed]["answers"]["ai_keywords"] == ["Wholly New Topic"]
        assert "ai_keywords" not in lock2["entries"][gone].get("answers", {})

        offline(monkeypatch, tmp_path, "cold-cache-2")
        assert build(refs, rules) == ExitCode.OK
        assert refs.read_text(encoding="utf-8") == second


# --------------------------------------------------------------------------- the rule itself


def _entry(arxiv: str | None = "2401.04088") -> Entry:
    entry = Entry(title="Mixtral of Experts")
    entry.ids.arxiv = arxiv
    return entry


ANSWERS = {"ai_keywords": ["Mixture of Experts", "Sparse Models"], "categories": ["cs.LG", "cs.CL"],
           "about": "2401.04088"}


def test_answers_are_kept_only_for_their_paper_and_only_when_the_service_was_not_heard():
    entry = _entry()
    keep_answers(entry, ANSWERS, ())
    assert entry.meta["ai_keywords"] == ANSWERS["ai_keywords"] and entry.categories == ["cs.LG", "cs.CL"]
    assert answers_of(entry) == ANSWERS

    heard = _entry()
    keep_answers(heard, ANSWERS, {"hf"})  # HF answered this run (maybe with nothing): its answer stands
    assert "ai_keywords" not in heard.meta and heard.categories == ["cs.LG", "cs.CL"]

    fresh = _entry()
    fresh.meta["ai_keywords"] = ["Routing"]
    keep_answers(fresh, ANSWERS, ())
    assert fresh.meta["ai_keywords"] == ["Routing"]

    other = _entry("2502.07160")  # the entry is another paper now (bibkit pick, a hand-written eprint)
    keep_answers(other, ANSWERS, ())
    assert "ai_keywords" not in other.meta and other.categories == []

    rejected = _entry(None)
    rejected.record.decision = Decision(not_on_arxiv=True)
    keep_answers(rejected, {**ANSWERS, "about": None}, ())
    assert "ai_keywords" not in rejected.meta and rejected.categories == []

    assert answers_of(_entry()) == {}  # nothing said: nothing for the lock
    assert EntryReport(None, None).heard_from == set()
