"""``bibkit repos`` and the library behind it, against the GitHub double serving the example listing."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from bibkit.cli import main
from bibkit.app import ReposOptions, list_repos
from bibkit.repos import RepoRow, render_rows, sort_rows
from bibkit.testing.github import EXAMPLE_DEAD, EXAMPLE_RENAMED, EXAMPLE_REPOS, GitHubDouble

EXAMPLE = str(Path(__file__).resolve().parent.parent / "examples" / "hf-trending-papers.txt")
TOKEN = "ghp_CLITOKEN_zyxwvutsrqponm9876543210"


@pytest.fixture()
def github(monkeypatch):
    with GitHubDouble.from_example(token=TOKEN) as srv:
        monkeypatch.setenv("BIBKIT_GITHUB_URL", srv.url)
        yield srv


def repos(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["repos", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_table_sorted_by_stars(github, capsys):
    code, out, err = repos(capsys, EXAMPLE)
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["paper", "repo", "role", "status", "stars", "license", "last", "push", "archived"]
    assert set(lines[1]) <= {"-", " "}
    body = lines[2:]
    assert len(body) == len(EXAMPLE_REPOS)
    stars = [int(line.split()[4]) if "dead" not in line else None for line in body if "renamed" not in line]
    known = [s for s in stars if s is not None]
    assert known == sorted(known, reverse=True) and stars[-1] is None  # the dead one (no stars) last
    old, new = next(iter(EXAMPLE_RENAMED.items()))
    assert any(f"{new} (was {old})" in line and "renamed" in line for line in body)
    assert any("aitomatic/semikong" in line and "dead" in line for line in body)
    assert "bibkit repos" in err and "papers with code  18" in err


def test_csv_sorted_by_last_push(github, capsys):
    code, out, _ = repos(capsys, EXAMPLE, "--format", "csv", "--sort", "pushed")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and len(rows) == 18
    pushed = [r["pushed_at"] for r in rows]
    known = [p for p in pushed if p]
    assert known == sorted(known, reverse=True) and pushed[-1] == ""  # unknown last
    archived = {r["repo"]: r["archived"] for r in rows}
    assert archived["microsoft/Stochastic-Mixture-of-Experts"] == "true" and archived["qiuzh20/RMoE"] == "false"
    platypus = next(r for r in rows if r["repo"] == "AlibabaResearch/AdvancedLiterateMachinery")
    assert platypus["subpaths"] == "OCR/Platypus" and platypus["role"] == "primary"


def test_json_and_report_file(github, capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    report = tmp_path / "repos.json"
    code, out, _ = repos(capsys, EXAMPLE, "--format", "json", "--report", str(report))
    rows = json.loads(out)
    assert code == 0 and {r["status"] for r in rows} == {"ok", "renamed", "dead"}
    assert github.graphql_aliases == [18]  # the token batched the lookups
    data = json.loads(report.read_text())
    assert data["totals"]["repositories"] == 18 and data["totals"]["dead"] == len(EXAMPLE_DEAD)
    assert len(data["rows"]) == 18 and len(data["entries"]) == 86
    assert TOKEN not in report.read_text() and TOKEN not in out


def test_offline_rerun_answers_from_the_cache(github, capsys):
    _, first, _ = repos(capsys, EXAMPLE, "--format", "json")
    github.reset_log()
    code, again, err = repos(capsys, EXAMPLE, "--format", "json", "--offline")
    assert code == 0 and github.log == []
    assert json.loads(again) == json.loads(first)


def test_output_file_and_quota_notice(capsys, tmp_path, monkeypatch):
    with GitHubDouble.from_example(anon_limit=4) as srv:
        monkeypatch.setenv("BIBKIT_GITHUB_URL", srv.url)
        out_file = tmp_path / "repos.txt"
        code, out, err = repos(capsys, EXAMPLE, "-o", str(out_file))
    assert code == 0 and out == ""
    text = out_file.read_text()
    assert text.count("unchecked") >= 13
    assert "GitHub quota exhausted until " in err and "set GITHUB_TOKEN" in err


def test_list_repos_library_call(github):
    result = list_repos([EXAMPLE], ReposOptions(sort="pushed"), token="")
    assert result.entries == 86 and len(result.rows) == 18
    assert result.requests["requests"] == 19 and github.requests_to("/graphql") == []  # token="" = anonymous
    assert result.totals()["papers with code"] == 18


def _row(paper: str, stars: int | None, pushed: str | None) -> RepoRow:
    return RepoRow(paper=paper, key=paper, title=None, source=None, repo=f"o/{paper}", url="u", role="primary",
                   status="ok", stars=stars, pushed_at=pushed)


def test_sort_puts_unknown_last_and_keeps_ties_in_input_order():
    rows = [_row("a", None, None), _row("b", 5, "2024-01-01T00:00:00Z"), _row("c", 9, "2023-05-01T00:00:00Z"),
            _row("d", 5, "2024-01-01T00:00:00Z")]
    assert [r.paper for r in sort_rows(rows, "stars")] == ["c", "b", "d", "a"]
    assert [r.paper for r in sort_rows(rows, "pushed")] == ["b", "d", "c", "a"]
    with pytest.raises(ValueError):
        sort_rows(rows, "forks")
    with pytest.raises(ValueError):
        render_rows(rows, "xml")


def test_bad_arguments_are_usage_errors(capsys):
    with pytest.raises(SystemExit) as info:
        main(["repos", EXAMPLE, "--sort", "forks"])
    assert info.value.code == 2
