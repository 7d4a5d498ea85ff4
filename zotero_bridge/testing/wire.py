"""Sockets and bytes: how Zotero's server talks HTTP, reproduced exactly.

Zotero writes its answers by hand: ``HTTP/1.0 <code> <reason>``, no
Content-Length when there is a body (the body ends when the connection closes),
one request per connection.  Some of its behaviours are *not* answers at all — a
browser-like request is dropped, a null body to getSelectedCollection leaves the
connection open until the client gives up — so this module owns the socket
instead of going through ``http.server``: a handler returns a :class:`Response`,
:data:`DROP` (close without a byte) or :data:`HANG` (keep the connection open
until the server stops).

A chunked request body is never read: Zotero requires Content-Length and answers
400 before looking at the body (the connection is closed afterwards anyway).
"""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass, field
from email.header import decode_header, make_header
from typing import Callable, Union
from urllib.parse import parse_qs, urlsplit

from bibkit.testing.server import Request

#: reason phrases Zotero knows; any other code goes out with the literal reason "undefined"
REASONS = {200: "OK", 201: "Created", 204: "No Content", 300: "Multiple Choices", 304: "Not Modified",
           400: "Bad Request", 403: "Forbidden", 404: "Not Found", 409: "Conflict", 412: "Precondition Failed",
           500: "Internal Server Error", 501: "Not Implemented", 503: "Service Unavailable", 504: "Gateway Timeout"}

MAX_HEADER_BYTES = 64 * 1024
READ_TIMEOUT = 30.0


@dataclass
class Response:
    """One answer.  ``content_type`` is sent as given (Zotero adds no charset); an empty body gets ``Content-Length: 0``."""

    status: int
    body: bytes | str = b""
    content_type: str | None = None
    headers: list[tuple[str, str]] = field(default_factory=list)
    delay: float = 0.0  # seconds to wait before writing (slow-answer faults)
    truncate: bool = False  # promise more than is sent (Content-Length), send part, close (a cut-off answer)

    def header(self, name: str) -> str | None:
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return None

    def set_header(self, name: str, value: str) -> None:
        self.headers = [(k, v) for k, v in self.headers if k.lower() != name.lower()] + [(name, value)]

    def encode(self) -> bytes:
        body = self.body.encode("utf-8") if isinstance(self.body, str) else bytes(self.body)
        lines = [f"HTTP/1.0 {self.status} {REASONS.get(self.status, 'undefined')}"]
        lines += [f"{k}: {v}" for k, v in self.headers]
        if self.content_type:
            lines.append(f"Content-Type: {self.content_type}")
        if self.truncate:
            body = body or b'{"padding": "an answer long enough to cut"}'
            lines.append(f"Content-Length: {len(body)}")
            body = body[: len(body) // 2]
        elif not body:
            lines.append("Content-Length: 0")
        return ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8") + body


class _Marker:
    def __init__(self, name: str):
        self.name = name

    def __repr__(self) -> str:
        return self.name


#: close the connection without answering
DROP = _Marker("DROP")
#: never answer; the connection stays open until the server stops
HANG = _Marker("HANG")

Outcome = Union[Response, _Marker]
Handler = Callable[[Request], Outcome]


class BadRequestLine(Exception):
    pass


def _decode_rfc2047(value: str) -> str:
    if "=?" not in value:
        return value
    try:
        return str(make_header(decode_header(value)))
    except Exception:  # malformed encoded-words stay as sent
        return value


def read_request(conn: socket.socket) -> Request | None:
    """Read one request head (and a Content-Length body) from ``conn``; None if the peer sent nothing."""
    buf = b""
    while b"\r\n\r\n" not in buf:
        chunk = conn.recv(65536)
        if not chunk:
            if not buf:
                return None
            raise BadRequestLine("connection closed inside the request head")
        buf += chunk
        if len(buf) > MAX_HEADER_BYTES:
            raise BadRequestLine("request head too large")
    head, _, rest = buf.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    parts = lines[0].split(" ")
    if len(parts) != 3 or not parts[2].startswith("HTTP/"):
        raise BadRequestLine(lines[0])
    method, target = parts[0], parts[1]
    headers: dict[str, str] = {}
    for line in lines[1:]:
        if ":" not in line:
            continue
        name, _, value = line.partition(":")
        name, value = name.strip(), _decode_rfc2047(value.strip())
        existing = next((k for k in headers if k.lower() == name.lower()), None)
        if existing is None:
            headers[name] = value
        else:
            headers[existing] += ", " + value
    length_text = next((v for k, v in headers.items() if k.lower() == "content-length"), None)
    body = b""
    if length_text is not None and length_text.strip().isdigit():
        length = int(length_text.strip())
        body = rest[:length]
        while len(body) < length:
            chunk = conn.recv(min(65536, length - len(body)))
            if not chunk:
                break
            body += chunk
    split = urlsplit(target)
    return Request(method=method, path=split.path or "/", query=parse_qs(split.query, keep_blank_values=True),
                   headers=headers, body=body, time=time.monotonic(), raw_query=split.query)


class WireServer:
    """A listening socket on 127.0.0.1 with one thread per connection, answering through ``handler``.

    :meth:`close` stops listening (new connections are refused) and releases
    every hanging connection; :meth:`open` listens again on the same port, which
    is how the double simulates Zotero quitting and starting again.
    """

    def __init__(self, handler: Handler, host: str = "127.0.0.1", port: int = 0):
        self.handler = handler
        self.host = host
        self.port = port
        self._sock: socket.socket | None = None
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self._conns: set[socket.socket] = set()
        self._lock = threading.Lock()

    @property
    def listening(self) -> bool:
        return self._sock is not None

    def open(self) -> None:
        if self._sock is not None:
            return
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        deadline = time.monotonic() + 5
        while True:  # the same port right after a close may need a moment
            try:
                sock.bind((self.host, self.port))
                break
            except OSError:
                if not self.port or time.monotonic() > deadline:
                    sock.close()
                    raise
                time.sleep(0.05)
        sock.listen(64)
        sock.settimeout(0.5)
        self.port = sock.getsockname()[1]
        self._stop = threading.Event()
        self._sock = sock
        self._thread = threading.Thread(target=self._accept_loop, args=(sock, self._stop),
                                        name=f"fake-zotero:{self.port}", daemon=True)
        self._thread.start()

    def close(self) -> None:
        """Stop listening; release hanging connections; refuse new ones until :meth:`open`."""
        sock, self._sock = self._sock, None
        self._stop.set()
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)  # wakes the accept loop at once (Linux)
            except OSError:
                pass
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=2)
        if sock is not None:
            sock.close()  # only now: the accept loop must not see a recycled descriptor
        with self._lock:
            conns = list(self._conns)
        for c in conns:
            _hard_close(c)

    def stopping(self) -> threading.Event:
        return self._stop

    def _accept_loop(self, sock: socket.socket, stop: threading.Event) -> None:
        while not stop.is_set():
            try:
                conn, _ = sock.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            conn.settimeout(READ_TIMEOUT)
            with self._lock:
                self._conns.add(conn)
            threading.Thread(target=self._serve_connection, args=(conn, stop), daemon=True).start()

    def _serve_connection(self, conn: socket.socket, stop: threading.Event) -> None:
        try:
            try:
                request = read_request(conn)
            except (BadRequestLine, OSError):
                return
            if request is None:
                return
            outcome = self.handler(request)
            if outcome is HANG:
                stop.wait()
                return
            if outcome is DROP or not isinstance(outcome, Response):
                return
            if outcome.delay:
                if stop.wait(outcome.delay):
                    return
            try:
                conn.sendall(outcome.encode())
                conn.shutdown(socket.SHUT_WR)
                _drain(conn)
            except OSError:
                pass
        finally:
            with self._lock:
                self._conns.discard(conn)
            _hard_close(conn)


def _drain(conn: socket.socket) -> None:
    """Read what the client may still send (an unread chunked body) so closing does not reset the answer away."""
    conn.settimeout(0.2)
    try:
        while conn.recv(65536):
            pass
    except OSError:
        pass


def _hard_close(conn: socket.socket) -> None:
    try:
        conn.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    conn.close()
