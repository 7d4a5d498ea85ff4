"""Life-cycle corners found by walking a bibliography through many runs as a new user (QA round qa7l).

Each test is a sequence of real command runs on real files (the services, where needed, are the local
doubles): a format switched between runs, an output moved with its lock, a lock edited by hand...  What must
hold across the sequence: every key keeps naming its paper, no hand edit or hand-added entry is lost, and a
fault is one line naming the file.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from bibkit.cli import main
from bibkit.errors import ExitCode
from bibkit.sources import read_path

LISTING = ("Sparse Expert Routing for Language Models\n\nWe study sparse gating networks for language modelling.\n\n"
           "Dense Retrieval with Hard Negatives\n\nWe mine hard negatives for dense passage retrieval.\n")
KNUTH = "\n@book{knuth1984,\n  author = {Knuth, Donald E.},\n  title = {The {\\TeX}book},\n  year = {1984}\n}\n"


def keys_of(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    if text.lstrip().startswith("["):
        return [item["id"] for item in json.loads(text)]
    return re.findall(r"^@\w+\{([^,\s]+),", text, re.M)


def _listing(tmp_path: Path) -> Path:
    listing = tmp_path / "list.txt"
    listing.write_text(LISTING, encoding="utf-8")
    return listing


def _add_note(out: Path, key: str, note: str) -> None:
    text = out.read_text(encoding="utf-8")
    head = re.search(r"^@\w+\{" + re.escape(key) + ",\n", text, re.M)
    assert head is not None
    out.write_text(text[:head.end()] + f"  note = {{{note}}},\n" + text[head.end():], encoding="utf-8")


def test_switching_the_output_format_between_runs_keeps_hand_edits_and_hand_added_entries(tmp_path):
    """`--to` changed between runs into the same file: the previous output is read as what it was written as
    (the lock says), so a field the user added and an entry the user added survive bibtex → csl-json → biblatex
    → bibtex (before: the previous output was not read at all when its format differed, and both were dropped
    silently, with no backup)."""
    listing = _listing(tmp_path)
    out = tmp_path / "refs.bib"
    assert main(["-q", "build", str(listing), "--no-enrich", "-o", str(out)]) == ExitCode.OK
    first = keys_of(out)
    _add_note(out, first[0], "read on the train")
    with out.open("a", encoding="utf-8") as fh:
        fh.write(KNUTH)
    for to in ("csl-json", "biblatex", "bibtex"):
        report = tmp_path / f"{to}.json"
        assert main(["-q", "build", str(listing), "--no-enrich", "-o", str(out), "--to", to,
                     "--report", str(report)]) == ExitCode.OK, to
        assert keys_of(out) == [*first, "knuth1984"], to
        entries = {e.key: e for e in read_path(str(out)).entries}
        assert entries[first[0]].note == "read on the train", to
        assert "book" in (entries["knuth1984"].title or "").lower(), to
        row = next(e for e in json.loads(report.read_text())["entries"] if e["key"] == first[0])
        assert list(row["user_edits"]) == ["note"] and row["user_edits"]["note"]["kind"] == "added", to


def test_without_its_lock_a_previous_output_in_another_format_is_read_as_what_it_is(tmp_path):
    """The lock deleted, then `--to csl-json` into the `.bib` bibkit wrote: the old file is read by its content
    (a `.bib`), so its entries and keys carry over and a copy is saved (before: it was read as CSL-JSON, found
    no entry, and the user's added entry was gone)."""
    listing = _listing(tmp_path)
    out = tmp_path / "refs.bib"
    assert main(["-q", "build", str(listing), "--no-enrich", "-o", str(out)]) == ExitCode.OK
    first = keys_of(out)
    with out.open("a", encoding="utf-8") as fh:
        fh.write(KNUTH)
    (tmp_path / "refs.bib.lock.json").unlink()
    report = tmp_path / "r.json"
    assert main(["-q", "build", str(listing), "--no-enrich", "-o", str(out), "--to", "csl-json",
                 "--report", str(report)]) == ExitCode.OK
    assert keys_of(out) == [*first, "knuth1984"]
    backup = Path(json.loads(report.read_text())["prior"]["backup"])
    assert "@book{knuth1984" in backup.read_text(encoding="utf-8")


def test_a_build_whose_zotero_is_closed_still_reports_then_syncs_once_zotero_is_open(tmp_path, monkeypatch, capsys):
    """`build --zotero-collection` with Zotero closed, then open: the first run writes the bibliography, exits 6
    with one line naming Zotero, and still writes its `--report` (what was built, and the sync's error: a script
    reading the report learns why it got 6 — before, the report was not written at all); the rerun syncs every
    entry once, with the same keys."""
    from zotero_bridge.testing import FakeZotero

    listing = _listing(tmp_path)
    out, report = tmp_path / "refs.bib", tmp_path / "r.json"
    monkeypatch.setenv("BIBKIT_ZOTERO_URL", "http://127.0.0.1:9")  # closed
    args = ["build", str(listing), "--no-enrich", "-o", str(out), "--zotero-collection", "Reading/Later",
            "--report", str(report)]
    assert main(args) == ExitCode.ZOTERO
    err = capsys.readouterr().err
    assert [line for line in err.splitlines() if "error" in line] == [
        line for line in err.splitlines() if "Zotero is not reachable at http://127.0.0.1:9" in line]
    assert "Traceback" not in err
    keys = keys_of(out)
    data = json.loads(report.read_text())
    assert [e["key"] for e in data["entries"]] == keys
    assert data["zotero"]["complete"] is False and "not reachable" in data["zotero"]["error"]
    with FakeZotero(version="10.0.1") as z:
        monkeypatch.setenv("BIBKIT_ZOTERO_URL", z.url)
        assert main(["-q", *args]) == ExitCode.OK
        assert keys_of(out) == keys
        data = json.loads(report.read_text())
        assert data["zotero"]["complete"] is True and data["zotero"]["counts"] == {"created": len(keys)}
        assert sorted(i["title"] for i in z.items() if i["itemType"] not in ("attachment", "note")) == sorted(
            ["Sparse Expert Routing for Language Models", "Dense Retrieval with Hard Negatives"])


@pytest.mark.parametrize("where, value", [("env", "0"), ("env", "nan"), ("file", "0"), ("file", "-0.0"),
                                          ("file", '"inf"'), ("env", "-1")])
def test_a_timeout_that_is_no_wait_at_all_is_one_line_before_any_work(tmp_path, monkeypatch, capsys, where, value):
    """`[timeout] hf = 0` (or `BIBKIT_HF_TIMEOUT=0`, `nan`, `inf`) is a configuration mistake named in one line
    (exit 2) before anything is read — before, it passed the check (`0` is not negative, `nan` compares false)
    and every request then died in `requests` with a ValueError traceback (exit 1) once the run was online."""
    listing = _listing(tmp_path)
    if where == "env":
        monkeypatch.setenv("BIBKIT_HF_TIMEOUT", value)
    else:
        cfg = tmp_path / "config.toml"
        cfg.write_text(f"[timeout]\nhf = {value}\n", encoding="utf-8")
        monkeypatch.setenv("BIBKIT_CONFIG", str(cfg))
    out = tmp_path / "refs.bib"
    assert main(["-q", "build", str(listing), "-o", str(out)]) == ExitCode.USAGE
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err, err
    assert "hf" in err.lower() and "timeout" in err.lower(), err
    assert not out.exists()


@pytest.mark.parametrize("value", ["0", "-1", "nan", "inf"])
def test_the_bridges_timeout_option_takes_only_a_real_wait(value, capsys):
    """`zotero-bridge sync --timeout -1` (or `nan`) was a ValueError traceback from the socket layer, `0`
    silently meant "the default": a timeout must be more than 0 seconds, said by argparse (exit 2)."""
    from zotero_bridge.cli import main as bridge

    with pytest.raises(SystemExit) as stop:
        bridge(["sync", "x.bib", "--collection", "C", "--timeout", value])
    assert stop.value.code == ExitCode.USAGE
    err = capsys.readouterr().err
    assert "--timeout" in err and "Traceback" not in err


def test_a_delay_that_is_not_a_number_is_one_line(tmp_path, monkeypatch, capsys):
    """`BIBKIT_ARXIV_DELAY=nan` passed the `< 0` check and would have put `time.sleep(nan)` in the pacing."""
    monkeypatch.setenv("BIBKIT_ARXIV_DELAY", "nan")
    assert main(["-q", "build", str(_listing(tmp_path)), "-o", str(tmp_path / "refs.bib")]) == ExitCode.USAGE
    err = capsys.readouterr().err
    assert "BIBKIT_ARXIV_DELAY" in err and len(err.strip().splitlines()) == 1


# --------------------------------------------------------------------------- a damaged HTTP cache

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "hf-trending-papers.txt"


def _damage_file(db: Path) -> None:
    """What a crash mid-commit or a half-restored home directory leaves: not a database at all."""
    db.write_bytes(b"SQLite format 2\x00" + bytes(range(256)) * 20)


def _damage_pages(db: Path) -> None:
    """A sound header and schema page, every later page overwritten: met only when a lookup reads a page."""
    data = bytearray(db.read_bytes())
    size = int.from_bytes(data[16:18], "big") or 65536
    for start in range(size, len(data), size):
        data[start:start + 64] = bytes(range(64, 128))
    db.write_bytes(bytes(data))


def _bibkit(*args: str) -> "subprocess.CompletedProcess[str]":
    """A run as a user makes it: its own process (the cache file opened afresh, logging set up by the CLI)."""
    import os
    import subprocess
    import sys

    return subprocess.run([sys.executable, "-m", "bibkit", *args], capture_output=True, text=True, timeout=300,
                          env=dict(os.environ))


@pytest.mark.parametrize("damage", [_damage_file, _damage_pages])
def test_a_damaged_http_cache_is_set_aside_and_the_run_goes_on(tmp_path, monkeypatch, damage):
    """Build online, the cache file damaged, build again, build a third time: the second run is exit 0 with the
    same bibliography, one warning names the cache file, the damaged file is set aside (renamed, not deleted),
    and the third run answers from the new cache (before: a `sqlite3.DatabaseError` traceback, exit 1, in every
    later run of every command until the user found and deleted the file)."""
    from bibkit.testing.arxiv import ArxivDouble
    from bibkit.testing.corpus import load_corpus
    from bibkit.testing.github import GitHubDouble
    from bibkit.testing.hf import HfDouble

    listing = tmp_path / "list.txt"
    listing.write_text("".join(EXAMPLE.read_text(encoding="utf-8").splitlines(keepends=True)[:33]),
                       encoding="utf-8")
    cache = tmp_path / "cache"
    monkeypatch.setenv("BIBKIT_CACHE_DIR", str(cache))
    corpus = load_corpus()
    with ArxivDouble(corpus) as ax, HfDouble(corpus) as hf, GitHubDouble.from_example() as gh:
        monkeypatch.setenv("BIBKIT_ARXIV_URL", ax.api_url)
        monkeypatch.setenv("BIBKIT_HF_URL", hf.url)
        monkeypatch.setenv("BIBKIT_GITHUB_URL", gh.url)
        out = tmp_path / "refs.bib"
        assert _bibkit("build", str(listing), "-o", str(out)).returncode == ExitCode.OK
        first = out.read_text(encoding="utf-8")
        db = cache / "http.sqlite"
        damage(db)
        run = _bibkit("build", str(listing), "-o", str(out))
        assert run.returncode == ExitCode.OK, run.stderr
        assert "Traceback" not in run.stderr
        assert any(str(db) in line and "damaged" in line for line in run.stderr.splitlines()), run.stderr
        assert out.read_text(encoding="utf-8") == first
        aside = sorted(cache.glob("http.sqlite.damaged-*"))
        assert aside and not any(p.name.endswith(("-wal", "-shm")) for p in aside[:1])
        for double in (ax, hf, gh):
            double.reset_log()
        run = _bibkit("build", str(listing), "-o", str(out))
        assert run.returncode == ExitCode.OK and "HTTP cache" not in run.stderr, run.stderr
        if damage is _damage_file:  # (the second run stored its answers in the new cache: none asked again)
            assert not ax.log and not hf.log and not gh.log
        assert out.read_text(encoding="utf-8") == first


def test_a_cache_path_that_cannot_be_a_database_leaves_the_run_uncached_not_dead(tmp_path, monkeypatch):
    """A directory where the cache file goes: one warning, the run goes on without a cache (before: traceback).
    (A real process, as a user runs it: the warning is a log record, and this process's logging is shared with
    every test before.)"""
    cache = tmp_path / "cache"
    (cache / "http.sqlite").mkdir(parents=True)
    monkeypatch.setenv("BIBKIT_CACHE_DIR", str(cache))
    out = tmp_path / "refs.bib"
    run = _bibkit("build", str(_listing(tmp_path)), "-o", str(out))
    assert run.returncode == ExitCode.OK, run.stderr
    err = run.stderr
    assert "Traceback" not in err and "cannot be used" in err and keys_of(out)
    assert (cache / "http.sqlite").is_dir()  # left as it was


# --------------------------------------------------------------------------- a read-only output


def test_an_output_made_read_only_is_refused_intact_then_rebuilt_once_writable(tmp_path, capsys):
    """`chmod a-w refs.bib` (a bibliography frozen for a submission), then a rebuild with one more paper: exit 8,
    one line naming the file and why, the file, its lock and its mode untouched (before: the file was replaced
    anyway — an atomic rename does not ask the file's permission — and stayed read-only, now with other
    content); made writable again, the rebuild goes through with every key kept."""
    import os
    import stat

    listing = _listing(tmp_path)
    out = tmp_path / "refs.bib"
    lock = tmp_path / "refs.bib.lock.json"
    assert main(["-q", "build", str(listing), "--no-enrich", "-o", str(out)]) == ExitCode.OK
    keys = keys_of(out)
    before, lock_before = out.read_bytes(), lock.read_bytes()
    os.chmod(out, 0o444)
    more = tmp_path / "more.txt"
    more.write_text("arXiv:2401.04088\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["-q", "build", str(listing), str(more), "--no-enrich", "-o", str(out)]) == ExitCode.OUTPUT
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and str(out) in err[0] and "read-only" in err[0], err
    assert out.read_bytes() == before and lock.read_bytes() == lock_before
    assert stat.S_IMODE(out.stat().st_mode) == 0o444
    assert sorted(p.name for p in tmp_path.iterdir()) == ["list.txt", "more.txt", "refs.bib", "refs.bib.lock.json"]
    os.chmod(out, 0o644)
    assert main(["-q", "build", str(listing), str(more), "--no-enrich", "-o", str(out)]) == ExitCode.OK
    assert keys_of(out)[:2] == keys and len(keys_of(out)) == 3


# --------------------------------------------------------------------------- two runs at once


def test_two_runs_backing_up_the_same_file_at_once_keep_both_copies(tmp_path, monkeypatch):
    """Two runs rewrite the same input in place at once (`make -j`, a command started twice): each finds
    `in.bib.bak` free, and the other takes it before the copy is in place — here the other run's backup appears
    between the moment the name was found free and the copy's rename.  Its copy (the original file) must
    survive, ours goes under the next name (before: the rename replaced it, and the original was gone)."""
    import bibkit.fileio as fileio

    src = tmp_path / "in.bib"
    src.write_text("@misc{a, title = {Original}}\n", encoding="utf-8")
    other = tmp_path / "in.bib.bak"
    real = fileio.backup_path

    def racing(path: Path) -> Path:
        found = real(path)
        if not other.exists():
            other.write_text("the other run's copy of the original\n", encoding="utf-8")
        return found

    monkeypatch.setattr(fileio, "backup_path", racing)
    assert main(["-q", "convert", str(src), "-o", str(src)]) == ExitCode.OK
    assert other.read_text(encoding="utf-8") == "the other run's copy of the original\n"
    assert (tmp_path / "in.bib.bak1").read_text(encoding="utf-8") == "@misc{a, title = {Original}}\n"
    assert not [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


# --------------------------------------------------------------------------- the bridge's record of connector saves


def _papers(n: int) -> list:
    from bibkit.model import Entry, PartialDate, Person

    return [Entry(entry_type="misc", key=f"paper{i}", title=f"A Study of Sparse Routing, Part {i}",
                  authors=[Person(family="Suzuki", given="Lena")], date=PartialDate(2024)) for i in range(1, n + 1)]


@pytest.mark.parametrize("damage", ['{"http', "[]", "{url: []}", '{url: {"ABCD1234": 5}}'])
def test_a_damaged_record_of_connector_saves_never_saves_a_paper_twice(tmp_path, damage):
    """Zotero 7–9 without the local API: the bridge's own record of earlier saves is its only memory.  Sync,
    the record damaged (cut short, hand-edited), sync again: before, the damage read as "nothing saved yet" and
    every paper was saved a second time (or a wrong shape was a TypeError traceback), and the damaged file was
    overwritten.  Now every paper is blocked as of unknown state with one line naming the record (exit 6, no
    write); the damaged file is kept aside when `--resave-unknown` (the user checked Zotero) saves again."""
    from bibkit.config import load_settings
    from zotero_bridge import sync
    from zotero_bridge.testing import FakeZotero

    with FakeZotero(version="7.0.32", local_api=False) as z:
        z.add_collection("C")
        settings = load_settings(env={"BIBKIT_ZOTERO_URL": z.url, "BIBKIT_CONFIG_DIR": str(tmp_path / "cfg"),
                                      "BIBKIT_CACHE_DIR": str(tmp_path / "cache")})
        assert sync(_papers(2), "C", settings=settings).complete
        record = tmp_path / "cfg" / "zotero-bridge-state.json"
        record.write_text(damage.replace("url", json.dumps(z.url)), encoding="utf-8")
        writes = len(z.write_requests())
        again = sync(_papers(2), "C", settings=settings)
        assert not again.complete and again.exit_code == ExitCode.ZOTERO
        assert len(z.write_requests()) == writes and len(z.items()) == 2
        lines = again.problem_lines()
        assert any(str(record) in line and "damaged" in line for line in lines), lines
        assert record.read_text(encoding="utf-8") == damage.replace("url", json.dumps(z.url))  # left as it was
        forced = sync(_papers(2), "C", settings=settings, resave_unknown=True)
        assert forced.complete
        kept = list((tmp_path / "cfg").glob("zotero-bridge-state.json.damaged-*"))
        assert [p.read_text(encoding="utf-8") for p in kept] == [damage.replace("url", json.dumps(z.url))]
        assert sync(_papers(2), "C", settings=settings).counts() == {"unchanged": 2}


# --------------------------------------------------------------------------- a damaged lock


@pytest.mark.parametrize("damage", ['{"broken', "[1, 2]", ""])
def test_a_damaged_lock_is_named_as_damaged_not_as_missing_and_the_keys_stay(tmp_path, damage):
    """A lock cut short, of another shape or empty: the notices say what is wrong with it and that it could not be
    used — not that there is none — and the rebuild keeps every key and writes a good lock."""
    src = tmp_path / "in.bib"
    src.write_text("@article{doeTitle2020,\n  title = {A Title Here},\n  author = {Doe, Jane},\n  year = {2020},\n}\n",
                   encoding="utf-8")
    out = tmp_path / "out.bib"
    assert main(["convert", str(src), "-o", str(out), "-q"]) == ExitCode.OK
    before = keys_of(out)
    lock = tmp_path / "out.bib.lock.json"
    lock.write_text(damage, encoding="utf-8")
    report = tmp_path / "r.json"
    assert main(["convert", str(src), "-o", str(out), "-q", "--report", str(report)]) == ExitCode.OK
    notices = json.loads(report.read_text(encoding="utf-8"))["prior"]["notices"]
    assert any("lock.json" in n and "no lock file" not in n for n in notices), notices
    assert not any(n.startswith("no lock file") for n in notices), notices
    assert keys_of(out) == before and json.loads(lock.read_text(encoding="utf-8"))
