"""The ``zotero-bridge`` command (zotero_bridge.cli) against the Zotero double."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time

import pytest

from bibkit.errors import ExitCode
from zotero_bridge.cli import main

from zotero_helpers import EXAMPLE, ROOT, fake_zotero  # noqa: F401 (fixture)

COLL = "Reading/HF trending"


@pytest.fixture
def zotero10(fake_zotero):
    """A Zotero 10 double the bridge is pointed at (``BIBKIT_ZOTERO_URL``)."""
    return fake_zotero("10")[0]


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(["--quiet", *argv] if "--report" not in argv and argv[0] not in ("status", "collections") else list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_dry_run_prints_the_plan_and_changes_nothing(zotero10, capsys):
    code, out, err = run(capsys, "sync", str(EXAMPLE), "--collection", COLL, "--tag", "hf", "--dry-run")
    assert code == ExitCode.OK
    lines = out.splitlines()
    assert lines[0].split() == ["#", "action", "entry", "zotero", "key", "matched", "by", "title", "details"]
    assert sum(1 for line in lines[2:] if line.split()[1] == "create") == 86
    assert "SpecialistGeneralistInstruction" in out  # keys assigned as convert does
    assert zotero10.write_requests() == [] and zotero10.items() == []


def test_sync_with_report_then_idempotent_rerun(zotero10, capsys, tmp_path):
    report = tmp_path / "report.json"
    code, out, err = run(capsys, "sync", str(EXAMPLE), "--collection", COLL, "--tag", "hf", "--report", str(report))
    assert code == ExitCode.OK, err
    assert out == ""  # data only on stdout; the summary goes to stderr
    assert "created" in err and "86" in err and "requests" in err
    data = json.loads(report.read_text())
    assert data["complete"] and data["counts"] == {"created": 86} and data["transport"] == "local"
    assert data["plan"]["items"][0]["status"] == "created" and len(data["plan"]["items"][0]["zotero_key"]) == 8
    assert zotero10.remembered_keys[0] not in report.read_text() + out + err  # the API key never shows
    code, out, err = run(capsys, "sync", str(EXAMPLE), "--collection", COLL, "--tag", "hf", "--report", str(report))
    assert code == ExitCode.OK
    data = json.loads(report.read_text())
    assert data["counts"] == {"unchanged": 86} and data["requests"]["writes"] == 0


def test_sync_problems_exit_6_with_the_remedy(fake_zotero, capsys, tmp_path):
    fake_zotero("9")
    report = tmp_path / "r.json"
    code, out, err = run(capsys, "sync", str(EXAMPLE), "--collection", COLL, "--report", str(report))
    assert code == ExitCode.ZOTERO
    assert "does not exist in Zotero" in err and "create it in Zotero" in err
    data = json.loads(report.read_text())
    assert data["complete"] is False
    # the summary says the shared cause once for all 86 entries (the report keeps one line per entry)
    notes = [line for line in err.splitlines() if line.startswith("  - ")]
    assert len(notes) <= 4, err
    assert any(line.startswith("  - 86 entries blocked: collection 'Reading/HF trending' is missing") and
               line.endswith(", …)") for line in notes), err
    assert sum(1 for line in data["problems"] if ": blocked: " in line) == 86


def test_unreachable_zotero_exits_6(capsys, tmp_path):
    # tests/conftest.py points BIBKIT_ZOTERO_URL at a closed port
    code, out, err = run(capsys, "sync", str(EXAMPLE), "--collection", COLL, "--report", str(tmp_path / "r.json"))
    assert code == ExitCode.ZOTERO and "is Zotero running" in err
    assert json.loads((tmp_path / "r.json").read_text())["complete"] is False
    code, out, err = run(capsys, "status")
    assert code == ExitCode.ZOTERO and "not reachable" in out and "Start Zotero" in out


def test_export_and_collections(zotero10, capsys, tmp_path):
    assert run(capsys, "sync", str(EXAMPLE), "--collection", COLL)[0] == ExitCode.OK
    out_file = tmp_path / "out.bib"
    code, out, err = run(capsys, "export", "--collection", COLL, "-o", str(out_file))
    assert code == ExitCode.OK
    text = out_file.read_text(encoding="utf-8")
    assert text.count("\n@") + text.startswith("@") == 86 and "SpecialistGeneralistInstruction" in text
    code, out, err = run(capsys, "export", "--collection", COLL, "-o", "-", "--to", "biblatex")
    assert code == ExitCode.OK and len(re.findall(r"^@misc\{", out, re.MULTILINE)) == 86  # biblatex @misc
    code, out, err = run(capsys, "collections")
    assert code == ExitCode.OK
    rows = [line.split("  ") for line in out.splitlines()[2:]]
    assert [r[0] for r in rows] == ["Reading", "Reading/HF trending"]
    assert "86" in out.splitlines()[3]
    code, out, err = run(capsys, "collections", "--json")
    assert {c["path"]: c["items"] for c in json.loads(out)} == {"Reading": 0, "Reading/HF trending": 86}


def test_status(capsys, fake_zotero):
    fake_zotero("9", local_api=False)
    code, out, err = run(capsys, "status")
    assert code == ExitCode.OK
    assert "9.0.6" in out and "local API:  off" in out and "sync via:   connector" in out
    assert "Allow other applications on this computer to communicate with Zotero" in out
    code, out, err = run(capsys, "status", "--json")
    data = json.loads(out)
    assert data["transports"] == ["connector"] and data["local_api"] == "disabled"
    z, _ = fake_zotero("10")
    code, out, err = run(capsys, "status")
    assert "on (reads and writes)" in out and "sync via:   local, connector (default: local)" in out
    assert z.server_id in out


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_fake_server_command(tmp_path):
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "zotero_bridge.cli", "fake-server", "--zotero-version", "8",
                             "--port", str(port), "--db", str(tmp_path / "z.sqlite"), "--no-local-api"],
                            cwd=ROOT, env=env, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                time.sleep(0.1)
        status = subprocess.run([sys.executable, "-m", "zotero_bridge.cli", "--zotero-url", f"http://127.0.0.1:{port}",
                                 "status", "--json"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
        data = json.loads(status.stdout)
        assert data["version"] == "8.0.5" and data["local_api"] == "disabled" and data["connector"]
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
    assert proc.returncode == 0
    assert (tmp_path / "z.sqlite").exists()


@pytest.mark.parametrize("local_api", [True, False], ids=["local-api-on", "local-api-off"])
def test_a_blocked_dry_run_exits_like_the_real_run(fake_zotero, capsys, local_api):
    """#14: Zotero 8 cannot create a collection from outside: the real run exits 6, so does the dry run —
    whether the library is readable (local API on) or only the connector answers."""
    z, _ = fake_zotero("8", local_api=local_api)
    code, out, err = run(capsys, "sync", str(EXAMPLE), "--collection", "Not/There", "--dry-run")
    assert code == ExitCode.ZOTERO
    assert "blocked" in out and "is missing (create it in Zotero first)" in out
    assert z.items() == [] and z.write_requests() == []
    code, _, _ = run(capsys, "sync", str(EXAMPLE), "--collection", "Not/There")
    assert code == ExitCode.ZOTERO and z.items() == []
    z.add_collection("Not/There")
    assert run(capsys, "sync", str(EXAMPLE), "--collection", "Not/There", "--dry-run")[0] == ExitCode.OK
    assert run(capsys, "sync", str(EXAMPLE), "--collection", "Not/There")[0] == ExitCode.OK


def test_sync_takes_several_inputs_as_one_bibliography(zotero10, capsys, tmp_path):
    """#14: sync reads any number of inputs, like every bibkit command (duplicates across them merged)."""
    a, b = tmp_path / "a.bib", tmp_path / "b.bib"
    a.write_text("@article{one, title = {First Paper}, author = {Doe, Jane}, year = 2020, doi = {10.1000/one}}\n"
                 "@article{two, title = {Second Paper}, author = {Roe, Rick}, year = 2021}\n", encoding="utf-8")
    b.write_text("@article{one, title = {First Paper}, author = {Doe, Jane}, year = 2020, doi = {10.1000/ONE}}\n"
                 "@misc{three, title = {Third Paper}, author = {Poe, Pat}, year = 2022}\n", encoding="utf-8")
    report = tmp_path / "r.json"
    code, _, err = run(capsys, "sync", str(a), str(b), "--collection", "Two/Files", "--report", str(report))
    assert code == ExitCode.OK, err
    data = json.loads(report.read_text())
    assert data["inputs"] == [str(a), str(b)] and data["counts"] == {"created": 3}
    titles = sorted(i["title"] for i in zotero10.items() if i["itemType"] != "attachment")
    assert titles == ["First Paper", "Second Paper", "Third Paper"]
