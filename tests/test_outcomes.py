"""Outcomes are values: exit codes and ``network_ok`` follow :class:`~bibkit.outcomes.Outage` values, never words.

Rewording every message about a service outage leaves the exit codes alone;
a message that merely *sounds* like an outage changes nothing.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from conftest import CLOSED, EXAMPLES

from bibkit import app
from bibkit.cli import main
from bibkit.cli.common import notice_lines
from bibkit.config import load_settings
from bibkit.enrich import EnrichResult, enrich_document
from bibkit.errors import ExitCode
from bibkit.http import HttpError, HttpLayer, OfflineMiss, RateLimited, ServicePolicy, ServiceUnavailable
from bibkit.model import Document, Entry
from bibkit.outcomes import EntryStatus, Notice, Outage, OutageKind, Service
from bibkit.record import EntryReport
from bibkit.testing.server import LocalServer, Reply, Request

LISTING = str(EXAMPLES / "hf-trending-papers.txt")


# --------------------------------------------------------------------------- the values


def test_http_errors_carry_their_outage():
    assert ServiceUnavailable("arxiv", "cannot reach x (connection refused)").outage.kind is OutageKind.UNREACHABLE
    limited = RateLimited("hf", "asked to wait 3600 s (Retry-After)", until=time.time() + 3600, status=429)
    assert limited.outage.kind is OutageKind.RATE_LIMITED and limited.outage.until == limited.until
    assert limited.outage.service is Service.HF
    assert HttpError("arxiv", "timeout (read timed out) after 4 attempts").outage.kind is OutageKind.TIMEOUT
    assert HttpError("arxiv", "HTTP 503 after 4 attempts", status=503).outage.kind is OutageKind.HTTP_STATUS
    assert OfflineMiss("github", "offline and not in the cache").outage.kind is OutageKind.OFFLINE_MISS
    assert not OfflineMiss("github", "x").outage.is_failure


def test_the_http_layer_records_an_unreachable_service_as_a_value():
    settings = load_settings()
    with HttpLayer(settings) as layer:
        client = layer.client(ServicePolicy(name="arxiv", base_url=CLOSED + "/api/query", expire_after=None))
        with pytest.raises(ServiceUnavailable) as info:
            client.get("", params={"id_list": "2401.06066"})
    (outage,) = layer.stats.outages
    assert outage is info.value.outage
    assert (outage.service, outage.kind) == (Service.ARXIV, OutageKind.UNREACHABLE)
    assert outage.cause == "connection refused" and outage.url == CLOSED + "/api/query"
    assert layer.stats.as_dict()["arxiv"]["unavailable"] == f"cannot reach {CLOSED}/api/query (connection refused)"


class _Answers(LocalServer):
    def handle(self, request: Request) -> Reply | None:
        return Reply.json({})


@pytest.mark.parametrize("fault", ["drop", "hang"])  # closes at once; holds the request a moment, then closes
def test_a_service_that_closes_the_connection_is_told_in_a_few_words(fault, tmp_path, monkeypatch, capsys):
    """Not ``('Connection aborted.', RemoteDisconnected('Remote end closed connection without response'))``."""
    with _Answers() as srv:
        srv.inject(fault, seconds=0.1)
        with HttpLayer(load_settings()) as layer:
            client = layer.client(ServicePolicy(name="arxiv", base_url=srv.url + "/api/query", expire_after=None))
            with pytest.raises(ServiceUnavailable) as info:
                client.get("", params={"id_list": "2401.06066"})
        outage = info.value.outage
        assert (outage.kind, outage.cause) == (OutageKind.UNREACHABLE, "connection closed without an answer")
        monkeypatch.setenv("BIBKIT_ARXIV_URL", srv.url + "/api/query")
        code = main(["build", LISTING, "-o", str(tmp_path / "refs.bib"), "--only", "arxiv"])
    err = capsys.readouterr().err
    assert code == ExitCode.OK
    down = [line for line in err.splitlines() if "services down" in line]
    assert down == ["  services down           arXiv: cannot be reached (connection closed without an answer)"]
    assert "RemoteDisconnected" not in err and "Connection aborted" not in err


def test_network_ok_is_decided_from_outages_not_from_words():
    sounds_bad = EnrichResult(notices=["GitHub unreachable, rate limit reached, quota exhausted, cannot reach"])
    assert sounds_bad.network_ok
    quiet = Outage(Service.GITHUB, OutageKind.QUOTA_EXHAUSTED, "core quota")
    assert not EnrichResult(notices=[Notice("all is well", quiet)], outages=[quiet]).network_ok
    offline = Outage(Service.ARXIV, OutageKind.OFFLINE_MISS)
    assert EnrichResult(outages=[offline]).network_ok  # the user asked not to use the network


def test_notices_fold_by_outage_kind_whatever_they_say():
    arxiv = Outage(Service.ARXIV, OutageKind.UNREACHABLE, "connection refused", url="http://x")
    hf = Outage(Service.HF, OutageKind.UNREACHABLE, "name or service not known", url="http://y")
    notices = [Notice("zzz 1", arxiv), Notice("zzz 2", hf), "offline: 3 requests were not in the cache",
               Notice("zzz 3", Outage(Service.GITHUB, OutageKind.QUOTA_EXHAUSTED, "core quota"))]
    lines = notice_lines([arxiv, hf], notices)
    assert lines[0] == ("no network: cannot reach arXiv, Hugging Face (connection refused); "
                        "the output was written with what could be done without them")
    assert lines[1:] == ["offline: 3 requests were not in the cache", "zzz 3"]
    # without an unreachable service, every notice is shown as it is
    assert notice_lines([], notices) == [str(n) for n in notices]


# --------------------------------------------------------------------------- exit codes survive rewording


def _reword_everything(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("bibkit.enrich.resolve._headline", lambda outage: "nothing to see here")
    monkeypatch.setattr(Outage, "describe", lambda self: "fine")
    monkeypatch.setattr("bibkit.enrich.github.quota_notice", lambda reset, token: "fine")
    monkeypatch.setattr("bibkit.enrich.github.halt_notice", lambda outage: "fine too")


def test_rewording_outage_messages_keeps_exit_4(tmp_path: Path, capsys, monkeypatch):
    """Conftest points every service at a closed port: with --strict that is exit 4, whatever the words."""
    _reword_everything(monkeypatch)
    report = tmp_path / "r.json"
    code = main(["-q", "enrich", LISTING, "-o", str(tmp_path / "o.bib"), "--strict", "--report", str(report)])
    assert code == ExitCode.NETWORK
    data = json.loads(report.read_text(encoding="utf-8"))
    assert data["network_ok"] is False
    assert not any("unreachable" in n or "cannot reach" in n for n in data["notices"])  # the words are gone
    err = capsys.readouterr().err
    assert "no network: cannot reach arXiv" in err  # still folded into one line, from the values


def test_without_strict_the_same_run_is_exit_0(tmp_path: Path, monkeypatch):
    _reword_everything(monkeypatch)
    assert main(["-q", "build", LISTING, "-o", str(tmp_path / "o.bib")]) == ExitCode.OK


# --------------------------------------------------------------------------- entry statuses


def test_not_looked_up_is_its_own_outcome_but_reported_as_unresolved(tmp_path: Path):
    doc = Document(blocks=[Entry(title="Mixture of Experts Explained", abstract="We explain experts."),
                           Entry(entry_type="book", title="A Book")])
    result = enrich_document(doc, only=("arxiv", "hf"), offline=True)
    first, book = result.reports
    assert first.outcome is EntryStatus.NOT_LOOKED_UP and first.status is EntryStatus.UNRESOLVED
    # #14: the totals say what the command lines say: not looked up, not unresolved
    assert first.as_dict()["status"] == "unresolved"
    assert result.totals["unresolved"] == 0 and result.totals["not_looked_up"] == 1
    assert result.not_looked_up == [first]
    assert book.outcome is EntryStatus.SKIPPED and book.as_dict()["status"] == "skipped"
    assert result.network_ok and result.incomplete  # offline: no outage, but --strict would say 5


def test_reports_live_on_the_entries_records(tmp_path: Path):
    """A build's per-entry report comes from each entry's record, not from a table keyed by id(entry)."""
    result = app.build([LISTING], None, app.BuildOptions(
        enrich=app.EnrichOptions(offline=True), tagging=app.TagOptions(rules=str(EXAMPLES / "tags.toml"))))
    rows = result.as_dict()["entries"]
    for entry, row in zip(result.document.entries, rows):
        assert isinstance(entry.record.enrichment, EntryReport)
        assert entry.record.enrichment.key == entry.key == row["key"]
        assert row["status"] == "unresolved" and row["tags_added"] == entry.record.tags_added
    assert sum(len(r["tags_added"]) for r in rows) > 0


def test_statuses_serialise_as_their_old_strings():
    rep = EntryReport(key="k", title="t", outcome=EntryStatus.AMBIGUOUS)
    assert json.loads(json.dumps(rep.as_dict()))["status"] == "ambiguous"
    assert rep.status == "ambiguous"
