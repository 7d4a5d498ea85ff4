"""Backward compatibility only: the functions that lived here are :mod:`bibkit.app`'s now.

``from bibkit.pipeline import read_inputs`` keeps working; new code imports
from :mod:`bibkit.app`, the curated public API (typed options, typed results).
"""

from __future__ import annotations

from .app.documents import normalise_document, read_inputs, render, write_output
from .app.jobs import BuildResult, build, convert
from .app.options import OUTPUT_FORMATS

__all__ = ["OUTPUT_FORMATS", "BuildResult", "build", "convert", "normalise_document", "read_inputs", "render",
           "write_output"]
