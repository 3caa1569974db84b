"""Locate the data files that ship with the package (codebooks, schemas, templates).

An installed wheel carries ``codebooks/`` and ``schemas/`` inside the package as ``_data/``; a source checkout or
an editable install keeps them at the top of the repository. Both layouts are searched, the wheel's first.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


def data_path(folder: str, name: str) -> Path:
    """Return the path of a shipped data file, e.g. ``data_path("codebooks", "wvs7.yaml")``.

    Raises FileNotFoundError naming both places searched when the file is in neither.
    """
    candidates = [_PACKAGE_DIR / "_data" / folder / name, _PACKAGE_DIR.parent / folder / name]
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    searched = ", ".join(str(c) for c in candidates)
    raise FileNotFoundError(f"Shipped data file {folder}/{name} not found; searched {searched}.")
