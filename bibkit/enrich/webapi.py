"""What the JSON web-API clients (Crossref, Semantic Scholar, DBLP, OpenAlex) share.

* **Typed failures.**  A client never raises for a service being down and never
  describes trouble in a string the caller would have to parse: every call
  returns its value or a :class:`ServiceFailure` whose :class:`FailureKind`
  says what happened (unreachable, rate-limited, offline miss, key refused,
  bad request, server error, no answer, unreadable answer).  ``service_down``
  tells the caller to skip the service for the rest of the run.
* **Tolerant readers.**  These services send numbers as strings (DBLP's
  ``"year": "2023"``), one author as a bare value instead of a list, ``null`` or
  ``""`` for anything optional, HTML where JSON was promised (a 429 page, an
  OpenAlex 404).  :func:`as_int`, :func:`as_str`, :func:`as_list` and
  :func:`json_body` turn all of that into plain values or a failure, so the
  parsers stay short and never crash on a shape they did not expect.

The HTTP itself (session, cache, pacing, retries, ``Retry-After``) is
:mod:`bibkit.http`'s; :func:`send` only translates its exceptions into values.
"""

from __future__ import annotations

import enum
import html
import json
import re
from dataclasses import dataclass, field
from typing import Any, Generic, Iterable, TypeVar

import requests

from ..http import HttpError, OfflineMiss, RateLimited, ServiceClient, ServiceUnavailable

__all__ = [
    "FailureKind", "ServiceFailure", "Batch", "send", "json_body", "failure_for_status",
    "as_int", "as_str", "as_list", "clean_text", "strip_markup", "first_str", "LABELS",
]

T = TypeVar("T")

#: how services are named in messages
LABELS = {"s2": "Semantic Scholar", "crossref": "Crossref", "dblp": "DBLP", "openalex": "OpenAlex",
          "arxiv": "arXiv", "hf": "Hugging Face", "github": "GitHub"}


class FailureKind(str, enum.Enum):
    """Why a request produced no usable answer."""

    UNREACHABLE = "unreachable"  # no connection at all (refused, DNS, no network)
    RATE_LIMITED = "rate-limited"  # 429s beyond the retries, or a Retry-After longer than we wait
    OFFLINE = "offline"  # offline mode and the cache has no answer
    REFUSED = "refused"  # 401/403: the key was rejected, or access is denied
    BAD_REQUEST = "bad-request"  # 400/422: the service rejects what we asked (one request's problem)
    SERVER_ERROR = "server-error"  # 5xx after the retries
    NO_ANSWER = "no-answer"  # timeouts on every attempt
    BAD_RESPONSE = "bad-response"  # an answer that is not the JSON the API documents (HTML, {"error": …})


#: kinds after which asking the service again this run is pointless
_DOWN = frozenset({FailureKind.UNREACHABLE, FailureKind.RATE_LIMITED, FailureKind.REFUSED,
                   FailureKind.SERVER_ERROR, FailureKind.NO_ANSWER})


@dataclass(frozen=True)
class ServiceFailure:
    """One failed request, as a value: which service, what kind of failure, a one-line message.

    ``until`` (epoch seconds) is when a rate limit is said to lift, if known.
    The message names the service and never holds a credential.
    """

    service: str
    kind: FailureKind
    message: str
    status: int | None = None
    until: float | None = None

    @property
    def service_down(self) -> bool:
        """Whether the service should be skipped for the rest of the run."""
        return self.kind in _DOWN

    @property
    def label(self) -> str:
        return LABELS.get(self.service, self.service)

    def __str__(self) -> str:
        return self.message


@dataclass
class Batch(Generic[T]):
    """What a batched lookup found (by identifier), and the failure that stopped it, if any.

    A failure after some batches keeps what the earlier ones found.
    """

    found: dict[str, T] = field(default_factory=dict)
    failure: ServiceFailure | None = None


def send(client: ServiceClient, method: str, path: str = "", **kwargs: Any) -> requests.Response | ServiceFailure:
    """One request through the shared HTTP layer; its exceptions become :class:`ServiceFailure` values.

    Non-2xx answers are returned as responses (404 means something different to
    each API); use :func:`failure_for_status` for the ones that are failures.
    """
    service = client.policy.name
    label = LABELS.get(service, service)
    try:
        return client.request(method, path, **kwargs)
    except OfflineMiss:
        return ServiceFailure(service, FailureKind.OFFLINE, f"{label}: offline and not in the cache")
    except ServiceUnavailable as exc:
        return ServiceFailure(service, FailureKind.UNREACHABLE, f"{label} unreachable ({_detail(exc)})")
    except RateLimited as exc:
        return ServiceFailure(service, FailureKind.RATE_LIMITED, f"{label} rate limit reached ({_detail(exc)})",
                              status=exc.status, until=exc.until)
    except HttpError as exc:
        if exc.status is None:
            return ServiceFailure(service, FailureKind.NO_ANSWER, f"{label} did not answer ({_detail(exc)})")
        kind = FailureKind.SERVER_ERROR if exc.status >= 500 else FailureKind.BAD_REQUEST
        return ServiceFailure(service, kind, f"{label}: HTTP {exc.status}", status=exc.status)


def _detail(exc: HttpError) -> str:
    text = str(exc)
    prefix = f"{exc.service}: "
    return text[len(prefix):] if text.startswith(prefix) else text


def failure_for_status(service: str, response: requests.Response) -> ServiceFailure:
    """The failure an unexpected HTTP status stands for (the body's message, when short, is quoted)."""
    label = LABELS.get(service, service)
    status = response.status_code
    said = _said(response)
    suffix = f": {said}" if said else ""
    if status in (401, 403):
        return ServiceFailure(service, FailureKind.REFUSED, f"{label} refused the request (HTTP {status}{suffix})",
                              status=status)
    if status == 429:
        return ServiceFailure(service, FailureKind.RATE_LIMITED, f"{label} rate limit reached (HTTP 429)", status=status)
    if status >= 500:
        return ServiceFailure(service, FailureKind.SERVER_ERROR, f"{label}: HTTP {status}{suffix}", status=status)
    return ServiceFailure(service, FailureKind.BAD_REQUEST, f"{label}: HTTP {status}{suffix}", status=status)


def _said(response: requests.Response) -> str:
    """The short human message of an error body (``error``, ``message``), never HTML."""
    try:
        data = json.loads(response.content.decode("utf-8", "replace"))
    except ValueError:
        return ""
    message: Any = None
    if isinstance(data, dict):
        message = data.get("error") or data.get("message")
        if isinstance(message, list) and message and isinstance(message[0], dict):  # Crossref's validation list
            message = message[0].get("message")
    return clean_text(str(message))[:160] if message else ""


def json_body(service: str, response: requests.Response) -> Any | ServiceFailure:
    """The JSON of a 200 answer (decoded from bytes as UTF-8), or a BAD_RESPONSE failure.

    An HTML page (a proxy's or the service's error page) or a JSON object that
    is only ``{"error": …}`` (Semantic Scholar does send those with 200) is a
    failure, not data.
    """
    label = LABELS.get(service, service)
    body = response.content
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        kind = "an HTML page" if body.lstrip()[:1] == b"<" else "an unreadable answer"
        return ServiceFailure(service, FailureKind.BAD_RESPONSE, f"{label} sent {kind} instead of JSON",
                              status=response.status_code)
    if isinstance(data, dict) and set(data) <= {"error", "message", "code", "status"} and (
            data.get("error") or (data.get("message") and not isinstance(data.get("message"), dict))):
        said = clean_text(str(data.get("error") or data.get("message")))[:160]
        return ServiceFailure(service, FailureKind.BAD_RESPONSE, f"{label} answered an error: {said}",
                              status=response.status_code)
    return data


# --------------------------------------------------------------------------- tolerant readers


_INT = re.compile(r"^\s*[+-]?\d+\s*$")


def as_int(value: Any) -> int | None:
    """An integer from an int, a whole float or a numeric string (``"2023"``); else ``None``."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    if isinstance(value, str) and _INT.match(value):
        return int(value)
    return None


def as_str(value: Any) -> str | None:
    """A non-empty string (numbers become their text; whitespace collapsed); else ``None``."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        value = str(value)
    if not isinstance(value, str):
        return None
    text = clean_text(value)
    return text or None


def as_list(value: Any) -> list[Any]:
    """A list from a list, a single bare value (DBLP's one author) or nothing."""
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return list(value)
    return [value]


_SPACE = re.compile(r"\s+")
_TAG = re.compile(r"<[^<>]{1,200}>")


def clean_text(text: str) -> str:
    """Whitespace runs (line breaks in Crossref's event names) collapsed, HTML entities decoded."""
    if "&" in text:
        text = html.unescape(text)
    return _SPACE.sub(" ", text).strip()


def strip_markup(text: str | None) -> str | None:
    """Text without JATS/HTML/MathML tags (Crossref titles and abstracts carry them)."""
    if not text:
        return None
    out = clean_text(_TAG.sub(" ", text)) if "<" in text else clean_text(text)
    out = re.sub(r"\s+([,.;:!?)])", r"\1", out)
    return out or None


def first_str(values: Iterable[Any]) -> str | None:
    """The first usable string of a list (Crossref's ``title`` and ``container-title`` are lists)."""
    for value in values:
        text = as_str(value)
        if text:
            return text
    return None
