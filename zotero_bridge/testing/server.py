"""server.js: the rules every request goes through before an endpoint runs (PROTOCOL.md section 1).

In order: fault injection, Host check (per release), browser protection (drop on
9.0.3+, 403 before), routing (``No endpoint found``), HEAD/OPTIONS, methods and
Content-Length (501 for PUT/PATCH/DELETE before 10.0), the endpoint's methods
and content types, body decoding by media type, and finally the endpoint, whose
exceptions become an empty 500.  Every answer carries ``X-Zotero-Version`` and
``X-Zotero-Connector-API-Version: 3``.
"""

from __future__ import annotations

import json
import re
import threading
import traceback
from dataclasses import dataclass, field
from typing import Any, Callable
from urllib.parse import parse_qs

from bibkit.testing.server import Request

from .core import ZoteroCore
from .faults import FaultBook
from .wire import DROP, HANG, Outcome, Response

SIMPLE_TYPES = frozenset({"text/plain", "application/x-www-form-urlencoded", "multipart/form-data"})
_HOST_OK = re.compile(r"^(127\.0\.0\.1|localhost)(:\d+)?$", re.IGNORECASE)
_HOST_OK_V6 = re.compile(r"^(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$", re.IGNORECASE)


@dataclass
class Call:
    """What an endpoint receives: the request, its decoded body and the route parameters."""

    request: Request
    data: Any
    media_type: str | None
    params: dict[str, str] = field(default_factory=dict)

    @property
    def method(self) -> str:
        return self.request.method


EndpointHandler = Callable[[Call], Outcome]


@dataclass
class Endpoint:
    methods: tuple[str, ...]
    types: tuple[str, ...] | None  # None: any content type ("*")
    handler: EndpointHandler
    serialized: bool = True  # run under the application lock (False: the endpoint locks itself, e.g. to wait)

    @property
    def accepts_simple_types(self) -> bool:
        return self.types is None or bool(SIMPLE_TYPES & set(self.types))


def plain(status: int, body: str) -> Response:
    return Response(status, body, "text/plain")


def compact_json(status: int, obj: Any, headers: list[tuple[str, str]] | None = None) -> Response:
    """Connector answers: ``JSON.stringify`` without spaces."""
    return Response(status, json.dumps(obj, separators=(",", ":"), ensure_ascii=False), "application/json", list(headers or []))


class BadBody(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def parse_multipart(body: bytes, content_type: str) -> list[dict[str, Any]]:
    """multipart/form-data → ``[{name, filename, headers, body, params}]``; a missing boundary is an error."""
    m = re.search(r'boundary="?([^";]+)"?', content_type)
    if not m:
        raise BadBody("Invalid multipart/form-data provided\n")
    delimiter = b"--" + m.group(1).encode("latin-1")
    if delimiter not in body:
        raise BadBody("Invalid multipart/form-data provided\n")
    parts = []
    for chunk in body.split(delimiter)[1:]:
        if chunk.startswith(b"--"):
            break
        chunk = chunk[2:] if chunk.startswith(b"\r\n") else chunk
        head, _, content = chunk.partition(b"\r\n\r\n")
        if content.endswith(b"\r\n"):
            content = content[:-2]
        headers: dict[str, str] = {}
        for line in head.decode("utf-8", "replace").split("\r\n"):
            if ":" in line:
                k, _, v = line.partition(":")
                headers[k.strip().lower()] = v.strip()
        disposition = headers.get("content-disposition", "")
        params = dict(re.findall(r'(\w+)="([^"]*)"', disposition))
        parts.append({"name": params.get("name"), "filename": params.get("filename"), "headers": headers,
                      "body": content, "params": params})
    return parts


def decode_body(request: Request) -> tuple[Any, str | None]:
    """The body as Zotero hands it to endpoints, keyed on the media type (parameters ignored)."""
    ctype = request.header("Content-Type")
    if ctype is None:
        return None, None
    media = ctype.split(";")[0].strip().lower()
    raw = request.body
    if media == "application/json":
        if not raw.strip():
            return None, media
        try:
            return json.loads(raw.decode("utf-8")), media
        except (ValueError, UnicodeDecodeError):
            raise BadBody("Invalid JSON provided\n") from None
    if media == "text/plain":
        return raw.decode("utf-8", "replace"), media
    if media == "application/x-www-form-urlencoded":
        pairs = parse_qs(raw.decode("utf-8", "replace"), keep_blank_values=True)
        return {k: v[-1] for k, v in pairs.items()}, media
    if media == "multipart/form-data":
        return parse_multipart(raw, ctype), media
    return raw, media


class ZoteroServer:
    """Applies server.js to each request and dispatches to the connector / local API / test endpoints."""

    def __init__(self, core: ZoteroCore, faults: FaultBook, routes: Callable[[str], tuple[Endpoint, dict[str, str]] | None],
                 on_quit: Callable[[], None]):
        self.core = core
        self.faults = faults
        self.routes = routes
        self.on_quit = on_quit
        self.log: list[Request] = []
        self.errors: list[str] = []  # tracebacks of endpoint exceptions (answered as empty 500s)
        self._log_lock = threading.Lock()

    def common_headers(self, response: Response) -> Response:
        response.headers = [("X-Zotero-Version", self.core.version.text), ("X-Zotero-Connector-API-Version", "3")] + [
            h for h in response.headers if h[0].lower() not in ("x-zotero-version", "x-zotero-connector-api-version")]
        return response

    def __call__(self, request: Request) -> Outcome:
        with self._log_lock:
            self.log.append(request)
        fault = self.faults.take(request)
        if fault is not None:
            if fault.kind == "drop":
                return DROP
            if fault.kind == "500":
                return self.common_headers(Response(500))
            if fault.kind == "quit":
                self.on_quit()
                return DROP
            if fault.kind == "hang":
                return HANG
            if fault.kind == "redirect":
                return self.common_headers(Response(307, headers=[("Location", fault.location)]))
            if fault.kind == "deep":
                return self.common_headers(Response(200, b"[" * 100_000 + b"]" * 100_000, "application/json"))
        outcome = self.apply_rules(request)
        if isinstance(outcome, Response):
            self.common_headers(outcome)
        if fault is not None:
            if fault.kind == "drop-after-commit":
                return DROP
            if fault.kind == "slow" and isinstance(outcome, Response):
                outcome.delay = fault.seconds
            if fault.kind == "truncate" and isinstance(outcome, Response):
                outcome.truncate = True
        return outcome

    def apply_rules(self, request: Request) -> Outcome:
        v = self.core.version
        if v.host_check:
            pattern = _HOST_OK_V6 if v.at_least(9, 0, 3) else _HOST_OK
            if not pattern.match((request.header("Host") or "").strip()):
                return plain(400, "Invalid Host header\n")
        browser_like = (request.header("User-Agent") or "").startswith("Mozilla/") or request.header("Origin") is not None
        opted_in = request.header("X-Zotero-Connector-API-Version") is not None or request.header("Zotero-Allowed-Request") is not None
        if v.browser_drop and browser_like and not opted_in:
            navigate = (request.method == "GET" and request.path == "/connector/ping"
                        and (request.header("Sec-Fetch-Mode") or "").lower() == "navigate")
            if not navigate and not request.path.startswith("/test/"):
                return DROP
        found = self.routes(request.path)
        if found is None:
            return plain(404, "No endpoint found\n")
        endpoint, params = found
        if request.method in ("HEAD", "OPTIONS"):
            return Response(200)
        if (not v.browser_drop and browser_like and not opted_in and request.header("X-Zotero-Version") is None
                and request.path != "/connector/ping" and endpoint.accepts_simple_types):
            return plain(403, "Request not allowed\n")
        body_methods = {"POST"} | ({"PUT", "PATCH", "DELETE"} if v.rest_methods else set())
        if request.method != "GET":
            if request.method not in body_methods:
                return plain(501, "Method not implemented\n")
            length = request.header("Content-Length")
            if (length is None or not length.strip().isdigit()) and request.method != "DELETE":
                return plain(400, "Content-length not provided\n")
        if request.method not in endpoint.methods:
            return plain(400, "Endpoint does not support method\n")
        data, media = (None, None)
        if request.method != "GET":
            if endpoint.types is not None and request.header("Content-Type") is not None:
                media_type = (request.header("Content-Type") or "").split(";")[0].strip().lower()
                if media_type not in endpoint.types:
                    return plain(400, "Endpoint does not support content-type\n")
            try:
                data, media = decode_body(request)
            except BadBody as exc:
                return plain(400, exc.message)
        try:
            if endpoint.serialized:
                with self.core.lock:
                    return endpoint.handler(Call(request, data, media, params))
            return endpoint.handler(Call(request, data, media, params))
        except Exception:
            self.errors.append(traceback.format_exc())
            return Response(500)


__all__ = ["Call", "Endpoint", "ZoteroServer", "compact_json", "plain", "DROP", "HANG", "Response"]
