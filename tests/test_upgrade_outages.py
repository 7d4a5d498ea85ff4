"""Published-version services in trouble, as a user meets them: Semantic Scholar answering 503, Crossref hanging,
a refused key.  Each is one Outage value (network_ok false, --strict exit 4), one line for the user, the
service skipped for the rest of the run, and the output still written with what the others could do."""

from __future__ import annotations

import dataclasses

import pytest

import bibkit.enrich.crossref as crossref_module
from bibkit.cli import main
from bibkit.errors import ExitCode
from bibkit.http import HttpLayer
from bibkit.outcomes import EntryStatus, OutageKind
from bibkit.testing.server import Reply
from scholarly_helpers import EXAMPLE, doubles, expected_upgrades, run_example, upgraded


def test_s2_answering_503_is_one_outage_and_the_others_carry_on(tmp_path):
    with doubles() as d:
        d.s2.faults = [Reply.json({"message": "Service Unavailable"}, 503)] * 10
        settings = d.settings(cache_dir=str(tmp_path))
        with HttpLayer(settings, sleep=lambda s: None) as layer:
            doc, result = run_example(d, settings=settings, http=layer)
        assert len(d.s2.log) == 3  # three failures in a row give it up (the layer's health), then it is left alone
    assert [(o.service, o.kind) for o in result.outages] == [("s2", OutageKind.HTTP_STATUS)]
    assert not result.network_ok
    (line,) = [n for n in result.notices if n.outage is not None]
    assert line.startswith("Semantic Scholar is answering 503") and "looked up without it" in line
    ups = {e.ids.arxiv for e in doc.entries if upgraded(e)}
    assert ups and ups <= set(expected_upgrades(d.world))  # fewer, never wrong


def _short_crossref_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    """A Crossref that hangs, met with a short read timeout (the policy's own is 30 s)."""
    real = crossref_module.crossref_policy
    monkeypatch.setattr(crossref_module, "crossref_policy",
                        lambda settings: dataclasses.replace(real(settings), read_timeout=0.3, backoff_base=0.01))


def test_a_hanging_crossref_leaves_doi_records_not_looked_up(tmp_path, monkeypatch):
    _short_crossref_timeout(monkeypatch)
    ids = tmp_path / "dois.txt"
    ids.write_text("10.18653/v1/2024.acl-long.840\n10.1038/s41524-025-01564-y\n10.5281/zenodo.1234567\n",
                   encoding="utf-8")
    with doubles() as d:
        d.crossref.faults = [Reply(200, b"{}", content_type="application/json", delay=2.0)] * 10  # answers nothing within the timeout
        doc, result = run_example(d, path=ids, settings=d.settings(cache_dir=str(tmp_path / "c")))
        asked = len(d.crossref.log)
    assert asked == 3  # one batched request and its retries (three timeouts give it up); none per DOI after that
    assert [(o.service, o.kind) for o in result.outages] == [("crossref", OutageKind.TIMEOUT)]
    assert all(r.outcome is EntryStatus.NOT_LOOKED_UP for r in result.reports)
    assert all("Crossref not available" in (r.reason or "") for r in result.reports)
    assert [e.title for e in doc.entries] == [None, None, None]  # nothing guessed


def test_strict_exits_4_with_one_line_when_s2_refuses(tmp_path, monkeypatch, capsys):
    with doubles() as d:
        d.env(monkeypatch)
        d.s2.keys = {"the-right-key"}
        monkeypatch.setenv("S2_API_KEY", "a-wrong-key")
        out = tmp_path / "refs.bib"
        code = main(["build", str(EXAMPLE), "-o", str(out), "--no-tags", "--strict",
                     "--only", "arxiv,hf,s2,crossref,dblp"])
    err = capsys.readouterr().err
    assert code == ExitCode.NETWORK
    lines = [line for line in err.splitlines() if line.startswith("bibkit:") and "Semantic Scholar" in line]
    assert lines == ["bibkit: Semantic Scholar is refusing our requests (HTTP 403: Forbidden); check S2_API_KEY; "
                     "published versions were looked up without it"]
    assert "services down" in err  # and the summary names it
    assert "a-wrong-key" not in err and "@inproceedings{" in out.read_text()


def test_a_refusal_without_a_key_does_not_blame_one(tmp_path):
    with doubles() as d:
        d.s2.faults = [Reply.json({"message": "Forbidden"}, 403)]
        _doc, result = run_example(d, settings=d.settings(cache_dir=str(tmp_path)))
    (line,) = [n for n in result.notices if n.outage is not None]
    assert line.startswith("Semantic Scholar is refusing our requests (HTTP 403") and "S2_API_KEY" not in line


def test_bad_choices_are_named_plainly(capsys):
    with pytest.raises(SystemExit) as stop:
        main(["build", str(EXAMPLE), "--prefer", "newest"])
    assert stop.value.code == ExitCode.USAGE
    assert "(choose from 'published', 'preprint')" in capsys.readouterr().err


def test_an_unknown_doi_is_named_as_the_input_spells_it(tmp_path):
    ids = tmp_path / "dois.txt"
    ids.write_text("10.9999/NoSuch.Thing-2024\n", encoding="utf-8")
    with doubles() as d:
        doc, _result = run_example(d, path=ids, settings=d.settings(cache_dir=str(tmp_path / "c")))
    (entry,) = doc.entries
    assert any("10.9999/NoSuch.Thing-2024" in p.message for p in entry.problems)


def test_dblp_asking_for_a_long_wait_is_skipped_not_waited_for(tmp_path):
    with doubles() as d:
        d.dblp.faults = [Reply.text("<html><body>Too Many Requests</body></html>", 429, content_type="text/html",
                                    headers={"Retry-After": "600"})] * 10
        slept: list[float] = []
        settings = d.settings(cache_dir=str(tmp_path))
        with HttpLayer(settings, sleep=slept.append) as layer:
            doc, result = run_example(d, settings=settings, http=layer)
        assert len(d.dblp.log) == 1 and not any(s >= 30 for s in slept)
    (outage,) = result.outages
    assert (outage.service, outage.kind) == ("dblp", OutageKind.RATE_LIMITED) and outage.until
    ups = {e.ids.arxiv for e in doc.entries if upgraded(e)}
    assert ups and ups <= set(expected_upgrades(d.world))
