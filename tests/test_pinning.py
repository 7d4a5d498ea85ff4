"""The pure parts of issue #11's identity across runs: the alias rule, matching prior records, re-keying,
the lock file format, telling the user's edits from bibkit's, and a run that dies between its two writes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bibkit.cli import main
from bibkit.errors import ExitCode
from bibkit.lockfile import Lock, LockEntry, LockError, field_hash, read_lock, write_lock
from bibkit.model import Entry, Identifiers, Person
from bibkit.normalize.identity import Fingerprint
from bibkit.normalize.pinning import (
    PinnedKeyError,
    PriorRecord,
    add_aliases,
    match_priors,
    merge_aliases,
    pin_keys,
    rekey,
)
from bibkit.priorstate import detect_edits
from bibkit.record import KeySource
from bibkit.sources.bibfile import read

ABSTRACT = ("We study sparse gating networks for language modelling and show that routing tokens to a few experts "
            "per layer keeps quality while cutting compute, across six benchmarks and three model scales.")


def paper(title: str, *, key: str | None = None, arxiv: str | None = None, author: str | None = None,
          abstract: str | None = None, pinned: bool = False) -> Entry:
    e = Entry(entry_type="misc", key=key, key_pinned=pinned, title=title, abstract=abstract,
              ids=Identifiers(arxiv=arxiv))
    if author:
        e.authors = [Person(family=author)]
    return e


def prior(entry: Entry, key: str, source: KeySource = KeySource.ISSUED) -> PriorRecord:
    return PriorRecord(key, Fingerprint.from_entry(entry), source)


# --------------------------------------------------------------------------- aliases


def test_the_alias_rule_never_the_own_key_once_and_in_order():
    assert merge_aliases(["a", "B"], ["b", "c", "own", None, " d ", "C"], "OWN") == ["a", "B", "c", "d"]
    e = paper("T", key="new")
    assert add_aliases(e, ["old", "new", "OLD", "older"]) == ["old", "older"]
    assert e.extra["ids"] == "old, older"
    assert add_aliases(e, ["old"]) == [] and e.extra["ids"] == "old, older"


# --------------------------------------------------------------------------- matching


def test_matching_is_one_to_one_and_strongest_evidence_first():
    # the paper known by its arXiv ID (renamed since) and another paper with its current title: the ID decides,
    # and each prior record goes to one entry only
    priors = [prior(paper("A Study of Things", author="Other"), "other2020"),
              prior(paper("Renamed Since", arxiv="2401.00001"), "study2024")]
    current = [paper("A Study of Things", arxiv="2401.00001", author="Smith"), paper("A Study of Things")]
    pairs = {(e.ids.arxiv, p.key) for e, p, _v in match_priors(current, priors)}
    assert pairs == {("2401.00001", "study2024"), (None, "other2020")}


def test_a_zotero_item_needs_more_than_a_shared_title():
    item = prior(paper("Introduction to Graphs Theory Basics"), "zkey", KeySource.ZOTERO)
    assert match_priors([paper("Introduction to Graphs Theory Basics")], [item]) == []
    corroborated = prior(paper("Introduction to Graphs Theory Basics", abstract=ABSTRACT), "zkey", KeySource.ZOTERO)
    assert len(match_priors([paper("Introduction to Graphs Theory Basics", abstract=ABSTRACT)], [corroborated])) == 1


def test_pin_keys_keeps_issued_keys_and_reserves_the_others():
    priors = [prior(paper("Sparse Expert Routing", abstract=ABSTRACT), "routing"),
              prior(paper("Coral Reefs After Bleaching"), "reefs")]
    entries = [paper("Sparse Expert Routing", abstract=ABSTRACT), paper("Something New Entirely")]
    result = pin_keys(entries, priors)
    assert entries[0].key == "routing" and entries[0].key_pinned and entries[0].record.key is not None
    assert entries[0].record.key.source is KeySource.ISSUED and entries[1].key is None
    assert result.reserved == {"reefs"}


def test_an_input_key_stays_and_the_prior_key_becomes_an_alias():
    entries = [paper("Sparse Expert Routing", key="mine", pinned=True, abstract=ABSTRACT)]
    pin_keys(entries, [prior(paper("Sparse Expert Routing", abstract=ABSTRACT), "routing")])
    assert entries[0].key == "mine" and entries[0].extra["ids"] == "routing"


DUPLICATE_KEYS = """@article{dupkey,
  author = {Smith, John},
  title = {First Paper on Things},
  journal = {J. Things},
  year = {2020},
}

@article{dupkey,
  author = {Jones, Mary},
  title = {Completely Different Work},
  journal = {J. Other},
  year = {2021},
}
"""


def test_a_key_the_input_uses_twice_is_renamed_once_told_once_and_stays_renamed(tmp_path, capsys):
    """The later ``dupkey`` becomes ``dupkeya`` — not ``dupkeyb``, ``dupkeyc``… on every run into the same output
    (its pair by key lost to the first entry's, and it was never recognised as the paper ``dupkeya`` names)."""
    src, out, report = tmp_path / "dup.bib", tmp_path / "out.bib", tmp_path / "r.json"
    src.write_text(DUPLICATE_KEYS, encoding="utf-8")
    for _run in range(3):
        assert main(["convert", str(src), "-o", str(out), "--report", str(report)]) == ExitCode.OK
        assert [line.split("{")[1].rstrip(",") for line in out.read_text().splitlines() if line.startswith("@")] \
            == ["dupkey", "dupkeya"]
        err = capsys.readouterr().err
        assert "keys               1 kept, 0 new, 1 renamed (a key the input uses twice)" in err
        warnings = [line for line in err.splitlines() if "dupkey" in line and "warning" in line]
        assert len(warnings) == 1 and "renamed to 'dupkeya'" in warnings[0] and "dup.bib:8" in warnings[0]
        keys = json.loads(report.read_text())["keys"]
        assert (keys["kept"], keys["new"], keys["renamed_duplicates"]) == (1, 0, 1)


# --------------------------------------------------------------------------- re-keying


def test_rekey_refuses_pinned_keys_follows_references_and_keeps_aliases():
    doc = read("@book{procs, editor = {Charles Babbage}, title = {Proceedings of Engines}, year = {1843}}\n"
               "@inproceedings{p1, author = {Ada Lovelace}, title = {Notes}, crossref = {procs}, year = {1843}}\n",
               "x.bib")
    with pytest.raises(PinnedKeyError) as refused:
        rekey(doc.entries, "auth.lower + year")
    assert "procs" in str(refused.value) and all(e.key in ("procs", "p1") for e in doc.entries)
    changes = rekey(doc.entries, "auth.lower + year", force=True)
    assert {(c.old, c.new) for c in changes} == {("procs", "babbage1843"), ("p1", "lovelace1843")}
    procs, p1 = doc.entries
    assert procs.extra["ids"] == "procs" and p1.extra["crossref"] == "babbage1843"


def test_rekey_never_gives_out_a_reserved_key():
    entries = [paper("Notes", author="Lovelace")]
    entries[0].key = "old"
    rekey(entries, "auth.lower", reserved={"lovelace"})
    assert entries[0].key == "lovelacea" and entries[0].extra["ids"] == "old"


# --------------------------------------------------------------------------- the lock file


def test_the_lock_round_trips_and_bad_locks_are_refused(tmp_path):
    path = tmp_path / "refs.bib.lock.json"
    lock = Lock("refs.bib", "bibtex", "d1", "d0")
    lock.entries["k"] = LockEntry("k", "issued", aliases=["old"], identity={"titles": ["T"]}, enriched=["title"],
                                  decision={"arxiv": "2401.00001", "source": "pick"})
    lock.set_text("@misc{k,\n  title = {T},\n}\n")
    write_lock(path, lock)
    back = read_lock(path)
    assert back is not None and back.entries["k"].aliases == ["old"] and back.text() == lock.text()
    assert back.find("OLD") is back.entries["k"]  # aliases, case-insensitively
    assert len(path.read_text().splitlines()) == 4  # head, one line per entry, the copy
    assert read_lock(tmp_path / "none.json") is None
    path.write_text("{ not json")
    with pytest.raises(LockError):
        read_lock(path)
    path.write_text(json.dumps({"bibkit_lock": 99, "entries": {}}))
    with pytest.raises(LockError, match="newer bibkit"):
        read_lock(path)


def test_edits_are_told_by_field_and_a_deletion_by_group():
    written = read("@misc{k,\n  title = {Old Title},\n  year = 2020,\n  month = mar,\n  note = {n},\n}\n",
                   "w.bib").entries[0]
    assert written.bib is not None
    hashes = {name: field_hash(raw) for name, raw in written.bib.fields.items()}
    hashes["title"] = field_hash("{Old Title}")
    now = read("@MISC{k,\n  title   = {Old  Title},\n  year = 2020,\n  keywords = {mine},\n}\n", "n.bib").entries[0]
    edits = detect_edits(now, hashes, "misc")
    # reflowed whitespace is no edit; month gone but year kept: the date changed; note gone: deleted
    assert set(edits.changed) == {"date", "tags"} and set(edits.deleted) == {"note"}
    # keywords were not written at all: added; the date was (year, month): changed
    assert edits.added == {"tags"}
    added = read("@misc{k,\n  title = {Old Title},\n  year = 2020,\n  month = mar,\n  note = {n},\n"
                 "  eprint = {2401.00001},\n  archivePrefix = {arXiv},\n}\n", "n.bib").entries[0]
    assert detect_edits(added, hashes, "misc").added == {"ids.arxiv"}


# --------------------------------------------------------------------------- a run that dies between two writes


def test_a_run_that_dies_after_the_lock_leaves_nothing_mistaken_for_an_edit(tmp_path, monkeypatch):
    listing = tmp_path / "list.txt"
    listing.write_text(f"Sparse Expert Routing\n\n{ABSTRACT}\n", encoding="utf-8")
    out, report = tmp_path / "out.bib", tmp_path / "r.json"
    assert main(["-q", "convert", str(listing), "-o", str(out)]) == ExitCode.OK
    listing.write_text(f"Sparse Expert Routing\n\n{ABSTRACT} A second sentence was added.\n", encoding="utf-8")

    import bibkit.app.prior as prior_module

    def crash(*args, **kwargs):
        raise KeyboardInterrupt  # killed after the lock was renamed, before the output was

    monkeypatch.setattr(prior_module, "atomic_write_text", crash)
    with pytest.raises(KeyboardInterrupt):
        from bibkit.app import convert
        convert([str(listing)], str(out))
    monkeypatch.undo()
    assert "second sentence" not in out.read_text()  # the old output, with the new lock beside it
    assert main(["-q", "convert", str(listing), "-o", str(out), "--report", str(report)]) == ExitCode.OK
    rows = json.loads(report.read_text())["entries"]
    assert "user_edits" not in rows[0] and "second sentence" in out.read_text()
    assert Path(str(out) + ".lock.json").is_file()
