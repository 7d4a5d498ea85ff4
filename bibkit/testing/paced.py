"""What the Semantic Scholar and DBLP doubles share: answering a client that asks faster than the service allows.

Both services refuse a client that outpaces them (S2 with a JSON 429, DBLP with an HTML 429 and maybe
``Retry-After``); their doubles differ only in that answer (:meth:`PacedDouble.too_many`) and in what they
serve (:meth:`PacedDouble.serve`).  Injected ``faults`` are served before anything else, and every answer
says it is synthetic.
"""

from __future__ import annotations

import threading
import time

from .server import LocalServer, Reply, Request

__all__ = ["PacedDouble", "SYNTHETIC"]

#: the header every answer of a double built on the SYNTHETIC scholarly world carries
SYNTHETIC = {"X-Bibkit-Synthetic": "true"}


class PacedDouble(LocalServer):
    """A double refusing requests closer together than ``min_interval`` seconds (0: never), counted in
    :attr:`rate_limited`."""

    def __init__(self, *, min_interval: float = 0.0, host: str = "127.0.0.1", port: int = 0):
        super().__init__(host, port)
        self.min_interval = min_interval
        self.faults: list[Reply] = []
        self.rate_limited = 0
        self._last: float | None = None
        self._guard = threading.Lock()

    def too_many(self) -> Reply:
        """The service's own answer to a client that is too fast."""
        raise NotImplementedError

    def serve(self, request: Request) -> Reply | None:
        """The answer to a request that passed pacing and faults."""
        raise NotImplementedError

    def handle(self, request: Request) -> Reply | None:
        reply = self._gate()
        if reply is None:
            reply = self.serve(request)
        if reply is not None:
            reply.headers = {**SYNTHETIC, **dict(reply.headers)}
        return reply

    def _gate(self) -> Reply | None:
        with self._guard:
            now = time.monotonic()
            too_fast = self.min_interval and self._last is not None and now - self._last < self.min_interval
            self._last = now
            if too_fast:
                self.rate_limited += 1
                return self.too_many()
            if self.faults:
                return self.faults.pop(0)
        return None
