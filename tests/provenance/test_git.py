"""Tests of the git commit recorded in manifests and results."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from indievaluecatalog import _git


def commit_all(repository: Path, message: str) -> None:
    """Commit everything in ``repository``, allowing an empty commit, as a throwaway author."""
    subprocess.run(["git", "-C", str(repository), "add", "."], check=True)
    subprocess.run(
        [
            "git",
            "-C",
            str(repository),
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@example.org",
            "commit",
            "-q",
            "--allow-empty",
            "-m",
            message,
        ],
        check=True,
    )


def test_commit_outside_any_repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A package folder outside any checkout records no commit."""
    monkeypatch.setattr(_git, "_PACKAGE_DIR", tmp_path)
    assert _git.git_commit() is None


def test_commit_of_unrelated_repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A package installed inside another repository, which does not track it, records no commit."""
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    commit_all(tmp_path, "unrelated")
    package = tmp_path / "venv" / "indievaluecatalog"
    package.mkdir(parents=True)
    (package / "_version.py").write_text('__version__ = "0"\n', encoding="utf-8")
    monkeypatch.setattr(_git, "_PACKAGE_DIR", package)
    assert _git.git_commit() is None


def test_commit_of_tracking_repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A checkout that tracks the package records its HEAD commit."""
    package = tmp_path / "indievaluecatalog"
    package.mkdir()
    (package / "_version.py").write_text('__version__ = "0"\n', encoding="utf-8")
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    commit_all(tmp_path, "package")
    head = subprocess.run(
        ["git", "-C", str(tmp_path), "rev-parse", "HEAD"], capture_output=True, text=True, check=True
    ).stdout.strip()
    monkeypatch.setattr(_git, "_PACKAGE_DIR", package)
    assert _git.git_commit() == head
