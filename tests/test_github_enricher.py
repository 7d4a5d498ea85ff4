"""Roles by evidence, and the GitHub enricher end to end on the example listing against the double."""

from __future__ import annotations

import json
import logging
from pathlib import Path

from bibkit.config import load_settings
from bibkit.enrich.base import EnrichContext
from bibkit.enrich.github import GitHubEnricher, repo_report
from bibkit.enrich.roles import HF_EVIDENCE, SAME_REPO, assign_roles
from bibkit.http import HttpLayer
from bibkit.links import extract_links
from bibkit.model import Entry, Link, LinkKind
from bibkit.sources import read_path
from bibkit.testing.github import EXAMPLE_DEAD, EXAMPLE_RENAMED, EXAMPLE_REPOS, GitHubDouble

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "hf-trending-papers.txt"
TOKEN = "ghp_ENRICHERTOKEN_abcdefghijklmnop0123"


def gh(target: str, *, source: str = "abstract", role: str | None = None, evidence: str | None = None,
       subpath: str | None = None) -> Link:
    return Link(LinkKind.GITHUB, f"https://github.com/{target}", target=target, subpath=subpath, role=role,
                evidence=evidence, source=source)


def hf_link(target: str) -> Link:
    """What the orchestrator adds for HF's githubRepo."""
    return gh(target, source="hf", role="primary", evidence=HF_EVIDENCE)


def primaries(entry: Entry) -> list[Link]:
    return [l for l in entry.github_links if l.role == "primary"]


# --------------------------------------------------------------------------- roles


def test_hf_github_repo_beats_every_other_evidence():
    entry = Entry(links=[gh("lab/paper-code", role="primary", evidence="our code"), hf_link("lab/official")])
    winner = assign_roles(entry)
    assert winner is entry.code_repo and winner.target == "lab/official" and winner.evidence == HF_EVIDENCE
    assert [l.role for l in entry.links] == ["mentioned", "primary"]
    assert "weaker" in entry.links[0].evidence


def test_arxiv_comment_code_beats_a_lone_abstract_link():
    entry = Entry(abstract="We compare with https://github.com/other/baseline-tool in all experiments.")
    for link in extract_links(entry.abstract, "abstract"):
        entry.add_link(link)
    for link in extract_links("12 pages. Code: https://github.com/me/our-method", "arxiv-comment"):
        entry.add_link(link)
    assign_roles(entry)
    assert entry.code_repo.target == "me/our-method" and entry.code_repo.source == "arxiv-comment"
    assert len(primaries(entry)) == 1


def test_only_repository_in_abstract_is_primary():
    text = "The code and models are available at https://github.com/ZhenweiAn/Dynamic_MoE."
    entry = Entry(links=extract_links(text, "abstract"))
    assert assign_roles(entry).target == "ZhenweiAn/Dynamic_MoE"


def test_an_awesome_list_loses_to_real_code_but_wins_alone():
    code, lst = gh("lab/method", role="primary", evidence="our code"), gh("lab/awesome-things", role="primary", evidence="available at")
    entry = Entry(links=[lst, code])
    assert assign_roles(entry) is code and lst.role == "mentioned"
    alone = Entry(links=[gh("MoE-Inf/awesome-moe-inference", role="primary", evidence="we have established")])
    assert assign_roles(alone).target == "MoE-Inf/awesome-moe-inference"


def test_a_mentioned_repository_is_never_primary():
    entry = Entry(links=[gh("huggingface/transformers", role="mentioned", evidence="based on")])
    assert assign_roles(entry) is None and entry.code_repo is None
    assert entry.links[0].role == "mentioned" and entry.links[0].evidence == "based on"


def test_tie_break_is_source_then_order():
    a, b = gh("x/first", role="primary", evidence="our code"), gh("x/second", role="primary", evidence="our code")
    entry = Entry(links=[a, b])
    assert assign_roles(entry) is a
    bib = gh("x/declared", source="bib", role="primary", evidence="github field")
    entry = Entry(links=[gh("x/abstract", role="primary", evidence="our code"), bib])
    assert assign_roles(entry) is bib


def test_links_to_the_same_repository_yield_one_primary_and_one_report_row():
    sub = gh("AlibabaResearch/AdvancedLiterateMachinery", role="primary", evidence="available at", subpath="OCR/Platypus")
    entry = Entry(links=[sub, hf_link("alibabaresearch/advancedliteratemachinery")])
    assign_roles(entry)
    assert len(primaries(entry)) == 1 and entry.code_repo.source == "hf"
    assert sub.role == "mentioned" and sub.evidence == SAME_REPO
    rows = repo_report(entry)
    assert len(rows) == 1 and rows[0]["role"] == "primary" and rows[0]["subpaths"] == ["OCR/Platypus"]
    assert rows[0]["sources"] == ["abstract", "hf"] and rows[0]["status"] == "unchecked"


def test_assign_roles_is_idempotent():
    entry = Entry(links=[gh("a/x", role="primary", evidence="our code"), gh("a/y"), hf_link("a/z"),
                         gh("a/w", role="mentioned", evidence="based on")])
    assign_roles(entry)
    first = [(l.role, l.evidence) for l in entry.links]
    assign_roles(entry)
    assert [(l.role, l.evidence) for l in entry.links] == first
    assert [l.role for l in entry.links].count("primary") == 1


# --------------------------------------------------------------------------- the enricher, end to end


def example_entries() -> list[Entry]:
    return read_path(str(EXAMPLE)).entries


def enrich(srv, entries, *, token=None, only=("github",), offline=False):
    settings = load_settings(github_url=srv.url)
    with HttpLayer(settings, offline=offline, sleep=lambda s: None) as http:
        progress: list[int] = []
        ctx = EnrichContext(settings=settings, http=http, only=frozenset(only),
                            on_progress=lambda stage, n: progress.append(n))
        enricher = GitHubEnricher(token=token)
        enricher.enrich(entries, ctx)
        return ctx, http.stats, progress


def test_every_example_repository_resolves_end_to_end():
    entries = example_entries()
    with GitHubDouble.from_example() as srv:
        ctx, stats, progress = enrich(srv, entries)
        with_code = [e for e in entries if e.github_links]
        assert len(with_code) == len(EXAMPLE_REPOS) == 18
        assert sum(progress) == len(entries)
        seen = set()
        for entry in with_code:
            code = entry.code_repo
            assert code is not None and code.repo is not None, entry.title
            seen.add(code.target)
            info = code.repo
            if code.target in EXAMPLE_DEAD:
                assert info.status == "dead"
                assert any(p.code == "dead-code-repo" for p in entry.problems)
            elif code.target in EXAMPLE_RENAMED:
                assert (info.status, info.full_name, info.old_name) == ("renamed", EXAMPLE_RENAMED[code.target], code.target)
            else:
                assert info.status == "ok" and info.full_name == code.target
                assert info.stars is not None and info.pushed_at
            rows = ctx.report(entry).repos
            assert len(rows) == 1 and rows[0]["role"] == "primary" and rows[0]["status"] == info.status
        assert seen == set(EXAMPLE_REPOS)
        platypus = next(e for e in with_code if e.code_repo.target == "AlibabaResearch/AdvancedLiterateMachinery")
        assert platypus.code_repo.subpath == "OCR/Platypus"
        assert ctx.report(platypus).repos[0]["subpaths"] == ["OCR/Platypus"]
        moe = next(e for e in with_code if e.code_repo.target.casefold() == "moe-inf/awesome-moe-inference")
        assert moe.code_repo.target == "MoE-Inf/awesome-moe-inference" and moe.code_repo.repo.status == "ok"
        # one REST request per distinct repository (+1: the rename's 301 is followed by /repositories/<id>)
        assert stats.network["github"] == len(EXAMPLE_REPOS) + 1 == srv.quota_used
        assert ctx.notices == []


def test_rerun_uses_no_quota():
    with GitHubDouble.from_example() as srv:
        enrich(srv, example_entries())
        used = srv.quota_used
        entries = example_entries()
        ctx, stats, _ = enrich(srv, entries)
        assert srv.quota_used == used and stats.network["github"] == 0
        assert sum(1 for e in entries if e.code_repo and e.code_repo.repo.status in ("ok", "renamed")) == 17


def test_with_a_token_one_graphql_request_covers_the_listing():
    entries = example_entries()
    with GitHubDouble.from_example(token=TOKEN) as srv:
        ctx, stats, _ = enrich(srv, entries, token=TOKEN)
        assert srv.graphql_aliases == [18]
        assert [r.path for r in srv.log if r.path != "/graphql"] == ["/repos/aitomatic/semikong"]  # the NOT_FOUND, confirmed
        statuses = sorted(e.code_repo.repo.status for e in entries if e.code_repo)
        assert statuses.count("ok") == 16 and statuses.count("renamed") == 1 and statuses.count("dead") == 1


def test_quota_exhausted_mid_run_finishes_the_rest_unchecked():
    entries = example_entries()
    with GitHubDouble.from_example(anon_limit=8) as srv:
        ctx, stats, progress = enrich(srv, entries)
        assert sum(progress) == len(entries)  # the whole run finished
        statuses = [e.code_repo.repo.status for e in entries if e.code_repo]
        assert len(statuses) == 18
        assert statuses.count("unchecked") >= 10 and statuses.count("ok") >= 6
        assert srv.quota_used == 8 and len(srv.log) == 8  # nothing after the quota ran out
        assert len(ctx.notices) == 1 and ctx.notices[0].startswith("GitHub quota exhausted until ")
        assert ctx.notices[0].endswith("— set GITHUB_TOKEN")
        unchecked = [e for e in entries if e.code_repo and e.code_repo.repo.status == "unchecked"]
        assert all(ctx.report(e).repos[0]["status"] == "unchecked" and ctx.report(e).repos[0]["detail"] for e in unchecked)
        # the report still names every repository as linked
        assert {ctx.report(e).repos[0]["asked"] for e in unchecked} <= set(EXAMPLE_REPOS)


def test_report_rows_carry_the_metadata_and_never_the_token(caplog):
    entries = example_entries()
    with GitHubDouble.from_example(token=TOKEN) as srv:
        with caplog.at_level(logging.DEBUG):
            ctx, _, _ = enrich(srv, entries, token=TOKEN)
    report = json.dumps([ctx.report(e).as_dict() for e in entries], ensure_ascii=False)
    assert TOKEN not in report and TOKEN not in caplog.text
    cache = Path(load_settings().cache_dir)
    assert TOKEN.encode() not in b"".join(p.read_bytes() for p in cache.rglob("*") if p.is_file())
    row = next(r for e in entries for r in ctx.report(e).repos if r["status"] == "renamed")
    assert row["repo"] == "ZhenweiAn/DynMoE" and row["old_name"] == "ZhenweiAn/Dynamic_MoE"
    assert row["url"] == "https://github.com/ZhenweiAn/DynMoE"
    for key in ("stars", "license", "topics", "archived", "fork", "default_branch", "pushed_at", "homepage",
                "description", "evidence", "role", "checked_at"):
        assert key in row
    archived = next(r for e in entries for r in ctx.report(e).repos if r["repo"] == "microsoft/Stochastic-Mixture-of-Experts")
    assert archived["archived"] is True


def test_hf_repo_and_abstract_mentions_on_one_entry():
    entry = Entry(title="T", abstract="We build on https://github.com/declare-lab/instruct-eval for evaluation.")
    for link in extract_links(entry.abstract, "abstract"):
        entry.add_link(link)
    entry.add_link(hf_link("gersteinlab/medagents"))
    with GitHubDouble.from_example() as srv:
        ctx, _, _ = enrich(srv, [entry])
    rows = ctx.report(entry).repos
    assert [(r["repo"], r["role"]) for r in rows] == [("declare-lab/instruct-eval", "mentioned"), ("gersteinlab/MedAgents", "primary")]
    assert entry.code_repo.repo.full_name == "gersteinlab/MedAgents"  # canonical casing for the writer


def test_github_not_in_only_makes_no_requests():
    entries = example_entries()
    with GitHubDouble.from_example() as srv:
        ctx, stats, progress = enrich(srv, entries, only=("arxiv", "hf"))
        assert srv.log == [] and stats.network["github"] == 0
    assert sum(progress) == len(entries)
    assert all(e.code_repo is not None for e in entries if e.github_links)  # roles still decided
    rows = [r for e in entries for r in ctx.report(e).repos]
    assert len(rows) == 18 and {r["status"] for r in rows} == {"unchecked"}


def test_offline_without_cache_marks_unchecked_with_a_notice():
    entries = example_entries()
    with GitHubDouble.from_example() as srv:
        ctx, stats, _ = enrich(srv, entries, offline=True)
        assert srv.log == []
    assert {e.code_repo.repo.status for e in entries if e.code_repo} == {"unchecked"}
    assert ctx.notices == ["offline: 18 GitHub repositories not in the cache left unchecked"]


def test_enricher_protocol_attributes():
    assert GitHubEnricher.name == "github" and GitHubEnricher.services == frozenset({"github"})
