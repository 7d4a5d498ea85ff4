"""Identity that holds across runs (issue #11), through the command line, the service doubles and FakeZotero.

The life cycle a user goes through: an offline build (and sync), then an online
one into the same file (and the same collection); a hand edit and a hand-resolved
``eprint``; ``--rekey``; ``bibkit pick``; a lock file deleted; an item Zotero's
own arXiv translator made; a sync that died half way.  Keys must keep naming
their papers, edits must survive, Zotero must hold one item per paper.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from urllib.parse import unquote

import pytest

from bibkit.cli import main
from bibkit.errors import ExitCode
from bibkit.sources import read_path
from bibkit.testing.arxiv import ArxivDouble
from bibkit.testing.corpus import load_corpus
from bibkit.testing.github import GitHubDouble
from bibkit.testing.hf import HfDouble
from scholarly_helpers import doubles
from texutil import _compile
from zotero_bridge.testing import FakeZotero

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "hf-trending-papers.txt"
RULES = ROOT / "examples" / "tags.toml"
COLLECTION = "Reading/HF trending"


class World:
    def __init__(self, monkeypatch, corpus, ax, hf, gh, z):
        self.monkeypatch, self.corpus, self.ax, self.hf, self.gh, self.z = monkeypatch, corpus, ax, hf, gh, z

    def online(self) -> None:
        self.monkeypatch.setenv("BIBKIT_ARXIV_URL", self.ax.api_url)
        self.monkeypatch.setenv("BIBKIT_HF_URL", self.hf.url)
        self.monkeypatch.setenv("BIBKIT_GITHUB_URL", self.gh.url)

    def items(self) -> list[dict]:
        return [i for i in self.z.items() if i["itemType"] not in ("attachment", "note")]


@pytest.fixture()
def world(monkeypatch):
    """The doubles are running; the services start *unreachable* (conftest's closed port) until ``online()``."""
    corpus = load_corpus()
    with ArxivDouble(corpus) as ax, HfDouble(corpus) as hf, GitHubDouble.from_example() as gh, \
            FakeZotero(version="10.0.1") as z:
        monkeypatch.setenv("BIBKIT_ZOTERO_URL", z.url)
        yield World(monkeypatch, corpus, ax, hf, gh, z)


def build(out: Path, *extra: str, inputs: tuple[str, ...] = (str(EXAMPLE),), report: Path | None = None) -> int:
    args = ["-q", "build", *inputs, "--rules", str(RULES), "-o", str(out), *extra]
    if report is not None:
        args += ["--report", str(report)]
    return main(args)


def keys_of(path: Path) -> list[str]:
    return re.findall(r"^@\w+\{([^,\s]+),", path.read_text(encoding="utf-8"), re.M)


def entries_by_key(path: Path) -> dict:
    return {e.key: e for e in read_path(str(path)).entries}


def aux(tmp_path: Path, keys: list[str], *, biber: bool = False) -> Path:
    path = tmp_path / ("paper-biber.aux" if biber else "paper.aux")
    if biber:
        path.write_text("".join(f"\\abx@aux@cite{{0}}{{{k}}}\n" for k in keys))
    else:
        path.write_text("\\relax\n" + "".join(f"\\citation{{{k}}}\n" for k in keys) + "\\bibdata{paper}\n")
    return path


_HEAD = "\\documentclass{article}\n\\usepackage[T1]{fontenc}\n\\usepackage{lmodern}\n\\usepackage[utf8]{inputenc}\n"


def compile_citing(bib: str, workdir: Path, keys: list[str], *, biber: bool):
    """A document that \\cite{}s ``keys`` (not \\nocite{*}: an alias must resolve as the paper cites it)."""
    cites = " ".join(f"\\cite{{{k}}}" for k in keys)
    if biber:
        doc = (_HEAD + "\\usepackage[backend=biber]{biblatex}\n\\addbibresource{refs.bib}\n\\begin{document}\n"
               + cites + "\n\\printbibliography\n\\end{document}\n")
        return _compile(bib, workdir, doc, ["biber", "doc"])
    doc = (_HEAD + "\\usepackage{url}\n\\begin{document}\n" + cites
           + "\n\\bibliographystyle{plain}\n\\bibliography{refs}\n\\end{document}\n")
    return _compile(bib, workdir, doc, ["bibtex", "doc"])


def citation_key_of(item: dict) -> str | None:
    for line in (item.get("extra") or "").splitlines():
        if line.lower().startswith("citation key:"):
            return line.split(":", 1)[1].strip()
    return item.get("citationKey")


# --------------------------------------------------------------------------- the whole life cycle


def test_offline_then_online_build_and_sync_keeps_every_key_and_one_item_per_paper(world, tmp_path):
    refs = tmp_path / "refs.bib"
    assert build(refs, "--zotero-collection", COLLECTION) == ExitCode.OK  # offline: services unreachable
    offline = entries_by_key(refs)
    assert len(offline) == 86 and (tmp_path / "refs.bib.lock.json").is_file()
    assert "SurveyMixtureExperts" in offline  # no authors, no year yet: the title words
    assert len(world.items()) == 86

    world.online()
    report = tmp_path / "online.json"
    assert build(refs, "--zotero-collection", COLLECTION, report=report) == ExitCode.OK
    online = entries_by_key(refs)
    data = json.loads(report.read_text())
    assert data["totals"]["resolved"] >= 80  # it really was enriched
    # every offline key is still there and still names its paper (the listing title is its title, or was)
    assert set(online) == set(offline)
    listing_title = {e["key"]: e["listing_title"] for e in data["entries"]}
    for key, entry in offline.items():
        assert listing_title[key] == entry.title, key
    assert online["SurveyMixtureExperts"].ids.arxiv == "2407.18225"
    assert data["keys"]["kept"] == 86 and data["keys"]["new"] == 0

    # Zotero: still 86 items, each updated in place (now with its arXiv ID), no citation key rewritten
    items = world.items()
    assert len(items) == 86
    assert sorted(citation_key_of(i) for i in items) == sorted(offline)
    assert sum(1 for i in items if i.get("archiveID") or "arXiv:" in (i.get("extra") or "")) >= 80

    # a paper written against the offline keys still compiles: bibkit cite finds every one of them
    cited = ["SurveyMixtureExperts", "DeepSeekMoEUltimateExpert", "CooKEmpoweringGeneralPurpose", "DolmaOpenCorpus"]
    assert main(["-q", "cite", str(aux(tmp_path, cited)), "--from", str(refs), "-o", str(tmp_path / "paper.bib")]) \
        == ExitCode.OK
    assert keys_of(tmp_path / "paper.bib") == cited

    # and the same build again changes nothing and asks nobody
    for double in (world.ax, world.hf, world.gh):
        double.reset_log()
    before = refs.read_text(encoding="utf-8")
    writes = len(world.z.write_requests())
    assert build(refs, "--zotero-collection", COLLECTION, report=report) == ExitCode.OK
    assert refs.read_text(encoding="utf-8") == before
    asked = json.loads(report.read_text())["requests"]
    # (the published-version services of issue 13 have no double in this world: their closed port is tried
    # once a run and they are reported unreachable; every service that answered is answered from the cache)
    assert {s: n for s, n in asked.items() if s in ("arxiv", "hf", "github")} == {"arxiv": 0, "hf": 0, "github": 0}
    assert len(world.z.write_requests()) == writes


def test_a_sync_interrupted_between_the_builds_still_ends_with_one_item_per_paper(world, tmp_path):
    refs = tmp_path / "refs.bib"
    # the offline sync dies half way: Zotero applies one batch of creates but the answer is lost, then it quits
    world.z.fault("/api/users/0/items", "POST", "drop-after-commit", times=1)
    world.z.fault("/api/users/0/items", "POST", "quit", times=1)
    code = build(refs, "--zotero-collection", COLLECTION)
    assert code == ExitCode.ZOTERO
    assert refs.is_file()  # the bibliography was written before the sync
    partial = len(world.items())
    assert 0 < partial < 86
    world.z.restart()
    world.online()
    assert build(refs, "--zotero-collection", COLLECTION) == ExitCode.OK
    items = world.items()
    assert len(items) == 86
    assert len({citation_key_of(i) for i in items}) == 86


# --------------------------------------------------------------------------- the user's edits and decisions


def _edit(path: Path, key: str, change) -> None:
    text = path.read_text(encoding="utf-8")
    m = re.search(r"^@\w+\{" + re.escape(key) + r",.*?^\}", text, re.M | re.S)
    assert m is not None, key
    path.write_text(text[:m.start()] + change(m.group(0)) + text[m.end():], encoding="utf-8")


def _block(path: Path, key: str) -> str:
    m = re.search(r"^@\w+\{" + re.escape(key) + r",.*?^\}", path.read_text(encoding="utf-8"), re.M | re.S)
    assert m is not None, key
    return m.group(0)


def test_a_rebuild_with_every_service_out_of_reach_keeps_what_the_online_run_found(tmp_path, monkeypatch):
    """Online (every service, GitHub's renamed repository, published versions), then offline with a cold
    cache — another machine, or the cache expired: nothing an online run found is lost, not the
    published entry types, the book series, the category tags or GitHub's canonical repository names.
    Then Crossref alone down: the publication only Crossref finds stays."""
    refs = tmp_path / "refs.bib"
    with doubles() as d, GitHubDouble.from_example() as gh:
        d.env(monkeypatch)
        monkeypatch.setenv("BIBKIT_GITHUB_URL", gh.url)
        assert build(refs) == ExitCode.OK  # keyword tags on: the lock keeps HF's keywords (tests/test_identity_tags.py)
        online = refs.read_text(encoding="utf-8")
        assert "series = {Lecture Notes in Computer Science}" in online and "@inproceedings{" in online
        assert "github = {ZhenweiAn/DynMoE}" in online  # the listing links the repository's old name
        key = re.search(r"^@article\{(\w+),(?:(?!^\}).)*eprint = \{2305\.05819\}", online, re.M | re.S)
        assert key is not None  # published in a journal; only Crossref's search finds it
        published = _block(refs, key.group(1))

        urls = {name: os.environ[f"BIBKIT_{name}_URL"] for name in ("ARXIV", "HF", "GITHUB", "S2", "CROSSREF",
                                                                      "DBLP", "OPENALEX")}
        for cache in ("cold-cache", "cold-cache-2"):  # every service out of reach, twice
            monkeypatch.setenv("BIBKIT_CACHE_DIR", str(tmp_path / cache))
            for name in urls:
                monkeypatch.setenv(f"BIBKIT_{name}_URL", "http://127.0.0.1:9")
            assert build(refs) == ExitCode.OK
            assert refs.read_text(encoding="utf-8") == online

        # back online but Crossref down (cold cache): arXiv answers with the preprint's type, date and DOI,
        # but the publication the last run found stays (upgrade: not looked up — with Crossref down a paper
        # nothing points to a venue for is not searched elsewhere — and unasked: Crossref)
        for name, url in urls.items():
            monkeypatch.setenv(f"BIBKIT_{name}_URL", url)
        monkeypatch.setenv("BIBKIT_CACHE_DIR", str(tmp_path / "cache-crossref-down"))
        d.crossref.inject(503)
        report = tmp_path / "r.json"
        assert build(refs, report=report) == ExitCode.OK
        assert _block(refs, key.group(1)) == published
        row = next(e for e in json.loads(report.read_text())["entries"] if e["key"] == key.group(1))
        assert row["upgrade"]["status"] == "not-looked-up" and row["upgrade"]["unasked"] == ["Crossref"]

        # Semantic Scholar sending garbage: no published entry gains arXiv's DOI (an ICLR paper has none) ...
        d.crossref.heal()
        d.s2.inject("garbage")
        monkeypatch.setenv("BIBKIT_CACHE_DIR", str(tmp_path / "cache-s2-down"))
        assert build(refs) == ExitCode.OK
        for block in re.findall(r"^@(?:inproceedings|article)\{.*?^\}", refs.read_text(encoding="utf-8"), re.M | re.S):
            assert "10.48550/arXiv" not in block, block
        # ... and once every service answers again, the bibliography is the healthy one: nothing of a venue
        # chosen meanwhile (a workshop's pages and publisher) stays behind
        d.s2.heal()
        monkeypatch.setenv("BIBKIT_CACHE_DIR", str(tmp_path / "cache-healed"))
        assert build(refs) == ExitCode.OK
        assert refs.read_text(encoding="utf-8") == online


def test_a_hand_edit_a_deleted_field_and_a_hand_resolved_eprint_survive_a_rebuild(world, tmp_path):
    world.online()
    refs, report = tmp_path / "refs.bib", tmp_path / "r.json"
    assert build(refs, report=report) == ExitCode.OK
    rows = {e["key"]: e for e in json.loads(report.read_text())["entries"]}
    ambiguous = next(k for k, e in rows.items() if e["status"] == "ambiguous")
    twin = rows[ambiguous]["candidates"][0]["arxiv_id"]
    survey = next(k for k, e in rows.items() if e.get("arxiv_id") == "2407.18225")

    _edit(refs, survey, lambda t: re.sub(r"title = \{.*?\},\n", "title = {My Survey of {MoE}},\n", t, count=1))
    _edit(refs, survey, lambda t: re.sub(r"  note = \{.*?\},\n|  primaryClass = \{.*?\},\n", "", t))
    _edit(refs, ambiguous, lambda t: t.replace("\n}", f"\n  eprint = {{{twin}}},\n  archivePrefix = {{arXiv}},\n}}"))
    assert build(refs, report=report) == ExitCode.OK
    data = json.loads(report.read_text())
    rows = {e["key"]: e for e in data["entries"]}
    after = entries_by_key(refs)
    assert after[survey].title == "My Survey of MoE" and after[survey].primary_class is None
    assert "title = {My Survey of {MoE}}" in refs.read_text()  # the user's own braces, kept as written
    edits = rows[survey]["user_edits"]
    assert edits["title"]["kind"] == "changed" and "Mixture" in edits["title"]["would_set"]
    assert edits["primary_class"]["kind"] == "deleted"
    # the hand-resolved entry is resolved to the user's paper, by its own ID — not ambiguous again
    assert after[ambiguous].ids.arxiv == twin
    assert rows[ambiguous]["status"] == "resolved" and rows[ambiguous]["resolved_by"] == "input"
    assert rows[ambiguous]["decision"]["source"] == "edit"
    # this run had no arXiv ID of its own to set: nothing "would have been set instead"
    assert rows[ambiguous]["user_edits"]["ids.arxiv"]["would_set"] is None
    # bibkit had written no eprint there: the user added one (not "changed")
    assert rows[ambiguous]["user_edits"]["ids.arxiv"]["kind"] == "added"
    assert data["keys"]["edited_entries"] == 2

    # and again: still the user's (the lock remembers whose fields these are)
    assert build(refs, report=report) == ExitCode.OK
    again = entries_by_key(refs)
    assert again[survey].title == "My Survey of MoE" and again[survey].primary_class is None
    assert again[ambiguous].ids.arxiv == twin
    assert set(again) == set(after)
    rows = {e["key"]: e for e in json.loads(report.read_text())["entries"]}
    assert rows[ambiguous]["user_edits"]["ids.arxiv"]["kind"] == "added"  # still added: the lock remembers
    assert rows[survey]["user_edits"]["title"]["kind"] == "changed"


def test_pick_decides_for_good_and_none_means_no_request(world, tmp_path, monkeypatch):
    world.online()
    refs, report = tmp_path / "refs.bib", tmp_path / "r.json"
    assert build(refs, report=report) == ExitCode.OK
    rows = {e["key"]: e for e in json.loads(report.read_text())["entries"]}
    ambiguous = next(k for k, e in rows.items() if e["status"] == "ambiguous")
    twin = rows[ambiguous]["candidates"][0]["arxiv_id"]
    unresolved = next(k for k, e in rows.items() if e["status"] == "unresolved")
    assert "fairJD" in rows[unresolved]["title"]

    monkeypatch.chdir(tmp_path)  # the one bibliography here with a lock: --bib may be left out
    assert main(["-q", "pick", ambiguous, f"https://arxiv.org/abs/{twin}v1"]) == ExitCode.OK
    assert main(["-q", "pick", unresolved, "none"]) == ExitCode.OK
    assert main(["-q", "pick", "noSuchKey", "2401.00001"]) == ExitCode.INPUT
    assert main(["-q", "pick", ambiguous, "not-an-id"]) == ExitCode.USAGE
    world.ax.reset_log()
    world.hf.reset_log()
    monkeypatch.setenv("BIBKIT_CACHE_DIR", str(tmp_path / "cold-cache"))  # every lookup is a request the doubles see
    assert build(refs, report=report) == ExitCode.OK
    rows = {e["key"]: e for e in json.loads(report.read_text())["entries"]}
    assert rows[ambiguous]["status"] == "resolved" and rows[ambiguous]["arxiv_id"] == twin
    assert rows[unresolved]["status"] == "skipped" and "not on arXiv" in rows[unresolved]["reason"]
    asked = [unquote(r.raw_query).lower() for r in world.ax.log + world.hf.log]
    assert asked and not any("fairjd" in q or "traceable" in q for q in asked)  # nobody was asked about it
    assert entries_by_key(refs)[ambiguous].ids.arxiv == twin
    assert f"eprint = {{{twin}}}" in _block(refs, ambiguous)  # written out, not only implied by arXiv's DOI

    # "none" on a paper an earlier run resolved: what came through that arXiv paper goes with it
    resolved = next(k for k, e in rows.items() if e["status"] == "resolved" and e.get("arxiv_id")
                    and "10.48550/arxiv." in _block(refs, k).lower())
    assert main(["-q", "pick", resolved, "none"]) == ExitCode.OK
    assert build(refs, report=report) == ExitCode.OK
    block = _block(refs, resolved)
    assert "eprint" not in block and "10.48550" not in block and "author" not in block, block
    assert build(refs, report=report) == ExitCode.OK
    assert _block(refs, resolved) == block


# --------------------------------------------------------------------------- re-keying and aliases


def test_rekey_keeps_old_keys_as_aliases_and_cite_resolves_them(world, tmp_path):
    refs = tmp_path / "refs.bib"
    assert build(refs, "--to", "biblatex") == ExitCode.OK  # offline keys
    offline = keys_of(refs)
    world.online()
    report = tmp_path / "r.json"
    assert build(refs, "--to", "biblatex", "--rekey", report=report) == ExitCode.OK
    data = json.loads(report.read_text())
    renamed = {c["old"]: c["new"] for c in data["keys"]["rekeyed"]}
    assert renamed["SurveyMixtureExperts"] == "suzukiSurveyMixtureExperts2024"
    now = entries_by_key(refs)
    assert now["suzukiSurveyMixtureExperts2024"].extra["ids"] == "SurveyMixtureExperts"
    assert set(renamed) <= set(offline) and len(now) == 86

    # a paper citing the old keys: biber finds them through ids, BibTeX gets the entries under the old names
    cited = ["SurveyMixtureExperts", "DolmaOpenCorpus", "suzukiSurveyMixtureExperts2024"]
    cite_report = tmp_path / "cite.json"
    assert main(["-q", "cite", str(aux(tmp_path, cited[:2], biber=True)), "--from", str(refs), "-o",
                 str(tmp_path / "paper-biber.bib"), "--report", str(cite_report)]) == ExitCode.OK
    aliases = {a["cited"]: a["key"] for a in json.loads(cite_report.read_text())["aliases"]}
    assert aliases["SurveyMixtureExperts"] == "suzukiSurveyMixtureExperts2024"
    biber_bib = (tmp_path / "paper-biber.bib").read_text()
    assert "ids = {SurveyMixtureExperts}" in biber_bib
    result = compile_citing(biber_bib, tmp_path / "biber", cited[:2], biber=True)
    assert not result.errors and "undefined" not in result.log
    assert "survey on mixture of experts" in result.text.casefold()

    assert main(["-q", "cite", str(aux(tmp_path, cited[:2])), "--from", str(refs), "-o",
                 str(tmp_path / "paper.bib")]) == ExitCode.OK
    assert keys_of(tmp_path / "paper.bib") == cited[:2]
    result = compile_citing((tmp_path / "paper.bib").read_text(), tmp_path / "bibtex", cited[:2], biber=False)
    assert not result.errors and "undefined" not in result.log
    assert "survey on mixture of experts" in result.text.casefold()

    # the renamed keys are kept from now on (no --rekey): the aliases too
    assert build(refs, "--to", "biblatex") == ExitCode.OK
    assert entries_by_key(refs)["suzukiSurveyMixtureExperts2024"].extra["ids"] == "SurveyMixtureExperts"


def test_rekey_refuses_pinned_keys_unless_forced(tmp_path):
    mine = tmp_path / "mine.bib"
    mine.write_text("@article{myKey, author = {Ada Lovelace}, title = {Notes on the Analytical Engine}, "
                    "journal = {Taylor}, year = {1843}}\n", encoding="utf-8")
    out = tmp_path / "out.bib"
    assert main(["-q", "convert", str(mine), "-o", str(out), "--rekey"]) == ExitCode.USAGE
    assert not out.exists()
    assert main(["-q", "convert", str(mine), "-o", str(out), "--force"]) == ExitCode.USAGE  # --force needs --rekey
    assert main(["-q", "convert", str(mine), "-o", str(out), "--rekey", "--force"]) == ExitCode.OK
    (entry,) = read_path(str(out)).entries
    assert entry.key == "lovelaceNotesAnalyticalEngine1843" and entry.extra["ids"] == "myKey"


# --------------------------------------------------------------------------- keys are never reused


def test_a_key_is_never_given_to_another_paper(tmp_path):
    first, second = tmp_path / "a.txt", tmp_path / "b.txt"
    abstract_a = ("We study sparse gating networks for language modelling and show that routing tokens to a few "
                  "experts per layer keeps quality while cutting compute, across six benchmarks and three scales.")
    abstract_b = ("A field study of coral reef fish populations over ten years shows recovery after bleaching "
                  "events depends on herbivore density, water temperature and the distance to the nearest reef.")
    first.write_text(f"Sparse Expert Routing\n\n{abstract_a}\n", encoding="utf-8")
    out = tmp_path / "refs.bib"
    assert main(["-q", "convert", str(first), "-o", str(out)]) == ExitCode.OK
    assert keys_of(out) == ["SparseExpertRouting"]
    # the first paper leaves the listing; a different paper whose formula key is the same arrives
    second.write_text(f"Sparse Expert Routing Revisited\n\n{abstract_b}\n", encoding="utf-8")
    assert main(["-q", "convert", str(second), "-o", str(out)]) == ExitCode.OK
    assert keys_of(out) == ["SparseExpertRoutinga"]
    # and when the first paper comes back, it gets its own key back
    assert main(["-q", "convert", str(second), str(first), "-o", str(out)]) == ExitCode.OK
    assert keys_of(out) == ["SparseExpertRoutinga", "SparseExpertRouting"]


def test_keys_from_another_bibliography_are_kept(tmp_path):
    listing = tmp_path / "list.txt"
    listing.write_text("Sparse Expert Routing\n\nWe study sparse gating networks for language modelling and "
                       "show that routing tokens to a few experts per layer keeps quality while cutting compute.\n",
                       encoding="utf-8")
    keys = tmp_path / "paper.bib"
    keys.write_text("@misc{routing2024, title = {Sparse Expert Routing}}\n", encoding="utf-8")
    out = tmp_path / "out.bib"
    assert main(["-q", "convert", str(listing), "--keys-from", str(keys), "-o", str(out)]) == ExitCode.OK
    assert keys_of(out) == ["routing2024"]
    assert main(["-q", "convert", str(listing), "--keys-from", str(tmp_path / "nope.bib"), "-o", str(out)]) \
        == ExitCode.INPUT


def test_keys_from_an_enriched_bibliography_follow_a_renamed_paper_offline(tmp_path):
    """The paper was written against an online build (arXiv's new title, its revised abstract); an offline
    build with --keys-from it must still find the pasted paper by its abstract and keep the key."""
    listing = tmp_path / "list.txt"
    text = EXAMPLE.read_text(encoding="utf-8")
    start = text.index("Knowledge Graph Modeling-Driven Large Language Model Operating System")
    listing.write_text(text[start:text.index("\n\n", text.index("\n\n", start) + 2)] + "\n", encoding="utf-8")
    (pasted,) = read_path(str(listing)).entries
    revised = "In this work we p" + pasted.abstract[4:] + " We release the prompts used for every expert model."
    keys = tmp_path / "paper.bib"
    keys.write_text("@misc{martinezLLMOperatingSystem2024,\n  author = {Mart{\\'i}nez, Ngozi},\n"
                    "  title = {An {LLM} Operating System for Process Engineering: Knowledge-Graph-Driven Task "
                    "Automation},\n  year = 2024,\n  eprint = {2403.05507},\n  archivePrefix = {arXiv},\n"
                    f"  abstract = {{{revised}}},\n}}\n", encoding="utf-8")
    out = tmp_path / "out.bib"
    assert main(["-q", "convert", str(listing), "--keys-from", str(keys), "-o", str(out)]) == ExitCode.OK
    assert keys_of(out) == ["martinezLLMOperatingSystem2024"]


# --------------------------------------------------------------------------- the lock file


def test_without_its_lock_a_rebuild_keeps_keys_and_loses_nothing(world, tmp_path):
    refs = tmp_path / "refs.bib"
    assert build(refs) == ExitCode.OK
    offline = keys_of(refs)
    lock = tmp_path / "refs.bib.lock.json"
    lock.unlink()
    _edit(refs, "SurveyMixtureExperts", lambda t: t.replace("\n}", "\n  note = {read twice},\n}"))
    world.online()
    report = tmp_path / "r.json"
    assert build(refs, report=report) == ExitCode.OK
    assert keys_of(refs) == offline
    assert lock.is_file()  # written again
    data = json.loads(report.read_text())
    assert any("no lock file" in n for n in data["prior"]["notices"])
    backup = Path(data["prior"]["backup"])
    assert "read twice" in backup.read_text()  # the old file was saved before anything was overwritten
    assert entries_by_key(refs)["SurveyMixtureExperts"].note == "read twice"  # no service says otherwise

    lock.write_text("{ not json", encoding="utf-8")  # a broken lock is reported and ignored the same way
    assert build(refs, report=report) == ExitCode.OK
    assert keys_of(refs) == offline
    assert json.loads(lock.read_text())["bibkit_lock"] == 1


def test_an_entry_the_user_added_to_the_output_is_kept(tmp_path):
    listing = tmp_path / "list.txt"
    listing.write_text("Sparse Expert Routing\n\nWe study sparse gating networks for language modelling.\n",
                       encoding="utf-8")
    out = tmp_path / "out.bib"
    assert main(["-q", "convert", str(listing), "-o", str(out)]) == ExitCode.OK
    with out.open("a", encoding="utf-8") as fh:
        fh.write("\n@book{knuth1984, author = {Donald E. Knuth}, title = {The {\\TeX}book}, year = {1984}}\n")
    assert main(["-q", "convert", str(listing), "-o", str(out)]) == ExitCode.OK
    assert keys_of(out) == ["SparseExpertRouting", "knuth1984"]
    assert "title = {The {\\TeX}book}" in out.read_text()
    assert main(["-q", "convert", str(listing), "-o", str(out)]) == ExitCode.OK
    assert keys_of(out) == ["SparseExpertRouting", "knuth1984"]


# --------------------------------------------------------------------------- Zotero


def _translator_item(corpus, arxiv_id: str) -> dict:
    """An item as Zotero's arXiv translator saves a preprint (translator-cases/arxiv-web.json): latest version's
    title and date, archiveID, arXiv DOI, http abs URL, ``arXiv:<id> [<class>]`` in Extra, no citation key."""
    paper = corpus.paper(arxiv_id)
    latest = paper.latest
    creators = []
    for a in paper.authors:
        first, _, last = a["name"].rpartition(" ")
        creators.append({"firstName": first, "lastName": last, "creatorType": "author"})
    return {"itemType": "preprint", "title": latest.title, "creators": creators, "date": latest.date[:10],
            "abstractNote": latest.abstract, "repository": "arXiv", "archiveID": f"arXiv:{arxiv_id}",
            "DOI": f"10.48550/arXiv.{arxiv_id}", "url": f"http://arxiv.org/abs/{arxiv_id}",
            "extra": f"arXiv:{arxiv_id} [{paper.categories[0]}]", "libraryCatalog": "arXiv.org",
            "tags": [{"tag": "Computer Science - Computation and Language", "type": 1}]}


def test_an_item_made_by_zoteros_arxiv_translator_is_matched_not_duplicated(world, tmp_path):
    item_key = world.z.add_item(_translator_item(world.corpus, "2407.18225"), ["Elsewhere"])
    world.z.add_item({"itemType": "note", "note": "<p>my notes</p>", "parentItem": item_key})
    world.online()
    refs = tmp_path / "refs.bib"
    assert build(refs, "--zotero-collection", COLLECTION) == ExitCode.OK
    items = world.items()
    assert len(items) == 86
    (item,) = [i for i in items if i["key"] == item_key]
    key = next(k for k, e in entries_by_key(refs).items() if e.ids.arxiv == "2407.18225")
    assert citation_key_of(item) == key  # it had none: now the .bib's
    assert item["archiveID"] == "arXiv:2407.18225"
    assert {t["tag"] for t in item["tags"]} >= {"Computer Science - Computation and Language"}
    assert len(item["collections"]) == 2  # joined the collection, stayed in the user's
    assert any(c["itemType"] == "note" for c in world.z.children(item_key))


def test_a_zotero_citation_key_is_never_overwritten_and_flows_back_into_the_bib(world, tmp_path):
    data = _translator_item(world.corpus, "2407.18225")
    data["extra"] = "Citation Key: cai2024moe\n" + data["extra"]  # e.g. pinned by Better BibTeX
    item_key = world.z.add_item(data)
    refs = tmp_path / "refs.bib"
    # offline: the listing's paper is matched to the item by its abstract (the item has arXiv's newer title)
    assert build(refs, "--zotero-collection", COLLECTION) == ExitCode.OK
    assert "cai2024moe" in keys_of(refs) and "SurveyMixtureExperts" not in keys_of(refs)
    world.online()
    assert build(refs, "--zotero-collection", COLLECTION) == ExitCode.OK
    entries = entries_by_key(refs)
    assert entries["cai2024moe"].ids.arxiv == "2407.18225"
    assert citation_key_of(world.z.item(item_key)) == "cai2024moe"
    assert len(world.items()) == 86
    # the key is pinned now: --rekey leaves it to --force
    assert build(refs, "--rekey") == ExitCode.USAGE


def test_a_key_issued_before_the_item_got_another_one_stays_an_alias(world, tmp_path):
    """The .bib had key K for a paper; meanwhile the user gave the Zotero item key Z (e.g. Better BibTeX pinned
    it): Z wins, K stays an alias so \\cite{K} keeps working."""
    refs = tmp_path / "refs.bib"
    world.online()
    assert build(refs, "--zotero-collection", COLLECTION) == ExitCode.OK
    key = next(k for k, e in entries_by_key(refs).items() if e.ids.arxiv == "2407.18225")
    (item,) = [i for i in world.items() if citation_key_of(i) == key]
    extra = "\n".join(line for line in item["extra"].splitlines() if not line.lower().startswith("citation key"))
    world.z.add_item({"itemType": "note", "note": "<p>keep me</p>", "parentItem": item["key"]})
    _patch_item(world.z, item["key"], {"extra": "Citation Key: cai2024moe\n" + extra})
    assert build(refs, "--zotero-collection", COLLECTION) == ExitCode.OK
    entries = entries_by_key(refs)
    assert entries["cai2024moe"].extra["ids"] == key
    assert citation_key_of(world.z.item(item["key"])) == "cai2024moe"
    assert len(world.items()) == 86


def _patch_item(z: FakeZotero, key: str, data: dict) -> None:
    """Edit an item the way another application does: a PATCH through Zotero 10's local API."""
    import urllib.request

    current = z.item(key)
    assert current is not None
    body = json.dumps(data).encode()
    request = urllib.request.Request(f"{z.url}/api/users/0/items/{key}", data=body, method="PATCH", headers={
        "Content-Type": "application/json", "Zotero-API-Key": z.grant_key("other-app"),
        "Zotero-Server-ID": z.server_id, "Zotero-Allowed-Request": "1",
        "If-Unmodified-Since-Version": str(current["version"])})
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 204


def test_the_example_paper_keeps_its_keys_when_the_listing_is_enriched(world, tmp_path):
    """examples/paper/build.sh with the services up: every paper is enriched (so the formula would put authors
    and years into new keys), yet body.tex's keys — pinned by keys.bib — all resolve, and the paper compiles
    without a warning."""
    import os
    import shutil
    import subprocess
    import sys

    from texutil import require_tex

    require_tex("pdflatex", "bibtex", "biber")
    world.online()
    work = tmp_path / "paper"
    work.mkdir()
    for item in (ROOT / "examples" / "paper").iterdir():
        if item.suffix in (".tex", ".sh") or item.name == "keys.bib":
            shutil.copy2(item, work / item.name)
    env = dict(os.environ, BIBKIT=f"{sys.executable} -m bibkit", LISTING=str(EXAMPLE), RULES=str(RULES))
    proc = subprocess.run(["bash", "build.sh"], cwd=work, env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    assert "OK: paper.pdf and paper-biblatex.pdf" in proc.stdout
    refs = entries_by_key(work / "refs.bib")
    assert refs["SurveyMixtureExperts"].ids.arxiv == "2407.18225"  # enriched, key kept
    assert sum(1 for e in refs.values() if e.ids.arxiv) >= 80
    cited = set(re.findall(r"^@\w+\{([^,]+),", (ROOT / "examples" / "paper" / "keys.bib").read_text(), re.M))
    assert len(cited) == 15 and cited <= set(refs)


def test_a_key_renamed_by_hand_is_the_users_and_the_old_one_stays_an_alias(tmp_path):
    out = tmp_path / "refs.bib"
    assert build(out) == ExitCode.OK  # offline
    text = out.read_text(encoding="utf-8")
    out.write_text(text.replace("@misc{SurveyMixtureExperts,", "@misc{moeSurvey,"), encoding="utf-8")
    report = tmp_path / "r.json"
    assert build(out, report=report) == ExitCode.OK
    entries = entries_by_key(out)
    assert "SurveyMixtureExperts" not in entries and entries["moeSurvey"].extra["ids"] == "SurveyMixtureExperts"
    row = next(e for e in json.loads(report.read_text())["entries"] if e["key"] == "moeSurvey")
    assert row["key_source"]["source"] == "user"
    assert build(out, "--rekey") == ExitCode.USAGE  # the user's key: --force needed
    assert keys_of(out).count("moeSurvey") == 1


def test_without_the_local_api_a_paper_saved_before_enrichment_is_not_saved_again(monkeypatch, tmp_path):
    """Zotero 7 with the local API off: the bridge cannot read the library, only its own record of what it
    saved.  The offline sync saved each paper under its citation key; the online one knows it by its arXiv ID
    too — the record is found by the (kept) citation key, and nothing is saved twice."""
    corpus = load_corpus()
    with ArxivDouble(corpus) as ax, HfDouble(corpus) as hf, GitHubDouble.from_example() as gh, \
            FakeZotero(version="7.0.32", local_api=False) as z:
        monkeypatch.setenv("BIBKIT_ZOTERO_URL", z.url)
        z.add_collection("Reading")
        z.select("Reading")
        refs = tmp_path / "refs.bib"
        assert build(refs, "--zotero-collection", "Reading") == ExitCode.OK
        top = [i for i in z.items() if i["itemType"] not in ("attachment", "note")]
        assert len(top) == 86
        World(monkeypatch, corpus, ax, hf, gh, z).online()
        report = tmp_path / "r.json"
        assert build(refs, "--zotero-collection", "Reading", report=report) == ExitCode.OK
        assert len([i for i in z.items() if i["itemType"] not in ("attachment", "note")]) == 86
        assert json.loads(report.read_text())["zotero"]["counts"] == {"unchanged": 86}


def test_the_report_of_kept_edits_is_the_same_whatever_the_hash_seed(tmp_path):
    # the user's edits are sets of field groups: listed in a fixed order, a report (and the summary) is the same
    # byte for byte run after run — Python seeds string hashes anew in every process
    import json
    import os
    import subprocess
    import sys

    src = tmp_path / "in.bib"
    src.write_text("@article{k,\n  title = {A Title},\n  author = {Doe, Jane},\n  year = 2020,\n"
                   "  journal = {J},\n  volume = {1},\n  pages = {1--2},\n}\n", encoding="utf-8")
    out = tmp_path / "out.bib"
    run = [sys.executable, "-m", "bibkit", "-q", "convert", str(src), "-o", str(out)]
    subprocess.run(run, check=True)
    edited = out.read_text(encoding="utf-8")
    for old, new in (("A Title", "My Title"), ("{J}", "{My Journal}"), ("{1--2}", "{1--3}"), ("{1}", "{2}")):
        edited = edited.replace(old, new)
    reports = []
    for seed in ("0", "1", "2", "3"):
        out.write_text(edited, encoding="utf-8")
        report = tmp_path / f"r{seed}.json"
        subprocess.run(run + ["--report", str(report)], check=True, env={**os.environ, "PYTHONHASHSEED": seed})
        entry = json.loads(report.read_text(encoding="utf-8"))["entries"][0]
        reports.append(list(entry["user_edits"]))
    assert reports[0] == sorted(reports[0]) and len(reports[0]) >= 3 and all(r == reports[0] for r in reports)
