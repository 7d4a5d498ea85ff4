"""Find (or install with npm) bibtex-tidy, the reference ``bibkit tidy`` is compared and benchmarked against.

Used by ``bench/tidy.py`` and the compatibility tests; needs Node.js (``node`` and
``npm`` on the PATH).  The package is installed once into a cache directory
(``$BIBKIT_BIBTEX_TIDY_DIR``, else ``<user cache>/bibkit/bibtex-tidy``), never
globally.  :data:`VERSION` is the version whose behaviour the tests record.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import platformdirs

__all__ = ["VERSION", "find_bibtex_tidy", "run_bibtex_tidy"]

#: the bibtex-tidy release the recorded outputs in tests/data/tidy/compat come from
VERSION = "1.14.0"


def _cache_dir() -> Path:
    env = os.environ.get("BIBKIT_BIBTEX_TIDY_DIR")
    return Path(env) if env else Path(platformdirs.user_cache_dir("bibkit")) / "bibtex-tidy"


def find_bibtex_tidy(*, install: bool = True, version: str = VERSION,
                     cache_dir: Path | None = None) -> tuple[list[str] | None, str]:
    """``(command, message)``: the command running bibtex-tidy ``version``, or ``None`` and why not.

    With ``install`` a missing package is installed with ``npm install --prefix <cache dir>/<version>``
    (``cache_dir`` defaults to the module docstring's).
    """
    node = shutil.which("node")
    if node is None:
        return None, "Node.js is not installed (node not on PATH)"
    prefix = (cache_dir or _cache_dir()) / version
    script = prefix / "node_modules" / "bibtex-tidy" / "bin" / "bibtex-tidy"
    if not script.exists():
        npm = shutil.which("npm")
        if not install or npm is None:
            return None, "bibtex-tidy is not installed" + ("" if npm else " and npm is missing")
        prefix.mkdir(parents=True, exist_ok=True)
        proc = subprocess.run([npm, "install", "--prefix", str(prefix), "--no-audit", "--no-fund",
                               f"bibtex-tidy@{version}"], capture_output=True, text=True)
        if proc.returncode != 0 or not script.exists():
            return None, f"npm install bibtex-tidy@{version} failed: {proc.stderr.strip()[-300:]}"
    return [node, str(script)], f"bibtex-tidy {version} ({script})"


def run_bibtex_tidy(command: list[str], text: str, args: list[str]) -> str:
    """bibtex-tidy's output for ``text`` with command-line ``args`` (it reads standard input)."""
    proc = subprocess.run(command + [*args, "--quiet"], input=text, capture_output=True, text=True, check=True)
    return proc.stdout
