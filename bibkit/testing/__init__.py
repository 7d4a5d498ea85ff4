"""Test doubles shipped with bibkit: real HTTP servers on 127.0.0.1 that answer in the
recorded formats of the services bibkit talks to (arXiv, Hugging Face, GitHub, and for
published versions Crossref, Semantic Scholar, DBLP and OpenAlex — these four serve
:class:`~bibkit.testing.scholarly.ScholarlyWorld`, the synthetic corpus plus its
invented publications).

They live in the package, not only in ``tests/``, so benchmarks and users'
own scripts can run bibkit end to end without the network (as fakeredis does
for Redis).  Start one with ``with ArxivDouble(corpus) as srv: srv.url``.
"""
