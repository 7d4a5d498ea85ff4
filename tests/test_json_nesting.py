"""JSON nested thousands of levels deep is malformed JSON, never a traceback: one parser for all of it.

Every JSON bibkit reads goes through :func:`bibkit.jsondata.load_json`: answers of Hugging Face,
GitHub and Zotero (each from a real local server answering ``[[[[…`` with status 200), Hugging
Face papers JSON given as input, and bibkit's own files (the lock beside an output, the Zotero
bridge's key store and record of saves).  Each place treats it as it treats any malformed JSON.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import requests

from bibkit.cli import main
from bibkit.config import load_settings
from bibkit.enrich import enrich_document
from bibkit.errors import ExitCode
from bibkit.http import HttpLayer
from bibkit.jsondata import TOO_DEEP, JsonTooDeep, load_json
from bibkit.outcomes import OutageKind
from bibkit.sources import read_path
from bibkit.testing.arxiv import ArxivDouble
from bibkit.testing.corpus import load_corpus
from bibkit.testing.github import GitHubDouble
from bibkit.testing.hf import HfDouble
from bibkit.testing.server import LocalServer, Reply, Request
from zotero_bridge import sync
from zotero_bridge.keystore import FILE_NAME as KEYS_FILE
from zotero_bridge.keystore import KeyStore
from zotero_bridge.state import FILE_NAME as STATE_FILE
from zotero_bridge.state import LocalRecord
from zotero_bridge.transport import ZoteroError

from zotero_helpers import arxiv_paper, fake_zotero  # noqa: F401 (fixture)

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "hf-trending-papers.txt"
DEEP = "[" * 100_000 + "]" * 100_000
DEEP_OBJECTS = '{"a":' * 50_000 + "1" + "}" * 50_000


def test_load_json_says_too_deep_as_a_value_error() -> None:
    for text in (DEEP, DEEP.encode(), DEEP_OBJECTS):
        with pytest.raises(JsonTooDeep, match="nested too deeply") as info:
            load_json(text)
        assert isinstance(info.value, ValueError) and str(info.value) == TOO_DEEP
    assert load_json('{"papers": [{"id": "2401.04088", "upvotes": 3}]}') == {"papers": [{"id": "2401.04088",
                                                                                        "upvotes": 3}]}
    with pytest.raises(json.JSONDecodeError):
        load_json("{not json")


# --------------------------------------------------------------------------- services


class DeepGitHub(GitHubDouble):
    """GitHub answering every request with 200 and JSON nested 100,000 deep."""

    def handle(self, request: Request) -> Reply | None:
        return Reply(200, DEEP.encode(), content_type="application/json; charset=utf-8")


@pytest.fixture(scope="module")
def corpus():
    return load_corpus()


def _enrich(ax, hf, gh, only):
    settings = load_settings(arxiv_url=ax.api_url, hf_url=hf.url, github_url=gh.url)
    doc = read_path(str(EXAMPLE))
    with HttpLayer(settings, sleep=lambda s: None) as layer:
        return doc, enrich_document(doc, settings, only=only, http=layer)


def test_github_answering_deep_json_is_a_service_sending_unreadable_answers(corpus):
    with ArxivDouble(corpus) as ax, HfDouble(corpus) as hf, DeepGitHub.from_example() as gh:
        doc, result = _enrich(ax, hf, gh, ("arxiv", "hf", "github"))
    assert result.requests["github"] == 3  # given up after three unreadable answers, like any garbage
    assert [(o.service, o.kind) for o in result.outages] == [("github", OutageKind.UNREADABLE)]
    rows = [row for r in result.reports for row in r.repos]
    assert rows and all(row["status"] == "unchecked" for row in rows)
    assert result.totals["resolved"] >= 80  # arXiv and HF did their part


def test_hf_answering_deep_json_is_given_up_and_arxiv_resolves(corpus):
    with ArxivDouble(corpus) as ax, HfDouble(corpus) as hf, GitHubDouble.from_example() as gh:
        hf.faults = [Reply(200, DEEP.encode(), content_type="application/json") for _ in range(300)]
        doc, result = _enrich(ax, hf, gh, ("arxiv", "hf"))
    assert result.requests["hf"] == 3
    assert [(o.service, o.kind) for o in result.outages] == [("hf", OutageKind.UNREADABLE)]
    assert result.totals["resolved"] >= 80


def test_zotero_answering_deep_json_ends_the_sync_cleanly_and_a_rerun_completes(fake_zotero):  # noqa: F811
    z, settings = fake_zotero("10")
    papers = [arxiv_paper(n) for n in range(1, 6)]
    z.fault("/api/", "GET", "deep", times=None)
    with pytest.raises(ZoteroError, match="answer is not a JSON list") as info:
        sync(papers, "Reading/MoE", settings=settings)
    assert info.value.exit_code == ExitCode.ZOTERO  # one line and exit 6 on the command line
    assert z.items() == []
    z.clear_faults()
    again = sync(papers, "Reading/MoE", settings=settings)
    assert again.complete and again.counts() == {"created": 5}


# --------------------------------------------------------------------------- inputs and bibkit's own files


def test_hf_papers_json_nested_deep_is_an_input_error_naming_the_file(tmp_path, capsys):
    src = tmp_path / "papers.json"
    src.write_text(DEEP)
    code = main(["convert", str(src), "-o", str(tmp_path / "out.bib")])
    assert code == ExitCode.INPUT
    err = capsys.readouterr().err
    assert "papers.json" in err and "nested too deeply" in err and "Traceback" not in err
    assert not (tmp_path / "out.bib").exists()


def test_a_deep_lock_file_is_reported_and_ignored(tmp_path, capsys):
    src = tmp_path / "ids.txt"
    src.write_text("arXiv:2401.04088\n")
    out = tmp_path / "refs.bib"
    assert main(["convert", str(src), "-o", str(out)]) == ExitCode.OK
    lock = tmp_path / "refs.bib.lock.json"
    assert lock.exists()
    lock.write_text(DEEP)
    capsys.readouterr()
    assert main(["convert", str(src), "-o", str(out)]) == ExitCode.OK
    err = capsys.readouterr().err
    assert "refs.bib.lock.json" in err and "Traceback" not in err
    assert "2401.04088" in out.read_text()
    assert json.loads(lock.read_text())["bibkit_lock"]  # written afresh


def test_the_bridges_own_files_nested_deep_read_as_empty(tmp_path):
    (tmp_path / KEYS_FILE).write_text(DEEP)
    assert KeyStore(tmp_path).get("server-id", "http://127.0.0.1:23119") is None
    (tmp_path / STATE_FILE).write_text(DEEP)
    assert LocalRecord(tmp_path, "http://127.0.0.1:23119").entries == {}


class Deep(LocalServer):
    """A service answering every request with JSON nested 100,000 deep: 500 on /error, else 200."""

    def handle(self, request: Request) -> Reply | None:
        return Reply(500 if request.path.startswith("/error") else 200, DEEP.encode(),
                     content_type="application/json")


def test_the_published_version_clients_read_deep_answers_as_unreadable_or_as_no_message():
    from bibkit.enrich.webapi import json_body, json_readable, outage_for_status

    with Deep() as srv:
        failing = requests.get(f"{srv.url}/error/works")
        answer = requests.get(f"{srv.url}/works")
    outage = outage_for_status("crossref", failing)  # a 500 whose body is too deep to read: no message, no crash
    assert outage is not None and outage.kind is OutageKind.HTTP_STATUS and outage.cause == "HTTP 500"
    assert json_readable(answer) == "not JSON"
    body = json_body("crossref", answer)
    assert getattr(body, "kind", None) is OutageKind.UNREADABLE
