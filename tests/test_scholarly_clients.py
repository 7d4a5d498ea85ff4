"""The Crossref, Semantic Scholar, DBLP and OpenAlex clients: recorded answers parsed (../shared/apis/samples,
copied under tests/data/scholarly), and real HTTP against the doubles for batching, errors and pacing."""

from __future__ import annotations

import json
import time
from pathlib import Path
from urllib.parse import unquote

import pytest
import requests

from bibkit.config import load_settings
from bibkit.enrich.crossref import CrossrefClient, pace_from_headers, parse_work
from bibkit.enrich.dblp import DblpClient, parse_hit, query_for
from bibkit.enrich.match import Evidence
from bibkit.enrich.openalex import OpenAlexClient
from bibkit.enrich.openalex import parse_work as parse_openalex
from bibkit.enrich.published import from_crossref, from_dblp, judge
from bibkit.enrich.s2 import S2Client, parse_paper
from bibkit.enrich.venues import load_venues
from bibkit.enrich.webapi import as_int, as_list, as_str, json_body, takes_service_down
from bibkit.http import HttpLayer
from bibkit.outcomes import Outage, OutageKind
from bibkit.testing.crossref import CrossrefDouble
from bibkit.testing.dblp import DblpDouble
from bibkit.testing.openalex import OpenAlexDouble
from bibkit.testing.s2 import S2Double
from bibkit.testing.scholarly import ScholarlyWorld
from bibkit.testing.server import Reply

DATA = Path(__file__).resolve().parent / "data" / "scholarly"


def sample(name: str):
    data = json.loads((DATA / name).read_text(encoding="utf-8"))
    return data.get("body", data) if isinstance(data, dict) and "request" in data else data


@pytest.fixture(scope="module")
def world():
    return ScholarlyWorld()


# --------------------------------------------------------------------------- tolerant readers


def test_tolerant_readers():
    assert as_int("2023") == 2023 and as_int(" 7 ") == 7 and as_int(2023.0) == 2023
    assert as_int("2023a") is None and as_int(True) is None and as_int(None) is None and as_int(1.5) is None
    assert as_str("  a \n b ") == "a b" and as_str("") is None and as_str(12) == "12" and as_str({}) is None
    assert as_str("O&apos;Brien") == "O'Brien"
    assert as_list(None) == [] and as_list("x") == ["x"] and as_list(["x"]) == ["x"]


def test_json_body_refuses_html_and_bare_errors():
    def response(body: bytes, status: int = 200) -> requests.Response:
        r = requests.Response()
        r._content, r.status_code = body, status
        return r

    assert isinstance(json_body("dblp", response(b"<!DOCTYPE html><html>429</html>")), Outage)
    failure = json_body("s2", response(b'{"error": "Internal"}'))
    assert isinstance(failure, Outage) and failure.kind is OutageKind.UNREADABLE and failure.service == "s2"
    assert json_body("crossref", response(b'{"status":"ok","message-type":"work","message":{}}'))["status"] == "ok"


# --------------------------------------------------------------------------- Crossref


def test_crossref_recorded_work_parses():
    work = parse_work(sample("crossref-work.json")["message"])
    assert work.doi == "10.1371/journal.pone.0033693" and work.type == "journal-article"
    assert work.title.startswith("Methylphenidate Exposure") and work.authors[0] == "Shankar Sadasivan"
    assert (work.volume, work.issue, work.page, work.year) == ("7", "3", "e33693", 2012)
    assert work.containers == ["PLoS ONE"] and work.publisher.startswith("Public Library of Science")
    cand = from_crossref(work, "crossref-search")
    assert cand.kind == "article" and cand.container == "PLoS ONE" and cand.pages == "e33693"


def test_crossref_recorded_preprint_relation_parses():
    item = sample("crossref-works-has-preprint.json")["message"]["items"][0]
    work = parse_work(item)
    assert work.related("has-preprint") == ["10.1101/014852"]
    assert work.date.year == 2016 and work.date.month == 8  # "issued" wins over published-print (2016-09)


def test_crossref_recorded_search_mismatch_is_refused():
    """The recorded answer to "Attention is All you Need": Crossref's top hit is another paper."""
    message = sample("crossref-search-mismatch.json")["message"]
    hit = from_crossref(parse_work(message["items"][0]), "crossref-search")
    assert hit.container.startswith("Proceedings of the 2018 Conference of the North American Chapter")
    assert "\n" not in hit.container  # Crossref's event names carry line breaks
    preprint = Evidence.from_names("Attention Is All You Need", None,
                                   ["Ashish Vaswani", "Noam Shazeer", "Niki Parmar", "Jakob Uszkoreit"], 2017)
    verdict = judge(preprint, hit)
    assert not verdict.accepted


def test_crossref_pace_comes_from_its_headers():
    def r(limit, interval):
        resp = requests.Response()
        resp.headers["x-rate-limit-limit"], resp.headers["x-rate-limit-interval"] = limit, interval
        return resp

    assert pace_from_headers(r("5", "1s")) == pytest.approx(0.2)
    assert pace_from_headers(r("150", "1s")) == pytest.approx(1 / 150)
    assert pace_from_headers(r("50", "1m")) == pytest.approx(1.2)
    assert pace_from_headers(requests.Response()) is None
    assert pace_from_headers(r("x", "1s")) is None


def test_crossref_client_batches_dois_and_learns_its_pace(world, monkeypatch, tmp_path):
    monkeypatch.delenv("BIBKIT_CROSSREF_DELAY")
    monkeypatch.setenv("BIBKIT_CONTACT", "me@example.org")
    with CrossrefDouble(world, rate_limit=50, interval="1s") as srv:
        settings = load_settings(crossref_url=srv.url)
        assert settings.crossref_delay is None
        with HttpLayer(settings) as layer:
            client = CrossrefClient(layer, settings)
            dois = [p["doi"] for p in world.publications if p.get("doi") and p.get("type")][:12]
            got = client.works(dois + ["10.1234/unknown", "10.1000/with,comma"])
            assert set(got.found) == {d.lower() for d in dois} and got.failure is None
            adapter = layer.session.get_adapter(srv.url + "/works")
            assert adapter.pacer.interval == pytest.approx(1 / 50)  # read from x-rate-limit-* headers
        works = srv.requests_to("/works", "GET")
        assert len([w for w in works if w.path == "/works"]) == 1  # 13 DOIs without a comma: one request
        assert any(unquote(w.path) == "/works/10.1000/with,comma" for w in works)  # the comma DOI alone
        assert all(w.arg("mailto") == "me@example.org" for w in works)  # the polite pool
        assert "mailto:me@example.org" in works[0].header("User-Agent")


def test_crossref_agency_and_404(world, tmp_path):
    with CrossrefDouble(world) as srv, HttpLayer(load_settings(crossref_url=srv.url)) as layer:
        client = CrossrefClient(layer)
        assert client.work("10.5281/zenodo.1") is None
        assert client.agency("10.5281/zenodo.1") == "datacite"
        assert client.agency("10.48550/arXiv.2402.03660") == "datacite"
        assert client.agency("10.1145/3704435") == "crossref"
        assert client.agency("10.9876/nobody") is None
        assert srv.log[0].path == "/works/10.5281/zenodo.1"


def test_crossref_outage_and_rate_limit_are_typed(world, tmp_path):
    with CrossrefDouble(world) as srv:
        srv.faults = [Reply.text("<html>429</html>", 429, content_type="text/html")] * 10
        with HttpLayer(load_settings(crossref_url=srv.url), sleep=lambda s: None) as layer:
            result = CrossrefClient(layer).search("Dolma open corpus")
    assert isinstance(result, Outage) and result.kind is OutageKind.RATE_LIMITED and takes_service_down(result)
    with HttpLayer(load_settings()) as layer:  # conftest: a closed port
        result = CrossrefClient(layer).search("Dolma")
    assert isinstance(result, Outage) and result.kind is OutageKind.UNREACHABLE and takes_service_down(result)


def test_crossref_search_filters_types_and_years(world):
    with CrossrefDouble(world) as srv, HttpLayer(load_settings(crossref_url=srv.url)) as layer:
        hits = CrossrefClient(layer).search("Foundation Models for Natural Language Processing", from_year=2025)
        params = srv.log[-1]
    assert all(h.type in ("journal-article", "proceedings-article", "book-chapter") for h in hits)
    assert all(h.year >= 2025 for h in hits)
    assert "type:journal-article" in params.arg("filter") and "from-pub-date:2025" in params.arg("filter")
    assert params.arg("query.bibliographic") and params.arg("query.title") is None


# --------------------------------------------------------------------------- Semantic Scholar


def test_s2_recorded_batch_parses_and_matches_by_identifier():
    body = sample("s2-batch.json")
    assert parse_paper(body[0]) is None  # null for an unknown id
    assert parse_paper(body[1]) is None  # no ArXiv id: not attributable without a position
    paper = parse_paper(body[1], "2401.00001")  # the documented input order
    assert paper.title.startswith("How Much Should We Trust") and paper.venue_name == "Experimental & Empirical Studies eJournal"
    assert paper.doi == "10.2139/ssrn.288970"


def test_s2_recorded_reference_traps():
    cited = sample("s2-reference-arxiv-conference.json")["citedPaper"]
    paper = parse_paper(cited)
    assert paper.arxiv_id == "1402.0030" and paper.dblp_is_corr  # DBLP id = the CoRR copy
    # pages as the model stores a range (an en dash; the .bib writer makes it "--")
    assert paper.venue_name == "International Conference on Machine Learning" and paper.journal_pages == "1791–1799"
    match = parse_paper(sample("s2-match.json")["data"][0])
    assert match.venue_name == "Neural Information Processing Systems" and match.journal_pages == "5998–6008"


def test_s2_drops_arxivs_own_doi_and_arxiv_venues():
    paper = parse_paper({"paperId": "x", "externalIds": {"ArXiv": "2401.00001", "DOI": "10.48550/arXiv.2401.00001"},
                         "venue": "arXiv.org", "journal": {"name": "ArXiv", "volume": "abs/2401.00001"},
                         "publicationTypes": ["JournalArticle"], "year": "2024"})
    assert paper.doi is None and paper.venue_name is None and paper.year == 2024


def test_s2_batches_500_ids_per_request(world):
    ids = [p.id for p in world.corpus.papers if "/" not in p.id]
    with S2Double(world) as srv, HttpLayer(load_settings(s2_url=srv.api_url)) as layer:
        got = S2Client(layer, batch_size=500).papers(ids * 7)  # duplicates collapse
        assert len(srv.batch_requests()) == 1
        assert set(got.found) == set(ids) - set(world.data["s2_missing"])
        srv.reset_log()
        S2Client(layer, batch_size=40).papers(ids)
        assert len(srv.batch_requests()) == -(-len(ids) // 40)
        body = srv.batch_requests()[0].json()
        assert body["ids"][0].startswith("ARXIV:")


def test_s2_429_without_retry_after_backs_off_then_gives_up(world, tmp_path):
    slept: list[float] = []
    with S2Double(world) as srv:
        srv.faults = [Reply.json({"message": "Too Many Requests", "code": "429"}, 429)] * 2
        with HttpLayer(load_settings(s2_url=srv.api_url), sleep=slept.append) as layer:
            got = S2Client(layer).papers(["2402.03660"])
        assert "2402.03660" in got.found and len(slept) == 2 and slept[1] > slept[0]  # exponential
        srv.faults = [Reply.json({"message": "Too Many Requests", "code": "429"}, 429)] * 9
        with HttpLayer(load_settings(s2_url=srv.api_url, cache_dir=str(tmp_path / "fresh")), sleep=lambda s: None) as layer:
            got = S2Client(layer).papers(["2402.12668"])
    assert got.failure is not None and got.failure.kind is OutageKind.RATE_LIMITED


def test_s2_bad_fields_and_bad_key_are_typed(world):
    with S2Double(world, keys={"good"}) as srv:
        with HttpLayer(load_settings(s2_url=srv.api_url, s2_api_key="bad")) as layer:
            got = S2Client(layer).papers(["2402.03660"])
        assert got.failure is not None and got.failure.kind is OutageKind.REFUSED and got.failure.is_failure
        assert "HTTP 403" in got.failure.describe() and "bad" not in got.failure.describe()


# --------------------------------------------------------------------------- DBLP


def test_dblp_recorded_search_parses():
    hits = [parse_hit(h) for h in sample("dblp-search.json")["result"]["hits"]["hit"]]
    assert hits[0].year == 2005 and hits[0].kind == "inproceedings" and hits[0].doi == "10.1109/ATS.2005.17"
    assert hits[0].title.endswith("Architecture")  # the trailing period of DBLP titles is dropped
    single = next(h for h in hits if h.key == "conf/date/Pomeranz14")
    assert single.authors == ["Irith Pomeranz"]  # one author: a bare value, not a list
    thesis = next(h for h in hits if h.key.startswith("phd/"))
    assert thesis.kind is None and "l'injection" in thesis.title  # &apos; decoded; a thesis is no paper version
    journal = next(h for h in hits if h.key.startswith("journals/"))
    assert journal.kind == "article" and (journal.volume, journal.number) == ("24", "7")


def test_dblp_corr_copies_are_never_published_versions(world):
    with DblpDouble(world) as srv, HttpLayer(load_settings(dblp_url=srv.url)) as layer:
        hits = DblpClient(layer).search(query_for("Dolma: an Open Corpus of Three Trillion Tokens"))
        params = srv.log[-1]
    corr = [h for h in hits if h.is_corr]
    assert corr and all(from_dblp(h, "dblp-search", load_venues()) is None for h in corr)
    published = [h for h in hits if not h.is_corr]
    assert published and published[0].venue == "ACL (1)" and published[0].year == 2024
    assert published[0].authors[0] == "Luca Soldaini"  # objects with @pid; disambiguation digits dropped
    assert params.arg("format") == "json" and params.arg("c") == "0"


def test_dblp_no_hits_and_html_answers(world):
    with DblpDouble(world) as srv, HttpLayer(load_settings(dblp_url=srv.url)) as layer:
        client = DblpClient(layer)
        assert client.search("zzzqqq nothing matches") == []
        # an HTML page in a 200 is DBLP failing: asked once more (here it answers), never cached
        srv.faults = [Reply.text("<html><body>maintenance</body></html>", 200, content_type="text/html")]
        assert isinstance(client.search("something else"), list) and len(srv.log) == 3
        srv.faults = [Reply.text("<html><body>maintenance</body></html>", 200, content_type="text/html")] * 5
        failure = client.search("something else entirely")
    assert isinstance(failure, Outage) and failure.kind is OutageKind.UNREADABLE


def test_dblp_pacing_is_seconds_and_machine_wide(world, monkeypatch):
    monkeypatch.setenv("BIBKIT_DBLP_DELAY", "0.3")
    with DblpDouble(world, min_interval=0.25) as srv, HttpLayer(load_settings(dblp_url=srv.url)) as layer:
        client = DblpClient(layer)
        started = time.monotonic()
        for q in ("dolma", "deepseekmoe", "platypus"):
            assert not isinstance(client.search(q), Outage)
        assert time.monotonic() - started >= 0.6 and srv.rate_limited == 0


# --------------------------------------------------------------------------- OpenAlex


def test_openalex_recorded_work_parses():
    work = parse_openalex(sample("openalex-works-filter.json")["results"][0])
    assert work.doi == "10.1063/1.4938384" and work.year == 2015 and work.authors[0] == "Michael Skarlinski"
    assert work.published[0].source == "Journal of Applied Physics" and work.published[0].doi == "10.1063/1.4938384"


def test_openalex_finds_published_locations_of_arxiv_papers(world, tmp_path):
    with OpenAlexDouble(world) as srv:
        with HttpLayer(load_settings(openalex_url=srv.url, openalex_api_key="k")) as layer:
            got = OpenAlexClient(layer).works_for_arxiv(["2311.18013", "2412.09637"])
        assert {loc.doi for loc in got.found["2311.18013"].published} == {"10.1017/s1351324923000542"}
        assert got.found["2412.09637"].published == []
        with HttpLayer(load_settings(openalex_url=srv.url, cache_dir=str(tmp_path / "nokey"))) as layer:
            got = OpenAlexClient(layer).works_for_arxiv(["2311.18013"])
        assert got.failure is not None and got.failure.kind is OutageKind.REFUSED
