"""The command line of the published-version stage: --prefer, --venue-style, --no-upgrade, --only with the new
services, the summary's "upgraded to a published version", the report's provenance."""

from __future__ import annotations

import json
import re

import pytest

from bibkit.cli import main
from bibkit.errors import ExitCode
from scholarly_helpers import EXAMPLE, doubles


@pytest.fixture()
def env(monkeypatch):
    with doubles() as d:
        d.env(monkeypatch)
        yield d


def test_build_summary_and_report(env, tmp_path, capsys):
    out, report = tmp_path / "refs.bib", tmp_path / "report.json"
    code = main(["build", str(EXAMPLE), "-o", str(out), "--report", str(report), "--no-tags",
                 "--only", "arxiv,hf,s2,crossref,dblp"])
    assert code == ExitCode.OK
    err = capsys.readouterr().err
    assert "upgraded to a published version" in err
    data = json.loads(report.read_text())
    assert data["totals"]["upgraded"] >= 28 and data["requests"]["s2"] == 1
    upgraded = [e for e in data["entries"] if (e.get("upgrade") or {}).get("status") == "upgraded"]
    assert len(upgraded) == data["totals"]["upgraded"]
    for e in upgraded:
        assert e["upgrade"]["source"] in ("crossref", "dblp", "s2") and e["upgrade"]["confidence"] >= 0.85
        assert e["fields_set"]["date"]["source"] == e["upgrade"]["source"]
        assert "confidence" in e["fields_set"]["date"]
    assert out.read_text().count("@inproceedings{") >= 20


def test_enrich_prefer_preprint_and_short_venues(env, tmp_path, capsys):
    out = tmp_path / "pre.bib"
    assert main(["enrich", str(EXAMPLE), "-o", str(out), "--prefer", "preprint", "--only", "arxiv,hf,s2,crossref,dblp"]) == 0
    assert "published version found (kept preprint)" in capsys.readouterr().err
    assert "@inproceedings{" not in out.read_text()
    short = tmp_path / "short.bib"
    assert main(["-q", "enrich", str(EXAMPLE), "-o", str(short), "--venue-style", "short",
                 "--only", "arxiv,hf,s2,crossref,dblp"]) == 0
    text = short.read_text()
    assert "booktitle = {{ICLR}}" in text and "booktitle = {{EMNLP}}" in text


def test_no_upgrade(env, tmp_path):
    out = tmp_path / "plain.bib"
    assert main(["-q", "build", str(EXAMPLE), "-o", str(out), "--no-tags", "--no-upgrade"]) == 0
    assert not env.s2.log and not env.dblp.log
    assert "@inproceedings{" not in out.read_text() or out.read_text().count("@inproceedings{") <= 2


@pytest.mark.parametrize("args", [["--only", "arxiv,semanticscholar"], ["--prefer", "latest"], ["--venue-style", "tiny"]])
def test_bad_options_are_usage_errors(args, tmp_path, capsys):
    try:
        code = main(["build", str(EXAMPLE), "-o", str(tmp_path / "x.bib")] + args)
    except SystemExit as exc:  # argparse's own choices
        code = exc.code
    assert code == ExitCode.USAGE
    assert not (tmp_path / "x.bib").exists()
    assert "Traceback" not in capsys.readouterr().err


def test_help_names_the_new_options_with_examples(capsys):
    with pytest.raises(SystemExit):
        main(["build", "--help"])
    text = capsys.readouterr().out
    for option in ("--prefer", "--venue-style", "--no-upgrade", "s2,crossref,dblp,openalex"):
        assert option in text
    assert "e.g. --venue-style short" in " ".join(text.split())


def test_rebuilding_from_the_output_changes_nothing_and_keeps_hand_edits(env, tmp_path):
    first, second = tmp_path / "a.bib", tmp_path / "b.bib"
    only = ["--only", "arxiv,hf,s2,crossref,dblp", "--no-tags", "-q"]
    assert main(["build", str(EXAMPLE), "-o", str(first)] + only) == 0
    assert main(["build", str(first), "-o", str(second)] + only) == 0
    text = first.read_text(encoding="utf-8")
    assert second.read_text(encoding="utf-8") == text  # upgraded entries are pinned now: nothing moves
    # a hand edit of a venue survives the next build, in the user's own file, backed up first
    edited = text.replace("booktitle = {International Conference on Learning Representations}",
                          "booktitle = {ICLR 2025 (oral)}", 1)
    second.write_text(edited, encoding="utf-8")
    assert main(["build", str(second), "-o", str(second)] + only) == 0
    assert "booktitle = {ICLR 2025 (oral)}" in second.read_text(encoding="utf-8")
    assert (tmp_path / "b.bib.bak").exists()


def _venues(text: str) -> dict[str, str]:
    """eprint -> the venue field of its entry (empty for a preprint)."""
    out = {}
    for block in text.split("\n\n"):
        m = re.search(r"eprint = \{([^}]+)\}", block)
        if m:
            venue = re.search(r"(?:booktitle|journal) = \{(.+)\},", block)
            out[m.group(1)] = venue.group(1) if venue else ""
    return out


def test_rebuilds_keep_offline_and_follow_prefer_online(env, tmp_path, monkeypatch):
    """The life cycle with the identity work's prior output and lock: an offline rebuild keeps the venues an
    online run found; a rebuild with --prefer preprint turns them back into preprints; and back again."""
    out = tmp_path / "refs.bib"
    only = ["--only", "arxiv,hf,s2,crossref,dblp", "--no-tags"]
    assert main(["-q", "build", str(EXAMPLE), "-o", str(out), *only]) == ExitCode.OK
    first = _venues(out.read_text())
    published = {k for k, v in first.items() if v}
    assert len(published) >= 28
    assert main(["-q", "build", str(EXAMPLE), "-o", str(out), "--offline", *only]) == ExitCode.OK
    assert _venues(out.read_text()) == first  # offline: what the online run found is kept
    assert main(["-q", "build", str(EXAMPLE), "-o", str(out), "--prefer", "preprint", *only]) == ExitCode.OK
    text = out.read_text()
    assert not any(v for v in _venues(text).values())  # every one a preprint again, no venue left behind
    assert "@inproceedings{" not in text and "@article{" not in text
    assert main(["-q", "build", str(EXAMPLE), "-o", str(out), *only]) == ExitCode.OK
    assert {k for k, v in _venues(out.read_text()).items() if v} == published
