"""The commented example rules file, shipped inside the package (``bibkit rules init`` writes it).

It is ``bibkit/data/tags.toml`` — the same text as the repository's
``examples/tags.toml`` (a test keeps the two identical), so a pip-installed
bibkit has it too.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from ..errors import UsageError
from ..fileio import atomic_write_text

__all__ = ["example_rules", "write_example_rules"]


def example_rules() -> str:
    """The text of the example rules file."""
    return resources.files("bibkit").joinpath("data", "tags.toml").read_text(encoding="utf-8")


def write_example_rules(path: str, *, force: bool = False) -> Path | None:
    """Write the example to ``path`` (``-`` = standard output), atomically.

    An existing file is kept (:class:`~bibkit.errors.UsageError`) unless ``force``, and then
    copied to ``FILE.bak`` first (returned).
    """
    if path != "-" and Path(path).exists() and not force:
        raise UsageError(f"{path} exists; use --force to replace it (a backup is kept)")
    return atomic_write_text(path, example_rules(), backup=True)
