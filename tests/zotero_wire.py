"""A raw HTTP client for the Zotero double's tests: exact bytes out, every byte (or none) back.

http.client and requests hide what these tests must see: a connection closed
without an answer, a connection left open forever, an HTTP/1.0 answer without
Content-Length, a chunked request without Content-Length.  So this client writes
the request by hand and reads until the server closes.
"""

from __future__ import annotations

import json
import socket
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlencode


@dataclass
class Answer:
    status: int | None
    reason: str = ""
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""
    no_response: bool = False
    version: str = ""

    def header(self, name: str) -> str | None:
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return None

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")

    def json(self) -> Any:
        return json.loads(self.body.decode("utf-8"))

    @property
    def media_type(self) -> str | None:
        value = self.header("Content-Type")
        return value.split(";")[0].strip() if value else None


def encode_query(query: dict[str, Any] | None = None, query_string: str | None = None) -> str:
    if query_string is not None:
        pairs = []
        for piece in query_string.split("&"):
            k, _, v = piece.partition("=")
            pairs.append(f"{quote(k, safe='')}={quote(v, safe='')}")
        return "&".join(pairs)
    if query:
        return urlencode({k: str(v) for k, v in query.items()}, quote_via=quote)
    return ""


def send(port: int, method: str, path: str, *, query: dict[str, Any] | None = None, query_string: str | None = None,
         headers: dict[str, str] | None = None, body: bytes | None = None, timeout: float = 10.0,
         host: str = "127.0.0.1") -> Answer:
    """One request on a fresh connection; ``Host: 127.0.0.1:<port>`` unless ``headers`` names another Host.

    A Content-Length is added when there is a body and none was given (unless the request announces chunked
    transfer encoding).  ``no_response`` is set when the server closed without a byte or said nothing before
    ``timeout``.
    """
    headers = dict(headers or {})
    lower = {k.lower() for k in headers}
    if "host" not in lower:
        headers = {"Host": f"127.0.0.1:{port}", **headers}
    if body is not None and "content-length" not in lower and "transfer-encoding" not in lower:
        headers["Content-Length"] = str(len(body))
    headers.setdefault("Connection", "close")
    qs = encode_query(query, query_string)
    target = path + (f"?{qs}" if qs else "")
    head = f"{method} {target} HTTP/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers.items()) + "\r\n"
    sock = socket.create_connection((host, port), timeout=timeout)
    data = b""
    try:
        sock.sendall(head.encode("utf-8") + (body or b""))
        deadline = time.monotonic() + timeout
        while True:
            sock.settimeout(max(0.05, deadline - time.monotonic()))
            try:
                chunk = sock.recv(65536)
            except socket.timeout:
                if not data:
                    return Answer(None, no_response=True)
                break
            except (ConnectionResetError, BrokenPipeError):
                break
            if not chunk:
                break
            data += chunk
    finally:
        sock.close()
    if not data:
        return Answer(None, no_response=True)
    return parse_answer(data)


def parse_answer(data: bytes) -> Answer:
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    version, _, rest = lines[0].partition(" ")
    code, _, reason = rest.partition(" ")
    headers = []
    for line in lines[1:]:
        k, _, v = line.partition(":")
        headers.append((k.strip(), v.strip()))
    return Answer(int(code), reason, headers, body, version=version)
