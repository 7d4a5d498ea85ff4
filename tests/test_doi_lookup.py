"""DOIs are looked up: a DOI list, a bare .bib ``doi`` and a pasted doi.org line become full entries from
Crossref; arXiv's DataCite DOIs go to arXiv; other agencies' DOIs are reported, not guessed."""

from __future__ import annotations

from bibkit.cli import main
from bibkit.enrich.doi import own_doi
from bibkit.errors import ExitCode
from bibkit.model import Entry, Identifiers, Provenance
from bibkit.writers import write
from scholarly_helpers import ALL, doubles, run_example, upgrade_of, upgraded
from texutil import compile_biber, compile_bibtex


def _write_ids(tmp_path, *lines):
    path = tmp_path / "dois.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_doi_list_becomes_full_entries_in_one_batched_request(tmp_path):
    ids = _write_ids(tmp_path, "10.18653/v1/2024.acl-long.840", "https://doi.org/10.1038/s41524-025-01564-y",
                     "doi:10.1007/978-3-031-72624-8_23", "10.1038/S41467-025-01234-X")
    with doubles() as d:
        doc, result = run_example(d, path=ids, settings=d.settings(cache_dir=str(tmp_path / "c")))
        works = d.crossref.works_requests()
    assert len(works) == 1 and "doi:" in works[0].arg("filter")  # four DOIs, one request
    acl, npj, eccv, natcomm = doc.entries
    assert acl.entry_type == "inproceedings" and acl.title.startswith("Dolma")
    assert acl.booktitle == "Annual Meeting of the Association for Computational Linguistics"
    assert acl.publisher == "Association for Computational Linguistics" and acl.pages == "15725–15788"
    assert [p.family for p in acl.authors][:2] == ["Soldaini", "Kinney"] and acl.year == 2024
    assert npj.entry_type == "article" and npj.journal == "npj Computational Materials"
    assert (npj.volume, npj.number, npj.pages) == ("11", "1", "84")
    assert eccv.entry_type == "inproceedings" and eccv.booktitle == "European Conference on Computer Vision"
    assert eccv.extra["series"] == "Lecture Notes in Computer Science" and eccv.volume == "15084"
    assert natcomm.journal == "Nature Communications" and natcomm.ids.doi == "10.1038/S41467-025-01234-X"
    for report in result.reports:
        assert report.status == "resolved" and report.resolved_by == "crossref-doi"
        assert report.fields_set["title"]["source"] == "crossref"
    # and the result compiles cleanly
    for res in (compile_bibtex(write(doc, "bibtex"), tmp_path), compile_biber(write(doc, "biblatex"), tmp_path)):
        assert res.errors == [] and res.unexpected_warnings() == []


def test_other_agencies_and_unknown_dois_are_reported_not_guessed(tmp_path):
    ids = _write_ids(tmp_path, "10.5281/zenodo.1234567", "10.1234/no-such-thing", "10.48550/arXiv.2402.03660")
    with doubles() as d:
        doc, result = run_example(d, path=ids, settings=d.settings(cache_dir=str(tmp_path / "c")))
    zenodo, unknown, arxiv = doc.entries
    assert zenodo.title is None and any(p.code == "doi-not-crossref" and "DataCite" in p.message
                                        for p in zenodo.problems)
    assert unknown.title is None and any(p.code == "unknown-doi" for p in unknown.problems)
    assert result.reports[0].status == result.reports[1].status == "unresolved"
    # arXiv's own DOI is arXiv's business: the paper is resolved there (and then upgraded to ACL 2024)
    assert arxiv.ids.arxiv == "2402.03660" and result.reports[2].resolved_by == "input"
    assert arxiv.booktitle == "Annual Meeting of the Association for Computational Linguistics"


def test_a_bib_doi_without_metadata_is_filled_but_user_fields_are_kept(tmp_path):
    bib = tmp_path / "refs.bib"
    bib.write_text("@misc{mine,\n  doi = {10.1145/3704435},\n  note = {read this},\n}\n\n"
                   "@article{kept,\n  title = {My Own Title},\n  doi = {10.1109/TKDE.2025.3554028},\n}\n",
                   encoding="utf-8")
    with doubles() as d:
        doc, result = run_example(d, path=bib, settings=d.settings(cache_dir=str(tmp_path / "c")))
    mine, kept = doc.entries
    assert mine.entry_type == "article" and mine.title == "Tool Learning with Foundation Models"
    assert mine.journal == "ACM Computing Surveys" and mine.note == "read this" and mine.key == "mine"
    assert kept.title == "My Own Title"  # the user's title stays
    assert kept.journal == "IEEE Transactions on Knowledge and Data Engineering" and kept.authors
    text = write(doc, "bibtex")
    assert "@article{mine," in text and "title = {My Own Title}" in text


def test_a_pasted_doi_link_is_looked_up(tmp_path):
    paste = tmp_path / "paste.txt"
    paste.write_text("Reading list\n\nhttps://doi.org/10.18653/v1/2024.emnlp-main.702\n", encoding="utf-8")
    with doubles() as d:
        doc, _result = run_example(d, path=paste, settings=d.settings(cache_dir=str(tmp_path / "c")))
    entry = next(e for e in doc.entries if e.ids.doi)
    assert entry.title.startswith("SUPER: Evaluating Agents") and entry.entry_type == "inproceedings"


def test_own_doi_ignores_dois_from_free_text():
    e = Entry(title="A paper", ids=Identifiers(doi="10.1000/cited"))
    e.provenance["ids.doi"] = Provenance("abstract")
    assert own_doi(e) is None
    e.provenance["ids.doi"] = Provenance("ids")
    assert own_doi(e) == "10.1000/cited"
    assert own_doi(Entry(title="https://doi.org/10.1000/x")) == "10.1000/x"
    assert own_doi(Entry(ids=Identifiers(doi="10.48550/arXiv.2401.00001"))) is None


def test_a_non_arxiv_preprint_doi_follows_is_preprint_of(tmp_path):
    """A bioRxiv-style Crossref preprint whose record names its journal version is upgraded to it."""
    with doubles() as d:
        pub = next(p for p in d.world.publications if p["arxiv"] == "2305.05819")
        preprint = dict(pub, type="posted-content", doi="10.1101/2023.05.20.541234", container=None, volume=None,
                        issue=None, pages=None, publisher="Cold Spring Harbor Laboratory", year=2023, month=5,
                        relation=False, expect_upgrade=False)
        d.world.publications.append(preprint)
        real = d.crossref.world.crossref_work

        def with_relation(p):
            work = real(p)
            if p is preprint:
                work["subtype"] = "preprint"
                work["relation"] = {"is-preprint-of": [{"id-type": "doi", "id": pub["doi"], "asserted-by": "subject"}]}
            return work

        d.world.crossref_work = with_relation  # type: ignore[method-assign]
        ids = _write_ids(tmp_path, preprint["doi"])
        doc, result = run_example(d, path=ids, settings=d.settings(cache_dir=str(tmp_path / "c")))
    (entry,) = doc.entries
    assert upgraded(doc.entries[0])
    assert entry.entry_type == "article" and entry.journal == "npj Computational Materials"
    assert entry.ids.doi == pub["doi"] and upgrade_of(entry).preprint_doi == preprint["doi"]


def test_doi_list_through_the_cli_with_crossref_down_says_so(tmp_path, monkeypatch, capsys):
    ids = _write_ids(tmp_path, "10.1145/3704435")
    out = tmp_path / "out.bib"
    code = main(["enrich", str(ids), "-o", str(out), "--only", "crossref", "--strict"])
    assert code == ExitCode.NETWORK
    err = capsys.readouterr().err
    assert "Crossref" in err and "Traceback" not in err
    assert "doi = {10.1145/3704435}" in out.read_text()
    with doubles() as d:
        d.env(monkeypatch)
        assert main(["-q", "enrich", str(ids), "-o", str(out), "--only", ",".join(ALL)]) == ExitCode.OK
    assert "Tool Learning with Foundation Models" in out.read_text()


def test_acl_anthology_links_are_looked_up_by_the_doi_the_anthology_registers(tmp_path):
    # an NLP reading list of Anthology links: each is the DOI 10.18653/v1/<Anthology ID> at Crossref (one
    # batched request); an older paper the Anthology registered no DOI for stays as it was — no DOI invented,
    # no warning about a DOI the user never wrote
    paste = tmp_path / "reading.txt"
    paste.write_text("To read\n\n- https://aclanthology.org/2024.acl-long.840/\n"
                     "- https://aclanthology.org/2024.emnlp-main.702.pdf\n- https://aclanthology.org/P02-1040.pdf\n",
                     encoding="utf-8")
    with doubles() as d:
        doc, result = run_example(d, path=paste, settings=d.settings(cache_dir=str(tmp_path / "c")))
        works = d.crossref.works_requests()
    assert len(works) == 1 and "10.18653/v1/2024.acl-long.840" in works[0].arg("filter").lower()
    dolma, emnlp, bleu = doc.entries
    assert dolma.title.startswith("Dolma") and dolma.entry_type == "inproceedings"
    assert dolma.ids.doi and dolma.ids.doi.lower() == "10.18653/v1/2024.acl-long.840"
    assert [p.family for p in dolma.authors][:2] == ["Soldaini", "Kinney"] and dolma.year == 2024
    assert emnlp.title and emnlp.ids.doi and emnlp.ids.doi.lower() == "10.18653/v1/2024.emnlp-main.702"
    assert bleu.ids.doi is None and bleu.title is None and bleu.url == "https://aclanthology.org/P02-1040.pdf"
    assert not any(p.code in ("unknown-doi", "doi-not-crossref") for p in bleu.problems)
    by_key = {r.key: r for r in result.reports}
    assert by_key[dolma.key].status == "resolved" and by_key[dolma.key].resolved_by == "crossref-doi"
    assert by_key[bleu.key].status == "unresolved" and "P02-1040" in (by_key[bleu.key].reason or "")
    assert bleu.key == "aclP02-1040"
