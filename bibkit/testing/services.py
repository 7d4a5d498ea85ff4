"""Run the shipped service doubles together, so anyone can try ``build``/``enrich``/``repos`` offline.

``bibkit services`` is a thin layer over :func:`start_doubles`: each double in
:data:`DOUBLES` starts on 127.0.0.1 and is described by the environment
variables that point bibkit at it (``BIBKIT_ARXIV_URL=…``).  The doubles answer
from the synthetic corpus behind the example listing
(``bibkit/testing/corpus``) and the example's GitHub repositories, so
``bibkit build examples/hf-trending-papers.txt`` resolves against them exactly
as the tests do.

The list is data: a new double (Crossref, Semantic Scholar, DBLP…) is one
:class:`DoubleSpec` added with :func:`register_double` (or a line in
:data:`DOUBLES`), and ``bibkit services`` starts it, prints its variables and
offers it to ``--only``.
"""

from __future__ import annotations

import json
import shlex
import signal
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, Iterator, Sequence

from .server import LocalServer

if TYPE_CHECKING:
    from .scholarly import ScholarlyWorld

__all__ = ["DoubleSpec", "RunningDouble", "DOUBLES", "register_double", "start_doubles", "env_lines",
           "FORMATS", "wait_for_stop", "stop_on_signals", "stop_doubles"]


@dataclass(frozen=True)
class DoubleSpec:
    """How to run one double: ``start(host, port)`` returns it started; ``env(server)`` the variables
    (name → value) that point bibkit at it."""

    name: str
    description: str
    start: Callable[[str, int], LocalServer]
    env: Callable[[LocalServer], dict[str, str]]


@dataclass
class RunningDouble:
    spec: DoubleSpec
    server: LocalServer
    env: dict[str, str] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return self.server.url


def _corpus():  # one corpus shared by the arXiv and Hugging Face doubles, loaded once
    from .corpus import load_corpus

    return load_corpus()


def _arxiv(host: str, port: int) -> LocalServer:
    from .arxiv import ArxivDouble

    return ArxivDouble(_corpus(), host=host, port=port).start()


def _hf(host: str, port: int) -> LocalServer:
    from .hf import HfDouble

    return HfDouble(_corpus(), host=host, port=port).start()


def _github(host: str, port: int) -> LocalServer:
    from .github import GitHubDouble

    return GitHubDouble.from_example(host=host, port=port).start()


_worlds: list[ScholarlyWorld] = []


def _world() -> ScholarlyWorld:  # one published-version world (the corpus plus its invented publications) for all three doubles
    from .scholarly import ScholarlyWorld

    if not _worlds:
        _worlds.append(ScholarlyWorld(_corpus()))
    return _worlds[0]


def _s2(host: str, port: int) -> LocalServer:
    from .s2 import S2Double

    return S2Double(_world(), host=host, port=port).start()


def _crossref(host: str, port: int) -> LocalServer:
    from .crossref import CrossrefDouble

    return CrossrefDouble(_world(), host=host, port=port).start()


def _dblp(host: str, port: int) -> LocalServer:
    from .dblp import DblpDouble

    return DblpDouble(_world(), host=host, port=port).start()


def _openalex(host: str, port: int) -> LocalServer:
    from .openalex import OpenAlexDouble

    return OpenAlexDouble(_world(), host=host, port=port).start()


def _openreview(host: str, port: int) -> LocalServer:
    from .openreview import OpenReviewDouble

    return OpenReviewDouble(_corpus(), host=host, port=port).start()


#: the doubles ``bibkit services`` runs, in order (name → spec)
DOUBLES: dict[str, DoubleSpec] = {}


def register_double(spec: DoubleSpec) -> DoubleSpec:
    """Add (or replace) a double ``bibkit services`` runs."""
    DOUBLES[spec.name] = spec
    return spec


register_double(DoubleSpec(
    "arxiv", "arXiv API (the synthetic corpus: every paper of the example listing that is on arXiv)", _arxiv,
    # the double does not rate-limit: no need for arXiv's 3 s between requests
    lambda s: {"BIBKIT_ARXIV_URL": f"{s.url}/api/query", "BIBKIT_ARXIV_DELAY": "0"}))
register_double(DoubleSpec(
    "hf", "Hugging Face papers API (search, paper pages, daily papers)", _hf,
    lambda s: {"BIBKIT_HF_URL": s.url}))
register_double(DoubleSpec(
    "github", "GitHub REST and GraphQL API (the example's repositories, one renamed, one deleted)", _github,
    lambda s: {"BIBKIT_GITHUB_URL": s.url}))
# published versions (issue 13): the example's papers and the publications invented for them, traps included
register_double(DoubleSpec(
    "s2", "Semantic Scholar Graph API (paper batch; the published versions of the example's papers)", _s2,
    lambda s: {"BIBKIT_S2_URL": f"{s.url}/graph/v1", "BIBKIT_S2_DELAY": "0"}))
register_double(DoubleSpec(
    "crossref", "Crossref REST API (works by DOI, relations, bibliographic search, agencies)", _crossref,
    # the double announces Crossref's public pool (5 a second) but does not enforce it: no need to wait 0.2 s a
    # request (the example's 60 lookups took 12 s of a 13 s offline try)
    lambda s: {"BIBKIT_CROSSREF_URL": s.url, "BIBKIT_CROSSREF_DELAY": "0"}))
register_double(DoubleSpec(
    "dblp", "DBLP publication search (CoRR copies next to the published records)", _dblp,
    lambda s: {"BIBKIT_DBLP_URL": s.url, "BIBKIT_DBLP_DELAY": "0"}))
# asked only when OPENALEX_API_KEY is set (any value does for the double): pointing bibkit here keeps a user
# who has a key from reaching the real OpenAlex while trying everything offline
register_double(DoubleSpec(
    "openalex", "OpenAlex works API (asked only with OPENALEX_API_KEY set; the double takes any key)", _openalex,
    lambda s: {"BIBKIT_OPENALEX_URL": s.url}))
register_double(DoubleSpec(
    "openreview", "OpenReview notes API (v2 and v1 notes of some example papers: accepted, submitted, withdrawn, "
    "TMLR; GET /notes lists them)", _openreview,
    # one double serves both APIs' notes: v1's URL is the same server (so the v1 fallback never leaves it)
    lambda s: {"BIBKIT_OPENREVIEW_URL": s.url, "BIBKIT_OPENREVIEW_V1_URL": s.url, "BIBKIT_OPENREVIEW_DELAY": "0"}))


def start_doubles(names: Sequence[str] | None = None, *, host: str = "127.0.0.1",
                  port: int = 0) -> list[RunningDouble]:
    """Start the named doubles (all when ``None``), on ``port``, ``port + 1``… (``0``: free ports).

    On a failure the ones already started are stopped and the error is raised (``OSError`` for a
    port in use, ``KeyError`` for an unknown name).
    """
    chosen = list(DOUBLES) if names is None else list(names)
    unknown = [n for n in chosen if n not in DOUBLES]
    if unknown:
        raise KeyError(f"unknown double {unknown[0]!r} (known: {', '.join(DOUBLES)})")
    running: list[RunningDouble] = []
    try:
        for i, name in enumerate(chosen):
            spec = DOUBLES[name]
            server = spec.start(host, port + i if port else 0)
            running.append(RunningDouble(spec, server, spec.env(server)))
    except BaseException:
        stop_doubles(running)
        raise
    return running


def stop_doubles(running: Sequence[RunningDouble]) -> None:
    for r in reversed(running):
        r.server.stop()


#: the shells (and formats) :func:`env_lines` writes for
FORMATS = ("sh", "fish", "powershell", "json")


def env_lines(env: dict[str, str], fmt: str = "sh") -> Iterator[str]:
    """Lines setting ``env`` in a shell (``eval "$(bibkit services …)"`` style), or one JSON object."""
    if fmt == "json":
        yield json.dumps(env)
        return
    for name, value in env.items():
        if fmt == "sh":
            yield f"export {name}={shlex.quote(value)}"
        elif fmt == "fish":
            yield f"set -gx {name} {shlex.quote(value)}"
        elif fmt == "powershell":
            yield f"$env:{name} = '{value}'"
        else:
            raise ValueError(f"unknown format {fmt!r} (expected one of {', '.join(FORMATS)})")


@contextmanager
def stop_on_signals(stop: threading.Event) -> Iterator[threading.Event]:
    """While inside, SIGTERM and SIGHUP set ``stop`` (as Ctrl-C ends the wait), so a ``kill`` or a closed
    terminal ends a server as cleanly as Ctrl-C does: temporary files removed, ports released."""
    previous = {}
    if threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGTERM, getattr(signal, "SIGHUP", None)):
            if sig is not None:
                previous[sig] = signal.signal(sig, lambda *_: stop.set())
    try:
        yield stop
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def wait_for_stop(stop: threading.Event | None = None) -> None:
    """Block until Ctrl-C, SIGTERM or SIGHUP (or until ``stop`` is set)."""
    stop = stop or threading.Event()
    with stop_on_signals(stop):
        try:
            while not stop.wait(0.2):
                pass
        except KeyboardInterrupt:
            pass
