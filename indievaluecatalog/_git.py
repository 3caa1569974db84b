"""The git commit of the package's source, recorded in manifests and results."""

from __future__ import annotations

import subprocess
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


def git_commit() -> str | None:
    """Return the commit of the checkout the package runs from, or None for an installed wheel.

    The package folder must be tracked by that checkout: a wheel installed into a virtual environment that
    happens to sit inside some other repository reports None, not that repository's commit.
    """
    tracked = _git("ls-files", "--error-unmatch", "_version.py")
    if tracked is None:
        return None
    commit = _git("rev-parse", "HEAD")
    if commit is None or len(commit) != 40:
        return None
    return commit


def _git(*arguments: str) -> str | None:
    try:
        result = subprocess.run(
            ["git", "-C", str(_PACKAGE_DIR), *arguments],
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return result.stdout.strip() if result.returncode == 0 else None
