"""The Zotero key stays home (#10): loopback only, no redirects followed, keys bound to their origin,
and answers cut short are errors of one line on every ``zotero-bridge`` command, never tracebacks."""

from __future__ import annotations

import json
import socket

import pytest

from bibkit.config import load_settings
from bibkit.errors import ExitCode
from bibkit.testing.server import LocalServer, Reply, Request
from zotero_bridge import sync
from zotero_bridge.cli import main
from zotero_bridge.keystore import FILE_NAME, KeyStore, origin_of
from zotero_bridge.testing import FakeZotero
from zotero_bridge.transport import RemoteZoteroRefused, ZoteroHttp, check_loopback, is_loopback

from zotero_helpers import EXAMPLE, arxiv_paper, fake_zotero  # noqa: F401 (fixture)

COLL = "Reading/MoE"


class Recorder(LocalServer):
    """Another origin on this machine: records whatever reaches it."""

    def handle(self, request: Request) -> Reply:
        return Reply.json({"successful": {}, "success": {}, "unchanged": {}, "failed": {}})


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    assert "Traceback" not in out.err
    return code, out.out, out.err


# --------------------------------------------------------------------------- loopback only


@pytest.mark.parametrize("host,ok", [
    ("127.0.0.1", True), ("127.8.9.10", True), ("localhost", True), ("LOCALHOST.", True), ("::1", True),
    ("[::1]", True), ("::ffff:127.0.0.1", True), ("zotero.localhost", True),
    ("10.0.0.5", False), ("0.0.0.0", False), ("192.168.1.20", False), ("zotero-box", False),
    ("127.0.0.1.nip.io", False), ("::ffff:10.0.0.1", False), ("", False),
])
def test_what_counts_as_loopback(host, ok):
    assert is_loopback(host) is ok


def test_a_remote_zotero_url_is_refused_before_any_connection(capsys, monkeypatch):
    monkeypatch.setenv("BIBKIT_ZOTERO_URL", "http://zotero.invalid:23119")
    code, out, err = run(capsys, "status")
    assert code == ExitCode.ZOTERO
    (line,) = err.strip().splitlines()
    assert "refusing to talk to Zotero at http://zotero.invalid:23119" in line and "--allow-remote" in line
    with pytest.raises(RemoteZoteroRefused):
        sync([arxiv_paper(1)], COLL, settings=load_settings())
    with pytest.raises(RemoteZoteroRefused):
        check_loopback("https://192.0.2.7:443")


def _own_address() -> str | None:
    """A non-loopback address of this machine that a server bound to 0.0.0.0 answers on."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.connect(("192.0.2.1", 9))  # no packet is sent: this only picks the outgoing interface
            address = s.getsockname()[0]
    except OSError:
        return None
    return None if address.startswith("127.") or address == "0.0.0.0" else address


def test_allow_remote_lets_a_user_reach_zotero_through_another_address(capsys, monkeypatch):
    address = _own_address()
    if address is None:
        pytest.skip("this machine has no non-loopback address to play the remote end of a tunnel")
    with FakeZotero(version="10", host="0.0.0.0") as z:
        monkeypatch.setenv("BIBKIT_ZOTERO_URL", f"http://{address}:{z.port}")
        assert run(capsys, "status")[0] == ExitCode.ZOTERO  # refused without the opt-in
        code, out, err = run(capsys, "--allow-remote", "status")
        assert code == ExitCode.OK and z.server_id in out
        monkeypatch.setenv("BIBKIT_ZOTERO_ALLOW_REMOTE", "1")
        assert run(capsys, "status")[0] == ExitCode.OK
        # Zotero only accepts a loopback Host header: the bridge sends one through the tunnel
        assert all(r.header("Host") == f"127.0.0.1:{z.port}" for r in z.request_log)


# --------------------------------------------------------------------------- redirects


def test_a_redirect_to_another_port_never_receives_the_key_or_the_items(fake_zotero, capsys):
    with Recorder() as thief:
        z, settings = fake_zotero("10")
        z.fault("/api/users/0/items", "POST", f"redirect:{thief.url}/api/users/0/items", times=None)
        result = sync([arxiv_paper(1)], COLL, settings=settings)
        assert not result.complete and "redirect" in (result.error or "")
        assert thief.log == []  # neither the key nor the library data went there
    assert z.items() == []


def test_a_redirected_read_is_not_followed(fake_zotero, capsys):
    with Recorder() as elsewhere:
        z, settings = fake_zotero("10")
        z.fault("/connector/ping", None, f"redirect:{elsewhere.url}/connector/ping", times=None)
        code, out, err = run(capsys, "status")
        assert code == ExitCode.ZOTERO and "redirect" in out + err
        assert elsewhere.log == []


# --------------------------------------------------------------------------- the key is bound to its origin


def test_a_key_is_only_sent_to_the_origin_that_granted_it(fake_zotero, isolated_env):
    home, settings = fake_zotero("10", authorize="always")
    assert sync([arxiv_paper(1)], COLL, settings=settings).complete
    key = home.remembered_keys[0]
    stored = json.loads((isolated_env / "config" / FILE_NAME).read_text())["keys"][home.server_id]
    assert stored["origin"] == origin_of(home.url)
    # another server on this machine claims the same Server-ID: it must ask for its own key
    impostor, other = fake_zotero("10", authorize="always", server_id=home.server_id)
    assert sync([arxiv_paper(2)], COLL, settings=other).complete
    assert impostor.authorize_prompts == ["zotero_bridge"]
    assert all(r.header("Zotero-API-Key") != key for r in impostor.request_log)
    # and back home, the home key is still used without asking
    assert sync([arxiv_paper(3)], COLL, settings=settings).complete
    assert home.authorize_prompts == ["zotero_bridge"]


def test_keystore_binding_rules(tmp_path):
    store = KeyStore(tmp_path)
    store.put("SID", "k1", zotero_url="http://localhost:23119")
    assert store.get("SID", "http://127.0.0.1:23119") == "k1"  # localhost and 127.0.0.1 are one host
    assert store.get("SID", "http://127.0.0.1:23119/") == "k1"
    assert store.get("SID", "http://127.0.0.1:23120") is None
    assert store.get("SID", "https://127.0.0.1:23119") is None
    assert store.get("OTHER", "http://127.0.0.1:23119") is None
    # a record written before keys were bound (no origin, no url) is never handed out
    data = json.loads(store.path.read_text())
    data["keys"]["OLD"] = {"key": "k0", "app": "zotero_bridge"}
    store.path.write_text(json.dumps(data))
    assert store.get("OLD", "http://127.0.0.1:23119") is None


# --------------------------------------------------------------------------- answers cut short


@pytest.mark.parametrize("argv", [
    ["status"], ["collections"], ["export", "--collection", COLL, "-o", "-"],
    ["tag", "--collection", COLL, "--rules", str(EXAMPLE.parent / "tags.toml")],
    ["sync", str(EXAMPLE), "--collection", COLL],
])
def test_every_command_survives_answers_cut_short(fake_zotero, capsys, tmp_path, argv):
    z, settings = fake_zotero("10", collections=(COLL,))
    z.fault("/", None, "truncate", times=None)
    report = ["--report", str(tmp_path / "r.json")] if argv[0] == "sync" else []
    code, out, err = run(capsys, "--quiet", *argv, *report)
    assert code == ExitCode.ZOTERO
    assert "Content-Length" in out + err and "could not be read" in out + err
    if report:
        assert json.loads((tmp_path / "r.json").read_text())["complete"] is False


def test_a_write_whose_answer_is_cut_short_is_checked_not_repeated(fake_zotero):
    z, settings = fake_zotero("10")
    z.fault("/api/users/0/items", "POST", "truncate")  # applied, then the answer breaks off
    result = sync([arxiv_paper(1), arxiv_paper(2)], COLL, settings=settings)
    # the outcome was unknown, so the bridge read the library back instead of sending the items again
    assert result.complete and len(z.items()) == 2
    assert [r.method for r in z.request_log if r.path == "/api/users/0/items"][:2] == ["POST", "GET"]
    again = sync([arxiv_paper(1), arxiv_paper(2)], COLL, settings=settings)
    assert again.complete and len(z.items()) == 2


def test_zotero_http_refuses_at_construction(monkeypatch):
    monkeypatch.setenv("BIBKIT_ZOTERO_URL", "http://10.11.12.13:23119")
    with pytest.raises(RemoteZoteroRefused):
        ZoteroHttp(load_settings())
    assert ZoteroHttp(load_settings(zotero_allow_remote=True)).base_url == "http://10.11.12.13:23119"
