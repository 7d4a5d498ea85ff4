"""OpenReview links resolve to their papers: the client (API v2 and v1 notes, unknown and hidden notes, a failing
service), the step before arXiv resolution (accepted, withdrawn, journal, v1 notes, papers only on OpenReview), the
user's own .bib fields, OpenReview down, offline then online, and the output through real bibtex.  Every service is
a real local HTTP server (bibkit.testing)."""

from __future__ import annotations

import json
import re
import shutil
import time
from contextlib import ExitStack
from pathlib import Path

import pytest

from bibkit.cli import main
from bibkit.config import load_settings
from bibkit.enrich.openreview import Missing, OpenReviewClient, OpenReviewNote, parse_note
from bibkit.errors import ExitCode
from bibkit.http import HttpLayer
from bibkit.normalize.openreview import note_id, read_venue
from bibkit.outcomes import Outage, OutageKind, Service
from bibkit.testing.arxiv import ArxivDouble
from bibkit.testing.corpus import load_corpus
from bibkit.testing.hf import HfDouble
from bibkit.testing.openreview import OpenReviewDouble, corpus_notes, note_id_for, v1_note, v2_note
from texutil import compile_bibtex

ONLY = "openreview,arxiv,hf"


@pytest.fixture(scope="module")
def corpus():
    return load_corpus()


@pytest.fixture()
def services(corpus, monkeypatch):
    """The OpenReview, arXiv and Hugging Face doubles over one corpus, bibkit pointed at them."""
    with ExitStack() as stack:
        orv = stack.enter_context(OpenReviewDouble(corpus))
        ax = stack.enter_context(ArxivDouble(corpus))
        hf = stack.enter_context(HfDouble(corpus))
        monkeypatch.setenv("BIBKIT_OPENREVIEW_URL", orv.url)
        monkeypatch.setenv("BIBKIT_OPENREVIEW_V1_URL", orv.url)  # (one double serves both APIs' notes)
        monkeypatch.setenv("BIBKIT_ARXIV_URL", ax.api_url)
        monkeypatch.setenv("BIBKIT_HF_URL", hf.url)
        yield orv, ax, hf


def _venue(note: dict) -> str:
    value = note["content"].get("venue")
    return value["value"] if isinstance(value, dict) else value


def _title(note: dict) -> str:
    value = note["content"]["title"]
    return value["value"] if isinstance(value, dict) else value


def _pick(orv: OpenReviewDouble, corpus, *, venue: str, api: int, on_arxiv: bool = True) -> tuple[str, dict]:
    """A note of the double whose venue line matches ``venue`` (a regex), in API ``api``'s shape."""
    titles = {p.title for p in corpus.papers}
    for ident, note in orv.notes.items():
        v2 = "invitations" in note
        if re.search(venue, _venue(note) or "") and v2 == (api == 2) and (_title(note) in titles) == on_arxiv:
            return ident, note
    raise AssertionError(f"the double has no note like {venue!r} (api {api})")


def _entries(report: Path) -> dict[str, dict]:
    data = json.loads(report.read_text())
    return {e["key"]: e for e in data["entries"]}


def _block(bib: str, key: str) -> str:
    start = bib.index("{" + key + ",")
    end = bib.find("\n}\n", start)
    return bib[bib.rfind("@", 0, start):end]


# --------------------------------------------------------------------------- the shared rules


@pytest.mark.parametrize("line, kind, name, decision, year", [
    ("ICLR 2024 poster", "inproceedings", "International Conference on Learning Representations (ICLR 2024)", "poster",
     2024),
    ("NeurIPS 2023 oral", "inproceedings", "Advances in Neural Information Processing Systems (NeurIPS 2023)", "oral",
     2023),
    ("ICLR 2022 Poster", "inproceedings", "International Conference on Learning Representations (ICLR 2022)", "Poster",
     2022),
    ("NeurIPS 2023 Datasets and Benchmarks", "inproceedings", "NeurIPS 2023 Datasets and Benchmarks", None, 2023),
    ("TMLR", "article", "Transactions on Machine Learning Research", None, None),
    ("Accepted by TMLR", "article", "Transactions on Machine Learning Research", None, None),
    ("Submitted to ICLR 2025", "unpublished", None, None, 2025),
    ("ICLR 2024 Conference Withdrawn Submission", "unpublished", None, None, 2024),
    ("ICLR 2023 Conference Desk Rejected Submission", "unpublished", None, None, 2023),
    ("", None, None, None, None),
])
def test_one_reading_of_a_venue_line(line, kind, name, decision, year):
    venue = read_venue(line)
    assert (venue.entry_type, venue.name, venue.decision, venue.year) == (kind, name, decision, year)
    assert venue.published == (kind in ("inproceedings", "article"))
    assert venue.note == (line if kind == "unpublished" else None)


@pytest.mark.parametrize("url, expected", [
    ("https://openreview.net/forum?id=YicbFdNTTy", "YicbFdNTTy"),
    ("https://openreview.net/pdf?id=rJ4km2R5t7", "rJ4km2R5t7"),
    ("openreview.net/forum?id=B1-Hhnslg&noteId=xyz12", "B1-Hhnslg"),
    ("https://www.openreview.net/attachment?id=abc_DEF-12&name=supplementary_material", "abc_DEF-12"),
    ("https://openreview.net/group?id=ICLR.cc/2024/Conference", None),
    ("https://openreview.net/profile?id=~Jane_Doe1", None),
    ("https://notopenreview.net/forum?id=YicbFdNTTy", None),
    (None, None),
])
def test_note_ids_from_links(url, expected):
    assert note_id(url) == expected


# --------------------------------------------------------------------------- the client


def test_client_reads_v2_and_v1_notes_and_tells_missing_ones_apart(corpus):
    with OpenReviewDouble(corpus) as orv:
        settings = load_settings(openreview_url=orv.url, openreview_v1_url=orv.url, openreview_delay=0)
        v2_id, v2 = _pick(orv, corpus, venue=r"^ICLR \d{4} poster$", api=2)
        v1_id, v1 = _pick(orv, corpus, venue=r"Poster$", api=1)
        orv.hidden.add("HiddenNote")
        with HttpLayer(settings) as http:
            client = OpenReviewClient(http)
            note = client.note(v2_id)
            assert isinstance(note, OpenReviewNote) and note.api == 2
            assert note.title == v2["content"]["title"]["value"]
            assert note.authors == v2["content"]["authors"]["value"]
            assert note.venue.entry_type == "inproceedings" and note.venue.decision == "poster"
            assert note.year == note.venue.year and note.url == f"https://openreview.net/forum?id={v2_id}"
            old = client.note(v1_id)
            assert isinstance(old, OpenReviewNote) and old.api == 1
            assert old.title == v1["content"]["title"] and old.abstract == v1["content"]["abstract"]
            assert old.tldr == v1["content"]["TL;DR"] and old.venue.entry_type == "inproceedings"
            unknown = client.note("YicbFdNTTy")
            assert isinstance(unknown, Missing) and "no note" in unknown.reason
            hidden = client.note("HiddenNote")
            assert isinstance(hidden, Missing) and "not public" in hidden.reason
            assert [r.arg("id") for r in orv.note_requests()] == [v2_id, v1_id, "YicbFdNTTy", "HiddenNote"]
        orv.inject(503)
        with HttpLayer(load_settings(openreview_url=orv.url, openreview_v1_url=orv.url, openreview_delay=0), refresh=True) as http:
            failed = OpenReviewClient(http).note(v2_id)
        assert isinstance(failed, Outage) and failed.service == Service.OPENREVIEW
        assert failed.kind in (OutageKind.HTTP_STATUS, OutageKind.UNREACHABLE)
        orv.heal()
        orv.inject("garbage")
        with HttpLayer(load_settings(openreview_url=orv.url, openreview_v1_url=orv.url, openreview_delay=0), refresh=True) as http:
            garbage = OpenReviewClient(http).note(v2_id)
        assert isinstance(garbage, Outage) and garbage.kind is OutageKind.UNREADABLE


def test_note_reader_tolerates_what_the_api_leaves_out():
    anonymous = v2_note("AnonNote01", title="Under review", authors=["Anonymous"], abstract="x", venue=None,
                        venueid=None, created=1695859200000)
    parsed = parse_note(anonymous)
    assert parsed is not None and parsed.authors == [] and parsed.venue.entry_type is None
    assert parsed.year == 2023  # the submission's date, when there is no venue
    bare = parse_note({"id": "BareNote01", "content": {"title": "Only a title", "keywords": "a, b,c"}})
    assert bare is not None and bare.title == "Only a title" and bare.keywords == ["a", "b", "c"] and bare.year is None
    assert parse_note({"content": {}}) is None and parse_note(["not", "a", "note"]) is None


# --------------------------------------------------------------------------- build


def test_build_turns_openreview_links_into_their_papers(services, corpus, tmp_path, capsys):
    orv, ax, _hf = services
    accepted_id, accepted = _pick(orv, corpus, venue=r"^ICLR \d{4} poster$", api=2)
    old_id, _old = _pick(orv, corpus, venue=r"Poster$", api=1)
    journal_id, _journal = _pick(orv, corpus, venue=r"^TMLR$", api=2)
    only_id, _only = _pick(orv, corpus, venue=r"^ICLR 2024 spotlight$", api=2, on_arxiv=False)
    submitted_id, _sub = _pick(orv, corpus, venue=r"^Submitted to", api=2, on_arxiv=False)
    notes = tmp_path / "notes.txt"
    notes.write_text("Reading list\n"
                     f"https://openreview.net/forum?id={accepted_id}\n"
                     f"- old one: https://openreview.net/pdf?id={old_id}\n"
                     f"https://openreview.net/forum?id={journal_id}\n"
                     f"https://openreview.net/forum?id={only_id}\n"
                     f"https://openreview.net/forum?id={submitted_id}\n"
                     "https://openreview.net/forum?id=NoSuchNote\n", encoding="utf-8")
    out, report = tmp_path / "refs.bib", tmp_path / "report.json"
    code = main(["build", str(notes), "-o", str(out), "--report", str(report), "--only", ONLY, "--no-tags"])
    err = capsys.readouterr().err
    assert code == ExitCode.OK, err
    bib = out.read_text(encoding="utf-8")
    entries = _entries(report)
    assert len(entries) == 6

    # the accepted paper: its venue from OpenReview, its arXiv copy found through the arXiv double
    paper = next(p for p in corpus.papers if p.title == _title(accepted))
    key = next(k for k, e in entries.items() if e["arxiv_id"] == paper.id)
    block = _block(bib, key)
    year = read_venue(_venue(accepted)).year
    assert block.startswith("@inproceedings{")
    assert f"booktitle = {{International Conference on Learning Representations ({{ICLR}} {year})}}" in block
    assert f"year = {year}" in block and f"eprint = {{{paper.id}}}" in block
    assert "doi = " not in block  # arXiv's DOI names the preprint, not the ICLR paper
    report_fields = entries[key]["fields_set"]
    assert report_fields["booktitle"]["source"] == "openreview" and report_fields["entry_type"]["source"] == "openreview"
    assert report_fields["ids.arxiv"]["source"] == "arxiv" and entries[key]["status"] == "resolved"

    # a v1 note and a TMLR article resolve the same way
    assert any(e["arxiv_id"] and e["fields_set"].get("booktitle", {}).get("detail", "").endswith(old_id)
               for e in entries.values())
    assert "journal = {Transactions on Machine Learning Research}" in bib

    # papers only on OpenReview: resolved by it, an accepted one and a submission
    only = [e for e in entries.values() if e["resolved_by"] == "openreview"]
    assert len(only) == 2 and all(e["status"] == "resolved" and e["arxiv_id"] is None for e in only)
    assert "@unpublished{" in bib and "note = {Submitted to ICLR 2025}" in bib
    assert f"url = {{https://openreview.net/forum?id={submitted_id}}}" in bib

    # the unknown note: unresolved, with the reason and one line naming the entry
    missing = [e for e in entries.values() if e["status"] == "unresolved"]
    assert len(missing) == 1 and "OpenReview note NoSuchNote" in missing[0]["reason"]
    assert "notes.txt:7" in err and "OpenReview has no note with this id" in err
    assert "2 by openreview" in " ".join(err.split())
    assert json.loads(report.read_text())["requests"]["openreview"] == 6

    result = compile_bibtex(bib, tmp_path)
    assert not result.errors, result.errors
    text = result.flat_text.lower()  # (plainnat sets titles in sentence case)
    assert "sparse reward shaping without demonstrations" in text and "submitted to iclr 2025" in text
    assert "transactions on machine learning research" in text


def test_a_withdrawn_submission_on_arxiv_is_cited_as_the_preprint(services, corpus, tmp_path):
    orv, _ax, _hf = services
    ident, note = _pick(orv, corpus, venue=r"Withdrawn Submission$", api=2)
    notes = tmp_path / "notes.txt"
    notes.write_text(f"https://openreview.net/forum?id={ident}\n", encoding="utf-8")
    out, report = tmp_path / "refs.bib", tmp_path / "report.json"
    assert main(["-q", "build", str(notes), "-o", str(out), "--report", str(report), "--only", ONLY]) == ExitCode.OK
    bib = out.read_text(encoding="utf-8")
    paper = next(p for p in corpus.papers if p.title == _title(note))
    assert f"eprint = {{{paper.id}}}" in bib and "@unpublished" not in bib
    assert "Withdrawn" not in bib  # the note described the submission; the entry cites the preprint
    (entry,) = _entries(report).values()
    assert entry["fields_set"]["note"]["source"] == "openreview" and entry["fields_set"]["note"].get("cleared")


def test_without_arxiv_the_openreview_record_is_kept(services, corpus, tmp_path):
    orv, _ax, _hf = services
    ident, note = _pick(orv, corpus, venue=r"^Submitted to", api=2)
    notes = tmp_path / "notes.txt"
    notes.write_text(f"https://openreview.net/pdf?id={ident}\n", encoding="utf-8")
    out, report = tmp_path / "refs.bib", tmp_path / "report.json"
    assert main(["-q", "build", str(notes), "-o", str(out), "--report", str(report), "--only", "openreview"]) == 0
    bib = out.read_text(encoding="utf-8")
    assert bib.startswith("@unpublished{") and f"note = {{{_venue(note)}}}" in bib
    assert f"url = {{https://openreview.net/forum?id={ident}}}" in bib  # the pdf link became the forum page
    (entry,) = _entries(report).values()
    assert entry["resolved_by"] == "openreview" and entry["fields_set"]["title"]["source"] == "openreview"


def test_the_users_bib_fields_win(services, corpus, tmp_path):
    orv, _ax, _hf = services
    ident, note = _pick(orv, corpus, venue=r"^ICLR \d{4} poster$", api=2)
    src = tmp_path / "mine.bib"
    src.write_text("@misc{mine,\n  title = {My Own Title For It},\n"
                   f"  url = {{https://openreview.net/forum?id={ident}}},\n}}\n", encoding="utf-8")
    out, report = tmp_path / "refs.bib", tmp_path / "report.json"
    assert main(["-q", "enrich", str(src), "-o", str(out), "--report", str(report), "--only", "openreview"]) == 0
    bib = out.read_text(encoding="utf-8")
    assert "title = {My Own Title For It}" in bib and "@misc{mine," in bib  # the user's title and type
    first = note["content"]["authors"]["value"][0].split()[-1]
    assert first in bib  # the authors it lacked are filled
    assert f"url = {{https://openreview.net/forum?id={ident}}}" in bib
    entry = _entries(report)["mine"]
    assert entry["fields_set"]["authors"]["source"] == "openreview" and "title" not in entry["fields_set"]


# --------------------------------------------------------------------------- faults and the life cycle


@pytest.mark.parametrize("fault", ["503", "hang"])
def test_openreview_down_is_skipped_quickly(corpus, monkeypatch, tmp_path, capsys, fault):
    links = [ident for ident in list(corpus_notes(corpus))[:6]]
    arxiv_paper = corpus.papers[0]
    with OpenReviewDouble(corpus, down=fault) as orv, ArxivDouble(corpus) as ax, HfDouble(corpus) as hf:
        monkeypatch.setenv("BIBKIT_OPENREVIEW_URL", orv.url)
        monkeypatch.setenv("BIBKIT_OPENREVIEW_V1_URL", orv.url)
        monkeypatch.setenv("BIBKIT_OPENREVIEW_TIMEOUT", "1")
        monkeypatch.setenv("BIBKIT_ARXIV_URL", ax.api_url)
        monkeypatch.setenv("BIBKIT_HF_URL", hf.url)
        notes = tmp_path / "notes.txt"
        notes.write_text("".join(f"https://openreview.net/forum?id={i}\n" for i in links)
                         + f"https://arxiv.org/abs/{arxiv_paper.id}\n", encoding="utf-8")
        out, report = tmp_path / "refs.bib", tmp_path / "report.json"
        started = time.monotonic()
        code = main(["build", str(notes), "-o", str(out), "--report", str(report), "--only", ONLY, "--strict"])
        seconds = time.monotonic() - started
        asked = len(orv.note_requests())
    err = capsys.readouterr().err
    assert code == ExitCode.NETWORK, err  # --strict: a service failed
    assert asked <= 4, asked  # given up after its retries, not asked once per link
    assert seconds < 60  # (a bound on a runaway, not a benchmark: the real limit is the request count above)
    data = json.loads(report.read_text())
    assert not data["network_ok"]
    assert [o["service"] for o in data["outages"]] == ["openreview"]
    assert "OpenReview" in err and "services down" in err
    statuses = [e["status"] for e in data["entries"]]
    assert statuses.count("resolved") == 1  # the arXiv link
    assert data["totals"]["not_looked_up"] == len(links)
    assert all("OpenReview" in e["reason"] for e in data["entries"] if e["status"] != "resolved")
    assert f"eprint = {{{arxiv_paper.id}}}" in out.read_text(encoding="utf-8")


def test_offline_then_online_then_offline_again(services, corpus, tmp_path, monkeypatch, capsys):
    orv, _ax, _hf = services
    accepted_id, accepted = _pick(orv, corpus, venue=r"^ICLR \d{4} poster$", api=2)
    only_id, _only = _pick(orv, corpus, venue=r"^ICLR 2024 spotlight$", api=2, on_arxiv=False)
    notes = tmp_path / "notes.txt"
    notes.write_text(f"https://openreview.net/forum?id={accepted_id}\nhttps://openreview.net/forum?id={only_id}\n",
                     encoding="utf-8")
    out = tmp_path / "refs.bib"
    build = ["build", str(notes), "-o", str(out), "--only", ONLY]
    assert main([*build, "--offline"]) == ExitCode.OK
    first = out.read_text(encoding="utf-8")
    assert f"@misc{{openreview{accepted_id}," in first and f"@misc{{openreview{only_id}," in first
    assert not orv.note_requests()
    capsys.readouterr()

    assert main(build) == ExitCode.OK
    assert "2 kept, 0 new" in " ".join(capsys.readouterr().err.split())
    online = out.read_text(encoding="utf-8")
    assert f"@inproceedings{{openreview{accepted_id}," in online  # the key the lock pinned stays
    assert f"@inproceedings{{openreview{only_id}," in online and _title(accepted) in online.replace("{", "").replace("}", "")

    shutil.rmtree(Path(str(tmp_path / "cache")), ignore_errors=True)
    monkeypatch.setenv("BIBKIT_CACHE_DIR", str(tmp_path / "empty-cache"))  # nothing cached: only the lock remembers
    assert main([*build, "--offline"]) == ExitCode.OK
    assert out.read_text(encoding="utf-8") == online  # an offline rebuild keeps what the online run found


def test_the_double_serves_both_shapes_and_its_own_notes(corpus):
    notes = corpus_notes(corpus)
    assert any("invitations" in n for n in notes.values()) and any("invitation" in n for n in notes.values())
    assert all(re.fullmatch(r"[A-Za-z0-9_-]{10}", i) for i in notes)
    with OpenReviewDouble(corpus, notes={}) as orv:
        ident = orv.add(v1_note(note_id_for("mine"), title="A v1 paper", authors=["Ada Lovelace"], abstract="a",
                                venue="ICLR 2019 Conference Blind Submission", venueid=None, created=1538352000000))
        assert orv.id_of("A v1 paper") == ident
        with HttpLayer(load_settings(openreview_url=orv.url, openreview_v1_url=orv.url, openreview_delay=0)) as http:
            got = OpenReviewClient(http).note(ident)
    assert isinstance(got, OpenReviewNote) and got.venue.entry_type == "unpublished" and got.year == 2018


def test_requests_keep_to_openreviews_pace(corpus):
    """OpenReview limits guests: the client's own pace (``openreview_delay``) keeps under a double that refuses
    anything faster with its JSON 429, so no request is ever refused."""
    with OpenReviewDouble(corpus, min_interval=0.2) as orv:
        ids = list(orv.notes)[:4]
        with HttpLayer(load_settings(openreview_url=orv.url, openreview_v1_url=orv.url, openreview_delay=0.25)) as http:
            client = OpenReviewClient(http)
            got = [client.note(i) for i in ids]
        assert all(isinstance(g, OpenReviewNote) for g in got) and orv.rate_limited == 0
        assert len(orv.note_requests()) == len(ids)


def test_a_note_api_v2_does_not_have_is_asked_of_api_v1(corpus, tmp_path, monkeypatch):
    """Venues before 2023 live only on API v1 (api.openreview.net): an id v2 does not know is asked there."""
    notes = corpus_notes(corpus)
    v1_only = {i: n for i, n in notes.items() if "invitation" in n}
    v2_only = {i: n for i, n in notes.items() if "invitations" in n}
    old_id = next(iter(v1_only))
    new_id = next(iter(v2_only))
    with OpenReviewDouble(notes=v2_only) as v2, OpenReviewDouble(notes=v1_only) as v1:
        v2.hidden.add("HiddenNote")
        settings = load_settings(openreview_url=v2.url, openreview_v1_url=v1.url, openreview_delay=0)
        with HttpLayer(settings) as http:
            client = OpenReviewClient(http)
            old, new, unknown, hidden = (client.note(i) for i in (old_id, new_id, "NoSuchNote", "HiddenNote"))
        assert isinstance(old, OpenReviewNote) and old.api == 1 and old.title == _title(v1_only[old_id])
        assert isinstance(new, OpenReviewNote) and new.api == 2
        assert isinstance(unknown, Missing) and isinstance(hidden, Missing) and not hidden.unknown
        assert [r.arg("id") for r in v2.note_requests()] == [old_id, new_id, "NoSuchNote", "HiddenNote"]
        assert [r.arg("id") for r in v1.note_requests()] == [old_id, "NoSuchNote"]  # (a hidden note is not unknown)


def test_the_openreview_stage_comes_first_on_the_progress_bar(services, tmp_path):
    from bibkit.enrich import Progress, enrich_document
    from bibkit.sources import read_path

    orv, _ax, _hf = services
    ident = next(iter(orv.notes))
    notes = tmp_path / "notes.txt"
    notes.write_text(f"https://openreview.net/forum?id={ident}\nhttps://openreview.net/forum?id=NoSuchNote\n",
                     encoding="utf-8")
    doc = read_path(str(notes))
    events: list[Progress] = []
    result = enrich_document(doc, only=("openreview", "arxiv", "hf"), on_progress=events.append)
    stages = [e.stage for e in events]
    order = [s for i, s in enumerate(stages) if i == 0 or stages[i - 1] != s]
    assert order[:2] == ["openreview", "resolve"]
    assert max(e.done for e in events if e.stage == "openreview") == len(doc.entries) == 2
    assert result.requests["openreview"] == 2 and result.network_ok


def test_a_paper_a_pasted_openreview_page_already_describes_is_not_asked_about(services, tmp_path):
    # a venue page read by the page reader has each paper's title, authors and venue (or submission note): its
    # note ids cost no request at OpenReview's pace; a bare link, or a .bib entry missing its venue, is asked
    from bibkit.enrich import enrich_document
    from bibkit.sources import read_text

    orv, _ax, _hf = services
    described, bare, partial = list(orv.notes)[:3]
    bib = (f"@inproceedings{{seen,\n  title = {{A Paper We Read}},\n  author = {{Doe, Jane}},\n"
           f"  booktitle = {{ICLR 2024}},\n  url = {{https://openreview.net/forum?id={described}}},\n}}\n\n"
           f"@misc{{half,\n  title = {{Another Paper}},\n  author = {{Roe, Richard}},\n"
           f"  url = {{https://openreview.net/forum?id={partial}}},\n}}\n")
    doc = read_text(bib, "refs.bib")
    doc.blocks.extend(read_text(f"https://openreview.net/forum?id={bare}\n", "notes.txt").entries)
    result = enrich_document(doc, only=("openreview",))
    assert sorted(r.arg("id") for r in orv.note_requests()) == sorted([bare, partial])
    assert result.requests["openreview"] == 2
