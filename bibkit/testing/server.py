"""A tiny threaded HTTP server base for the service doubles, with fault injection.

Each double subclasses :class:`LocalServer` and implements :meth:`handle`,
which gets a parsed :class:`Request` and returns a :class:`Reply` (or ``None`` to
drop the connection without answering, as some real servers do).  The server
records every request it received in :attr:`LocalServer.log`, so tests assert on
what the client actually sent (counts, headers, timing), not on mocks.

Outages are injected with :meth:`LocalServer.inject`, for every double alike
(arXiv, Hugging Face, GitHub and the independent test doubles), on the wire:

``"503"`` (any status)
    answer that status (``retry_after`` adds a ``Retry-After`` header);
``"hang"``
    read the request and never answer (until ``seconds`` pass or the server stops);
``"drop"``
    close the connection without a byte;
``"truncate"``
    the double's real answer, cut: ``Content-Length`` promises the whole body,
    half of it is sent, then the connection closes;
``"stall"``
    the double's real answer, stalled: headers and half the body are sent,
    then nothing more (until ``seconds`` pass or the server stops);
``"garbage"``
    200 with the double's usual content type and an HTML error page as the body
    (what a proxy or a captive portal sends);
``"binary"``
    200 with the double's usual content type and random bytes as the body;
``"redirect"``
    307 to ``location`` (another origin), nothing served here.

``after`` healthy matching requests come first (a service that goes down
mid-run); ``times`` bounds how often the fault fires (``None``: for ever).
"""

from __future__ import annotations

import json as _json
import random
import socket
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Mapping
from urllib.parse import parse_qs, urlsplit


@dataclass
class Request:
    """One request as the double saw it."""

    method: str
    path: str  # without query string
    query: dict[str, list[str]]  # parsed query string (keep_blank_values)
    headers: dict[str, str]  # original case kept; use header() for lookups
    body: bytes
    time: float  # time.monotonic() when received
    raw_query: str = ""

    def header(self, name: str, default: str | None = None) -> str | None:
        lname = name.lower()
        for k, v in self.headers.items():
            if k.lower() == lname:
                return v
        return default

    def arg(self, name: str, default: str | None = None) -> str | None:
        values = self.query.get(name)
        return values[0] if values else default

    def form(self) -> dict[str, list[str]]:
        return parse_qs(self.body.decode("utf-8"), keep_blank_values=True)

    def json(self) -> Any:
        return _json.loads(self.body.decode("utf-8"))


@dataclass
class Reply:
    """What the double answers.  ``body`` may be str, bytes, or a JSON-able object (with ``json=True``)."""

    status: int = 200
    body: Any = b""
    headers: Mapping[str, str] = field(default_factory=dict)
    content_type: str | None = None
    delay: float = 0.0  # seconds to wait before answering (slow-server faults)
    reason: str | None = None
    http10: bool = False  # answer as HTTP/1.0 without Content-Length (Zotero's style), close after body
    truncate: bool = False  # promise the whole body in Content-Length, send half, close (a cut-off answer)
    stall: float = 0.0  # like truncate, but hold the connection open this long before closing it

    @classmethod
    def json(cls, data: Any, status: int = 200, headers: Mapping[str, str] | None = None, indent: int | None = None) -> "Reply":
        return cls(status, _json.dumps(data, indent=indent, ensure_ascii=False).encode("utf-8"), dict(headers or {}), "application/json; charset=utf-8")

    @classmethod
    def text(cls, text: str, status: int = 200, headers: Mapping[str, str] | None = None, content_type: str = "text/plain; charset=utf-8") -> "Reply":
        return cls(status, text.encode("utf-8"), dict(headers or {}), content_type)


FAULT_KINDS = ("hang", "drop", "truncate", "stall", "garbage", "binary", "redirect")  # plus any HTTP status, e.g. "503"

_GARBAGE = (b"<!DOCTYPE html>\n<html><head><title>Service Temporarily Unavailable</title></head>\n"
            b"<body><h1>We'll be back soon</h1><p>Our engineers are on it. Reference #18.7d2e3b17</p>"
            b"<script>window.location.reload()</script></body></html>\n")


@dataclass
class Fault:
    """One injected outage (see the module docstring for the kinds)."""

    kind: str
    path: str = ""  # only requests whose path starts with this
    method: str | None = None
    after: int = 0  # healthy matching requests before the fault starts
    times: int | None = None  # how many requests it hits; None = every one from then on
    retry_after: str | None = None
    location: str | None = None
    seconds: float = 60.0  # how long a hang lasts at most
    seen: int = 0  # matching requests so far
    fired: int = 0  # requests the fault hit

    def take(self, request: Request) -> bool:
        """Whether this fault hits ``request`` (counting it either way)."""
        if not request.path.startswith(self.path) or (self.method and request.method != self.method):
            return False
        self.seen += 1
        if self.seen <= self.after or (self.times is not None and self.fired >= self.times):
            return False
        self.fired += 1
        return True


class _Handler(BaseHTTPRequestHandler):
    server: "_Server"
    protocol_version = "HTTP/1.1"
    # headers and body go out as separate writes; with Nagle on, a keep-alive client's
    # delayed ACK stalls every answer by ~40 ms
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet
        pass

    def _dispatch(self) -> None:
        owner = self.server.owner
        parts = urlsplit(self.path)
        length = self.headers.get("Content-Length")
        body = b""
        if length and length.isdigit():
            body = self.rfile.read(int(length))
        elif (self.headers.get("Transfer-Encoding") or "").lower() == "chunked":
            body = _read_chunked(self.rfile)
        req = Request(
            method=self.command,
            path=parts.path,
            query=parse_qs(parts.query, keep_blank_values=True),
            headers={k: v for k, v in self.headers.items()},
            body=body,
            time=time.monotonic(),
            raw_query=parts.query,
        )
        with owner._lock:
            owner.log.append(req)
            fault = next((f for f in owner.injected if f.take(req)), None)
        if fault is not None and fault.kind == "hang":
            owner._stopping.wait(fault.seconds)
            reply = None
        elif fault is not None and fault.kind == "drop":
            reply = None
        elif fault is not None and fault.kind == "redirect":
            reply = Reply(307, b"", {"Location": fault.location or "http://127.0.0.1:9/"})
        elif fault is not None and fault.kind.isdigit():
            status = int(fault.kind)
            reply = Reply.json({"error": f"injected HTTP {status}"}, status,
                               headers={"Retry-After": fault.retry_after} if fault.retry_after else None)
        else:
            try:
                reply = owner.handle(req)
            except Exception as exc:  # a bug in a double must show up as a 500, not a hang
                reply = Reply.text(f"double error: {exc!r}", 500)
            if fault is not None and reply is not None:
                reply = _spoil(reply, fault.kind, fault.seconds)
        if reply is None:  # drop the connection without an answer
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return
        if reply.delay:
            time.sleep(reply.delay)
        payload = reply.body
        if isinstance(payload, str):
            payload = payload.encode("utf-8")
        elif not isinstance(payload, (bytes, bytearray)):
            payload = _json.dumps(payload).encode("utf-8")
        if reply.http10:
            self.close_connection = True
            reason = reply.reason if reply.reason is not None else self.responses.get(reply.status, ("undefined",))[0]
            head = [f"HTTP/1.0 {reply.status} {reason}"]
            headers = dict(reply.headers)
            if reply.content_type:
                headers.setdefault("Content-Type", reply.content_type)
            if not payload:
                headers.setdefault("Content-Length", "0")
            head += [f"{k}: {v}" for k, v in headers.items()]
            self.wfile.write(("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + bytes(payload))
            self.wfile.flush()
            return
        self.send_response(reply.status, reply.reason)
        headers = dict(reply.headers)
        if reply.content_type and not any(k.lower() == "content-type" for k in headers):
            headers["Content-Type"] = reply.content_type
        for k, v in headers.items():
            self.send_header(k, v)
        if not any(k.lower() == "content-length" for k in headers):
            self.send_header("Content-Length", str(len(payload)))
        if reply.truncate:
            self.send_header("Connection", "close")
        self.end_headers()
        if reply.truncate:  # half the promised body, then the connection goes away
            self.wfile.write(bytes(payload[: len(payload) // 2]))
            self.wfile.flush()
            if reply.stall:
                owner._stopping.wait(reply.stall)
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return
        if self.command != "HEAD" and payload:
            self.wfile.write(payload)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _dispatch


def _spoil(reply: Reply, kind: str, seconds: float = 60.0) -> Reply:
    """The double's real answer made unreadable the way ``kind`` says."""
    payload = reply.body
    if isinstance(payload, str):
        payload = payload.encode("utf-8")
    elif not isinstance(payload, (bytes, bytearray)):
        payload = _json.dumps(payload).encode("utf-8")
    if kind in ("truncate", "stall"):
        if len(payload) < 2:
            payload = b'{"padding": "a body long enough to cut in half"}'
        return Reply(reply.status, bytes(payload), dict(reply.headers), reply.content_type, truncate=True,
                     stall=seconds if kind == "stall" else 0.0)
    if kind == "garbage":
        return Reply(200, _GARBAGE, dict(reply.headers), reply.content_type)
    if kind == "binary":
        noise = random.Random(len(payload)).randbytes(max(64, min(len(payload), 4096)))
        return Reply(200, b"\x7fELF\x02\x01\x01\x00" + noise, dict(reply.headers), reply.content_type)
    raise ValueError(f"unknown fault kind {kind!r}")


def _read_chunked(stream: Any) -> bytes:
    out = bytearray()
    while True:
        line = stream.readline().strip()
        size = int(line.split(b";")[0] or b"0", 16)
        if size == 0:
            stream.readline()
            return bytes(out)
        out += stream.read(size)
        stream.readline()


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    owner: "LocalServer"

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that gave up first (a read timeout under test) is expected, not an error to print."""
        import sys

        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


class LocalServer:
    """Base class: a real HTTP server on 127.0.0.1 in a background thread.

    Use as a context manager (``with Double() as srv: srv.url``) or call
    :meth:`start`/:meth:`stop`.  ``port=0`` picks a free port.
    """

    def __init__(self, host: str = "127.0.0.1", port: int = 0):
        self.host, self._port = host, port
        self.log: list[Request] = []
        self.injected: list[Fault] = []
        self._lock = threading.RLock()
        self._stopping = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # -- fault injection
    def inject(self, kind: str | int, *, path: str = "", method: str | None = None, after: int = 0,
               times: int | None = None, retry_after: str | float | None = None, location: str | None = None,
               seconds: float = 60.0) -> Fault:
        """Make the server misbehave (see the module docstring); faults are tried in the order added.

        >>> srv.inject(503)                      # doctest: +SKIP  (a 503 storm)
        >>> srv.inject("hang", after=10)         # doctest: +SKIP  (healthy for 10 requests, then silent)
        """
        name = str(kind).strip().lower()
        if not (name in FAULT_KINDS or (name.isdigit() and 100 <= int(name) <= 599)):
            raise ValueError(f"unknown fault kind {kind!r}: an HTTP status or one of {', '.join(FAULT_KINDS)}")
        if name == "redirect" and not location:
            raise ValueError("a redirect fault needs a location")
        fault = Fault(name, path, method.upper() if method else None, after, times,
                      None if retry_after is None else str(retry_after), location, seconds)
        with self._lock:
            self.injected.append(fault)
        return fault

    def heal(self) -> None:
        """Remove every injected fault (the service recovers)."""
        with self._lock:
            self.injected.clear()

    # -- subclass API
    def handle(self, request: Request) -> Reply | None:  # pragma: no cover - abstract
        raise NotImplementedError

    # -- lifecycle
    def start(self) -> "LocalServer":
        self._stopping.clear()
        server = _Server((self.host, self._port), _Handler)
        server.owner = self
        self._server = server
        # a short poll interval: stop() (shutdown) waits up to one interval
        self._thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name=type(self).__name__, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()  # releases hanging connections
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> "LocalServer":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        assert self._server is not None, "server not started"
        return self._server.server_address[1]

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def requests_to(self, path_prefix: str = "", method: str | None = None) -> list[Request]:
        """Requests received whose path starts with ``path_prefix`` (and with ``method``, if given)."""
        with self._lock:
            return [r for r in self.log if r.path.startswith(path_prefix) and (method is None or r.method == method)]

    def reset_log(self) -> None:
        with self._lock:
            self.log.clear()
