"""A tiny threaded HTTP server base for the service doubles.

Each double subclasses :class:`LocalServer` and implements :meth:`handle`,
which gets a parsed :class:`Request` and returns a :class:`Reply` (or ``None`` to
drop the connection without answering, as some real servers do).  The server
records every request it received in :attr:`LocalServer.log`, so tests assert on
what the client actually sent (counts, headers, timing), not on mocks.
"""

from __future__ import annotations

import json as _json
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

    @classmethod
    def json(cls, data: Any, status: int = 200, headers: Mapping[str, str] | None = None, indent: int | None = None) -> "Reply":
        return cls(status, _json.dumps(data, indent=indent, ensure_ascii=False).encode("utf-8"), dict(headers or {}), "application/json; charset=utf-8")

    @classmethod
    def text(cls, text: str, status: int = 200, headers: Mapping[str, str] | None = None, content_type: str = "text/plain; charset=utf-8") -> "Reply":
        return cls(status, text.encode("utf-8"), dict(headers or {}), content_type)


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
        try:
            reply = owner.handle(req)
        except Exception as exc:  # a bug in a double must show up as a 500, not a hang
            reply = Reply.text(f"double error: {exc!r}", 500)
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
        self.end_headers()
        if self.command != "HEAD" and payload:
            self.wfile.write(payload)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _dispatch


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
        self._lock = threading.RLock()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # -- subclass API
    def handle(self, request: Request) -> Reply | None:  # pragma: no cover - abstract
        raise NotImplementedError

    # -- lifecycle
    def start(self) -> "LocalServer":
        server = _Server((self.host, self._port), _Handler)
        server.owner = self
        self._server = server
        # a short poll interval: stop() (shutdown) waits up to one interval
        self._thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name=type(self).__name__, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
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
