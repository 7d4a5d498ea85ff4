"""``bibkit services``: started as a user would (a subprocess), its printed variables point at real
servers that answer, bibkit runs offline against them, and SIGTERM/Ctrl-C stop it cleanly."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from bibkit.cli import COMMANDS, main
from bibkit.errors import ExitCode
from bibkit.testing.services import DOUBLES, DoubleSpec, env_lines, register_double, start_doubles, stop_doubles

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "hf-trending-papers.txt"


def _start(*args: str) -> tuple[subprocess.Popen[str], dict[str, str]]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "bibkit", "services", *args], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    variables: dict[str, str] = {}
    while "BIBKIT_CACHE_DIR" not in variables:
        line = proc.stdout.readline()
        assert line, proc.stderr.read()
        m = re.match(r"export (\w+)=(\S+)$", line.strip())
        assert m, line
        variables[m.group(1)] = m.group(2)
    return proc, variables


def _stop(proc: subprocess.Popen[str], sig: int = signal.SIGTERM) -> str:
    proc.send_signal(sig)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:  # pragma: no cover - a hang is the failure being tested
        proc.kill()
        raise
    return proc.stderr.read()


def test_services_start_serve_and_stop_cleanly(tmp_path):
    proc, env = _start()
    try:
        assert set(env) == {"BIBKIT_ARXIV_URL", "BIBKIT_ARXIV_DELAY", "BIBKIT_HF_URL", "BIBKIT_GITHUB_URL",
                            "BIBKIT_CACHE_DIR",
                            # the published-version doubles (issue 13)
                            "BIBKIT_S2_URL", "BIBKIT_S2_DELAY", "BIBKIT_CROSSREF_URL", "BIBKIT_CROSSREF_DELAY",
                            "BIBKIT_DBLP_URL",
                            "BIBKIT_DBLP_DELAY",
                            # OpenAlex too: a user with OPENALEX_API_KEY set never reaches the real one
                            "BIBKIT_OPENALEX_URL",
                            # OpenReview links resolve to their papers (the double's notes of the example's papers)
                            "BIBKIT_OPENREVIEW_URL", "BIBKIT_OPENREVIEW_V1_URL", "BIBKIT_OPENREVIEW_DELAY"}
        assert all(env[v].startswith("http://127.0.0.1:") for v in env if v.endswith("_URL"))
        feed = urllib.request.urlopen(env["BIBKIT_ARXIV_URL"] + "?search_query=ti:mixture&max_results=1",
                                      timeout=10).read().decode()
        assert "<feed" in feed and "<entry>" in feed
        papers = json.loads(urllib.request.urlopen(env["BIBKIT_HF_URL"] + "/api/papers/search?q=mixture",
                                                   timeout=10).read())
        assert papers and "paper" in papers[0]
        repo = json.loads(urllib.request.urlopen(env["BIBKIT_GITHUB_URL"] + "/repos/ZhenweiAn/DynMoE",
                                                 timeout=10).read())
        assert repo["full_name"] == "ZhenweiAn/DynMoE"
        works = json.loads(urllib.request.urlopen(env["BIBKIT_OPENALEX_URL"] + "/works?filter=doi:10.48550/arXiv.2401.04088&api_key=any",
                                                  timeout=10).read())
        assert "results" in works
        notes = json.loads(urllib.request.urlopen(env["BIBKIT_OPENREVIEW_URL"] + "/notes", timeout=10).read())
        one = notes["notes"][0]["id"]
        note = json.loads(urllib.request.urlopen(env["BIBKIT_OPENREVIEW_URL"] + f"/notes?id={one}", timeout=10).read())
        assert note["notes"][0]["id"] == one
        # bibkit itself, pointed at them by the printed variables: GitHub repositories resolve offline
        run = subprocess.run([sys.executable, "-m", "bibkit", "repos", str(EXAMPLE), "--format", "json"],
                             cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT), **env}, capture_output=True,
                             text=True, timeout=120)
        assert run.returncode == 0, run.stderr
        rows = json.loads(run.stdout)
        assert sum(1 for r in rows if r.get("status") in ("ok", "renamed")) >= 15
        assert Path(env["BIBKIT_CACHE_DIR"]).is_dir()
    finally:
        err = _stop(proc)
    assert proc.returncode == 0, err
    assert "arxiv" in err and "stopped" in err
    # one aligned line per double: its URL starts in the same column whatever its name's length (crossref…)
    rows = [line for line in err.splitlines() if "http://127.0.0.1:" in line]
    assert len(rows) == 8 and len({line.index("http://") for line in rows}) == 1, err  # (8th: OpenReview)
    assert not Path(env["BIBKIT_CACHE_DIR"]).exists()  # the temporary cache goes with them
    for var in ("BIBKIT_HF_URL", "BIBKIT_GITHUB_URL"):
        port = int(env[var].rsplit(":", 1)[1])
        with pytest.raises(OSError):
            socket.create_connection(("127.0.0.1", port), timeout=1).close()


def test_only_port_format_and_env_file(tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env_file = tmp_path / "doubles.env"
    proc, env = _start("--only", "hf", "--port", str(port), "--env-file", str(env_file))
    try:
        assert env["BIBKIT_HF_URL"] == f"http://127.0.0.1:{port}" and "BIBKIT_ARXIV_URL" not in env
        assert env_file.read_text().splitlines() == [f"export BIBKIT_HF_URL=http://127.0.0.1:{port}",
                                                     f"export BIBKIT_CACHE_DIR={env['BIBKIT_CACHE_DIR']}"]
    finally:
        assert _stop(proc, signal.SIGINT) is not None
    assert proc.returncode == 0
    assert list(env_lines({"A": "x y"}, "fish")) == ["set -gx A 'x y'"]
    assert list(env_lines({"A": "1"}, "json")) == ['{"A": "1"}']


def test_list_unknown_names_and_busy_ports(capsys):
    assert main(["services", "--list"]) == ExitCode.OK
    out = capsys.readouterr().out
    assert [line.split()[0] for line in out.splitlines()] == list(DOUBLES)
    assert len({line.index(line.split()[1]) for line in out.splitlines()}) == 1  # descriptions aligned
    # its line in `bibkit --help` names every service it has a double of, not only the first three
    line = COMMANDS["services"].help
    assert all(name in line for name in ("arXiv", "Hugging Face", "GitHub", "Semantic Scholar", "Crossref", "DBLP",
                                         "OpenAlex", "OpenReview")), line
    assert main(["services", "--only", "zenodo"]) == ExitCode.USAGE  # (crossref has a double since issue 13)
    assert "unknown double 'zenodo'" in capsys.readouterr().err
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        assert main(["services", "--only", "hf", "--port", str(busy.getsockname()[1])]) == ExitCode.USAGE
    assert "cannot listen on port" in capsys.readouterr().err


def test_a_registered_double_is_started_like_the_shipped_ones():
    from bibkit.testing.server import LocalServer, Reply

    class Echo(LocalServer):
        def handle(self, request):
            return Reply.text("pong")

    spec = register_double(DoubleSpec("echo", "a test double", lambda h, p: Echo(h, p).start(),
                                      lambda s: {"BIBKIT_ECHO_URL": s.url}))
    try:
        (running,) = start_doubles(["echo"])
        try:
            assert urllib.request.urlopen(running.env["BIBKIT_ECHO_URL"], timeout=5).read() == b"pong"
        finally:
            stop_doubles([running])
    finally:
        DOUBLES.pop(spec.name)


def test_fake_zotero_server_removes_its_temporary_profile_on_sigterm(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TMPDIR": str(tmp_path)}
    proc = subprocess.Popen([sys.executable, "-m", "zotero_bridge.cli", "fake-server", "--port", "0"], cwd=ROOT,
                            env=env, stderr=subprocess.PIPE, text=True)
    line = proc.stderr.readline()
    assert re.search(r"listening on http://127\.0\.0\.1:[1-9]\d*", line), line
    assert list(tmp_path.glob("fake-zotero-*"))
    _stop(proc)
    assert proc.returncode == 0 and not list(tmp_path.glob("fake-zotero-*"))
